"""Robustness specs: the judgement values the headline leans on, their ranges and outcomes.

A robustness spec (``experiments/robustness/headline.yaml``) names a scenario file, the
treatment and control variants (the world with the working group and the one without),
the calibration posterior, every judgement input with a range and a one-line reason, the
headline outcomes with the direction each headline claim asserts, and the sizes of the
three stages: the central comparison (posterior only, as ``wgsim compare --posterior``),
the Sobol' sample over the ranges together with the posterior, and the one-at-a-time
sweeps that find where a claim flips.

The posterior enters the Sobol' design as one input, ``posterior``, uniform on [0, 1] and
mapped to a particle by the inverse of the particles' cumulative weight, so its indices
are those of all calibrated parameters together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from SALib.sample import sobol as sobol_sample

from sim.errors import ScenarioError, WgsimError
from sim.runs.codebook import METRICS
from sim.scenario.loader import ScenarioFile, load_file
from sim.scenario.messages import format_validation
from sim.scenario.paths import apply_overrides, get_value
from sim.scenario.yamlfile import YamlProblem, parse_yaml
from sim.studies.calibration.posterior import PosteriorError, load_posterior

POSTERIOR = "posterior"
"""The name of the grouped posterior input in the Sobol' design."""


class RobustnessError(WgsimError):
    """A robustness spec is missing, malformed or inconsistent with its scenario."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid robustness spec {source}:\n{lines}")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Input(_Spec):
    """A judgement value varied over a documented range."""

    path: str = Field(min_length=1, description="Field path, e.g. 'rok.dispute_prob'.")
    kind: Literal["float", "integer", "switch"] = Field(
        default="float", description="float; integer (rounded); switch (a bool: off below 0.5)."
    )
    bounds: tuple[float, float] = Field(
        default=(0.0, 1.0), description="[low, high]; a switch samples [0, 1]."
    )
    reason: str = Field(min_length=1, description="One line: why this range (its source).")

    @model_validator(mode="after")
    def _range(self) -> Input:
        if not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"bounds {list(self.bounds)} must satisfy low < high")
        return self

    def value(self, x: float) -> Any:
        """The field value of a sampled number."""
        if self.kind == "switch":
            return bool(x >= 0.5)
        return round(float(x)) if self.kind == "integer" else float(x)


class Outcome(_Spec):
    """A headline outcome: a metric (or a sum of metrics) and the claim about its sign."""

    name: str = Field(min_length=1, pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1, description="What it counts, for the report.")
    metrics: list[str] = Field(min_length=1, description="Metrics summed per run.")
    claim: str = Field(min_length=1, description="The headline's claim about the effect.")
    direction: Literal["up", "down"] = Field(
        description="up: the claim is treatment minus control > 0; down: < 0."
    )
    digits: int = Field(default=1, ge=0, le=3, description="Decimals in the headline.")


class Central(_Spec):
    """The central comparison: posterior draws at the defaults (as compare does)."""

    replications: int = Field(default=5000, ge=1, le=100_000)
    seed: int = Field(default=0, ge=0)


class Sobol(_Spec):
    """The Saltelli sample: its N and the paired replications per point."""

    samples: int = Field(default=64, ge=2, le=4096, description="N (a power of two is used).")
    replications: int = Field(default=6, ge=2, le=1000, description="Paired runs per point.")
    seed: int = Field(default=30, ge=0)


class Sweep(_Spec):
    """One-at-a-time sweeps of the top inputs of each claim that is not robust."""

    levels: int = Field(default=5, ge=2, le=21)
    replications: int = Field(default=300, ge=1, le=100_000)
    top: int = Field(default=2, ge=1, le=10, description="Inputs swept per fragile claim.")
    seed: int = Field(default=31, ge=0)


class RobustnessSpec(_Spec):
    """A whole robustness spec file."""

    name: str = Field(min_length=1)
    description: str = ""
    scenario: str = Field(description="Scenario file, relative to the spec.")
    treatment: str
    control: str
    posterior: str = Field(description="Calibration posterior (posterior.csv), relative.")
    robust_share: float = Field(default=0.95, gt=0.5, le=1.0)
    central: Central = Central()
    sobol: Sobol = Sobol()
    sweep: Sweep = Sweep()
    inputs: list[Input] = Field(min_length=1)
    outcomes: list[Outcome] = Field(min_length=1)
    quick: dict[str, int] = Field(
        default_factory=lambda: {
            "central": 8,
            "samples": 2,
            "replications": 2,
            "sweep_replications": 4,
            "levels": 3,
        },
        description="Tiny sizes used by --quick (tests).",
    )


@dataclass(frozen=True)
class Study:
    """A loaded, checked robustness spec with its scenario file and posterior."""

    path: Path
    text: str
    spec: RobustnessSpec
    scenarios: ScenarioFile
    posterior_path: Path
    particles: pd.DataFrame

    @property
    def names(self) -> list[str]:
        """The Sobol' inputs: each judgement input's path, then ``posterior``."""
        return [i.path for i in self.spec.inputs] + [POSTERIOR]

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem of the inputs and the grouped posterior."""
        bounds = [list(i.bounds) for i in self.spec.inputs] + [[0.0, 1.0]]
        return {"num_vars": len(bounds), "names": self.names, "bounds": bounds}

    @property
    def digest(self) -> str:
        """A short hash of what decides the runs (it keys them).

        That is the variants, the inputs' paths, kinds and ranges, the sizes and seeds, the
        scenario file and the posterior. Outcomes, labels and reasons are left out:
        changing them reanalyses the same runs.
        """
        s = self.spec
        decisive: list[object] = [s.treatment, s.control, s.sobol, s.sweep]
        decisive += [(i.path, i.kind, i.bounds) for i in s.inputs]
        payload = repr(decisive) + self.scenarios.digest
        payload += hashlib.sha256(self.posterior_path.read_bytes()).hexdigest()
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def sample(self) -> np.ndarray:
        """The Saltelli sample (rows: points; columns: :attr:`names`)."""
        n = 1 << max(1, int(np.ceil(np.log2(self.spec.sobol.samples))))
        return np.asarray(
            sobol_sample.sample(self.problem, n, calc_second_order=False, seed=self.spec.sobol.seed)
        )

    def particle(self, u: float) -> dict[str, Any]:
        """The posterior particle at cumulative weight ``u`` in [0, 1], as overrides."""
        w = self.particles["weight"].to_numpy(dtype=float)
        alive = np.flatnonzero(w > 0)  # a particle of weight zero is never drawn
        cdf = np.cumsum(w[alive]) / w[alive].sum()
        j = alive[min(int(np.searchsorted(cdf, u, side="right")), len(alive) - 1)]
        row = self.particles.iloc[int(j)]
        return {
            p: round(float(row[p])) if p in self.integers else float(row[p]) for p in self.columns
        }

    @cached_property
    def columns(self) -> list[str]:
        """The posterior's parameter columns (field paths)."""
        return [c for c in self.particles.columns if c != "weight"]

    @cached_property
    def integers(self) -> set[str]:
        """The posterior columns that are integer fields (rounded, as compare does)."""
        base = self.scenarios.variant(self.spec.treatment)
        out = set()
        for p in self.columns:
            v = get_value(base, p)
            if isinstance(v, int) and not isinstance(v, bool):
                out.add(p)
        return out

    def overrides(self, row: np.ndarray) -> dict[str, Any]:
        """One design point's field values: its posterior particle, then its inputs."""
        values = self.particle(float(row[-1]))
        for inp, x in zip(self.spec.inputs, row[:-1], strict=True):
            values[inp.path] = inp.value(x)
        return values


def load_study(path: str | Path, *, quick: bool = False) -> Study:
    """Load a robustness spec and check it against its scenario file and posterior.

    Raises:
        RobustnessError: one line per problem, naming the file, field and value.
    """
    path = Path(path)
    if not path.is_file():
        raise RobustnessError(str(path), ["file not found"])
    text = path.read_text(encoding="utf-8")
    try:
        raw = parse_yaml(text) or {}
    except YamlProblem as exc:
        raise RobustnessError(str(path), [str(exc)]) from None
    if not isinstance(raw, dict):
        raise RobustnessError(str(path), ["top level: expected a mapping"])
    try:
        spec = RobustnessSpec.model_validate(raw)
    except ValidationError as exc:
        raise RobustnessError(str(path), format_validation(exc)) from None
    if quick:
        spec = _quick(spec)
    try:
        scenarios = load_file(path.parent / spec.scenario)
        scenarios.variant(spec.treatment)
        scenarios.variant(spec.control)
    except ScenarioError as exc:
        raise RobustnessError(str(path), [f"scenario: {p}" for p in exc.problems]) from None
    post = path.parent / spec.posterior
    try:
        particles = load_posterior(post)
    except PosteriorError as exc:
        raise RobustnessError(str(path), [f"posterior: {exc}"]) from None
    study = Study(path, text, spec, scenarios, post, particles)
    _check(study)
    return study


def _quick(spec: RobustnessSpec) -> RobustnessSpec:
    q = spec.quick
    return spec.model_copy(
        update={
            "central": spec.central.model_copy(update={"replications": q.get("central", 8)}),
            "sobol": spec.sobol.model_copy(
                update={
                    "samples": q.get("samples", 2),
                    "replications": q.get("replications", 2),
                }
            ),
            "sweep": spec.sweep.model_copy(
                update={
                    "replications": q.get("sweep_replications", 4),
                    "levels": q.get("levels", 3),
                }
            ),
        }
    )


def _check(study: Study) -> None:
    """Inputs must be settable at both ends in both variants and not fixed by the posterior."""
    spec, problems = study.spec, []
    columns = set(study.particles.columns) - {"weight"}
    seen: set[str] = set()
    for i, inp in enumerate(spec.inputs):
        where = f"inputs[{i}] ({inp.path})"
        if inp.path in seen:
            problems.append(f"{where}: listed twice")
        seen.add(inp.path)
        if inp.path in columns:
            problems.append(f"{where}: the posterior sets it; drop it or that posterior column")
        for variant in (spec.treatment, spec.control):
            base = study.scenarios.variant(variant)
            try:
                for x in inp.bounds:
                    apply_overrides(base, {inp.path: inp.value(x)})
            except ScenarioError as exc:
                problems += [f"{where}: {p}" for p in exc.problems]
                break
    try:
        study.particle(0.5)
    except (ScenarioError, WgsimError) as exc:
        problems.append(f"posterior: a column is not a scenario field ({exc})")
    known = {c.name for c in METRICS}
    for i, o in enumerate(spec.outcomes):
        problems += [
            f"outcomes[{i}] ({o.name}): unknown metric '{m}'; see `wgsim codebook`"
            for m in o.metrics
            if m not in known
        ]
    names = [o.name for o in spec.outcomes]
    if len(set(names)) != len(names):
        problems.append(f"outcomes: names must differ, got {names}")
    if problems:
        raise RobustnessError(str(study.path), problems)
