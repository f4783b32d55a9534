"""The page's outcome charts as Vega-Lite specifications (drawn in the browser).

:func:`chart_spec` is the charts without data (a Vega-Lite v5 spec, the same for a whole
run) and :func:`chart_data` their named datasets, which only grow at their end as the run
advances, so the page sends the browser each week's new rows only
(:class:`~sim.page.growing.GrowingChart`) and the browser draws them: a week's step waits
for no server-side figure. One small chart per outcome: US surprises and
public disputes apart (they are the model's trade-off and move in opposite directions),
exemptions, WG legitimacy, projects, the ROK–US gap and the DPI; every chart marks the
scheduled shocks (numbered, named in :func:`shock_list`), the WG's creation and end, and
the weeks of surprises and disputes.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from html import escape
from typing import Any

from sim.page.data import RunView

COLOURS = ("#1f5fa8", "#d95f02")
"""The first run (with the WG) and the second (no group)."""

CHART_WIDTH = 380
CHART_HEIGHT = 110
SHOCK_ROWS = (0, 10)
"""Pixel offsets of the rows the shocks' numbers take turns on (from the chart's top)."""
SHOCK_SPACING_WEEKS = 10
"""Two shocks this close take different rows (at 250 px a chart spans ~10 weeks per
shock number: "14" and "15" three weeks apart ran together as "1415")."""


@dataclass(frozen=True)
class Panel:
    """One chart: the column it plots, its title (with the unit) and its y range."""

    column: str
    title: str
    share: bool  # True: the axis is 0-1; False: a count from 0 up


PANELS = (
    Panel("surprises", "US surprises (count so far)", False),
    Panel("disputes", "Public disputes in Seoul (count so far)", False),
    Panel("exemptions", "UN exemptions granted (count so far)", False),
    Panel("legitimacy", "WG legitimacy (0–1, while the WG exists)", True),
    Panel("implemented", "Projects implemented (count so far)", False),
    Panel("gap", "ROK–US gap on engagement pace (0–1)", True),
    Panel("dpi", "Denuclearization progress index (0–1)", True),
)


def _iso(value: Any) -> str:
    return str(value)[:10]


def _values(column: Any) -> list[Any]:
    """A column's values for JSON: NaN (no value) as None."""
    return [None if v != v else v for v in column.tolist()]


def series_records(view: RunView, since: int = 0) -> list[dict[str, Any]]:
    """The view's weekly values after week ``since``, one record per week.

    Exemptions are counted from the run's start (cumulative).
    """
    s = view.series
    if s.empty:
        return []
    granted = view.events[view.events["kind"] == "un_approved"].groupby("week").size()
    exemptions = granted.reindex(s["week"], fill_value=0).cumsum().to_numpy()
    if since:
        keep = (s["week"] > since).to_numpy()
        s, exemptions = s[keep], exemptions[keep]
    legit = s["legitimacy"].where(s["wg_phase"] == 1.0)
    columns = {
        "date": [_iso(d) for d in s["date"].tolist()],
        "surprises": _values(s["surprises"]),
        "disputes": _values(s["disputes"]),
        "exemptions": exemptions.tolist(),
        "legitimacy": _values(legit),  # NaN (None): no WG
        "implemented": _values(s["implemented"]),
        "gap": _values(s["gap"]),
        "dpi": _values(s["dpi"]),
    }
    names = list(columns)
    return [
        {"run": view.label, **dict(zip(names, values, strict=True))}
        for values in zip(*columns.values(), strict=True)
    ]


@dataclass(frozen=True)
class Shock:
    """A scheduled shock as the charts number it."""

    number: int
    date: str
    name: str
    week: int = 0


def shocks(view: RunView) -> list[Shock]:
    """The world events fired so far, numbered in date order.

    Shocks that only put Seoul's documented proposals on the table are left out: they are
    the ROK's own items, told in the log, and would crowd the charts' numbers.
    """
    rows = view.events[view.events["kind"] == "shock"]
    out: list[Shock] = []
    for detail, week in zip(rows["detail"].astype(str), rows["week"].tolist(), strict=True):
        day, _, name = detail.partition(": ")
        if name in view.item_shocks:
            continue
        out.append(Shock(len(out) + 1, day, name or detail, int(week)))
    return out


def shock_rows(items: list[Shock]) -> list[int]:
    """The row (pixel offset) of each shock's number, so that close ones do not overlap.

    Each takes the first row whose last number is at least ``SHOCK_SPACING_WEEKS``
    earlier (else the row used longest ago); it depends on earlier shocks only, so a later
    week's shocks keep the rows they had.
    """
    last = [-SHOCK_SPACING_WEEKS] * len(SHOCK_ROWS)
    out = []
    for s in items:
        free = [i for i, w in enumerate(last) if s.week - w >= SHOCK_SPACING_WEEKS]
        i = free[0] if free else min(range(len(last)), key=last.__getitem__)
        last[i] = s.week
        out.append(SHOCK_ROWS[i])
    return out


def markers(views: list[RunView], since: int = 0) -> list[dict[str, str]]:
    """WG created / ended, surprises and disputes after week ``since``, as dated marks."""
    names = {
        "wg_created": "WG created",
        "wg_terminated": "WG ended",
        "surprise": "surprise",
        "dispute": "dispute",
    }
    out = []
    for view in views:
        ev = view.events[view.events["kind"].isin(list(names)) & (view.events["week"] > since)]
        for kind, date in zip(ev["kind"], ev["date"], strict=True):
            out.append({"date": _iso(date), "run": view.label, "mark": names[str(kind)]})
    return out


def _panel(panel: Panel, domain: list[str], runs: list[str]) -> dict[str, Any]:
    # counts: from 0 to at least 1, further as the data grows (the spec stays the same)
    y_scale = {"domain": [0, 1]} if panel.share else {"domain": {"unionWith": [0, 1]}, "nice": True}
    x = {
        "field": "date",
        "type": "temporal",
        "title": None,
        "scale": {"domain": domain},
        "axis": {"format": "%Y", "tickCount": "year", "labelFlush": True},
    }
    colour = {
        "field": "run",
        "type": "nominal",
        "title": None,
        "scale": {"domain": runs, "range": list(COLOURS[: len(runs)])},
        "legend": {"orient": "top", "direction": "horizontal"},
    }
    layers: list[dict[str, Any]] = [
        {
            "data": {"name": "shocks"},
            "mark": {"type": "rule", "color": "#9a9a9a", "strokeDash": [2, 2]},
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "tooltip": [{"field": "label", "type": "nominal", "title": "shock"}],
            },
        },
        {
            "data": {"name": "shocks"},
            # just right of its rule, so the first shock's number clears the y-axis labels
            "mark": {
                "type": "text",
                "dx": 2,
                "dy": -2,
                "fontSize": 9,
                "color": "#555",
                "align": "left",
                "baseline": "top",
            },
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "y": {"field": "row", "type": "quantitative", "scale": None},
                "text": {"field": "number", "type": "nominal"},
            },
        },
        {
            "data": {"name": "wg"},
            "mark": {"type": "rule", "strokeWidth": 1.5, "strokeDash": [6, 3]},
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "color": colour,
                "tooltip": [{"field": "mark", "title": "event"}, {"field": "date"}],
            },
        },
        {
            "data": {"name": "series"},
            "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 1.8},
            "encoding": {
                "x": x,
                "y": {
                    "field": panel.column,
                    "type": "quantitative",
                    "title": None,
                    "scale": y_scale,
                },
                "color": colour,
            },
        },
    ]
    if panel.column in ("surprises", "disputes"):
        kind = "surprise" if panel.column == "surprises" else "dispute"
        layers.append(
            {
                "data": {"name": "events"},
                "transform": [{"filter": {"field": "mark", "equal": kind}}],
                "mark": {"type": "point", "shape": "triangle-down", "filled": True, "size": 50},
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "y": {"value": 26},  # below the shocks' numbers
                    "color": colour,
                    "tooltip": [{"field": "mark", "title": "event"}, {"field": "date"}],
                },
            }
        )
    return {
        "title": {"text": panel.title, "anchor": "start", "fontSize": 12},
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "layer": layers,
    }


def chart_spec(views: list[RunView]) -> dict[str, Any]:
    """The outcome charts of one or two runs without their data (two columns).

    The same for the whole run: only :func:`chart_data` changes week by week.
    """
    first = views[0]
    end = first.start + dt.timedelta(weeks=first.n_weeks)
    domain = [first.start.isoformat(), end.isoformat()]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "columns": 2,
        "concat": [_panel(p, domain, [v.label for v in views]) for p in PANELS],
        "config": {
            "background": "white",
            "view": {"stroke": "#ddd"},
            "axis": {"labelFontSize": 10},
        },
        "usermeta": {"embedOptions": {"actions": False, "renderer": "svg"}},
    }


def chart_data(views: list[RunView], since: int = 0) -> dict[str, list[dict[str, Any]]]:
    """The charts' named datasets after week ``since``, in date order.

    In date order, a later week only adds rows at the end: the datasets up to week ``w``
    followed by ``chart_data(views, since=w)`` are the datasets of the later week.
    """
    by_date = operator.itemgetter("date")  # a stable sort: the runs keep their order
    marks = markers(views, since)
    fired = shocks(views[0])
    return {
        "series": sorted((r for v in views for r in series_records(v, since)), key=by_date),
        "shocks": [
            {"date": s.date, "number": str(s.number), "label": f"{s.number}: {s.name}", "row": r}
            for s, r in zip(fired, shock_rows(fired), strict=True)
            if s.week > since
        ],
        "wg": sorted((m for m in marks if m["mark"].startswith("WG")), key=by_date),
        "events": sorted((m for m in marks if not m["mark"].startswith("WG")), key=by_date),
    }


def outcome_charts(views: list[RunView]) -> dict[str, Any]:
    """The outcome charts of one or two runs with their data, as one Vega-Lite spec."""
    return {**chart_spec(views), "datasets": chart_data(views)}


def shock_list(view: RunView) -> str:
    """The numbered shocks as an HTML list (the key to the charts' numbers).

    Their names come from the scenario file: escaped, shown as text.
    """
    items = shocks(view)
    if not items:
        return "<p>No scheduled event has happened yet.</p>"
    lines = "".join(
        f'<li value="{s.number}">{escape(s.date)}: {escape(s.name)}</li>' for s in items
    )
    return f'<ol class="wgsim-shocks">{lines}</ol>'
