"""The role-play's debrief: the student's run beside the model's, and what made the difference.

Three comparisons, on the headline outcomes of the many-seeds view
(:data:`sim.page.score.SEED_METRICS`, the CLI's metrics of :mod:`sim.runs.metrics`):
the model's own run on the same seed; the model's own runs on seeds 0 … 49 (where the
student's outcome falls among them); and, for each choice that differs from the model's
(at most :data:`CAP`), the run with that one choice reverted to the model's own and the
other answers kept wherever the same decision comes up again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.page.score import SCALE, SEED_METRICS
from sim.runs.metrics import summarize
from sim.runs.roleplay import Choice, Play, own_run, policy_of, replay_policy
from sim.runs.runner import run
from sim.scenario import Scenario

HEADLINE = (
    "surprises",
    "disputes",
    "exemptions",
    "exemption_lead_days_median",
    "implemented",
    "n_denunciation",
    "wg_lifetime_weeks",
)
"""The outcomes the debrief compares (keys of :data:`SEED_METRICS`)."""

SEEDS = 50
"""The model's own runs the student's run is placed among: seeds 0 … 49."""

CAP = 8
"""At most this many differing choices are replayed reverted (the first ones)."""


def headline(model: object) -> dict[str, float]:
    """The headline outcomes of a finished run, in the many-seeds view's units."""
    metrics = summarize(model)  # type: ignore[arg-type]
    return {k: float(metrics[k]) * SCALE.get(k, 1.0) for k in HEADLINE}


def seed_outcomes(scenario: Scenario, n: int = SEEDS) -> dict[str, np.ndarray]:
    """Each headline outcome of the model's own runs on seeds ``0 … n-1``."""
    rows = [run(scenario, seed, series=False, events=False).metrics for seed in range(n)]
    return {k: np.array([r[k] for r in rows], dtype=float) * SCALE.get(k, 1.0) for k in HEADLINE}


@dataclass(frozen=True)
class Placement:
    """One outcome: the student's value, the model's on the same seed, and the seeds'.

    Attributes:
        name: The outcome in words.
        you, model: The student's run and the model's own run on the same seed.
        median: The median over the model's own runs on the seeds.
        below, equal, n: Seeds whose value is below / equal to the student's, seeds that
            count (with a value).
    """

    name: str
    you: float
    model: float
    median: float
    below: int
    equal: int
    n: int

    @property
    def percentile(self) -> float:
        """The student's percentile among the seeds (ties count half); NaN without data."""
        if self.n == 0 or math.isnan(self.you):
            return math.nan
        return 100.0 * (self.below + 0.5 * self.equal) / self.n


def placements(
    mine: dict[str, float],
    model: dict[str, float],
    seeds: dict[str, np.ndarray],
    keys: tuple[str, ...] = HEADLINE,
) -> list[Placement]:
    """Where each of the student's outcomes ``keys`` falls among the seeds'."""
    out = []
    for k in keys:
        values = seeds[k][np.isfinite(seeds[k])]
        you = mine[k]
        median = float(np.median(values)) if values.size else math.nan
        below = int((values < you).sum()) if math.isfinite(you) else 0
        equal = int((values == you).sum()) if math.isfinite(you) else 0
        out.append(Placement(SEED_METRICS[k], you, model[k], median, below, equal, values.size))
    return out


@dataclass(frozen=True)
class Turn:
    """A choice that differs from the model's, and what reverting it alone changes.

    Attributes:
        choice: The student's choice.
        change: Outcome -> (the run with this choice reverted) minus (the student's run).
    """

    choice: Choice
    change: dict[str, float]


def turning_points(scenario: Scenario, seed: int, played: Play, cap: int = CAP) -> list[Turn]:
    """For the first ``cap`` differing choices: the outcomes' change when each is reverted."""
    policy = policy_of(played.history)
    keys = list(policy)
    mine = headline(played.model)
    turns = []
    differing = [i for i, c in enumerate(played.history) if c.differs][:cap]
    for i in differing:
        reverted = {k: v for k, v in policy.items() if k != keys[i]}
        other = headline(replay_policy(scenario, seed, played.role.key, reverted))
        change = {k: other[k] - mine[k] for k in HEADLINE}
        turns.append(Turn(played.history[i], change))
    return turns


@dataclass(frozen=True)
class Debrief:
    """Everything the debrief shows."""

    board: list[Placement]
    turns: list[Turn]
    differing: int
    seeds: int


def debrief(scenario: Scenario, seed: int, played: Play, n: int = SEEDS) -> Debrief:
    """The debrief of a finished play (its run, the model's own, the seeds, the turns)."""
    board = placements(
        headline(played.model), headline(own_run(scenario, seed)), seed_outcomes(scenario, n)
    )
    differing = sum(c.differs for c in played.history)
    return Debrief(board, turning_points(scenario, seed, played), differing, n)
