"""The ROK government as one player: the blend of its three organisations (ODD §4).

The ROK's effective position is the clout x salience weighted mean of the Blue House,
MOFA and MOU (KTAB-lite; Bueno de Mesquita). It changes only in bargaining rounds and
through shocks, so it is computed then and read by the weekly phases. Domestic pressure
(Putnam's Level II) lives here too: it speeds proposals and sharpens denunciations.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.core.agents import BlueHouse, E, Mofa, Mou, RokActor, StateDepartment
from sim.scenario import Rok


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
    """The ROK's position on engagement pace alone (what bargaining moves and reads)."""
    return _blend(actors, E)[0]


def weighted_mean(values: Sequence[float], actors: Sequence[RokActor]) -> float:
    """Mean of ``values`` weighted by each actor's clout x engagement salience."""
    weights = [a.weight_e for a in actors]
    total = sum(weights)
    if total <= 0.0:
        return sum(values) / len(values)
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total


class RokGovernment:
    """The Blue House, MOFA and MOU, with the positions and weights they add up to.

    Args:
        blue_house: The Blue House.
        mofa: MOFA.
        mou: The MOU.
        state: The State Department (its drift aims at the ROK's weights).
        params: The scenario's ``rok`` section.

    Attributes:
        position: The ROK's effective position per dimension.
        weights: The total weight sum(c*s) behind it per dimension.
        pressure: Domestic pressure D (shocks move it).
    """

    def __init__(
        self, blue_house: BlueHouse, mofa: Mofa, mou: Mou, state: StateDepartment, params: Rok
    ) -> None:
        self.blue_house = blue_house
        self.mofa = mofa
        self.mou = mou
        self.actors: tuple[RokActor, ...] = (blue_house, mofa, mou)
        self.state = state
        self.pressure = params.domestic_pressure
        self.position: list[float] = []
        self.weights: list[float] = []
        self.refresh()

    def refresh(self) -> None:
        """Recompute what follows from the actors' positions, saliences and clouts."""
        rok = self.actors
        self.position, self.weights = effective_position(rok)
        self.state.aim(self.weights)
        self.blue_house.alliance_bar = weighted_mean([a.alliance_weight for a in rok], rok)
        patience = weighted_mean([a.patience_weeks for a in rok], rok)
        self.blue_house.discount = 1.0 - 1.0 / patience

    def refresh_e(self) -> None:
        """Refresh the position on engagement pace alone, after a bargaining round.

        A round moves positions on E only; weights, saliences and clouts are unchanged,
        so everything else :meth:`refresh` computes still holds.
        """
        self.position[E] = effective_e(self.actors)
