"""Phase 2 of the week: the MOU and the Blue House propose new inter-Korean items (ODD §7).

Arrivals are Poisson, faster under domestic pressure (Putnam's Level II) and in the weeks
after a summit; shocks may add named items (the railway survey, say).
"""

from __future__ import annotations

from sim.core.agents import BlueHouse, Mou
from sim.core.government import RokGovernment
from sim.core.ledgers import Ledgers
from sim.core.pipeline import Pipeline
from sim.core.proposals import Proposal, ProposalFactory
from sim.scenario import NewProposal, Proposals


class Generation:
    """New proposals into the pipeline.

    Args:
        mou: The MOU (and NGOs through it).
        blue_house: The Blue House.
        government: The ROK government (domestic pressure).
        factory: Makes the items shocks name.
        pipeline: Where new items go.
        ledgers: Counts the items proposed each week (the DPRK's pledges).
        params: The scenario's ``proposals`` section.
    """

    def __init__(
        self,
        mou: Mou,
        blue_house: BlueHouse,
        government: RokGovernment,
        factory: ProposalFactory,
        pipeline: Pipeline,
        ledgers: Ledgers,
        params: Proposals,
    ) -> None:
        self.proposers = (mou, blue_house)
        self.government = government
        self.factory = factory
        self.pipeline = pipeline
        self.ledgers = ledgers
        self.params = params
        self.surge_until = -1

    def run(self, week: int) -> None:
        """This week's items: rates times (1 + pressure), times the surge after a summit."""
        multiplier = 1.0 + self.government.pressure
        if week <= self.surge_until:
            multiplier *= self.params.summit_multiplier
        for proposer in self.proposers:
            for p in proposer.generate(week, multiplier):
                self.created(p, week)

    def created(self, p: Proposal, week: int) -> None:
        """Record a new item and put it in the pipeline."""
        self.ledgers.created[week] += 1
        self.pipeline.add(p)

    def surge(self, week: int) -> None:
        """A summit: proposals come faster for ``summit_surge_weeks`` weeks from ``week``."""
        self.surge_until = week + self.params.summit_surge_weeks - 1

    def add_named(self, item: NewProposal, week: int) -> None:
        """Put a proposal named by a shock into the pipeline."""
        p = self.factory.make(
            item.type,
            week,
            label=item.label,
            origin=item.origin,
            sigma=item.sanction_load,
            alliance_sensitivity=item.alliance_sensitivity,
            value_rok=item.value_rok,
            value_dprk=item.value_dprk,
        )
        self.created(p, week)
