"""Phase 9 of the week: trust, frustration, WG legitimacy, reform and termination.

Legitimacy follows MECHANISMS §2.7 (Eilstrup-Sangiovanni: shocks and leadership windows
end weak institutions); termination needs US consent [S002]; DG-level talks follow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.channels import WgPhase, legitimacy_step
from sim.core.proposals import Route

if TYPE_CHECKING:
    from sim.core.model import WorkingGroupModel


def institutions_phase(m: WorkingGroupModel, week: int) -> None:
    """Phase 9: trust recovery, frustration, legitimacy, windows, creation."""
    st = m.state
    st.trust += st.trust_recovery * (st.trust0 - st.trust)
    r = m.params.rok
    m.rok_trust += r.trust_recovery * (r.initial_trust - m.rok_trust)
    # Pledges and deliveries of the last frustration_window_weeks weeks, this one included.
    m.dprk.update_frustration(m.recent_created.upto(week + 1), m.recent_delivered.upto(week + 1))
    wg = m.wg
    if wg.active:
        legitimacy(m, week)
        review_wg(m, week)
    elif (
        wg.phase == WgPhase.ABSENT
        and m.params.working_group.establishment == "endogenous"
        and m.logged["surprise"] >= m.params.working_group.surprises_to_create
    ):
        m.establish(week, f"the US demands a working group after {m.logged['surprise']} surprises")
    m.wg_flags_per_week[week] = m.wk_flags
    m.reset_week()


def legitimacy(m: WorkingGroupModel, week: int) -> None:
    """One week of WG legitimacy, with ruling-party criticism below its threshold."""
    wg, lp = m.wg, m.params.legitimacy
    if wg.legitimacy < lp.criticism_threshold and m.random.random() < lp.criticism_prob:
        m.wk_ch += 1
        m.log("criticism", "ruling party", detail="calls the WG an obstacle to exchanges")
    wg.legitimacy, den_loss, losses = legitimacy_step(
        lp,
        wg.legitimacy,
        approved_value=m.wk_value,
        overdue=m.overdue,
        vetoes=m.wk_vetoes,
        denunciations=m.wk_den,
        pressure=m.pressure,
        challenges=m.wk_ch,
    )
    m.loss_denunciation += den_loss
    m.loss_total += losses


def review_wg(m: WorkingGroupModel, week: int) -> None:
    """At a window: terminate (with US consent) below theta_L, reform below theta_reform."""
    wg, lp = m.wg, m.params.legitimacy
    can_end = m.params.working_group.can_terminate
    level = wg.legitimacy
    rnd = m.random
    if wg.in_window(week):
        if wg.window_used or level >= lp.reform_threshold:
            return
        wg.window_used = True
        if level < lp.termination_threshold and can_end:
            if rnd.random() < m.state.consent:
                terminate(m, week, "ended at a leadership window with US consent")
            else:
                m.log("termination_refused", "State", detail="the US withholds consent")
            return
        wg.reform()
        m.log("wg_reformed", "WG", detail="operations readjusted at a leadership window")
    elif can_end and level < lp.termination_threshold:
        hazard = lp.hazard * (lp.termination_threshold - level) * m.state.consent
        if rnd.random() < hazard:
            terminate(m, week, "ended between windows")


def terminate(m: WorkingGroupModel, week: int, why: str) -> None:
    """End the WG, start DG-level talks and re-route its queue."""
    left = m.wg.terminate(week)
    m.log("wg_terminated", "WG", detail=why)
    if m.dg.enabled:
        m.dg.start(week)
        m.log("dg_talks_started", "DG talks", detail="director-general-level consultations")
    for p in left:
        if p.terminal:
            continue
        sanctioned = p.sigma >= m.un_threshold
        m.send(p, Route.DG if sanctioned and m.dg.active else Route.BILATERAL, week)
