"""A printable one-page run summary: one self-contained HTML file (charts as inline SVG).

:func:`summary_html` writes what a class needs on paper about one run (a with/without-WG
pair, one run, or a replay): the scenario (file, variant, the file's description), the
seed, the settings changed from the variant's own values, the scoreboard (both runs and
their difference), the two trade-off charts (US surprises, public disputes in Seoul), the
WG's timeline (created, meetings, ended) and the key log lines (:data:`KEY_RULE`). Its
print style fits one A4 or Letter page (checked by printing it with Chromium in
tests/test_summary.py). The page's *Printable summary* button downloads it for the run
shown; ``wgsim summary`` writes it for a fresh or a stored run. Pure functions of the
runs' views: nothing here steps or changes a model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from sim.page.charts import COLOURS
from sim.page.controls import describe, slider_specs, variant_of
from sim.page.data import RunView
from sim.page.model import today_line
from sim.page.score import scoreboard_table
from sim.page.story import LogRow, log_rows

KEY_KINDS = ("wg_created", "surprise", "dispute", "wg_terminated", "dg_talks_started")
"""The events the key log lines keep: the WG's creation and end, every US surprise and
public dispute, and the start of director-general talks."""
KEY_MAX = 9
"""Key log lines kept per run (the first ones in date order)."""
KEY_RULE = (
    f"Key log lines: the WG's creation and end, every US surprise and public dispute in "
    f"Seoul, and the start of DG talks, oldest first, at most {KEY_MAX} per run."
)
TRADE_OFF = (("surprises", "US surprises (count so far)"), ("disputes", "Public disputes in Seoul"))
"""The charts of the summary: the two halves of the trade-off."""


@dataclass(frozen=True)
class SummaryInfo:
    """What the summary says about the set-up of the run.

    Attributes:
        scenario: The scenario file's name (or the stored run's folder).
        variant: The variant's name.
        description: The file's description of the variant ("" when it has none).
        mode: The page's mode in words.
        seed: The seed (None: not known).
        changed: Each setting changed from the variant's own value: (name, own, now).
        command: A command that makes the same summary again.
    """

    scenario: str
    variant: str
    description: str
    mode: str
    seed: int | None
    changed: tuple[tuple[str, str, str], ...] = ()
    command: str = ""


def describe_settings(
    file: Path, variant: str | None, overrides: dict[str, Any]
) -> tuple[tuple[str, str, str], ...]:
    """The changed settings in words: a slider by its label and shown values, else its path."""
    specs = {s.path: s for s in slider_specs(variant_of(file, variant))}
    out = []
    for path, value in overrides.items():
        spec = specs.get(path)
        if spec is None:
            out.append((path, "", str(value)))
        else:
            out.append((spec.label, spec.shown(spec.value), spec.shown(float(value))))
    return tuple(out)


def info_for(
    file: Path,
    variant: str | None,
    mode: str,
    seed: int | None,
    overrides: dict[str, Any],
    command: str = "",
) -> SummaryInfo:
    """The :class:`SummaryInfo` of a live run of ``file``'s ``variant``."""
    name = variant or variant_of(file, None).name
    return SummaryInfo(
        file.name,
        name,
        describe(file, variant),
        mode,
        seed,
        describe_settings(file, variant, overrides),
        command,
    )


# --- the parts --------------------------------------------------------------------------


def key_lines(view: RunView) -> list[LogRow]:
    """The run's key log lines by :data:`KEY_RULE`."""
    return [r for r in log_rows(view) if r.kind in KEY_KINDS][:KEY_MAX]


@dataclass(frozen=True)
class Timeline:
    """The WG's life in one run: created, meetings, ended ("" when it did not happen)."""

    created: str
    meetings: int
    first_meeting: str
    last_meeting: str
    ended: str


def timeline(view: RunView) -> Timeline:
    """The WG's creation, meetings and end, read from the run's log."""
    ev = view.events

    def dates(kind: str) -> list[str]:
        return [str(d)[:10] for d in ev.loc[ev["kind"] == kind, "date"].tolist()]

    created, meetings, ended = dates("wg_created"), dates("wg_meeting"), dates("wg_terminated")
    return Timeline(
        created[0] if created else "",
        len(meetings),
        meetings[0] if meetings else "",
        meetings[-1] if meetings else "",
        ended[0] if ended else "",
    )


def timeline_text(t: Timeline, finished: bool) -> str:
    """The timeline in one line."""
    if not t.created:
        return "no working group"
    parts = [f"created {t.created}"]
    if t.meetings:
        parts.append(f"{t.meetings} meetings ({t.first_meeting} to {t.last_meeting})")
    else:
        parts.append("no meeting yet")
    if t.ended:
        parts.append(f"ended {t.ended}")
    else:
        parts.append("lasts to the end" if finished else "still meeting")
    return "; ".join(parts)


def chart_svg(views: list[RunView], column: str, title: str, w: int = 330, h: int = 120) -> str:
    """One trade-off chart as inline SVG: each run's count by week, the WG's start and end."""
    left, right, top, bottom = 28, 14, 16, 18
    n = max(v.n_weeks for v in views)
    top_value = max([1.0] + [float(v.series[column].max()) for v in views if not v.series.empty])

    def x(week: float) -> float:
        return left + (w - left - right) * week / n

    def y(value: float) -> float:
        return h - bottom - (h - top - bottom) * value / top_value

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="{escape(title)}" '
        'font-family="sans-serif" font-size="9">',
        f'<text x="{left}" y="10" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{y(0)}" x2="{w - right}" y2="{y(0)}" stroke="#888"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{y(0)}" stroke="#888"/>',
        f'<text x="{left - 3}" y="{y(0) + 3}" text-anchor="end">0</text>',
        f'<text x="{left - 3}" y="{y(top_value) + 3}" text-anchor="end">{top_value:g}</text>',
    ]
    start = views[0].start
    for k in range(start.year + 1, start.year + 1 + n // 52 + 1):
        week = ((start.replace(year=k, month=1, day=1) - start).days) / 7
        if 0 < week < n and x(week) + 12 <= w:  # a label cut by the right edge: left out
            parts.append(
                f'<text x="{x(week):.1f}" y="{h - 5}" text-anchor="middle">{k}</text>'
                f'<line x1="{x(week):.1f}" y1="{y(0)}" x2="{x(week):.1f}" y2="{y(0) + 3}" '
                'stroke="#888"/>'
            )
    for i, v in enumerate(views):
        colour = COLOURS[i % len(COLOURS)]
        t = timeline(v)
        for day, dash in ((t.created, "4 2"), (t.ended, "1 2")):
            if day:
                week = (dt.date.fromisoformat(day) - start).days / 7 + 1
                parts.append(
                    f'<line x1="{x(week):.1f}" y1="{top}" x2="{x(week):.1f}" y2="{y(0)}" '
                    f'stroke="{colour}" stroke-dasharray="{dash}"/>'
                )
        if v.series.empty:
            continue
        points = [f"{x(0):.1f},{y(0):.1f}"]
        previous = 0.0
        for week, value in zip(v.series["week"].tolist(), v.series[column].tolist(), strict=True):
            points.append(f"{x(week):.1f},{y(previous):.1f}")  # a step: the count jumps
            points.append(f"{x(week):.1f},{y(value):.1f}")
            previous = float(value)
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" '
            f'points="{" ".join(points)}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="meta">{body}</table>'


# --- the page ---------------------------------------------------------------------------

STYLE = """
@page { size: auto; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: sans-serif; font-size: 10.5px; color: #111; margin: 0 auto;
  max-width: 720px; padding: 8px; }
h1 { font-size: 16px; margin: 0 0 4px; }
h2 { font-size: 12px; margin: 8px 0 3px; border-bottom: 1px solid #999; }
table { border-collapse: collapse; }
th, td { padding: 1px 6px; border-bottom: 1px solid #ddd; vertical-align: top; }
.meta th { text-align: left; font-weight: normal; color: #444; white-space: nowrap; }
.score td { text-align: right; }
.score th { text-align: left; font-weight: normal; }
.score thead th { font-weight: bold; }
.charts { display: flex; gap: 12px; }
.key { display: flex; gap: 12px; }
.key div { flex: 1 1 0; }
.key ul { margin: 0; padding-left: 14px; }
.key li { margin: 0 0 2px; }
.d { color: #555; font-variant-numeric: tabular-nums; }
.because { color: #1f5fa8; }
.note { color: #555; font-size: 9px; }
.swatch { display: inline-block; width: 14px; height: 3px; vertical-align: middle; }
@media print { body { padding: 0; } h2, table, .charts, li { break-inside: avoid; } }
"""


def summary_html(views: list[RunView], info: SummaryInfo) -> str:
    """The one-page summary of ``views`` (as the page shows them) as an HTML document."""
    changed = (
        "; ".join(
            escape(f"{name}: {own} → {now}" if own else f"{name} = {now}")
            for name, own, now in info.changed
        )
        or "none (the variant's own values)"
    )
    meta = [
        ("scenario", f"{escape(info.scenario)} / <b>{escape(info.variant)}</b>"),
        ("description", escape(info.description) or "—"),
        ("mode", escape(info.mode)),
        ("seed", "—" if info.seed is None else str(info.seed)),
        ("settings changed", changed),
        ("shown", escape(today_line(views[0]))),
    ]
    legend = " ".join(
        f'<span class="swatch" style="background:{COLOURS[i % 2]}"></span> {escape(v.label)}'
        for i, v in enumerate(views)
    )
    charts = "".join(chart_svg(views, column, title) for column, title in TRADE_OFF)
    lines = []
    for v in views:
        t = timeline_text(timeline(v), v.finished)
        lines.append(f"<li><b>{escape(v.label)}</b>: {escape(t)}</li>")
    key = []
    for v in views:
        items = "".join(
            f'<li><span class="d">{r.date}</span> {escape(r.text)}'
            + (f' <span class="because">— {escape(r.because)}</span>' if r.because else "")
            + "</li>"
            for r in key_lines(v)
        )
        key.append(f"<div><b>{escape(v.label)}</b><ul>{items or '<li>none</li>'}</ul></div>")
    again = escape(info.command)
    command = f'<p class="note">Again: <code>{again}</code></p>' if info.command else ""
    title = f"wgsim run summary: {info.scenario} / {info.variant}, seed {info.seed}"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{STYLE}</style></head><body>"
        f"<h1>wgsim: the US–ROK working group — run summary</h1>{_table(meta)}"
        f"<h2>Scoreboard</h2>{scoreboard_table(views, 'score')}"
        f"<h2>The trade-off</h2><p>{legend} (dashed: the WG created; dotted: ended)</p>"
        f'<div class="charts">{charts}</div>'
        f"<h2>The working group's timeline</h2><ul>{''.join(lines)}</ul>"
        f'<h2>Key log lines</h2><p class="note">{escape(KEY_RULE)}</p>'
        f'<div class="key">{"".join(key)}</div>{command}</body></html>'
    )
