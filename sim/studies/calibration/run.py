"""Calibration by approximate Bayesian computation (ABC-SMC, pyabc).

A calibration spec (``calibration/historical.yaml``) names the scenario, the episodes
file, the free parameters (field paths with uniform prior ranges and the target each is
pinned by), and the ABC budget. Each particle runs the scenario with several seeds; its
summary statistics are the targets' statistics averaged over those seeds; the distance
scales each target's error by its tolerance. The pyabc database makes a run resumable:
the same command continues from the last finished generation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import WgsimError
from sim.runs.runner import run
from sim.scenario.loader import format_validation, load_file
from sim.scenario.paths import apply_overrides, get_value
from sim.scenario.schema import Scenario
from sim.studies.calibration.targets import Episodes, load_episodes, statistics_of


class CalibrationError(WgsimError):
    """A calibration spec is missing or invalid."""


class FreeParameter(BaseModel):
    """A calibrated parameter: a field path with a uniform prior."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    low: float
    high: float
    integer: bool = False
    target: str = Field(description="The targets that pin it (MECHANISMS §5).")

    @model_validator(mode="after")
    def _range(self) -> FreeParameter:
        if not self.low < self.high:
            raise ValueError(f"{self.path}: low ({self.low}) must be below high ({self.high})")
        return self

    @property
    def key(self) -> str:
        """A name pyabc accepts for the parameter."""
        return "".join(c if c.isalnum() else "_" for c in self.path)


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
        "one-dimensional kernels, one per parameter (a product of marginal kernel "
        "densities, which keeps importance weights even when many parameters are "
        "weakly identified, at the cost of ignoring correlations in the proposal).",
    )
    predictive_draws: int = Field(default=100, ge=1, le=100_000)


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
    mechanisms: dict[str, str] = Field(
        default_factory=dict,
        description="Target id -> why the model may miss it (the mechanism at fault); the "
        "fit report prints the note of every target reproduced in fewer than half the "
        "posterior-predictive runs.",
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
        spec = CalibrationSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        lines = format_validation(exc) if isinstance(exc, ValidationError) else [str(exc)]
        raise CalibrationError(
            f"invalid calibration spec {path}:\n" + "\n".join(f"  - {p}" for p in lines)
        ) from None
    scenario = load_file(path.parent / spec.scenario).variant(spec.variant)
    for p in spec.parameters:
        get_value(scenario, p.path)  # raises ScenarioError naming a bad path
        apply_overrides(scenario, {p.path: _value(p, p.low)})
        apply_overrides(scenario, {p.path: _value(p, p.high)})
    episodes = load_episodes(path.parent / spec.episodes)
    ids = [t.id for t in episodes.fitted]
    for key in spec.mechanisms:
        if key not in ids:
            raise CalibrationError(
                f"invalid calibration spec {path}: mechanisms: {key!r} is not a fitted "
                f"target; allowed: {', '.join(ids)}"
            )
    return spec, scenario, episodes


def _value(p: FreeParameter, x: float) -> float | int:
    return round(x) if p.integer else float(x)


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
        return {p.path: _value(p, values[p.key]) for p in self.params}

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


def calibrate(
    spec_path: str | Path,
    out: Path,
    *,
    quick: bool = False,
    workers: int = 2,
    dask: str | None = None,
    log: Callable[[str], None] = lambda _: None,
    progress: bool = False,
) -> dict[str, Any]:
    """Run (or resume) ABC-SMC and write the posterior, calibrated values and report.

    Returns:
        A summary: simulations, generations, acceptance rate, wall time, epsilon.
    """
    import pyabc

    spec, scenario, episodes = load_spec(spec_path)
    budget = spec.quick if quick else spec.budget
    out.mkdir(parents=True, exist_ok=True)
    np.random.seed(spec.seed)  # noqa: NPY002  (pyabc samples from numpy's global generator)
    prior = pyabc.Distribution(
        **{p.key: pyabc.RV("uniform", p.low, p.high - p.low) for p in spec.parameters}
    )
    simulator = Simulator(scenario, episodes, spec.parameters, budget.seeds_per_particle)
    observed = {t.id: t.value for t in episodes.fitted}
    distance = ScaledDistance({t.id: t.tolerance for t in episodes.fitted})
    abc = pyabc.ABCSMC(
        simulator,
        prior,
        distance,
        population_size=budget.population_size,
        transitions=_transition(budget.transition, [p.key for p in spec.parameters]),
        sampler=_sampler(workers, dask, progress),
    )
    db = out / "posterior.db"
    if db.exists():
        history = abc.load(f"sqlite:///{db}", 1)
        done = history.n_populations
        log(f"resuming from {db}: {done} generations done")
    else:
        history = abc.new(f"sqlite:///{db}", observed)
        done = 0
    remaining = budget.generations - done
    spent = done > 0 and int(history.total_nr_simulations) >= (budget.max_simulations or np.inf)
    if remaining > 0 and not spent:
        history = abc.run(
            minimum_epsilon=budget.min_epsilon,
            max_nr_populations=remaining,
            max_total_nr_simulations=budget.max_simulations or np.inf,
        )
    summary = _write_outputs(history, spec, simulator, episodes, out, budget)
    log(f"{summary['simulations']} simulations, acceptance {summary['acceptance_rate']:.1%}")
    return summary


def _transition(kind: str, keys: list[str]) -> Any:
    """The perturbation kernel (pyabc) named by ``budget.transition``."""
    import pyabc

    match kind:
        case "multivariate_normal":
            return pyabc.MultivariateNormalTransition()
        case "local":
            return pyabc.LocalTransition()
        case "independent":
            return pyabc.AggregatedTransition(
                {key: pyabc.MultivariateNormalTransition() for key in keys}
            )
        case _:
            raise CalibrationError(
                f"unknown transition {kind!r}; allowed: multivariate_normal, local, independent"
            )


def _sampler(workers: int, dask: str | None, progress: bool = False) -> Any:
    import pyabc

    sampler: Any
    if dask is None:
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
    else:
        from sim.runs.executors import dask_client

        client, _cluster = dask_client(dask, workers)
        sampler = pyabc.sampler.DaskDistributedSampler(dask_client=client)
    sampler.show_progress = progress  # a bar of accepted particles within each generation
    return sampler


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of importance weights, (sum w)^2 / sum w^2.

    It equals the population size for equal weights and falls toward 1 as a few particles
    carry the weight (a degenerate population whose credible intervals mean little).
    """
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.sum(w**2)) if w.size else float("nan")


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``x`` with weights ``w``."""
    order = np.argsort(x)
    x, w = np.asarray(x)[order], np.asarray(w)[order]
    cum = np.cumsum(w) / np.sum(w)
    return float(np.interp(q, cum - w / (2 * np.sum(w)), x))


def _write_outputs(
    history: Any,
    spec: CalibrationSpec,
    simulator: Simulator,
    episodes: Episodes,
    out: Path,
    budget: Budget,
) -> dict[str, Any]:
    from sim.studies.calibration.report import write_fit_report

    df, w = history.get_distribution(m=0, t=history.max_t)
    df = df.copy()
    df["weight"] = w
    df.rename(columns={p.key: p.path for p in spec.parameters}).to_csv(
        out / "posterior.csv", index=False
    )
    rows = []
    calibrated: dict[str, Any] = {}
    for p in spec.parameters:
        x = df[p.key].to_numpy()
        med, lo, hi = (weighted_quantile(x, w, q) for q in (0.5, 0.05, 0.95))
        rows.append(
            {
                "path": p.path,
                "median": med,
                "q05": lo,
                "q95": hi,
                "prior_low": p.low,
                "prior_high": p.high,
                "pinned_by": p.target,
            }
        )
        calibrated[p.path] = {"median": _value(p, med), "q05": lo, "q95": hi}
    table = pd.DataFrame(rows)
    table.to_csv(out / "posterior_summary.csv", index=False)
    pops = history.get_all_populations()
    pops["ess"] = [
        effective_sample_size(history.get_distribution(m=0, t=int(t))[1]) if t >= 0 else np.nan
        for t in pops["t"]
    ]
    sims = int(history.total_nr_simulations)
    accepted = budget.population_size * int(history.n_populations)
    summary = {
        "simulations": sims,
        "runs": sims * simulator.seeds,
        "generations": int(history.n_populations),
        "acceptance_rate": accepted / sims if sims else float("nan"),
        "final_epsilon": float(pops["epsilon"].iloc[-1]),
        "effective_sample_size": round(effective_sample_size(w), 1),
        # Sampling time of every generation as pyabc recorded it, so a resumed run (or
        # outputs rewritten from a finished database) reports the whole run's time.
        "wall_seconds": round(float(pops["wall_time"].sum()), 1),
        "population_size": budget.population_size,
        "seeds_per_particle": simulator.seeds,
    }
    doc = {
        "description": "Posterior medians and 90% credible intervals from ABC-SMC against "
        "calibration/episodes.yaml; scenario files use the medians via `calibrated:`.",
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "run": summary,
        "parameters": calibrated,
    }
    (out / "calibrated.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    write_fit_report(
        out, spec, simulator, episodes, df, table, summary, pops, budget.predictive_draws
    )
    return summary
