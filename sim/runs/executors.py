"""Executing chunks: the worker's task function, serially, in processes or on Dask.

:func:`run_chunk` is the task sent to worker processes and Dask workers (it must stay a
module-level function of an importable module, so workers can unpickle it by name).
:func:`chunk_results` runs chunks serially in this process, in a pool of local worker
processes, or on a Dask cluster (a given scheduler, or a LocalCluster it starts), and
yields each chunk's result as it finishes.

Dask is imported inside the Dask functions only: ``dask`` and ``dask.distributed`` add
about 1.1-1.3 s to this module's 3.5 s import here (``python -X importtime``), which every
batch process (and the fork server that preloads this module for the worker processes)
would pay although serial and process batches never use Dask.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.core.model import SERIES_COLUMNS
from sim.errors import InfrastructureError, WgsimError
from sim.runs.codebook import encode, encode_frame
from sim.runs.jobs import Chunk, ChunkResult, Job
from sim.runs.lifeline import mark_batch_process, worker_initializer
from sim.runs.runner import run


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
    out.add("runs", encode("runs", _table(rows)))
    out.add("failures", encode("failures", _table(failures)))
    if series and start is not None:
        out.add("series", encode("series", _series_table(series, start)))
    if events:
        out.add("events", encode_frame("events", pd.concat(events)))
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
    for i, (k, v) in enumerate({**job.keys, "seed": job.seed, "run_key": job.key}.items()):
        df.insert(i, k, v)
    return df


def _series_table(series: list[tuple[Job, list[tuple[float, ...]]]], start: Any) -> pa.Table:
    """The weekly series of many runs as one table: key columns, week, date, the series."""
    lengths = [len(rows) for _, rows in series]
    columns = list(zip(*(row for _, rows in series for row in rows), strict=True))
    week = np.asarray(columns[0], dtype=np.int64)
    keys = {**series[0][0].keys, "seed": 0, "run_key": ""}
    data: dict[str, pa.Array] = {}
    run_of_row = pa.array(np.repeat(np.arange(len(series)), lengths))
    extra = {"seed": lambda job: job.seed, "run_key": lambda job: job.key}
    for k in keys:  # one value per run, repeated over its weeks (typed as for the runs)
        col = [extra[k](job) if k in extra else job.keys[k] for job, _ in series]
        data[k] = _column(col).take(run_of_row)
    data["week"] = pa.array(week)
    first = np.datetime64(start, "D")
    data["date"] = pa.array(first + (week - 1) * np.timedelta64(7, "D"), type=pa.date32())
    for name, values in zip(SERIES_COLUMNS[1:], columns[1:], strict=True):
        data[name] = pa.array(values, type=pa.float64(), from_pandas=True)
    return pa.table(data)


def chunk_results(
    chunks: list[Any],
    workers: int,
    dask: str | None,
    cluster: dict[str, Any] | None = None,
    client: Any = None,
    task: Callable[[Any], Any] = run_chunk,
) -> Iterator[Any]:
    """Run ``chunks`` and yield each one's result as it finishes (in no fixed order).

    Args:
        chunks: The chunks to run.
        workers: Worker processes (1 runs serially in this process).
        dask: A Dask scheduler address, or ``"local"`` for a LocalCluster; None for processes.
        cluster: Filled, on Dask, with the cluster's real size when the batch starts
            (``dask_workers``, ``dask_threads``): a cluster given by address has the
            workers it has, whatever ``workers`` says.
        client: A Dask client already connected (:func:`dask_session`); None makes one.
        task: The function run on each chunk: :func:`run_chunk`, or another module-level
            function of an importable module (a study's own chunks).

    Yields:
        The result of each chunk.
    """
    if not chunks:
        return
    if dask is not None:
        size = cluster if cluster is not None else {}
        if client is not None:
            yield from _dask_results(chunks, dask, size, client, task)
        else:
            with dask_session(dask, workers) as own:
                yield from _dask_results(chunks, dask, size, own, task)
    elif workers <= 1:
        for c in chunks:
            yield task(c)
    else:
        yield from _process_results(chunks, workers, task)


def _process_results(chunks: list[Any], workers: int, task: Callable[[Any], Any]) -> Iterator[Any]:
    # A fork server that has imported the model forks each worker: workers start in
    # milliseconds instead of re-importing Mesa, and no threads of this process are forked.
    # The fork server and the workers die with this process, even after kill -9
    # (sim.runs.lifeline).
    root = mark_batch_process()
    ctx = get_context("forkserver")
    ctx.set_forkserver_preload(["sim.runs.executors"])
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=worker_initializer,
        initargs=(root,),
    ) as pool:
        pending: set[Future[Any]] = set()
        queue = list(reversed(chunks))
        try:
            while queue or pending:
                while queue and len(pending) < 2 * workers:
                    pending.add(pool.submit(task, queue.pop()))
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    yield fut.result()
        except BaseException:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise


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

    mark_batch_process()  # its worker processes die with this one (sim.runs.lifeline)
    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        )


DASK_CONNECT_SECONDS = 10
"""How long to try to reach a Dask scheduler before giving up."""

DASK_NO_WORKER_SECONDS = 60.0
"""How long a batch waits while the cluster has no worker before giving up."""


def dask_client(address: str, workers: int) -> tuple[Any, Any]:
    """A Dask client for ``address``, or for a new LocalCluster when it is ``"local"``.

    Returns the client and the cluster it started (None for an existing scheduler).

    Raises:
        WgsimError: if ``address`` is not a scheduler address.
        InfrastructureError: if the scheduler cannot be reached in time.
    """
    from dask.distributed import Client

    if address != "local":
        try:
            return Client(address, timeout=DASK_CONNECT_SECONDS), None
        except ValueError as exc:
            raise WgsimError(
                f"--dask: '{address}' is not a Dask scheduler address ({exc}); "
                "give tcp://HOST:PORT or 'local'"
            ) from None
        except Exception as exc:
            # OSError and TimeoutError when nothing answers; on a loaded machine distributed
            # can also fail an internal check while starting its client's event loop.
            raise InfrastructureError(
                f"cannot reach the Dask scheduler at {address} within "
                f"{DASK_CONNECT_SECONDS} s ({type(exc).__name__}: {exc})"
            ) from None
    cluster = local_cluster(workers)
    return Client(cluster), cluster


@contextmanager
def dask_session(address: str | None, workers: int) -> Iterator[Any]:
    """A connected Dask client for ``address`` (None yields None), closed at the end.

    A batch enters it before writing anything, so a bad or unreachable address leaves the
    output folder untouched.
    """
    if address is None:
        yield None
        return
    client, cluster = dask_client(address, workers)
    # When the scheduler dies, distributed's client logs each failed reconnection (and its
    # closing) as an ERROR with a traceback; the batch reports the loss itself, in one line.
    client_log = logging.getLogger("distributed.client")
    level = client_log.level
    client_log.setLevel(logging.CRITICAL)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        client_log.setLevel(level)


def cluster_size(client: Any) -> dict[str, int]:
    """The workers and threads a Dask client's cluster has now."""
    info = client.scheduler_info(n_workers=-1).get("workers", {})
    return {
        "dask_workers": len(info),
        "dask_threads": sum(w.get("nthreads", 0) for w in info.values()),
    }


def _dask_results(
    chunks: list[Any], address: str, size: dict[str, Any], client: Any, task: Callable[[Any], Any]
) -> Iterator[Any]:
    from dask.distributed import wait as dask_wait

    size.update(cluster_size(client))
    pending = client.map(task, chunks, pure=False)
    alone_since: float | None = None  # when the cluster was last seen without workers
    while pending:
        try:
            done, not_done = dask_wait(pending, timeout=2.0, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done, not_done = set(), set(pending)
        except (OSError, CancelledError) as exc:  # the scheduler went away
            raise _scheduler_lost(address, exc) from None
        for fut in done:
            try:
                result = fut.result()
            except CancelledError as exc:  # cancelled because the scheduler went away
                raise _scheduler_lost(address, exc) from None
            yield result
        pending = list(not_done)
        alone_since = _check_workers(client, address, alone_since, bool(done))


def _scheduler_lost(address: str, exc: BaseException) -> InfrastructureError:
    """The error of a batch whose Dask scheduler went away, its cause in a few words."""
    if isinstance(exc, CancelledError):  # distributed cancels every task of a lost scheduler
        cause = "connection lost, its tasks cancelled"
    else:
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        cause = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return InfrastructureError(
        f"lost the Dask scheduler at {address} ({cause}); finished chunks are kept, rerun to resume"
    )


def _check_workers(
    client: Any, address: str, alone_since: float | None, progress: bool
) -> float | None:
    """Raise if the cluster has had no worker for too long; returns the new ``alone_since``."""
    if progress:
        return None
    try:
        n = len(client.scheduler_info().get("workers", {}))
    except OSError as exc:
        raise _scheduler_lost(address, exc) from None
    if n:
        return None
    now = time.monotonic()
    if alone_since is None:
        return now
    if now - alone_since > DASK_NO_WORKER_SECONDS:
        raise InfrastructureError(
            f"the Dask cluster at {address} has had no worker for {DASK_NO_WORKER_SECONDS:.0f} s; "
            "finished chunks are kept, rerun to resume"
        )
    return alone_since
