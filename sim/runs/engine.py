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
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import WgsimError
from sim.runs.codebook import SCHEMA_VERSION
from sim.runs.executors import chunk_results, dask_session
from sim.runs.jobs import Job, make_chunks
from sim.runs.lock import folder_lock
from sim.runs.parts import (
    clean_temporary,
    done_keys,
    finalize,
    forget_failures,
    new_token,
    next_part_index,
    parts_dir,
    quarantine_corrupt,
    write_parts,
)
from sim.runs.store import OutOfSpaceError, atomic_write_json, file_metadata, is_out_of_space
from sim.scenario import Scenario


@dataclass
class BatchOutcome:
    """Counts of a batch execution."""

    total: int
    skipped: int
    ok: int
    failed: int
    quarantined: tuple[str, ...] = ()
    cluster: dict[str, Any] = field(default_factory=dict)


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
    token: str | None = None,
    earlier_tokens: Sequence[str] = (),
    client: Any = None,
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
        token: This attempt's token, naming its temporary files (a new one if None).
        earlier_tokens: Earlier attempts' tokens: their temporaries are removed first.
        client: A Dask client already connected to ``dask`` (else one is made).

    Returns:
        Counts of the execution. Call :func:`~sim.runs.parts.finalize` afterwards.
    """
    token = token or new_token()
    out.mkdir(parents=True, exist_ok=True)
    parts_dir(out).mkdir(exist_ok=True)
    clean_temporary(out, earlier_tokens)
    quarantined = tuple(quarantine_corrupt(out))
    done = done_keys(out)
    forget_failures(out)
    todo = [j for j in jobs if j.key not in done]
    chunks = make_chunks(
        todo, scenarios, workers, series=series, events=events, start_index=next_part_index(out)
    )
    outcome = BatchOutcome(len(jobs), len(jobs) - len(todo), 0, 0, quarantined)
    if on_start is not None:
        on_start(outcome.total, outcome.skipped)
    for result in chunk_results(chunks, workers, dask, outcome.cluster, client):
        write_parts(out, result, token)
        outcome.ok += result.n_ok
        outcome.failed += result.n_failed
        if on_progress is not None:
            on_progress(result.n_ok + result.n_failed, result.n_failed)
    return outcome


class ManifestError(WgsimError):
    """An output folder's manifest.json cannot be read."""


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: the batch stops as after Ctrl-C, its finished chunks kept."""


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of the batch in ``out``, or None if there is none.

    Raises:
        ManifestError: if the file exists but is not a JSON object.
    """
    path = out / "manifest.json"
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(
            f"{path} is unreadable ({type(exc).__name__}: {exc}); "
            "move it away to start a new batch there, or choose another --out"
        ) from None
    if not isinstance(data, dict):
        raise ManifestError(f"{path} is not a manifest (a JSON object); choose another --out")
    return data


def check_schema(out: Path, previous: dict[str, Any]) -> None:
    """Refuse to resume a folder whose tables were stored in another layout.

    Raises:
        ManifestError: naming the folder, its layout and this wgsim's.
    """
    if not previous:
        return
    had = previous.get("schema_version", 1)
    if had != SCHEMA_VERSION:
        raise ManifestError(
            f"{out} holds results stored by another wgsim (output schema {had}; this wgsim "
            f"writes schema {SCHEMA_VERSION}, docs/outputs.md), which cannot be resumed; "
            "choose another --out, or move the folder away"
        )


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def run_with_manifest(
    jobs: Sequence[Job],
    scenarios: dict[str, Scenario],
    out: Path,
    manifest: dict[str, Any],
    **options: Any,
) -> tuple[BatchOutcome, dict[str, int]]:
    """Lock ``out``, execute and finalize the batch, recording each attempt in the manifest.

    The manifest keeps every attempt on the folder (its start, executor, process id, the
    token naming its temporary files, end and how it ended: complete, interrupted, or
    failed with the error), so a resume never overwrites the history; its top-level
    ``status`` is the latest attempt's. A Dask scheduler is reached before anything is
    written: a bad or unreachable address leaves the folder as it was.

    Args:
        jobs: All jobs of the batch.
        scenarios: Scenarios by name.
        out: Output folder.
        manifest: Provenance to record (attempts, times, rows and status are added).
        **options: Passed to :func:`execute`.

    Returns:
        The execution's counts and the rows per output kind.

    Raises:
        FolderInUseError: if another process is writing ``out``.
        ManifestError: if an earlier manifest in ``out`` is unreadable.
        OutOfSpaceError: if the disk filled up (the attempt is recorded, its temporaries
            removed, finished chunks kept).
    """
    with dask_session(options.get("dask"), options.get("workers", 2)) as client:
        return _locked(jobs, scenarios, out, manifest, client=client, **options)


def _locked(
    jobs: Sequence[Job],
    scenarios: dict[str, Scenario],
    out: Path,
    manifest: dict[str, Any],
    **options: Any,
) -> tuple[BatchOutcome, dict[str, int]]:
    with folder_lock(out):
        previous = read_manifest(out) or {}
        check_schema(out, previous)
        attempts = list(previous.get("attempts", []))
        earlier = [a["token"] for a in attempts if isinstance(a, dict) and "token" in a]
        for before in attempts:  # one still "running" was killed before it could say so
            if isinstance(before, dict) and before.get("status") == "running":
                before["status"] = "killed (no end recorded)"
        token = new_token()
        attempt: dict[str, Any] = {
            "started": _now(),
            "pid": os.getpid(),
            "argv": list(sys.argv),  # the command that made this attempt: rerun it as is
            "token": token,
            **{k: manifest[k] for k in ("executor", "workers", "dask_address") if k in manifest},
            "status": "running",
        }
        attempts.append(attempt)
        record = {**manifest, "started": attempts[0]["started"], "attempts": attempts}
        record["status"] = "running"
        clean_temporary(out, earlier)
        t0 = time.perf_counter()
        try:
            atomic_write_json(record, out / "manifest.json", token)
            with _sigterm_as_interrupt():
                outcome = execute(
                    jobs, scenarios, out, token=token, earlier_tokens=earlier, **options
                )
                meta = file_metadata(
                    "", str(manifest.get("scenario_digest", "")), int(manifest.get("seed", 0))
                )
                counts = finalize(out, meta, token)
        except BaseException as exc:
            _record_end(out, record, attempt, exc, token)
            if is_out_of_space(exc):
                raise OutOfSpaceError(
                    f"no space left on the device holding {out} while writing results; "
                    "finished chunks are kept and temporary files removed: free some space "
                    "and rerun the same command to resume"
                ) from None
            raise
        status = "complete" if outcome.failed == 0 else "complete with failures"
        attempt.update(finished=_now(), status=status, **outcome.cluster)
        record.update(
            {
                "finished": attempt["finished"],
                "status": status,
                "seconds": round(time.perf_counter() - t0, 3),
                "rows": counts,
                **outcome.cluster,
            }
        )
        atomic_write_json(record, out / "manifest.json", token)
    return outcome, counts


def _record_end(
    out: Path, record: dict[str, Any], attempt: dict[str, Any], exc: BaseException, token: str
) -> None:
    """Record how an attempt ended in the manifest, after removing its temporaries.

    On a full disk the temporaries go first (which frees space for the manifest); if the
    manifest still cannot be written, the earlier one stays and the error is the disk's.
    """
    clean_temporary(out, [token])
    ended = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
    attempt.update(finished=_now(), status=ended)
    if ended == "failed":
        cause = "disk full: " if is_out_of_space(exc) else ""
        attempt["error"] = f"{cause}{type(exc).__name__}: {exc}"
    record["status"] = ended
    try:
        atomic_write_json(record, out / "manifest.json", token)
    except OSError:
        if not is_out_of_space(exc):
            raise
        clean_temporary(out, [token])
