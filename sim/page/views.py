"""The page's figures (matplotlib): actor network, proposal pipeline, outcome series.

Each function takes one or two :class:`~sim.page.data.RunView` s (side by side: the WG
run and the no-group run) and returns a matplotlib ``Figure`` (not pyplot, so figures are
freed with the page and safe in the server's threads).
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from sim.page.data import RunView, network, pipeline_counts, statuses

# Node positions: the ROK on the left, the US on the right, the DPRK below, hubs between.
POSITIONS = {
    "Blue House": (0.0, 0.55),
    "MOFA": (0.0, 0.0),
    "MOU": (0.0, -0.55),
    "State": (1.0, 0.0),
    "UN 1718": (1.0, 0.75),
    "DPRK": (0.45, -0.95),
    "WG": (0.5, 0.15),
    "DG talks": (0.5, 0.5),
}
NODE_COLOURS = {"WG": "#1f77b4", "DG talks": "#17becf", "DPRK": "#7f3f98", "UN 1718": "#2ca02c"}
TRUST_CMAP = colormaps["RdYlGn"]
LINESTYLES = ("-", "--")

SERIES_PANELS = (
    ("friction", "friction (surprises + disputes)"),
    ("legitimacy", "WG legitimacy"),
    ("implemented", "projects implemented"),
    ("gap", "ROK–US gap (engagement pace)"),
    ("dpi", "denuclearization progress (DPI)"),
)


def _width(volume: int) -> float:
    return 0.8 + 0.9 * min(volume, 12)


def network_figure(views: list[RunView]) -> Figure:
    """Actors as nodes; channels as edges (width: contacts in the last quarter, colour: trust)."""
    fig = Figure(figsize=(5.2 * len(views), 4.2))
    axes = fig.subplots(1, len(views), squeeze=False)[0]
    norm = Normalize(0.0, 1.0)
    for ax, view in zip(axes, views, strict=True):
        net = network(view)
        pairs: dict[frozenset[str], int] = {}
        for e in net.edges:
            key = frozenset((e.a, e.b))
            k = pairs.get(key, 0)
            pairs[key] = k + 1
            colour = "0.65" if e.trust is None else TRUST_CMAP(norm(e.trust))
            arrow = FancyArrowPatch(
                POSITIONS[e.a],
                POSITIONS[e.b],
                arrowstyle="-",
                connectionstyle=f"arc3,rad={0.18 * k * (-1) ** k}",
                linewidth=_width(e.volume),
                linestyle="--" if e.nsc else "-",
                color=colour,
                zorder=1,
            )
            ax.add_patch(arrow)
            if e.label not in ("WG", "DG talks"):
                (xa, ya), (xb, yb) = POSITIONS[e.a], POSITIONS[e.b]
                ax.text(
                    (xa + xb) / 2,
                    (ya + yb) / 2 + 0.09 * k * (-1) ** k,
                    f"{e.label} ({e.volume})",
                    fontsize=7,
                    ha="center",
                    color="0.25",
                    zorder=3,
                )
        for name in net.nodes:
            x, y = POSITIONS[name]
            colour = NODE_COLOURS.get(name, "#d62728" if name == "State" else "#4c72b0")
            ax.scatter([x], [y], s=1500, color=colour, zorder=2)
            ax.text(x, y, name, ha="center", va="center", fontsize=6, color="white", weight="bold")
        ax.set_xlim(-0.35, 1.35)
        ax.set_ylim(-1.2, 1.0)
        ax.set_axis_off()
        ax.set_title(f"{view.label}: actors and channels", fontsize=9)
    fig.colorbar(
        ScalarMappable(norm, TRUST_CMAP), ax=list(axes), shrink=0.6, label="mutual US–ROK trust"
    )
    return fig


def pipeline_figure(views: list[RunView]) -> Figure:
    """Proposals by stage (in flight) and by outcome, one bar per run."""
    fig = Figure(figsize=(5.2, 3.4))
    fig.subplots_adjust(left=0.27, right=0.97, top=0.9, bottom=0.15)
    ax = fig.subplots()
    counts = [pipeline_counts(statuses(v.events)) for v in views]
    names = list(counts[0])
    y = np.arange(len(names))
    h = 0.8 / len(views)
    for i, (view, c) in enumerate(zip(views, counts, strict=True)):
        ax.barh(y + i * h, [c[n] for n in names], height=h, label=view.label)
    ax.set_yticks(y + h * (len(views) - 1) / 2, names, fontsize=8)
    ax.invert_yaxis()
    ax.axhline(3.5 + (h * (len(views) - 1)) / 2, color="0.6", linewidth=0.8)
    ax.set_xlabel("proposals")
    ax.set_title("Proposal pipeline: in flight (top four) and outcomes", fontsize=9)
    if len(views) > 1:
        ax.legend(fontsize=8)
    return fig


def _series_values(view: RunView) -> pd.DataFrame:
    s = view.series
    out = pd.DataFrame({"date": s["date"]})
    out["friction"] = s["surprises"] + s["disputes"]
    for col in ("legitimacy", "implemented", "gap", "dpi"):
        out[col] = s[col]
    return out


def series_figure(views: list[RunView]) -> Figure:
    """Friction, legitimacy, projects, the ROK–US gap and DPI over time; shocks marked."""
    fig = Figure(figsize=(6.6, 4.6))
    fig.subplots_adjust(left=0.08, right=0.98, top=0.95, bottom=0.07, hspace=0.45, wspace=0.25)
    grid = fig.subplots(3, 2, sharex=True).ravel()
    axes, key = grid[: len(SERIES_PANELS)], grid[-1]
    first = views[0]
    lo = pd.Timestamp(first.start)
    hi = lo + pd.Timedelta(weeks=first.n_weeks)
    shocks = first.events[first.events["kind"] == "shock"]
    for ax, (col, title) in zip(axes, SERIES_PANELS, strict=True):
        for style, view in zip(LINESTYLES, views, strict=False):
            data = _series_values(view)
            ax.plot(data["date"], data[col], style, linewidth=1.4, label=view.label)
        for date in shocks["date"].unique():
            ax.axvline(date, color="0.55", linewidth=0.7, linestyle=":")
        ax.set_title(title, fontsize=8, loc="left")
        ax.tick_params(labelsize=7)
        ax.set_xlim(lo, hi)
    key.set_axis_off()
    handles, names = axes[0].get_legend_handles_labels()
    key.legend(handles, names, fontsize=8, loc="upper left", frameon=False)
    key.text(
        0.0, 0.3, "dotted lines: scheduled shocks\n(summits, leadership changes...)", fontsize=7
    )
    for ax in grid[-2:]:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    return fig
