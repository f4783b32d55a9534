"""The US State Department: it reviews the items the allies consult on (ODD §7, US review)."""

from __future__ import annotations

from enum import IntEnum

import mesa

from sim.core.agents.base import Actor, Dimension, logistic
from sim.core.agents.choices import REVIEW_OPTIONS, ReviewDecision, StateDecider, ask
from sim.core.proposals import TERMINAL, Proposal
from sim.scenario import Us, UsActor


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
        # Who takes its reviews: None is its own rule; a decider (the page's role-play) is
        # asked at each review, after the rule has drawn its numbers and decided.
        self.decider: StateDecider | None = None

    def decide(self, p: Proposal, decision_prob: float, quality: float) -> Decision:
        """Decide on ``p`` given information quality ``quality`` (docs/model.md §7, US review)."""
        return self.judge(p, decision_prob, quality)[0]

    def judge(
        self, p: Proposal, decision_prob: float, quality: float
    ) -> tuple[Decision, float, float]:
        """The rule's decision on ``p``, the load it perceived and its chance to approve.

        A deferral draws one number and no perception noise: the load is then the one
        perceived without noise.
        """
        us = self.params
        rnd = self.random
        perceived = p.sigma + us.perception_bias * (1.0 - self.trust)
        defer = rnd.random() >= decision_prob
        if not defer:
            noise = us.perception_noise * (1.0 - quality)
            if noise > 0.0:
                perceived += rnd.gauss(0.0, noise)
        z = us.veto_slope * (self.win_set - perceived) + us.trust_slope * (self.trust - 0.5)
        chance = logistic(z)
        if defer:
            return Decision.DEFER, perceived, chance
        return (Decision.APPROVE if rnd.random() < chance else Decision.VETO), perceived, chance

    def ask(
        self, p: Proposal, week: int, prob: float, quality: float, cosponsor: bool
    ) -> tuple[Decision, bool]:
        """The decider's review of ``p`` (asked after the rule's draws) and co-sponsorship."""
        assert self.decider is not None
        decision, perceived, chance = self.judge(p, prob, quality)
        sanctioned = p.sigma >= self.model.parameters.proposals.un_threshold
        un = self.model.parameters.un
        own = decision.name.lower()
        if decision == Decision.APPROVE and sanctioned and cosponsor:
            own = "cosponsor"
        options = REVIEW_OPTIONS if sanctioned else REVIEW_OPTIONS[1:]  # co-sponsor: UN items
        d = ReviewDecision(
            week, p.route.name.lower(), p.id, p.type, perceived, sanctioned, p.value_rok,
            p.n_deferrals, prob, quality, self.trust, self.win_set, chance, cosponsor,
            (un.approval_cosponsored, un.approval_standard),
            (un.min_lag_cosponsored_weeks + un.lag_cosponsored_weeks,
             un.min_lag_standard_weeks + un.lag_standard_weeks), options, own,
        )  # fmt: skip
        chosen = ask(self.decider, d, self.model, "State", "review", p)
        if chosen == "cosponsor":
            return Decision.APPROVE, True
        return Decision[chosen.upper()], False  # approved without co-sponsoring, or not

    def review(
        self,
        items: list[Proposal],
        requeue: list[Proposal],
        week: int,
        *,
        prob: float,
        cosponsor: bool,
        via_wg: bool,
        disputes: bool = True,
    ) -> None:
        """Review consulted items: defer (back to ``requeue``), approve, or veto.

        An approved sanctioned item becomes an exemption request to the UN 1718 Committee,
        co-sponsored if ``cosponsor``; another approved item is offered to the DPRK. A
        vetoed one returns to the Blue House. Through the WG (``via_wg``) approvals and
        vetoes count toward its legitimacy, and a veto may become a public dispute (if
        ``disputes``: the WG as a veto point).
        """
        model = self.model
        quality = model.information.quality
        blue_house, log, tally = model.blue_house, model.event_log, model.tally
        lag, approval = blue_house.lag, blue_house.approval
        threshold = model.parameters.proposals.un_threshold
        for p in items:
            if p.status in TERMINAL:
                continue
            if self.decider is None:
                decision, cosponsored = self.decide(p, prob, quality), cosponsor
            else:
                decision, cosponsored = self.ask(p, week, prob, quality, cosponsor)
            if decision == Decision.DEFER:
                p.n_deferrals += 1
                requeue.append(p)
                log("deferred", "State", p)
                continue
            p.t_us = week
            lag.add(week, week - p.t_routed)
            if decision == Decision.APPROVE:
                approval.add(week, 1.0)
                log("approved", "State", p)
                if via_wg:
                    tally.approved_value += p.value_rok
                if p.sigma >= threshold:
                    model.un.submit(p, week, cosponsored=cosponsored)
                    log("un_submitted", "UN 1718", p, "co-sponsored" if cosponsored else "")
                else:
                    model.dprk.offer(p)
            else:
                approval.add(week, 0.0)
                log("vetoed", "State", p)
                if via_wg:
                    tally.vetoes += 1
                    if disputes and p.sigma < threshold and not p.dispute_checked:
                        model.friction.check_dispute(p, "vetoed through the WG")
                blue_house.after_veto(p, week)

    def aim(self, rok_weights: list[float]) -> None:
        """Set the pull toward the ROK per dimension: eps pi_ROK = eps w / (w + c_US s_US).

        pi_ROK changes only when the ROK's weights or the US's own salience or clout
        change, so it is computed then rather than at each consultation.
        """
        self.rok_weights = rok_weights
        rate = self.params.drift
        pull = []
        for d in Dimension:
            w = rok_weights[d]
            total = w + self.clout * self.salience[d]
            pull.append(rate * w / total if total > 0.0 else 0.0)
        self.pull = pull

    def drift(self) -> None:
        """Move toward the ROK after a consultation (BDM compromise): x += eps pi (x_ROK - x)."""
        rok_position = self.model.government.position
        for d in range(3):
            self.position[d] += self.pull[d] * (rok_position[d] - self.position[d])

    def surprised(self) -> None:
        """An undisclosed alliance-sensitive ROK move: trust falls, sanctions gain salience."""
        us = self.params
        self.trust = max(0.0, self.trust - us.trust_loss_surprise)
        sanctions = Dimension.SANCTIONS
        self.salience[sanctions] = min(1.0, self.salience[sanctions] + us.salience_gain_surprise)
        self.aim(self.rok_weights)

    def recover_trust(self) -> None:
        """Trust returns toward its initial level at the recovery rate."""
        us = self.params
        self.trust += us.trust_recovery * (us.initial_trust - self.trust)
