"""Batches: many seeded runs, in processes or on Dask, streamed to disk and resumable.

A batch is a list of :class:`Job` s — key columns (variant, replication, design point...),
a scenario and a seed. Jobs are grouped into chunks (tasks of >= 25 runs where there are
enough, so workers stay busy and task overhead stays small) and run serially, in local
processes, or on a Dask distributed cluster. Each finished chunk is written at once as
Parquet part files (atomic writes), so an interrupted batch loses at most the chunks in
flight, and the same command resumes it, skipping runs already done. :func:`finalize`
merges the parts into ``runs.parquet``, ``series.parquet``, ``events.parquet`` and
``failures.parquet`` chunk by chunk, so memory stays flat as the batch grows.
"""

from __future__ import annotations

import io
import math
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.core.model import SERIES_COLUMNS
from sim.runs.runner import run
from sim.runs.store import atomic_write_bytes
from sim.scenario.schema import Scenario

KINDS = ("runs", "series", "events", "failures")
MIN_TASK = 25
MAX_TASK = 50
"""Runs per task at most: a task's results are held in memory until written, so a fixed
cap keeps peak memory flat as batches grow (tasks of 25-50 runs amortise task overhead)."""


def replication_seeds(seed: int, n: int) -> list[int]:
    """Integer run seeds for ``n`` replications: ``SeedSequence(seed).spawn(n)``.

    Children depend only on their index, so seeds of a longer batch extend a shorter one.
    """
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(seed).spawn(n)]


@dataclass(frozen=True)
class Job:
    """One run: its key columns, the name of its scenario in the batch and its seed."""

    keys: dict[str, Any]
    scenario: str
    seed: int

    @property
    def key(self) -> str:
        """A stable identity for resuming (the scenario name carries its digest)."""
        return self.scenario + "|" + "|".join(f"{k}={v}" for k, v in sorted(self.keys.items()))


@dataclass(frozen=True)
class Chunk:
    """A task: some jobs and the scenarios they refer to."""

    index: int
    scenarios: dict[str, Scenario]
    jobs: list[Job]
    series: bool
    events: bool


@dataclass
class ChunkResult:
    """What a chunk produced: a Parquet file's bytes per kind of output that has rows.

    The worker encodes the Parquet files, so the parent (which only writes the bytes to
    disk) does not compete with the workers for a core, and no data frame is pickled.
    """

    index: int
    parts: dict[str, bytes] = field(default_factory=dict)
    n_ok: int = 0
    n_failed: int = 0

    def add(self, kind: str, table: pa.Table) -> None:
        """Encode ``table`` as the chunk's ``kind`` part (nothing for an empty table).

        Only text columns are dictionary-encoded: trying it on the weekly series' float
        columns took half the encoding time for a part file a tenth smaller. (Parts are
        temporary; :func:`finalize` writes the final files with Parquet's defaults.)
        """
        if table.num_rows:
            text = [f.name for f in table.schema if pa.types.is_large_string(f.type)]
            buf = io.BytesIO()
            pq.write_table(table, buf, use_dictionary=text or False)
            self.parts[kind] = buf.getvalue()


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run a chunk's jobs; failures are recorded with their traceback, not raised.

    This is the task function sent to worker processes and Dask workers. The parts are
    built as Arrow tables straight from the rows, and the weekly series of the whole chunk
    as one table at the end: going through pandas frames cost about a fifth of a chunk.
    """
    rows: list[dict[str, Any]] = []
    series: list[tuple[Job, list[tuple[float, ...]]]] = []
    events: list[pd.DataFrame] = []
    failures: list[dict[str, Any]] = []
    start = None
    for job in chunk.jobs:
        ident = {**job.keys, "seed": job.seed, "run_key": job.key}
        try:
            res = run(
                chunk.scenarios[job.scenario],
                job.seed,
                series=chunk.series,
                events=chunk.events,
                variant=str(job.keys.get("variant", "")),
            )
        except Exception as exc:
            failures.append(
                {
                    **ident,
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(),
                }
            )
            continue
        rows.append({**ident, **res.metrics})
        start = res.start
        if chunk.series:
            series.append((job, res.series))
        if chunk.events:
            events.append(_with_keys(res.events_frame(), job))
    out = ChunkResult(chunk.index, n_ok=len(rows), n_failed=len(failures))
    out.add("runs", _table(rows))
    out.add("failures", _table(failures))
    if series and start is not None:
        out.add("series", _series_table(series, start))
    if events:
        out.add("events", pa.Table.from_pandas(pd.concat(events), preserve_index=False))
    return out


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows (dicts with the same keys) as a table, typed as a pandas frame would be."""
    if not rows:
        return pa.table({})
    return pa.table({k: _column([r[k] for r in rows]) for k in rows[0]})


def _column(values: list[Any]) -> pa.Array:
    """Values as an Arrow column: NaN stored as null and text as large strings (as pandas)."""
    arr = pa.array(values)  # ints mixed with NaN are inferred as floats here
    if pa.types.is_floating(arr.type):
        return pa.array(values, type=arr.type, from_pandas=True)
    if pa.types.is_string(arr.type):
        return arr.cast(pa.large_string())
    return arr


def _with_keys(df: pd.DataFrame, job: Job) -> pd.DataFrame:
    for i, (k, v) in enumerate({**job.keys, "seed": job.seed}.items()):
        df.insert(i, k, v)
    return df


def _series_table(series: list[tuple[Job, list[tuple[float, ...]]]], start: Any) -> pa.Table:
    """The weekly series of many runs as one table: key columns, week, date, the series."""
    lengths = [len(rows) for _, rows in series]
    columns = list(zip(*(row for _, rows in series for row in rows), strict=True))
    week = np.asarray(columns[0], dtype=np.int64)
    keys = {**series[0][0].keys, "seed": 0}
    data: dict[str, pa.Array] = {}
    run_of_row = pa.array(np.repeat(np.arange(len(series)), lengths))
    for k in keys:  # one value per run, repeated over its weeks (typed as for the runs)
        col = [job.seed if k == "seed" else job.keys[k] for job, _ in series]
        data[k] = _column(col).take(run_of_row)
    data["week"] = pa.array(week)
    first = np.datetime64(start, "us")
    data["date"] = pa.array(first + (week - 1) * np.timedelta64(7, "D"))
    for name, values in zip(SERIES_COLUMNS[1:], columns[1:], strict=True):
        data[name] = pa.array(values, type=pa.float64(), from_pandas=True)
    return pa.table(data)


def chunk_size(n_jobs: int, workers: int) -> int:
    """Runs per task: 25-50 where there is enough work, else an even split over workers."""
    if n_jobs <= 0:
        return 1
    even = math.ceil(n_jobs / max(1, workers))
    target = max(MIN_TASK, math.ceil(n_jobs / (8 * max(1, workers))))
    return max(1, min(target, MAX_TASK, even))


def make_chunks(
    jobs: Sequence[Job],
    scenarios: dict[str, Scenario],
    workers: int,
    *,
    series: bool,
    events: bool,
    start_index: int = 0,
) -> list[Chunk]:
    """Split jobs into chunks, each carrying only the scenarios its jobs use."""
    size = chunk_size(len(jobs), workers)
    chunks = []
    for i in range(0, len(jobs), size):
        part = list(jobs[i : i + size])
        used = {j.scenario for j in part}
        chunks.append(
            Chunk(start_index + i // size, {k: scenarios[k] for k in used}, part, series, events)
        )
    return chunks


# --- on disk -------------------------------------------------------------------------------


def parts_dir(out: Path) -> Path:
    """Folder of the part files of a batch in progress."""
    return out / "parts"


def clean_temporary(out: Path) -> None:
    """Remove temporary files left by a killed writer."""
    for tmp in list(out.glob(".*.tmp")) + list(parts_dir(out).glob(".*.tmp")):
        tmp.unlink(missing_ok=True)


def done_keys(out: Path) -> set[str]:
    """Run keys already finished successfully (in final files or parts)."""
    keys: set[str] = set()
    for path in _files_of(out, "runs"):
        keys.update(pq.read_table(path, columns=["run_key"]).column("run_key").to_pylist())
    return keys


def _files_of(out: Path, kind: str) -> list[Path]:
    files = sorted(parts_dir(out).glob(f"{kind}-*.parquet"))
    final = out / f"{kind}.parquet"
    return ([final] if final.exists() else []) + files


def next_part_index(out: Path) -> int:
    """First unused part number (parts of earlier attempts keep theirs)."""
    nums = [int(p.stem.split("-")[1]) for p in parts_dir(out).glob("*-*.parquet")]
    return max(nums, default=-1) + 1


def write_parts(out: Path, result: ChunkResult) -> None:
    """Write a finished chunk's parts as files (each atomically)."""
    for kind, data in result.parts.items():
        atomic_write_bytes(parts_dir(out) / f"{kind}-{result.index:06d}.parquet", data)


def forget_failures(out: Path) -> None:
    """Drop recorded failures before a resume: those runs are tried again."""
    for path in _files_of(out, "failures"):
        path.unlink()


def finalize(out: Path) -> dict[str, int]:
    """Merge final files and parts into one Parquet file per kind; returns row counts."""
    counts = {}
    for kind in KINDS:
        files = _files_of(out, kind)
        if not files:
            counts[kind] = 0
            continue
        counts[kind] = _merge(files, out / f"{kind}.parquet")
        for f in files:
            if f.parent == parts_dir(out):
                f.unlink()
    if parts_dir(out).exists() and not any(parts_dir(out).iterdir()):
        parts_dir(out).rmdir()
    return counts


def _merge(files: list[Path], target: Path) -> int:
    """Stream ``files`` into ``target`` batch by batch (atomic replace)."""
    schema = _unified_schema(files)
    tmp = target.with_name(f".{target.name}.merge.tmp")
    n = 0
    with pq.ParquetWriter(tmp, schema) as writer:
        for f in files:
            pf = pq.ParquetFile(f)
            for batch in pf.iter_batches():
                table = pa.Table.from_batches([batch])
                table = _conform(table, schema)
                writer.write_table(table)
                n += table.num_rows
    os.replace(tmp, target)
    return n


def _unified_schema(files: list[Path]) -> pa.Schema:
    schemas = [pq.read_schema(f) for f in files]
    fields: dict[str, pa.DataType] = {}
    for s in schemas:
        for fld in s:
            if fld.name == "__index_level_0__":
                continue
            old = fields.get(fld.name)
            if old is None or pa.types.is_null(old):
                fields[fld.name] = fld.type
            elif old != fld.type and not pa.types.is_null(fld.type):
                fields[fld.name] = pa.float64() if _numeric(old, fld.type) else pa.string()
    return pa.schema([(k, v) for k, v in fields.items()])


def _numeric(a: pa.DataType, b: pa.DataType) -> bool:
    return all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in (a, b))


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    cols = []
    for fld in schema:
        if fld.name in table.column_names:
            cols.append(table.column(fld.name).cast(fld.type))
        else:
            cols.append(pa.nulls(table.num_rows, fld.type))
    return pa.Table.from_arrays(cols, schema=schema)


# --- executing -----------------------------------------------------------------------------


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
        Counts of the execution. Call :func:`finalize` afterwards.
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
    for result in _results(chunks, workers, dask):
        write_parts(out, result)
        outcome.ok += result.n_ok
        outcome.failed += result.n_failed
        if on_progress is not None:
            on_progress(result.n_ok + result.n_failed, result.n_failed)
    return outcome


def _results(chunks: list[Chunk], workers: int, dask: str | None) -> Iterator[ChunkResult]:
    if not chunks:
        return
    if dask is not None:
        yield from _dask_results(chunks, workers, dask)
    elif workers <= 1:
        for c in chunks:
            yield run_chunk(c)
    else:
        yield from _process_results(chunks, workers)


def _process_results(chunks: list[Chunk], workers: int) -> Iterator[ChunkResult]:
    # A fork server that has imported the model forks each worker: workers start in
    # milliseconds instead of re-importing Mesa, and no threads of this process are forked.
    ctx = get_context("forkserver")
    ctx.set_forkserver_preload(["sim.runs.batch"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending: set[Future[ChunkResult]] = set()
        queue = list(reversed(chunks))
        try:
            while queue or pending:
                while queue and len(pending) < 2 * workers:
                    pending.add(pool.submit(run_chunk, queue.pop()))
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    yield fut.result()
        except BaseException:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def run_with_manifest(
    jobs: Sequence[Job],
    scenarios: dict[str, Scenario],
    out: Path,
    manifest: dict[str, Any],
    **options: Any,
) -> tuple[BatchOutcome, dict[str, int]]:
    """Write ``manifest``, execute and finalize the batch, then complete the manifest.

    Args:
        jobs: All jobs of the batch.
        scenarios: Scenarios by name.
        out: Output folder.
        manifest: Provenance to record (start and finish times, rows and status are added).
        **options: Passed to :func:`execute`.

    Returns:
        The execution's counts and the rows per output kind.
    """
    import datetime as dt
    import time

    from sim.runs.store import atomic_write_json

    out.mkdir(parents=True, exist_ok=True)
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


LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.worker-saturation": "inf",
}
"""Dask settings of the LocalCluster that ``--dask local`` starts.

The cluster has no dashboard, so nothing reads the workers' statistical profiles or the
system monitor's samples; the event-loop health check and the memory monitor are polled
less often; and work stealing is off. The tasks are alike and the workers local and
alike, so every task goes to a worker at once (no queue at the scheduler, no round trip
between a worker's tasks). Each of the defaults wakes a thread that takes the GIL from
the running task, or a process that takes a core from a worker: together they cost
about six to eight points of parallel efficiency on two cores (docs/performance.md). A
cluster given by address keeps its own settings.
"""


def local_cluster(workers: int) -> Any:
    """A LocalCluster of ``workers`` single-threaded worker processes (LOCAL_CLUSTER_CONFIG)."""
    import dask
    from dask.distributed import LocalCluster

    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        )


def dask_client(address: str, workers: int) -> tuple[Any, Any]:
    """A Dask client for ``address``, or for a new LocalCluster when it is ``"local"``.

    Returns the client and the cluster it started (None for an existing scheduler).
    """
    from dask.distributed import Client

    if address != "local":
        return Client(address), None
    cluster = local_cluster(workers)
    return Client(cluster), cluster


def _dask_results(chunks: list[Chunk], workers: int, address: str) -> Iterator[ChunkResult]:
    from dask.distributed import as_completed

    client, cluster = dask_client(address, workers)
    try:
        futures = client.map(run_chunk, chunks, pure=False)
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
