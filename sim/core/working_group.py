"""The US–ROK working group: its meetings, its legitimacy, its review, its life and end.

The working group (WG) is Keohane's information-supplying institution and Tsebelis's
added veto point at once: its meetings disclose every pending ROK item to the US, raise
information quality, jointly vet items (less sanctions risk, less value to the DPRK) and
co-sponsor UN exemption requests [S001, S004] (docs/model.md §7, WG meetings).
Legitimacy follows ODD §7 (Eilstrup-Sangiovanni: shocks and leadership windows end weak
institutions); termination needs US consent [S002]; DG-level talks follow. A scenario may
let the WG be created when the ROK proposes it after repeated surprises [S001].
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import mesa

from sim.core.proposals import Proposal, Route
from sim.scenario import Legitimacy, WorkingGroupParams


class WgPhase(IntEnum):
    """Life stage of the working group."""

    ABSENT = 0
    ACTIVE = 1
    TERMINATED = 2


def legitimacy_step(
    lp: Legitimacy,
    level: float,
    *,
    approved_value: float,
    overdue: int,
    vetoes: int,
    denunciations: int,
    pressure: float,
    challenges: int,
) -> tuple[float, float, float]:
    """One week of WG legitimacy (docs/model.md §7, Legitimacy and termination).

    ``L' = L + eta_a*sum(v) - L*min(1, eta_d*B + eta_v*V + eta_n*Den*(1 + D) + eta_c*Ch)
    + eta_r*(L0 - L)``, clipped to [0, 1]. Each loss is a share of the legitimacy left:
    a criticism turns a share of those who still back the WG, and those already against
    it cannot be lost twice, so L declines without pinning at 0 (docs/model.md §7).

    Args:
        lp: The legitimacy parameters.
        level: Current legitimacy L.
        approved_value: Value to the ROK of items approved via the WG this week.
        overdue: WG items pending longer than the MOU's patience (B).
        vetoes: Vetoes attributed to the WG this week (V).
        denunciations: DPRK denunciations this week (Den).
        pressure: ROK domestic pressure D.
        challenges: MOU challenges and ruling-party criticisms this week (Ch).

    Returns:
        The new level, the loss due to denunciations, and the total of all losses.
    """
    den_share = lp.denunciation_loss * denunciations * (1.0 + pressure)
    shares = (
        lp.overdue_loss * overdue
        + lp.veto_loss * vetoes
        + den_share
        + lp.challenge_loss * challenges
    )
    scale = level / shares if shares > 1.0 else level  # at most all of L is lost
    den_loss, losses = den_share * scale, shares * scale
    new = level + lp.approval_gain * approved_value - losses + lp.reversion * (lp.initial - level)
    new = 0.0 if new < 0.0 else 1.0 if new > 1.0 else new
    return new, den_loss, losses


class WorkingGroup:
    """The US–ROK working group: cadence, queue, legitimacy and review windows.

    It is an institution, not an agent: it decides nothing itself. Its meetings are
    where State reviews, and its review is the allies' (State's consent ends it).

    Args:
        model: The model.
        params: The scenario's ``working_group`` section.
        legitimacy: The scenario's ``legitimacy`` section.
    """

    def __init__(
        self, model: mesa.Model, params: WorkingGroupParams, legitimacy: Legitimacy
    ) -> None:
        self.model: Any = model
        self.params = params
        self.legitimacy_params = legitimacy
        self.phase = WgPhase.ABSENT
        # Whether the WG exists and takes items (phase ACTIVE); establish() and
        # terminate() set it with the phase.
        self.active = False
        # Narrowed by reforms; 0 for a WG of sanctioned items only (routing by scope).
        self.scope = 0.0 if params.sanctioned_only else params.scope
        self.queue: list[Proposal] = []
        self.legitimacy = legitimacy.initial
        self.created_week = -1
        self.first_meeting_week = -1  # when the first meeting is due
        self.met_week = -1  # when the first meeting was held
        self.last_meeting = -1
        self.terminated_week = -1
        self.meetings = 0
        self.window_until = -1
        self.window_used = False

    # --- meetings -----------------------------------------------------------------------

    def meeting_due(self, week: int) -> bool:
        """Regular: every k weeks; ad hoc: when the queue fills or the gap grows too long."""
        if week < self.first_meeting_week:
            return False
        if self.last_meeting < 0:
            return True
        gap = week - self.last_meeting
        spec = self.params
        if spec.cadence == "regular":
            return gap >= spec.regular_interval_weeks
        return len(self.queue) >= spec.queue_trigger or gap >= spec.max_gap_weeks

    def meet(self, week: int) -> None:
        """A meeting if one is due (see :meth:`hold_meeting`)."""
        if self.active and self.meeting_due(week):
            self.hold_meeting(week)

    def hold_meeting(self, week: int) -> None:
        """Disclose every pending item, learn, vet new items, State reviews the queue."""
        model = self.model
        self.meetings += 1
        if self.met_week < 0:
            self.met_week = week
        self.last_meeting = week
        model.event_log("wg_meeting", "WG", detail=f"{len(self.queue)} items on the table")
        model.information.learn()
        spec = self.params
        items, self.queue = self.queue, []
        # Joint item lists: every pending item is disclosed (or, switched off, only the
        # items on the table, as in DG talks and ad hoc contacts).
        for p in model.pipeline.in_flight if spec.disclose_pending else items:
            p.us_informed = True
        floor = model.parameters.proposals.un_threshold
        for p in items:
            if spec.joint_vetting and not p.vetted and not p.terminal:
                p.vetted = True
                # Vetting lowers the sanctions risk the US weighs, not the goods involved:
                # an item that needs a 1718 exemption still needs it after vetting.
                sigma = p.sigma * (1.0 - spec.vetting_strength)
                p.sigma = max(sigma, floor) if p.sigma >= floor else sigma
                p.value_dprk *= 1.0 - spec.vetting_value_loss
        us = model.parameters.us
        model.state.review(
            items,
            self.queue,
            week,
            prob=us.decision_prob_wg if spec.veto_point else us.decision_prob_adhoc,
            cosponsor=spec.cosponsor,
            via_wg=True,
            disputes=spec.veto_point,
        )
        model.state.drift()

    # --- legitimacy and review ----------------------------------------------------------

    def take_stock(self, week: int) -> None:
        """The week's legitimacy and, at a window, its review; or, endogenously, MOFA's proposal."""
        if self.active:
            self.update_legitimacy()
            self.review(week)
            return
        if self.phase == WgPhase.ABSENT and self.params.establishment == "endogenous":
            self.model.mofa.propose_group(week)

    def update_legitimacy(self) -> None:
        """One week of WG legitimacy, with ruling-party criticism once pressure is high."""
        model, lp = self.model, self.legitimacy_params
        tally = model.tally
        pressure = model.government.pressure
        if pressure >= lp.criticism_pressure and model.random.random() < lp.criticism_prob:
            tally.challenges += 1
            model.event_log(
                "criticism", "ruling party", detail="calls the WG an obstacle to exchanges"
            )
        self.legitimacy, den_loss, losses = legitimacy_step(
            lp,
            self.legitimacy,
            approved_value=tally.approved_value,
            overdue=tally.overdue,
            vetoes=tally.vetoes,
            denunciations=tally.denunciations,
            pressure=model.government.pressure,
            challenges=tally.challenges,
        )
        model.ledgers.loss_denunciation += den_loss
        model.ledgers.loss_total += losses

    def open_window(self, week: int, length: int, name: str) -> None:
        """A leadership change or a DPRK shock opens a review window (ODD §7).

        Only a WG that exists has a window: without one nothing happens or is logged.
        """
        if not self.active:
            return
        self.model.event_log("window_opened", "world", detail=name)
        until = week + length - 1
        if until > self.window_until:
            if self.window_until < week:
                self.window_used = False
            self.window_until = until

    def in_window(self, week: int) -> bool:
        """Whether a review window is open in ``week``."""
        return week <= self.window_until

    def review(self, week: int) -> None:
        """At a window: terminate (with US consent) below theta_L, reform below theta_reform."""
        model, lp = self.model, self.legitimacy_params
        can_end = self.params.can_terminate
        level = self.legitimacy
        if self.in_window(week):
            if self.window_used or level >= lp.reform_threshold:
                return
            self.window_used = True
            if level < lp.termination_threshold and can_end:
                if model.random.random() < model.state.consent:
                    self.terminate(week, "ended at a leadership window with US consent")
                else:
                    model.event_log(
                        "termination_refused", "State", detail="the US withholds consent"
                    )
                return
            self.reform()
            model.event_log(
                "wg_reformed", "WG", detail="operations readjusted at a leadership window"
            )
        elif can_end and level < lp.termination_threshold:
            hazard = lp.hazard * (lp.termination_threshold - level) * model.state.consent
            if model.random.random() < hazard:
                self.terminate(week, "ended between windows")

    def reform(self) -> None:
        """A reform: some legitimacy restored, scope narrowed (the MOU's demand [S003])."""
        lp = self.legitimacy_params
        self.legitimacy = min(1.0, self.legitimacy + lp.reform_boost)
        self.scope *= lp.reform_scope_factor

    # --- life and end ------------------------------------------------------------------

    def establish(self, week: int, why: str) -> None:
        """Set the WG up; it takes over the items waiting for ad hoc consultation.

        The first meeting follows after the launch lag. If the WG co-sponsors, the US
        co-sponsors the exemption requests already pending too.
        """
        model = self.model
        log = model.event_log
        self.phase = WgPhase.ACTIVE
        self.active = True
        self.created_week = week
        self.first_meeting_week = week + self.params.first_meeting_lag_weeks
        log("wg_created", "WG", detail=why)
        contacts = model.contacts
        waiting, contacts.queue = contacts.queue, []
        threshold = model.parameters.proposals.un_threshold
        for p in waiting:
            if p.terminal:
                continue
            if self.params.sanctioned_only and p.sigma < threshold:
                contacts.queue.append(p)  # not the WG's business: it waits for a contact
                continue
            p.route = Route.WG
            self.queue.append(p)
            log("routed", "Blue House", p, "taken over by the new working group")
        if not self.params.cosponsor:
            return
        for p in model.un.cosponsor_pending(week):
            p.route = Route.WG
            log("routed", "Blue House", p, "exemption request taken up by the working group")

    def terminate(self, week: int, why: str) -> None:
        """End the WG, start DG-level talks and re-route its queue."""
        model = self.model
        self.phase = WgPhase.TERMINATED
        self.active = False
        self.terminated_week = week
        left, self.queue = self.queue, []
        model.event_log("wg_terminated", "WG", detail=why)
        dg = model.dg
        if dg.params.enabled:
            dg.start(week)
            model.event_log(
                "dg_talks_started", "DG talks", detail="director-general-level consultations"
            )
        threshold = model.parameters.proposals.un_threshold
        for p in left:
            if p.terminal:
                continue
            sanctioned = p.sigma >= threshold
            route = Route.DG if sanctioned and dg.active else Route.BILATERAL
            model.pipeline.send(p, route, week)
