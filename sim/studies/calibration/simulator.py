"""The ABC model of a calibration: a particle's parameters in, target statistics out.

Each particle runs the scenario with several seeds; its summary statistics are the
targets' statistics averaged over those seeds; the distance scales each target's error
by its tolerance. Both are picklable, so pyabc can send them to worker processes.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from sim.runs.runner import run
from sim.scenario import Scenario
from sim.scenario.paths import apply_overrides
from sim.studies.calibration.spec import FreeParameter
from sim.studies.calibration.targets import Episodes, statistics_of


class Simulator:
    """The ABC model: parameters in, averaged target statistics out (picklable).

    Seeds of a particle are derived from its parameter values, so a particle is
    reproducible whichever worker runs it.
    """

    def __init__(
        self, scenario: Scenario, episodes: Episodes, params: list[FreeParameter], seeds: int
    ) -> None:
        self.scenario = scenario
        self.episodes = episodes
        self.params = params
        self.seeds = seeds

    def overrides(self, values: dict[str, float]) -> dict[str, Any]:
        """Field-path overrides for a particle."""
        return {p.path: p.value_of(values[p.key]) for p in self.params}

    def scenario_for(self, values: dict[str, float]) -> Scenario:
        """The scenario with a particle's parameters (by pyabc key) applied."""
        return apply_overrides(self.scenario, self.overrides(values))

    def __call__(self, values: dict[str, float]) -> dict[str, float]:
        """Run the scenario with the particle's parameters; mean statistics over seeds."""
        scenario = self.scenario_for(values)
        digest = hashlib.sha256(repr(sorted(values.items())).encode()).digest()
        base = int.from_bytes(digest[:4], "little")
        sums: dict[str, float] = {}
        for i in range(self.seeds):
            res = run(scenario, base + i)
            stats = statistics_of(self.episodes, res.events, res.series, scenario.calendar)
            for k, v in stats.items():
                sums[k] = sums.get(k, 0.0) + v
        return {k: v / self.seeds for k, v in sums.items()}


class ScaledDistance:
    """Euclidean distance with each target's error divided by its tolerance."""

    def __init__(self, tolerances: dict[str, float]) -> None:
        self.tolerances = tolerances

    def __call__(self, x: dict[str, float], x0: dict[str, float]) -> float:
        """The distance between simulated ``x`` and observed ``x0`` statistics."""
        return math.sqrt(sum(((x[k] - x0[k]) / tol) ** 2 for k, tol in self.tolerances.items()))
