"""North Korea: it answers offers, denounces the working group, provokes (ODD §7, DPRK).

The DPRK engages while the US–DPRK track is open and otherwise plays a wedge strategy
(Crawford 2011): it rewards the ROK's offers and denounces the institution that binds the
allies. A denunciation is a salient act that answers an occasion — the WG's launch, a
WG veto or delay made public in a dispute, a breakdown of talks, a crisis [S002, S004] — so
the occasions add to a grievance that a denunciation spends and that otherwise fades;
frustration with undelivered pledges may end in a provocation.
"""

from __future__ import annotations

import math
from enum import IntEnum

import mesa

from sim.core.agents.base import Actor, Dimension, logistic
from sim.core.proposals import TERMINAL, Proposal, Status
from sim.scenario import DprkActor, DprkParams


class DprkMode(IntEnum):
    """The DPRK's strategy (Crawford 2011; Izumikawa 2013)."""

    ENGAGE = 0
    WEDGE = 1
    COERCE = 2


class Answer(IntEnum):
    """The DPRK's answer to a pending offer."""

    WAIT = 0
    """Not yet: the offer stays pending."""
    ACCEPT = 1
    REJECT = 2
    IGNORE = 3
    """Ignored for good: the item stalls."""


class Dprk(Actor):
    """North Korea: answers offers, denounces the WG, provokes; denuclearization (ODD §7).

    Args:
        model: The model.
        spec: Its scenario entry (positions).
        params: The scenario's ``dprk`` section.

    Attributes:
        offers: Items offered to it, waiting for its answer.
        grievance: G, the WG's unanswered occasions for a denunciation.
        occasion: The largest occasion since the last denunciation.
    """

    def __init__(self, model: mesa.Model, spec: DprkActor, params: DprkParams) -> None:
        super().__init__(model)
        self.params = params
        self.position = list(spec.position)
        self.track_open = False
        self.track_until = -1
        self.border_closed = False
        self.mode = DprkMode.WEDGE
        self.coerce_week = -1
        self.frustration = 0.0
        self.trust_us = params.initial_trust_us
        self.dpi = 0.0
        self.dpi_peak = 0.0
        self.turned = False  # after the first breakdown of the US-DPRK track (a5)
        self.offers: list[Proposal] = []
        self.grievance = 0.0
        self.occasion = ""
        self._occasion_size = 0.0
        self._launched = False
        self._disputes_seen = 0

    # --- the week ---------------------------------------------------------------------

    def act(self, week: int) -> None:
        """Mode, a provocation from frustration, answers, a denunciation, progress."""
        d = self.params
        if self.update_mode(week):
            self.model.event_log("track_closed", "DPRK", detail="the reopened track lapses")
            self.breakdown("the lapse of the reopened talks")
        if d.endogenous_provocation and self.frustration > d.frustration_threshold:
            self.provocation(week, "frustration with undelivered pledges")
        if self.offers:
            self.answer_offers(week)
        if self.model.wg.active:
            self.denunciation(week)
        if self.track_open or self.mode == DprkMode.COERCE:  # otherwise the DPI stays put
            self.progress(self.model.state.position[Dimension.SEQUENCING])

    def update_mode(self, week: int) -> bool:
        """Engage while the US–DPRK track is open, wedge otherwise; coerce in a provocation week.

        Returns whether a reopened track lapsed this week (and so closed).
        """
        lapsed = self.track_open and 0 < self.track_until <= week
        if lapsed:
            self.track_open = False
        if self.coerce_week == week:
            self.mode = DprkMode.COERCE
        else:
            self.mode = DprkMode.ENGAGE if self.track_open else DprkMode.WEDGE
        return lapsed

    # --- offers -----------------------------------------------------------------------

    def offer(self, p: Proposal) -> None:
        """``p`` is offered to the DPRK; it answers in its next move."""
        p.status = Status.DPRK_PENDING
        self.offers.append(p)

    def respond(self, p: Proposal) -> Answer:
        """Answer a pending offer (docs/model.md §7, DPRK).

        An item the DPRK co-signed is agreed already: it accepts it at once, without a draw.
        """
        if p.cosigned:
            return Answer.ACCEPT
        rnd = self.random
        d = self.params
        if rnd.random() >= d.respond_prob:
            return Answer.WAIT
        small = p.value_dprk < d.min_value
        wedge = self.mode != DprkMode.ENGAGE
        if wedge and small and rnd.random() < d.ignore_small_prob:
            return Answer.IGNORE
        z = d.accept_intercept + d.accept_value * p.value_dprk
        if self.mode == DprkMode.ENGAGE:
            z += d.accept_engage
        if wedge and small:
            z -= d.accept_wedge_penalty
        if p.modified:
            z -= d.accept_modified_penalty
        if self.turned:
            z -= d.accept_turn_penalty
        prob = logistic(z)
        if self.border_closed:
            prob *= 1.0 - d.border_penalty
        return Answer.ACCEPT if rnd.random() < prob else Answer.REJECT

    def answer_offers(self, week: int) -> None:
        """Answer the pending offers; unanswered ones stay pending."""
        model = self.model
        accept, log, accepted = (
            model.blue_house.dprk_accept,
            model.event_log,
            model.pipeline.accepted,
        )
        keep = []
        for p in self.offers:
            if p.status in TERMINAL:
                continue
            answer = self.respond(p)
            if answer == Answer.WAIT:
                keep.append(p)
                continue
            p.t_dprk = week
            accept.add(week, 1.0 if answer == Answer.ACCEPT else 0.0)
            if answer == Answer.ACCEPT:
                accepted.append(p)
                log("dprk_accepted", "DPRK", p)
            elif answer == Answer.REJECT:
                p.status, p.t_done = Status.DPRK_REJECTED, week
                log("dprk_rejected", "DPRK", p)
            else:
                p.status, p.t_done = Status.STALLED, week
                log("dprk_ignored", "DPRK", p)
        self.offers = keep

    # --- denunciations ------------------------------------------------------------------

    def grieve(self, amount: float, occasion: str) -> None:
        """An occasion for a denunciation while the WG exists: G += amount."""
        if not self.model.wg.active or amount <= 0.0:
            return
        self.grievance += amount
        if amount > self._occasion_size:
            self.occasion, self._occasion_size = occasion, amount

    def denounces(self, grievance: float) -> bool:
        """Whether the DPRK denounces the WG: P = 1 - exp(-lambda G (1+F)(1+omega wedge))."""
        if grievance <= 0.0:
            return False  # no occasion, no draw
        rate = self.params.denunciation_rate * grievance * (1.0 + self.frustration)
        if self.mode == DprkMode.WEDGE:
            rate *= 1.0 + self.params.wedge_boost
        return self.random.random() < 1.0 - math.exp(-rate)

    def denunciation(self, week: int) -> None:
        """New occasions add to G; a denunciation spends it; what is left fades (ODD §7)."""
        d, model = self.params, self.model
        # The WG's visibility to the DPRK; switched off, its launch and disputes add nothing.
        seen = model.wg.params.visible_to_dprk
        if not self._launched:
            self._launched = True
            if seen:
                self.grieve(d.visibility_launch, "at its launch")
        # What Pyongyang sees of the WG's vetoes and delays is what becomes public in
        # Seoul: the disputes over "interference" since last week.
        disputes = model.friction.disputes
        visible = disputes - self._disputes_seen
        self._disputes_seen = disputes
        if seen:
            self.grieve(d.visibility_per_item * visible, "over a WG veto or delay")
        if self.denounces(self.grievance + d.visibility_base):
            ledgers = model.ledgers
            ledgers.last_denunciation_week = week
            if ledgers.first_denunciation_week < 0:
                ledgers.first_denunciation_week = week
            model.tally.denunciations += 1
            model.event_log(
                "denunciation", "DPRK", detail=f"denounces the working group {self.occasion}"
            )
            self.grievance, self.occasion, self._occasion_size = 0.0, "", 0.0
        else:
            self.grievance *= 1.0 - d.grievance_decay

    # --- shocks, frustration and progress ----------------------------------------------

    def breakdown(self, name: str) -> None:
        """The US–DPRK track breaks down (a shock or a lapse).

        From the first breakdown on, the DPRK accepts fewer of Seoul's offers (a5), in
        either variant: the turn is Pyongyang's, not the WG's.
        """
        self.turned = True
        self.grieve(self.params.visibility_breakdown, f"after {name}")

    def provocation(self, week: int, name: str) -> None:
        """A major provocation (scheduled or from frustration).

        Coercion this week, frustration halved; it is an occasion for a denunciation and
        opens a review window for the WG.
        """
        self.coerce_week = week
        self.mode = DprkMode.COERCE
        self.frustration /= 2.0
        self.model.event_log("provocation", "DPRK", detail=name)
        self.grieve(self.params.visibility_crisis, f"with {name}")
        self.model.wg.open_window(week, self.params.provocation_window_weeks, f"after {name}")

    def weigh_pledges(self, week: int) -> None:
        """Frustration from recent pledges and deliveries.

        The window is the last ``frustration_window_weeks`` weeks, this one included.
        """
        ledgers = self.model.ledgers
        self.update_frustration(
            ledgers.recent_created.upto(week + 1), ledgers.recent_delivered.upto(week + 1)
        )

    def update_frustration(self, pledged: int, delivered: int) -> None:
        """F <- (1 - rho) F + rho * (undelivered share of recent pledges)."""
        gap = (pledged - delivered) / pledged if pledged > 0 else 0.0
        gap = max(gap, 0.0)
        rho = self.params.frustration_rate
        self.frustration = (1.0 - rho) * self.frustration + rho * gap

    def progress(self, us_q: float) -> None:
        """Denuclearization progress: grows with the track open and a small sequencing gap."""
        d = self.params
        dpi = self.dpi
        if self.track_open:
            fit = 1.0 - abs(us_q - self.position[Dimension.SEQUENCING]) / d.sequencing_tolerance
            if fit > 0.0:
                dpi += d.dpi_rate * fit * self.trust_us * (1.0 - dpi)
        if self.mode == DprkMode.COERCE:
            dpi -= d.dpi_provocation_loss
        self.move_dpi(dpi)

    def move_dpi(self, dpi: float) -> None:
        """Set the DPI (clipped to [0, 1]) and keep its peak."""
        self.dpi = min(max(dpi, 0.0), 1.0)
        self.dpi_peak = max(self.dpi_peak, self.dpi)
