r"""Proposals: the items allies coordinate on, and their lifecycle.

A :class:`Proposal` is created in the weekly hot loop, so it is a slotted dataclass, not a
pydantic model. Its status moves through the pipeline::

    NEW -> (routed) -> US_REVIEW -> [UN_PENDING ->] DPRK_PENDING -> IMPLEMENTED
                   \\-> DPRK_PENDING (unilateral)          \\-> DPRK_REJECTED / STALLED
                   \\-> SHELVED      US_REVIEW -> VETOED / (back to the Blue House)
                                    UN_PENDING -> UN_REJECTED

Terminal statuses absorb; an item still in flight when the run ends is right-censored.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from enum import IntEnum

from sim.scenario import PROPOSAL_TYPES, Proposals


class Status(IntEnum):
    """Where a proposal is in the pipeline."""

    NEW = 0
    US_REVIEW = 1
    UN_PENDING = 2
    DPRK_PENDING = 3
    IMPLEMENTED = 4
    VETOED = 5
    UN_REJECTED = 6
    DPRK_REJECTED = 7
    STALLED = 8
    SHELVED = 9


TERMINAL = frozenset(
    {
        Status.IMPLEMENTED,
        Status.VETOED,
        Status.UN_REJECTED,
        Status.DPRK_REJECTED,
        Status.STALLED,
        Status.SHELVED,
    }
)


class Route(IntEnum):
    """How the Blue House handles a proposal."""

    NONE = 0
    WG = 1
    BILATERAL = 2
    DG = 3
    UNILATERAL = 4
    SHELVED = 5


ROUTE_NAMES = {r: r.name.lower() for r in Route}
ROUTE_NAMES[Route.NONE] = ""
ROUTE_NAMES[Route.DG] = "dg_talks"


@dataclass(slots=True, eq=False)
class Proposal:
    """One inter-Korean item and everything that happens to it.

    Attributes:
        id: Sequential id within the run.
        origin: MOU, BH (Blue House), NGO or DPRK.
        type: One of :data:`sim.scenario.schema.PROPOSAL_TYPES`.
        label: Plain-words name (the type's name unless a shock named it).
        sigma: Sanctions load; at or above the UN threshold it needs a 1718 exemption.
        alliance_sensitivity: Weight of a surprise (a in docs/model.md).
        value_rok: Value to the Blue House (v).
        value_dprk: Value to the DPRK (w).
        t_created: Week created; the other ``t_*`` are the weeks of later transitions
            (-1 until they happen).
        barred: The sanctions regime rules it out (joint ventures, bulk cash): no UN
            exemption, no legal implementation.
        cosigned: The DPRK co-signed it: agreed already, public when signed.
        item: The documented item's stable id (calibration/record.csv), "" if none.
    """

    id: int
    origin: str
    type: str
    label: str
    sigma: float
    alliance_sensitivity: float
    value_rok: float
    value_dprk: float
    t_created: int
    sigma0: float = -1.0
    route: Route = Route.NONE
    status: Status = Status.NEW
    t_routed: int = -1
    t_us: int = -1
    t_un_submit: int = -1
    t_un: int = -1
    t_dprk: int = -1
    t_done: int = -1
    n_deferrals: int = 0
    modified: bool = False
    vetted: bool = False
    us_informed: bool = False
    exempted: bool = False
    dispute_checked: bool = False
    surprised: bool = False
    un_cosponsored: bool = False
    barred: bool = False
    cosigned: bool = False
    item: str = ""

    @property
    def terminal(self) -> bool:
        """Whether the proposal has reached an absorbing status."""
        return self.status in TERMINAL


def poisson(rnd: random.Random, lam: float) -> int:
    """A Poisson draw from a stdlib generator (Knuth's method for small rates)."""
    if lam <= 0.0:
        return 0
    if lam > 30.0:
        return max(0, round(rnd.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k = 0
    prod = rnd.random()
    while prod > limit:
        k += 1
        prod *= rnd.random()
    return k


def geometric(rnd: random.Random, p: float) -> int:
    """A geometric draw on {1, 2, ...} with success probability ``p`` (mean 1/p)."""
    if p >= 1.0:
        return 1
    u = rnd.random()
    return max(1, math.ceil(math.log1p(-u) / math.log1p(-p)))


def pick[T](cumulative: list[tuple[T, float]], u: float) -> T:
    """The first item whose cumulative weight exceeds ``u`` (the last one if none does)."""
    for item, edge in cumulative:
        if u < edge:
            return item
    return cumulative[-1][0]


class ProposalFactory:
    """Creates proposals of each type from the scenario's table (docs/model.md §7, Generation).

    Args:
        spec: The scenario's ``proposals`` section.
        rnd: The model's stdlib generator.
    """

    def __init__(self, spec: Proposals, rnd: random.Random) -> None:
        self.rnd = rnd
        self.spread = spec.value_spread
        self.next_id = 1
        self.table = [
            (
                code,
                t.origin,
                t.rate_per_week,
                t.sanction_load,
                t.alliance_sensitivity,
                t.value_rok,
                t.value_dprk,
                t.barred,
            )
            for code in PROPOSAL_TYPES
            for t in (spec.types.get(code),)
        ]
        self.by_type = {row[0]: row for row in self.table}
        # Arrival-rate factors per type while the US-DPRK track or the border is closed.
        self.state_factors = {
            code: (t.talks_closed_multiplier, t.border_closed_multiplier)
            for code in PROPOSAL_TYPES
            for t in (spec.types.get(code),)
        }
        self._by_origins: dict[
            tuple[tuple[str, ...], bool, bool], tuple[float, list[tuple[str, float]]]
        ] = {}

    def _value(self, mean: float) -> float:
        x = mean * (1.0 + self.spread * (2.0 * self.rnd.random() - 1.0))
        return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x

    def make(
        self,
        code: str,
        week: int,
        *,
        label: str | None = None,
        origin: str | None = None,
        sigma: float | None = None,
        alliance_sensitivity: float | None = None,
        value_rok: float | None = None,
        value_dprk: float | None = None,
        barred: bool | None = None,
    ) -> Proposal:
        """One proposal of type ``code``; keyword values override the type's means."""
        _, t_origin, _, t_sigma, t_a, t_v, t_w, t_barred = self.by_type[code]
        sigma = t_sigma if sigma is None else sigma
        # Positional, in field order: id, origin, type, label, sigma, alliance_sensitivity,
        # value_rok, value_dprk, t_created, sigma0.
        p = Proposal(
            self.next_id,
            origin or t_origin,
            code,
            label or code,
            sigma,
            t_a if alliance_sensitivity is None else alliance_sensitivity,
            self._value(t_v) if value_rok is None else value_rok,
            self._value(t_w) if value_dprk is None else value_dprk,
            week,
            sigma,
        )
        if barred or (barred is None and t_barred):
            p.barred = True
        self.next_id += 1
        return p

    def mixture(
        self, origins: tuple[str, ...], *, talks_closed: bool = False, border_closed: bool = False
    ) -> tuple[float, list[tuple[str, float]]]:
        """The summed weekly rate of the types ``origins`` propose, and their cumulative rates.

        Arrivals are drawn as one Poisson count at the summed rate, each item then taking a
        type with probability proportional to its rate: the same distribution as one
        Poisson count per type, with fewer draws. Each type's rate is multiplied by its
        factor for a closed US-DPRK track (``talks_closed``) and for a closed DPRK border
        (``border_closed``): generation answers the DPRK's state (docs/model.md §7).
        """
        key = (origins, talks_closed, border_closed)
        mix = self._by_origins.get(key)
        if mix is not None:
            return mix
        total = 0.0
        cumulative = []
        for code, origin, rate, *_ in self.table:
            talks, border = self.state_factors[code]
            if talks_closed:
                rate *= talks
            if border_closed:
                rate *= border
            if origin in origins and rate > 0.0:
                total += rate
                cumulative.append((code, total))
        self._by_origins[key] = (total, cumulative)
        return total, cumulative

    def draw(
        self, n: int, total: float, cumulative: list[tuple[str, float]], week: int
    ) -> list[Proposal]:
        """``n`` new items of a :meth:`mixture`'s types, each type in proportion to its rate."""
        rnd = self.rnd
        return [self.make(pick(cumulative, rnd.random() * total), week) for _ in range(n)]
