"""Calibration by approximate Bayesian computation (ABC-SMC, pyabc).

A calibration spec (``calibration/historical.yaml``, :mod:`sim.studies.calibration.spec`)
names the scenario, the episodes file, the free parameters (field paths with uniform prior
ranges and the target each is pinned by), and the ABC budget. Each particle runs the
scenario with several seeds; its summary statistics are the targets' statistics averaged
over those seeds; the distance scales each target's error by its tolerance
(:mod:`sim.studies.calibration.simulator`). The pyabc database makes a run resumable: the
same command continues from the last finished generation. The outputs are the posterior,
the calibrated values and the fit report (:mod:`sim.studies.calibration.report`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyabc
import yaml
from pyabc import weighted_statistics

from sim.runs.executors import cluster_size, dask_client
from sim.runs.lifeline import guard_forks, mark_batch_process
from sim.runs.store import atomic_write_json, ensure_output_folder, provenance, recorded
from sim.scenario.paths import apply_overrides
from sim.studies.calibration.holdout import out_of_sample, write_out_of_sample
from sim.studies.calibration.kernels import ReflectedProductKernel
from sim.studies.calibration.report import write_fit_report
from sim.studies.calibration.simulator import Simulator, scaled_distance
from sim.studies.calibration.spec import (
    Budget,
    CalibrationError,
    CalibrationSpec,
    held_parameters,
    load_holdout,
    load_spec,
)
from sim.studies.calibration.targets import Episodes


def calibrate(
    spec_path: str | Path,
    out: Path,
    *,
    quick: bool = False,
    workers: int = 2,
    dask: str | None = None,
    log: Callable[[str], None] = lambda _: None,
    progress: bool = False,
    report_only: bool = False,
    figures: bool = True,
) -> dict[str, Any]:
    """Run (or resume) ABC-SMC and write the posterior, calibrated values and report.

    With ``report_only`` nothing is sampled: the outputs are written from the generations
    the database holds (for a fit stopped before its budget), and the summary says how
    many of the budget's generations that is. With ``figures`` false the fit report is
    written without its figures (``--no-figures``).

    Returns:
        A summary: simulations, generations, acceptance rate, wall time, epsilon.
    """
    started = dt.datetime.now(dt.UTC).isoformat()
    spec, scenario, episodes = load_spec(spec_path)
    budget = spec.quick if quick else spec.budget
    np.random.seed(spec.seed)  # noqa: NPY002  (pyabc samples from numpy's global generator)
    prior = pyabc.Distribution(
        **{p.key: pyabc.RV("uniform", p.low, p.high - p.low) for p in spec.parameters}
    )
    simulator = Simulator(scenario, episodes, spec.parameters, budget.seeds_per_particle)
    observed = {t.id: t.value for t in episodes.fitted}
    distance = scaled_distance({t.id: t.tolerance for t in episodes.fitted})
    bounds = {p.key: (p.low, p.high) for p in spec.parameters}
    # Every check of the input (the spec above, a Dask address here) before --out is made.
    db = out / "posterior.db"
    if report_only and not db.exists():
        raise CalibrationError(
            f"--report-only: {db} does not exist; there is no fit to report on (run the "
            "calibration first, or give the --out of one)"
        )
    sampler = _sampler(workers, dask, progress)
    ensure_output_folder(out)

    def smc(scaling: float) -> Any:
        return pyabc.ABCSMC(
            simulator,
            prior,
            distance,
            population_size=budget.population_size,
            transitions=_transition(budget.transition, bounds, scaling),
            sampler=sampler,
        )

    abc = smc(1.0)
    _check_database(out, db, _fit_digest(spec, scenario, episodes, quick))
    if db.exists():
        try:
            history = abc.load(f"sqlite:///{db}", 1)
        except Exception as exc:  # pyabc or SQLAlchemy on a file that is not its database
            raise CalibrationError(
                f"{db} cannot be resumed ({type(exc).__name__}: {exc}); "
                "move it away or choose another --out"
            ) from None
        done = history.n_populations
        log(f"resuming from {db}: {done} generations done")
    else:
        history = abc.new(f"sqlite:///{db}", observed)
        done = 0
    cap = budget.max_simulations or np.inf
    widen = budget.final_kernel_scaling != 1.0
    remaining = budget.generations - done
    spent = done > 0 and int(history.total_nr_simulations) >= cap
    if remaining > 0 and not spent and not report_only:
        ahead = remaining - 1 if widen else remaining
        if ahead > 0:
            history = abc.run(
                minimum_epsilon=budget.min_epsilon,
                max_nr_populations=ahead,
                max_total_nr_simulations=cap,
            )
        stopped = history.n_populations < done + ahead  # by min_epsilon or the cap
        if widen and not stopped and int(history.total_nr_simulations) < cap:
            # The last generation, from kernels widened by the spec's factor: more even
            # importance weights in the final population, paid for in simulations.
            last = smc(budget.final_kernel_scaling)
            last.load(f"sqlite:///{db}", history.id)
            history = last.run(
                minimum_epsilon=budget.min_epsilon,
                max_nr_populations=1,
                max_total_nr_simulations=cap,
            )
    held = held_parameters(spec_path, spec, scenario)
    summary = _write_outputs(history, spec, simulator, episodes, out, budget, held, figures)
    posterior, weights = history.get_distribution(m=0, t=history.max_t)
    posterior = posterior.assign(weight=weights)
    holdout = load_holdout(spec_path)
    write_out_of_sample(
        out_of_sample(spec, simulator, holdout, posterior, budget.predictive_draws), out
    )
    fit = _fit_digest(spec, scenario, episodes, quick)
    run = {
        "quick": quick,
        "report_only": report_only,
        "figures": figures,
        "workers": workers,
        "dask_address": dask,
        "started": started,
        # generations already in the database when this call began: started and finished
        # are this call's; a call on a finished database only rewrites the outputs
        "generations_before_this_call": done,
    }
    _write_manifest(out, Path(spec_path), fit, run, summary, sampler)
    log(f"{summary['simulations']} simulations, acceptance {summary['acceptance_rate']:.1%}")
    return summary


def _write_manifest(
    out: Path, spec_path: Path, fit: str, run: dict[str, Any], summary: dict[str, Any], sampler: Any
) -> None:
    """``manifest.json`` of a calibration: the spec, how it ran, its summary, provenance."""
    executor: dict[str, Any] = {"executor": "dask" if run["dask_address"] else "processes"}
    client = getattr(sampler, "client", None)  # a Dask sampler's client
    if client is not None:
        executor.update(cluster_size(client))
    manifest = {
        "kind": "calibration",
        "spec_file": str(spec_path),
        "spec_path": str(spec_path.resolve()),
        "spec_text": spec_path.read_text(encoding="utf-8"),
        "fit_digest": fit,
        **run,
        **executor,
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        "summary": summary,
        **provenance(),
    }
    atomic_write_json(manifest, out / "manifest.json")


def _fit_digest(spec: Any, scenario: Any, episodes: Any, quick: bool) -> str:
    """What a resumed fit must share with the database: spec, scenario, episodes, budget.

    Neither the spec's notes on mechanisms, its recovery study, nor the scenario's values of
    the free parameters change the fit (every particle sets its own), so none enters the
    digest: copying the
    fit's own medians into ``calibrated.yaml``, which the scenario reads, or updating a
    note after the run, leaves a finished database resumable and its report rewritable.
    """
    fixed = apply_overrides(scenario, {p.path: p.value_of(p.low) for p in spec.parameters})
    parts = [
        spec.model_dump_json(exclude={"mechanisms", "recovery"}),
        fixed.model_dump_json(),
        episodes.model_dump_json(),
    ]
    return hashlib.sha256(("|".join(parts) + f"|quick={quick}").encode()).hexdigest()[:16]


def _check_database(out: Path, db: Path, digest: str) -> None:
    """Refuse to resume a database made for another fit; record the fit of a new one."""
    record = out / "fit.json"
    if db.exists() and record.exists():
        before = recorded(record, "fit_digest")
        if before != digest:
            raise CalibrationError(
                f"{db} holds a fit of another spec, scenario, episodes or budget (digest "
                f"{before}, now {digest}); choose another --out to start a new fit"
            )
    elif not db.exists():
        atomic_write_json({"fit_digest": digest, **provenance()}, record)


def _transition(kind: str, bounds: dict[str, tuple[float, float]], scaling: float = 1.0) -> Any:
    """The perturbation kernel named by ``budget.transition``.

    ``bounds`` are the priors' boxes; ``scaling`` multiplies the kernels' variance.
    """
    match kind:
        case "multivariate_normal":
            return pyabc.MultivariateNormalTransition(scaling=scaling)
        case "local":
            return pyabc.LocalTransition(scaling=scaling)
        case "independent":
            return ReflectedProductKernel(bounds, scaling=scaling)
        case _:
            raise CalibrationError(
                f"unknown transition {kind!r}; allowed: multivariate_normal, local, independent"
            )


def _sampler(workers: int, dask: str | None, progress: bool = False) -> Any:
    sampler: Any
    # pyabc forks its workers from this process; they die with it, even after kill -9.
    mark_batch_process()
    guard_forks()
    if dask is None:
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
    else:
        client, _cluster = dask_client(dask, workers)
        sampler = pyabc.sampler.DaskDistributedSampler(dask_client=client)
    sampler.show_progress = progress  # a bar of accepted particles within each generation
    return sampler


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``x`` with weights ``w`` (pyabc's, on weights normalised to 1)."""
    weights = np.asarray(w, dtype=float)
    return float(
        weighted_statistics.weighted_quantile(
            np.asarray(x, dtype=float), weights / weights.sum(), alpha=q
        )
    )


def _write_outputs(
    history: Any,
    spec: CalibrationSpec,
    simulator: Simulator,
    episodes: Episodes,
    out: Path,
    budget: Budget,
    held: dict[str, Any],
    figures: bool = True,
) -> dict[str, Any]:
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
        calibrated[p.path] = {"median": p.value_of(med), "q05": lo, "q95": hi}
    table = pd.DataFrame(rows)
    table.to_csv(out / "posterior_summary.csv", index=False)
    pops = history.get_all_populations()
    pops["ess"] = [
        weighted_statistics.effective_sample_size(history.get_distribution(m=0, t=int(t))[1])
        if t >= 0
        else np.nan
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
        "effective_sample_size": round(float(weighted_statistics.effective_sample_size(w)), 1),
        # Sampling time of every generation as pyabc recorded it, so a resumed run (or
        # outputs rewritten from a finished database) reports the whole run's time.
        "wall_seconds": round(float(pops["wall_time"].sum()), 1),
        "population_size": budget.population_size,
        "seeds_per_particle": simulator.seeds,
        "budget_generations": budget.generations,
        "budget_simulations": budget.max_simulations,
    }
    for path, value in held.items():
        # not fitted: the fit was conditioned on the value the scenario gave it
        calibrated[path] = {"median": value, "held": True}
    doc = {
        "description": "Posterior medians and 90% credible intervals from ABC-SMC against "
        "calibration/episodes.yaml; scenario files use the medians via `calibrated:`. "
        "An entry with `held: true` was not fitted: the fit held it at this value (the "
        "scenario's, from the calibration result the scenario named when the fit ran).",
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "run": summary,
        "parameters": calibrated,
    }
    (out / "calibrated.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    write_fit_report(
        out, spec, simulator, episodes, df, table, summary, pops, budget.predictive_draws, figures
    )
    return summary
