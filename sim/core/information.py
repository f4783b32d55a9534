"""What the US knows of the ROK's plans: information quality (docs/model.md §7, Ad hoc contacts).

Meetings and contacts that reach the State Department raise the quality q; it decays
every week. Low quality makes the US misjudge sanctions loads and lets undisclosed moves
surprise it (Keohane: institutions supply information).
"""

from __future__ import annotations

from sim.scenario import Information as InformationParams


class Information:
    """Information quality q in [0, 1].

    Args:
        params: The scenario's ``information`` section.
    """

    def __init__(self, params: InformationParams) -> None:
        self.params = params
        self.quality = params.initial_quality

    def learn(self) -> None:
        """A contact or meeting that reaches State: q <- q + eta_q (1 - q)."""
        self.quality += self.params.learning * (1.0 - self.quality)

    def decay(self) -> None:
        """A week passes: q <- q (1 - delta_q)."""
        self.quality *= 1.0 - self.params.decay
