"""One run as a flat function: a scenario, field-path overrides and a seed in; outcomes out.

This is the shape experiment frameworks expect of a model (EMA Workbench, SALib loops,
hand-written sweeps): named inputs, named numeric outputs. The outcomes are the run's
metrics (docs/outputs.md, table ``metrics``) as floats, with "no value" as NaN (a week
that never came, a ratio with nothing to divide) so that every outcome is a number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from sim.runs.codebook import METRICS
from sim.runs.runner import run
from sim.scenario import Scenario
from sim.scenario.loader import load_file
from sim.scenario.paths import apply_overrides
from sim.scenario.shipped import resolve

OUTCOMES = tuple(c.name for c in METRICS)
"""Names of the outcomes :func:`run_flat` returns, in order."""

_MISSING = {c.name: c.missing for c in METRICS if c.missing is not None}


@lru_cache(maxsize=32)
def _variant(path: str, variant: str | None) -> Scenario:
    return load_file(resolve("scenario", path)).variant(variant)


def scenario_of(scenario: Scenario | str | Path, variant: str | None = None) -> Scenario:
    """A scenario object, from itself or from a file path or shipped name (and variant)."""
    if isinstance(scenario, Scenario):
        return scenario
    return _variant(str(scenario), variant)


def outcomes(metrics: Mapping[str, float]) -> dict[str, float]:
    """A run's metrics as floats, "no value" (``-1`` weeks, NaN) as NaN."""
    out = {}
    for name, value in metrics.items():
        missing = _MISSING.get(name)
        out[name] = math.nan if missing is not None and value == missing else float(value)
    return out


def run_flat(
    scenario: Scenario | str | Path,
    overrides: Mapping[str, Any] | None = None,
    seed: int = 0,
    *,
    variant: str | None = None,
) -> dict[str, float]:
    """Run a scenario once with field-path overrides; its outcomes as a flat dict.

    Args:
        scenario: A scenario, a scenario file, or a shipped scenario's name.
        overrides: Field path -> value (``{"working_group.scope": 0.8}``); checked
            against the schema like a scenario file.
        seed: The run's seed.
        variant: With a file or name, the variant (default: the file's first).

    Raises:
        ScenarioError: naming the path and value, for an override the schema refuses.
    """
    base = scenario_of(scenario, variant)
    s = apply_overrides(base, dict(overrides)) if overrides else base
    return outcomes(run(s, seed, series=False, events=False).metrics)


class FlatModel:
    """:func:`run_flat` as a picklable callable of keyword arguments (for frameworks).

    Called with field paths (or any of ``names``) as keywords, and ``seed``; the keyword
    ``names`` maps identifier-safe names to field paths for tools that need identifiers.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path,
        variant: str | None = None,
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.scenario = scenario_of(scenario, variant)
        self.names = dict(names or {})

    def __call__(self, seed: int = 0, **values: Any) -> dict[str, float]:
        """Run with ``values`` (by field path or mapped name) and ``seed``."""
        overrides = {self.names.get(k, k): v for k, v in values.items()}
        return run_flat(self.scenario, overrides, int(seed))
