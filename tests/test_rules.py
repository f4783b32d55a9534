"""Each rule of the model on hand-computed cases (docs/mechanisms.md §2).

Agents are built inside a small real model; where a rule draws random numbers, the model's
generator is replaced by :class:`Scripted`, which returns given uniforms, so thresholds
can be checked exactly on both sides.
"""

from __future__ import annotations

import math
import random
import statistics

import pytest
from rulekit import Scripted, proposal, small_model

from sim import scenario as sc
from sim.core.agents import Answer, Decision, Dimension, DprkMode, logistic
from sim.core.government import (
    bargaining_round,
    challenge_probability,
    effective_position,
    weighted_mean,
)
from sim.core.ledgers import WindowMean
from sim.core.model import WorkingGroupModel
from sim.core.proposals import Route, Status, geometric, poisson
from sim.core.shocks import apply_effect
from sim.core.working_group import WgPhase, WorkingGroup, legitimacy_step
from sim.scenario.loader import build_scenario

E, S, Q = Dimension.ENGAGEMENT, Dimension.SANCTIONS, Dimension.SEQUENCING


# --- small functions -------------------------------------------------------------------


def test_logistic_values_and_symmetry():
    assert logistic(0.0) == 0.5
    assert logistic(2.0) == pytest.approx(1 / (1 + math.exp(-2)))
    assert logistic(-3.0) == pytest.approx(1 / (1 + math.exp(3)))
    assert logistic(-800.0) == pytest.approx(0.0) and logistic(800.0) == pytest.approx(1.0)
    assert logistic(1.3) + logistic(-1.3) == pytest.approx(1.0)


def test_window_mean_shrinks_to_the_prior_and_forgets():
    w = WindowMean(window=4, prior=0.5, weight=2.0)
    assert w.estimate(1) == 0.5
    w.add(1, 1.0)
    w.add(2, 1.0)
    assert w.estimate(2) == pytest.approx((2 + 0.5 * 2) / 4)
    assert w.estimate(4) == pytest.approx((2 + 0.5 * 2) / 4)
    assert w.estimate(5) == pytest.approx((1 + 1.0) / 3)  # week 1 has left the window
    assert w.estimate(6) == 0.5
    raw = WindowMean(window=10, prior=0.3, weight=0.0)
    assert raw.estimate(1) == 0.3
    raw.add(1, 0.0)
    raw.add(1, 1.0)
    raw.add(2, 1.0)
    assert raw.estimate(3) == pytest.approx(2 / 3)


def test_poisson_hand_computed_draws():
    # Knuth: multiply uniforms until the product falls to exp(-lambda) = 0.3679 (lambda = 1).
    assert poisson(Scripted(0.5, 0.5), 1.0) == 1
    assert poisson(Scripted(0.9, 0.9, 0.9, 0.1), 1.0) == 3
    assert poisson(Scripted(0.2), 1.0) == 0
    assert poisson(Scripted(0.5), 0.0) == 0 and poisson(Scripted(0.5), -1.0) == 0


def test_poisson_and_geometric_means_over_many_draws():
    rnd = random.Random(7)
    for lam in (0.1, 0.7, 3.0, 45.0):
        n = 20000 if lam < 30 else 3000
        draws = [poisson(rnd, lam) for _ in range(n)]
        assert statistics.fmean(draws) == pytest.approx(lam, rel=0.05)
        assert statistics.pvariance(draws) == pytest.approx(lam, rel=0.1)
        assert min(draws) >= 0
    for p in (0.1, 0.25, 0.9):
        draws = [geometric(rnd, p) for _ in range(20000)]
        assert statistics.fmean(draws) == pytest.approx(1 / p, rel=0.05)
        assert min(draws) >= 1


def test_geometric_hand_computed_draws():
    # ceil(log(1 - u) / log(1 - p)): p = .25, u = .5 -> ceil(2.41) = 3.
    assert geometric(Scripted(0.5), 0.25) == 3
    assert geometric(Scripted(0.0), 0.25) == 1
    assert geometric(Scripted(0.9), 0.5) == 4
    assert geometric(Scripted(0.99), 1.0) == 1


# --- ROK bargaining (KTAB-lite, §2.5) ----------------------------------------------------


def test_effective_position_hand_computed():
    m = small_model()
    pos, wts = effective_position(m.government.actors)
    # Defaults: BH c=.5 s=(.5,.9,.8) x=(.45,.8,.7); MOFA .3 (.6,.5,.5) (.6,.5,.4);
    # MOU .2 (.3,.9,.4) (.3,.9,.7).
    w_e = [0.5 * 0.9, 0.3 * 0.5, 0.2 * 0.9]
    assert wts[E] == pytest.approx(sum(w_e))
    assert pos[E] == pytest.approx((0.45 * 0.8 + 0.15 * 0.5 + 0.18 * 0.9) / 0.78)
    w_s = [0.25, 0.18, 0.06]
    assert pos[S] == pytest.approx((0.25 * 0.45 + 0.18 * 0.6 + 0.06 * 0.3) / sum(w_s))
    assert weighted_mean([1.0, 0.0, 0.0], m.government.actors) == pytest.approx(0.45 / 0.78)
    for a in m.government.actors:
        a.clout = 0.0
    assert effective_position(m.government.actors)[0] == [0.5, 0.5, 0.5]
    assert weighted_mean([1.0, 2.0, 3.0], m.government.actors) == pytest.approx(2.0)


def test_the_engagement_position_alone_is_the_full_computation_s_exactly():
    # Bargaining refreshes only x_ROK,E (it moves positions on E alone); the shortcut must
    # give the very same float as the full computation, zero weights included.
    m = small_model()
    rnd = random.Random(4)
    for _ in range(200):
        for a in m.government.actors:
            a.clout = rnd.choice([0.0, rnd.random()])
            a.salience = [rnd.random() for _ in range(3)]
            a.position = [rnd.random() for _ in range(3)]
        m.government.refresh_e()
        assert m.government.position[E] == effective_position(m.government.actors)[0][E]


def test_a_bargaining_week_refreshes_the_rok_position_as_a_full_refresh_would():
    m = small_model()
    for week in range(4, 200, 4):
        m.mou.backlog = week % 7
        m.government.bargain(week)
        cached = (
            list(m.government.position),
            list(m.government.weights),
            m.blue_house.alliance_bar,
        )
        m.government.refresh()
        assert cached == (m.government.position, m.government.weights, m.blue_house.alliance_bar)


def test_challenge_probability_and_pressure():
    m = small_model()
    pi = (0.2 * 0.9) / (0.2 * 0.9 + 0.3 * 0.5)
    assert challenge_probability(m.mou, m.mofa) == pytest.approx(pi)
    m.mou.backlog = 3
    assert m.mou.pressure(0.6, pi, 0.01) == pytest.approx(0.9 * 0.3 * pi + 0.03)
    m.mou.clout = m.mofa.clout = 0.0
    assert challenge_probability(m.mou, m.mofa) == 0.5


def test_bargaining_without_a_challenge_drifts_toward_the_effective_position():
    m = small_model()
    x0 = [a.position[E] for a in m.government.actors]
    x_rok = effective_position(m.government.actors)[0][E]
    res = bargaining_round(
        m.blue_house,
        m.mofa,
        m.mou,
        step=0.1,
        threshold=10.0,
        backlog_weight=0.0,
        rnd=Scripted(0.0),
    )
    assert not res.challenged and not res.mou_prevailed
    for a, x in zip(m.government.actors, x0, strict=True):
        rate = 0.1 * (1 - a.salience[E])
        expected = x - rate if x > x_rok else x + rate
        if abs(x - x_rok) <= rate:
            expected = x_rok
        assert a.position[E] == pytest.approx(expected)


@pytest.mark.parametrize("mou_wins", [True, False])
def test_bargaining_challenge_moves_toward_the_winner(mou_wins):
    m = small_model()
    bh0, mofa0, mou0 = (a.position[E] for a in m.government.actors)
    x_rok = effective_position(m.government.actors)[0][E]
    pi = challenge_probability(m.mou, m.mofa)
    rnd = Scripted(pi - 0.01 if mou_wins else pi + 0.01)
    res = bargaining_round(
        m.blue_house, m.mofa, m.mou, step=0.1, threshold=0.0, backlog_weight=0.0, rnd=rnd
    )
    assert res.challenged and res.mou_prevailed == mou_wins
    assert res.pressure == pytest.approx(0.9 * abs(mou0 - x_rok) * pi)
    if mou_wins:  # BH .8 -> .9 (MOU's .9); MOFA concedes .05 toward .9
        assert m.blue_house.position[E] == pytest.approx(0.9)
        assert m.mofa.position[E] == pytest.approx(mofa0 + 0.05)
        assert m.mou.position[E] == pytest.approx(mou0)
    else:  # BH .8 -> .7 toward MOFA's .5; MOU concedes .05
        assert m.blue_house.position[E] == pytest.approx(bh0 - 0.1)
        assert m.mou.position[E] == pytest.approx(mou0 - 0.05)
        assert m.mofa.position[E] == pytest.approx(mofa0)


def test_bargaining_threshold_is_strict():
    m = small_model()
    x_rok = effective_position(m.government.actors)[0][E]
    pressure = m.mou.pressure(x_rok, challenge_probability(m.mou, m.mofa), 0.0)
    kwargs = dict(step=0.1, backlog_weight=0.0, rnd=Scripted(0.0))
    assert not bargaining_round(
        m.blue_house, m.mofa, m.mou, threshold=pressure, **kwargs
    ).challenged
    m = small_model()
    assert bargaining_round(
        m.blue_house, m.mofa, m.mou, threshold=pressure - 1e-9, **kwargs
    ).challenged


# --- the working group (§2.4, §2.7) ------------------------------------------------------


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
    # shares: .02*1*(1+.5) = .03; .001*2 + .02 + .03 + .05 = .102; each a share of L = .6
    # gain .02; reversion .01*.1
    assert den == pytest.approx(0.6 * 0.03)
    assert losses == pytest.approx(0.6 * 0.102)
    assert new == pytest.approx(0.6 + 0.02 - 0.6 * 0.102 + 0.001)
    zero = dict(
        approved_value=0.0, overdue=0, vetoes=0, denunciations=0, pressure=0.0, challenges=0
    )
    assert legitimacy_step(lp, 0.7, **zero) == pytest.approx((0.7, 0.0, 0.0))
    # at L = 0 nothing is left to lose: only the reversion .01 * .7
    assert legitimacy_step(lp, 0.0, **{**zero, "overdue": 500})[0] == pytest.approx(0.007)
    assert legitimacy_step(lp, 0.99, **{**zero, "approved_value": 50.0})[0] == 1.0


def _wg(**kw) -> WorkingGroup:
    return small_model(working_group=kw).wg


def test_ad_hoc_meetings_when_the_queue_fills_or_the_gap_grows():
    wg = _wg(first_meeting_lag_weeks=3, queue_trigger=2, max_gap_weeks=5)
    assert wg.phase == WgPhase.ABSENT and not wg.active
    wg.establish(10, "t")
    assert wg.active and wg.created_week == 10 and wg.first_meeting_week == 13
    wg.queue = [proposal(), proposal(id=2)]
    assert not wg.meeting_due(12)  # not before the first meeting, however full the queue
    wg.queue = []
    assert wg.meeting_due(13)
    wg.last_meeting = 13
    assert not wg.meeting_due(14)
    wg.queue = [proposal()]
    assert not wg.meeting_due(14)
    wg.queue.append(proposal(id=2))
    assert wg.meeting_due(14)
    wg.queue = []
    assert not wg.meeting_due(17) and wg.meeting_due(18)


def test_regular_meetings_every_k_weeks_whatever_the_queue():
    wg = _wg(cadence="regular", regular_interval_weeks=4, first_meeting_lag_weeks=0)
    wg.establish(1, "t")
    assert wg.meeting_due(1)
    wg.last_meeting = 1
    wg.queue = [proposal(id=i) for i in range(10)]
    assert not wg.meeting_due(4)
    wg.queue = []
    assert wg.meeting_due(5)


def test_review_windows_open_extend_and_reset():
    wg = _wg()
    wg.establish(1, "t")
    assert not wg.in_window(1)
    wg.open_window(10, 3, "t")
    assert wg.in_window(12) and not wg.in_window(13)
    wg.window_used = True
    wg.open_window(11, 4, "t")  # extends the open window: it stays used
    assert wg.window_until == 14 and wg.window_used
    wg.open_window(11, 1, "t")  # a shorter window changes nothing
    assert wg.window_until == 14
    wg.open_window(20, 2, "t")  # a new window after the last one closed can be used again
    assert wg.window_until == 21 and not wg.window_used


def test_reform_and_termination():
    wg = _wg(scope=0.5)
    wg.establish(1, "t")
    wg.legitimacy = 0.4
    wg.reform()
    assert wg.legitimacy == pytest.approx(0.45) and wg.scope == pytest.approx(0.35)
    wg.legitimacy = 0.99
    wg.reform()
    assert wg.legitimacy == 1.0
    item = proposal()
    wg.queue = [item]
    wg.terminate(20, "t")
    assert wg.phase == WgPhase.TERMINATED and not wg.active and wg.terminated_week == 20
    assert wg.queue == [] and wg.model.contacts.queue == [item]  # re-routed ad hoc


def test_dg_talks_meet_every_interval_once_started():
    dg = small_model(working_group={"successor": {"interval_weeks": 4}}).dg
    assert not dg.meeting_due(10)
    dg.start(10)
    assert dg.active and not dg.meeting_due(13) and dg.meeting_due(14)


# --- the Blue House (§2.4) ---------------------------------------------------------------


def test_blue_house_weighs_alliance_costs_and_patience_like_the_rok():
    m = small_model()
    # weights c*s_E: BH .45, MOFA .15, MOU .18 (sum .78)
    bar = (0.45 * 0.5 + 0.15 * 1.0 + 0.18 * 0.2) / 0.78
    patience = (0.45 * 8 + 0.15 * 12 + 0.18 * 6) / 0.78
    assert m.blue_house.alliance_bar == pytest.approx(bar)
    assert m.blue_house.discount == pytest.approx(1 - 1 / patience)


def test_the_cached_rok_weights_are_the_bargaining_weighted_means_exactly():
    m = small_model()
    for zero_salience in (False, True):  # the second case takes weighted_mean's fallback
        if zero_salience:
            for a in m.government.actors:
                a.salience[1] = 0.0
            m.government.refresh()
        rok = m.government.actors
        assert m.blue_house.alliance_bar == weighted_mean([a.alliance_weight for a in rok], rok)
        patience = weighted_mean([a.patience_weeks for a in rok], rok)
        assert m.blue_house.discount == 1.0 - 1.0 / patience


def test_blue_house_arbitration_hand_computed():
    m = small_model()
    bh = m.blue_house
    bh.discount, bh.alliance_bar = 0.9, 0.5
    # No observations: approval = accept = detection = .5, lag = 4 weeks.
    # consult = v * .5 * .9**4 = .328 v; unilateral = .5 v - .5 * cost.
    assert (
        bh.arbitrate(proposal(value_rok=1.0, alliance_sensitivity=0.0, sigma=0.1), 1)
        == Route.UNILATERAL
    )
    # cost = a*.5*C_f + C_v (sigma >= gray .3) = .25 + .5 -> unilateral .125 < .328
    assert (
        bh.arbitrate(proposal(value_rok=1.0, alliance_sensitivity=1.0, sigma=0.4), 1)
        == Route.BILATERAL
    )
    assert (
        bh.arbitrate(proposal(value_rok=0.0, alliance_sensitivity=0.5, sigma=0.1), 1)
        == Route.SHELVED
    )
    p = proposal(value_rok=1.0, alliance_sensitivity=1.0, sigma=0.4, route=Route.WG)
    assert bh.reconsider(p, 1, first=True) == Route.WG  # resubmitted through its route
    assert bh.reconsider(p, 1, first=False) == Route.SHELVED
    assert (
        bh.reconsider(proposal(value_rok=1.0, alliance_sensitivity=0.0, sigma=0.1), 1, first=True)
        == Route.UNILATERAL
    )


def test_blue_house_learns_from_outcomes():
    m = small_model()
    bh = m.blue_house
    bh.discount, bh.alliance_bar = 0.9, 0.5
    p = proposal(value_rok=1.0, alliance_sensitivity=0.0, sigma=0.1)
    assert bh.arbitrate(p, 1) == Route.UNILATERAL
    for week in range(1, 6):
        bh.dprk_accept.add(week, 0.0)  # the DPRK keeps refusing: going alone is worthless
    assert bh.arbitrate(p, 6) == Route.BILATERAL


# --- the State Department (§2.4) ---------------------------------------------------------


def test_review_defers_when_no_decision_is_taken():
    m = small_model()
    for prob in (0.0, 0.3):
        m.random = Scripted(prob)  # a uniform at or above the decision probability defers
        assert m.state.decide(proposal(), prob, 0.5) == Decision.DEFER
    rnd = random.Random(1)
    m.random = rnd
    assert all(m.state.decide(proposal(), 0.0, 0.5) == Decision.DEFER for _ in range(200))


def test_review_approval_probability_hand_computed():
    m = small_model(us={"perception_noise": 0.0})
    st = m.state
    p = proposal(sigma=0.55)
    # perceived = .55 + .1 * (1 - .7) = .58; z = 10 (.6 - .58) + 2 (.7 - .5) = .6
    prob = logistic(0.6)
    m.random = Scripted(0.0, prob - 1e-6)
    assert st.decide(p, 1.0, 0.0) == Decision.APPROVE
    m.random = Scripted(0.0, prob + 1e-6)
    assert st.decide(p, 1.0, 0.0) == Decision.VETO


def test_review_extremes():
    m = small_model(us={"veto_slope": 50.0, "win_set": 0.9, "perception_noise": 0.0})
    assert all(m.state.decide(proposal(sigma=0.0), 1.0, 1.0) == Decision.APPROVE for _ in range(50))
    m = small_model(us={"veto_slope": 50.0, "win_set": 0.1, "perception_noise": 0.0})
    assert all(m.state.decide(proposal(sigma=0.9), 1.0, 1.0) == Decision.VETO for _ in range(50))


def test_review_approval_rate_matches_the_logistic_with_noise_off():
    m = small_model(us={"perception_noise": 0.5, "perception_bias": 0.0, "initial_trust": 0.5})
    p = proposal(sigma=0.55)
    n = 4000
    approvals = sum(m.state.decide(p, 1.0, 1.0) == Decision.APPROVE for _ in range(n))
    # quality 1 removes the noise: P = logistic(10 (.6 - .55)) = logistic(.5)
    assert approvals / n == pytest.approx(logistic(0.5), abs=0.03)


def test_surprise_lowers_trust_and_raises_sanctions_salience():
    m = small_model()
    m.state.surprised()
    assert m.state.trust == pytest.approx(0.6)
    assert m.state.salience[S] == pytest.approx(0.95)
    for _ in range(20):
        m.state.surprised()
    assert m.state.trust == 0.0 and m.state.salience[S] == 1.0


def test_us_drifts_toward_the_rok():
    m = small_model(us={"drift": 0.1})
    x0 = list(m.state.position)
    pos, wts = effective_position(m.government.actors)
    m.state.drift()
    for d in range(3):
        pi = wts[d] / (wts[d] + 1.0 * m.state.salience[d])
        assert m.state.position[d] == pytest.approx(x0[d] + 0.1 * pi * (pos[d] - x0[d]))
    # E: pi = .78 / (.78 + .5); x_ROK,E = .597 / .78 = .7654
    assert m.state.position[E] == pytest.approx(0.2 + 0.1 * (0.78 / 1.28) * (0.597 / 0.78 - 0.2))


def test_the_us_pull_follows_every_change_of_the_weights_behind_it():
    # drift() uses the pull that aim() computed; it must equal eps pi_ROK for the current
    # weights and US salience after surprises, bargaining and actor shocks alike.
    def fresh(m: WorkingGroupModel) -> list[float]:
        st, wts = m.state, effective_position(m.government.actors)[1]
        out = []
        for d in range(3):
            total = wts[d] + st.clout * st.salience[d]
            out.append(st.params.drift * wts[d] / total if total > 0.0 else 0.0)
        return out

    m = small_model(us={"drift": 0.1})
    assert m.state.pull == fresh(m)
    m.state.surprised()
    assert m.state.pull == fresh(m)
    m.government.bargain(4)
    assert m.state.pull == fresh(m)
    for actor, attribute, dim, value in (
        ("state", "salience", "E", 0.1),
        ("state", "clout", None, 2.0),
        ("mou", "salience", "E", 0.0),
        ("blue_house", "clout", None, 0.0),
    ):
        effect = sc.ActorEffect(
            kind="actor", actor=actor, attribute=attribute, dimension=dim, value=value
        )
        apply_effect(m, effect, 10, "test")
        assert m.state.pull == fresh(m)
    for rok in m.government.actors:  # no weight on any dimension: no pull, and no division by zero
        rok.clout = 0.0
    m.government.refresh()
    assert m.state.pull == [0.0, 0.0, 0.0]


# --- the DPRK (§2.6) ---------------------------------------------------------------------


def test_dprk_mode_follows_the_track_and_provocations():
    m = small_model()
    d = m.dprk
    d.update_mode(1)
    assert d.mode == DprkMode.WEDGE
    d.track_open, d.track_until = True, 5
    d.update_mode(4)
    assert d.mode == DprkMode.ENGAGE
    assert d.update_mode(5)  # the reopened track lapses (the DPRK phase logs it)
    assert not d.track_open and d.mode == DprkMode.WEDGE
    d.frustration = 0.8
    d.provocation(6, "t")
    assert d.mode == DprkMode.COERCE and d.frustration == pytest.approx(0.4)
    d.update_mode(6)
    assert d.mode == DprkMode.COERCE
    d.update_mode(7)
    assert d.mode == DprkMode.WEDGE


def test_dprk_acceptance_hand_computed():
    m = small_model()
    d = m.dprk
    d.track_open = True
    d.update_mode(1)
    p = proposal(value_dprk=0.8)
    # engage: z = -1 + 3 * .8 + 1 = 2.4
    prob = logistic(2.4)
    m.random = Scripted(0.0, prob - 1e-6)
    assert d.respond(p) == Answer.ACCEPT
    m.random = Scripted(0.0, prob + 1e-6)
    assert d.respond(p) == Answer.REJECT
    p.modified = True  # z = 1.4
    m.random = Scripted(0.0, logistic(1.4) + 1e-6)
    assert d.respond(p) == Answer.REJECT
    d.border_closed = True  # P = logistic(1.4) * (1 - .85)
    m.random = Scripted(0.0, logistic(1.4) * 0.15 - 1e-6)
    assert d.respond(p) == Answer.ACCEPT
    m.random = Scripted(0.0, logistic(1.4) * 0.15 + 1e-6)
    assert d.respond(p) == Answer.REJECT


def test_dprk_waits_ignores_or_penalises_small_items_in_wedge_mode():
    m = small_model()
    d = m.dprk
    d.update_mode(1)
    m.random = Scripted(0.5)  # at or above respond_prob .5: not yet
    assert d.respond(proposal(value_dprk=0.9)) == Answer.WAIT
    m.random = Scripted(0.0, 0.49)  # small (w < .5) and ignored with probability .5
    assert d.respond(proposal(value_dprk=0.3)) == Answer.IGNORE
    # not ignored: z = -1 + 3 * .3 - 2 = -2.1 (no engage bonus, wedge penalty)
    m.random = Scripted(0.0, 0.5, logistic(-2.1) - 1e-6)
    assert d.respond(proposal(value_dprk=0.3)) == Answer.ACCEPT
    m.random = Scripted(0.0, 0.5, logistic(-2.1) + 1e-6)
    assert d.respond(proposal(value_dprk=0.3)) == Answer.REJECT
    # big items are never ignored: z = -1 + 3 * .6 = .8
    m.random = Scripted(0.0, logistic(0.8) - 1e-6)
    assert d.respond(proposal(value_dprk=0.6)) == Answer.ACCEPT


def test_denunciation_probability_hand_computed():
    m = small_model(dprk={"denunciation_rate": 0.1})
    d = m.dprk
    d.update_mode(1)  # wedge
    d.frustration = 0.5
    # rate = .1 * 2 * (1 + .5) * (1 + .5) = .45; P = 1 - exp(-.45)
    prob = 1 - math.exp(-0.45)
    m.random = Scripted(prob - 1e-6)
    assert d.denounces(2.0)
    m.random = Scripted(prob + 1e-6)
    assert not d.denounces(2.0)
    d.track_open = True
    d.update_mode(2)  # engage: no wedge boost, P = 1 - exp(-.3)
    m.random = Scripted(1 - math.exp(-0.3) + 1e-6)
    assert not d.denounces(2.0)
    m.random = Scripted(0.0)
    assert not d.denounces(0.0)


def test_frustration_is_an_average_of_undelivered_pledges():
    m = small_model()
    d = m.dprk
    d.update_frustration(10, 4)
    assert d.frustration == pytest.approx(0.05 * 0.6)
    d.update_frustration(0, 0)
    assert d.frustration == pytest.approx(0.95 * 0.05 * 0.6)
    d.update_frustration(2, 5)  # over-delivery is no negative frustration
    assert d.frustration == pytest.approx(0.95 * 0.95 * 0.05 * 0.6)


def test_denuclearization_progress_and_provocation():
    m = small_model(dprk={"dpi_rate": 0.1, "sequencing_tolerance": 1.0})
    d = m.dprk
    d.progress(us_q=0.9)
    assert d.dpi == 0.0  # track closed
    d.track_open = True
    d.update_mode(1)
    d.progress(us_q=0.9)  # fit = 1 - |.9 - .9| / 1 = 1; trust .5
    assert d.dpi == pytest.approx(0.05)
    d.progress(us_q=0.4)  # fit = .5
    assert d.dpi == pytest.approx(0.05 + 0.1 * 0.5 * 0.5 * 0.95)
    before = d.dpi
    d.progress(us_q=-0.2)  # gap 1.1 beyond tolerance: no progress
    assert d.dpi == pytest.approx(before)
    d.provocation(2, "t")
    d.progress(us_q=0.9)
    assert d.dpi == pytest.approx(before + 0.1 * 0.5 * (1 - before) - 0.05)
    d.dpi = 0.01
    d.provocation(3, "t")
    d.track_open = False
    d.progress(us_q=0.9)
    assert d.dpi == 0.0


# --- the UN 1718 Committee (§2.4) -------------------------------------------------------


def test_un_lag_and_approval_hand_computed():
    m = small_model(un={"lag_cosponsored_weeks": 4.0, "approval_cosponsored": 0.9})
    p = proposal(sigma=0.9)
    m.random = Scripted(0.5)  # lag = 0 + ceil(log .5 / log .8) - 1 = 3
    m.un.submit(p, 10, cosponsored=True)
    assert p.status == Status.UN_PENDING and p.un_cosponsored and p.t_un_submit == 10
    m.un.decide(12)
    assert p.status == Status.UN_PENDING and p.t_un == -1
    m.random = Scripted(0.89)
    m.un.decide(13)  # exempted and offered to the DPRK
    assert p.exempted and p.t_un == 13 and p.status == Status.DPRK_PENDING
    assert m.dprk.offers == [p] and m.un.due == {}
    q = proposal(id=2, sigma=0.9)
    m.random = Scripted(0.0)
    m.un.submit(q, 1, cosponsored=False)  # lag = m_std + 0 = 1
    m.random = Scripted(0.6)  # at the standard approval probability: rejected
    m.un.decide(2)
    assert q.status == Status.UN_REJECTED and q.t_done == 2 and not q.un_cosponsored
    assert not q.exempted and m.dprk.offers == [p]


def test_a_cosponsored_request_can_be_decided_in_the_week_it_is_filed():
    # T12: the committee exempted three days after the WG meeting that settled the item
    m = small_model(un={"lag_cosponsored_weeks": 0.0, "min_lag_cosponsored_weeks": 0})
    p = proposal(sigma=0.9)
    m.un.submit(p, 10, cosponsored=True)
    assert 10 in m.un.due
    m = small_model(un={"lag_cosponsored_weeks": 0.0, "min_lag_cosponsored_weeks": 2})
    m.un.submit(p, 10, cosponsored=True)
    assert list(m.un.due) == [12]


def test_un_mean_lags():
    m = small_model(un={"lag_standard_weeks": 10.0, "lag_cosponsored_weeks": 3.0})
    for cosponsored, mean in ((False, 1 + 10.0), (True, 0 + 3.0)):  # m + l
        m.un.due.clear()
        for i in range(4000):
            m.un.submit(proposal(id=i), 0, cosponsored=cosponsored)
        lags = [week for week, items in m.un.due.items() for _ in items]
        assert statistics.fmean(lags) == pytest.approx(mean, rel=0.05)


def test_un_approval_rates():
    m = small_model(un={"approval_standard": 0.6, "approval_cosponsored": 1.0})
    for i in range(3000):
        m.un.submit(proposal(id=i), 0, cosponsored=i % 2 == 0)
    requests = [p for items in m.un.due.values() for p in items]
    for week in sorted(m.un.due):
        m.un.decide(week)
    co = [p.exempted for p in requests if p.un_cosponsored]
    std = [p.exempted for p in requests if not p.un_cosponsored]
    assert all(co) and statistics.fmean(std) == pytest.approx(0.6, abs=0.04)


# --- shocks: every effect kind ----------------------------------------------------------


def kinds(m: WorkingGroupModel) -> list[str]:
    return [e[1] for e in m.events]


def test_track_effect_opens_closes_and_lapses():
    m = small_model()
    apply_effect(m, sc.TrackEffect(kind="track", open=True, close_after_weeks=3), 5, "t")
    assert m.dprk.track_open and kinds(m)[-1] == "track_opened"
    m.dprk.update_mode(7)
    assert m.dprk.track_open and m.dprk.mode == DprkMode.ENGAGE
    m.event_log.week = 8
    m.dprk.act(8)  # the DPRK's move: the track lapses, and the log says so
    assert not m.dprk.track_open
    assert m.events[-1][:3] == (8, "track_closed", "DPRK")
    apply_effect(m, sc.TrackEffect(kind="track", open=True), 9, "t")
    m.dprk.update_mode(200)
    assert m.dprk.track_open  # no lapse without close_after_weeks
    apply_effect(m, sc.TrackEffect(kind="track", open=False), 10, "closed")
    assert not m.dprk.track_open and m.events[-1][1:] == (
        "track_closed",
        "DPRK",
        0,
        "",
        "",
        "closed",
    )


def test_summit_effect_surges_and_deals_only_on_a_small_gap():
    m = small_model(dprk={"deal_tolerance": 1.0})
    apply_effect(m, sc.SummitEffect(kind="summit", deal_possible=True), 5, "s")
    assert m.government.surge_until == 5 + 8 - 1
    assert m.dprk.dpi == pytest.approx(0.2) and kinds(m)[-1] == "summit_deal"
    m = small_model(dprk={"deal_tolerance": 1.0})
    apply_effect(m, sc.SummitEffect(kind="summit", deal_possible=False), 5, "s")
    assert m.dprk.dpi == 0.0 and "summit_deal" not in kinds(m)
    m = small_model(dprk={"deal_tolerance": 0.5})  # US Q .1 vs DPRK .9: gap .8
    apply_effect(m, sc.SummitEffect(kind="summit", deal_possible=True), 5, "s")
    assert m.dprk.dpi == 0.0


def test_proposals_effect_creates_named_items():
    m = small_model()
    items = [
        sc.NewProposal(type="INFRA", label="railway", sanction_load=0.7, value_rok=0.9),
        sc.NewProposal(type="ECON", label="Kaesong", origin="DPRK"),
    ]
    apply_effect(m, sc.ProposalsEffect(kind="proposals", items=items), 5, "p")
    rail, kaesong = m.proposals[-2:]
    assert (rail.label, rail.type, rail.origin, rail.sigma, rail.value_rok) == (
        "railway",
        "INFRA",
        "BH",
        0.7,
        0.9,
    )
    assert rail.t_created == 5 and rail.sigma0 == 0.7
    assert kaesong.origin == "DPRK" and kaesong.sigma == 0.9 and kaesong.alliance_sensitivity == 0.6
    assert kaesong.id == rail.id + 1
    assert [e[1] for e in m.events[-2:]] == ["created", "created"]
    assert m.events[-1][3:5] == (kaesong.id, "ECON") and m.events[-1][6] == "Kaesong"


def test_win_set_border_and_pressure_effects():
    m = small_model()
    apply_effect(m, sc.WinSetEffect(kind="win_set", scale=0.75), 5, "h")
    assert m.state.win_set == pytest.approx(0.45)
    apply_effect(m, sc.BorderEffect(kind="border", closed=True), 5, "b")
    assert m.dprk.border_closed
    apply_effect(m, sc.BorderEffect(kind="border", closed=False), 6, "b")
    assert not m.dprk.border_closed
    apply_effect(m, sc.DomesticPressureEffect(kind="domestic_pressure", delta=0.2), 5, "d")
    assert m.government.pressure == pytest.approx(0.5)
    apply_effect(m, sc.DomesticPressureEffect(kind="domestic_pressure", delta=-2.0), 5, "d")
    assert m.government.pressure == 0.0


def test_us_consent_effect_sets_consent_without_a_window():
    m = small_model()
    before = len(m.events)
    effect = sc.UsConsentEffect(kind="us_consent", value=0.8)
    apply_effect(m, effect, 5, "review done")
    assert m.state.consent == pytest.approx(0.8)
    assert m.events[before:] == []  # no WG: consent to end it is no event
    m.wg.establish(5, "t")
    assert [e[1] for e in m.events[before:]] == ["wg_created"]
    apply_effect(m, effect, 6, "review done")
    assert [e[1] for e in m.events[before + 1 :]] == ["us_consent_changed"]
    assert "review done" in m.events[-1][6]


def test_actor_effects_set_each_attribute():
    m = small_model()

    def actor(**kw):
        apply_effect(m, sc.ActorEffect(kind="actor", **kw), 5, "a")

    actor(actor="mou", attribute="clout", value=0.35)
    actor(actor="mou", attribute="position", dimension="E", value=0.95)
    actor(actor="blue_house", attribute="salience", dimension="Q", value=0.1)
    actor(actor="mofa", attribute="patience_weeks", value=20.0)
    actor(actor="state", attribute="position", dimension="S", value=0.5)
    assert m.mou.clout == 0.35 and m.mou.position == [0.3, 0.95, 0.7]
    assert m.blue_house.salience == [0.5, 0.9, 0.1]
    assert m.mofa.patience_weeks == 20.0
    assert m.state.position[S] == 0.5
    assert m.parameters.actors.mou.clout == 0.2  # the scenario itself is untouched


def test_actor_effects_reach_the_rok_effective_position_at_once():
    shock = {
        "date": "2018-06-18",  # week 2; bargaining rounds fall on weeks 4, 8, ...
        "name": "a hawkish Blue House",
        "effects": [
            {"kind": "actor", "actor": "blue_house", "attribute": "clout", "value": 5.0},
            {
                "kind": "actor",
                "actor": "blue_house",
                "attribute": "position",
                "dimension": "E",
                "value": 0.0,
            },
        ],
    }
    m = WorkingGroupModel(build_scenario({"shocks": [shock]}), rng=0)
    m.run_until(3)
    x_rok = [row[9] for row in m.series]
    # (5 * .9 * 0 + .3 * .5 * .5 + .2 * .9 * .9) / (4.5 + .15 + .18)
    expected = (0.075 + 0.162) / 4.83
    assert x_rok[0] == pytest.approx(0.597 / 0.78)
    assert x_rok[1] == pytest.approx(expected) and x_rok[2] == pytest.approx(expected)


def test_leadership_window_effect():
    m = small_model()
    apply_effect(m, sc.LeadershipWindowEffect(kind="leadership_window"), 5, "w")
    assert m.state.consent == 0.1 and "window_opened" not in kinds(m)
    assert not m.wg.in_window(5)  # no active WG: nothing to review, nothing logged
    m.wg.establish(5, "t")
    apply_effect(m, sc.LeadershipWindowEffect(kind="leadership_window", us_consent=0.8), 6, "w")
    assert m.state.consent == 0.8
    assert m.wg.in_window(6) and m.wg.in_window(11) and not m.wg.in_window(12)


def test_provocation_effect():
    m = small_model()
    m.wg.establish(1, "t")
    m.dprk.frustration = 0.6
    apply_effect(m, sc.ProvocationEffect(kind="provocation"), 6, "x")
    assert m.dprk.mode == DprkMode.COERCE and m.dprk.frustration == pytest.approx(0.3)
    assert kinds(m)[-2:] == ["provocation", "window_opened"]
    assert m.wg.in_window(9) and not m.wg.in_window(10)  # provocation_window_weeks = 4


# --- routing through the model (§2.4) ----------------------------------------------------


def first_routes(m: WorkingGroupModel) -> dict[int, str]:
    out: dict[int, str] = {}
    for e in m.events:
        if e[1] == "routed" and e[3] not in out:
            out[e[3]] = e[5]
    return out


def test_with_full_scope_every_item_goes_to_the_group():
    m = WorkingGroupModel(
        build_scenario(
            {
                "working_group": {"scope": 1.0, "agreed_on": "2018-06-11"},
                "rok": {"violation_prob": 0.0},
            }
        ),
        rng=3,
    )
    m.run_until(60)
    routes = first_routes(m)
    assert len(routes) > 10 and set(routes.values()) == {"wg"}


def test_without_the_group_sanctioned_items_go_to_a_channel():
    m = WorkingGroupModel(
        build_scenario(
            {
                "working_group": {"establishment": "never", "agreed_on": None},
                "rok": {"violation_prob": 0.0},
            }
        ),
        rng=3,
    )
    m.run_until(60)
    routes = first_routes(m)
    sanctioned = [p for p in m.proposals if p.sigma0 >= 0.5]
    assert sanctioned and all(routes[p.id] == "bilateral" for p in sanctioned)
    assert "wg" not in routes.values()
