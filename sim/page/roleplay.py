"""The page's "Play the Blue House" tab (issue 31, role-play).

The student takes the Blue House's routing decisions on the page's scenario and seed;
the model plays the rest. At each decision the tab shows the item, what the Blue House
knows and what the model's agent would weigh, with a button per allowed route; a click
replays the run from week 0 with the answers so far (:mod:`sim.page.roleplay_run`) up
to the next decision. At the end, a debrief: the scoreboard of the student's run beside
the model's own run on the same seed, and the decisions where the student chose
otherwise than the model would have.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import solara

from sim.core.proposals import Route
from sim.errors import WgsimError
from sim.page.controls import build_scenario
from sim.page.model import LiveRun
from sim.page.roleplay_run import (
    ROUTE_WORDS,
    Play,
    button,
    item_line,
    own_run,
    play,
    weighing,
)
from sim.page.score import number, scoreboard

INTRO = (
    "You are the Blue House. Each new inter-Korean item, and each item Washington vetoes, "
    "comes to you: send it through the working group, consult Washington through an envoy "
    "channel, act alone, or shelve it. The model plays everyone else. At the end you see "
    "your run beside the model's own run on the same seed."
)


@solara.component
def RolePlay(file: Path, variant: str | None, overrides: dict[str, Any], seed: int) -> None:
    """The role-play on ``file``'s ``variant`` with the sliders' ``overrides`` and ``seed``.

    The caller gives it a key of its set-up, so a new set-up starts a new play.
    """
    none: tuple[int, ...] = ()
    answers = solara.use_reactive(none)
    rest = solara.use_reactive(False)
    scenario, problem = solara.use_memo(lambda: _scenario(file, variant, overrides), [])
    if scenario is None:
        solara.Error(f"The role-play cannot start: {problem}")
        return
    if seed < 0:
        solara.Error("The seed is not valid: correct it in the controls to play.")
        return
    routes = [Route(a) for a in answers.value]
    state = solara.use_memo(
        lambda: play(scenario, seed, routes, model_rest=rest.value),
        [answers.value, rest.value],
    )
    with solara.Column(gap="8px", classes=["wgsim-roleplay"], style={"max-width": "52em"}):
        solara.Text(INTRO)
        solara.Text(f"Seed {seed}. Decisions taken: {len(state.history)}.")
        if state.pending is not None:
            _Decision(state, lambda r: answers.set((*answers.value, int(r))))
            with solara.Row():
                solara.Button(
                    "Let the model take the remaining decisions",
                    on_click=lambda: rest.set(True),
                    outlined=True,
                )
        else:
            _Debrief(state, own_run(scenario, seed))
        solara.Button(
            "Start again",
            on_click=lambda: (answers.set(none), rest.set(False)),
            text=True,
        )


def _scenario(file: Path, variant: str | None, overrides: dict[str, Any]) -> tuple[Any | None, str]:
    try:
        return build_scenario(file, variant, overrides=overrides), ""
    except WgsimError as exc:
        return None, str(exc)


@solara.component
def _Decision(state: Play, answer: Any) -> None:
    d = state.pending
    assert d is not None
    with solara.Card("A decision for the Blue House", classes=["wgsim-decision"]):
        with solara.Column(gap="2px"):
            solara.Text(item_line(d))
            solara.Text("What you know, and what the model's Blue House would weigh:")
            for line in weighing(d):
                solara.Text("• " + line)
        with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
            for route in d.options:
                solara.Button(
                    button(route),
                    on_click=lambda r=route: answer(r),
                    color="primary",
                    classes=["wgsim-choice"],
                )


@solara.component
def _Debrief(state: Play, own: Any) -> None:
    mine = LiveRun("your run", state.model).view()
    model = LiveRun("the model's run", own).view()
    with solara.Card("Debrief", classes=["wgsim-debrief"]):
        solara.Text("The scoreboard at the end: your run | the model's own run, same seed.")
        with solara.Column(gap="2px"):
            for line in scoreboard([mine, model]):
                you, them = (number(v) for v in line.values)
                solara.Text(f"{line.name} ({line.unit}): you {you} | the model {them}")
        differing = [c for c in state.history if c.differs]
        solara.Text(
            f"You took {len(state.history)} decisions; in {len(differing)} of them the "
            "model's Blue House would have chosen otherwise:"
        )
        with solara.Column(gap="2px", classes=["wgsim-differences"]):
            for c in differing:
                d = c.decision
                solara.Text(
                    f"Week {d.week}, item #{d.proposal_id} ({d.type.replace('_', ' ')}, "
                    f"{d.stage}): you chose to {ROUTE_WORDS[c.chosen]}; the model would "
                    f"{ROUTE_WORDS[d.own]}."
                )
