"""Phases 6-8 of the week: UN decisions, the DPRK's answers, implementation and friction.

The UN 1718 Committee decides exemption requests; the DPRK answers offers, denounces the
WG and provokes (Crawford 2011: wedge strategies); implemented items the US was not told
of may surprise it (Snyder: entrapment); stuck items stall; overdue WG items may become
public disputes [S002, S003].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.agents import Dprk, DprkMode, Q
from sim.core.phases import consultation
from sim.core.proposals import TERMINAL, Proposal, Route, Status

if TYPE_CHECKING:
    from sim.core.model import WorkingGroupModel

_US_REVIEW = Status.US_REVIEW
_STALLABLE = frozenset({Status.US_REVIEW, Status.DPRK_PENDING})
_WG = Route.WG
_COERCE = DprkMode.COERCE


def _without_terminal(queue: list[Proposal]) -> list[Proposal]:
    """``queue`` itself if no item in it is terminal, else a copy without those items."""
    # Queues hold one or two items most weeks: a plain loop that stops at the first
    # terminal item beats building a C-level map pass (0.30 µs a call for one item).
    for p in queue:
        if p.status in TERMINAL:
            return [p for p in queue if p.status not in TERMINAL]
    return queue


def un_phase(m: WorkingGroupModel, week: int) -> None:
    """Phase 6: the UN 1718 Committee's decisions due this week."""
    for p, ok in m.un.decide(week):
        p.t_un = week
        if ok:
            p.exempted = True
            m.log("un_approved", "UN 1718", p, "co-sponsored" if p.un_cosponsored else "")
            consultation.to_dprk(m, p)
        else:
            p.status = Status.UN_REJECTED
            p.t_done = week
            m.log("un_rejected", "UN 1718", p)


def dprk_phase(m: WorkingGroupModel, week: int) -> None:
    """Phase 7: the DPRK's mode, answers to offers, denunciation and progress."""
    dprk = m.dprk
    dprk.update_mode(week)
    d = m.params.dprk
    if d.endogenous_provocation and dprk.frustration > d.frustration_threshold:
        m.provocation(week, "frustration with undelivered pledges")
    if m.dprk_pending:
        _answer_offers(m, dprk, week)
    if m.wg.active and dprk.denounces(visibility(m, week)):
        m.last_denunciation_week = week
        m.wk_den += 1
        m.log("denunciation", "DPRK", detail="denounces the working group")
    if dprk.track_open or dprk.mode == _COERCE:  # otherwise the DPI stays as it is
        dprk.progress(m.state.position[Q])


def _answer_offers(m: WorkingGroupModel, dprk: Dprk, week: int) -> None:
    """The DPRK's answers to the pending offers; unanswered ones stay pending."""
    accept = m.blue_house.dprk_accept
    keep = []
    for p in m.dprk_pending:
        if p.status in TERMINAL:
            continue
        answer = dprk.respond(p)
        if answer == 2:
            keep.append(p)
            continue
        p.t_dprk = week
        accept.add(week, 1.0 if answer == 1 else 0.0)
        if answer == 1:
            m.accepted.append(p)
            m.log("dprk_accepted", "DPRK", p)
        else:
            p.status = Status.DPRK_REJECTED if answer == -1 else Status.STALLED
            p.t_done = week
            m.log("dprk_rejected" if answer == -1 else "dprk_ignored", "DPRK", p)
    m.dprk_pending = keep


def visibility(m: WorkingGroupModel, week: int) -> float:
    """V_WG: high just after launch, then grows with recent WG vetoes and deferrals."""
    d = m.params.dprk
    if week < m.wg.created_week + d.visibility_launch_weeks:
        return d.visibility_launch
    # WG vetoes and deferrals of the visibility_window_weeks weeks before this one.
    return d.visibility_base + d.visibility_per_item * m.recent_flags.upto(week)


def implementation_phase(m: WorkingGroupModel, week: int) -> None:
    """Phase 8: accepted items are implemented (surprise check); then the weekly sweep."""
    if m.accepted:
        for p in m.accepted:
            p.status = Status.IMPLEMENTED
            p.t_done = week
            m.delivered_per_week[week] += 1
            m.log("implemented", "Blue House" if p.origin == "BH" else "MOU", p)
            if p.a > 0.0 and not p.us_informed and not p.surprised:
                detect(m, p, week)
        m.accepted.clear()
    sweep(m, week)


def detect(m: WorkingGroupModel, p: Proposal, week: int) -> None:
    """US-side friction: an undisclosed alliance-sensitive move surprises w.p. a(1-q).

    Checked when the Blue House announces going ahead alone and when an item is
    implemented; an item surprises the US at most once.
    """
    detected = m.random.random() < p.a * (1.0 - m.info_quality)
    if p.route == Route.UNILATERAL:
        m.blue_house.detection.add(week, 1.0 if detected else 0.0)
    if detected:
        p.surprised = True
        m.state.surprised()
        m.log("surprise", "State", p, f"the US was not told of '{p.label}'")


def sweep(m: WorkingGroupModel, week: int) -> None:
    """Stall items stuck too long; count overdue WG items and the MOU's backlog."""
    stall = m.params.proposals.stall_weeks
    patience = m.mou.patience_weeks
    overdue = backlog = 0
    keep = []
    for p in m.in_flight:
        status = p.status
        if status in TERMINAL:
            continue
        age = week - p.t_routed
        if age > stall and status in _STALLABLE:
            p.status = Status.STALLED
            p.t_done = week
            m.log("stalled", "Blue House", p, f"no resolution after {age} weeks")
            continue
        keep.append(p)
        if age > patience:
            if p.origin != "BH":
                backlog += 1
            if status == _US_REVIEW and p.route == _WG:
                overdue += 1
                if not p.dispute_checked and p.sigma < m.un_threshold:
                    consultation.check_dispute(m, p, f"pending {age} weeks in the WG")
    m.in_flight = keep
    # Stalled items leave the queues, so they neither count toward an ad hoc meeting
    # (queue_trigger) nor get reviewed.
    wg, dg = m.wg, m.dg
    if wg.queue:
        wg.queue = _without_terminal(wg.queue)
    if m.bilateral_queue:
        m.bilateral_queue = _without_terminal(m.bilateral_queue)
    if dg.queue:
        dg.queue = _without_terminal(dg.queue)
    m.mou.backlog = backlog
    m.overdue = overdue
