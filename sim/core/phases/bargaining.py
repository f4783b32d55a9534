"""ROK internal bargaining, KTAB-lite (Bueno de Mesquita; Allison; MECHANISMS §2.5).

The ROK's effective position is the clout x salience weighted mean of the Blue House,
MOFA and MOU. Every few weeks the MOU may challenge on engagement pace; the challenge is
public (it costs the WG legitimacy) and either moves the Blue House toward the MOU or
toward MOFA. Without a challenge every actor drifts toward the effective position.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import NamedTuple

from sim.core.agents import E, Mofa, Mou, RokActor


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
    blends = [_blend(actors, d) for d in range(3)]
    return [x for x, _ in blends], [w for _, w in blends]


def effective_e(actors: Sequence[RokActor]) -> float:
    """The ROK's position on engagement pace alone: ``effective_position(actors)[0][E]``.

    Bargaining moves only positions on E, and this is all it needs to read or refresh.
    """
    return _blend(actors, E)[0]


def weighted_mean(
    values: Sequence[float],
    actors: Sequence[RokActor],
    weights: Sequence[float] | None = None,
) -> float:
    """Mean of ``values`` weighted by each actor's clout x engagement salience.

    ``weights`` may pass those weights in when the caller already has them.
    """
    if weights is None:
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
    """What one bargaining round did (a named tuple: built in C, a round every few weeks)."""

    challenged: bool
    mou_prevailed: bool
    pressure: float


def _move(actor: RokActor, target: float, step: float) -> None:
    x = actor.position[E]
    if abs(target - x) <= step:
        actor.position[E] = target
    else:
        actor.position[E] = x + step if target > x else x - step


def bargaining_round(
    blue_house: RokActor,
    mofa: Mofa,
    mou: Mou,
    *,
    step: float,
    threshold: float,
    backlog_weight: float,
    rnd: random.Random,
    x_rok: float | None = None,
) -> RoundResult:
    """One round on engagement pace (§2.5).

    The MOU challenges when ``s|x_MOU - x_ROK| pi_MOU + beta_b backlog > kappa_c``. With
    probability pi_MOU the Blue House moves ``step`` toward the MOU and MOFA concedes
    ``step/2``; otherwise the Blue House moves toward MOFA and the MOU concedes ``step/2``.
    Without a challenge each actor drifts toward x_ROK at rate ``step*(1 - s)``.
    ``x_rok``, if given, is that position as the caller keeps it (the same value).
    """
    actors = (blue_house, mofa, mou)
    if x_rok is None:
        x_rok = effective_e(actors)
    pi_mou = challenge_probability(mou, mofa)
    pressure = mou.pressure(x_rok, pi_mou, backlog_weight)
    if pressure > threshold:
        mou_wins = rnd.random() < pi_mou
        winner, loser = (mou, mofa) if mou_wins else (mofa, mou)
        _move(blue_house, winner.position[E], step)
        _move(loser, winner.position[E], step / 2.0)
        return RoundResult(True, mou_wins, pressure)
    for a in actors:
        _move(a, x_rok, step * (1.0 - a.salience[E]))
    return RoundResult(False, False, pressure)
