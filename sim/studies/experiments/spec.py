"""Experiment files: declarative sweeps and sensitivity designs over scenario fields.

An experiment file names a scenario file and two of its variants (a treatment and a
control, e.g. ``historical`` and ``no-group``), the parameters to vary (any field path,
see :mod:`sim.scenario.paths`), a design (an explicit list of points, a grid, or a SALib
Sobol/Saltelli or Morris sample), the outcomes, the replications and a seed. Every design
point runs both variants with the same replication seeds (common random numbers), so the
treatment-minus-control effect is a paired difference.

This module holds the spec (its pydantic models), its loading and checking against the
scenario file, and the design points; :mod:`sim.studies.experiments.run` runs an
experiment and :mod:`sim.studies.experiments.report` analyses it.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.errors import ScenarioError, WgsimError
from sim.runs.runner import run
from sim.scenario.loader import ScenarioFile, load_file
from sim.scenario.messages import format_validation
from sim.scenario.paths import apply_overrides
from sim.scenario.yamlfile import YamlProblem, parse_yaml


class ExperimentError(WgsimError):
    """An experiment file is missing, malformed or inconsistent with its scenario."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid experiment {source}:\n{lines}")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameter(_Spec):
    """One varied scenario field."""

    path: str = Field(min_length=1, description="Field path, e.g. 'working_group.scope'.")
    values: list[Any] | None = Field(default=None, description="Grid values (grid designs).")
    bounds: tuple[float, float] | None = Field(
        default=None, description="[low, high] range (Sobol and Morris designs)."
    )
    integer: bool = Field(default=False, description="Round sampled values to integers.")

    @model_validator(mode="after")
    def _range(self) -> Parameter:
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"bounds {list(self.bounds)} must satisfy low < high")
        return self


class Outcome(_Spec):
    """An outcome metric and which quantity of it the experiment analyses."""

    metric: str = Field(min_length=1, description="A metric name (see docs/model.md).")
    measure: Literal["difference", "treatment", "control"] = Field(
        default="difference",
        description="difference: treatment minus control (paired); or one variant alone.",
    )

    @property
    def key(self) -> str:
        """Column name of the analysed quantity."""
        return self.metric if self.measure == "difference" else f"{self.metric}[{self.measure}]"


class Design(_Spec):
    """How design points are chosen."""

    kind: Literal["points", "grid", "sobol", "morris"]
    parameters: list[Parameter] = Field(default_factory=list)
    points: list[dict[str, Any]] = Field(
        default_factory=list, description="Explicit points (kind 'points'): path -> value."
    )
    labels: list[str] = Field(default_factory=list, description="Optional labels of the points.")
    samples: int = Field(default=32, ge=2, le=65536, description="N of the Sobol/Morris sample.")
    levels: int = Field(default=4, ge=2, le=20, description="Morris grid levels.")

    @model_validator(mode="after")
    def _consistent(self) -> Design:
        if self.kind == "points":
            if not self.points:
                raise ValueError("kind 'points' needs a non-empty 'points' list")
            if self.labels and len(self.labels) != len(self.points):
                raise ValueError(
                    f"{len(self.labels)} labels for {len(self.points)} points; give one each"
                )
            return self
        if not self.parameters:
            raise ValueError(f"kind '{self.kind}' needs 'parameters'")
        for i, p in enumerate(self.parameters):
            if self.kind == "grid" and not p.values:
                raise ValueError(f"parameters[{i}] ({p.path}): a grid needs 'values'")
            if self.kind in ("sobol", "morris") and p.bounds is None:
                raise ValueError(f"parameters[{i}] ({p.path}): kind '{self.kind}' needs 'bounds'")
        return self


class ExperimentSpec(_Spec):
    """A whole experiment file."""

    name: str = Field(min_length=1)
    description: str = ""
    scenario: str = Field(description="Scenario file, relative to the experiment file.")
    treatment: str = Field(description="Variant whose effect is measured (e.g. 'historical').")
    control: str = Field(description="Variant it is compared with (e.g. 'no-group').")
    design: Design
    outcomes: list[Outcome] = Field(min_length=1)
    replications: int = Field(default=20, ge=1, le=100_000)
    seed: int = Field(default=1, ge=0)
    quick: dict[str, int] = Field(
        default_factory=lambda: {"replications": 2, "samples": 4},
        description="Smaller replications/samples used by --quick.",
    )


@dataclass(frozen=True)
class Point:
    """One design point: its index, a label and the field values it sets."""

    index: int
    label: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Experiment:
    """A loaded, checked experiment with its scenario file and design points."""

    path: Path
    text: str
    spec: ExperimentSpec
    scenarios: ScenarioFile
    points: list[Point]
    sample: np.ndarray | None  # the SALib matrix (rows = points) for sobol/morris

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem definition of a Sobol/Morris design."""
        params = self.spec.design.parameters
        return {
            "num_vars": len(params),
            "names": [p.path for p in params],
            "bounds": [list(p.bounds or (0.0, 1.0)) for p in params],
        }


def load_experiment(path: str | Path, *, quick: bool = False) -> Experiment:
    """Load an experiment file, check it against its scenario and build its design points.

    Args:
        path: The experiment YAML.
        quick: Use the spec's ``quick`` replications and sample size (for tests).

    Raises:
        ExperimentError: with one line per problem (file, field and value named).
    """
    path = Path(path)
    if not path.is_file():
        raise ExperimentError(str(path), ["file not found"])
    text = path.read_text(encoding="utf-8")
    try:
        raw = parse_yaml(text) or {}
    except YamlProblem as exc:
        raise ExperimentError(str(path), [str(exc)]) from None
    if not isinstance(raw, dict):
        raise ExperimentError(str(path), ["top level: expected a mapping"])
    try:
        spec = ExperimentSpec.model_validate(raw)
    except ValidationError as exc:
        raise ExperimentError(str(path), format_validation(exc)) from None
    if quick:
        design = spec.design.model_copy(
            update={"samples": spec.quick.get("samples", spec.design.samples)}
        )
        spec = spec.model_copy(
            update={"design": design, "replications": spec.quick.get("replications", 2)}
        )
    try:
        scenarios = load_file(path.parent / spec.scenario)
        scenarios.variant(spec.treatment)
        scenarios.variant(spec.control)
    except ScenarioError as exc:
        raise ExperimentError(str(path), [f"scenario: {p}" for p in exc.problems]) from None
    points, sample = design_points(spec)
    _check_points(path, spec, scenarios, points)
    return Experiment(path, text, spec, scenarios, points, sample)


def design_points(spec: ExperimentSpec) -> tuple[list[Point], np.ndarray | None]:
    """The design's points (and the SALib sample matrix for Sobol/Morris)."""
    d = spec.design
    match d.kind:
        case "points":
            labels = d.labels or [_label(p) for p in d.points]
            return [Point(i, labels[i], dict(p)) for i, p in enumerate(d.points)], None
        case "grid":
            combos = itertools.product(*[p.values or [] for p in d.parameters])
            pts = []
            for i, combo in enumerate(combos):
                values = {p.path: v for p, v in zip(d.parameters, combo, strict=True)}
                pts.append(Point(i, _label(values), values))
            return pts, None
        case "sobol" | "morris":
            sample = _salib_sample(spec)
            return [
                Point(i, f"sample {i}", _row_values(d.parameters, row))
                for i, row in enumerate(sample)
            ], sample
        case _:
            raise ValueError(f"unknown design kind {d.kind!r}")


def _salib_sample(spec: ExperimentSpec) -> np.ndarray:
    d = spec.design
    problem = {
        "num_vars": len(d.parameters),
        "names": [p.path for p in d.parameters],
        "bounds": [list(p.bounds or (0.0, 1.0)) for p in d.parameters],
    }
    if d.kind == "sobol":
        n = 2 ** max(1, math.ceil(math.log2(d.samples)))  # Sobol' needs a power of two
        return np.asarray(sobol_sample.sample(problem, n, calc_second_order=False, seed=spec.seed))
    return np.asarray(morris_sample.sample(problem, d.samples, num_levels=d.levels, seed=spec.seed))


def _row_values(params: list[Parameter], row: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p, x in zip(params, row, strict=True):
        out[p.path] = round(float(x)) if p.integer else float(x)
    return out


def _label(values: dict[str, Any]) -> str:
    return ", ".join(f"{k.rsplit('.', 1)[-1]}={v}" for k, v in values.items()) or "baseline"


def _check_points(
    path: Path, spec: ExperimentSpec, scenarios: ScenarioFile, points: list[Point]
) -> None:
    """Every point must give a valid scenario for both variants; outcomes must exist."""
    problems: list[str] = []
    for variant in (spec.treatment, spec.control):
        base = scenarios.variant(variant)
        for pt in points:
            try:
                apply_overrides(base, pt.values)
            except ScenarioError as exc:
                problems += [f"design point {pt.index} ({pt.label}): {p}" for p in exc.problems]
                break
    if problems:
        raise ExperimentError(str(path), problems)
    metrics = run(scenarios.variant(spec.treatment), 0, series=False, events=False).metrics
    unknown = [o.metric for o in spec.outcomes if o.metric not in metrics]
    if unknown:
        raise ExperimentError(
            str(path),
            [
                f"outcomes: unknown metric '{m}'; known: {', '.join(sorted(metrics))}"
                for m in unknown
            ],
        )


def experiment_digest(exp: Experiment) -> str:
    """A short hash of the experiment spec and its scenario file (keys resumable runs)."""
    payload = exp.spec.model_dump_json() + exp.scenarios.digest
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
