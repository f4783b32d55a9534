"""A shared role-play (issue 31): several roles taken at once in one run, replayed from week 0."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from sim.runs.roleplay import ROLES, ident, own_run
from sim.runs.runner import build
from sim.runs.shared import play_shared
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SEED = 3
PLAYED = ("blue_house", "state")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(ROOT / "scenarios" / "historical.yaml")


def _without_choices(rows):
    return [r for r in rows if r[1] != "student_choice"]


def _echo_to_end(scenario, roles, pick=None):
    """Answer every pause with ``pick`` (the model's own choice by default): the plays seen."""
    answers = {r: [] for r in roles}
    seen = []
    state = play_shared(scenario, SEED, answers)
    while not state.finished:
        seen.append(state)
        d, role = state.pending, state.waiting
        answers[role].append(pick(role, d) if pick else ROLES[role].own(d))
        state = play_shared(scenario, SEED, answers)
    return state, answers, seen


@pytest.fixture(scope="module")
def echoed(scenario):
    return _echo_to_end(scenario, PLAYED)


def test_every_role_answered_the_model_s_way_is_the_model_s_own_run(scenario, echoed):
    state, answers, seen = echoed
    own = own_run(scenario, SEED)
    assert len(answers["blue_house"]) > 5 and len(answers["state"]) > 5
    # the log is the model's own, row for row, but for the student_choice rows it adds
    assert _without_choices(state.model.events) == own.events
    assert state.model.series == own.series
    logged = [r for r in state.model.events if r[1] == "student_choice"]
    assert len(logged) == len(state.history) == len(seen)
    assert {r for r, _ in state.history} == set(PLAYED)  # the MOU, unplayed, is the model's


def test_two_roles_interleave_in_the_order_the_run_asks_them(scenario, echoed):
    state, _, seen = echoed
    asked = []  # the order the model asks, with both deciders echoing its own rule
    model = build(scenario, SEED)
    for key in PLAYED:

        def decider(d, key=key):
            asked.append((key, ident(d)))
            return d.own

        ROLES[key].agent(model).decider = decider
    while model.steps < model.n_weeks:
        model.step()
    assert [(r, ident(c.decision)) for r, c in state.history] == asked
    assert [(s.waiting, ident(s.pending)) for s in seen] == asked  # each pause names its role
    order = [r for r, _ in asked]
    switches = sum(a != b for a, b in pairwise(order))
    assert switches >= 3  # really interleaved, not one role's block after the other's


def test_a_replay_from_saved_answers_gives_the_identical_log(scenario):
    def contrary(role, d):  # unlike the model wherever there is another option
        others = [o for o in ROLES[role].options(d) if o != ROLES[role].own(d)]
        return others[0] if others else ROLES[role].own(d)

    state, answers, _ = _echo_to_end(scenario, ("state", "mou"), contrary)
    again = play_shared(scenario, SEED, {k: tuple(v) for k, v in answers.items()})
    assert again.finished
    assert again.model.events == state.model.events
    assert [(r, c.chosen) for r, c in again.history] == [(r, c.chosen) for r, c in state.history]
    assert _without_choices(state.model.events) != own_run(scenario, SEED).events


def test_a_wrong_answer_names_the_role_and_the_options(scenario):
    first = play_shared(scenario, SEED, {"state": [], "blue_house": []})
    with pytest.raises(ValueError, match=r"answer 1 is 'maybe'.*allowed: "):
        play_shared(scenario, SEED, {first.waiting: ["maybe"]})
    with pytest.raises(KeyError):
        play_shared(scenario, SEED, {"treasury": []})


def test_a_ministry_given_back_keeps_its_answers_then_the_model_decides(scenario):
    from sim.runs.roleplay import play

    def contrary(role, d):
        others = [o for o in ROLES[role].options(d) if o != ROLES[role].own(d)]
        return others[0] if others else ROLES[role].own(d)

    # State answers its first three reviews against the model, then its student leaves
    answers = {"state": [], "blue_house": []}
    state = play_shared(scenario, SEED, answers)
    while len(answers["state"]) < 3:
        role = state.waiting
        answers[role].append(
            contrary(role, state.pending) if role == "state" else ROLES[role].own(state.pending)
        )
        state = play_shared(scenario, SEED, answers)
    given_back = play_shared(scenario, SEED, {"state": answers["state"]}, released={"state"})
    assert given_back.finished  # never waits for a ministry given back
    assert given_back.answers("state") == tuple(answers["state"])
    alone = play(scenario, SEED, answers["state"], "state", model_rest=True)
    assert given_back.model.events == alone.model.events  # the model's rule after them
    held = play_shared(scenario, SEED, {"state": answers["state"]})
    assert held.waiting == "state"  # still played: the run waits for its fourth answer
    # with the Blue House still played the run waits for it only
    both = play_shared(scenario, SEED, answers, released={"state"})
    assert both.waiting == "blue_house" and both.answers("state") == tuple(answers["state"])
    # given back before any answer: the model's own run
    untouched = play_shared(scenario, SEED, {"state": []}, released={"state"})
    assert untouched.model.events == own_run(scenario, SEED).events
