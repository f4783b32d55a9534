"""The Blue House's decider hook and the page's role-play run (issue 31, role-play)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.core.agents.rok import RoutingDecision
from sim.core.proposals import Route, Status
from sim.page.roleplay_run import ROUTE_WORDS, button, item_line, own_run, play, weighing
from sim.runs.metrics import summarize
from sim.runs.runner import build
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SEED = 3


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(ROOT / "scenarios" / "historical.yaml")


def _run(scenario, decider=None):
    model = build(scenario, SEED)
    model.blue_house.decider = decider
    while model.steps < model.n_weeks:
        model.step()
    return model


def _without(rows, kind="student_choice"):
    return [r for r in rows if r[1] != kind]


def test_a_decider_taking_the_models_own_choice_reproduces_the_run(scenario):
    asked: list[RoutingDecision] = []

    def same(d: RoutingDecision) -> Route:
        asked.append(d)
        return d.own

    base, echoed = _run(scenario), _run(scenario, same)
    assert len(asked) > 10  # the hook was really asked
    assert _without(echoed.events) == base.events
    assert echoed.series == base.series
    assert summarize(echoed) == pytest.approx(summarize(base), nan_ok=True)
    logged = [r for r in echoed.events if r[1] == "student_choice"]
    assert len(logged) == len(asked)
    assert all(d.own in d.options for d in asked)
    assert {d.stage for d in asked} >= {"new", "vetoed"}
    # what the Blue House knows is passed on: estimates are chances, utilities per option
    d = asked[0]
    assert 0.0 <= d.approval <= 1.0 and 0.0 <= d.dprk_accept <= 1.0
    assert set(d.utilities) <= set(d.options) and Route.SHELVED in d.utilities


def test_a_decider_that_always_shelves_sends_nothing_forward(scenario):
    asked: list[RoutingDecision] = []

    def shelve(d: RoutingDecision) -> Route:
        asked.append(d)
        return Route.SHELVED

    base, shelved = _run(scenario), _run(scenario, shelve)
    assert asked and all(d.stage == "new" for d in asked)  # nothing reaches a veto
    forced = [p for p in shelved.proposals if p.barred or p.cosigned]
    for p in shelved.proposals:
        if not (p.barred or p.cosigned):
            assert p.route == Route.SHELVED and p.status == Status.SHELVED, p
    assert summarize(shelved)["implemented"] <= len(forced) < summarize(base)["implemented"]
    for kind in ("wg_meeting", "approved", "vetoed"):
        items = [r for r in shelved.events if r[1] == kind and r[3]]
        assert not items, kind
    logged = [r for r in shelved.events if r[1] == "student_choice"]
    assert len(logged) == len(asked)
    assert all("chose shelved" in r[6] for r in logged)
    assert any("would choose wg" in r[6] for r in logged)


def test_a_decider_must_choose_an_allowed_option(scenario):
    with pytest.raises(ValueError, match="allowed"):
        _run(scenario, lambda d: Route.NONE)


def test_a_play_pauses_at_each_decision_and_replays_exactly(scenario):
    first = play(scenario, SEED, [])
    assert first.pending is not None and not first.history
    d = first.pending
    assert "item #" in item_line(d) and any("would" in w for w in weighing(d))
    answers = [Route.SHELVED]
    second = play(scenario, SEED, answers)
    assert second.history[0].decision == d  # the same decision, the same knowledge
    assert second.pending is not None and second.pending != d
    # answering every decision with the model's own choice ends in the model's own run
    answers = []
    p = play(scenario, SEED, answers)
    for _ in range(3):
        answers.append(p.pending.own)
        p = play(scenario, SEED, answers)
    assert not any(c.differs for c in p.history)
    so_far = _without(p.model.events)
    assert so_far == own_run(scenario, SEED).events[: len(so_far)]


def test_the_model_can_take_the_remaining_decisions(scenario):
    done = play(scenario, SEED, [Route.SHELVED], model_rest=True)
    assert done.finished and len(done.history) == 1 and done.history[0].differs
    logged = [r for r in done.model.events if r[1] == "student_choice"]
    assert len(logged) == 1  # only the student's own decision is logged as one
    alone = play(scenario, SEED, [], model_rest=True)
    assert alone.model.events == own_run(scenario, SEED).events


def test_the_tutorial_s_role_play_names_what_the_page_shows():
    tutorial = (ROOT / "docs" / "tutorial.md").read_text()
    section = tutorial.split("## 5. Role-play")[1].split("\n## ")[0]
    flat = " ".join(section.split())
    source = "\n".join(
        (ROOT / "sim" / "page" / name).read_text()
        for name in ("app.py", "roleplay.py", "roleplay_run.py")
    )
    for name in (
        "Play the Blue House",
        "Let the model take the remaining decisions",
        "Start again",
        "Debrief",
    ):
        assert name in flat and name in source, name
    for route in ROUTE_WORDS:
        if route != Route.DG:
            assert f"*{button(route)}*" in flat, route
    assert "`student_choice`" in flat
    questions = re.findall(r"^\d\. ", section.split("Debrief questions")[1], re.M)
    assert 3 <= len(questions) <= 4
