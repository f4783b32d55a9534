"""The other coordination channels: DG-level talks after the WG, and ad hoc contacts.

Without the working group, a few bilateral channels make random contacts (Chung–Bolton,
Kang–Pompeo, Lee–Biegun [S001]): they disclose partially, and disclosure falls as
preferences diverge (Crawford–Sobel cheap talk); NSC channels may clear items State never
hears of [S001] (docs/model.md §7: Ad hoc contacts, US review). After a WG ends,
director-general-level talks meet regularly on sanctioned items [S002].
"""

from __future__ import annotations

from typing import Any

import mesa

from sim.core.agents import Dimension
from sim.core.proposals import Proposal, Route, pick, poisson
from sim.scenario import Calendar, Channel, Successor


class DgTalks:
    """Director-general-level talks after the WG: regular, sanctioned items only [S002].

    Args:
        model: The model.
        params: The WG's ``successor`` section.
    """

    def __init__(self, model: mesa.Model, params: Successor) -> None:
        self.model: Any = model
        self.params = params
        self.active = False
        self.started = -1
        self.last_meeting = -1
        self.queue: list[Proposal] = []
        # Counterfactual: talks from a date in a world without the group (-1: none).
        start = params.start
        calendar = self.model.parameters.calendar
        self.start_week = -1 if start is None else max(1, calendar.week_of(start))

    def start(self, week: int) -> None:
        """Begin meeting after the WG ends."""
        self.active = True
        self.started = week
        self.last_meeting = week

    def meeting_due(self, week: int) -> bool:
        """Every ``interval`` weeks."""
        return self.active and week - self.last_meeting >= self.params.interval_weeks

    def meet(self, week: int) -> None:
        """A meeting if one is due: State reviews its queue (no vetting).

        With a start date (a world without the group) the talks begin in its week and
        first meet ``interval_weeks`` later.
        """
        if week == self.start_week and not self.active:
            self.start(week)
            self.model.event_log(
                "dg_talks_started", "DG talks", detail="director-general-level consultations"
            )
        if not (self.active and self.meeting_due(week)):
            return
        model = self.model
        self.last_meeting = week
        model.event_log("dg_meeting", "DG talks", detail=f"{len(self.queue)} items on the table")
        model.information.learn()
        review_queue(
            self, week, prob=model.parameters.us.decision_prob_wg, cosponsor=self.params.cosponsor
        )
        model.state.drift()


class BilateralChannel:
    """An ad hoc envoy-level or minister-level channel [S001], open while its ends hold office.

    Args:
        spec: Its scenario entry.
        calendar: The run's calendar (to date the channel's tenure in weeks); needed
            only when the entry has a tenure.

    Attributes:
        first_week: The first week it is open (the week of ``active_from``; 0: from the start).
        last_week: The last week it is open (the week of ``active_until``; -1: to the end).
    """

    __slots__ = ("first_week", "last_week", "name", "rate", "reach", "via_nsc")

    def __init__(self, spec: Channel, calendar: Calendar | None = None) -> None:
        self.name = spec.name
        self.rate = spec.contacts_per_week
        self.via_nsc = spec.via_nsc
        self.reach = spec.reach
        self.first_week, self.last_week = 0, -1
        if spec.active_from is None and spec.active_until is None:
            return
        if calendar is None:
            raise ValueError(f"channel '{spec.name}' has a tenure: give the run's calendar")
        if spec.active_from is not None:
            self.first_week = calendar.week_of(spec.active_from)
        if spec.active_until is not None:
            self.last_week = calendar.week_of(spec.active_until)

    def open_in(self, week: int) -> bool:
        """Whether both its ends hold office in ``week`` (the weeks of their dates count)."""
        return week >= self.first_week and (self.last_week < 0 or week <= self.last_week)


class Contacts:
    """The ad hoc channels together, and the items waiting for a contact that reaches State.

    Contacts are one Poisson count at the channels' summed rate, each then on a channel
    drawn in proportion to its rate (the same as one count per channel).

    Args:
        model: The model.
        channels: The scenario's ``channels``.

    Attributes:
        channels: One :class:`BilateralChannel` per entry.
        queue: Items consulted on ad hoc, waiting for a contact that reaches State.
    """

    def __init__(self, model: mesa.Model, channels: list[Channel]) -> None:
        self.model: Any = model
        calendar = self.model.parameters.calendar
        self.channels = [BilateralChannel(c, calendar) for c in channels]
        self.queue: list[Proposal] = []
        self.rate = 0.0
        self.edges: list[tuple[BilateralChannel, float]] = []
        # The weeks in which a channel opens or closes: the open set is redrawn then.
        self._changes = {ch.first_week for ch in self.channels} | {
            ch.last_week + 1 for ch in self.channels if ch.last_week >= 0
        }
        self._open_in(0)

    def _open_in(self, week: int) -> None:
        """The summed rate and cumulative edges of the channels open in ``week``."""
        self.rate = 0.0
        self.edges = []
        for ch in self.channels:
            if ch.rate > 0.0 and ch.open_in(week):
                self.rate += ch.rate
                self.edges.append((ch, self.rate))

    def make(self, week: int) -> None:
        """This week's contacts, on the channels whose envoys hold office (docs/model.md §7)."""
        if week in self._changes:
            self._open_in(week)
        rnd = self.model.random
        n = poisson(rnd, self.rate)
        for _ in range(n):
            self.contact(pick(self.edges, rnd.random() * self.rate), week)

    def contact(self, ch: BilateralChannel, week: int) -> None:
        """An ad hoc contact: partial disclosure, learning and review if it reaches State.

        On an NSC channel what is said reaches State with probability rho_US; on another
        channel with the channel's reach (1 draws nothing): an envoy's talks that stay
        with the envoy inform no one who decides [S001].
        """
        model = self.model
        rnd, log, us = model.random, model.event_log, model.parameters.us
        if ch.via_nsc:
            reached = rnd.random() < us.nsc_passthrough
        else:
            reached = ch.reach >= 1.0 or rnd.random() < ch.reach
        log("contact", ch.name, detail="" if reached else "not passed on to State")
        if not reached:
            if ch.via_nsc:
                self.nsc_clearance(ch)
            return
        information = model.information
        information.learn()
        offers = model.dprk.offers
        if offers:
            e = Dimension.ENGAGEMENT
            gap = abs(model.government.position[e] - model.state.position[e])
            psi = information.params.disclosure * (1.0 - gap)
            for p in offers:
                if not p.us_informed and p.route == Route.UNILATERAL and rnd.random() < psi:
                    p.us_informed = True
                    log("disclosed", ch.name, p)
        if self.queue:
            review_queue(
                self, week, prob=us.decision_prob_adhoc, cosponsor=model.wg.params.cosponsor_ad_hoc
            )
        model.state.drift()

    def nsc_clearance(self, ch: BilateralChannel) -> None:
        """The White House raises no objection but State never hears of it [S001].

        Non-sanctioned items consulted on an NSC channel that does not pass them on go
        ahead uninformed: Seoul believes it coordinated, State may be surprised (Pompeo's
        protest over the military agreement: "check internally on your side").
        """
        model = self.model
        threshold = model.parameters.proposals.un_threshold
        keep = []
        for p in self.queue:
            if p.sigma < threshold and not p.us_informed and not p.terminal:
                model.event_log("nsc_cleared", ch.name, p, "cleared by the NSC; State not told")
                model.dprk.offer(p)
            else:
                keep.append(p)
        self.queue = keep


def review_queue(venue: DgTalks | Contacts, week: int, *, prob: float, cosponsor: bool) -> None:
    """State reviews everything waiting in ``venue``'s queue, now known to the US.

    Deferred items go back into the (emptied) queue for the venue's next meeting or contact.
    """
    items, venue.queue = venue.queue, []
    for p in items:
        p.us_informed = True
    venue.model.state.review(items, venue.queue, week, prob=prob, cosponsor=cosponsor, via_wg=False)
