"""The ROK government as one player: the blend of its three organisations (ODD §4, §7).

The ROK's effective position is the clout x salience weighted mean of the Blue House,
MOFA and MOU (KTAB-lite; Bueno de Mesquita). It changes only in bargaining rounds and
through shocks, so it is computed then and read by the others. Domestic pressure
(Putnam's Level II) lives here too: it speeds proposals and sharpens denunciations.

Every few weeks the MOU may challenge on engagement pace; the challenge either moves the
Blue House toward the MOU or toward MOFA. It goes public only when the MOU has the clout
to take a fight with MOFA outside the government (Allison's bureaucratic politics: the
new minister of 2020 [S003]); a public challenge while the WG exists is a call to readjust
it and costs the WG legitimacy; without a WG it is a public challenge of MOFA's line.
Otherwise the MOU objects inside the government. Without a challenge every actor drifts
toward the ROK's effective position.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, NamedTuple

import mesa

from sim.core.agents import BlueHouse, Dimension, Mofa, Mou, RokActor
from sim.scenario import Rok

_E = Dimension.ENGAGEMENT


def _blend(actors: Sequence[RokActor], d: int) -> tuple[float, float]:
    """The ROK's position on dimension ``d`` and the total weight sum(c*s) behind it."""
    pos = wts = 0.0
    for a in actors:
        w = a.clout * a.salience[d]
        pos += w * a.position[d]
        wts += w
    return (pos / wts if wts > 0.0 else 0.5), wts


def effective_position(actors: Sequence[RokActor]) -> tuple[list[float], list[float]]:
    """The ROK's position per dimension and the total weight sum(c*s) behind it."""
    blends = [_blend(actors, d) for d in Dimension]
    return [x for x, _ in blends], [w for _, w in blends]


def effective_e(actors: Sequence[RokActor]) -> float:
    """The ROK's position on engagement pace alone (what bargaining moves and reads)."""
    return _blend(actors, _E)[0]


def weighted_mean(values: Sequence[float], actors: Sequence[RokActor]) -> float:
    """Mean of ``values`` weighted by each actor's clout x engagement salience."""
    weights = [a.weight_e for a in actors]
    total = sum(weights)
    if total <= 0.0:
        return sum(values) / len(values)
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total


def challenge_probability(mou: Mou, mofa: Mofa) -> float:
    """pi_MOU: the MOU's chance to prevail, c s / (c s + c_MOFA s_MOFA) on dimension E."""
    num = mou.weight_e
    den = num + mofa.weight_e
    return num / den if den > 0.0 else 0.5


class RoundResult(NamedTuple):
    """What one bargaining round did."""

    challenged: bool
    mou_prevailed: bool
    pressure: float


def _move(actor: RokActor, target: float, step: float) -> None:
    x = actor.position[_E]
    if abs(target - x) <= step:
        actor.position[_E] = target
    else:
        actor.position[_E] = x + step if target > x else x - step


def bargaining_round(
    blue_house: RokActor,
    mofa: Mofa,
    mou: Mou,
    *,
    step: float,
    threshold: float,
    backlog_weight: float,
    rnd: random.Random,
) -> RoundResult:
    """One round on engagement pace (docs/model.md §7, ROK bargaining).

    The MOU challenges when ``s|x_MOU - x_ROK| pi_MOU + beta_b backlog > kappa_c``. With
    probability pi_MOU the Blue House moves ``step`` toward the MOU and MOFA concedes
    ``step/2``; otherwise the Blue House moves toward MOFA and the MOU concedes ``step/2``.
    Without a challenge each actor drifts toward x_ROK at rate ``step*(1 - s)``.
    """
    actors = (blue_house, mofa, mou)
    x_rok = effective_e(actors)
    pi_mou = challenge_probability(mou, mofa)
    pressure = mou.pressure(x_rok, pi_mou, backlog_weight)
    if mou.challenges(pressure, threshold, pi_mou, abs(mou.position[_E] - x_rok)):
        mou_wins = rnd.random() < pi_mou
        winner, loser = (mou, mofa) if mou_wins else (mofa, mou)
        _move(blue_house, winner.position[_E], step)
        _move(loser, winner.position[_E], step / 2.0)
        return RoundResult(True, mou_wins, pressure)
    for a in actors:
        _move(a, x_rok, step * (1.0 - a.salience[_E]))
    return RoundResult(False, False, pressure)


class RokGovernment:
    """The Blue House, MOFA and MOU, with the positions and weights they add up to.

    Args:
        model: The model (its three ROK agents and the State Department exist already).
        params: The scenario's ``rok`` section.

    Attributes:
        actors: The Blue House, MOFA and the MOU.
        position: The ROK's effective position per dimension.
        weights: The total weight sum(c*s) behind it per dimension.
        pressure: Domestic pressure D (shocks move it).
        surge_until: The last week of a summit's surge of proposals (-1: none).
    """

    def __init__(self, model: mesa.Model, params: Rok) -> None:
        self.model: Any = model
        self.params = params
        self.blue_house: BlueHouse = self.model.blue_house
        self.mofa: Mofa = self.model.mofa
        self.mou: Mou = self.model.mou
        self.actors: tuple[RokActor, ...] = (self.blue_house, self.mofa, self.mou)
        self.pressure = params.domestic_pressure
        self.surge_until = -1
        self.position: list[float] = []
        self.weights: list[float] = []
        self.refresh()

    def propose(self, week: int) -> None:
        """The MOU and the Blue House propose: rates x (1 + pressure), x the summit surge.

        Arrivals are Poisson, faster under domestic pressure (Putnam's Level II) and in the
        weeks after a summit (docs/model.md §7, Generation).
        """
        multiplier = 1.0 + self.pressure
        if week <= self.surge_until:
            multiplier *= self.model.parameters.proposals.summit_multiplier
        pipeline = self.model.pipeline
        for proposer in (self.mou, self.blue_house):
            for p in proposer.generate(week, multiplier):
                pipeline.add(p, week)

    def surge(self, week: int) -> None:
        """A summit: proposals come faster for ``summit_surge_weeks`` weeks from ``week``."""
        self.surge_until = week + self.model.parameters.proposals.summit_surge_weeks - 1

    def bargain(self, week: int) -> None:
        """A bargaining round if one is due this week; a challenge is logged and counted."""
        r = self.params
        if week % r.bargaining_interval_weeks:
            return
        res = bargaining_round(
            self.blue_house,
            self.mofa,
            self.mou,
            step=r.bargaining_step,
            threshold=r.challenge_threshold,
            backlog_weight=r.backlog_weight,
            rnd=self.model.random,
        )
        if res.challenged:
            winner = "MOU" if res.mou_prevailed else "MOFA"
            log = self.model.event_log
            if self.mou.clout < r.public_challenge_clout:
                log(
                    "mou_objection",
                    "MOU",
                    detail=f"objects inside the government; {winner} prevails",
                )
            elif self.model.wg.active:
                log("mou_challenge", "MOU", detail=f"calls to readjust the WG; {winner} prevails")
                self.model.tally.challenges += 1
            else:
                log(
                    "mou_challenge_mofa",
                    "MOU",
                    detail=f"publicly challenges MOFA's line on engagement; {winner} prevails",
                )
        self.refresh_e()

    def refresh(self) -> None:
        """Recompute what follows from the actors' positions, saliences and clouts."""
        rok = self.actors
        self.position, self.weights = effective_position(rok)
        self.model.state.aim(self.weights)
        self.blue_house.alliance_bar = weighted_mean([a.alliance_weight for a in rok], rok)
        patience = weighted_mean([a.patience_weeks for a in rok], rok)
        self.blue_house.discount = 1.0 - 1.0 / patience

    def refresh_e(self) -> None:
        """Refresh the position on engagement pace alone, after a bargaining round.

        A round moves positions on E only; weights, saliences and clouts are unchanged,
        so everything else :meth:`refresh` computes still holds.
        """
        self.position[_E] = effective_e(self.actors)
