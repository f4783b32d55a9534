"""Phase 10 of the week: what is observed of the week, as one row of the weekly series.

The row's columns are those declared in :data:`sim.core.outputs.SERIES`, each read as
declared there. Its values are plain numbers (the WG's phase and the DPRK's mode as their
integer codes), so the rows are cheap to keep and to hand to pandas or Parquet.

The other stages of the week are methods of the agents and institutions that act in them
(docs/architecture.md, "The model's shape"); the recorder only reads them.
"""

from __future__ import annotations

from sim.core.agents import Dimension
from sim.core.ledgers import Ledgers
from sim.core.outputs import SERIES_COLUMNS, Observed, observe

__all__ = ["SERIES_COLUMNS", "Observed", "Recorder"]


class Recorder:
    """Observes each week; keeps the rows when the series is recorded.

    Args:
        observed: What it reads.
        ledgers: Where the ROK–US gap is summed for the outcome metrics.
        keep: Whether to keep the weekly rows (off in summary mode).
    """

    def __init__(self, observed: Observed, ledgers: Ledgers, keep: bool) -> None:
        self.observed = observed
        self.ledgers = ledgers
        self.keep = keep
        self.rows: list[tuple[float, ...]] = []

    def run(self, week: int) -> None:
        """Sum the week's ROK–US gap and, if kept, add the week's row."""
        o = self.observed
        gap = abs(
            o.government.position[Dimension.ENGAGEMENT] - o.state.position[Dimension.ENGAGEMENT]
        )
        if week == 1:
            self.ledgers.gap0 = gap
        self.ledgers.gap_sum += gap
        if self.keep:
            self.rows.append(self.observe(week))

    def observe(self, week: int) -> tuple[float, ...]:
        """The row of :data:`~sim.core.outputs.SERIES` for the state the model is in now."""
        return observe(self.observed, week)
