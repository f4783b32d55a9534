"""Phase 9 of the week: trust, frustration, WG legitimacy, reform, termination, creation.

Legitimacy follows ODD §7 (Eilstrup-Sangiovanni: shocks and leadership
windows end weak institutions); termination needs US consent [S002]; DG-level talks
follow. A scenario may let the WG be created after repeated surprises.
"""

from __future__ import annotations

import random

from sim.core.agents import Dprk, StateDepartment, Un1718Committee
from sim.core.channels import DgTalks, WgPhase, WorkingGroup, legitimacy_step
from sim.core.friction import Friction
from sim.core.government import RokGovernment
from sim.core.ledgers import Ledgers, WeekTally
from sim.core.log import EventLog
from sim.core.pipeline import Pipeline
from sim.core.proposals import Route
from sim.scenario import Legitimacy, Proposals, WorkingGroupParams


def open_window(wg: WorkingGroup, log: EventLog, week: int, length: int, name: str) -> None:
    """Open a review window for the WG (a leadership change or a DPRK shock).

    Only a WG that exists has a window: without one nothing is logged.
    """
    if wg.active:
        log("window_opened", "world", detail=name)
        wg.open_window(week, length)


class Institutions:
    """The WG's life: its legitimacy each week, its review at windows, its creation.

    Args:
        wg: The working group.
        dg: DG-level talks (the WG's successor).
        pipeline: The pipeline (queues handed over at creation and termination).
        state: The State Department (trust, consent).
        dprk: The DPRK (frustration).
        un: The UN 1718 Committee (requests the WG takes up).
        government: The ROK government (domestic pressure).
        friction: The ROK's trust.
        ledgers: Pledges and deliveries; legitimacy losses.
        tally: This week's sums, cleared here.
        log: The event log.
        rnd: The model's generator.
        legitimacy: The scenario's ``legitimacy`` section.
        working_group: The scenario's ``working_group`` section.
        proposals: The scenario's ``proposals`` section (the UN threshold).
    """

    def __init__(
        self,
        wg: WorkingGroup,
        dg: DgTalks,
        pipeline: Pipeline,
        state: StateDepartment,
        dprk: Dprk,
        un: Un1718Committee,
        government: RokGovernment,
        friction: Friction,
        ledgers: Ledgers,
        tally: WeekTally,
        log: EventLog,
        rnd: random.Random,
        legitimacy: Legitimacy,
        working_group: WorkingGroupParams,
        proposals: Proposals,
    ) -> None:
        self.wg = wg
        self.dg = dg
        self.pipeline = pipeline
        self.state = state
        self.dprk = dprk
        self.un = un
        self.government = government
        self.friction = friction
        self.ledgers = ledgers
        self.tally = tally
        self.log = log
        self.rnd = rnd
        self.legitimacy = legitimacy
        self.working_group = working_group
        self.proposals = proposals

    def run(self, week: int) -> None:
        """Trust recovery, frustration, legitimacy and review, or creation; the week closes."""
        self.state.recover_trust()
        self.friction.recover()
        # Pledges and deliveries of the last frustration_window_weeks weeks, this one included.
        ledgers = self.ledgers
        self.dprk.update_frustration(
            ledgers.recent_created.upto(week + 1), ledgers.recent_delivered.upto(week + 1)
        )
        wg = self.wg
        if wg.active:
            self.update_legitimacy()
            self.review(week)
        elif (
            wg.phase == WgPhase.ABSENT
            and self.working_group.establishment == "endogenous"
            and self.log.counts["surprise"] >= self.working_group.surprises_to_create
        ):
            surprises = self.log.counts["surprise"]
            self.establish(week, f"the US demands a working group after {surprises} surprises")
        self.tally.clear()

    def update_legitimacy(self) -> None:
        """One week of WG legitimacy, with ruling-party criticism once pressure is high."""
        wg, lp, tally = self.wg, self.legitimacy, self.tally
        pressure = self.government.pressure
        if pressure >= lp.criticism_pressure and self.rnd.random() < lp.criticism_prob:
            tally.challenges += 1
            self.log("criticism", "ruling party", detail="calls the WG an obstacle to exchanges")
        wg.legitimacy, den_loss, losses = legitimacy_step(
            lp,
            wg.legitimacy,
            approved_value=tally.approved_value,
            overdue=tally.overdue,
            vetoes=tally.vetoes,
            denunciations=tally.denunciations,
            pressure=self.government.pressure,
            challenges=tally.challenges,
        )
        self.ledgers.loss_denunciation += den_loss
        self.ledgers.loss_total += losses

    def review(self, week: int) -> None:
        """At a window: terminate (with US consent) below theta_L, reform below theta_reform."""
        wg, lp = self.wg, self.legitimacy
        can_end = self.working_group.can_terminate
        level = wg.legitimacy
        if wg.in_window(week):
            if wg.window_used or level >= lp.reform_threshold:
                return
            wg.window_used = True
            if level < lp.termination_threshold and can_end:
                if self.rnd.random() < self.state.consent:
                    self.terminate(week, "ended at a leadership window with US consent")
                else:
                    self.log("termination_refused", "State", detail="the US withholds consent")
                return
            wg.reform()
            self.log("wg_reformed", "WG", detail="operations readjusted at a leadership window")
        elif can_end and level < lp.termination_threshold:
            hazard = lp.hazard * (lp.termination_threshold - level) * self.state.consent
            if self.rnd.random() < hazard:
                self.terminate(week, "ended between windows")

    def establish(self, week: int, why: str) -> None:
        """Set the WG up; it takes over the items waiting for ad hoc consultation."""
        self.wg.establish(week)
        self.log("wg_created", "WG", detail=why)
        pipeline = self.pipeline
        waiting, pipeline.bilateral = pipeline.bilateral, []
        for p in waiting:
            if p.terminal:
                continue
            p.route = Route.WG
            self.wg.queue.append(p)
            self.log("routed", "Blue House", p, "taken over by the new working group")
        if not self.working_group.cosponsor:
            return
        for p in self.un.cosponsor_pending(week):
            p.route = Route.WG
            self.log("routed", "Blue House", p, "exemption request taken up by the working group")

    def terminate(self, week: int, why: str) -> None:
        """End the WG, start DG-level talks and re-route its queue."""
        left = self.wg.terminate(week)
        self.log("wg_terminated", "WG", detail=why)
        if self.dg.params.enabled:
            self.dg.start(week)
            self.log("dg_talks_started", "DG talks", detail="director-general-level consultations")
        for p in left:
            if p.terminal:
                continue
            sanctioned = p.sigma >= self.proposals.un_threshold
            route = Route.DG if sanctioned and self.dg.active else Route.BILATERAL
            self.pipeline.send(p, route, week)
