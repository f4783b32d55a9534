"""A class session's shared run (issue 31): one run, each student a ministry.

In a room opened with "one shared run, a ministry each" (:mod:`sim.page.classroom`) a
student takes a free ministry — the Blue House, the State Department or the MOU — or
watches. The run is :func:`sim.runs.shared.play_shared` on the room's set-up and seed
with the answers the room holds (:meth:`sim.page.rooms.Registry.answer`, under its
lock): a student sees the decision card when the run waits for their ministry and
otherwise "Waiting for …" with the run so far; the teacher view shows the run's week,
who plays what and whose turn it is (:func:`shared_html`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from html import escape
from typing import Any

import solara
import solara.lab

from sim.page.controls import Choices, build_scenario, changed
from sim.page.data import RunView
from sim.page.model import LiveRun
from sim.page.panels import Finished, Header, Scoreboard
from sim.page.roleplay import DecisionCard
from sim.page.rooms import MINISTRIES, REFRESH_SECONDS, ROOMS, Advance, RoomError, SharedRun
from sim.page.score import OUTCOMES, number
from sim.page.settings import Settings, specs_for
from sim.runs.roleplay import ROLES
from sim.runs.shared import SharedPlay, play_shared
from sim.scenario import Scenario

HEADLINE = (
    "US surprises",
    "public disputes in Seoul",
    "UN exemptions granted",
    "projects implemented",
    "DPRK denunciations",
    "WG legitimacy now",
)
"""The scoreboard's outcomes (:data:`sim.page.score.OUTCOMES`) the teacher view shows."""
RUN_CHOICES = {
    "each student their own run": False,
    "one shared run, a ministry each": True,
}
"""The teacher's choice of runs: one each, or one for the class with a ministry each."""


def headline(views: list[RunView]) -> tuple[tuple[str, str], ...]:
    """The teacher's outcomes of a run so far; a pair's as "with WG / no group"."""
    read = {o.name: o.read for o in OUTCOMES}  # these only: the lead time costs most
    return tuple((name, " / ".join(number(read[name](v)) for v in views)) for name in HEADLINE)


def mounted() -> Any:
    """A ref that is True while the calling component is on the page, False once removed.

    A task's loop checks it: closing a browser tab does not cancel the task by itself.
    """
    alive = solara.use_ref(True)

    def mount() -> Any:
        alive.current = True

        def unmount() -> None:
            alive.current = False

        return unmount

    solara.use_effect(mount, [])
    return alive


@dataclass(frozen=True)
class Shown:
    """What the teacher view shows of a shared run: its week and headline outcomes."""

    week: int
    n_weeks: int
    outcomes: tuple[tuple[str, str], ...]


def _view(p: SharedPlay) -> RunView:
    return LiveRun("the shared run", p.model).view()


def advancer(scenario: Scenario, seed: int) -> Advance:
    """The room's :data:`~sim.page.rooms.Advance`: the shared run replayed, and its summary."""

    def advance(
        answers: dict[str, tuple[str, ...]], released: frozenset[str]
    ) -> tuple[str | None, Shown]:
        p = play_shared(scenario, seed, answers, released)
        view = _view(p)
        return p.waiting, Shown(view.week, view.n_weeks, headline([view]))

    return advance


def shared_scenario(choices: Choices, setup: Settings) -> Scenario:
    """The scenario of a room's set-up (its file, variant and sliders; one run, with the WG)."""
    file, variant = choices.entries[setup.choice]
    return build_scenario(
        file, variant, overrides=changed(setup.values, specs_for(choices, setup.choice))
    )


def _player(run: SharedRun, ministry: str | None) -> str:
    if ministry is None:
        return ""
    who = run.ministries.get(ministry)
    return f"{ROLES[ministry].name} ({who})" if who else ROLES[ministry].name


def _seat(run: SharedRun, m: str, mine: str | None) -> str:
    who = run.ministries.get(m)
    if who:
        return f"{ROLES[m].name}: {who}" + (" (you)" if m == mine else "")
    if m in run.released:
        return f"{ROLES[m].name}: the model (given back by the teacher)"
    return f"{ROLES[m].name}: " + ("the model" if run.moves else "free")


def turn_line(run: SharedRun) -> str:
    """Whose turn it is, in words."""
    if not run.ministries:
        return "No ministry is taken yet: the run waits at week 0."
    if run.waiting is None:
        return "The shared run has ended."
    return f"Waiting for {_player(run, run.waiting)}."


def shared_html(run: SharedRun, watching: list[str]) -> str:
    """The teacher's view of a shared run; every name escaped (it is typed by anyone)."""
    shown = run.run
    week = f"Week {shown.week} of {shown.n_weeks}. " if isinstance(shown, Shown) else ""
    rows = []
    for m in MINISTRIES:
        who = run.ministries.get(m)
        mark = " ◀ its turn" if m == run.waiting else ""
        answers = len(run.answers.get(m, ()))
        free = "the model" if run.moves else "free (the model's once the run begins)"
        if m in run.released:
            free = "the model (given back)"
        cells = (ROLES[m].name, who or free, str(answers) if who or answers else "—")
        tds = "".join(f"<td>{escape(c)}</td>" for c in cells)
        rows.append(f"<tr><td>{escape(mark.strip())}</td>{tds}</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("", "ministry", "played by", "answers"))
    outcomes = (
        "; ".join(f"{escape(n)}: {escape(v)}" for n, v in shown.outcomes)
        if isinstance(shown, Shown)
        else ""
    )
    return (
        f"<p class='wgsim-turn'>{escape(week + turn_line(run))}</p>"
        f'<table class="wgsim-table wgsim-ministries"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        + (f"<p>{outcomes}</p>" if outcomes else "")
        + f"<p>Watching: {escape(', '.join(watching)) if watching else 'nobody'}.</p>"
    )


@solara.component
def GiveBack(choices: Choices, code: str, key: str, run: SharedRun, setup: Settings) -> None:
    """The teacher's buttons: give a played ministry back to the model (its student left).

    The run then goes on with the model's rule for that ministry; its answers so far stay.
    """
    problem = solara.use_reactive("")
    played = [m for m in MINISTRIES if m in run.ministries]
    if not played:
        return

    def give(m: str) -> None:
        advance = advancer(shared_scenario(choices, setup), setup.seed)
        try:
            ROOMS.release(code, key, m, advance)
        except RoomError as exc:
            problem.set(str(exc))
        else:
            problem.set("")

    solara.Text(
        "A student who has left (or whose computer has stopped) can be replaced by the "
        "model: their answers so far stay in the run, the model's rule takes the rest."
    )
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        for m in played:
            solara.Button(
                f"Give {ROLES[m].name} back to the model",
                on_click=lambda m=m: give(m),
                outlined=True,
                classes=["wgsim-give-back"],
            )
    if problem.value:
        solara.Error(problem.value)


@solara.component
def SharedStudent(choices: Choices, code: str, token: str, name: str, setup: Settings) -> None:
    """A student's page in a shared room: take a ministry, answer in turn, or watch."""
    scenario = solara.use_memo(lambda: shared_scenario(choices, setup), [])
    advance = solara.use_memo(lambda: advancer(scenario, setup.seed), [])
    nothing: SharedRun | None = None
    run = solara.use_reactive(nothing)
    problem = solara.use_reactive("")
    alive = mounted()
    had: Any = solara.use_ref(None)  # the ministry this student last played

    def look() -> None:
        try:
            got = ROOMS.shared_run(code)
        except RoomError as exc:
            problem.set(str(exc))
            return
        if run.value is None or got.version != run.value.version:
            run.set(got)

    async def watch() -> None:  # on the session's event loop: a look every REFRESH_SECONDS
        while alive.current and not problem.value.startswith("No open room"):
            look()
            await asyncio.sleep(REFRESH_SECONDS)

    solara.lab.use_task(watch, dependencies=[code], prefer_threaded=False)
    now = run.value
    key = (now.version if now else -1, now.moves if now else -1)
    answers = now.answers if now else {}
    released = now.released if now else frozenset()
    state = solara.use_memo(
        lambda: play_shared(scenario, setup.seed, answers, released) if answers else None, [key]
    )

    def act(do: Any) -> None:
        try:
            do()
        except RoomError as exc:
            problem.set(str(exc))
        else:
            problem.set("")
        look()

    title = f"Room {code}: the shared run — {setup.choice}, seed {setup.seed}"
    views = [_view(state)] if state is not None else []
    with solara.Column(gap="8px", classes=["wgsim-student", "wgsim-shared"]):
        if views:
            Header(views, title)
        else:
            solara.HTML(tag="h3", unsafe_innerHTML=escape(title))
        if now is None:
            solara.Text("Looking for the room …")
            return
        mine = next((m for m, who in now.ministries.items() if who == name), None)
        if mine is not None:
            had.current = mine
        elif had.current in now.released:
            solara.Info(
                f"Your teacher gave {ROLES[had.current].name} back to the model: you watch "
                "the rest of the run.",
                classes=["wgsim-given-back"],
            )
        solara.Text("Ministries: " + "; ".join(_seat(now, m, mine) for m in MINISTRIES) + ".")
        if problem.value:
            solara.Error(problem.value)
        if mine is None and not now.moves:
            free = [m for m in MINISTRIES if m not in now.ministries]
            with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
                for m in free:
                    solara.Button(
                        f"Take {ROLES[m].name}",
                        on_click=lambda m=m: act(lambda: ROOMS.take(code, token, m, advance)),
                        color="primary",
                        classes=["wgsim-take"],
                    )
            solara.Text("Or watch: the run shows here as it goes.")
        if state is None:
            solara.Text(turn_line(now))
            return
        if state.finished:
            Finished(views)
        elif now.waiting == mine and mine is not None:
            DecisionCard(
                mine,
                state.pending,
                lambda k: act(lambda: ROOMS.answer(code, token, now.moves, k, advance)),
            )
        else:
            solara.Info(turn_line(now), classes=["wgsim-waiting"])
        Scoreboard(views)
