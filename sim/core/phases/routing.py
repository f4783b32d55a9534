"""Phase 4 of the week: the Blue House routes the new items (docs/model.md §7, Routing).

Sanctioned items go to the WG while it exists (else DG talks or a channel), unless the
Blue House goes ahead in violation; other items go to the WG within its scope, or the
Blue House arbitrates between consulting, going alone and shelving.
"""

from __future__ import annotations

import random

from sim.core.agents import BlueHouse
from sim.core.channels import DgTalks, WorkingGroup
from sim.core.pipeline import Pipeline
from sim.core.proposals import Proposal, Route
from sim.scenario import Proposals, Rok


class Routing:
    """Sends each new item along its route.

    Args:
        pipeline: The pipeline (its inbox).
        wg: The working group.
        dg: DG-level talks.
        blue_house: The Blue House (arbitration).
        rnd: The model's generator.
        proposals: The scenario's ``proposals`` section (the UN threshold).
        rok: The scenario's ``rok`` section (the violation probability).
    """

    def __init__(
        self,
        pipeline: Pipeline,
        wg: WorkingGroup,
        dg: DgTalks,
        blue_house: BlueHouse,
        rnd: random.Random,
        proposals: Proposals,
        rok: Rok,
    ) -> None:
        self.pipeline = pipeline
        self.wg = wg
        self.dg = dg
        self.blue_house = blue_house
        self.rnd = rnd
        self.proposals = proposals
        self.rok = rok

    def run(self, week: int) -> None:
        """Route every item in the inbox."""
        inbox = self.pipeline.inbox
        for p in inbox:
            self.pipeline.send(p, self.choose(p, week), week)
        inbox.clear()

    def choose(self, p: Proposal, week: int) -> Route:
        """Sanctioned items to the WG (or DG talks, or a channel); others by scope or BH."""
        if p.sigma >= self.proposals.un_threshold:
            if self.rnd.random() < self.rok.violation_prob:
                return Route.UNILATERAL
            if self.wg.active:
                return Route.WG
            return Route.DG if self.dg.active else Route.BILATERAL
        if self.wg.active and self.rnd.random() < self.wg.scope:
            return Route.WG
        return self.blue_house.arbitrate(p, week)
