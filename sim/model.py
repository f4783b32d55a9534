"""The model: wiring and the weekly schedule (MECHANISMS §2.3).

One step is one week. Dated shocks and the WG's agreement fire from Mesa's event list
half a week before their step; :meth:`WorkingGroupModel.step` then runs the phases of the
week in order, each delegated to the agents, channels and rules of the other modules.
"""

from __future__ import annotations

import math

import mesa

from sim import scenario as sc
from sim.agents import (
    Actor,
    BlueHouse,
    Decision,
    Dprk,
    DprkMode,
    E,
    Mofa,
    Mou,
    Q,
    RokActor,
    StateDepartment,
    Un1718Committee,
)
from sim.bargaining import bargaining_round, effective_position, weighted_mean
from sim.channels import BilateralChannel, DgTalks, WgPhase, WorkingGroup, legitimacy_step
from sim.proposals import (
    ROUTE_NAMES,
    TERMINAL,
    Proposal,
    ProposalFactory,
    Route,
    Status,
    pick,
    poisson,
)
from sim.shocks import schedule_shocks

SERIES_COLUMNS = (
    "week",
    "legitimacy",
    "wg_phase",
    "trust_us",
    "trust_rok",
    "info_quality",
    "frustration",
    "dpi",
    "gap",
    "x_rok_e",
    "x_us_e",
    "x_mou_e",
    "x_mofa_e",
    "win_set",
    "dprk_mode",
    "track_open",
    "wg_queue",
    "in_flight",
    "surprises",
    "disputes",
    "implemented",
    "denunciations",
    "challenges",
)
"""Columns of the weekly series, in order."""

EVENT_COLUMNS = ("week", "kind", "actor", "proposal_id", "proposal_type", "route", "detail")
"""Fields of an event-log row as recorded (the date is derived from the week)."""


class WorkingGroupModel(mesa.Model):
    """US–ROK policy coordination, with or without a working group.

    Args:
        scenario: A validated scenario.
        seed: Seed of every random draw (``model.random`` and ``model.rng``).
        record_series: Record the weekly series (off in calibration's summary mode).
    """

    def __init__(self, scenario: sc.Scenario, seed: int = 0, *, record_series: bool = True):
        super().__init__(rng=seed)
        self.params = scenario
        self.seed = seed
        self.record_series = record_series
        self.week = 0
        self.n_weeks = scenario.calendar.n_weeks
        self.events: list[tuple[int, str, str, int, str, str, str]] = []
        self.series: list[tuple[float, ...]] = []
        self._build_state(scenario)
        self._build_agents(scenario)
        self._build_channels(scenario)
        self._schedule(scenario)

    # --- builders ----------------------------------------------------------------------

    def _build_state(self, s: sc.Scenario) -> None:
        self.pressure = s.rok.domestic_pressure
        self.surge_until = -1
        self.info_quality = s.information.initial_quality
        self.rok_trust = s.rok.initial_trust
        self.un_threshold = s.proposals.un_threshold
        self.proposals: list[Proposal] = []
        self.inbox: list[Proposal] = []
        self.in_flight: list[Proposal] = []
        self.bilateral_queue: list[Proposal] = []
        self.dprk_pending: list[Proposal] = []
        self.accepted: list[Proposal] = []
        n = self.n_weeks + 2
        self.created_per_week = [0] * n
        self.delivered_per_week = [0] * n
        self.wg_flags_per_week = [0] * n
        self.counts = dict.fromkeys(
            ("surprises", "disputes", "implemented", "denunciations", "challenges", "criticisms"),
            0,
        )
        self.loss_denunciation = 0.0
        self.loss_total = 0.0
        self.gap_sum = 0.0
        self.gap0 = math.nan
        self.overdue = 0
        self._reset_week()

    def _reset_week(self) -> None:
        self.wk_value = 0.0
        self.wk_vetoes = 0
        self.wk_flags = 0
        self.wk_den = 0
        self.wk_ch = 0

    def _build_agents(self, s: sc.Scenario) -> None:
        self.factory = ProposalFactory(s.proposals, self.random)
        a = s.actors
        self.state = StateDepartment(self, a.state, s.us)
        self.mofa = Mofa(self, a.mofa)
        self.mou = Mou(self, a.mou, self.factory)
        self.blue_house = BlueHouse(
            self,
            a.blue_house,
            self.factory,
            s.rok,
            s.proposals.un_threshold,
            s.proposals.gray_threshold,
        )
        self.dprk = Dprk(self, a.dprk, s.dprk)
        self.un = Un1718Committee(self, s.un)
        self.rok: tuple[RokActor, ...] = (self.blue_house, self.mofa, self.mou)
        self.refresh_rok()

    def _build_channels(self, s: sc.Scenario) -> None:
        self.wg = WorkingGroup(s.working_group, s.legitimacy)
        self.dg = DgTalks(s.working_group.successor)
        self.channels = [BilateralChannel(c) for c in s.channels]
        self.contact_rate = 0.0
        self.contact_edges: list[tuple[BilateralChannel, float]] = []
        for ch in self.channels:
            if ch.rate > 0.0:
                self.contact_rate += ch.rate
                self.contact_edges.append((ch, self.contact_rate))

    def _schedule(self, s: sc.Scenario) -> None:
        self._shocks = schedule_shocks(self, s.shocks)
        wg = s.working_group
        if wg.establishment == "scheduled" and wg.agreed_on is not None:
            self._agreed_week = max(1, s.calendar.week_of(wg.agreed_on))
            self.schedule_event(self._agree_wg, at=self._agreed_week - 0.5)

    # --- helpers used by agents and shocks ---------------------------------------------

    def log(self, kind: str, actor: str, p: Proposal | None = None, detail: str = "") -> None:
        """Append one row to the event log (see docs/events.md for the kinds)."""
        if p is None:
            self.events.append((self.week, kind, actor, 0, "", "", detail))
        else:
            self.events.append((self.week, kind, actor, p.id, p.type, ROUTE_NAMES[p.route], detail))

    def actor(self, name: str) -> Actor:
        """The agent named ``state``, ``mofa``, ``mou``, ``blue_house`` or ``dprk``."""
        agent: Actor = getattr(self, name)
        return agent

    def add_named_proposal(self, item: sc.NewProposal, week: int) -> None:
        """Put a proposal named by a shock into the pipeline."""
        p = self.factory.make(
            item.type,
            week,
            label=item.label,
            origin=item.origin,
            sigma=item.sanction_load,
            a=item.alliance_sensitivity,
            v=item.value_rok,
            w=item.value_dprk,
        )
        self._created(p)

    def summit(self, week: int, deal_possible: bool, name: str) -> None:
        """A summit: proposals surge; a deal adds progress if the sequencing gap is small."""
        self.surge_until = week + self.params.proposals.summit_surge_weeks - 1
        gap = abs(self.state.position[Q] - self.dprk.position[Q])
        if deal_possible and gap < self.params.dprk.deal_tolerance:
            self.dprk.dpi = min(1.0, self.dprk.dpi + self.params.dprk.deal_gain)
            self.log("summit_deal", "DPRK", detail=name)

    def open_window(self, week: int, length: int, name: str) -> None:
        """Open a review window for the WG (leadership change or DPRK shock)."""
        self.log("window_opened", "world", detail=name)
        if self.wg.active:
            self.wg.open_window(week, length)

    def provocation(self, week: int, name: str) -> None:
        """A major DPRK provocation (scheduled or from frustration)."""
        self.dprk.provoke(week)
        self.log("provocation", "DPRK", detail=name)
        self.open_window(week, self.params.dprk.provocation_window_weeks, f"after {name}")

    def _agree_wg(self) -> None:
        self.week = self._agreed_week
        self._establish(self._agreed_week, "the allies agree to set up the working group")

    def _establish(self, week: int, why: str) -> None:
        """Set the WG up; it takes over the items waiting for ad hoc consultation."""
        self.wg.establish(week)
        self.log("wg_created", "WG", detail=why)
        waiting, self.bilateral_queue = self.bilateral_queue, []
        for p in waiting:
            if p.terminal:
                continue
            p.route = Route.WG
            self.wg.queue.append(p)
            self.log("routed", "Blue House", p, "taken over by the new working group")
        for p in self.un.cosponsor_pending(week):
            p.route = Route.WG
            self.log("routed", "Blue House", p, "exemption request taken up by the working group")

    def refresh_rok(self) -> None:
        """Recompute the ROK's effective position and weights after its actors change.

        Positions, saliences and clouts change only in bargaining rounds and through shocks,
        so the weekly phases read these cached values.
        """
        rok = self.rok
        self.rok_position, self.rok_weights = effective_position(rok)
        self.blue_house.alliance_bar = weighted_mean([a.alliance_weight for a in rok], rok)
        patience = weighted_mean([a.patience_weeks for a in rok], rok)
        self.blue_house.discount = 1.0 - 1.0 / patience

    # --- the weekly schedule -------------------------------------------------------------

    def step(self) -> None:
        """One week; scheduled shocks have already fired (phase 1)."""
        week = self.week = self.steps
        self._generate(week)  # 2
        if week % self.params.rok.bargaining_interval_weeks == 0:
            self._bargain(week)  # 3
        self._route_new(week)  # 4
        self._channels(week)  # 5
        self._un(week)  # 6
        self._dprk(week)  # 7
        self._implement(week)  # 8
        self._institutions(week)  # 9
        self._record(week)  # 10
        if week >= self.n_weeks:
            self.running = False

    def _generate(self, week: int) -> None:
        mult = 1.0 + self.pressure
        if week <= self.surge_until:
            mult *= self.params.proposals.summit_multiplier
        for p in self.mou.generate(week, mult):
            self._created(p)
        for p in self.blue_house.generate(week, mult):
            self._created(p)

    def _created(self, p: Proposal) -> None:
        self.proposals.append(p)
        self.inbox.append(p)
        self.created_per_week[self.week] += 1
        self.log("created", p.origin, p, p.label)

    def _bargain(self, week: int) -> None:
        r = self.params.rok
        res = bargaining_round(
            self.blue_house,
            self.mofa,
            self.mou,
            step=r.bargaining_step,
            threshold=r.challenge_threshold,
            backlog_weight=r.backlog_weight,
            rnd=self.random,
        )
        if res.challenged:
            self.counts["challenges"] += 1
            winner = "MOU" if res.mou_prevailed else "MOFA"
            self.log("mou_challenge", "MOU", detail=f"calls to readjust the WG; {winner} prevails")
            if self.wg.active:
                self.wk_ch += 1
        self.refresh_rok()

    def _route_new(self, week: int) -> None:
        for p in self.inbox:
            self._send(p, self._choose_route(p, week), week)
        self.inbox.clear()

    def _choose_route(self, p: Proposal, week: int) -> Route:
        """Sanctioned items go to the WG (or DG talks, or a channel); others by scope or BH."""
        rnd = self.random
        if p.sigma >= self.un_threshold:
            if rnd.random() < self.blue_house.violation_prob:
                return Route.UNILATERAL
            if self.wg.active:
                return Route.WG
            return Route.DG if self.dg.active else Route.BILATERAL
        if self.wg.active and rnd.random() < self.wg.scope:
            return Route.WG
        return self.blue_house.arbitrate(p, week)

    def _send(self, p: Proposal, route: Route, week: int) -> None:
        new = p.t_routed < 0
        if new:
            p.t_routed = week
        p.route = route
        match route:
            case Route.WG:
                p.status = Status.US_REVIEW
                self.wg.queue.append(p)
            case Route.BILATERAL:
                p.status = Status.US_REVIEW
                self.bilateral_queue.append(p)
            case Route.DG:
                p.status = Status.US_REVIEW
                self.dg.queue.append(p)
            case Route.UNILATERAL:
                p.status = Status.DPRK_PENDING
                self.dprk_pending.append(p)
                if p.a > 0.0 and not p.us_informed:
                    self._detect(p, week)  # going ahead alone is announced: it may surprise
            case Route.SHELVED:
                p.status = Status.SHELVED
                p.t_done = week
                self.log("shelved", "Blue House", p)
                return
            case _:
                raise ValueError(f"cannot send a proposal along route {route!r}")
        self.log("routed", "Blue House", p)
        if new:
            self.in_flight.append(p)

    # --- phase 5: channels -------------------------------------------------------------

    def _channels(self, week: int) -> None:
        wg = self.wg
        if wg.active and wg.meeting_due(week):
            self._wg_meeting(week)
        if self.dg.meeting_due(week):
            self._dg_meeting(week)
        # Contacts: one Poisson count at the channels' summed rate, each contact then on a
        # channel chosen in proportion to its rate (same distribution as one count each).
        rnd = self.random
        for _ in range(poisson(rnd, self.contact_rate)):
            self._contact(pick(self.contact_edges, rnd.random() * self.contact_rate), week)
        self.info_quality *= 1.0 - self.params.information.decay

    def _learn(self) -> None:
        self.info_quality += self.params.information.learning * (1.0 - self.info_quality)

    def _consulted(self) -> None:
        self.state.drift(self.rok_position, self.rok_weights)

    def _wg_meeting(self, week: int) -> None:
        wg = self.wg
        wg.meetings += 1
        wg.last_meeting = week
        self.log("wg_meeting", "WG", detail=f"{len(wg.queue)} items on the table")
        self._learn()
        for p in self.in_flight:  # joint item lists: every queued ROK item is disclosed
            p.us_informed = True
        items, wg.queue = wg.queue, []
        spec = self.params.working_group
        for p in items:
            if not p.vetted and not p.terminal:
                p.vetted = True
                p.sigma *= 1.0 - spec.vetting_strength
                p.w *= 1.0 - spec.vetting_value_loss
        self._review(items, self.params.us.decision_prob_wg, wg.queue, True, week, True)
        self._consulted()

    def _dg_meeting(self, week: int) -> None:
        dg = self.dg
        dg.last_meeting = week
        self.log("dg_meeting", "DG talks", detail=f"{len(dg.queue)} items on the table")
        self._learn()
        items, dg.queue = dg.queue, []
        for p in items:
            p.us_informed = True
        self._review(items, self.params.us.decision_prob_wg, dg.queue, dg.cosponsor, week, False)
        self._consulted()

    def _contact(self, ch: BilateralChannel, week: int) -> None:
        ch.contacts += 1
        reached = not ch.via_nsc or self.random.random() < self.params.us.nsc_passthrough
        self.log("contact", ch.name, detail="" if reached else "not passed on to State")
        if not reached:
            self._nsc_clearance(ch)
            return
        self._learn()
        x_rok = self.rok_position[E]
        psi = self.params.information.disclosure * (1.0 - abs(x_rok - self.state.position[E]))
        rnd = self.random
        for p in self.dprk_pending:
            if not p.us_informed and p.route == Route.UNILATERAL and rnd.random() < psi:
                p.us_informed = True
                self.log("disclosed", ch.name, p)
        if self.bilateral_queue:
            items, self.bilateral_queue = self.bilateral_queue, []
            for p in items:
                p.us_informed = True
            prob = self.params.us.decision_prob_adhoc
            self._review(items, prob, self.bilateral_queue, False, week, False)
        self._consulted()

    def _nsc_clearance(self, ch: BilateralChannel) -> None:
        """The White House raises no objection but State never hears of it [S001].

        Non-sanctioned items consulted on an NSC channel that does not pass them on go
        ahead uninformed: Seoul believes it coordinated, State may be surprised (Pompeo's
        protest over the military agreement: "check internally on your side").
        """
        keep = []
        for p in self.bilateral_queue:
            if p.sigma < self.un_threshold and not p.us_informed and not p.terminal:
                self.log("nsc_cleared", ch.name, p, "cleared by the NSC; State not told")
                self._to_dprk(p)
            else:
                keep.append(p)
        self.bilateral_queue = keep

    def _review(
        self,
        items: list[Proposal],
        prob: float,
        requeue: list[Proposal],
        cosponsor: bool,
        week: int,
        via_wg: bool,
    ) -> None:
        """US review of consulted items: defer (requeue), approve (UN or DPRK) or veto."""
        q = self.info_quality
        bh = self.blue_house
        for p in items:
            if p.terminal:
                continue
            decision = self.state.review(p, prob, q)
            if decision == Decision.DEFER:
                p.n_deferrals += 1
                requeue.append(p)
                self.log("deferred", "State", p)
                self.wk_flags += via_wg
                continue
            p.t_us = week
            bh.lag.add(week, week - p.t_routed)
            if decision == Decision.APPROVE:
                bh.approval.add(week, 1.0)
                self.log("approved", "State", p)
                if via_wg:
                    self.wk_value += p.v
                if p.sigma >= self.un_threshold:
                    self.un.submit(p, week, cosponsor)
                    self.log("un_submitted", "UN 1718", p, "co-sponsored" if cosponsor else "")
                else:
                    self._to_dprk(p)
            else:
                bh.approval.add(week, 0.0)
                self.log("vetoed", "State", p)
                if via_wg:
                    p.wg_attributed = True
                    self.wk_vetoes += 1
                    self.wk_flags += 1
                    if p.sigma < self.un_threshold and not p.dispute_checked:
                        self._check_dispute(p, "vetoed through the WG")
                self._after_veto(p, week)

    def _after_veto(self, p: Proposal, week: int) -> None:
        if p.sigma >= self.un_threshold:
            p.status = Status.VETOED
            p.t_done = week
            return
        first = not p.modified
        if first:
            spec = self.params.proposals
            p.modified = True
            p.sigma *= 1.0 - spec.modify_sanction_cut
            p.v *= 1.0 - spec.modify_value_loss
        route = self.blue_house.after_veto(p, week, first)
        if route == Route.SHELVED:
            p.status = Status.VETOED
            p.t_done = week
            self.log("shelved", "Blue House", p, "after a US veto")
            return
        if route != Route.UNILATERAL:
            self.log("modified", "Blue House", p, "resubmitted after a US veto")
        self._send(p, route, week)

    def _to_dprk(self, p: Proposal) -> None:
        p.status = Status.DPRK_PENDING
        self.dprk_pending.append(p)

    def _check_dispute(self, p: Proposal, why: str) -> None:
        """ROK-side friction: an overdue or vetoed WG item may become a public dispute."""
        p.dispute_checked = True
        if self.random.random() < self.params.rok.dispute_prob:
            self.counts["disputes"] += 1
            self.rok_trust = max(0.0, self.rok_trust - self.params.rok.trust_loss_dispute)
            self.log("dispute", "MOU", p, f"public dispute over 'interference': {why}")

    # --- phases 6-8 ----------------------------------------------------------------------

    def _un(self, week: int) -> None:
        for p, ok in self.un.decide(week):
            p.t_un = week
            if ok:
                p.exempted = True
                self.log("un_approved", "UN 1718", p, "co-sponsored" if p.un_cosponsored else "")
                self._to_dprk(p)
            else:
                p.status = Status.UN_REJECTED
                p.t_done = week
                self.log("un_rejected", "UN 1718", p)

    def _dprk(self, week: int) -> None:
        dprk = self.dprk
        dprk.update_mode(week)
        d = self.params.dprk
        if d.endogenous_provocation and dprk.frustration > d.frustration_threshold:
            self.provocation(week, "frustration with undelivered pledges")
        accept = self.blue_house.dprk_accept
        keep = []
        for p in self.dprk_pending:
            if p.terminal:
                continue
            answer = dprk.respond(p)
            if answer == 2:
                keep.append(p)
                continue
            p.t_dprk = week
            accept.add(week, 1.0 if answer == 1 else 0.0)
            if answer == 1:
                self.accepted.append(p)
                self.log("dprk_accepted", "DPRK", p)
            else:
                p.status = Status.DPRK_REJECTED if answer == -1 else Status.STALLED
                p.t_done = week
                self.log("dprk_rejected" if answer == -1 else "dprk_ignored", "DPRK", p)
        self.dprk_pending = keep
        if self.wg.active and dprk.denounces(self._visibility(week)):
            self.counts["denunciations"] += 1
            self.wk_den += 1
            self.log("denunciation", "DPRK", detail="denounces the working group")
        dprk.progress(self.state.position[Q])

    def _visibility(self, week: int) -> float:
        """V_WG: high just after launch, then grows with recent WG vetoes and deferrals."""
        d = self.params.dprk
        if week < self.wg.created_week + d.visibility_launch_weeks:
            return d.visibility_launch
        lo = max(0, week - d.visibility_window_weeks)
        return d.visibility_base + d.visibility_per_item * sum(self.wg_flags_per_week[lo:week])

    def _implement(self, week: int) -> None:
        for p in self.accepted:
            p.status = Status.IMPLEMENTED
            p.t_done = week
            self.counts["implemented"] += 1
            self.delivered_per_week[week] += 1
            self.log("implemented", "Blue House" if p.origin == "BH" else "MOU", p)
            if p.a > 0.0 and not p.us_informed and not p.surprised:
                self._detect(p, week)
        self.accepted.clear()
        self._sweep(week)

    def _detect(self, p: Proposal, week: int) -> None:
        """US-side friction: an undisclosed alliance-sensitive move surprises w.p. a(1-q).

        Checked when the Blue House announces going ahead alone and when an item is
        implemented; an item surprises the US at most once.
        """
        detected = self.random.random() < p.a * (1.0 - self.info_quality)
        if p.route == Route.UNILATERAL:
            self.blue_house.detection.add(week, 1.0 if detected else 0.0)
        if detected:
            p.surprised = True
            self.counts["surprises"] += 1
            self.state.surprised()
            self.log("surprise", "State", p, f"the US was not told of '{p.label}'")

    def _sweep(self, week: int) -> None:
        """Stall items stuck too long; count overdue WG items and the MOU's backlog."""
        stall = self.params.proposals.stall_weeks
        patience = self.mou.patience_weeks
        overdue = backlog = 0
        keep = []
        for p in self.in_flight:
            if p.status in TERMINAL:
                continue
            age = week - p.t_routed
            if age > stall and (p.status == Status.US_REVIEW or p.status == Status.DPRK_PENDING):
                p.status = Status.STALLED
                p.t_done = week
                self.log("stalled", "Blue House", p, f"no resolution after {age} weeks")
                continue
            keep.append(p)
            if age > patience:
                if p.origin != "BH":
                    backlog += 1
                if p.route == Route.WG and p.status == Status.US_REVIEW:
                    overdue += 1
                    if not p.dispute_checked and p.sigma < self.un_threshold:
                        self._check_dispute(p, f"pending {age} weeks in the WG")
        self.in_flight = keep
        # Stalled items leave the queues, so they neither count toward an ad hoc meeting
        # (queue_trigger) nor get reviewed.
        wg = self.wg
        if len(wg.queue) and any(p.terminal for p in wg.queue):
            wg.queue = [p for p in wg.queue if not p.terminal]
        if any(p.terminal for p in self.bilateral_queue):
            self.bilateral_queue = [p for p in self.bilateral_queue if not p.terminal]
        if any(p.terminal for p in self.dg.queue):
            self.dg.queue = [p for p in self.dg.queue if not p.terminal]
        self.mou.backlog = backlog
        self.overdue = overdue

    # --- phase 9: trust, frustration, legitimacy, creation and termination -------------

    def _institutions(self, week: int) -> None:
        st = self.state
        st.trust += st.trust_recovery * (st.trust0 - st.trust)
        r = self.params.rok
        self.rok_trust += r.trust_recovery * (r.initial_trust - self.rok_trust)
        lo = max(0, week - self.params.dprk.frustration_window_weeks + 1)
        self.dprk.update_frustration(
            sum(self.created_per_week[lo : week + 1]), sum(self.delivered_per_week[lo : week + 1])
        )
        wg = self.wg
        if wg.active:
            self._legitimacy(week)
            self._review_wg(week)
        elif (
            wg.phase == WgPhase.ABSENT
            and self.params.working_group.establishment == "endogenous"
            and self.counts["surprises"] >= self.params.working_group.surprises_to_create
        ):
            self._establish(
                week, f"the US demands a working group after {self.counts['surprises']} surprises"
            )
        self.wg_flags_per_week[week] = self.wk_flags
        self._reset_week()

    def _legitimacy(self, week: int) -> None:
        wg, lp = self.wg, self.params.legitimacy
        if wg.legitimacy < lp.criticism_threshold and self.random.random() < lp.criticism_prob:
            self.counts["criticisms"] += 1
            self.wk_ch += 1
            self.log("criticism", "ruling party", detail="calls the WG an obstacle to exchanges")
        wg.legitimacy, den_loss, losses = legitimacy_step(
            lp,
            wg.legitimacy,
            approved_value=self.wk_value,
            overdue=self.overdue,
            vetoes=self.wk_vetoes,
            denunciations=self.wk_den,
            pressure=self.pressure,
            challenges=self.wk_ch,
        )
        self.loss_denunciation += den_loss
        self.loss_total += losses

    def _review_wg(self, week: int) -> None:
        """At a window: terminate (with US consent) below theta_L, reform below theta_reform."""
        wg, lp = self.wg, self.params.legitimacy
        can_end = self.params.working_group.can_terminate
        level = wg.legitimacy
        rnd = self.random
        if wg.in_window(week):
            if wg.window_used or level >= lp.reform_threshold:
                return
            wg.window_used = True
            if level < lp.termination_threshold and can_end:
                if rnd.random() < self.state.consent:
                    self._terminate(week, "ended at a leadership window with US consent")
                else:
                    self.log("termination_refused", "State", detail="the US withholds consent")
                return
            wg.reform()
            self.log("wg_reformed", "WG", detail="operations readjusted at a leadership window")
        elif can_end and level < lp.termination_threshold:
            hazard = lp.hazard * (lp.termination_threshold - level) * self.state.consent
            if rnd.random() < hazard:
                self._terminate(week, "ended between windows")

    def _terminate(self, week: int, why: str) -> None:
        left = self.wg.terminate(week)
        self.log("wg_terminated", "WG", detail=why)
        if self.dg.enabled:
            self.dg.start(week)
            self.log("dg_talks_started", "DG talks", detail="director-general-level consultations")
        for p in left:
            if p.terminal:
                continue
            sanctioned = p.sigma >= self.un_threshold
            self._send(p, Route.DG if sanctioned and self.dg.active else Route.BILATERAL, week)

    # --- phase 10: record -----------------------------------------------------------------

    def _record(self, week: int) -> None:
        x_rok = self.rok_position[E]
        x_us = self.state.position[E]
        gap = abs(x_rok - x_us)
        if week == 1:
            self.gap0 = gap
        self.gap_sum += gap
        if not self.record_series:
            return
        c = self.counts
        wg = self.wg
        self.series.append(
            (
                week,
                wg.legitimacy if wg.active else math.nan,
                int(wg.phase),
                self.state.trust,
                self.rok_trust,
                self.info_quality,
                self.dprk.frustration,
                self.dprk.dpi,
                gap,
                x_rok,
                x_us,
                self.mou.position[E],
                self.mofa.position[E],
                self.state.win_set,
                int(self.dprk.mode),
                int(self.dprk.track_open),
                len(wg.queue),
                len(self.in_flight),
                c["surprises"],
                c["disputes"],
                c["implemented"],
                c["denunciations"],
                c["challenges"],
            )
        )


__all__ = ["EVENT_COLUMNS", "SERIES_COLUMNS", "DprkMode", "WorkingGroupModel"]
