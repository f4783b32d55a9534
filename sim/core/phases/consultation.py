"""Phase 5 of the week: consultation through the WG, DG talks and ad hoc channels.

The working group (WG) is Keohane's information-supplying institution and Tsebelis's
added veto point at once: its meetings disclose every pending ROK item to the US, raise
information quality, jointly vet items and co-sponsor UN exemption requests [S001, S004].
Without it, ad hoc contacts disclose partially (Crawford–Sobel) and NSC channels may clear
items State never hears of [S001]. These functions act on the model's state; the model's
weekly schedule calls :func:`channels_phase`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.agents import Decision, E
from sim.core.channels import BilateralChannel
from sim.core.proposals import TERMINAL, Proposal, Route, Status, pick, poisson

if TYPE_CHECKING:
    from sim.core.model import WorkingGroupModel

_UNILATERAL = Route.UNILATERAL


def channels_phase(m: WorkingGroupModel, week: int) -> None:
    """Phase 5: a WG meeting and DG talks when due, ad hoc contacts, information decay."""
    wg = m.wg
    if wg.active and wg.meeting_due(week):
        wg_meeting(m, week)
    dg = m.dg
    if dg.active and dg.meeting_due(week):
        dg_meeting(m, week)
    # Contacts: one Poisson count at the channels' summed rate, each contact then on a
    # channel chosen in proportion to its rate (same distribution as one count each).
    rnd = m.random
    rate = m.contact_rate
    n = poisson(rnd, rate)
    if n:
        edges = m.contact_edges
        for _ in range(n):
            contact(m, pick(edges, rnd.random() * rate), week)
    m.info_quality *= m.info_retention  # 1 - information.decay


def learn(m: WorkingGroupModel) -> None:
    """A contact or meeting that reaches State: q <- q + eta_q (1 - q)."""
    m.info_quality += m.info_learning * (1.0 - m.info_quality)


def consulted(m: WorkingGroupModel) -> None:
    """After a consultation the US drifts toward the ROK (BDM compromise)."""
    m.state.drift(m.rok_position)


def wg_meeting(m: WorkingGroupModel, week: int) -> None:
    """A WG meeting: disclose every pending ROK item, learn, vet new items, review the queue."""
    wg = m.wg
    wg.meetings += 1
    if wg.met_week < 0:
        wg.met_week = week
    wg.last_meeting = week
    m.log("wg_meeting", "WG", detail=f"{len(wg.queue)} items on the table")
    learn(m)
    for p in m.in_flight:  # joint item lists: every queued ROK item is disclosed
        p.us_informed = True
    items, wg.queue = wg.queue, []
    spec = m.params.working_group
    for p in items:
        if not p.vetted and not p.terminal:
            p.vetted = True
            p.sigma *= 1.0 - spec.vetting_strength
            p.w *= 1.0 - spec.vetting_value_loss
    review(m, items, m.params.us.decision_prob_wg, wg.queue, True, week, True)
    consulted(m)


def dg_meeting(m: WorkingGroupModel, week: int) -> None:
    """A director-general-level meeting: review its queue (sanctioned items, no vetting)."""
    dg = m.dg
    dg.last_meeting = week
    m.log("dg_meeting", "DG talks", detail=f"{len(dg.queue)} items on the table")
    learn(m)
    items, dg.queue = dg.queue, []
    for p in items:
        p.us_informed = True
    review(m, items, m.params.us.decision_prob_wg, dg.queue, dg.cosponsor, week, False)
    consulted(m)


def contact(m: WorkingGroupModel, ch: BilateralChannel, week: int) -> None:
    """An ad hoc contact: partial disclosure, learning and review if it reaches State."""
    # Each contact's log row is written here, not by m.log: the hottest path of a run (a
    # few hundred contacts). The channel counts them (see WorkingGroupModel.event_counts).
    ch.contacts += 1
    reached = not ch.via_nsc or m.random.random() < m.nsc_passthrough  # reached State
    if m.record_events:
        detail = "" if reached else "not passed on to State"
        m.events.append((week, "contact", ch.name, 0, "", "", detail))
    if not reached:
        nsc_clearance(m, ch)
        return
    m.info_quality += m.info_learning * (1.0 - m.info_quality)
    if m.dprk_pending:
        psi = m.disclosure * (1.0 - abs(m.rok_position[E] - m.state.position[E]))
        rnd = m.random
        for p in m.dprk_pending:
            if not p.us_informed and p.route == _UNILATERAL and rnd.random() < psi:
                p.us_informed = True
                m.log("disclosed", ch.name, p)
    if m.bilateral_queue:
        items, m.bilateral_queue = m.bilateral_queue, []
        for p in items:
            p.us_informed = True
        prob = m.params.us.decision_prob_adhoc
        review(m, items, prob, m.bilateral_queue, False, week, False)
    m.state.drift(m.rok_position)  # consulted(m), written out


def nsc_clearance(m: WorkingGroupModel, ch: BilateralChannel) -> None:
    """The White House raises no objection but State never hears of it [S001].

    Non-sanctioned items consulted on an NSC channel that does not pass them on go
    ahead uninformed: Seoul believes it coordinated, State may be surprised (Pompeo's
    protest over the military agreement: "check internally on your side").
    """
    keep = []
    for p in m.bilateral_queue:
        if p.sigma < m.un_threshold and not p.us_informed and not p.terminal:
            m.log("nsc_cleared", ch.name, p, "cleared by the NSC; State not told")
            to_dprk(m, p)
        else:
            keep.append(p)
    m.bilateral_queue = keep


def review(
    m: WorkingGroupModel,
    items: list[Proposal],
    prob: float,
    requeue: list[Proposal],
    cosponsor: bool,
    week: int,
    via_wg: bool,
) -> None:
    """US review of consulted items: defer (requeue), approve (UN or DPRK) or veto."""
    q = m.info_quality
    bh = m.blue_house
    us_review = m.state.review
    for p in items:
        if p.status in TERMINAL:
            continue
        decision = us_review(p, prob, q)
        if decision == Decision.DEFER:
            p.n_deferrals += 1
            requeue.append(p)
            m.log("deferred", "State", p)
            m.wk_flags += via_wg
            continue
        p.t_us = week
        bh.lag.add(week, week - p.t_routed)
        if decision == Decision.APPROVE:
            bh.approval.add(week, 1.0)
            m.log("approved", "State", p)
            if via_wg:
                m.wk_value += p.v
            if p.sigma >= m.un_threshold:
                m.un.submit(p, week, cosponsor)
                m.log("un_submitted", "UN 1718", p, "co-sponsored" if cosponsor else "")
            else:
                to_dprk(m, p)
        else:
            bh.approval.add(week, 0.0)
            m.log("vetoed", "State", p)
            if via_wg:
                p.wg_attributed = True
                m.wk_vetoes += 1
                m.wk_flags += 1
                if p.sigma < m.un_threshold and not p.dispute_checked:
                    check_dispute(m, p, "vetoed through the WG")
            after_veto(m, p, week)


def after_veto(m: WorkingGroupModel, p: Proposal, week: int) -> None:
    """A vetoed item: sanctioned ones end; others are modified, go alone or are dropped."""
    if p.sigma >= m.un_threshold:
        p.status = Status.VETOED
        p.t_done = week
        return
    first = not p.modified
    if first:
        spec = m.params.proposals
        p.modified = True
        p.sigma *= 1.0 - spec.modify_sanction_cut
        p.v *= 1.0 - spec.modify_value_loss
    route = m.blue_house.after_veto(p, week, first)
    if route == Route.SHELVED:
        p.status = Status.VETOED
        p.t_done = week
        m.log("shelved", "Blue House", p, "after a US veto")
        return
    if route != Route.UNILATERAL:
        m.log("modified", "Blue House", p, "resubmitted after a US veto")
    m.send(p, route, week)


def to_dprk(m: WorkingGroupModel, p: Proposal) -> None:
    """Offer ``p`` to the DPRK."""
    p.status = Status.DPRK_PENDING
    m.dprk_pending.append(p)


def check_dispute(m: WorkingGroupModel, p: Proposal, why: str) -> None:
    """ROK-side friction: an overdue or vetoed WG item may become a public dispute."""
    p.dispute_checked = True
    if m.random.random() < m.params.rok.dispute_prob:
        m.rok_trust = max(0.0, m.rok_trust - m.params.rok.trust_loss_dispute)
        m.log("dispute", "MOU", p, f"public dispute over 'interference': {why}")
