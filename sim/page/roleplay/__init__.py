"""The page's "Role-play" tab (issue 31): a student plays a ministry, the model the rest.

The student picks the role (the Blue House, the State Department or the MOU,
:mod:`sim.runs.roleplay`) and plays on the page's scenario and seed. At each decision
the tab shows what that actor knows and what the model's agent would weigh
(:mod:`.words`), with a button per answer; a click replays the run from week 0 with the
answers so far up to the next decision. At the end, the debrief (:mod:`.debrief`). A play
can be saved as a small JSON file and loaded back (:mod:`.saved`) to replay it exactly.

The page's address keeps the play (:mod:`.address`): the role, the answers so far and
whether the model took the rest, so a reload or the link replays it to the same decision.
A loaded play is not put in the address (it brings its own set-up, which may be none the
page's controls can show): the tab says that a reload does not keep it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets
import solara

from sim.errors import WgsimError
from sim.page.controls import build_scenario
from sim.page.roleplay.address import Resumed, encode, resumed
from sim.page.roleplay.debrief import CAP, Debrief, debrief
from sim.page.roleplay.saved import SavedPlay, changes, loads, replay, saved_of, scenario_of
from sim.page.roleplay.words import (
    AGENTS,
    CARDS,
    INTROS,
    TITLES,
    answer,
    button,
    item_line,
    weighing,
)
from sim.page.score import number
from sim.runs.roleplay import ROLES, Play, play

INTRO = (
    "Take one ministry's decisions while the model plays everyone else. Choose the "
    "ministry; at the end you see your run beside the model's own run on the same seed "
    "and beside the model's runs on 50 seeds."
)


def _build(file: Path, variant: str | None, overrides: dict[str, Any]) -> tuple[Any, str]:
    try:
        return build_scenario(file, variant, overrides=overrides), ""
    except WgsimError as exc:
        return None, str(exc)


@solara.component
def RolePlay(
    file: Path,
    variant: str | None,
    overrides: dict[str, Any],
    seed: int,
    resume: str = "",
    on_play: Any = None,
) -> None:
    """The role-play on ``file``'s ``variant`` with the sliders' ``overrides`` and ``seed``.

    The caller gives it a key of its set-up, so a new set-up starts a new play. A loaded
    play brings its own set-up (the scenario file of that name in ``file``'s folder). It
    starts from ``resume``, the play part of the page's address (what does not fit is
    dropped and named), and hands ``on_play`` the play part whenever the play changes
    (empty with no role, after *Start again*, and for a loaded play).
    """
    none: tuple[str, ...] = ()
    nothing: tuple[SavedPlay, Path] | None = None
    loaded = solara.use_reactive(nothing)  # a loaded play and its scenario file
    if loaded.value is not None:
        chosen, file = loaded.value
        variant, overrides, seed = chosen.variant, chosen.overrides, chosen.seed
    setup = repr((file, variant, overrides, seed))
    scenario, bad = solara.use_memo(lambda: _build(file, variant, overrides), [setup])
    start = solara.use_memo(
        lambda: resumed(scenario, seed, resume) if scenario is not None else Resumed(), []
    )
    role = solara.use_reactive(start.role)
    answers = solara.use_reactive(start.answers)
    rest = solara.use_reactive(start.rest)
    problem = solara.use_reactive("")
    dropped = solara.use_reactive(start.problems)  # what the address asked for, left out
    state = solara.use_memo(
        lambda: (
            None
            if scenario is None or seed < 0 or not role.value
            else play(scenario, seed, answers.value, role.value, model_rest=rest.value)
        ),
        [setup, role.value, answers.value, rest.value],
    )
    report = solara.use_memo(  # about a second: once per finished play, not per render
        lambda: None if state is None or not state.finished else debrief(scenario, seed, state),
        [state],
    )
    kept = state is not None and loaded.value is None
    part = encode(role.value, answers.value, rest.value) if kept else ""

    def publish() -> None:
        if on_play is not None:
            on_play(part)

    solara.use_effect(publish, [part])
    if dropped.value:
        solara.Warning(
            "The address asked for a role-play this page cannot replay, so it was left out: "
            + "; ".join(dropped.value) + ".",
            classes=["wgsim-play-problem"],
        )  # fmt: skip
    if scenario is None:
        solara.Error(f"The role-play cannot start: {bad}")
        return
    if seed < 0:
        solara.Error("The seed is not valid: correct it in the controls to play.")
        return

    def restart() -> None:
        answers.set(none)
        rest.set(False)
        role.set("")
        loaded.set(None)
        problem.set("")
        dropped.set(())

    def load(text: bytes, name: str) -> None:
        try:
            saved = loads(text, name)
            found, built = scenario_of(saved, file.parent, name)
            replay(saved, built, name)  # the answers fit their decisions
        except WgsimError as exc:
            problem.set(str(exc))
            return
        problem.set("; ".join(changes(saved, found)))
        loaded.set((saved, found))
        role.set(saved.role)
        answers.set(saved.answers)
        rest.set(saved.model_rest)

    with solara.Column(gap="8px", classes=["wgsim-roleplay"], style={"max-width": "52em"}):
        if state is None:
            solara.Text(INTRO)
            with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
                for key, title in TITLES.items():
                    solara.Button(
                        title, on_click=lambda k=key: role.set(k), color="primary",
                        classes=["wgsim-role"],
                    )  # fmt: skip
            _Load(load)
            if problem.value:
                solara.Error(problem.value, classes=["wgsim-load-problem"])
            return
        solara.Text(INTROS[role.value])
        where = f"{file.name} / {variant or 'its baseline'}" + (
            ", sliders moved" if overrides else ""
        )
        solara.Text(f"{where}, seed {seed}. Decisions taken: {len(state.history)}.")
        if state.pending is not None:
            DecisionCard(role.value, state.pending, lambda k: answers.set((*answers.value, k)))
            with solara.Row():
                solara.Button(
                    "Let the model take the remaining decisions",
                    on_click=lambda: rest.set(True),
                    outlined=True,
                )
        else:
            assert report is not None
            _Debrief(state, report)
        if loaded.value is not None and problem.value:
            solara.Warning(f"Loaded, but {problem.value}: the run may differ from the one played.")
        if loaded.value is not None:
            solara.Info("A reload does not keep a loaded play: load its file again after one.")
        with solara.Row(gap="8px"):
            solara.FileDownload(
                lambda: saved_of(file, variant, overrides, seed, state, rest.value).dumps(),
                filename=f"play-{role.value}-seed{seed}.json",
                label="Save this play",
                mime_type="application/json",
            )
            solara.Button("Start again", on_click=restart, text=True)


@solara.component
def _Load(load: Any) -> None:
    """A file button: a saved play, replayed exactly."""

    def picked(value: Any) -> None:
        if value:
            f = value[0]
            load(bytes(f["content"]), str(f["name"]))

    layout = solara.use_memo(lambda: ipywidgets.Layout(width="14em"), [])
    solara.Text("Or load a saved play (a file saved with 'Save this play'):")
    ipywidgets.FileUpload.element(
        accept=".json",
        multiple=False,
        description="Load a saved play",
        layout=layout,
        on_value=picked,
    )


@solara.component
def DecisionCard(role: str, d: Any, take: Any) -> None:
    """Decision ``d`` of ``role``: what the actor knows, and a button per answer (``take``)."""
    with solara.Card(CARDS[role], classes=["wgsim-decision"]):
        with solara.Column(gap="2px"):
            solara.Text(item_line(d))
            solara.Text(f"What you know, and what the model's {AGENTS[role]} would weigh:")
            for line in weighing(role, d):
                solara.Text("• " + line)
        with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
            for key in ROLES[role].options(d):
                solara.Button(
                    button(role, d, key),
                    on_click=lambda k=key: take(k),
                    color="primary",
                    classes=["wgsim-choice"],
                )


@solara.component
def _Debrief(state: Play, report: Debrief) -> None:
    role = state.role.key
    with solara.Card("Debrief", classes=["wgsim-debrief"]):
        solara.Text(
            f"Your run | the model's own run on the same seed | the model's own runs on "
            f"seeds 0–{report.seeds - 1}: their median, and where your run falls among them."
        )
        with solara.Column(gap="2px", classes=["wgsim-placement"]):
            for p in report.board:
                where = (
                    "—" if p.n == 0 or p.percentile != p.percentile
                    else f"{p.below} of {p.n} seeds lower, {p.equal} equal "
                    f"(percentile {p.percentile:.0f})"
                )  # fmt: skip
                solara.Text(
                    f"{p.name}: you {number(p.you)} | the model {number(p.model)} | "
                    f"seeds' median {number(p.median)}; {where}"
                )
        with solara.Column(gap="2px", style={"margin-top": "8px"}):
            solara.Text(
                f"You took {len(state.history)} decisions; in {report.differing} of them the "
                f"model's {AGENTS[role]} would have chosen otherwise."
            )
            if report.turns:
                shown = len(report.turns)
                solara.Text(
                    "The choices that made the difference: each replayed with that one choice "
                    f"taken the model's way (the first {shown}; at most {CAP} are replayed)."
                )
        with solara.Column(gap="2px", classes=["wgsim-differences"]):
            for t in report.turns:
                c, d = t.choice, t.choice.decision
                moved = [
                    f"{p.name} {number(t.change[k], signed=True)}"
                    for p, k in zip(report.board, t.change, strict=True)
                    if t.change[k] == t.change[k] and abs(t.change[k]) > 1e-9
                ]
                solara.Text(
                    f"Week {d.week}: you chose to {answer(role, d, c.chosen)}; the model "
                    f"would {answer(role, d, c.own)}. Taken the model's way: "
                    + ("; ".join(moved) if moved else "no headline outcome changes")
                    + "."
                )
