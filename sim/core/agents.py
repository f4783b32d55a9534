"""The actors: one Mesa agent class per role.

South Korea is three organisations (Allison's bureaucratic politics): the Ministry of
Unification (MOU) and the Blue House propose inter-Korean items, the Ministry of Foreign
Affairs (MOFA) is the WG's "control tower" [S001]. The US State Department reviews
items, the DPRK answers offers and denounces the WG, and the UN 1718 Committee decides
exemption requests (docs/model.md, entities).

Each agent is given its scenario entry (its initial state) and the section of rules it
follows; it keeps the section as ``params`` and reads every rule parameter from there.
What changes during a run (positions, trust, the US win-set, consent) is the agent's own
state, initialised from them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import IntEnum

import mesa

from sim.core.ledgers import WindowMean
from sim.core.proposals import Proposal, ProposalFactory, Route, Status, geometric, poisson
from sim.scenario import DprkActor, DprkParams, Proposals, Rok, RokActorParams, Un, Us, UsActor

S, E, Q = 0, 1, 2
"""Indices of the issue dimensions: sanctions strictness, engagement pace, sequencing."""


def logistic(z: float) -> float:
    """The logistic function, safe for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


class Actor(mesa.Agent):
    """Base of every actor: a Mesa agent with a display name (``role``)."""

    role = "actor"


class RokActor(Actor):
    """A South Korean organisation in KTAB-lite bargaining (position, salience, clout).

    Args:
        model: The model.
        spec: Its scenario entry.
    """

    def __init__(self, model: mesa.Model, spec: RokActorParams) -> None:
        super().__init__(model)
        self.position = list(spec.position)
        self.salience = list(spec.salience)
        self.clout = spec.clout
        self.alliance_weight = spec.alliance_weight
        self.patience_weeks = spec.patience_weeks

    @property
    def weight_e(self) -> float:
        """Clout x salience on engagement pace: the actor's say in ROK bargaining."""
        return self.clout * self.salience[E]


class Mofa(RokActor):
    """Ministry of Foreign Affairs: the WG's ROK axis; prefers coordination [S001]."""

    role = "MOFA"


class Proposer(RokActor):
    """A ROK organisation that proposes items: Poisson arrivals of its types (ODD §7).

    Args:
        model: The model.
        spec: Its scenario entry.
        factory: Where its proposals come from.
    """

    origins: tuple[str, ...] = ()

    def __init__(self, model: mesa.Model, spec: RokActorParams, factory: ProposalFactory) -> None:
        super().__init__(model, spec)
        self.factory = factory
        # Items per week summed over its types, and the types' cumulative rates.
        self.rate, self.cumulative = factory.mixture(self.origins)

    def generate(self, week: int, multiplier: float) -> Sequence[Proposal]:
        """This week's new items: Poisson(rate x multiplier), each of a type by its rate."""
        n = poisson(self.random, self.rate * multiplier)
        if not n:  # most weeks
            return ()
        return self.factory.draw(n, self.rate, self.cumulative, week)


class Mou(Proposer):
    """Ministry of Unification: proposes exchanges, loses patience, challenges the WG [S003].

    Args:
        model: The model.
        spec: Its scenario entry.
        factory: Where its (and NGOs') proposals come from.
    """

    role = "MOU"
    origins = ("MOU", "NGO")

    def __init__(self, model: mesa.Model, spec: RokActorParams, factory: ProposalFactory) -> None:
        super().__init__(model, spec, factory)
        self.backlog = 0

    def pressure(self, x_rok_e: float, pi_mou: float, backlog_weight: float) -> float:
        """The MOU's urge to challenge: s|x_MOU - x_ROK| pi_MOU + beta_b backlog (ODD §7)."""
        return (
            self.salience[E] * abs(self.position[E] - x_rok_e) * pi_mou
            + backlog_weight * self.backlog
        )


class BlueHouse(Proposer):
    """The presidential office: proposes big projects and arbitrates routing (ODD §7).

    For an item it may consult (through the WG or a channel), act unilaterally or shelve
    it, weighing its value, the expected US approval and delay, and the alliance cost of
    a surprise (Snyder's entrapment/abandonment trade-off; Putnam's Level II pressure).

    Args:
        model: The model.
        spec: Its scenario entry.
        factory: Where its proposals come from.
        params: The scenario's ``rok`` section (costs, estimate window and prior).
        proposals: The scenario's ``proposals`` section (the grey-zone threshold).
    """

    role = "Blue House"
    origins = ("BH",)

    def __init__(
        self,
        model: mesa.Model,
        spec: RokActorParams,
        factory: ProposalFactory,
        params: Rok,
        proposals: Proposals,
    ) -> None:
        super().__init__(model, spec, factory)
        self.params = params
        self.proposals = proposals
        window, weight = params.estimate_window_weeks, params.estimate_prior_weight
        self.approval = WindowMean(window, params.estimate_prior, weight)
        self.dprk_accept = WindowMean(window, params.estimate_prior, weight)
        self.detection = WindowMean(window, params.estimate_prior, weight)
        self.lag = WindowMean(window, params.prior_lag_weeks, weight)
        # The ROK's weighted alliance weight and discount, set by the government (ODD §7).
        self.alliance_bar = 0.5
        self.discount = 0.9

    def arbitrate(self, p: Proposal, week: int) -> Route:
        """Consult (bilaterally), act unilaterally or shelve a non-WG item (ODD §7)."""
        r = self.params
        v = p.value_rok
        u_consult = v * self.approval.estimate(week) * self.discount ** self.lag.estimate(week)
        cost = p.alliance_sensitivity * self.detection.estimate(week) * r.surprise_cost
        if p.sigma >= self.proposals.gray_threshold:
            cost += r.violation_cost
        u_unilat = v * self.dprk_accept.estimate(week) - self.alliance_bar * cost
        if u_consult >= u_unilat and u_consult > 0.0:
            return Route.BILATERAL
        if u_unilat > 0.0:
            return Route.UNILATERAL
        return Route.SHELVED

    def after_veto(self, p: Proposal, week: int, first: bool) -> Route:
        """A vetoed non-sanctioned item returns to the Blue House (docs/model.md §7, US review).

        On a first veto the item has been modified (less load, less value); consulting
        again means resubmitting it through its route. After a second veto only going
        alone or shelving remain.
        """
        route = self.arbitrate(p, week)
        if route == Route.BILATERAL:
            return p.route if first else Route.SHELVED
        return route


class Decision(IntEnum):
    """Outcome of one US review of a proposal."""

    DEFER = 0
    APPROVE = 1
    VETO = 2


class StateDepartment(Actor):
    """The US State Department: reviews items, co-sponsors exemptions, drifts (ODD §7).

    Args:
        model: The model.
        spec: Its scenario entry (position, salience, clout).
        params: The scenario's ``us`` section.
    """

    role = "State"

    def __init__(self, model: mesa.Model, spec: UsActor, params: Us) -> None:
        super().__init__(model)
        self.params = params
        self.position = list(spec.position)
        self.salience = list(spec.salience)
        self.clout = spec.clout
        self.win_set = params.win_set
        self.trust = params.initial_trust
        self.consent = params.consent_prob
        # The ROK's weights behind its position, and the drift's pull per dimension that
        # follows from them (see aim); the government sets both when the ROK's actors change.
        self.rok_weights = [0.0, 0.0, 0.0]
        self.pull = [0.0, 0.0, 0.0]

    def review(self, p: Proposal, decision_prob: float, quality: float) -> Decision:
        """Decide on ``p`` given information quality ``quality`` (docs/model.md §7, US review)."""
        us = self.params
        rnd = self.random
        if rnd.random() >= decision_prob:
            return Decision.DEFER
        noise = us.perception_noise * (1.0 - quality)
        perceived = p.sigma + us.perception_bias * (1.0 - self.trust)
        if noise > 0.0:
            perceived += rnd.gauss(0.0, noise)
        z = us.veto_slope * (self.win_set - perceived) + us.trust_slope * (self.trust - 0.5)
        return Decision.APPROVE if rnd.random() < logistic(z) else Decision.VETO

    def aim(self, rok_weights: list[float]) -> None:
        """Set the pull toward the ROK per dimension: eps pi_ROK = eps w / (w + c_US s_US).

        pi_ROK changes only when the ROK's weights or the US's own salience or clout
        change, so it is computed then rather than at each consultation.
        """
        self.rok_weights = rok_weights
        rate = self.params.drift
        pull = []
        for d in range(3):
            w = rok_weights[d]
            total = w + self.clout * self.salience[d]
            pull.append(rate * w / total if total > 0.0 else 0.0)
        self.pull = pull

    def drift(self, rok_position: list[float]) -> None:
        """Move toward the ROK after a consultation (BDM compromise): x += eps pi (x_ROK - x)."""
        for d in range(3):
            self.position[d] += self.pull[d] * (rok_position[d] - self.position[d])

    def surprised(self) -> None:
        """An undisclosed alliance-sensitive ROK move: trust falls, sanctions gain salience."""
        us = self.params
        self.trust = max(0.0, self.trust - us.trust_loss_surprise)
        self.salience[S] = min(1.0, self.salience[S] + us.salience_gain_surprise)
        self.aim(self.rok_weights)

    def recover_trust(self) -> None:
        """Trust returns toward its initial level at the recovery rate."""
        us = self.params
        self.trust += us.trust_recovery * (us.initial_trust - self.trust)


class DprkMode(IntEnum):
    """The DPRK's strategy (Crawford 2011; Izumikawa 2013)."""

    ENGAGE = 0
    WEDGE = 1
    COERCE = 2


class Dprk(Actor):
    """North Korea: answers offers, denounces the WG, provokes; denuclearization (ODD §7).

    Args:
        model: The model.
        spec: Its scenario entry (positions).
        params: The scenario's ``dprk`` section.
    """

    role = "DPRK"

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

    def respond(self, p: Proposal) -> int:
        """Answer a pending offer: 1 accept, -1 reject, 0 ignore for good, 2 not yet."""
        rnd = self.random
        d = self.params
        if rnd.random() >= d.respond_prob:
            return 2
        small = p.value_dprk < d.min_value
        wedge = self.mode != DprkMode.ENGAGE
        if wedge and small and rnd.random() < d.ignore_small_prob:
            return 0
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
        return 1 if rnd.random() < prob else -1

    def denounces(self, grievance: float) -> bool:
        """Whether the DPRK denounces the WG: P = 1 - exp(-lambda G (1+F)(1+omega wedge))."""
        if grievance <= 0.0:
            return False  # no occasion, no draw
        rate = self.params.denunciation_rate * grievance * (1.0 + self.frustration)
        if self.mode == DprkMode.WEDGE:
            rate *= 1.0 + self.params.wedge_boost
        return self.random.random() < 1.0 - math.exp(-rate)

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
            fit = 1.0 - abs(us_q - self.position[Q]) / d.sequencing_tolerance
            if fit > 0.0:
                dpi += d.dpi_rate * fit * self.trust_us * (1.0 - dpi)
        if self.mode == DprkMode.COERCE:
            dpi -= d.dpi_provocation_loss
        self.move_dpi(dpi)

    def move_dpi(self, dpi: float) -> None:
        """Set the DPI (clipped to [0, 1]) and keep its peak."""
        self.dpi = min(max(dpi, 0.0), 1.0)
        self.dpi_peak = max(self.dpi_peak, self.dpi)

    def provoke(self, week: int) -> None:
        """A major provocation: coercion this week, frustration halved."""
        self.coerce_week = week
        self.mode = DprkMode.COERCE
        self.frustration /= 2.0


class Un1718Committee(Actor):
    """The UN Security Council's 1718 Committee: decides exemptions with a lag (ODD §7).

    Args:
        model: The model.
        params: The scenario's ``un`` section.
    """

    role = "UN 1718"

    def __init__(self, model: mesa.Model, params: Un) -> None:
        super().__init__(model)
        self.params = params
        self.due: dict[int, list[Proposal]] = {}

    def _lag(self, cosponsored: bool) -> int:
        """Weeks to a decision: m + X, X geometric on {0, 1, ...} with mean l (ODD §7, UN).

        m and l are the minimum and mean extra lag of the request's kind; a lag of 0
        means a decision in the week the request is filed (phase 6 follows phase 5).
        """
        un = self.params
        if cosponsored:
            least, mean = un.min_lag_cosponsored_weeks, un.lag_cosponsored_weeks
        else:
            least, mean = un.min_lag_standard_weeks, un.lag_standard_weeks
        return least + geometric(self.random, 1.0 / (1.0 + mean)) - 1

    def submit(self, p: Proposal, week: int, cosponsored: bool) -> None:
        """Queue an exemption request; the decision comes m + X weeks later (see ``_lag``)."""
        lag = self._lag(cosponsored)
        p.status = Status.UN_PENDING
        p.t_un_submit = week
        p.un_cosponsored = cosponsored
        self.due.setdefault(week + lag, []).append(p)

    def cosponsor_pending(self, week: int) -> list[Proposal]:
        """The US co-sponsors requests already pending; the decision may come sooner.

        Each request not yet co-sponsored gets a co-sponsored lag drawn from ``week``;
        its decision week becomes the earlier of the two. Returns the requests taken up.
        """
        taken: list[Proposal] = []
        moved: dict[int, list[Proposal]] = {}
        for due, items in list(self.due.items()):
            keep = []
            for p in items:
                if p.un_cosponsored:
                    keep.append(p)
                    continue
                p.un_cosponsored = True
                # At least next week: the takeover may come after this week's decisions.
                moved.setdefault(min(due, week + max(1, self._lag(True))), []).append(p)
                taken.append(p)
            self.due[due] = keep
        for due, items in moved.items():
            self.due.setdefault(due, []).extend(items)
        return taken

    def decide(self, week: int) -> list[tuple[Proposal, bool]]:
        """This week's decisions: (proposal, approved)."""
        items = self.due.pop(week, None)
        if not items:
            return []
        un = self.params
        out = []
        for p in items:
            prob = un.approval_cosponsored if p.un_cosponsored else un.approval_standard
            out.append((p, self.random.random() < prob))
        return out
