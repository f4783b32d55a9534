"""The actor network (SVG) and the proposal pipeline (an HTML table), as text for the page.

Both are plain strings built from :mod:`sim.page.data`, drawn by the browser: no
server-side figure per week. The network names every actor in its labels and in an
accessible title, so screen readers and text search find them.
"""

from __future__ import annotations

from html import escape

from sim.page.data import RunView, network, pipeline_counts

# Node positions in a 460 x 330 box: the ROK left, the US right, the DPRK below, hubs between.
POSITIONS = {
    "Blue House": (120, 50),
    "MOFA": (60, 175),
    "MOU": (120, 300),
    "State": (390, 175),
    "UN 1718": (390, 50),
    "DPRK": (340, 300),
    "WG": (230, 245),
    "DG talks": (230, 20),  # top middle: at (230, 110) it covered the NSC channel's label
}
NODE_COLOURS = {
    "WG": "#1f5fa8",
    "DG talks": "#138d90",
    "DPRK": "#6a3d9a",
    "UN 1718": "#2e7d32",
    "State": "#b22222",
}
ACTOR_NAMES = {
    "Blue House": "the Blue House (ROK president's office)",
    "MOFA": "MOFA (ROK Ministry of Foreign Affairs)",
    "MOU": "MOU (ROK Ministry of Unification)",
    "State": "the State Department (US)",
    "UN 1718": "the UN 1718 sanctions committee",
    "DPRK": "the DPRK (North Korea)",
    "WG": "the working group",
    "DG talks": "director-general-level talks",
}
"""Each network node in words (the page's text names them)."""


def _trust_colour(trust: float | None) -> str:
    if trust is None:
        return "#9e9e9e"
    t = min(1.0, max(0.0, trust))  # red (low) to green (high)
    r, g = int(200 * (1 - t) + 30 * t), int(60 * (1 - t) + 150 * t)
    return f"rgb({r},{g},60)"


def network_svg(view: RunView) -> str:
    """The actor network at the view's week as an SVG element.

    Edge width: contacts in the last 13 weeks; colour: mutual US–ROK trust (red low,
    green high; grey: not an alliance channel); dashed: through the White House NSC.
    """
    net = network(view)
    parts = []
    labels = []  # drawn after every edge, so no edge runs over a label's white halo
    seen: dict[frozenset[str], int] = {}
    for e in net.edges:
        key = frozenset((e.a, e.b))
        k = seen.get(key, 0)
        seen[key] = k + 1
        (xa, ya), (xb, yb) = POSITIONS[e.a], POSITIONS[e.b]
        bend = 44 * k * (-1) ** k  # parallel channels bow apart
        mx, my = (xa + xb) / 2, (ya + yb) / 2 + bend  # the curve's control point
        width = 1 + 0.8 * min(e.volume, 12)
        dash = ' stroke-dasharray="6 4"' if e.nsc else ""
        parts.append(
            f'<path d="M{xa},{ya} Q{mx},{my} {xb},{yb}" fill="none" '
            f'stroke="{_trust_colour(e.trust)}" stroke-width="{width:.1f}"{dash}>'
            f"<title>{escape(e.label)}: {e.volume} in the last quarter</title></path>"
        )
        if e.label not in ("WG", "DG talks"):
            # channels: at the curve's middle; other flows: a quarter of the way from ``a``,
            # clear of the channels that cross the middle of the diagram
            t = 0.5 if e.trust is not None else 0.25
            lx = xa + t * (xb - xa)
            ly = ya + t * (yb - ya) + (bend / 2 if t == 0.5 else 0) - 4
            labels.append(
                f'<text x="{lx:.0f}" y="{ly:.0f}" font-size="10" text-anchor="middle" '
                f'fill="#333" paint-order="stroke" stroke="white" stroke-width="3">'
                f"{escape(e.label)} ({e.volume})</text>"
            )
    parts.extend(labels)
    for name in net.nodes:
        x, y = POSITIONS[name]
        colour = NODE_COLOURS.get(name, "#3b6cb0")
        parts.append(
            f"<g><title>{escape(ACTOR_NAMES[name])}</title>"
            f'<rect x="{x - 38}" y="{y - 13}" width="76" height="26" rx="13" fill="{colour}"/>'
            f'<text x="{x}" y="{y + 4}" font-size="11" font-weight="bold" fill="white" '
            f'text-anchor="middle">{escape(name)}</text></g>'
        )
    title = f"Actors and channels: {view.label}"
    return (
        f'<svg viewBox="0 0 460 330" width="460" height="330" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )


def pipeline_table(views: list[RunView]) -> str:
    """Proposals per stage and per outcome, one column per run, as an HTML table."""
    counts = [pipeline_counts(v.status) for v in views]
    head = "".join(f"<th>{escape(v.label)}</th>" for v in views)
    rows = []
    for i, stage in enumerate(counts[0]):
        if i == 4:
            rows.append(f'<tr class="sep"><th colspan="{len(views) + 1}">ended as</th></tr>')
        cells = "".join(f"<td>{c[stage]}</td>" for c in counts)
        rows.append(f"<tr><th>{escape(stage)}</th>{cells}</tr>")
    return (
        '<table class="wgsim-table"><thead><tr><th>in flight now</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
