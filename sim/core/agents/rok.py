"""South Korea's three organisations: the MOU, MOFA and the Blue House (ODD §2, §7).

South Korea is three organisations (Allison's bureaucratic politics): the Ministry of
Unification (MOU) and the Blue House propose inter-Korean items, the Ministry of Foreign
Affairs (MOFA) is the WG's "control tower" [S001]. The Blue House routes each new item
and decides what to do with a vetoed one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mesa

from sim.core.agents.base import Actor, Dimension
from sim.core.agents.choices import MouDecider, MouDecision, ask
from sim.core.ledgers import WindowMean
from sim.core.proposals import Proposal, ProposalFactory, Route, Status, poisson
from sim.scenario import Proposals, Rok, RokActorParams

_E = Dimension.ENGAGEMENT


@dataclass(frozen=True)
class RoutingDecision:
    """One routing decision of the Blue House, as it sees it (what a decider is given).

    Attributes:
        week: The week.
        stage: ``"new"`` (a new item to route), ``"vetoed"`` (vetoed once, now modified)
            or ``"vetoed again"``.
        proposal_id, type: The item.
        sigma: Its sanctions load (after any modification).
        sanctioned: Whether that load needs a UN exemption (the rule does not weigh such
            an item by value: the WG, DG talks or an envoy channel, alone only by chance).
        value: Its value to the ROK.
        alliance_sensitivity: How much the US minds not being told.
        approval, dprk_accept, detection, lag: The Blue House's estimates (chance the US
            approves, chance the DPRK accepts, chance going alone is detected, weeks a
            consultation takes).
        scope: The WG's scope (chance a non-sanctioned item goes to it), 0 without a WG.
        options: The routes allowed, in the order offered.
        utilities: Route -> the value the agent's own rule gives it (consulting, going
            alone; shelving is 0). Routes its rule does not weigh by value are absent.
        own: The route the agent's own rule picks.
    """

    week: int
    stage: str
    proposal_id: int
    type: str
    sigma: float
    sanctioned: bool
    value: float
    alliance_sensitivity: float
    approval: float
    dprk_accept: float
    detection: float
    lag: float
    scope: float
    options: tuple[Route, ...]
    utilities: dict[Route, float]
    own: Route


Decider = Callable[[RoutingDecision], Route]
"""Takes the Blue House's routing choice: given a :class:`RoutingDecision`, one option."""


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
        return self.clout * self.salience[_E]


class Mofa(RokActor):
    """Ministry of Foreign Affairs: the WG's ROK axis; prefers coordination [S001]."""

    def propose_group(self, week: int) -> None:
        """With endogenous establishment: propose a working group after repeated surprises.

        Seoul proposed the group ("We are the ones who suggested it" [S001]; docs/record.md,
        wg-agreed) once Washington had been surprised by its moves; the US agrees. MOFA
        proposes when the US surprises reach ``surprises_to_create``.
        """
        model = self.model
        wg = model.wg
        if wg.params.establishment != "endogenous" or wg.created_week >= 0:
            return  # agreed on a date, never, or proposed already
        surprises = model.friction.surprises
        if surprises >= wg.params.surprises_to_create:
            wg.establish(
                week, f"MOFA proposes a working group after {surprises} US surprises; the US agrees"
            )


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
        """This week's new items: Poisson(rate x multiplier), each of a type by its rate.

        The types' rates answer the DPRK's state: each is scaled by its factor while the
        US-DPRK track is closed and while the border is closed (docs/model.md §7).
        """
        dprk = self.model.dprk
        rate, cumulative = self.factory.mixture(
            self.origins, talks_closed=not dprk.track_open, border_closed=dprk.border_closed
        )
        n = poisson(self.random, rate * multiplier)
        if not n:  # most weeks
            return ()
        return self.factory.draw(n, rate, cumulative, week)


class Mou(Proposer):
    """Ministry of Unification: proposes exchanges, loses patience, challenges the WG [S003].

    Args:
        model: The model.
        spec: Its scenario entry.
        factory: Where its (and NGOs') proposals come from.

    Attributes:
        backlog: Its items pending past its patience (counted by the weekly sweep).
    """

    origins = ("MOU", "NGO")

    def __init__(self, model: mesa.Model, spec: RokActorParams, factory: ProposalFactory) -> None:
        super().__init__(model, spec, factory)
        self.backlog = 0
        # Who takes its decisions: None is its own rule; a decider (the page's role-play)
        # is asked for each drafted item and at each bargaining round, after the rule.
        self.decider: MouDecider | None = None
        self.last_pressure = 0.0

    def pressure(self, x_rok_e: float, pi_mou: float, backlog_weight: float) -> float:
        """The MOU's urge to challenge: s|x_MOU - x_ROK| pi_MOU + beta_b backlog (ODD §7)."""
        return (
            self.salience[_E] * abs(self.position[_E] - x_rok_e) * pi_mou
            + backlog_weight * self.backlog
        )

    def generate(self, week: int, multiplier: float) -> Sequence[Proposal]:
        """This week's drafted items (:meth:`Proposer.generate`) that the MOU puts forward.

        Its own rule puts forward every item it drafts; a decider may hold one back (it
        never enters the pipeline).
        """
        items = super().generate(week, multiplier)
        if self.decider is None or not items:
            return items
        kept = []
        for p in items:
            if self.decider is None:  # handed back to the rule after an answer this week
                kept.append(p)
                continue
            d = self._decision(week, "propose", ("propose", "hold"), "propose", p)
            if ask(self.decider, d, self.model, "MOU", "propose", p) == "propose":
                kept.append(p)
        return kept

    def challenges(self, pressure: float, threshold: float, pi_mou: float, gap: float) -> bool:
        """Whether the MOU challenges in a bargaining round: its urge above the threshold.

        With a decider, the decider's answer (asked after the rule; the rule draws
        nothing here).
        """
        own = pressure > threshold
        if self.decider is None:
            return own
        self.last_pressure = pressure
        d = self._decision(
            self.model.steps, "challenge", ("challenge", "quiet"),
            "challenge" if own else "quiet", None, threshold, pi_mou, gap,
        )  # fmt: skip
        return ask(self.decider, d, self.model, "MOU", "challenge") == "challenge"

    def _decision(
        self,
        week: int,
        kind: str,
        options: tuple[str, ...],
        own: str,
        p: Proposal | None,
        threshold: float = 0.0,
        prevail: float = 0.0,
        gap: float = 0.0,
    ) -> MouDecision:
        """What the MOU knows at a decision (the item, if any, and its standing)."""
        model = self.model
        if self.clout < model.parameters.rok.public_challenge_clout:
            form = "an objection inside the government (not public: no cost to the WG)"
        elif model.wg.active:
            form = "a public call to readjust the working group (it costs the WG legitimacy)"
        else:
            form = "a public challenge of MOFA's line on engagement"
        item = (p.id, p.type, p.sigma, p.value_rok) if p is not None else (-1, "", 0.0, 0.0)
        return MouDecision(
            week, kind, *item, self.backlog, self.last_pressure, threshold, prevail, gap,
            form, bool(model.wg.active), options, own,
        )  # fmt: skip


class BlueHouse(Proposer):
    """The presidential office: proposes big projects, routes items, arbitrates (ODD §7).

    For an item it may consult (through the WG or a channel), act unilaterally or shelve
    it, weighing its value, the expected US approval and delay, and the alliance cost of
    a surprise (Snyder's entrapment/abandonment trade-off; Putnam's Level II pressure).

    Args:
        model: The model.
        spec: Its scenario entry.
        factory: Where its proposals come from.
        params: The scenario's ``rok`` section (costs, estimate window and prior).
        proposals: The scenario's ``proposals`` section (thresholds, modification).
    """

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
        # Who takes its routing decisions: None is its own rule; a decider (the page's
        # role-play) is asked at each decision with a choice, after the rule has run.
        self.decider: Decider | None = None

    def route(self, week: int) -> None:
        """Send every new item in the inbox along its route (docs/model.md §7, Routing)."""
        pipeline = self.model.pipeline
        inbox = pipeline.inbox
        for p in inbox:
            pipeline.send(p, self.decide(p, week, "new", self.choose(p, week)), week)
        inbox.clear()

    def choose(self, p: Proposal, week: int) -> Route:
        """Sanctioned items to the WG (or DG talks, or a channel); others by scope or arbitration.

        An item the sanctions regime rules out (``barred``: joint ventures, bulk cash) is
        shelved: no exemption exists for it and going ahead would break the resolutions,
        which Seoul did not do (the Blue House would not reopen Kaesong until sanctions are
        lifted; docs/record.md, item-kaesong-reopening). An item the DPRK co-signed
        (``cosigned``) is agreed already: it is announced, not consulted on (the military
        agreement; docs/record.md, surprise-2018-09-17). A sanctioned item goes ahead alone
        in violation with probability ``violation_prob``.
        """
        if p.barred:  # no exemption exists for it: held until sanctions are lifted
            return Route.SHELVED
        if p.cosigned:  # agreed with the DPRK already: announced, not consulted on
            return Route.UNILATERAL
        wg = self.model.wg
        if p.sigma >= self.proposals.un_threshold:
            if self.random.random() < self.params.violation_prob:
                return Route.UNILATERAL
            if wg.active:
                return Route.WG
            return Route.DG if self.model.dg.active else Route.BILATERAL
        if wg.active and self.random.random() < wg.scope:
            return Route.WG
        return self.arbitrate(p, week)

    def decide(self, p: Proposal, week: int, stage: str, own: Route) -> Route:
        """The route taken: ``own`` (the rule's choice), or the decider's if one is set.

        The one place a decider (``self.decider``) replaces the Blue House's choice. It is
        asked after the rule has run (so the rule's random draws are the same with or
        without it) and only when there is a choice (not for a barred, co-signed or
        vetoed sanctioned item). Each answer is logged as a ``student_choice`` event.
        """
        if self.decider is None or p.barred or p.cosigned:
            return own
        wg = self.model.wg
        if stage == "new":
            first = (Route.WG,) if wg.active else (Route.DG,) if self.model.dg.active else ()
            options = (*first, Route.BILATERAL, Route.UNILATERAL, Route.SHELVED)
        elif stage == "vetoed":  # a first veto: resubmit (modified) through its route
            options = (p.route, Route.UNILATERAL, Route.SHELVED)
        else:  # "vetoed again": going alone or giving it up
            options = (Route.UNILATERAL, Route.SHELVED)
        options = tuple(dict.fromkeys((*options, own)))
        u_consult, u_unilat = self.utilities(p, week)
        consult = {"new": Route.BILATERAL, "vetoed": p.route}.get(stage, Route.NONE)
        d = RoutingDecision(
            week, stage, p.id, p.type, p.sigma, p.sigma >= self.proposals.un_threshold,
            p.value_rok, p.alliance_sensitivity,
            self.approval.estimate(week), self.dprk_accept.estimate(week),
            self.detection.estimate(week), self.lag.estimate(week),
            wg.scope if wg.active else 0.0, options,
            {r: u for r, u in ((consult, u_consult), (Route.UNILATERAL, u_unilat),
                               (Route.SHELVED, 0.0)) if r in options}, own,
        )  # fmt: skip
        chosen = self.decider(d)
        if chosen not in options:
            raise ValueError(f"the decider chose {chosen!r}; allowed: {options}")
        names = {r: r.name.lower() for r in Route}
        self.model.event_log(
            "student_choice", "Blue House", p,
            f"{stage}: chose {names[chosen]}; the model would choose {names[own]}",
        )  # fmt: skip
        return chosen

    def utilities(self, p: Proposal, week: int) -> tuple[float, float]:
        """The values of consulting and of going alone for ``p`` (ODD §7); no draws."""
        r = self.params
        v = p.value_rok
        u_consult = v * self.approval.estimate(week) * self.discount ** self.lag.estimate(week)
        cost = p.alliance_sensitivity * self.detection.estimate(week) * r.surprise_cost
        if p.sigma >= self.proposals.gray_threshold:
            cost += r.violation_cost
        u_unilat = v * self.dprk_accept.estimate(week) - self.alliance_bar * cost
        return u_consult, u_unilat

    def arbitrate(self, p: Proposal, week: int) -> Route:
        """Consult (bilaterally), act unilaterally or shelve a non-WG item (ODD §7)."""
        u_consult, u_unilat = self.utilities(p, week)
        if u_consult >= u_unilat and u_consult > 0.0:
            return Route.BILATERAL
        if u_unilat > 0.0:
            return Route.UNILATERAL
        return Route.SHELVED

    def reconsider(self, p: Proposal, week: int, *, first: bool) -> Route:
        """Where a vetoed non-sanctioned item goes next (docs/model.md §7, US review).

        On a first veto the item has been modified (less load, less value); consulting
        again means resubmitting it through its route. After a second veto only going
        alone or shelving remain.
        """
        route = self.arbitrate(p, week)
        if route == Route.BILATERAL:
            return p.route if first else Route.SHELVED
        return route

    def after_veto(self, p: Proposal, week: int) -> None:
        """A vetoed item: sanctioned ones end; others are modified, go alone or are dropped."""
        spec = self.proposals
        if p.sigma >= spec.un_threshold:
            p.status = Status.VETOED
            p.t_done = week
            return
        first = not p.modified
        if first:
            p.modified = True
            p.sigma *= 1.0 - spec.modify_sanction_cut
            p.value_rok *= 1.0 - spec.modify_value_loss
        stage = "vetoed" if first else "vetoed again"
        route = self.decide(p, week, stage, self.reconsider(p, week, first=first))
        log = self.model.event_log
        if route == Route.SHELVED:
            p.status = Status.VETOED
            p.t_done = week
            log("shelved", "Blue House", p, "after a US veto")
            return
        if route != Route.UNILATERAL:
            log("modified", "Blue House", p, "resubmitted after a US veto")
        self.model.pipeline.send(p, route, week)
