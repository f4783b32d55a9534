"""The interactive page: Mesa's SolaraViz around :class:`~sim.page.model.PageModel`.

Run it with ``wgsim serve [FILE]`` (which runs ``solara run sim.page.app --production`` on
127.0.0.1). Presentation only: the runs come from :mod:`sim.page.model`, what is shown from
:mod:`sim.page.data`, :mod:`sim.page.views` and :mod:`sim.analysis.narrate`.

The sidebar (Mesa's) has reset / play / step and the controls: scenario and variant,
mode (one run, side by side with and without a WG on the same seed, or a replay of a
stored run), the WG switch, the seed and sliders generated from the schema. The panels
show the calendar date, the actor network, the proposal pipeline, the outcome series
with shocks marked and the narrated event log.

Environment (set by ``wgsim serve``): ``WGSIM_PAGE_FILE`` the starting scenario file,
``WGSIM_PAGE_RESULTS`` the folder searched for stored runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import solara
from mesa.visualization import SolaraViz

from sim.analysis.narrate import narrate
from sim.page.data import in_flight, scenario_choices, slider_specs
from sim.page.model import MODES, NO_REPLAY, PageModel, stored_runs, today_line
from sim.page.views import network_figure, pipeline_figure, series_figure
from sim.scenario.loader import load_file
from sim.scenario.shipped import resolve

LOG_LINES = 30
"""Narrated events shown per run (newest first)."""
IN_FLIGHT_ROWS = 12


def page_params(file: Path, results: Path) -> dict[str, Any]:
    """Mesa ``model_params`` for the page: every control, generated from files and schema.

    Args:
        file: The starting scenario file (its folder lists the scenario choices).
        results: The folder searched for stored runs to replay.
    """
    sf = load_file(file)
    choices = list(scenario_choices(file.parent))
    start = f"{file.stem} / {sf.baseline}"
    if start not in choices:  # a file outside the listed folder still starts the page
        choices.insert(0, start)
    replays = [r.label for r in stored_runs(results)] or [NO_REPLAY]
    sliders = {s.path: s.mesa_param() for s in slider_specs(sf.variant(None))}
    return {
        "scenario_variant": {
            "type": "Select",
            "label": "scenario / variant",
            "value": start,
            "values": choices,
        },
        "mode": {"type": "Select", "label": "mode", "value": "one run", "values": list(MODES)},
        "working_group": {"type": "Checkbox", "label": "working group", "value": True},
        "seed": {"type": "InputText", "label": "seed", "value": "0"},
        "replay": {
            "type": "Select",
            "label": "stored run (replay mode)",
            "value": replays[0],
            "values": replays,
        },
        **sliders,
        "scenarios_dir": str(file.parent),
        "results_dir": str(results),
        "initial": {path: p["value"] for path, p in sliders.items()},
    }


def initial_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of the first model: every control at its starting value."""
    return {k: v["value"] if isinstance(v, dict) and "type" in v else v for k, v in params.items()}


def Header(model: PageModel) -> Any:
    """The calendar date of each run, and any problem with the controls."""
    with solara.Column(gap="4px") as col:
        if model.problem:
            solara.Error(f"{model.problem} (showing the default run instead)")
        for view in model.views():
            solara.Markdown(f"**{view.label}** — {today_line(view)}", style={"font-size": "15px"})
    return col


def SeriesPanel(model: PageModel) -> Any:
    """Friction, legitimacy, projects, gap and DPI with the shocks marked."""
    with solara.Column() as col:
        Header(model)
        solara.FigureMatplotlib(series_figure(model.views()), format="png")
    return col


def NetworkPanel(model: PageModel) -> Any:
    """The actor network."""
    return solara.FigureMatplotlib(network_figure(model.views()), format="png")


def PipelinePanel(model: PageModel) -> Any:
    """Counts by stage and the items in flight."""
    views = model.views()
    with solara.Column() as col:
        solara.FigureMatplotlib(pipeline_figure(views), format="png")
        for view in views:
            items = in_flight(view.events, view.week)
            lines = [f"**In flight ({view.label}): {len(items)}**", ""]
            lines += [
                f"- {i.name}: {i.stage}, {i.route or 'not routed'}, {i.age_weeks} weeks"
                for i in items[:IN_FLIGHT_ROWS]
            ]
            solara.Markdown("\n".join(lines))
    return col


def EventLog(model: PageModel) -> Any:
    """The event log narrated in plain dated sentences, newest first."""
    with solara.Row(classes=["wgsim-log"]) as row:
        for view in model.views():
            lines = narrate(view.events, last=LOG_LINES)[::-1]
            text = "\n".join(f"- {line}" for line in lines) or "- (nothing has happened yet)"
            with solara.Column(style={"flex": "1"}):
                solara.Markdown(f"**Event log: {view.label}**\n\n{text}")
    return row


@solara.component
def Page() -> None:
    """One page per browser session: its own model, so sessions do not share a run."""
    file = Path(os.environ.get("WGSIM_PAGE_FILE") or resolve("scenario", "historical"))
    results = Path(os.environ.get("WGSIM_PAGE_RESULTS", "results"))
    params = solara.use_memo(lambda: page_params(file, results), [])
    model = solara.use_memo(lambda: PageModel(**initial_kwargs(params)), [])
    SolaraViz(
        model,
        components=[SeriesPanel, NetworkPanel, PipelinePanel, EventLog],
        model_params=params,
        name="wgsim: US–ROK coordination with and without a working group",
        play_interval=150,
    )
