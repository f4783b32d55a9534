"""A role-play in the page's address (sim/page/roleplay/address.py): the play part's
encoding, what a stale or edited link drops (and names), and the whole address."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.core.agents.choices import REVIEW_OPTIONS
from sim.core.proposals import Route
from sim.page.roleplay.address import (
    Resumed,
    decode,
    encode,
    joined,
    play_part,
    resume_for,
    resumed,
)
from sim.runs.roleplay import ROLES, play
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SEED = 3
# every answer a role can give, as its option key
KEYS = sorted(
    {*REVIEW_OPTIONS, "propose", "hold", "challenge", "quiet"}
    | {ROLES["blue_house"].to_key(r) for r in Route if r is not Route.NONE}
)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(ROOT / "scenarios" / "historical.yaml")


def test_the_part_reads_plainly():
    assert encode("state", ("approve", "veto", "defer"), False) == (
        "play=state&answers=approve.veto.defer"
    )
    assert encode("blue_house", ("bilateral",), True) == "play=blue_house&answers=bilateral&rest=1"
    assert encode("mou", (), False) == "play=mou"
    assert encode("", ("approve",), True) == ""  # no role chosen: nothing to keep


@given(
    st.sampled_from(sorted(ROLES)),
    st.lists(st.sampled_from(KEYS), max_size=60).map(tuple),
    st.booleans(),
)
def test_round_trip(role, answers, rest):
    part = encode(role, answers, rest)
    assert decode(part) == Resumed(role, answers, rest)
    whole = f"scenario=historical&seed=7&{part}&room=ABCD&seat=xyz"
    assert decode(play_part(whole)) == Resumed(role, answers, rest)


def test_bad_parts_name_what_was_dropped():
    unknown = decode("play=nsc&answers=approve")
    assert unknown.role == "" and unknown.answers == ()
    assert unknown.problems == ("the role 'nsc' (one of blue_house, state, mou)",)
    odd = decode("play=state&answers=approve.<b>.veto&rest=yes")
    assert (odd.role, odd.answers, odd.rest) == ("state", ("approve",), False)
    assert odd.problems == (
        "answer 2 and the 1 after it of the role-play ('<b>' is not an answer)",
        "rest 'yes' (1 or 0)",
    )
    assert decode("answers=veto").problems == ("answers without a role",)
    assert decode("").problems == () and decode(None) == Resumed()
    empty_word = decode("play=mou&answers=hold..hold")
    assert empty_word.answers == ("hold",) and "answer 2" in empty_word.problems[0]


def test_a_fitting_link_replays_to_the_same_decision(scenario):
    answers = ("veto", "defer", "approve")
    back = resumed(scenario, SEED, encode("state", answers, False))
    assert back == Resumed("state", answers, False)
    direct = play(scenario, SEED, answers, "state")
    again = play(scenario, SEED, back.answers, "state")
    assert again.pending.week == direct.pending.week and len(again.history) == 3
    done = resumed(scenario, SEED, encode("state", answers, True))
    assert done.rest and done.problems == ()


def test_answers_that_do_not_fit_are_dropped_from_the_first_misfit(scenario):
    # State's options are never a route: the second answer fits no review
    asked = resumed(scenario, SEED, "play=state&answers=veto.bilateral.approve&rest=1")
    assert asked.role == "state" and asked.answers == ("veto",) and not asked.rest
    (problem,) = asked.problems
    assert problem.startswith("answer 2 and the 1 after it of the role-play ('bilateral'")
    assert "cosponsor, approve, veto, defer" in problem
    first = resumed(scenario, SEED, "play=mou&answers=veto")  # the MOU cannot veto
    assert first.answers == () and first.problems[0].startswith("answer 1 of the role-play")


def test_answers_after_the_last_decision_are_dropped(scenario):
    answers: list[str] = []
    state = play(scenario, SEED, answers, "mou")
    while state.pending is not None:  # answer every decision the model's way
        answers.append(ROLES["mou"].own(state.pending))
        state = play(scenario, SEED, answers, "mou")
    assert state.finished and len(answers) >= 2
    asked = resumed(scenario, SEED, encode("mou", (*answers, "hold", "hold"), False))
    assert asked.answers == tuple(answers)
    assert asked.problems == (
        f"answer {len(answers) + 1} and the 1 after it of the role-play "
        "(the run has no more decisions)",
    )


def test_the_address_keeps_the_play_beside_the_run_and_the_class():
    run = "scenario=historical&variant=historical&mode=pair&seed=7&week=12"
    setup = "scenario=historical&variant=historical&mode=one&seed=7"
    part = "play=state&answers=veto"
    assert joined(run, setup, part, "room=ABCD") == f"{run}&{part}&room=ABCD"
    assert joined(run, setup, "", "") == run
    # the controls changed without a Reset: the address names what the play is played on
    moved = f"{setup.replace('seed=7', 'seed=8')}&rok.domestic_pressure=1.5"
    assert joined(run, moved, part, "") == f"{moved}&{part}"
    assert joined(run, moved, "", "") == run  # no play: the run's own address


def test_a_read_part_is_resumed_only_for_the_set_up_it_came_with():
    held = resume_for(("play=mou", ""), "A")  # the first render names the set-up
    assert held == ("play=mou", "A") and resume_for(held, "A") == held
    other = resume_for(held, "B")  # the set-up changed: a new play
    assert other == ("", "B") and resume_for(other, "A") == ("", "A")
