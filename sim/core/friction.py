"""Friction between the allies: US surprises and ROK public disputes (docs/model.md §7, Friction).

An alliance-sensitive ROK move the US was not told of may **surprise** it (US-side
friction; Snyder's entrapment); a WG item vetoed or stuck past the MOU's patience may
become a **public dispute** over "interference" (ROK-side friction) [S002, S003].
"""

from __future__ import annotations

from typing import Any

import mesa

from sim.core.proposals import Proposal, Route
from sim.scenario import Rok


class Friction:
    """The two checks, their counts, and the ROK's trust in the US that disputes erode.

    Args:
        model: The model.
        params: The scenario's ``rok`` section.

    Attributes:
        rok_trust: The ROK's trust in the US.
        surprises: US surprises so far (the endogenous WG's trigger).
        disputes: Public disputes so far (what the DPRK sees of WG vetoes and delays).
    """

    def __init__(self, model: mesa.Model, params: Rok) -> None:
        self.model: Any = model
        self.params = params
        self.rok_trust = params.initial_trust
        self.surprises = 0
        self.disputes = 0

    def check_surprise(self, p: Proposal, week: int, *, announced: bool = False) -> None:
        """An undisclosed alliance-sensitive move surprises the US w.p. a(1-q).

        Checked when the Blue House announces going ahead alone (after the routing is
        logged) and when an item is implemented (after the implementation is logged): a
        surprise follows the act it is about. Only an alliance-sensitive item (a > 0) the
        US was not told of can surprise it, and at most once. A co-signed item is public:
        if the US was not told of it, it is surprised.
        """
        a = p.alliance_sensitivity
        if a <= 0.0 or p.us_informed or p.surprised:
            return
        model = self.model
        # A co-signed agreement is public the day it is signed: the US learns of it for
        # certain (Pompeo's protest over the military agreement [S001]).
        detected = p.cosigned or model.random.random() < a * (1.0 - model.information.quality)
        if p.route == Route.UNILATERAL:
            model.blue_house.detection.add(week, 1.0 if detected else 0.0)
        if detected:
            p.surprised = True
            self.surprises += 1
            model.state.surprised()
            act = "announced" if announced else "implemented"
            model.event_log("surprise", "State", p, f"the US was not told of '{p.label}' ({act})")

    def check_dispute(self, p: Proposal, why: str) -> None:
        """An overdue or vetoed WG item may become a public dispute (once per item)."""
        p.dispute_checked = True
        if self.model.random.random() < self.params.dispute_prob:
            self.disputes += 1
            self.rok_trust = max(0.0, self.rok_trust - self.params.trust_loss_dispute)
            self.model.event_log("dispute", "MOU", p, f"public dispute over 'interference': {why}")

    def recover(self) -> None:
        """The ROK's trust returns toward its initial level at the recovery rate."""
        r = self.params
        self.rok_trust += r.trust_recovery * (r.initial_trust - self.rok_trust)
