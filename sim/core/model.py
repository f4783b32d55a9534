"""The model: wiring and the weekly schedule (MECHANISMS §2.3).

One step is one week. Dated shocks and the WG's agreement fire from Mesa's event list
half a week before their step; :meth:`WorkingGroupModel.step` then runs the phases of the
week in order, each delegated to the agents, channels and rules of the other modules.
"""

from __future__ import annotations

import heapq
import logging
import math
from collections import defaultdict
from collections.abc import Callable

import mesa
from mesa.experimental.mesa_signals import ObservableSignals
from mesa.mesa_logging import get_module_logger
from mesa.time.events import Event, Priority

from sim.core.agents import (
    Actor,
    BlueHouse,
    Dprk,
    DprkMode,
    E,
    Mofa,
    Mou,
    Q,
    RokActor,
    StateDepartment,
    Un1718Committee,
    WindowCount,
)
from sim.core.channels import BilateralChannel, DgTalks, WorkingGroup
from sim.core.phases import consultation, institutions, responses
from sim.core.phases.bargaining import (
    bargaining_round,
    effective_e,
    effective_position,
    weighted_mean,
)
from sim.core.proposals import (
    ROUTE_NAMES,
    Proposal,
    ProposalFactory,
    Route,
    Status,
)
from sim.core.shocks import schedule_shocks
from sim.scenario import schema as sc

COUNTED_KINDS = ("surprise", "dispute", "implemented", "denunciation", "mou_challenge")
"""Event kinds whose running counts the rules or the weekly series read (``model.logged``)."""

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

_MESA_MODEL_LOG = get_module_logger("mesa.model")
"""The logger of Mesa's ``Model._do_step`` (its per-step line is at INFO)."""


class WorkingGroupModel(mesa.Model):
    """US–ROK policy coordination, with or without a working group.

    Args:
        scenario: A validated scenario.
        seed: Seed of every random draw (``model.random`` and ``model.rng``).
        record_series: Record the weekly series (off in summary mode).
        record_events: Write the event log's rows. Off, the rows are only counted: the
            outcome metrics and the rules read the counts, never the rows.
    """

    def __init__(
        self,
        scenario: sc.Scenario,
        seed: int = 0,
        *,
        record_series: bool = True,
        record_events: bool = True,
    ):
        super().__init__(rng=seed)
        # Weeks are stepped by _advance_time below, not by Mesa's default EventGenerator
        # (as Mesa's own DEVS simulator does); dated events stay on Mesa's event list.
        self._default_schedule.stop()
        self._due: list[float] = []
        self.params = scenario
        self.seed = seed
        self.record_series = record_series
        self.record_events = record_events
        self.week = 0
        self.n_weeks = scenario.calendar.n_weeks
        self.events: list[tuple[int, str, str, int, str, str, str]] = []
        # Rows of each kind written by log(); contacts are counted on their channels. The
        # kinds the rules and the series read are present from the start (read as plain keys).
        self.logged: defaultdict[str, int] = defaultdict(int, dict.fromkeys(COUNTED_KINDS, 0))
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
        # Parameters read in the contacts loop, copied here (the scenario is frozen).
        self.info_retention = 1.0 - s.information.decay
        self.info_learning = s.information.learning
        self.disclosure = s.information.disclosure
        self.nsc_passthrough = s.us.nsc_passthrough
        self.rok_trust = s.rok.initial_trust
        self.bargaining_interval = s.rok.bargaining_interval_weeks
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
        # Running window sums of the ledgers (frustration, visibility; see WindowCount).
        width = s.dprk.frustration_window_weeks
        self.recent_created = WindowCount(self.created_per_week, width)
        self.recent_delivered = WindowCount(self.delivered_per_week, width)
        self.recent_flags = WindowCount(self.wg_flags_per_week, s.dprk.visibility_window_weeks)
        self.last_denunciation_week = -1
        self.loss_denunciation = 0.0
        self.loss_total = 0.0
        self.gap_sum = 0.0
        self.gap0 = math.nan
        self.overdue = 0
        self.reset_week()

    def reset_week(self) -> None:
        """Clear the per-week accumulators."""
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
        """Count one event and, if the log is kept, append its row (docs/events.md: kinds)."""
        self.logged[kind] += 1
        if not self.record_events:
            return
        if p is None:
            self.events.append((self.week, kind, actor, 0, "", "", detail))
        else:
            self.events.append((self.week, kind, actor, p.id, p.type, ROUTE_NAMES[p.route], detail))

    def event_counts(self) -> dict[str, int]:
        """Rows of each kind in the event log, from the counts kept as it was written.

        The same as counting the log itself (tests check it) without reading its rows:
        every row but a contact's is written by :meth:`log`, and each contact is counted
        on its channel (see ``consultation.contact``).
        """
        counts = {kind: n for kind, n in self.logged.items() if n}
        contacts = sum(ch.contacts for ch in self.channels)
        if contacts:
            counts["contact"] = contacts
        return counts

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
        self.establish(self._agreed_week, "the allies agree to set up the working group")

    def establish(self, week: int, why: str) -> None:
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
        self.state.aim(self.rok_weights)
        weights = [a.weight_e for a in rok]  # computed once for both means
        self.blue_house.alliance_bar = weighted_mean([a.alliance_weight for a in rok], rok, weights)
        patience = weighted_mean([a.patience_weeks for a in rok], rok, weights)
        self.blue_house.discount = 1.0 - 1.0 / patience

    def refresh_rok_e(self) -> None:
        """Refresh x_ROK,E alone, after a bargaining round.

        A round moves positions on engagement pace only; weights, saliences and clouts are
        unchanged, so the rest of what :meth:`refresh_rok` caches still holds.
        """
        x = self.rok_position
        self.rok_position = [x[0], effective_e(self.rok), x[2]]

    def release(self) -> None:
        """Drop every reference the model holds; for after its outputs are extracted.

        The agents, the scheduled shocks and Mesa's registries refer back to the model, so
        an unreachable model would wait for the cyclic garbage collector (a collection
        cost about 4 % of a run). Released, it holds nothing and is freed as soon as it
        is unreachable. The outputs already taken (events, series, proposals) are
        unaffected; the model itself cannot be used afterwards.
        """
        self.__dict__.clear()

    # --- time ----------------------------------------------------------------------------

    def schedule_event(
        self,
        function: Callable[..., None],
        *,
        at: float | None = None,
        after: float | None = None,
        priority: Priority = Priority.DEFAULT,
    ) -> Event:
        """Mesa's ``schedule_event``, remembering the time so the week loop knows it is due."""
        event = super().schedule_event(function, at=at, after=after, priority=priority)
        heapq.heappush(self._due, event.time)
        return event

    def _advance_time(self, until: float) -> None:
        """Advance to ``until``: dated events on Mesa's event list, then each week's step.

        Mesa 3.5 drives ``step`` through an EventGenerator that allocates an Event with
        weak references every week, about a sixth of a run here. This loop steps the weeks
        itself; events scheduled before a week (shocks, half a week ahead) still fire from
        Mesa's event list first, in Mesa's order. ``step()``, ``run_for`` and ``run_until``
        all come here. Mesa's ``_do_step`` counts the step, formats a log line at INFO and
        calls ``step``; while that line would not be shown (Mesa's default) the loop does
        the count and the call itself, without formatting the line.
        """
        if until <= self.time or self._event_generators:  # type: ignore[has-type]
            super()._advance_time(until)  # Mesa's warning, or recurring events we did not plan
            return
        due = self._due
        quiet = not _MESA_MODEL_LOG.isEnabledFor(logging.INFO)
        # Mesa's ``time`` is an Observable: each assignment asks whether anyone subscribed
        # (about 0.35 µs, 1.5 % of a run). While no one has, as in batches, the loop writes
        # the value where the Observable keeps it; a subscriber (the page) gets every change.
        observed = self._has_subscribers("time", ObservableSignals.CHANGED)
        user_step = self._user_step
        week = self.steps + 1
        while week <= until:
            if due and due[0] < week:
                if observed:
                    last = heapq.heappop(due)
                    while due and due[0] < week:
                        last = heapq.heappop(due)
                    super()._advance_time(last)
                else:
                    self._fire_due(week)
            if observed:
                self.time = float(week)
            else:
                self._time = float(week)
            if quiet:
                self.steps += 1
                user_step()
            else:
                self._do_step()
            week += 1
        if due and due[0] <= until:
            super()._advance_time(until)
        self.time = until

    def _fire_due(self, week: int) -> None:
        """Execute the events on Mesa's event list that fall before ``week``, in its order.

        Mesa's own ``_advance_time`` would do it too, but each call also pops the next
        event to find it is not due and pushes it back, and announces each time change
        (about 5 µs an event, 2 % of a run). Used while no one observes ``time``: the time
        is written where the Observable keeps it. ``_due`` holds the time of every event
        scheduled; a cancelled event's time stays there, so an event popped for it that is
        not yet due goes back on the list.
        """
        due = self._due
        events = self._event_list
        while due and due[0] < week:
            heapq.heappop(due)
            try:
                event = events.pop_event()  # skips cancelled events
            except IndexError:  # nothing left but cancelled events
                due.clear()
                return
            if event.time >= week:  # the due time was a cancelled event's
                events.add_event(event)
                continue
            self._time = event.time
            event.execute()

    # --- the weekly schedule -------------------------------------------------------------

    def step(self) -> None:
        """One week; scheduled shocks have already fired (phase 1)."""
        week = self.week = self.steps
        self._generate(week)  # 2
        if week % self.bargaining_interval == 0:
            self._bargain(week)  # 3
        if self.inbox:  # most weeks bring no new item
            self._route_new(week)  # 4
        consultation.channels_phase(self, week)  # 5
        if week in self.un.due:  # most weeks have no UN decision due
            responses.un_phase(self, week)  # 6
        responses.dprk_phase(self, week)  # 7
        responses.implementation_phase(self, week)  # 8
        institutions.institutions_phase(self, week)  # 9
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
            x_rok=self.rok_position[E],
        )
        if res.challenged:
            winner = "MOU" if res.mou_prevailed else "MOFA"
            self.log("mou_challenge", "MOU", detail=f"calls to readjust the WG; {winner} prevails")
            if self.wg.active:
                self.wk_ch += 1
        self.refresh_rok_e()

    def _route_new(self, week: int) -> None:
        for p in self.inbox:
            self.send(p, self._choose_route(p, week), week)
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

    def send(self, p: Proposal, route: Route, week: int) -> None:
        """Send ``p`` along ``route`` (queues, statuses and the event log)."""
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
                    responses.detect(
                        self, p, week
                    )  # going ahead alone is announced: it may surprise
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

    # --- phase 10: record -----------------------------------------------------------------

    def _record(self, week: int) -> None:
        x_rok = self.rok_position[E]
        state = self.state
        x_us = state.position[E]
        gap = abs(x_rok - x_us)
        if week == 1:
            self.gap0 = gap
        self.gap_sum += gap
        if not self.record_series:
            return
        c = self.logged
        wg = self.wg
        dprk = self.dprk
        # The phase and mode are IntEnums, stored as their plain int values (``_value_``,
        # an attribute read, is cheaper than a call): a row of plain numbers is untracked by
        # the cyclic garbage collector, while one holding an enum member would be traversed
        # by it for good.
        self.series.append(
            (
                week,
                wg.legitimacy if wg.active else math.nan,
                wg.phase._value_,
                state.trust,
                self.rok_trust,
                self.info_quality,
                dprk.frustration,
                dprk.dpi,
                gap,
                x_rok,
                x_us,
                self.mou.position[E],
                self.mofa.position[E],
                state.win_set,
                dprk.mode._value_,
                dprk.track_open,
                len(wg.queue),
                len(self.in_flight),
                c["surprise"],
                c["dispute"],
                c["implemented"],
                c["denunciation"],
                c["mou_challenge"],
            )
        )


__all__ = ["EVENT_COLUMNS", "SERIES_COLUMNS", "DprkMode", "WorkingGroupModel"]
