"""Running an experiment: its jobs through the batch engine, then its report.

Every design point runs both variants with the same replication seeds (common random
numbers), so the treatment-minus-control effect is a paired difference. Runs are keyed by
the experiment's digest, so an interrupted experiment resumes where it stopped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sim.runs.engine import BatchOutcome, run_with_manifest
from sim.runs.jobs import Job, replication_seeds
from sim.runs.runner import check_size
from sim.runs.store import OutOfSpaceError, is_out_of_space, provenance
from sim.scenario import Scenario
from sim.scenario.paths import apply_overrides
from sim.studies.experiments.report import write_report
from sim.studies.experiments.spec import Experiment, experiment_digest


def experiment_jobs(exp: Experiment) -> tuple[list[Job], dict[str, Scenario], list[int]]:
    """Jobs for every point x (treatment, control) x replication, seeds shared (CRN)."""
    spec = exp.spec
    seeds = replication_seeds(spec.seed, spec.replications)
    digest = experiment_digest(exp)
    scenarios: dict[str, Scenario] = {}
    jobs: list[Job] = []
    for pt in exp.points:
        for variant in (spec.treatment, spec.control):
            name = f"{digest}:{pt.index}:{variant}"
            scenarios[name] = apply_overrides(exp.scenarios.variant(variant), pt.values)
            jobs += [
                Job({"point": pt.index, "variant": variant, "replication": r}, name, s)
                for r, s in enumerate(seeds)
            ]
    return jobs, scenarios, seeds


def run_experiment(
    exp: Experiment,
    out: Path,
    *,
    workers: int = 2,
    dask: str | None = None,
    on_progress: Any = None,
    on_start: Any = None,
) -> tuple[BatchOutcome, Path | None]:
    """Run (or resume) an experiment through the batch machinery and write its report.

    Returns:
        The batch outcome and the report path (None when no run succeeded).
    """
    jobs, scenarios, seeds = experiment_jobs(exp)
    for s in scenarios.values():
        check_size(s, str(exp.path))
    manifest = {
        "kind": "experiment",
        "experiment_file": str(exp.path),
        "experiment_path": str(Path(exp.path).resolve()),
        "experiment_text": exp.text,
        "experiment_digest": experiment_digest(exp),
        "scenario_file": str(exp.scenarios.path),
        "scenario_digest": exp.scenarios.digest,
        "scenario_text": exp.scenarios.text,
        "points": [{"index": p.index, "label": p.label, "values": p.values} for p in exp.points],
        "replications": exp.spec.replications,
        "seed": exp.spec.seed,
        "seeds": seeds,
        "workers": workers,
        "executor": "dask" if dask else ("processes" if workers > 1 else "serial"),
        **provenance(),
    }
    outcome, counts = run_with_manifest(
        jobs,
        scenarios,
        out,
        manifest,
        workers=workers,
        dask=dask,
        series=False,
        on_progress=on_progress,
        on_start=on_start,
    )
    if not counts["runs"]:
        return outcome, None
    runs = pd.read_parquet(out / "runs.parquet")
    values = pd.DataFrame([{"point": p.index, **p.values} for p in exp.points])
    runs = runs.merge(values, on="point", how="left")
    try:
        return outcome, write_report(exp, runs, out)
    except OSError as exc:
        if not is_out_of_space(exc):
            raise
        raise OutOfSpaceError(
            f"no space left on the device holding {out} while writing the report; the runs "
            "are complete: free some space and rerun the same command to write it"
        ) from None
