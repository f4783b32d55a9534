"""The ABC model of a calibration: a particle's parameters in, target statistics out.

Each particle runs the scenario with several seeds; its summary statistics are the
targets' statistics averaged over those seeds; the distance scales each target's error
by its tolerance. Both are picklable, so pyabc can send them to worker processes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pyabc

from sim.runs.runner import RunResult, run
from sim.scenario import Scenario
from sim.scenario.paths import apply_overrides
from sim.studies.calibration.observables import item_ids
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

    def runs(self, values: dict[str, float]) -> Iterator[RunResult]:
        """The particle's runs, one per seed (seeds derived from its parameter values)."""
        scenario = self.scenario_for(values)
        digest = hashlib.sha256(repr(sorted(values.items())).encode()).digest()
        base = int.from_bytes(digest[:4], "little")
        for i in range(self.seeds):
            yield run(scenario, base + i)

    def __call__(self, values: dict[str, float]) -> dict[str, float]:
        """Run the scenario with the particle's parameters; mean statistics over seeds."""
        calendar = self.scenario.calendar
        sums: dict[str, float] = {}
        for res in self.runs(values):
            stats = statistics_of(
                self.episodes, res.events, res.series, calendar, item_ids(res.proposals)
            )
            for k, v in stats.items():
                sums[k] = sums.get(k, 0.0) + v
        return {k: v / self.seeds for k, v in sums.items()}


def scaled_distance(tolerances: dict[str, float]) -> pyabc.PNormDistance:
    """Euclidean distance with each target's error divided by its tolerance.

    pyabc's :class:`~pyabc.PNormDistance` with p = 2 and fixed weights 1/tolerance:
    ``sqrt(sum(((x_k - x0_k) / tol_k) ** 2))`` over the fitted targets. An adaptive
    distance of pyabc (``AdaptivePNormDistance``) can replace it without other changes.
    """
    return pyabc.PNormDistance(p=2, fixed_weights={k: 1.0 / tol for k, tol in tolerances.items()})
