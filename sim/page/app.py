"""The interactive page: a Solara app around :class:`~sim.page.model.PageModel`.

Run it with ``wgsim serve [FILE]`` (which runs ``solara run sim.page.app --production`` on
127.0.0.1). Presentation only: the runs come from :mod:`sim.page.model`, what is shown from
:mod:`sim.page.panels` and the modules it draws on.

The page is its own Solara layout rather than Mesa's ``SolaraViz`` (whose controller
steps "render interval" weeks, adds Mesa's own cards and redraws server-side figures):
the sidebar holds the scenario picker, the mode, the seed, presets and the sliders grouped
by actor; the main area has *Reset*, *Play*/*Pause* and *Step* (one week), the scoreboard,
the charts (drawn by the browser), the network and pipeline, and the event log, with tabs
for the many-seeds view and the "About this model" panel. Each session has its own
thread and event loop in the server, but every session's redraws share the one Python
process and its interpreter lock, so a week's redraw sends only what changed (the charts'
and the log's new rows: :mod:`sim.page.growing`), Play backs off after each redraw, so a
playing session cannot starve the others, and waits while another session's click is
being drawn (:mod:`sim.page.clicks`).

Environment (set by ``wgsim serve``): ``WGSIM_PAGE_FILE`` the starting scenario file,
``WGSIM_PAGE_RESULTS`` the folder searched for stored runs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import solara
import solara.lab

from sim.errors import WgsimError
from sim.page.about import ABOUT
from sim.page.charts import chart_spec
from sim.page.classroom import ClassSession, place
from sim.page.clicks import CLICKS
from sim.page.controls import (
    Choices,
    changed,
    has_group,
    parse_seed,
    scenario_choices,
)
from sim.page.model import MODES, PageModel, StoredRun, stored_runs
from sim.page.panels import (
    Charts,
    EventLog,
    Finished,
    Header,
    ManySeedsPanel,
    NetworkAndPipeline,
    PrintableSummary,
    Scoreboard,
)
from sim.page.roleplay import RolePlay
from sim.page.roleplay.address import joined, play_part, play_setup, resume_for
from sim.page.settings import (
    DEFAULT_SEED,
    Settings,
    build_model,
    checked_address,
    differences,
    specs_for,
    start_choice,
    started_model,
    summary_info,
    to_address,
)
from sim.page.sidebar import Controls
from sim.page.style import CSS
from sim.scenario.shipped import resolve

logger = logging.getLogger(__name__)

SPEEDS = {
    "4 weeks a second": 0.25,
    "12 weeks a second": 1 / 12,
    "as fast as it draws": 0.0,
}
"""The paces of Play (seconds per simulated week; 186 weeks: 47 s, 16 s, a few)."""
WEEK_SECONDS = SPEEDS["4 weeks a second"]
"""The starting pace of Play."""
MAX_WEEKS_PER_TICK = 4
"""At most this many weeks between two redraws while playing (when drawing lags)."""
FASTEST_WEEKS_PER_TICK = 8
"""Weeks per redraw at the fastest pace."""
BACKOFF = 2.0
"""While playing, the sleep after a tick lasts at least this many times the tick."""
MIN_SLEEP = 0.02
"""The shortest sleep between two ticks of Play (s): other sessions' turn."""


@solara.component
def RunArea(
    choices: Choices,
    runs: dict[str, StoredRun],
    initial: Settings,
    wanted: Settings,
    blocked: bool,
    start_week: int = 0,
    on_address: Any = None,
    generation: int = 0,
) -> None:
    """The run: Reset / Play / Step, the scoreboard, charts, network, pipeline and log.

    Its state (the model, the step counter, playing) is its own, so a step re-renders this
    part of the page only, not the sidebar. It starts from ``initial`` at ``start_week``
    and hands ``on_address`` the address of what it shows whenever that changes and the
    run is not playing (a Reset, a Step, a Pause, the end). A new ``generation`` (an
    address the page was sent to: back, forward) starts it afresh from ``initial``.
    """
    first = solara.use_memo(lambda: initial, [])  # the page's starting settings (valid)
    applied = solara.use_reactive(first)
    started = solara.use_memo(lambda: started_model(choices, runs, first, start_week), [])
    model_ref = solara.use_ref(started)
    lock = solara.use_memo(threading.Lock, [])
    version = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    pace = solara.use_reactive(WEEK_SECONDS)
    problem = solara.use_reactive("")
    model: PageModel = model_ref.current
    views = model.views() if version.value >= 0 else []
    spec = solara.use_memo(lambda: json.dumps(chart_spec(views)), [model])  # a whole run's

    def restart() -> None:  # a new address to show: its set-up at its week
        if generation == 0:
            return  # the first one is built above
        playing.set(False)
        with lock:
            model_ref.current = started_model(choices, runs, initial, start_week)
        problem.set("")
        applied.set(initial)
        version.set(version.value + 1)

    solara.use_effect(restart, [generation])

    def step_once() -> None:
        CLICKS.mark()  # drawn before other sessions' Play
        with lock:
            model_ref.current.step()
        version.set(version.value + 1)

    def run_to_end() -> None:  # the model runs a whole history in well under a second
        CLICKS.mark()
        with lock:
            while not model_ref.current.finished:
                model_ref.current.step()
        version.set(version.value + 1)

    def reset() -> None:
        playing.set(False)
        try:
            with lock:
                model_ref.current = build_model(choices, runs, wanted)
        except WgsimError as exc:
            problem.set(str(exc))
            return
        problem.set("")
        applied.set(wanted)
        version.set(version.value + 1)

    async def play_loop() -> None:
        # On this session's event loop, in a thread of the one server process whose
        # interpreter every session shares: each view is sent while the loop sleeps. The
        # run keeps the chosen pace (seconds per week); a tick (steps and redraw) is
        # followed by a sleep of at least BACKOFF times its own length, so a playing
        # session leaves the interpreter free most of the time (a step in another session
        # waits for one redraw at most). When ticks come late (a busy machine, many
        # sessions), a tick advances up to MAX_WEEKS_PER_TICK weeks before redrawing; at
        # the fastest pace always FASTEST_WEEKS_PER_TICK.
        try:
            start, done, week_s = time.perf_counter(), 0, pace.value
            while playing.value:
                if model_ref.current.finished:
                    playing.set(False)
                    return
                await CLICKS.quiet()  # another session's click is drawn first
                tick = time.perf_counter()
                if pace.value != week_s:  # the pace changed: keep it from now on
                    start, done, week_s = tick, 0, pace.value
                if week_s > 0:
                    due = int((tick - start) / week_s) - done
                    n = min(MAX_WEEKS_PER_TICK, max(1, due))
                else:
                    n = FASTEST_WEEKS_PER_TICK
                with lock:
                    for _ in range(n):
                        if not model_ref.current.finished:
                            model_ref.current.step()
                done += n
                version.set(version.value + 1)
                now = time.perf_counter()
                wait = start + (done + 1) * week_s - now if week_s > 0 else 0.0
                await asyncio.sleep(max(MIN_SLEEP, BACKOFF * (now - tick), wait))
        except Exception:  # shown in the server's log, not lost in the task
            logger.exception("the page's play loop stopped")
            playing.set(False)
            raise

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=False)

    address = to_address(choices, applied.value, views[0].week)

    def publish() -> None:
        if on_address is not None and not playing.value:
            on_address(address)

    solara.use_effect(publish, [address, playing.value])

    Header(views, _title(applied.value, model))
    with solara.Row(
        gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}, classes=["wgsim-buttons"]
    ):
        solara.Button("Reset", on_click=reset, disabled=blocked, color="primary")
        if playing.value:
            solara.Button("Pause", on_click=lambda: playing.set(False))
        else:
            solara.Button("Play", on_click=lambda: playing.set(True), disabled=model.finished)
        solara.Button("Step one week", on_click=step_once, disabled=playing.value or model.finished)
        solara.Button(
            "Run to the end", on_click=run_to_end, disabled=playing.value or model.finished
        )
        solara.Select(
            "speed of Play",
            values=list(SPEEDS),
            value=next(k for k, v in SPEEDS.items() if v == pace.value),
            on_value=lambda k: pace.set(SPEEDS[k]),
            style={"max-width": "190px"},
            classes=["wgsim-speed"],
        )
        PrintableSummary(views, summary_info(choices, runs, applied.value))
    hint = (
        differences(applied.value, wanted, specs_for(choices, wanted.choice)) if not blocked else []
    )
    # always there: the panels below keep their places (and widgets, and the log's filters)
    # when a message comes or goes
    with solara.Column(gap="4px"):
        if problem.value:
            solara.Error(problem.value)
        if hint:
            solara.Info("Changed, applied at Reset: " + "; ".join(hint))
        if model.finished:
            Finished(views)
    Scoreboard(views)
    Charts(views, spec, model)
    NetworkAndPipeline(views)
    EventLog(views, model)


@solara.component
def Page() -> None:
    """One page per browser session: its own model, so sessions do not share a run."""
    file = Path(os.environ.get("WGSIM_PAGE_FILE") or resolve("scenario", "historical"))
    results = Path(os.environ.get("WGSIM_PAGE_RESULTS", "results"))
    choices = solara.use_memo(lambda: scenario_choices(file.parent), [])
    runs = solara.use_memo(lambda: {r.label: r for r in stored_runs(results)}, [])
    default = solara.use_memo(
        lambda: Settings(
            start_choice(file, choices),
            next(iter(MODES)),
            DEFAULT_SEED,
            {sp.path: sp.value for sp in specs_for(choices, start_choice(file, choices))},
            next(iter(runs), ""),
        ),
        [],
    )
    # the address holds the set-up and the week: a reload, back/forward or a shared link
    # opens them (issue 31); each new address read starts the run area afresh (its key)
    router = solara.use_router()
    start_search = solara.use_memo(lambda: router.search, [])
    start = solara.use_memo(lambda: checked_address(router.search, choices, runs, default), [])
    loaded = solara.use_reactive((0, *start))
    first, start_week, address_problems = loaded.value[1:]
    pushed = solara.use_ref(router.search or to_address(choices, first, start_week))
    current = solara.use_reactive(first)
    seed_text = solara.use_reactive(str(first.seed))
    sidebar = solara.use_reactive(True)

    seen = solara.use_ref(router.search or "")

    def follow() -> None:  # the address changed, not by this page: back, forward
        search = router.search or ""
        if search == seen.current:  # the first render, or nothing new
            return
        seen.current = search
        if search == pushed.current:  # this page's own push
            return
        pushed.current = search
        s, week, problems = checked_address(search, choices, runs, default)
        loaded.set((loaded.value[0] + 1, s, week, problems))
        in_play.current = play_part(search)
        resume.current = (in_play.current, "")  # for the role-play of the set-up read
        current.set(s)
        seed_text.set(str(s.seed))

    solara.use_effect(follow, [router.search])

    latest = solara.use_ref(router)
    latest.current = router
    # the class session's part (room=CODE, a student's seat=TOKEN) stays beside the run's
    in_class = solara.use_ref(place(router.search))
    run_query = solara.use_ref(to_address(choices, first, start_week))
    # and so does a role-play's part (play=ROLE&answers=…), with the set-up it is played on
    in_play = solara.use_ref(play_part(router.search))
    resume = solara.use_ref((in_play.current, ""))  # the part to resume, for which set-up
    setup = solara.use_ref("")

    def push(query: str) -> None:
        run_query.current = query
        r = latest.current
        if r.set_path is None:  # rendered outside a server (benchmarks): no address bar
            return
        full = joined(query, setup.current, in_play.current, in_class.current)
        if full != pushed.current:
            pushed.current = full
            r.push(f"{r.path or '/'}?{full}")

    def enter_class(part: str) -> None:
        in_class.current = part
        push(run_query.current)

    def enter_play(part: str) -> None:
        in_play.current = part
        push(run_query.current)

    # the same functions at every render: a push re-renders the page, and an unchanged
    # run area (equal arguments) is then not drawn again
    on_address = solara.use_memo(lambda: push, [])
    on_place = solara.use_memo(lambda: enter_class, [])
    on_play = solara.use_memo(lambda: enter_play, [])

    seed, seed_problem = parse_seed(seed_text.value)
    c = current.value
    wanted = Settings(c.choice, c.mode, seed if seed is not None else -1, c.values, c.replay)
    file_c, variant_c = choices.entries[wanted.choice]
    replay = MODES[wanted.mode] == "replay"
    pair_impossible = MODES[wanted.mode] == "side" and not has_group(file_c, variant_c)
    blocked = (bool(seed_problem) and not replay) or pair_impossible
    overrides = changed(wanted.values, specs_for(choices, wanted.choice))
    setup.current = play_setup(choices, wanted)
    key = repr((file_c, variant_c, overrides, wanted.seed))
    resume.current = resume_for(resume.current, key)  # a new set-up: a new play

    solara.Title("wgsim: US–ROK coordination with and without a working group")
    solara.Style(CSS)
    with solara.Column(gap="0px", classes=["wgsim-page"]):
        with solara.Row(
            classes=["wgsim-bar"],
            style={"align-items": "center", "background": "#1f5fa8", "padding": "4px 12px"},
        ):
            solara.Button(
                "Hide controls" if sidebar.value else "Show controls",
                on_click=lambda: sidebar.set(not sidebar.value),
                text=True,
                style={"color": "white"},
            )
            solara.HTML(
                tag="h1",
                unsafe_innerHTML="wgsim: the US–ROK working group on North Korea, 2018–2021",
            )
        with solara.Row(gap="16px", classes=["wgsim-body"]):
            # always there (hidden, not removed), so the run beside it keeps its place and state
            # hidden by a class: Vuetify's d-flex (display: flex !important) outranks a style
            side = ["wgsim-side"] + ([] if sidebar.value else ["wgsim-hidden"])
            with solara.Column(classes=side):
                Controls(choices, runs, current, seed_text)
            with solara.Column(classes=["wgsim-main"]):
                with solara.Column(gap="4px"):  # always there: the tabs below keep their place
                    if address_problems:
                        solara.Warning(
                            "The address asked for what this page cannot show, so it was "
                            "left out: " + "; ".join(address_problems) + "."
                        )
                    if seed_problem and not replay:
                        solara.Error(f"Seed: {seed_problem}. The run shown is unchanged.")
                    if pair_impossible:
                        solara.Warning(
                            "This variant has no working group, so there is nothing to "
                            "compare: choose the mode 'one run' or another variant."
                        )
                room = "room=" in (start_search or "")  # a play part opens the role-play
                with solara.lab.Tabs(value=3 if play_part(start_search) else int(room)):
                    with solara.lab.Tab("The run"):
                        RunArea(
                            choices,
                            runs,
                            first,
                            wanted,
                            blocked,
                            start_week,
                            on_address,
                            loaded.value[0],
                        )
                    with solara.lab.Tab("Class session"):  # a link ?room=CODE opens it
                        ClassSession(choices, runs, wanted, start_search, on_place)
                    with solara.lab.Tab("Many seeds"):
                        ManySeedsPanel(
                            file_c,
                            variant_c or "",
                            overrides,
                            has_group(file_c, variant_c),
                            seed_text.set,
                        )
                    with solara.lab.Tab("Role-play"):
                        RolePlay(
                            file_c, variant_c, overrides, wanted.seed, resume.current[0], on_play
                        ).key(repr((key, loaded.value[0])))
                    with solara.lab.Tab("About this model"):
                        solara.Markdown(ABOUT, style={"max-width": "52em"})


def _title(s: Settings, model: PageModel) -> str:
    """The header: scenario, mode and seed of the run shown (a replay: the stored run)."""
    if model.mode == "replay":
        return f"Replay of {s.replay}"
    mode = "with and without the WG" if model.mode == "side" else "one run"
    return f"{s.choice} — {mode}, seed {s.seed}"
