"""The page's outcome charts as Vega-Lite specifications (drawn in the browser).

Each call returns a plain ``dict`` (a Vega-Lite v5 spec) for Solara's ``VegaLite`` widget:
building it is a few milliseconds of Python, and the browser draws it, so a week's step
does not wait for a server-side figure. One small chart per outcome: US surprises and
public disputes apart (they are the model's trade-off and move in opposite directions),
exemptions, WG legitimacy, projects, the ROK–US gap and the DPI; every chart marks the
scheduled shocks (numbered, named in :func:`shock_list`), the WG's creation and end, and
the weeks of surprises and disputes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sim.page.data import RunView

COLOURS = ("#1f5fa8", "#d95f02")
"""The first run (with the WG) and the second (no group)."""

CHART_WIDTH = 380
CHART_HEIGHT = 110


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


def series_records(view: RunView) -> list[dict[str, Any]]:
    """The view's weekly values, one record per week, with cumulative exemptions."""
    s = view.series
    if s.empty:
        return []
    granted = view.events[view.events["kind"] == "un_approved"].groupby("week").size()
    exemptions = granted.reindex(s["week"], fill_value=0).cumsum().to_numpy()
    legit = s["legitimacy"].where(s["wg_phase"] == 1.0)
    columns = {
        "date": [_iso(d) for d in s["date"].tolist()],
        "surprises": s["surprises"].tolist(),
        "disputes": s["disputes"].tolist(),
        "exemptions": exemptions.tolist(),
        "legitimacy": [None if v != v else v for v in legit.tolist()],  # NaN: no WG
        "implemented": s["implemented"].tolist(),
        "gap": s["gap"].tolist(),
        "dpi": s["dpi"].tolist(),
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


def shocks(view: RunView) -> list[Shock]:
    """The scheduled shocks fired so far (numbered in date order)."""
    rows = view.events[view.events["kind"] == "shock"]
    out = []
    for i, detail in enumerate(rows["detail"].astype(str), start=1):
        day, _, name = detail.partition(": ")
        out.append(Shock(i, day, name or detail))
    return out


def markers(views: list[RunView]) -> list[dict[str, str]]:
    """WG created / ended, surprises and disputes, as dated marks per run."""
    names = {
        "wg_created": "WG created",
        "wg_terminated": "WG ended",
        "surprise": "surprise",
        "dispute": "dispute",
    }
    out = []
    for view in views:
        ev = view.events[view.events["kind"].isin(list(names))]
        for kind, date in zip(ev["kind"], ev["date"], strict=True):
            out.append({"date": _iso(date), "run": view.label, "mark": names[str(kind)]})
    return out


def _panel(panel: Panel, top: float, domain: list[str], runs: list[str]) -> dict[str, Any]:
    y_scale = {"domain": [0, 1]} if panel.share else {"domain": [0, max(1.0, top)], "nice": True}
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
            "mark": {"type": "text", "dy": -2, "fontSize": 9, "color": "#555", "baseline": "top"},
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "y": {"value": 0},
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
                    "y": {"value": 4},
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


def outcome_charts(views: list[RunView]) -> dict[str, Any]:
    """The outcome charts of one or two runs, as one Vega-Lite spec (two columns)."""
    first = views[0]
    end = first.start + dt.timedelta(weeks=first.n_weeks)
    domain = [first.start.isoformat(), end.isoformat()]
    records = [r for v in views for r in series_records(v)]
    tops = {p.column: max([float(r[p.column] or 0) for r in records] or [0.0]) for p in PANELS}
    marks = markers(views)
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "datasets": {
            "series": records,
            "shocks": [
                {"date": s.date, "number": str(s.number), "label": f"{s.number}: {s.name}"}
                for s in shocks(first)
            ],
            "wg": [m for m in marks if m["mark"].startswith("WG")],
            "events": [m for m in marks if not m["mark"].startswith("WG")],
        },
        "columns": 2,
        "concat": [_panel(p, tops[p.column], domain, [v.label for v in views]) for p in PANELS],
        "config": {
            "background": "white",
            "view": {"stroke": "#ddd"},
            "axis": {"labelFontSize": 10},
        },
        "usermeta": {"embedOptions": {"actions": False, "renderer": "svg"}},
    }


def shock_list(view: RunView) -> str:
    """The numbered shocks as Markdown lines (the key to the charts' numbers)."""
    items = shocks(view)
    if not items:
        return "No scheduled event has happened yet."
    return "\n".join(f"{s.number}. {s.date}: {s.name}" for s in items)
