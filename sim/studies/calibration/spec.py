"""Calibration specs: the scenario, episodes, free parameters and ABC budget of a fit.

A calibration spec (``calibration/historical.yaml``) names the scenario, the episodes
file, the free parameters (field paths with uniform prior ranges and the target each is
pinned by), and the ABC budget. :func:`load_spec` loads and checks it with its scenario
and episodes; :mod:`sim.studies.calibration.run` fits it and
:mod:`sim.studies.calibration.report` reports the fit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import WgsimError
from sim.scenario import Scenario
from sim.scenario.loader import load_file
from sim.scenario.messages import format_validation
from sim.scenario.paths import apply_overrides, get_value
from sim.scenario.yamlfile import YamlProblem, read_yaml
from sim.studies.calibration.targets import Episodes, load_episodes


class CalibrationError(WgsimError):
    """A calibration spec is missing or invalid."""


class FreeParameter(BaseModel):
    """A calibrated parameter: a field path with a uniform prior."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    low: float
    high: float
    integer: bool = False
    target: str = Field(description="The targets that pin it (docs/calibration.md).")

    @model_validator(mode="after")
    def _range(self) -> FreeParameter:
        if not self.low < self.high:
            raise ValueError(f"{self.path}: low ({self.low}) must be below high ({self.high})")
        return self

    @property
    def key(self) -> str:
        """A name pyabc accepts for the parameter."""
        return "".join(c if c.isalnum() else "_" for c in self.path)

    def value_of(self, x: float) -> float | int:
        """The field value for a sampled ``x``: rounded for an integer field, else a float."""
        return round(x) if self.integer else float(x)


class Budget(BaseModel):
    """The size of an ABC-SMC run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    population_size: int = Field(ge=2, le=100_000)
    generations: int = Field(ge=1, le=100)
    seeds_per_particle: int = Field(ge=1, le=100)
    min_epsilon: float = Field(default=0.0, ge=0.0)
    max_simulations: int | None = Field(
        default=None,
        ge=1,
        description="Stop after the generation in which the total number of simulated "
        "particles (over all generations, resumed ones included) reaches this many.",
    )
    transition: Literal["multivariate_normal", "local", "independent"] = Field(
        default="multivariate_normal",
        description="pyabc's perturbation kernel: one global multivariate normal; a "
        "local one fitted to each particle's nearest neighbours; or independent "
        "one-dimensional kernels, one per parameter, each reflected at its prior's bounds "
        "(a product of marginal kernel densities, which keeps importance weights even "
        "when many parameters are weakly identified, at the cost of ignoring correlations "
        "in the proposal).",
    )
    final_kernel_scaling: float = Field(
        default=1.0,
        gt=0.0,
        le=100.0,
        description="Multiplies the proposal kernels' variance in the last of the "
        "`generations` (1: no change). Wider kernels make the final population's importance "
        "weights more even (a larger effective sample size) and cost simulations; the "
        "widened generation runs only if the run was not stopped earlier by "
        "`max_simulations` or `min_epsilon`.",
    )
    predictive_draws: int = Field(default=100, ge=1, le=100_000)


class RecoverySize(BaseModel):
    """How many simulations a parameter-recovery study makes (docs/calibration.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference_size: int = Field(
        ge=10,
        le=10_000_000,
        description="Rows of the reference table: parameter draws from the prior, each "
        "simulated like a particle of the fit (`budget.seeds_per_particle` seeds, mean "
        "statistics).",
    )
    truths: int = Field(
        ge=2,
        le=100_000,
        description="Synthetic records: parameter draws from the prior (a separate seed "
        "stream), each simulated with one seed, a single realized history as the record is.",
    )
    accepted: float = Field(
        gt=0.0,
        le=0.5,
        description="Share of the reference table accepted as a truth's posterior sample: "
        "its nearest rows by the fit's scaled distance (0.01: the nearest 1 %).",
    )
    chunk_rows: int = Field(
        default=500,
        ge=1,
        le=100_000,
        description="Simulations per chunk: the unit of work of a worker, of resuming and "
        "of the chunk's seed stream.",
    )

    @property
    def k(self) -> int:
        """Reference rows accepted per truth (at least 2)."""
        return max(2, round(self.accepted * self.reference_size))


class Recovery(RecoverySize):
    """A parameter-recovery study of a spec's free parameters, and its verdict thresholds."""

    min_shrinkage: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="Least mean shrinkage (1 - posterior variance / prior variance, a share) "
        "for a parameter to count as identified.",
    )
    coverage_tolerance: float = Field(
        default=0.1,
        ge=0.0,
        le=0.5,
        description="How far (a share of the truths) the 90 % intervals' coverage may fall "
        "below 0.9 for a parameter to count as identified.",
    )
    quick: RecoverySize


class Period(BaseModel):
    """The period a fit sees: observables documented from ``start`` to ``end``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _order(self) -> Period:
        if not self.start < self.end:
            raise ValueError(f"start ({self.start}) must be before end ({self.end})")
        return self


class CalibrationSpec(BaseModel):
    """A calibration spec file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str
    variant: str
    episodes: str
    parameters: list[FreeParameter] = Field(min_length=1)
    budget: Budget
    quick: Budget
    seed: int = 0
    period: Period | None = Field(
        default=None,
        description="Fit only the observables documented in this period; those documented "
        "after it are the out-of-sample set (reported, never fitted). None: all observables.",
    )
    recovery: Recovery | None = Field(
        default=None,
        description="The parameter-recovery study (`wgsim recovery`); None: the spec has none.",
    )
    mechanisms: dict[str, str] = Field(
        default_factory=dict,
        description="Target id -> why the model may miss it (the mechanism at fault); the "
        "fit report prints the note of every target reproduced in fewer than two thirds "
        "of the posterior-predictive runs. Notes do not enter the fit's digest.",
    )


def load_spec(path: str | Path) -> tuple[CalibrationSpec, Scenario, Episodes]:
    """Load a calibration spec with its scenario and episodes; check every path.

    Raises:
        CalibrationError: naming the file, field and value.
    """
    path = Path(path)
    if not path.is_file():
        raise CalibrationError(f"invalid calibration spec {path}: file not found")
    try:
        spec = CalibrationSpec.model_validate(read_yaml(path))
    except (YamlProblem, ValidationError) as exc:
        lines = format_validation(exc) if isinstance(exc, ValidationError) else [str(exc)]
        raise CalibrationError(
            f"invalid calibration spec {path}:\n" + "\n".join(f"  - {p}" for p in lines)
        ) from None
    scenario = load_file(path.parent / spec.scenario).variant(spec.variant)
    for p in spec.parameters:
        get_value(scenario, p.path)  # raises ScenarioError naming a bad path
        apply_overrides(scenario, {p.path: p.value_of(p.low)})
        apply_overrides(scenario, {p.path: p.value_of(p.high)})
    episodes = load_episodes(path.parent / spec.episodes)
    ids = [t.id for t in episodes.targets]
    for key in spec.mechanisms:
        if key not in ids:
            raise CalibrationError(
                f"invalid calibration spec {path}: mechanisms: {key!r} is not a target; "
                f"allowed: {', '.join(ids)}"
            )
    if spec.period is not None:
        episodes = episodes.by_period(spec.period.start, spec.period.end)[0]
    return spec, scenario, episodes


def load_holdout(path: str | Path) -> Episodes:
    """The out-of-sample observables of a spec with a ``period`` (none without one).

    Raises:
        CalibrationError: as :func:`load_spec`.
    """
    spec, _, _ = load_spec(path)
    full = load_episodes(Path(path).parent / spec.episodes)
    if spec.period is None:
        return full.by_period(dt.date.min, dt.date.max)[1]
    return full.by_period(spec.period.start, spec.period.end)[1]


def held_parameters(path: str | Path, spec: CalibrationSpec, scenario: Scenario) -> dict[str, Any]:
    """The scenario's calibrated parameters a spec does not fit, at the values the fit holds.

    A scenario file with ``calibrated: FILE`` takes every parameter of FILE at its median;
    a fit of fewer parameters holds the others at those values, so its own results say
    what it was conditioned on (each path with the value the fitted scenario has).
    ``spec`` and ``scenario`` are those :func:`load_spec` read from ``path``.
    """
    scenario_file = Path(path).parent / spec.scenario
    raw = read_yaml(scenario_file)
    named = raw.get("calibrated") if isinstance(raw, dict) else None
    if not isinstance(named, str):
        return {}
    doc = read_yaml(scenario_file.parent / named)
    params = doc.get("parameters", {}) if isinstance(doc, dict) else {}
    free = {p.path for p in spec.parameters}
    return {k: get_value(scenario, k) for k in params if k not in free}
