"""Friction between the allies: US surprises and ROK public disputes (docs/model.md §7, Friction).

An alliance-sensitive ROK move the US was not told of may **surprise** it (US-side
friction; Snyder's entrapment); a WG item vetoed or stuck past the MOU's patience may
become a **public dispute** over "interference" (ROK-side friction) [S002, S003].
"""

from __future__ import annotations

import random

from sim.core.agents import BlueHouse, StateDepartment
from sim.core.information import Information
from sim.core.log import EventLog
from sim.core.proposals import Proposal, Route
from sim.scenario import Rok


class Friction:
    """The two checks, and the ROK's trust in the US that disputes erode.

    Args:
        state: The State Department (surprised).
        blue_house: The Blue House (it learns how often going alone is detected).
        information: What the US knows.
        log: The event log.
        rnd: The model's generator.
        params: The scenario's ``rok`` section.
    """

    def __init__(
        self,
        state: StateDepartment,
        blue_house: BlueHouse,
        information: Information,
        log: EventLog,
        rnd: random.Random,
        params: Rok,
    ) -> None:
        self.state = state
        self.blue_house = blue_house
        self.information = information
        self.log = log
        self.rnd = rnd
        self.params = params
        self.rok_trust = params.initial_trust

    def check_surprise(self, p: Proposal, week: int, *, announced: bool = False) -> None:
        """An undisclosed alliance-sensitive move surprises the US w.p. a(1-q).

        Checked when the Blue House announces going ahead alone (after the routing is
        logged) and when an item is implemented (after the implementation is logged): a
        surprise follows the act it is about. Only an alliance-sensitive item (a > 0) the
        US was not told of can surprise it, and at most once.
        """
        if p.alliance_sensitivity <= 0.0 or p.us_informed or p.surprised:
            return
        detected = self.rnd.random() < p.alliance_sensitivity * (1.0 - self.information.quality)
        if p.route == Route.UNILATERAL:
            self.blue_house.detection.add(week, 1.0 if detected else 0.0)
        if detected:
            p.surprised = True
            self.state.surprised()
            act = "announced" if announced else "implemented"
            self.log("surprise", "State", p, f"the US was not told of '{p.label}' ({act})")

    def check_dispute(self, p: Proposal, why: str) -> None:
        """An overdue or vetoed WG item may become a public dispute (once per item)."""
        p.dispute_checked = True
        if self.rnd.random() < self.params.dispute_prob:
            self.rok_trust = max(0.0, self.rok_trust - self.params.trust_loss_dispute)
            self.log("dispute", "MOU", p, f"public dispute over 'interference': {why}")

    def recover(self) -> None:
        """The ROK's trust returns toward its initial level at the recovery rate."""
        r = self.params
        self.rok_trust += r.trust_recovery * (r.initial_trust - self.rok_trust)
