"""Phase 10 of the week: what is observed of the week, as one row of the weekly series.

The row's values are plain numbers (the WG's phase and the DPRK's mode as their integer
codes), so the rows are cheap to keep and to hand to pandas or Parquet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.core.agents import Dimension, Dprk, Mofa, Mou, StateDepartment
from sim.core.friction import Friction
from sim.core.government import RokGovernment
from sim.core.information import Information
from sim.core.ledgers import Ledgers
from sim.core.log import EventLog
from sim.core.pipeline import Pipeline
from sim.core.working_group import WorkingGroup

E = Dimension.ENGAGEMENT

SERIES_COLUMNS = (
    "week",
    "legitimacy",
    "wg_phase",
    "trust_us",
    "trust_rok",
    "info_quality",
    "frustration",
    "dpi",
    "gap",
    "x_rok_e",
    "x_us_e",
    "x_mou_e",
    "x_mofa_e",
    "win_set",
    "dprk_mode",
    "track_open",
    "wg_queue",
    "in_flight",
    "surprises",
    "disputes",
    "implemented",
    "denunciations",
    "challenges",
)
"""Columns of the weekly series, in order (docs/model.md, observation)."""


@dataclass(frozen=True)
class Observed:
    """What the weekly series reads."""

    wg: WorkingGroup
    state: StateDepartment
    mou: Mou
    mofa: Mofa
    dprk: Dprk
    government: RokGovernment
    friction: Friction
    information: Information
    pipeline: Pipeline
    log: EventLog


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
        gap = abs(o.government.position[E] - o.state.position[E])
        if week == 1:
            self.ledgers.gap0 = gap
        self.ledgers.gap_sum += gap
        if self.keep:
            self.rows.append(self.observe(week))

    def observe(self, week: int) -> tuple[float, ...]:
        """The row of :data:`SERIES_COLUMNS` for the state the model is in now."""
        o = self.observed
        wg, state, dprk, counts = o.wg, o.state, o.dprk, o.log.counts
        x_rok = o.government.position[E]
        x_us = state.position[E]
        return (
            week,
            wg.legitimacy if wg.active else math.nan,
            int(wg.phase),
            state.trust,
            o.friction.rok_trust,
            o.information.quality,
            dprk.frustration,
            dprk.dpi,
            abs(x_rok - x_us),
            x_rok,
            x_us,
            o.mou.position[E],
            o.mofa.position[E],
            state.win_set,
            int(dprk.mode),
            dprk.track_open,
            len(wg.queue),
            len(o.pipeline.in_flight),
            counts["surprise"],
            counts["dispute"],
            counts["implemented"],
            counts["denunciation"],
            counts["mou_challenge"],
        )
