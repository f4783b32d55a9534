"""Batches: many seeded runs, in processes or on Dask, streamed to disk and resumable.

A batch is a list of :class:`~sim.runs.jobs.Job` s (:mod:`sim.runs.jobs`), grouped into
chunks and run serially, in local processes, or on a Dask distributed cluster
(:mod:`sim.runs.executors`). Each finished chunk is written at once as Parquet part files
(:mod:`sim.runs.parts`), so an interrupted batch loses at most the chunks in flight, and
the same command resumes it, skipping runs already done. :func:`execute` runs a batch and
:func:`run_with_manifest` also merges its parts and records its provenance.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.runs.executors import chunk_results
from sim.runs.jobs import Job, make_chunks
from sim.runs.lock import folder_lock
from sim.runs.parts import (
    clean_temporary,
    done_keys,
    finalize,
    forget_failures,
    next_part_index,
    parts_dir,
    write_parts,
)
from sim.runs.store import atomic_write_json
from sim.scenario import Scenario


@dataclass
class BatchOutcome:
    """Counts of a batch execution."""

    total: int
    skipped: int
    ok: int
    failed: int


def execute(
    jobs: Sequence[Job],
    scenarios: dict[str, Scenario],
    out: Path,
    *,
    workers: int = 2,
    dask: str | None = None,
    series: bool = True,
    events: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> BatchOutcome:
    """Run ``jobs`` not already done in ``out``, writing part files as chunks finish.

    Args:
        jobs: All jobs of the batch (done ones are skipped).
        scenarios: Scenarios by the names jobs use.
        out: Output folder.
        workers: Worker processes (1 runs serially in this process).
        dask: A Dask scheduler address, or ``"local"`` for a LocalCluster; None for processes.
        series: Record weekly series.
        events: Record event logs.
        on_progress: Called with (runs finished in the last chunk, failures in it).
        on_start: Called with (jobs in total, jobs already done) before running.

    Returns:
        Counts of the execution. Call :func:`~sim.runs.parts.finalize` afterwards.
    """
    out.mkdir(parents=True, exist_ok=True)
    parts_dir(out).mkdir(exist_ok=True)
    clean_temporary(out)
    done = done_keys(out)
    forget_failures(out)
    todo = [j for j in jobs if j.key not in done]
    chunks = make_chunks(
        todo, scenarios, workers, series=series, events=events, start_index=next_part_index(out)
    )
    outcome = BatchOutcome(len(jobs), len(jobs) - len(todo), 0, 0)
    if on_start is not None:
        on_start(outcome.total, outcome.skipped)
    for result in chunk_results(chunks, workers, dask):
        write_parts(out, result)
        outcome.ok += result.n_ok
        outcome.failed += result.n_failed
        if on_progress is not None:
            on_progress(result.n_ok + result.n_failed, result.n_failed)
    return outcome


def run_with_manifest(
    jobs: Sequence[Job],
    scenarios: dict[str, Scenario],
    out: Path,
    manifest: dict[str, Any],
    **options: Any,
) -> tuple[BatchOutcome, dict[str, int]]:
    """Lock ``out``, write ``manifest``, execute and finalize the batch, complete the manifest.

    Args:
        jobs: All jobs of the batch.
        scenarios: Scenarios by name.
        out: Output folder.
        manifest: Provenance to record (start and finish times, rows and status are added).
        **options: Passed to :func:`execute`.

    Returns:
        The execution's counts and the rows per output kind.

    Raises:
        FolderInUseError: if another process is writing ``out``.
    """
    with folder_lock(out):
        manifest = {**manifest, "started": dt.datetime.now(dt.UTC).isoformat(), "status": "running"}
        atomic_write_json(manifest, out / "manifest.json")
        t0 = time.perf_counter()
        outcome = execute(jobs, scenarios, out, **options)
        counts = finalize(out)
        manifest.update(
            {
                "finished": dt.datetime.now(dt.UTC).isoformat(),
                "status": "complete" if outcome.failed == 0 else "complete with failures",
                "seconds": round(time.perf_counter() - t0, 3),
                "rows": counts,
            }
        )
        atomic_write_json(manifest, out / "manifest.json")
    return outcome, counts
