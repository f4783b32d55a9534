"""Comparisons: every variant of a scenario file over N common-random-number replications.

``wgsim compare`` builds one :class:`~sim.runs.jobs.Job` per variant and replication (the same
seed for every variant of a replication), runs them through :mod:`sim.runs.engine`, merges the
results and writes the comparison report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import WgsimError
from sim.runs.engine import BatchOutcome, read_manifest, run_with_manifest
from sim.runs.jobs import Job, replication_seeds
from sim.runs.parts import halt_point
from sim.runs.runner import check_size
from sim.runs.store import OutOfSpaceError, is_out_of_space, provenance
from sim.scenario import Scenario
from sim.scenario.loader import ScenarioFile, load_file
from sim.scenario.paths import apply_overrides, override_file
from sim.studies.calibration.posterior import draw_overrides, load_posterior, posterior_digest
from sim.studies.comparison.report import write_compare_report


class OutputConflict(WgsimError):
    """The output folder holds results of another scenario or seed."""


@dataclass
class CompareResult:
    """Where a comparison wrote its results and how it went."""

    out: Path
    outcome: BatchOutcome
    report: Path | None
    seconds: float


def compare_jobs(
    sf: ScenarioFile, replications: int, seed: int, posterior: Path | None = None
) -> tuple[list[Job], dict[str, Scenario], list[int]]:
    """Jobs for every variant x replication, with shared replication seeds.

    With a posterior, replication r of every variant uses the r-th parameter draw.
    """
    seeds = replication_seeds(seed, replications)
    digest = sf.digest  # computed from every variant's values: once, not once per job
    if posterior is None:
        scenarios = {f"{digest}:{v}": s for v, s in sf.variants.items()}
        names = [(v, scenario.name, f"{digest}:{v}") for v, scenario in sf.variants.items()]
        jobs = [
            Job({"scenario": name, "variant": v, "replication": rep}, key, s)
            for rep, s in enumerate(seeds)
            for v, name, key in names
        ]
        return jobs, scenarios, seeds
    draws = draw_overrides(load_posterior(posterior), sf.variant(None), replications, seed)
    tag = f"{digest}:{posterior_digest(posterior)}"
    scenarios = {}
    jobs = []
    for rep, (s, values) in enumerate(zip(seeds, draws, strict=True)):
        for v, scenario in sf.variants.items():
            name = f"{tag}:{v}:{rep}"
            scenarios[name] = apply_overrides(scenario, values)
            jobs.append(Job({"scenario": scenario.name, "variant": v, "replication": rep}, name, s))
    return jobs, scenarios, seeds


def _check_folder(
    out: Path, sf: ScenarioFile, seed: int, posterior: str | None, replications: int, events: bool
) -> None:
    """Refuse, before anything runs, a folder whose results this command would mix or lose."""
    old = read_manifest(out)
    if old is None:
        if (out / "runs.parquet").exists() or any((out / "parts").glob("chunk-*")):
            raise OutputConflict(
                f"{out} holds results but no manifest.json, so what they are cannot be "
                "checked; choose another --out"
            )
        return
    now = (sf.digest, seed, posterior)
    before = (old.get("scenario_digest"), old.get("seed"), old.get("posterior_digest"))
    if before != now:
        raise OutputConflict(
            f"{out} holds results of (scenario digest, seed, posterior) {before}, not {now}; "
            "choose another --out"
        )
    had = old.get("replications")
    if isinstance(had, int) and replications < had:
        raise OutputConflict(
            f"{out} holds {had} replications per variant, more than the {replications} asked "
            f"for; resume with -n {had} or more, or choose another --out"
        )
    if bool(old.get("events")) != events:
        was = "with" if old.get("events") else "without"
        raise OutputConflict(
            f"{out} was run {was} --events; resume it the same way, or choose another --out"
        )


def run_compare(
    path: str | Path,
    *,
    replications: int,
    out: Path,
    workers: int = 2,
    dask: str | None = None,
    events: bool = False,
    seed: int = 0,
    report: bool = True,
    posterior: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> CompareResult:
    """Run (or resume) a comparison and write its results and report.

    Args:
        path: Scenario file.
        replications: Replications per variant.
        out: Output folder.
        workers: Worker processes.
        dask: Dask scheduler address or ``"local"``.
        events: Also store every run's event log.
        seed: Root seed of the replication seeds.
        report: Write the comparison report.
        on_progress: Progress callback (runs done in a chunk, failures in it).
        on_start: Called with (jobs in total, jobs already done) before running.
        posterior: A calibration posterior (posterior.csv): each replication draws its
            parameters from it.
        overrides: Field path -> value set in every variant (``--set``).
    """
    sf = override_file(load_file(path), overrides or {})
    post_digest = None
    if posterior is not None:
        load_posterior(posterior)
        post_digest = posterior_digest(posterior)
    _check_folder(out, sf, seed, post_digest, replications, events)
    for s in sf.variants.values():
        check_size(s, str(path))
    if on_start is not None:  # the bar shows the batch's size while its jobs are made
        on_start(replications * len(sf.variants), 0)
    jobs, scenarios, seeds = compare_jobs(sf, replications, seed, posterior)
    if posterior is not None:
        for s in scenarios.values():
            check_size(s, str(path))
    manifest = {
        "kind": "compare",
        "scenario_file": str(path),
        "scenario_path": str(Path(path).resolve()),
        "scenario_digest": sf.digest,
        "scenario_text": sf.text,
        "variants": list(sf.variants),
        "baseline": sf.baseline,
        "replications": replications,
        "seed": seed,
        "seeds": seeds,
        "posterior": str(posterior) if posterior else None,
        "posterior_digest": post_digest,
        "executor": "dask" if dask else ("processes" if workers > 1 else "serial"),
        "dask_address": dask,
        "workers": workers,
        "events": events,
        **provenance(),
    }
    t0 = time.perf_counter()
    halt_point("before-batch")
    outcome, counts = run_with_manifest(
        jobs,
        scenarios,
        out,
        manifest,
        workers=workers,
        dask=dask,
        series=True,
        events=events,
        on_progress=on_progress,
        on_start=on_start,
    )
    seconds = time.perf_counter() - t0
    report_path = None
    if report and counts["runs"]:
        try:
            report_path = write_compare_report(out, sf)
        except OSError as exc:
            if not is_out_of_space(exc):
                raise
            raise OutOfSpaceError(
                f"no space left on the device holding {out} while writing the report; "
                "the results are complete: free some space and rerun the same command "
                "to write it"
            ) from None
    return CompareResult(out, outcome, report_path, seconds)
