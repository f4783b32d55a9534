"""The page's panels (Solara components) for one step of a :class:`PageModel`.

Each takes the model's run views and draws one part of the page: the header with the date,
the scoreboard, the charts, the network and pipeline, the log, the many-seeds view.
Presentation only: what they show comes from :mod:`sim.page.data`, ``score``, ``story``,
``charts`` and ``views``.
"""

from __future__ import annotations

import json
import operator
import threading
from html import escape
from pathlib import Path
from typing import Any

import solara

from sim.page.charts import chart_data, shock_list
from sim.page.data import RunView, in_flight
from sim.page.growing import GrowingChart, LogLines, Opaque, grown, join_datasets
from sim.page.model import today_line
from sim.page.score import ManySeeds, many_seeds, number, scoreboard, scoreboard_table
from sim.page.story import actors, filtered, log_rows, proposal_names
from sim.page.summary import SummaryInfo, summary_html
from sim.page.views import ACTOR_NAMES, network_svg, pipeline_table

IN_FLIGHT_ROWS = 12
SEEDS = 50


def heading(text: str) -> Any:
    """A bold line of plain text.

    Never ``solara.Markdown`` for text that holds a name from a file: Solara compiles
    Markdown's HTML as a Vue template, so a name's ``<img onerror=…>`` or ``{{ … }}`` would
    run in the browser (issue 28). ``solara.HTML`` sets the escaped text as inner HTML.
    """
    return solara.HTML(tag="p", unsafe_innerHTML=f"<b>{escape(text)}</b>", classes=["wgsim-h"])


def Scoreboard(views: list[RunView]) -> Any:
    """The outcomes so far, per run, and WG minus no group for a pair."""
    html = scoreboard_table(views, "wgsim-table wgsim-score")
    return solara.HTML(tag="div", unsafe_innerHTML=html, classes=["wgsim-scoreboard"])


@solara.component
def PrintableSummary(views: list[RunView], info: SummaryInfo) -> None:
    """A button that downloads the one-page summary of the run shown (:mod:`sim.page.summary`)."""
    name = f"wgsim-summary-{info.scenario}-{info.variant}-s{info.seed}-w{views[0].week}.html"
    solara.FileDownload(
        lambda: summary_html(views, info).encode(),
        filename=name.replace("/", "-"),
        label="Printable summary",
        mime_type="text/html",
    )


@solara.component
def Charts(views: list[RunView], spec: str, source: object) -> None:
    """The outcome charts (drawn in the browser) and the key to the numbered shocks.

    ``spec`` is :func:`chart_spec` of the run as JSON (the same every week); the data of
    the weeks since the last redraw is computed and sent, not the whole.
    """
    data: Any = solara.use_ref(None)
    data.current = grown(
        data.current,
        source,
        views[0].week,
        lambda since: chart_data(views, since),
        join_datasets,
    )
    with solara.Column(gap="4px", classes=["wgsim-charts"]):
        GrowingChart(spec, Opaque(data.current.value))
        solara.HTML(  # HTML, not Markdown: a shock's name is text, never a template
            tag="div",
            unsafe_innerHTML="<p><b>Numbered lines: scheduled events</b> (dashed coloured "
            "lines: the WG created or ended; triangles: a US surprise or a public dispute)</p>"
            + shock_list(views[0]),
            classes=["wgsim-shock-key"],
        )


def NetworkAndPipeline(views: list[RunView]) -> Any:
    """The actor network of each run and the proposal pipeline."""
    with solara.Row(gap="16px", style={"flex-wrap": "wrap"}, classes=["wgsim-network"]) as row:
        for view in views:
            with solara.Column(gap="0px"):
                heading(f"Actors and channels: {view.label}")
                solara.HTML(tag="div", unsafe_innerHTML=network_svg(view))
        with solara.Column(gap="4px"):
            heading("Proposal pipeline")
            solara.HTML(tag="div", unsafe_innerHTML=pipeline_table(views))
            for view in views:
                items = in_flight(view.events, view.week, view.status)
                lines = "".join(
                    f"<li>{escape(i.name)}: {escape(i.stage)}, "
                    f"{escape(i.route or 'not routed yet')}, "
                    f"{i.age_weeks} {'week' if i.age_weeks == 1 else 'weeks'}</li>"
                    for i in items[:IN_FLIGHT_ROWS]
                )
                solara.HTML(  # HTML, not Markdown: a changed text updates the widget in place
                    tag="div",
                    unsafe_innerHTML=f"<p>In flight ({escape(view.label)}): {len(items)}</p>"
                    + (f"<ul>{lines}</ul>" if lines else ""),
                    classes=["wgsim-inflight"],
                )
    legend = "; ".join(f"**{k}**: {v}" for k, v in ACTOR_NAMES.items())
    with solara.Column(gap="0px") as col:
        solara.Markdown(
            "Edges: their width counts contacts in the last 13 weeks; their colour is the "
            "mutual US–ROK trust (red low, green high); dashed: through the White House "
            f"NSC. Actors — {legend}.",
            style={"font-size": "13px"},
        )
    return row, col


@solara.component
def EventLog(views: list[RunView], source: object = None) -> None:
    """The whole history as dated sentences with "because" clauses, newest first.

    ``source`` is the model the views come from: each event is narrated once per model.
    """
    which = solara.use_reactive(0)
    hide = solara.use_reactive(True)
    actor = solara.use_reactive("everyone")
    story = solara.use_reactive("every proposal")
    logs: Any = solara.use_ref({})  # run label -> its rows, narrated once each
    view = views[min(which.value, len(views) - 1)]
    logs.current[view.label] = grown(
        logs.current.get(view.label),
        source,
        len(view.events),
        lambda start: log_rows(view, start),
        operator.add,
    )
    rows = logs.current[view.label].value
    names = proposal_names(view)
    stories = {f"#{pid}: {name}": pid for pid, name in names.items()}
    with solara.Column(gap="4px", classes=["wgsim-log"]):
        heading(f"Event log: {view.label}")
        with solara.Row(
            gap="12px",
            style={"flex-wrap": "wrap", "align-items": "center"},
            classes=["wgsim-log-filters"],
        ):
            if len(views) == 2:
                for i, v in enumerate(views):
                    solara.Button(
                        f"log of: {v.label}",
                        on_click=lambda i=i: which.set(i),
                        color="primary" if i == which.value else None,
                        outlined=i != which.value,
                    )
            solara.Checkbox(label="hide meetings and contacts", value=hide)
            solara.Select(
                "one actor",
                values=["everyone", *actors(rows)],
                value=actor,
                style={"max-width": "220px"},
            )
            solara.Select(
                "one proposal's story",
                values=["every proposal", *stories],
                value=story,
                style={"max-width": "360px"},
            )
        kept = filtered(
            rows,
            hide_contacts=hide.value,
            actor="" if actor.value == "everyone" else actor.value,
            proposal=stories.get(story.value, 0),
        )
        total = len(rows)
        solara.HTML(
            tag="p",
            unsafe_innerHTML=f"{len(kept)} of {total} {'event' if total == 1 else 'events'} "
            "shown, newest first.",
        )
        LogLines(Opaque(kept))


def Header(views: list[RunView], title: str) -> Any:
    """What is running (scenario, seed, mode) and each run's date."""
    with solara.Column(gap="2px", classes=["wgsim-header"]) as col:
        solara.HTML(tag="h3", unsafe_innerHTML=escape(title))
        for view in views:  # HTML, not Markdown: a changed text updates the widget in place
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"<b>{escape(view.label)}</b> — {escape(today_line(view))}",
                style={"font-size": "15px"},
            )
    return col


def Finished(views: list[RunView]) -> Any:
    """The end-of-run message with a one-line summary per run."""
    parts = []
    for line in scoreboard(views)[:5]:
        vals = " / ".join(number(v) for v in line.values)
        parts.append(f"{line.name}: {vals}")
    runs = " / ".join(v.label for v in views)
    return solara.Success(
        f"Finished: all {views[0].n_weeks} weeks simulated. ({runs}) " + "; ".join(parts) + "."
    )


@solara.component
def ManySeedsPanel(
    file: Path, variant: str, overrides: dict[str, Any], possible: bool, on_seed: Any
) -> None:
    """Run seeds 0-49 with and without the WG; distributions and paired differences."""
    result: solara.Reactive[ManySeeds | None] = solara.use_reactive(None)
    done = solara.use_reactive(0)
    running = solara.use_reactive(False)
    key = (str(file), variant, tuple(sorted(overrides.items())))
    last: solara.Reactive[Any] = solara.use_reactive(None)

    def start() -> None:
        running.set(True)
        done.set(0)

        def work() -> None:
            try:
                out = many_seeds(file, variant, overrides, SEEDS, done.set)
                result.set(out)
                last.set(key)
            finally:
                running.set(False)

        threading.Thread(target=work, daemon=True).start()

    solara.Markdown(
        f"One seed is one possible history. Here the chosen scenario (with the sliders as set) "
        f"runs with seeds 0 to {SEEDS - 1}, each with its working group and without it, on "
        "the same random draws; the differences are paired seed by seed."
    )
    if not possible:
        solara.Warning("This variant has no working group: pick one that has one to compare.")
        return
    solara.Button(
        f"Run {SEEDS} seeds",
        on_click=start,
        disabled=running.value,
        color="primary",
    )
    if running.value:
        solara.ProgressLinear(done.value / SEEDS * 100)
        solara.Markdown(f"{done.value} of {SEEDS} seeds run…")
    out: ManySeeds | None = result.value
    if out is None:
        return
    if last.value != key:
        solara.Info("The settings changed since these runs: run them again to update.")
    SeedsTable(out, on_seed)


def SeedsTable(out: ManySeeds, on_seed: Any) -> Any:
    """The paired differences and their intervals, the distributions, the teaching seed."""
    rows = []
    for m in out.metrics:
        wg = [v for v in m.wg if v == v]
        none = [v for v in m.none if v == v]
        rows.append(
            f"<tr><th>{escape(m.name)}</th>"
            f"<td>{number(sum(wg) / len(wg) if wg else None)}</td>"
            f"<td>{number(sum(none) / len(none) if none else None)}</td>"
            + (
                f"<td><b>{number(m.mean, signed=True)}</b></td>"
                f"<td>{number(m.lo)} to {number(m.hi)}</td><td>{m.n}</td></tr>"
                if none  # the WG's own outcomes: nothing to pair, the seeds with a value
                else f"<td></td><td></td><td>{len(wg)}</td></tr>"
            )
        )
    html = (
        '<table class="wgsim-table wgsim-seeds"><thead><tr><th>outcome (mean of '
        f"{len(out.seeds)} seeds)</th><th>with the WG</th><th>no group</th><th>difference "
        "(WG − no group)</th><th>95% interval</th><th>seeds</th></tr></thead><tbody>"
        f"{''.join(rows)}</tbody></table>"
    )
    with solara.Column(gap="8px") as col:
        solara.HTML(tag="div", unsafe_innerHTML=html)
        solara.Markdown(
            "An interval that does not contain 0 means the WG's effect on that outcome holds "
            "across histories, not just in one."
        )
        # drawn like the run's charts: Solara's own VegaLite widget loads Vega a second way,
        # and the browser threw "TypeError ... reading 'usermeta'" at every Run 50 seeds
        spec = seeds_chart(out)
        values = spec.pop("data")["values"]
        GrowingChart(json.dumps({**spec, "data": {"name": "seeds"}}), Opaque({"seeds": values}))
        with solara.Row(style={"align-items": "center"}):
            solara.Markdown(
                f"**Recommended teaching seed: {out.teaching_seed}** (with the WG fewer US "
                "surprises and more public disputes than without it, and its outcomes the "
                "closest to the median ones: a typical history showing both halves)."
            )
            solara.Button(
                f"Use seed {out.teaching_seed}",
                on_click=lambda: on_seed(str(out.teaching_seed)),
                outlined=True,
            )
    return col


def seeds_chart(out: ManySeeds) -> dict[str, Any]:
    """Each seed's WG − no-group difference per outcome, as dots (one row per outcome)."""
    values = [
        {"outcome": m.name, "seed": s, "difference": a - b}
        for m in out.metrics
        for s, a, b in zip(out.seeds, m.wg, m.none, strict=True)
        if a == a and b == b
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": values},
        "title": "Each seed's difference (WG − no group); the bar is the mean",
        "facet": {
            "row": {
                "field": "outcome",
                "type": "nominal",
                "title": None,
                "header": {"labelAngle": 0, "labelAlign": "left", "labelLimit": 200},
            }
        },
        "spec": {
            "width": 420,
            "height": 34,
            "layer": [
                {
                    "mark": {"type": "tick", "opacity": 0.5},
                    "encoding": {
                        "x": {
                            "field": "difference",
                            "type": "quantitative",
                            "title": "WG − no group",
                            # fewer, non-overlapping labels: the domain's flush first
                            # label ran into the next one on wide ranges
                            "axis": {"tickCount": 6, "labelOverlap": "greedy"},
                        },
                        "tooltip": [{"field": "seed"}, {"field": "difference"}],
                    },
                },
                {"mark": {"type": "rule", "color": "black"}, "encoding": {"x": {"datum": 0}}},
                {
                    "mark": {"type": "tick", "color": "#d95f02", "thickness": 3},
                    "encoding": {"x": {"aggregate": "mean", "field": "difference"}},
                },
            ],
        },
        "resolve": {"scale": {"x": "independent"}},
        "config": {"background": "white"},
        "usermeta": {"embedOptions": {"actions": False, "renderer": "svg"}},
    }
