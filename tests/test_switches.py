"""The WG's channel switches and the counterfactual switches on hand-made cases (issue 30).

Each test builds a small real model, sets one switch, drives the method that owns the
mechanism and checks that the mechanism is there by default and gone when switched off.
The last tests check that the defaults are today's behaviour in a whole run and that each
switch, set the other way, changes a whole run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rulekit import proposal

from sim.core.agents import Decision
from sim.core.channels import BilateralChannel
from sim.core.model import WorkingGroupModel
from sim.core.proposals import Route, Status
from sim.errors import ScenarioError
from sim.runs.runner import run
from sim.scenario import Channel
from sim.scenario.loader import build_scenario, load_file
from sim.scenario.paths import apply_overrides

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def model(seed: int = 0, **wg: object) -> WorkingGroupModel:
    """A small real model with a scheduled WG and the given ``working_group`` fields."""
    return WorkingGroupModel(build_scenario({"working_group": wg}), rng=seed)


def decide_always(m: WorkingGroupModel, decision: Decision) -> list[float]:
    """Make State's every decision ``decision``; returns the decision rates it was given."""
    rates: list[float] = []

    def decide(p, prob, quality):
        rates.append(prob)
        return decision

    m.state.decide = decide  # type: ignore[method-assign]
    return rates


# --- (a) disclosure of pending items --------------------------------------------------


@pytest.mark.parametrize("on", [True, False])
def test_disclosure_of_pending_items(on):
    m = model(disclose_pending=on)
    m.wg.establish(1, "agreed")
    decide_always(m, Decision.DEFER)
    on_table = proposal(id=1, route=Route.WG, status=Status.US_REVIEW)
    alone = proposal(id=2, route=Route.UNILATERAL, status=Status.DPRK_PENDING)
    waiting = proposal(id=3, route=Route.BILATERAL, status=Status.US_REVIEW)
    m.wg.queue = [on_table]
    m.pipeline.in_flight = [on_table, alone, waiting]
    m.wg.hold_meeting(4)
    assert on_table.us_informed  # what the meeting discusses the US knows either way
    assert alone.us_informed is on and waiting.us_informed is on


# --- (b) co-sponsorship at the UN --------------------------------------------------------


@pytest.mark.parametrize("on", [True, False])
def test_cosponsorship_of_wg_approvals(on):
    m = model(cosponsor=on)
    m.wg.establish(1, "agreed")
    decide_always(m, Decision.APPROVE)
    item = proposal(id=1, sigma=0.8, route=Route.WG, status=Status.US_REVIEW)
    m.wg.queue = [item]
    m.wg.hold_meeting(4)
    assert item.status == Status.UN_PENDING and item.un_cosponsored is on


# --- (c) joint vetting -------------------------------------------------------------------


@pytest.mark.parametrize("on", [True, False])
def test_joint_vetting(on):
    m = model(joint_vetting=on, vetting_strength=0.2, vetting_value_loss=0.5)
    m.wg.establish(1, "agreed")
    decide_always(m, Decision.DEFER)
    item = proposal(id=1, sigma=0.3, value_dprk=0.8, route=Route.WG, status=Status.US_REVIEW)
    m.wg.queue = [item]
    m.wg.hold_meeting(4)
    assert item.vetted is on
    assert item.sigma == pytest.approx(0.24 if on else 0.3)
    assert item.value_dprk == pytest.approx(0.4 if on else 0.8)


# --- (d) the added veto point ------------------------------------------------------------


@pytest.mark.parametrize("on", [True, False])
def test_veto_point(on):
    sections = {"working_group": {"veto_point": on}, "rok": {"dispute_prob": 1.0}}
    m = WorkingGroupModel(build_scenario(sections), rng=0)
    m.wg.establish(1, "agreed")
    rates = decide_always(m, Decision.VETO)
    item = proposal(id=1, sigma=0.2, route=Route.WG, status=Status.US_REVIEW)
    m.wg.queue = [item]
    m.wg.hold_meeting(4)
    us = m.parameters.us
    assert rates == [us.decision_prob_wg if on else us.decision_prob_adhoc]
    assert m.tally.vetoes == 1  # the veto still counts against the WG's legitimacy
    # With dispute_prob 1 a WG veto is a public dispute for sure; switched off, none.
    assert m.friction.disputes == (1 if on else 0)
    assert item.dispute_checked is on


# --- (e) visibility to the DPRK ----------------------------------------------------------


@pytest.mark.parametrize("on", [True, False])
def test_visibility_to_the_dprk(on):
    sections = {
        "working_group": {"visible_to_dprk": on},
        "dprk": {
            "denunciation_rate": 0.0,  # no denunciation spends the grievance
            "grievance_decay": 0.5,
            "visibility_launch": 1.0,
            "visibility_per_item": 0.5,
        },
    }
    m = WorkingGroupModel(build_scenario(sections), rng=0)
    m.wg.establish(1, "agreed")
    m.dprk.denunciation(1)  # the launch adds 1, then half fades
    assert m.dprk.grievance == pytest.approx(0.5 if on else 0.0)
    m.friction.disputes += 2  # two public disputes since: 2 x 0.5 more, then half fades
    m.dprk.denunciation(2)
    assert m.dprk.grievance == pytest.approx(0.75 if on else 0.0)
    m.dprk.breakdown("talks")  # a breakdown is the DPRK's occasion, not the WG's visibility
    assert m.dprk.grievance > (0.75 if on else 0.0)


# --- counterfactual switches -------------------------------------------------------------


@pytest.mark.parametrize("on", [True, False])
def test_cosponsorship_of_ad_hoc_approvals(on):
    m = model(establishment="never", agreed_on=None, cosponsor_ad_hoc=on)
    decide_always(m, Decision.APPROVE)
    item = proposal(id=1, sigma=0.8, route=Route.BILATERAL, status=Status.US_REVIEW)
    m.contacts.queue = [item]
    ch = BilateralChannel(Channel(name="Kang-Pompeo", contacts_per_week=1.0, via_nsc=False))
    m.contacts.contact(ch, 5)
    assert item.status == Status.UN_PENDING and item.un_cosponsored is on


@pytest.mark.parametrize("on", [True, False])
def test_group_limited_to_sanctioned_items(on):
    m = model(sanctioned_only=on, scope=1.0)
    sanctioned = proposal(id=1, sigma=0.8, route=Route.BILATERAL, status=Status.US_REVIEW)
    light = proposal(id=2, sigma=0.2, route=Route.BILATERAL, status=Status.US_REVIEW)
    m.contacts.queue = [sanctioned, light]
    m.wg.establish(1, "agreed")
    assert sanctioned in m.wg.queue and sanctioned.route == Route.WG
    assert (light in m.wg.queue) is not on and (light in m.contacts.queue) is on
    # New non-sanctioned items: with scope 1 every one goes to the WG, sanctioned-only none.
    routes = {m.blue_house.choose(proposal(id=3 + i, sigma=0.2), 2) for i in range(50)}
    assert (Route.WG in routes) is not on
    m.wg.reform()  # a reform narrows the scope; it cannot widen a sanctioned-only WG
    assert (m.wg.scope == 0.0) is on


def test_dg_talks_from_a_date_without_a_group():
    start = dt.date(2018, 10, 30)
    m = model(establishment="never", agreed_on=None, successor={"start": start})
    week = m.parameters.calendar.week_of(start)
    assert m.dg.start_week == week
    m.dg.meet(week - 1)
    assert not m.dg.active
    m.dg.meet(week)
    assert m.dg.active and m.dg.started == week
    assert m.blue_house.choose(proposal(id=1, sigma=0.8), week) in (Route.DG, Route.UNILATERAL)
    decide_always(m, Decision.APPROVE)
    item = proposal(id=2, sigma=0.8, route=Route.DG, status=Status.US_REVIEW)
    m.dg.queue = [item]
    m.dg.meet(week + m.dg.params.interval_weeks)  # first meeting one interval later
    assert item.status == Status.UN_PENDING and item.un_cosponsored  # DG talks co-sponsor


def test_dg_talks_stay_after_the_wg_without_a_start_date():
    m = model(establishment="never", agreed_on=None)
    for week in range(1, 60):
        m.dg.meet(week)
    assert m.dg.start_week == -1 and not m.dg.active


def test_a_dg_start_date_needs_a_world_without_the_group():
    base = load_file(SCENARIOS / "historical.yaml").variant("historical")
    with pytest.raises(ScenarioError, match=r"successor.start .*establishment 'never'"):
        apply_overrides(base, {"working_group.successor.start": dt.date(2018, 10, 30)})


# --- whole runs: defaults are today's model, each switch acts ----------------------------

SWITCHES_OFF = {
    "working_group.disclose_pending": False,
    "working_group.joint_vetting": False,
    "working_group.veto_point": False,
    "working_group.visible_to_dprk": False,
    "working_group.sanctioned_only": True,
    "working_group.cosponsor": False,
}


def _signature(scenario, seed):
    res = run(scenario, seed, series=False)
    return res.metrics, res.events_frame().to_csv(index=False)


def test_switches_default_to_todays_model():
    base = load_file(SCENARIOS / "historical.yaml").variant("historical")
    explicit = apply_overrides(
        base,
        {
            "working_group.disclose_pending": True,
            "working_group.joint_vetting": True,
            "working_group.veto_point": True,
            "working_group.visible_to_dprk": True,
            "working_group.sanctioned_only": False,
            "working_group.cosponsor_ad_hoc": False,
            "working_group.successor.start": None,
        },
    )
    assert explicit == base  # the shipped scenario already has every switch at its default
    assert _signature(explicit, 3) == _signature(base, 3)


@pytest.mark.parametrize("path", sorted(SWITCHES_OFF))
def test_each_switch_changes_a_whole_run(path):
    base = load_file(SCENARIOS / "historical.yaml").variant("historical")
    off = apply_overrides(base, {path: SWITCHES_OFF[path]})
    assert any(_signature(off, s) != _signature(base, s) for s in range(3))


def test_counterfactual_variants_differ_from_no_group():
    sf = load_file(SCENARIOS / "counterfactuals.yaml")
    none = sf.variant("no-group")
    for name in ("bilateral-cosponsor", "dg-talks-2018"):
        runs = [run(sf.variant(name), s, series=False) for s in range(3)]
        assert any(r.metrics != run(none, s, series=False).metrics for s, r in enumerate(runs))
    dg = run(sf.variant("dg-talks-2018"), 0, series=False).events_frame()
    assert (dg["kind"] == "dg_meeting").any() and not (dg["kind"] == "wg_meeting").any()


# --- the experiment report's decomposition ----------------------------------------------


def test_against_first_pairs_each_point_with_the_first_by_replication():
    import numpy as np
    import pandas as pd

    from sim.studies.experiments.report import against_first

    pairs = pd.DataFrame(
        {
            "point": [0, 0, 1, 1, 2, 2],
            "replication": [0, 1, 0, 1, 0, 1],
            "x": [2.0, 4.0, 1.0, 1.0, 5.0, np.nan],
        }
    )
    t = against_first(pairs, ["x"], {0: "all", 1: "no a", 2: "no b"}, seed=0)
    rows = t.set_index("point")
    assert list(rows["part"]) == ["effect", "removed", "removed"]
    assert rows.loc[0, "mean"] == pytest.approx(3.0) and rows.loc[0, "n"] == 2
    assert rows.loc[1, "mean"] == pytest.approx(2.0)  # (2 - 1 + 4 - 1) / 2, paired
    assert rows.loc[1, "lo"] <= 2.0 <= rows.loc[1, "hi"]
    # A replication undefined at either point is left out: only 2 - 5.
    assert rows.loc[2, "mean"] == pytest.approx(-3.0) and rows.loc[2, "n"] == 1
    assert rows.loc[2, "label"] == "no b"


def test_the_pages_scenario_list_offers_the_counterfactuals():
    from sim.page.controls import scenario_choices

    choices = scenario_choices(SCENARIOS)
    names = set(load_file(SCENARIOS / "counterfactuals.yaml").variants)
    assert {f"counterfactuals / {n}" for n in names} <= set(choices.entries)
    assert not [s for s in choices.skipped if s.startswith("counterfactuals.yaml")]
