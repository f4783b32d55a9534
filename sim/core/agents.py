"""The actors: one Mesa agent class per role.

South Korea is three organisations (Allison's bureaucratic politics): the Ministry of
Unification (MOU) and the Blue House propose inter-Korean items, the Ministry of Foreign
Affairs (MOFA) is the WG's "control tower" [S001]. The US State Department reviews
items, the DPRK answers offers and denounces the WG, and the UN 1718 Committee decides
exemption requests. Each agent receives what it needs in its constructor; the weekly
schedule in :mod:`sim.core.model` calls their stages in order.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from enum import IntEnum
from typing import TYPE_CHECKING

import mesa

from sim.core.proposals import Proposal, ProposalFactory, Route, Status, geometric, poisson
from sim.scenario import schema as sc

if TYPE_CHECKING:
    from sim.core.model import WorkingGroupModel

S, E, Q = 0, 1, 2


def logistic(z: float) -> float:
    """The logistic function, safe for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


class WindowMean:
    """Mean of the observations of the last ``window`` weeks, shrunk toward a prior.

    The Blue House judges consultation by recent experience (MECHANISMS §2.4): the
    estimate is ``(sum + prior*weight) / (n + weight)`` over the window.
    """

    __slots__ = ("_obs", "_sum", "prior", "weight", "window")

    def __init__(self, window: int, prior: float, weight: float) -> None:
        self.window = window
        self.prior = prior
        self.weight = weight
        self._obs: deque[tuple[int, float]] = deque()
        self._sum = 0.0

    def add(self, week: int, value: float) -> None:
        """Record an observation made in ``week``."""
        self._obs.append((week, value))
        self._sum += value

    def estimate(self, week: int) -> float:
        """The shrunk mean of the observations made after ``week - window``."""
        obs = self._obs
        while obs and obs[0][0] <= week - self.window:
            self._sum -= obs.popleft()[1]
        n = len(obs)
        if n + self.weight <= 0.0:
            return self.prior
        return (self._sum + self.prior * self.weight) / (n + self.weight)


class WindowCount:
    """Sum of the integer weekly counts ``counts[max(0, hi - width):hi]``, kept running.

    Read once a week with ``hi`` one more than last time, the sum is updated by the count
    entering the window and the one leaving it instead of being summed again; any other
    call sums the slice afresh. Integer sums are exact in any order, so both give the same
    value, provided a week's count no longer changes once it has entered the window
    (true of the model's per-week ledgers: a week's count is final by the time it is read).
    """

    __slots__ = ("counts", "hi", "total", "width")

    def __init__(self, counts: list[int], width: int) -> None:
        self.counts = counts
        self.width = width
        self.hi = 0  # the sum of the empty slice counts[0:0]
        self.total = 0

    def upto(self, hi: int) -> int:
        """The sum of ``counts[max(0, hi - width):hi]``."""
        if hi == self.hi + 1:
            counts = self.counts
            total = self.total + counts[hi - 1]
            out = hi - 1 - self.width
            if out >= 0:
                total -= counts[out]
        else:
            total = sum(self.counts[max(0, hi - self.width) : hi])
        self.total = total
        self.hi = hi
        return total


class Actor(mesa.Agent):
    """Base of every actor: a named Mesa agent."""

    role = "actor"

    def __init__(self, model: WorkingGroupModel) -> None:
        super().__init__(model)


class RokActor(Actor):
    """A South Korean organisation in KTAB-lite bargaining (position, salience, clout).

    Args:
        model: The model.
        spec: Its scenario entry.
    """

    def __init__(self, model: WorkingGroupModel, spec: sc.RokActorParams) -> None:
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
    """A ROK organisation that proposes items: Poisson arrivals of its types (§2.2).

    Args:
        model: The model.
        spec: Its scenario entry.
        factory: Where its proposals come from.
    """

    origins: tuple[str, ...] = ()

    def __init__(
        self, model: WorkingGroupModel, spec: sc.RokActorParams, factory: ProposalFactory
    ) -> None:
        super().__init__(model, spec)
        self.factory = factory
        self.rnd = factory.rnd
        # Items per week summed over its types, and the types' cumulative rates.
        self.rate, self.cumulative = factory.mixture(self.origins)

    def generate(self, week: int, multiplier: float) -> Sequence[Proposal]:
        """This week's new items: Poisson(rate x multiplier), each of a type by its rate."""
        n = poisson(self.rnd, self.rate * multiplier)
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

    def __init__(
        self, model: WorkingGroupModel, spec: sc.RokActorParams, factory: ProposalFactory
    ) -> None:
        super().__init__(model, spec, factory)
        self.backlog = 0

    def pressure(self, x_rok_e: float, pi_mou: float, backlog_weight: float) -> float:
        """The MOU's urge to challenge: s|x_MOU - x_ROK| pi_MOU + beta_b backlog (§2.5)."""
        return (
            self.salience[E] * abs(self.position[E] - x_rok_e) * pi_mou
            + backlog_weight * self.backlog
        )


class BlueHouse(Proposer):
    """The presidential office: proposes big projects and arbitrates routing (§2.4).

    For an item it may consult (through the WG or a channel), act unilaterally or shelve
    it, weighing its value, the expected US approval and delay, and the alliance cost of
    a surprise (Snyder's entrapment/abandonment trade-off; Putnam's Level II pressure).

    Args:
        model: The model.
        spec: Its scenario entry.
        factory: Where its proposals come from.
        rok: The scenario's ``rok`` section (costs, estimate window and prior).
        un_threshold: sigma_UN.
        gray_threshold: sigma_gray.
    """

    role = "Blue House"
    origins = ("BH",)

    def __init__(
        self,
        model: WorkingGroupModel,
        spec: sc.RokActorParams,
        factory: ProposalFactory,
        rok: sc.Rok,
        un_threshold: float,
        gray_threshold: float,
    ) -> None:
        super().__init__(model, spec, factory)
        self.surprise_cost = rok.surprise_cost
        self.violation_cost = rok.violation_cost
        self.violation_prob = rok.violation_prob
        self.un_threshold = un_threshold
        self.gray_threshold = gray_threshold
        window, prior, weight = (
            rok.estimate_window_weeks,
            rok.estimate_prior,
            rok.estimate_prior_weight,
        )
        self.approval = WindowMean(window, prior, weight)
        self.dprk_accept = WindowMean(window, prior, weight)
        self.detection = WindowMean(window, prior, weight)
        self.lag = WindowMean(window, rok.prior_lag_weeks, weight)
        # Weighted ROK alliance weight and discount, refreshed by the model (§2.5).
        self.alliance_bar = 0.5
        self.discount = 0.9

    def arbitrate(self, p: Proposal, week: int) -> Route:
        """Consult (bilaterally), act unilaterally or shelve a non-WG item (§2.4)."""
        v = p.v
        u_consult = v * self.approval.estimate(week) * self.discount ** self.lag.estimate(week)
        cost = p.a * self.detection.estimate(week) * self.surprise_cost
        if p.sigma >= self.gray_threshold:
            cost += self.violation_cost
        u_unilat = v * self.dprk_accept.estimate(week) - self.alliance_bar * cost
        if u_consult >= u_unilat and u_consult > 0.0:
            return Route.BILATERAL
        if u_unilat > 0.0:
            return Route.UNILATERAL
        return Route.SHELVED

    def after_veto(self, p: Proposal, week: int, first: bool) -> Route:
        """A vetoed non-sanctioned item returns to the Blue House (§2.4).

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
    """The US State Department: reviews items, co-sponsors exemptions, drifts (§2.4).

    Args:
        model: The model.
        spec: Its scenario entry (position, salience, clout).
        us: The scenario's ``us`` section.
    """

    role = "State"

    def __init__(self, model: WorkingGroupModel, spec: sc.UsActor, us: sc.Us) -> None:
        super().__init__(model)
        self.position = list(spec.position)
        self.salience = list(spec.salience)
        self.clout = spec.clout
        self.win_set = us.win_set
        self.veto_slope = us.veto_slope
        self.trust_slope = us.trust_slope
        self.bias = us.perception_bias
        self.noise = us.perception_noise
        self.drift_rate = us.drift
        self.trust0 = us.initial_trust
        self.trust = us.initial_trust
        self.trust_loss = us.trust_loss_surprise
        self.salience_gain = us.salience_gain_surprise
        self.trust_recovery = us.trust_recovery
        self.consent = us.consent_prob
        # The ROK's weights behind its position, and the drift's pull per dimension that
        # follows from them (see aim); the model sets both when the ROK's actors change.
        self.rok_weights = [0.0, 0.0, 0.0]
        self.pull = [0.0, 0.0, 0.0]

    def review(self, p: Proposal, decision_prob: float, quality: float) -> Decision:
        """Decide on ``p`` given information quality ``quality`` (perceived load, §2.4)."""
        rnd = self.model.random
        if rnd.random() >= decision_prob:
            return Decision.DEFER
        noise = self.noise * (1.0 - quality)
        perceived = p.sigma + self.bias * (1.0 - self.trust)
        if noise > 0.0:
            perceived += rnd.gauss(0.0, noise)
        z = self.veto_slope * (self.win_set - perceived) + self.trust_slope * (self.trust - 0.5)
        return Decision.APPROVE if rnd.random() < logistic(z) else Decision.VETO

    def aim(self, rok_weights: list[float]) -> None:
        """Set the pull toward the ROK per dimension: eps pi_ROK = eps w / (w + c_US s_US).

        pi_ROK changes only when the ROK's weights or the US's own salience or clout
        change, so it is computed then (here, on every such change) rather than at each
        of the few hundred consultations of a run.
        """
        self.rok_weights = rok_weights
        clout, salience, rate = self.clout, self.salience, self.drift_rate
        pull = []
        for d in range(3):
            w = rok_weights[d]
            total = w + clout * salience[d]
            pull.append(rate * w / total if total > 0.0 else 0.0)
        self.pull = pull

    def drift(self, rok_position: list[float]) -> None:
        """Move toward the ROK after a consultation (BDM compromise): x += eps pi (x_ROK - x)."""
        # Written out per dimension (0, 1, 2 are S, E, Q): called a few hundred times a run.
        position, pull = self.position, self.pull
        position[0] += pull[0] * (rok_position[0] - position[0])
        position[1] += pull[1] * (rok_position[1] - position[1])
        position[2] += pull[2] * (rok_position[2] - position[2])

    def surprised(self) -> None:
        """An undisclosed alliance-sensitive ROK move: trust falls, sanctions gain salience."""
        self.trust = max(0.0, self.trust - self.trust_loss)
        self.salience[S] = min(1.0, self.salience[S] + self.salience_gain)
        self.aim(self.rok_weights)


class DprkMode(IntEnum):
    """The DPRK's strategy (Crawford 2011; Izumikawa 2013)."""

    ENGAGE = 0
    WEDGE = 1
    COERCE = 2


class Dprk(Actor):
    """North Korea: answers offers, denounces the WG, provokes; denuclearization (§2.6).

    Args:
        model: The model.
        spec: Its scenario entry (positions).
        dprk: The scenario's ``dprk`` section.
    """

    role = "DPRK"

    def __init__(self, model: WorkingGroupModel, spec: sc.DprkActor, dprk: sc.DprkParams) -> None:
        super().__init__(model)
        self.position = list(spec.position)
        self.p = dprk
        self.track_open = False
        self.track_until = -1
        self.border_closed = False
        self.mode = DprkMode.WEDGE
        self.coerce_week = -1
        self.frustration = 0.0
        self.trust_us = dprk.initial_trust_us
        self.dpi = 0.0

    def update_mode(self, week: int) -> None:
        """Engage while the US–DPRK track is open, wedge otherwise; coerce in a provocation week."""
        if self.track_open and 0 < self.track_until <= week:
            self.track_open = False
            self.model.log("track_closed", "DPRK", detail="the reopened track lapses")
        if self.coerce_week == week:
            self.mode = DprkMode.COERCE
        else:
            self.mode = DprkMode.ENGAGE if self.track_open else DprkMode.WEDGE

    def respond(self, p: Proposal) -> int:
        """Answer a pending offer: 1 accept, -1 reject, 0 ignore for good, 2 not yet."""
        rnd = self.model.random
        d = self.p
        if rnd.random() >= d.respond_prob:
            return 2
        small = p.w < d.min_value
        wedge = self.mode != DprkMode.ENGAGE
        if wedge and small and rnd.random() < d.ignore_small_prob:
            return 0
        z = d.accept_intercept + d.accept_value * p.w
        if self.mode == DprkMode.ENGAGE:
            z += d.accept_engage
        if wedge and small:
            z -= d.accept_wedge_penalty
        if p.modified:
            z -= d.accept_modified_penalty
        prob = logistic(z)
        if self.border_closed:
            prob *= 1.0 - d.border_penalty
        return 1 if rnd.random() < prob else -1

    def denounces(self, visibility: float) -> bool:
        """Whether the DPRK denounces the WG: P = 1 - exp(-lambda V (1+F)(1+omega wedge))."""
        rate = self.p.denunciation_rate * visibility * (1.0 + self.frustration)
        if self.mode == DprkMode.WEDGE:
            rate *= 1.0 + self.p.wedge_boost
        return self.model.random.random() < 1.0 - math.exp(-rate)

    def update_frustration(self, pledged: int, delivered: int) -> None:
        """F <- (1 - rho) F + rho * (undelivered share of recent pledges)."""
        gap = (pledged - delivered) / pledged if pledged > 0 else 0.0
        gap = 0.0 if gap < 0.0 else gap
        rho = self.p.frustration_rate
        self.frustration = (1.0 - rho) * self.frustration + rho * gap

    def progress(self, us_q: float) -> None:
        """Denuclearization progress: grows with the track open and a small sequencing gap."""
        d = self.p
        dpi = self.dpi
        if self.track_open:
            fit = 1.0 - abs(us_q - self.position[Q]) / d.sequencing_tolerance
            if fit > 0.0:
                dpi += d.dpi_rate * fit * self.trust_us * (1.0 - dpi)
        if self.mode == DprkMode.COERCE:
            dpi -= d.dpi_provocation_loss
        self.dpi = 0.0 if dpi < 0.0 else 1.0 if dpi > 1.0 else dpi

    def provoke(self, week: int) -> None:
        """A major provocation: coercion this week, frustration halved."""
        self.coerce_week = week
        self.mode = DprkMode.COERCE
        self.frustration /= 2.0


class Un1718Committee(Actor):
    """The UN Security Council's 1718 Committee: decides exemptions with a lag (§2.4).

    Args:
        model: The model.
        un: The scenario's ``un`` section.
    """

    role = "UN 1718"

    def __init__(self, model: WorkingGroupModel, un: sc.Un) -> None:
        super().__init__(model)
        self.p = un
        self.due: dict[int, list[Proposal]] = {}

    def submit(self, p: Proposal, week: int, cosponsored: bool) -> None:
        """Queue an exemption request; the decision comes 1 + Geom(1/l) weeks later."""
        lag_mean = self.p.lag_cosponsored_weeks if cosponsored else self.p.lag_standard_weeks
        lag = 1 + geometric(self.model.random, 1.0 / lag_mean)
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
                lag = 1 + geometric(self.model.random, 1.0 / self.p.lag_cosponsored_weeks)
                moved.setdefault(min(due, week + lag), []).append(p)
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
        rnd = self.model.random
        out = []
        for p in items:
            prob = self.p.approval_cosponsored if p.un_cosponsored else self.p.approval_standard
            out.append((p, rnd.random() < prob))
        return out
