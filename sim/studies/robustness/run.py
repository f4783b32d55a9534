"""Running a robustness study: the central comparison, the Sobol' sample, the sweeps.

Three batches, each in its own folder under the output folder and each resumable:

``central/``
    ``wgsim compare --posterior`` of the spec's scenario file (the same jobs, seeds and
    report), so the central numbers are exactly those of that command.
``sobol/``
    Every point of the Saltelli sample (the judgement inputs and the grouped posterior)
    runs both variants ``sobol.replications`` times with the same seed for both (paired);
    points have their own seeds, so chance is independent between points and its share of
    the spread can be measured.
``sweep/``
    For the inputs that matter most to each claim that is not robust, one input at a time
    at ``sweep.levels`` values across its range, the others at their defaults and the
    parameters drawn from the posterior as ``compare`` does; every level shares the same
    draws and seeds (common random numbers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.runs.engine import read_manifest, run_with_manifest
from sim.runs.jobs import Job, replication_seeds
from sim.runs.store import provenance
from sim.scenario import Scenario
from sim.scenario.paths import apply_overrides
from sim.studies.calibration.posterior import draw_overrides
from sim.studies.comparison.run import OutputConflict, run_compare
from sim.studies.robustness.spec import Study

Progress = Callable[[int, int], None] | None


@dataclass
class StudyRuns:
    """The runs of a study's three stages (one row per run, with key columns)."""

    central: pd.DataFrame
    sample: np.ndarray
    sobol: pd.DataFrame
    sweep: pd.DataFrame
    levels: pd.DataFrame  # point, input, level (value) of each sweep point
    failed: int


def sobol_jobs(study: Study, sample: np.ndarray) -> tuple[list[Job], dict[str, Scenario]]:
    """Jobs for every sample point x variant x replication; a point's variants share seeds."""
    spec = study.spec
    reps = spec.sobol.replications
    seeds = replication_seeds(spec.sobol.seed, len(sample) * reps)
    jobs: list[Job] = []
    scenarios: dict[str, Scenario] = {}
    for i, row in enumerate(sample):
        values = study.overrides(row)
        for variant in (spec.treatment, spec.control):
            name = f"{study.digest}:sobol:{i}:{variant}"
            scenarios[name] = apply_overrides(study.scenarios.variant(variant), values)
            jobs += [
                Job({"point": i, "variant": variant, "replication": r}, name, seeds[i * reps + r])
                for r in range(reps)
            ]
    return jobs, scenarios


def sweep_levels(study: Study, inputs: Sequence[str]) -> pd.DataFrame:
    """The sweep's points: each input at evenly spaced values across its range."""
    by_path = {i.path: i for i in study.spec.inputs}
    rows: list[dict[str, Any]] = []
    for path in inputs:
        inp = by_path[path]
        for x in np.linspace(*inp.bounds, study.spec.sweep.levels):
            rows.append({"point": len(rows), "input": path, "level": inp.value(x)})
    return pd.DataFrame(rows, columns=["point", "input", "level"])


def sweep_jobs(study: Study, levels: pd.DataFrame) -> tuple[list[Job], dict[str, Scenario]]:
    """Jobs for every sweep point x replication x variant, draws and seeds shared."""
    spec = study.spec
    reps = spec.sweep.replications
    seeds = replication_seeds(spec.sweep.seed, reps)
    draws = draw_overrides(
        study.particles, study.scenarios.variant(spec.treatment), reps, spec.sweep.seed
    )
    jobs: list[Job] = []
    scenarios: dict[str, Scenario] = {}
    points: list[dict[Any, Any]] = levels.to_dict("records")
    for pt in points:
        for variant in (spec.treatment, spec.control):
            base = study.scenarios.variant(variant)
            for r, (seed, draw) in enumerate(zip(seeds, draws, strict=True)):
                # the input and its level in the name: a resumed sweep of other inputs
                # (after a change in the analysis) never reuses these runs
                name = f"{study.digest}:sweep:{pt['input']}={pt['level']}:{variant}:{r}"
                scenarios[name] = apply_overrides(base, {**draw, pt["input"]: pt["level"]})
                keys = {"point": pt["point"], "variant": variant, "replication": r}
                jobs.append(Job(keys, name, seed))
    return jobs, scenarios


def check_folder(out: Path, digest: str) -> None:
    """Refuse a stage folder that holds another study's runs (they would be mixed).

    Raises:
        OutputConflict: naming the folder and both digests.
    """
    old = read_manifest(out)
    if old is not None and old.get("robustness_digest") != digest:
        raise OutputConflict(
            f"{out} holds runs of another robustness spec (digest "
            f"{old.get('robustness_digest')}, not {digest}); choose another --out, or give "
            "--replace to move it aside"
        )
    if old is None and (out / "runs.parquet").exists():
        raise OutputConflict(f"{out} holds results but no manifest.json; choose another --out")


def move_aside_if_stale(out: Path, digest: str, now: dt.datetime | None = None) -> Path | None:
    """Move ``out`` aside when a stage in it holds another study's runs; nothing is deleted.

    A study's digest covers its spec, scenario and posterior, so after any of them changes
    (a new calibration, say) the folder of the last run cannot be resumed. The folder is
    renamed ``<out>.old-<UTC time>`` so the study can start again in ``out``.

    Returns:
        The new name of the old folder, or None when nothing was moved.
    """
    stale = False
    for stage in ("sobol", "sweep"):
        try:
            check_folder(out / stage, digest)
        except OutputConflict:
            stale = True
    if not stale:
        return None
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S")
    aside = out.with_name(f"{out.name}.old-{stamp}")
    out.rename(aside)
    return aside


def _stage(
    study: Study,
    stage: str,
    jobs: list[Job],
    scenarios: dict[str, Scenario],
    out: Path,
    extra: dict[str, Any],
    **options: Any,
) -> tuple[pd.DataFrame, int]:
    manifest = {
        "kind": f"robustness-{stage}",
        "robustness_file": str(study.path),
        "robustness_digest": study.digest,
        "scenario_digest": study.scenarios.digest,
        "seed": getattr(study.spec, stage).seed,
        "executor": "dask" if options.get("dask") else "processes",
        "workers": options.get("workers", 2),
        **extra,
        **provenance(),
    }
    outcome, counts = run_with_manifest(jobs, scenarios, out, manifest, series=False, **options)
    runs = pd.read_parquet(out / "runs.parquet") if counts["runs"] else pd.DataFrame()
    return runs, outcome.failed


def run_central(study: Study, out: Path, **options: Any) -> tuple[pd.DataFrame, int]:
    """The comparison at the defaults over the posterior (``wgsim compare --posterior``)."""
    spec = study.spec
    res = run_compare(
        study.scenarios.path,
        replications=spec.central.replications,
        out=out,
        seed=spec.central.seed,
        posterior=study.posterior_path,
        **options,
    )
    return pd.read_parquet(out / "runs.parquet"), res.outcome.failed


def run_sobol(study: Study, out: Path, **options: Any) -> tuple[np.ndarray, pd.DataFrame, int]:
    """The Sobol' stage: its sample and runs."""
    check_folder(out, study.digest)
    sample = study.sample()
    jobs, scenarios = sobol_jobs(study, sample)
    extra = {"points": len(sample), "replications": study.spec.sobol.replications}
    runs, failed = _stage(study, "sobol", jobs, scenarios, out, extra, **options)
    return sample, runs, failed


def run_sweep(
    study: Study, inputs: Sequence[str], out: Path, **options: Any
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The sweep stage for ``inputs``: its points and runs (none when no input is given)."""
    levels = sweep_levels(study, inputs)
    if levels.empty:
        return levels, pd.DataFrame(), 0
    check_folder(out, study.digest)
    jobs, scenarios = sweep_jobs(study, levels)
    extra = {"inputs": list(inputs), "replications": study.spec.sweep.replications}
    runs, failed = _stage(study, "sweep", jobs, scenarios, out, extra, **options)
    return levels, runs, failed
