"""The rules revised for the fit of issue 17 on hand-made cases: the DPRK's turn from
Seoul after the first breakdown, the reach of an envoy channel, and legitimacy losses in
proportion to the legitimacy left."""

from __future__ import annotations

import pytest

from sim import scenario as sc
from sim.core.agents import Answer, DprkMode, logistic
from sim.core.channels import BilateralChannel
from sim.core.proposals import Route
from sim.core.working_group import legitimacy_step
from tests.test_rules import Scripted, proposal, small_model

ZERO = dict(approved_value=0.0, overdue=0, vetoes=0, denunciations=0, pressure=0.0, challenges=0)


def test_the_first_breakdown_turns_the_dprk_from_every_rok_offer():
    m = small_model(dprk={"accept_turn_penalty": 1.5})
    d = m.dprk
    d.track_open = True
    d.update_mode(1)
    p = proposal(value_dprk=0.8)
    # engage, before any breakdown: z = -1 + 3 * .8 + 1 = 2.4
    m.random = Scripted(0.0, logistic(2.4) - 1e-6)
    assert d.respond(p) == Answer.ACCEPT
    m.dprk.breakdown("Hanoi")
    assert d.turned
    # the track reopens (Panmunjom): engage again, but the turn stays: z = 2.4 - 1.5 = .9
    d.track_open = True
    d.update_mode(2)
    assert d.mode == DprkMode.ENGAGE
    m.random = Scripted(0.0, logistic(0.9) - 1e-6)
    assert d.respond(p) == Answer.ACCEPT
    m.random = Scripted(0.0, logistic(0.9) + 1e-6)
    assert d.respond(p) == Answer.REJECT
    # big items too, in wedge mode: z = -1 + 3 * .8 - 1.5 = -.1
    d.track_open = False
    d.update_mode(3)
    m.random = Scripted(0.0, logistic(-0.1) + 1e-6)
    assert d.respond(p) == Answer.REJECT


def test_the_turn_is_pyongyang_s_not_the_working_group_s():
    m = small_model(working_group={"establishment": "never", "agreed_on": None})
    assert not m.dprk.turned
    m.dprk.breakdown("Hanoi")
    assert m.dprk.turned and m.dprk.grievance == 0.0  # no WG, no occasion


def _channel(reach: float) -> BilateralChannel:
    return BilateralChannel(
        sc.Channel(name="Lee-Biegun", contacts_per_week=1.0, via_nsc=False, reach=reach)
    )


def test_an_envoy_contact_informs_state_only_with_the_channel_s_reach():
    m = small_model()
    contacts, info = m.contacts, m.information
    q0 = info.quality
    m.random = Scripted(0.41)
    contacts.contact(_channel(0.4), 3)  # .41 >= .4: the talk stays with the envoy
    assert info.quality == q0
    assert m.event_log.rows[-1][1] == "contact" and "not passed on" in m.event_log.rows[-1][6]
    m.random = Scripted(0.39)
    contacts.contact(_channel(0.4), 3)
    assert info.quality == pytest.approx(q0 + info.params.learning * (1.0 - q0))


def test_a_full_reach_channel_draws_nothing_and_a_blocked_one_clears_nothing():
    m = small_model()
    contacts = m.contacts
    m.random = rnd = Scripted(0.99)
    contacts.contact(_channel(1.0), 3)
    assert rnd.calls == 0  # reach 1 is the minister-level channel of before
    item = proposal(sigma=0.1, route=Route.BILATERAL)
    contacts.queue.append(item)
    m.random = Scripted(0.99)
    contacts.contact(_channel(0.0), 4)
    assert contacts.queue == [item]  # no NSC clearance off an envoy channel
    assert not item.us_informed


def test_legitimacy_losses_are_shares_of_what_is_left():
    lp = sc.Legitimacy(reversion=0.0)
    crit = {**ZERO, "challenges": 1}  # eta_c = .05 of L
    high, _, loss_high = legitimacy_step(lp, 0.6, **crit)
    low, _, loss_low = legitimacy_step(lp, 0.3, **crit)
    assert loss_high == pytest.approx(0.03) and loss_low == pytest.approx(0.015)
    assert high == pytest.approx(0.57) and low == pytest.approx(0.285)
    # shares above 1 take at most all of L
    assert legitimacy_step(lp, 0.3, **{**ZERO, "overdue": 2000})[2] == pytest.approx(0.3)
    # a run of criticism wears L down but does not pin it at 0
    level = 0.6
    for _ in range(40):
        level = legitimacy_step(lp, level, **{**ZERO, "challenges": 2})[0]
    assert 0.0 < level == pytest.approx(0.6 * 0.9**40)
