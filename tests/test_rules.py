"""Each rule on hand-computed cases."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from sim import scenario as sc
from sim.agents import Decision, DprkMode, WindowMean, logistic
from sim.bargaining import (
    bargaining_round,
    challenge_probability,
    effective_position,
    weighted_mean,
)
from sim.channels import WgPhase, WorkingGroup, legitimacy_step
from sim.loader import build_scenario
from sim.model import WorkingGroupModel
from sim.proposals import Proposal, Route, Status, geometric, poisson
from sim.shocks import apply_effect


def small_model(seed: int = 0, **sections) -> WorkingGroupModel:
    return WorkingGroupModel(build_scenario(sections), seed)


def proposal(**kw) -> Proposal:
    base = dict(
        id=1, origin="MOU", type="EXCH", label="x", sigma=0.2, a=0.1, v=0.5, w=0.5, t_created=1
    )
    base.update(kw)
    return Proposal(**base)


# --- small functions -------------------------------------------------------------------


def test_logistic_values_and_symmetry():
    assert logistic(0.0) == 0.5
    assert logistic(2.0) == pytest.approx(1 / (1 + math.exp(-2)))
    assert logistic(-800.0) == pytest.approx(0.0)
    assert logistic(800.0) == pytest.approx(1.0)
    assert logistic(1.3) + logistic(-1.3) == pytest.approx(1.0)


def test_window_mean_shrinks_to_prior_and_forgets():
    w = WindowMean(window=4, prior=0.5, weight=2.0)
    assert w.estimate(1) == 0.5
    w.add(1, 1.0)
    w.add(2, 1.0)
    assert w.estimate(2) == pytest.approx((2 + 0.5 * 2) / 4)
    assert w.estimate(5) == pytest.approx((1 + 1.0) / 3)  # week 1 has left the window
    assert w.estimate(6) == 0.5


def test_poisson_and_geometric_means():
    rnd = random.Random(7)
    assert statistics.fmean(poisson(rnd, 0.7) for _ in range(20000)) == pytest.approx(0.7, rel=0.05)
    assert statistics.fmean(poisson(rnd, 45.0) for _ in range(2000)) == pytest.approx(45, rel=0.05)
    assert poisson(rnd, 0.0) == 0
    assert statistics.fmean(geometric(rnd, 0.25) for _ in range(20000)) == pytest.approx(
        4, rel=0.05
    )
    assert geometric(rnd, 1.0) == 1


# --- bargaining ------------------------------------------------------------------------


def test_effective_position_is_clout_salience_weighted():
    m = small_model()
    pos, wts = effective_position(m.rok)
    bh = m.blue_house
    num = sum(a.clout * a.salience[1] * a.position[1] for a in m.rok)
    den = sum(a.clout * a.salience[1] for a in m.rok)
    assert pos[1] == pytest.approx(num / den)
    assert wts[1] == pytest.approx(den)
    assert weighted_mean([1.0, 0.0, 0.0], m.rok) == pytest.approx(bh.weight_e / den)


def test_challenge_probability():
    m = small_model()
    expected = (0.2 * 0.9) / (0.2 * 0.9 + 0.3 * 0.5)
    assert challenge_probability(m.mou, m.mofa) == pytest.approx(expected)


def test_bargaining_round_without_challenge_drifts_toward_consensus():
    m = small_model()
    before = [a.position[1] for a in m.rok]
    x_rok = effective_position(m.rok)[0][1]
    res = bargaining_round(
        m.blue_house,
        m.mofa,
        m.mou,
        step=0.1,
        threshold=10.0,
        backlog_weight=0.0,
        rnd=random.Random(0),
    )
    assert not res.challenged
    for a, x0 in zip(m.rok, before, strict=True):
        assert abs(a.position[1] - x_rok) <= abs(x0 - x_rok) + 1e-12
        assert abs(a.position[1] - x0) <= 0.1 * (1 - a.salience[1]) + 1e-12


def test_bargaining_round_challenge_moves_blue_house_toward_winner():
    m = small_model()
    m.mou.backlog = 100
    bh0, mofa0, mou0 = m.blue_house.position[1], m.mofa.position[1], m.mou.position[1]
    res = bargaining_round(
        m.blue_house,
        m.mofa,
        m.mou,
        step=0.1,
        threshold=0.0,
        backlog_weight=1.0,
        rnd=random.Random(1),
    )
    assert res.challenged
    assert res.pressure == pytest.approx(
        0.9
        * abs(mou0 - effective_position(small_model().rok)[0][1])
        * challenge_probability(m.mou, m.mofa)
        + 100
    )
    if res.mou_prevailed:
        assert m.blue_house.position[1] == pytest.approx(min(mou0, bh0 + 0.1))
        assert m.mofa.position[1] == pytest.approx(mofa0 + 0.05)
    else:
        assert m.blue_house.position[1] == pytest.approx(bh0 - 0.1)
        assert m.mou.position[1] == pytest.approx(mou0 - 0.05)


# --- legitimacy and the working group --------------------------------------------------


def test_legitimacy_step_hand_computed():
    lp = sc.Legitimacy()
    new, den, losses = legitimacy_step(
        lp,
        0.6,
        approved_value=1.0,
        overdue=2,
        vetoes=1,
        denunciations=1,
        pressure=0.5,
        challenges=1,
    )
    exp_den = lp.denunciation_loss * 1 * 1.5
    exp_losses = lp.overdue_loss * 2 + lp.veto_loss + exp_den + lp.challenge_loss
    assert den == pytest.approx(exp_den)
    assert losses == pytest.approx(exp_losses)
    assert new == pytest.approx(
        0.6 + lp.approval_gain * 1.0 - exp_losses + lp.reversion * (lp.initial - 0.6)
    )
    assert (
        legitimacy_step(
            lp,
            0.0,
            approved_value=0,
            overdue=500,
            vetoes=0,
            denunciations=0,
            pressure=0,
            challenges=0,
        )[0]
        == 0.0
    )


def _wg(**kw) -> WorkingGroup:
    return WorkingGroup(sc.WorkingGroup(**kw), sc.Legitimacy())


def test_ad_hoc_meetings_when_queue_fills_or_gap_grows():
    wg = _wg(first_meeting_lag_weeks=3, queue_trigger=2, max_gap_weeks=5)
    wg.establish(10)
    assert not wg.meeting_due(12)
    assert wg.meeting_due(13)
    wg.last_meeting = 13
    assert not wg.meeting_due(14)
    wg.queue = [proposal(), proposal(id=2)]
    assert wg.meeting_due(14)
    wg.queue = []
    assert wg.meeting_due(18) and not wg.meeting_due(17)


def test_regular_meetings_every_k_weeks():
    wg = _wg(cadence="regular", regular_interval_weeks=4, first_meeting_lag_weeks=0)
    wg.establish(1)
    assert wg.meeting_due(1)
    wg.last_meeting = 1
    wg.queue = [proposal()] * 10
    assert not wg.meeting_due(4)
    assert wg.meeting_due(5)


def test_windows_reform_and_termination():
    wg = _wg()
    wg.establish(1)
    wg.open_window(10, 3)
    assert wg.in_window(12) and not wg.in_window(13)
    level, scope = wg.legitimacy, wg.scope
    wg.reform()
    assert wg.legitimacy == pytest.approx(min(1.0, level + wg.lp.reform_boost))
    assert wg.scope == pytest.approx(scope * wg.lp.reform_scope_factor)
    wg.queue = [proposal()]
    left = wg.terminate(20)
    assert wg.phase == WgPhase.TERMINATED and wg.terminated_week == 20
    assert len(left) == 1 and wg.queue == []


# --- agents ----------------------------------------------------------------------------


def test_us_review_extremes():
    m = small_model(us={"decision_prob_wg": 0.0})
    assert m.state.review(proposal(), 0.0, 0.5) == Decision.DEFER
    m = small_model(us={"veto_slope": 50.0, "win_set": 0.9, "perception_noise": 0.0})
    assert all(m.state.review(proposal(sigma=0.0), 1.0, 1.0) == Decision.APPROVE for _ in range(50))
    m = small_model(us={"veto_slope": 50.0, "win_set": 0.1, "perception_noise": 0.0})
    assert all(m.state.review(proposal(sigma=0.9), 1.0, 1.0) == Decision.VETO for _ in range(50))


def test_us_approval_rate_matches_logistic():
    m = small_model(us={"perception_noise": 0.0, "perception_bias": 0.0, "initial_trust": 0.5})
    p = proposal(sigma=0.55)
    n = 4000
    approvals = sum(m.state.review(p, 1.0, 1.0) == Decision.APPROVE for _ in range(n))
    z = m.state.veto_slope * (m.state.win_set - 0.55)
    assert approvals / n == pytest.approx(logistic(z), abs=0.03)


def test_surprise_lowers_trust_and_raises_sanctions_salience():
    m = small_model()
    t0, s0 = m.state.trust, m.state.salience[0]
    m.state.surprised()
    assert m.state.trust == pytest.approx(t0 - m.params.us.trust_loss_surprise)
    assert m.state.salience[0] == pytest.approx(min(1.0, s0 + m.params.us.salience_gain_surprise))


def test_us_drift_toward_rok():
    m = small_model()
    x0 = list(m.state.position)
    pos, wts = effective_position(m.rok)
    m.state.drift(pos, wts)
    for d in range(3):
        pi = wts[d] / (wts[d] + m.state.clout * m.state.salience[d])
        assert m.state.position[d] == pytest.approx(
            x0[d] + m.state.drift_rate * pi * (pos[d] - x0[d])
        )


def test_dprk_acceptance_probability():
    m = small_model(dprk={"respond_prob": 1.0, "border_penalty": 0.0})
    d = m.dprk
    d.track_open = True
    d.update_mode(1)
    assert d.mode == DprkMode.ENGAGE
    p = proposal(w=0.8)
    n = 4000
    acc = sum(d.respond(p) == 1 for _ in range(n)) / n
    z = d.p.accept_intercept + d.p.accept_value * 0.8 + d.p.accept_engage
    assert acc == pytest.approx(logistic(z), abs=0.03)
    d.border_closed = True
    d.p = d.p.model_copy(update={"border_penalty": 1.0})
    assert all(d.respond(p) == -1 for _ in range(50))


def test_dprk_ignores_small_items_in_wedge_mode():
    m = small_model(dprk={"respond_prob": 1.0, "ignore_small_prob": 1.0})
    m.dprk.update_mode(1)
    assert m.dprk.mode == DprkMode.WEDGE
    assert m.dprk.respond(proposal(w=0.1)) == 0


def test_denunciation_probability_and_frustration():
    m = small_model(dprk={"denunciation_rate": 0.0})
    assert not any(m.dprk.denounces(5.0) for _ in range(100))
    m = small_model()
    d = m.dprk
    d.update_frustration(10, 4)
    assert d.frustration == pytest.approx(d.p.frustration_rate * 0.6)
    d.update_frustration(0, 0)
    assert d.frustration == pytest.approx((1 - d.p.frustration_rate) * d.p.frustration_rate * 0.6)


def test_dpi_progress_and_provocation():
    m = small_model(dprk={"dpi_rate": 0.1, "sequencing_tolerance": 1.0})
    d = m.dprk
    d.track_open = True
    d.update_mode(1)
    d.progress(us_q=0.9)
    assert d.dpi == pytest.approx(0.1 * 1.0 * d.trust_us)
    d.track_open = False
    d.provoke(2)
    d.progress(us_q=0.9)
    assert d.mode == DprkMode.COERCE
    assert d.dpi == pytest.approx(max(0.0, 0.1 * d.trust_us - d.p.dpi_provocation_loss))


def test_un_committee_lag_and_approval():
    m = small_model(un={"approval_cosponsored": 1.0, "lag_cosponsored_weeks": 1.0})
    p = proposal(sigma=0.9)
    m.un.submit(p, 10, cosponsored=True)
    assert p.status == Status.UN_PENDING and p.un_cosponsored
    assert m.un.decide(11) == []
    assert m.un.decide(12) == [(p, True)]  # lag = 1 + Geom(p=1) = 2 weeks


def test_un_standard_lag_mean():
    m = small_model(un={"lag_standard_weeks": 10.0})
    lags = []
    for i in range(3000):
        p = proposal(id=i)
        m.un.submit(p, 0, cosponsored=False)
    for week, items in m.un.due.items():
        lags += [week] * len(items)
    assert statistics.fmean(lags) == pytest.approx(11.0, rel=0.05)


# --- shocks ------------------------------------------------------------------------------


def test_every_effect_kind():
    m = small_model()
    apply_effect(m, sc.TrackEffect(kind="track", open=True, close_after_weeks=3), 5, "t")
    assert m.dprk.track_open and m.dprk.track_until == 8
    m.dprk.update_mode(8)
    assert not m.dprk.track_open
    w0 = m.state.win_set
    apply_effect(m, sc.WinSetEffect(kind="win_set", scale=0.5), 5, "h")
    assert m.state.win_set == pytest.approx(w0 * 0.5)
    apply_effect(m, sc.BorderEffect(kind="border", closed=True), 5, "b")
    assert m.dprk.border_closed
    d0 = m.pressure
    apply_effect(m, sc.DomesticPressureEffect(kind="domestic_pressure", delta=0.2), 5, "d")
    assert m.pressure == pytest.approx(d0 + 0.2)
    apply_effect(m, sc.ActorEffect(kind="actor", actor="mou", attribute="clout", value=0.35), 5, "")
    assert m.mou.clout == 0.35
    eff = sc.ActorEffect(kind="actor", actor="mou", attribute="position", dimension="E", value=0.1)
    apply_effect(m, eff, 5, "")
    assert m.mou.position[1] == 0.1
    apply_effect(m, sc.LeadershipWindowEffect(kind="leadership_window", us_consent=0.9), 5, "w")
    assert m.state.consent == 0.9
    item = sc.NewProposal(type="INFRA", label="railway", sanction_load=0.7)
    apply_effect(m, sc.ProposalsEffect(kind="proposals", items=[item]), 5, "p")
    assert m.inbox[-1].label == "railway" and m.inbox[-1].sigma == 0.7
    m.surge_until = -1
    apply_effect(m, sc.SummitEffect(kind="summit", deal_possible=True), 5, "s")
    assert m.surge_until == 5 + m.params.proposals.summit_surge_weeks - 1
    apply_effect(m, sc.ProvocationEffect(kind="provocation"), 6, "x")
    assert m.dprk.coerce_week == 6
    kinds = [e[1] for e in m.events]
    assert "provocation" in kinds and "window_opened" in kinds and "created" in kinds


def test_summit_deal_needs_a_small_gap():
    m = small_model(dprk={"deal_tolerance": 1.0})
    apply_effect(m, sc.SummitEffect(kind="summit", deal_possible=True), 1, "s")
    assert m.dprk.dpi == pytest.approx(m.params.dprk.deal_gain)
    m = small_model(dprk={"deal_tolerance": 0.1})
    apply_effect(m, sc.SummitEffect(kind="summit", deal_possible=True), 1, "s")
    assert m.dprk.dpi == 0.0


def test_routing_rules():
    m = small_model(working_group={"scope": 1.0})
    m.wg.establish(1)
    p = proposal(sigma=0.9)
    assert m._choose_route(p, 1) in (Route.WG, Route.UNILATERAL)
    assert m._choose_route(proposal(sigma=0.1), 1) == Route.WG
    m = small_model(
        working_group={"establishment": "never", "agreed_on": None}, rok={"violation_prob": 0.0}
    )
    assert m._choose_route(proposal(sigma=0.9), 1) == Route.BILATERAL
