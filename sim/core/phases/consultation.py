"""Phase 5 of the week: consultation through the WG, DG talks and ad hoc channels.

The working group (WG) is Keohane's information-supplying institution and Tsebelis's
added veto point at once: its meetings disclose every pending ROK item to the US, raise
information quality, jointly vet items and co-sponsor UN exemption requests [S001, S004].
Without it, ad hoc contacts disclose partially (Crawford–Sobel) and NSC channels may clear
items State never hears of [S001] (docs/model.md §7: WG meetings, Ad hoc contacts, US review).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sim.core.agents import BlueHouse, Decision, E, StateDepartment, Un1718Committee
from sim.core.channels import BilateralChannel, DgTalks, WorkingGroup
from sim.core.friction import Friction
from sim.core.government import RokGovernment
from sim.core.information import Information
from sim.core.ledgers import WeekTally
from sim.core.log import EventLog
from sim.core.pipeline import Pipeline
from sim.core.proposals import TERMINAL, Proposal, Route, Status, pick, poisson
from sim.scenario import Proposals, Us, WorkingGroupParams


@dataclass(frozen=True)
class Venues:
    """Where the allies consult: the WG, DG-level talks and the ad hoc channels."""

    wg: WorkingGroup
    dg: DgTalks
    channels: list[BilateralChannel]


class Consultation:
    """Meetings, contacts, US reviews, and what follows a veto.

    Args:
        venues: The WG, DG talks and channels.
        pipeline: The pipeline.
        state: The State Department (reviews, drifts).
        blue_house: The Blue House (its estimates; it handles vetoed items).
        un: The UN 1718 Committee (exemption requests).
        information: What the US knows.
        government: The ROK government (its position).
        friction: Dispute checks of WG vetoes.
        tally: This week's sums.
        log: The event log.
        rnd: The model's generator.
        us: The scenario's ``us`` section.
        working_group: The scenario's ``working_group`` section (vetting).
        proposals: The scenario's ``proposals`` section (thresholds, modification).
    """

    def __init__(
        self,
        venues: Venues,
        pipeline: Pipeline,
        state: StateDepartment,
        blue_house: BlueHouse,
        un: Un1718Committee,
        information: Information,
        government: RokGovernment,
        friction: Friction,
        tally: WeekTally,
        log: EventLog,
        rnd: random.Random,
        us: Us,
        working_group: WorkingGroupParams,
        proposals: Proposals,
    ) -> None:
        self.wg, self.dg, self.channels = venues.wg, venues.dg, venues.channels
        self.pipeline = pipeline
        self.state = state
        self.blue_house = blue_house
        self.un = un
        self.information = information
        self.government = government
        self.friction = friction
        self.tally = tally
        self.log = log
        self.rnd = rnd
        self.us = us
        self.working_group = working_group
        self.proposals = proposals
        # Contacts are one Poisson count at the channels' summed rate, each then on a
        # channel drawn in proportion to its rate (the same as one count per channel).
        self.contact_rate = 0.0
        self.contact_edges: list[tuple[BilateralChannel, float]] = []
        for ch in self.channels:
            if ch.rate > 0.0:
                self.contact_rate += ch.rate
                self.contact_edges.append((ch, self.contact_rate))

    def run(self, week: int) -> None:
        """A WG meeting and DG talks when due, ad hoc contacts, information decay."""
        if self.wg.active and self.wg.meeting_due(week):
            self.wg_meeting(week)
        if self.dg.active and self.dg.meeting_due(week):
            self.dg_meeting(week)
        n = poisson(self.rnd, self.contact_rate)
        for _ in range(n):
            self.contact(pick(self.contact_edges, self.rnd.random() * self.contact_rate), week)
        self.information.decay()

    def wg_meeting(self, week: int) -> None:
        """Disclose every pending ROK item, learn, vet new items, review the queue."""
        wg = self.wg
        wg.meetings += 1
        if wg.met_week < 0:
            wg.met_week = week
        wg.last_meeting = week
        self.log("wg_meeting", "WG", detail=f"{len(wg.queue)} items on the table")
        self.information.learn()
        for p in self.pipeline.in_flight:  # joint item lists: every queued item is disclosed
            p.us_informed = True
        items, wg.queue = wg.queue, []
        spec = self.working_group
        floor = self.proposals.un_threshold
        for p in items:
            if not p.vetted and not p.terminal:
                p.vetted = True
                # Vetting lowers the sanctions risk the US weighs, not the goods involved:
                # an item that needs a 1718 exemption still needs it after vetting.
                sigma = p.sigma * (1.0 - spec.vetting_strength)
                p.sigma = max(sigma, floor) if p.sigma >= floor else sigma
                p.value_dprk *= 1.0 - spec.vetting_value_loss
        self.review(items, self.us.decision_prob_wg, wg.queue, spec.cosponsor, week, True)
        self.state.drift(self.government.position)

    def dg_meeting(self, week: int) -> None:
        """A director-general-level meeting: review its queue (sanctioned items, no vetting)."""
        dg = self.dg
        dg.last_meeting = week
        self.log("dg_meeting", "DG talks", detail=f"{len(dg.queue)} items on the table")
        self.information.learn()
        items, dg.queue = dg.queue, []
        for p in items:
            p.us_informed = True
        self.review(items, self.us.decision_prob_wg, dg.queue, dg.params.cosponsor, week, False)
        self.state.drift(self.government.position)

    def contact(self, ch: BilateralChannel, week: int) -> None:
        """An ad hoc contact: partial disclosure, learning and review if it reaches State.

        On an NSC channel what is said reaches State with probability rho_US; on another
        channel with the channel's reach (1 draws nothing): an envoy's talks that stay
        with the envoy inform no one who decides [S001].
        """
        if ch.via_nsc:
            reached = self.rnd.random() < self.us.nsc_passthrough
        else:
            reached = ch.reach >= 1.0 or self.rnd.random() < ch.reach
        self.log("contact", ch.name, detail="" if reached else "not passed on to State")
        if not reached:
            if ch.via_nsc:
                self.nsc_clearance(ch)
            return
        self.information.learn()
        pipeline = self.pipeline
        if pipeline.dprk_pending:
            gap = abs(self.government.position[E] - self.state.position[E])
            psi = self.information.params.disclosure * (1.0 - gap)
            for p in pipeline.dprk_pending:
                if not p.us_informed and p.route == Route.UNILATERAL and self.rnd.random() < psi:
                    p.us_informed = True
                    self.log("disclosed", ch.name, p)
        if pipeline.bilateral:
            items, pipeline.bilateral = pipeline.bilateral, []
            for p in items:
                p.us_informed = True
            self.review(items, self.us.decision_prob_adhoc, pipeline.bilateral, False, week, False)
        self.state.drift(self.government.position)

    def nsc_clearance(self, ch: BilateralChannel) -> None:
        """The White House raises no objection but State never hears of it [S001].

        Non-sanctioned items consulted on an NSC channel that does not pass them on go
        ahead uninformed: Seoul believes it coordinated, State may be surprised (Pompeo's
        protest over the military agreement: "check internally on your side").
        """
        keep = []
        for p in self.pipeline.bilateral:
            if p.sigma < self.proposals.un_threshold and not p.us_informed and not p.terminal:
                self.log("nsc_cleared", ch.name, p, "cleared by the NSC; State not told")
                self.pipeline.offer(p)
            else:
                keep.append(p)
        self.pipeline.bilateral = keep

    def review(
        self,
        items: list[Proposal],
        prob: float,
        requeue: list[Proposal],
        cosponsor: bool,
        week: int,
        via_wg: bool,
    ) -> None:
        """US review of consulted items: defer (requeue), approve (UN or DPRK) or veto."""
        quality = self.information.quality
        lag, approval = self.blue_house.lag, self.blue_house.approval
        tally = self.tally
        for p in items:
            if p.status in TERMINAL:
                continue
            decision = self.state.review(p, prob, quality)
            if decision == Decision.DEFER:
                p.n_deferrals += 1
                requeue.append(p)
                self.log("deferred", "State", p)
                continue
            p.t_us = week
            lag.add(week, week - p.t_routed)
            if decision == Decision.APPROVE:
                approval.add(week, 1.0)
                self.log("approved", "State", p)
                if via_wg:
                    tally.approved_value += p.value_rok
                if p.sigma >= self.proposals.un_threshold:
                    self.un.submit(p, week, cosponsor)
                    self.log("un_submitted", "UN 1718", p, "co-sponsored" if cosponsor else "")
                else:
                    self.pipeline.offer(p)
            else:
                approval.add(week, 0.0)
                self.log("vetoed", "State", p)
                if via_wg:
                    tally.vetoes += 1
                    if p.sigma < self.proposals.un_threshold and not p.dispute_checked:
                        self.friction.check_dispute(p, "vetoed through the WG")
                self.after_veto(p, week)

    def after_veto(self, p: Proposal, week: int) -> None:
        """A vetoed item: sanctioned ones end; others are modified, go alone or are dropped."""
        if p.sigma >= self.proposals.un_threshold:
            p.status = Status.VETOED
            p.t_done = week
            return
        first = not p.modified
        if first:
            p.modified = True
            p.sigma *= 1.0 - self.proposals.modify_sanction_cut
            p.value_rok *= 1.0 - self.proposals.modify_value_loss
        route = self.blue_house.after_veto(p, week, first)
        if route == Route.SHELVED:
            p.status = Status.VETOED
            p.t_done = week
            self.log("shelved", "Blue House", p, "after a US veto")
            return
        if route != Route.UNILATERAL:
            self.log("modified", "Blue House", p, "resubmitted after a US veto")
        self.pipeline.send(p, route, week)
