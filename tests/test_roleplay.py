"""Role-play (issue 31): the decider hooks of the Blue House, State and the MOU, and the play.

Each hook is asked after its actor's rule has drawn its numbers: a decider that echoes the
rule's own answer reproduces the model's run exactly, row for row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.analysis.narrate import narrate
from sim.core.agents.choices import MouDecision, ReviewDecision
from sim.core.agents.rok import RoutingDecision
from sim.core.proposals import Route, Status
from sim.page.roleplay.words import AGENTS, button, item_line, weighing
from sim.runs.metrics import summarize
from sim.runs.roleplay import ROLES, own_run, play
from sim.runs.runner import build, extract
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SEED = 3


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(ROOT / "scenarios" / "historical.yaml")


@pytest.fixture(scope="module")
def base(scenario):
    return own_run(scenario, SEED)


def _run(scenario, role="blue_house", decider=None):
    model = build(scenario, SEED)
    ROLES[role].agent(model).decider = decider
    while model.steps < model.n_weeks:
        model.step()
    return model


def _without(rows, kind="student_choice"):
    return [r for r in rows if r[1] != kind]


def _kinds(model, *kinds):
    return [r for r in model.events if r[1] in kinds]


@pytest.mark.parametrize("role", list(ROLES))
def test_a_decider_taking_the_models_own_choice_reproduces_the_run(scenario, base, role):
    asked = []

    def same(d):
        asked.append(d)
        return d.own

    echoed = _run(scenario, role, same)
    assert len(asked) > 10  # the hook was really asked
    assert _without(echoed.events) == base.events
    assert echoed.series == base.series
    assert summarize(echoed) == pytest.approx(summarize(base), nan_ok=True)
    logged = _kinds(echoed, "student_choice")
    assert len(logged) == len(asked)
    assert all(d.own in d.options for d in asked)
    if role == "blue_house":
        assert {d.stage for d in asked} >= {"new", "vetoed"}
        d = asked[0]
        assert 0.0 <= d.approval <= 1.0 and 0.0 <= d.dprk_accept <= 1.0
        assert set(d.utilities) <= set(d.options) and Route.SHELVED in d.utilities
    elif role == "state":
        assert all(isinstance(d, ReviewDecision) for d in asked)
        assert {d.own for d in asked} >= {"approve", "defer"}
        sanctioned = [d for d in asked if d.sanctioned]
        assert sanctioned and all("cosponsor" in d.options for d in sanctioned)
        assert all("cosponsor" not in d.options for d in asked if not d.sanctioned)
        assert all(0.0 <= d.approve_chance <= 1.0 for d in asked)
    else:
        assert all(isinstance(d, MouDecision) for d in asked)
        assert {d.kind for d in asked} == {"propose", "challenge"}
        assert {d.own for d in asked if d.kind == "propose"} == {"propose"}
        rounds = [d for d in asked if d.kind == "challenge"]
        own = [d.own == "challenge" for d in rounds]
        assert own == [d.pressure > d.threshold for d in rounds]


def test_a_decider_that_always_shelves_sends_nothing_forward(scenario, base):
    asked: list[RoutingDecision] = []

    def shelve(d: RoutingDecision) -> Route:
        asked.append(d)
        return Route.SHELVED

    shelved = _run(scenario, "blue_house", shelve)
    assert asked and all(d.stage == "new" for d in asked)  # nothing reaches a veto
    forced = [p for p in shelved.proposals if p.barred or p.cosigned]
    for p in shelved.proposals:
        if not (p.barred or p.cosigned):
            assert p.route == Route.SHELVED and p.status == Status.SHELVED, p
    assert summarize(shelved)["implemented"] <= len(forced) < summarize(base)["implemented"]
    for kind in ("wg_meeting", "approved", "vetoed"):
        items = [r for r in shelved.events if r[1] == kind and r[3]]
        assert not items, kind
    logged = _kinds(shelved, "student_choice")
    assert len(logged) == len(asked)
    assert all("chose shelved" in r[6] for r in logged)
    assert any("would choose wg" in r[6] for r in logged)


def test_state_vetoing_everything_approves_nothing_and_the_blue_house_hears_of_it(scenario, base):
    vetoed = _run(scenario, "state", lambda d: "veto")
    assert _kinds(base, "approved") and not _kinds(vetoed, "approved")
    assert not _kinds(vetoed, "un_submitted", "un_approved")
    assert len(_kinds(vetoed, "vetoed")) == len(_kinds(vetoed, "student_choice"))
    assert summarize(vetoed)["implemented"] < summarize(base)["implemented"]
    deferred = _run(scenario, "state", lambda d: "defer")
    assert not _kinds(deferred, "approved", "vetoed")


def test_state_decides_whether_the_us_co_sponsors_an_exemption_request(scenario, base):
    def approve(d: ReviewDecision) -> str:
        return "approve"  # a sanctioned item: approved, the request filed without the US

    alone = _run(scenario, "state", approve)
    filed = _kinds(alone, "un_submitted")
    assert filed and all(r[6] == "" for r in filed)
    assert any(r[6] == "co-sponsored" for r in _kinds(base, "un_submitted"))
    backed = _run(scenario, "state", lambda d: "cosponsor" if d.sanctioned else "approve")
    assert _kinds(backed, "un_submitted")
    assert all(r[6] == "co-sponsored" for r in _kinds(backed, "un_submitted"))


def test_the_mou_holding_back_and_challenging(scenario, base):
    held = _run(scenario, "mou", lambda d: "hold" if d.kind == "propose" else d.own)
    mine = [p for p in held.proposals if p.origin in ("MOU", "NGO")]
    theirs = [p for p in base.proposals if p.origin in ("MOU", "NGO")]
    assert theirs and len(mine) < len(theirs)
    # only items a shock puts on the table remain (they are not the MOU's drafts)
    assert all(p.label != p.type for p in mine)
    quiet = _run(scenario, "mou", lambda d: "quiet" if d.kind == "challenge" else d.own)
    public = ("mou_challenge", "mou_challenge_mofa", "mou_objection")
    assert _kinds(base, *public) and not _kinds(quiet, *public)
    loud = _run(scenario, "mou", lambda d: "challenge" if d.kind == "challenge" else d.own)
    rounds = [r for r in _kinds(loud, "student_choice") if "challenge:" in r[6]]
    assert len(_kinds(loud, *public)) == len(rounds) > len(_kinds(base, *public))


@pytest.mark.parametrize("role", ["blue_house", "state", "mou"])
def test_a_decider_must_choose_an_allowed_option(scenario, role):
    with pytest.raises(ValueError, match="allowed"):
        _run(scenario, role, lambda d: Route.NONE if role == "blue_house" else "nonsense")


@pytest.mark.parametrize("role", list(ROLES))
def test_a_play_pauses_at_each_decision_and_replays_exactly(scenario, base, role):
    first = play(scenario, SEED, [], role)
    assert first.pending is not None and not first.history
    d = first.pending
    assert "Week" in item_line(d) and any("would" in w for w in weighing(role, d))
    options = ROLES[role].options(d)
    assert all(button(role, d, k) for k in options)
    other = next(k for k in options if k != ROLES[role].own(d))
    second = play(scenario, SEED, [other], role)
    assert second.history[0].decision == d and second.history[0].differs
    assert second.pending is not None and second.pending != d
    with pytest.raises(ValueError, match="answer 1 is 'nonsense'"):
        play(scenario, SEED, ["nonsense"], role)
    # answering every decision with the model's own choice ends in the model's own run
    answers: list[str] = []
    p = play(scenario, SEED, answers, role)
    for _ in range(3):
        answers.append(ROLES[role].own(p.pending))
        p = play(scenario, SEED, answers, role)
    assert not any(c.differs for c in p.history)
    so_far = _without(p.model.events)
    assert so_far == base.events[: len(so_far)]


def test_the_model_can_take_the_remaining_decisions(scenario, base):
    done = play(scenario, SEED, ["shelved"], "blue_house", model_rest=True)
    assert done.finished and len(done.history) == 1 and done.history[0].differs
    assert len(_kinds(done.model, "student_choice")) == 1  # only the student's
    alone = play(scenario, SEED, [], "state", model_rest=True)
    assert alone.model.events == base.events
    # handed back after any answer, even mid-week between two drafted items
    answers: list[str] = []
    p = play(scenario, SEED, answers, "mou")
    while len(answers) < 30:
        answers.append("hold" if p.pending.kind == "propose" else p.pending.own)
        p = play(scenario, SEED, answers, "mou")
    assert answers.count("hold") >= 5
    for k in range(1, len(answers) + 1):
        rest = play(scenario, SEED, answers[:k], "mou", model_rest=True)
        assert rest.finished and len(rest.history) == k


def test_the_log_narrates_each_roles_choices(scenario):
    for role, answer in (("state", "veto"), ("mou", "hold"), ("blue_house", "shelved")):
        p = play(scenario, SEED, [answer], role, model_rest=True)
        frame = extract(p.model).events_frame()
        said = [s for s in narrate(frame) if "student playing" in s]
        assert len(said) == 1, said
        assert f"student playing the {AGENTS[role]} chooses" in said[0], said


def test_the_tutorial_s_lesson_plan_says_what_the_page_does():
    from sim.page.roleplay.debrief import CAP, HEADLINE, SEEDS
    from sim.page.roleplay.words import TITLES
    from sim.page.settings import DEFAULT_SEED

    tutorial = (ROOT / "docs" / "tutorial.md").read_text()
    section = " ".join(tutorial.split("## 5. Role-play")[1].split("\n## ")[0].split())
    page = ROOT / "sim" / "page"
    source = "\n".join(
        p.read_text() for p in [page / "app.py", *sorted((page / "roleplay").glob("*.py"))]
    )
    for name in (
        "Role-play",
        "Let the model take the remaining decisions",
        "Start again",
        "Debrief",
        "Save this play",
        "Load a saved play",
    ):
        assert name in section and name in source, name
    for title in TITLES.values():
        assert f"*{title}*" in section, title
    # every answer's button the tutorial names, and no other, on the page's seed
    default = _default()  # the page's set-up: historical / historical
    labels: set[str] = set()
    counts = {}
    for role, r in ROLES.items():
        asked = []
        model = build(default, DEFAULT_SEED)
        r.agent(model).decider = lambda d, a=asked: (a.append(d), d.own)[1]
        while model.steps < model.n_weeks:
            model.step()
        counts[role] = asked
        labels |= {button(role, d, k) for d in asked for k in r.options(d)}
    named = set(re.findall(r"(?<!\*)\*([A-Z][^*]+)\*(?!\*)", section)) - set(TITLES.values())
    named -= {"Let the model take the remaining decisions", "Start again", "Save this play"}
    named -= {"Load a saved play"}
    assert named == labels - {"Send it to the director-general talks"}, named ^ labels
    bh, state, mou = (counts[k] for k in ("blue_house", "state", "mou"))
    rounds = sum(d.kind == "challenge" for d in mou)
    assert (
        f"the Blue House has {len(bh)} decisions, State {len(state)} reviews and the MOU "
        f"{len(mou)} decisions ({len(mou) - rounds} drafted items and {rounds} bargaining "
        "rounds)" in section
    )
    assert f"the first {CAP} such choices are replayed" in section
    assert f"seeds 0–{SEEDS - 1}" in section and len(HEADLINE) == 7
    assert "of 50 seeds lower, 3 equal" in section and "seeds lower, {p.equal} equal" in source
    assert "`student_choice`" in section and "`wgsim replay-play FILE`" in section
    assert "## `wgsim replay-play FILE" in (ROOT / "docs" / "cli.md").read_text()
    plan = tutorial.split("Debrief questions:")[1].split("\n## ")[0]
    questions = re.findall(r"^\d\. ", plan, re.M)
    assert len(questions) == 5


def _default():
    from sim.page.controls import build_scenario

    return build_scenario(ROOT / "scenarios" / "historical.yaml", None)
