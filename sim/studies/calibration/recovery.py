"""A parameter-recovery study of a calibration spec (``wgsim recovery``, docs/calibration.md).

Two tables are simulated in chunks: the reference table (prior draws, each simulated like a
particle of the fit) and the truths (prior draws from another seed stream, each one
simulated history). Each chunk draws its parameters from its own seed (the spec's seed,
the table, the chunk's index), so the tables are the same whichever worker, process or
Dask cluster runs a chunk, and in whatever order. A finished chunk is one Parquet file,
written atomically; a rerun simulates only the missing chunks, and refuses a folder made
for another spec, scenario or episodes (``recovery.json``). The analysis
(:mod:`sim.studies.calibration.recovery_stats`) reads the tables afterwards: changing
``accepted`` or the thresholds re-analyses without simulating again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from sim.runs.executors import chunk_results, cluster_size, dask_session
from sim.runs.lifeline import guard_forks, mark_batch_process
from sim.runs.store import (
    atomic_write_json,
    atomic_write_parquet,
    ensure_output_folder,
    provenance,
    recorded,
)
from sim.scenario import Scenario
from sim.scenario.paths import apply_overrides
from sim.studies.calibration.recovery_report import write_report
from sim.studies.calibration.recovery_stats import Prior, parameter_summary, recover
from sim.studies.calibration.simulator import Simulator
from sim.studies.calibration.spec import CalibrationError, FreeParameter, load_spec
from sim.studies.calibration.targets import Episodes

TABLES = {"reference": 1, "truths": 2, "truths_averaged": 2}
"""Each table's seed stream (the second entry of a chunk's seed). ``truths_averaged`` has
the truths' parameters, each simulated like a particle (mean over the fit's seeds): a
diagnostic that tells the targets' information from the noise of one history."""


@dataclass(frozen=True)
class RecoveryChunk:
    """A chunk of one table: which rows, and everything needed to simulate them."""

    table: str
    index: int
    rows: int
    chunk_rows: int
    seed: int
    seeds: int
    scenario: Scenario
    episodes: Episodes
    params: list[FreeParameter]

    @property
    def name(self) -> str:
        """The part's file name: table, chunk index and row count."""
        return f"{self.table}/part-{self.index:05d}-n{self.rows}.parquet"


def draws(chunk: RecoveryChunk) -> np.ndarray:
    """The chunk's parameter draws (rows × parameters), uniform on the priors.

    A chunk always draws ``chunk_rows`` rows and keeps the first ``rows``: a table grown
    later keeps the draws of its finished chunks.
    """
    rng = np.random.default_rng([chunk.seed, TABLES[chunk.table], chunk.index])
    u = rng.random((chunk.chunk_rows, len(chunk.params)))[: chunk.rows]
    low = np.array([p.low for p in chunk.params])
    high = np.array([p.high for p in chunk.params])
    return low + u * (high - low)


def simulate_chunk(chunk: RecoveryChunk) -> tuple[RecoveryChunk, pd.DataFrame, float]:
    """Simulate a chunk's rows: parameters and mean statistics per row; and the seconds taken.

    The task sent to worker processes and Dask workers.
    """
    started = time.perf_counter()
    sim = Simulator(chunk.scenario, chunk.episodes, chunk.params, chunk.seeds)
    keys = [p.key for p in chunk.params]
    rows = []
    for x in draws(chunk):
        values = dict(zip(keys, (float(v) for v in x), strict=True))
        rows.append({**values, **sim(values)})
    return chunk, pd.DataFrame(rows), time.perf_counter() - started


def plan(spec_path: str | Path, quick: bool) -> tuple[Any, Any, list[RecoveryChunk], str]:
    """The spec's recovery block (or its quick sizes), its settings, its chunks and digest.

    Raises:
        CalibrationError: if the spec is invalid or has no ``recovery:`` block.
    """
    spec, scenario, episodes = load_spec(spec_path)
    if spec.recovery is None:
        raise CalibrationError(
            f"invalid calibration spec {spec_path}: recovery: missing; add a recovery: block "
            "(docs/calibration.md, 'Parameter recovery')"
        )
    settings = spec.recovery
    size = settings.quick if quick else settings
    seeds = (spec.quick if quick else spec.budget).seeds_per_particle
    chunks = []
    for table, total, per in (
        ("reference", size.reference_size, seeds),
        ("truths", size.truths, 1),
        ("truths_averaged", size.truths, seeds),
    ):
        for index, start in enumerate(range(0, total, size.chunk_rows)):
            rows = min(size.chunk_rows, total - start)
            chunks.append(
                RecoveryChunk(
                    table, index, rows, size.chunk_rows, spec.seed, per, scenario, episodes,
                    spec.parameters,
                )
            )  # fmt: skip
    fixed = apply_overrides(scenario, {p.path: p.value_of(p.low) for p in spec.parameters})
    parts = [
        json.dumps([p.model_dump() for p in spec.parameters], sort_keys=True),
        fixed.model_dump_json(),
        episodes.model_dump_json(),
        f"seed={spec.seed}|seeds={seeds}|chunk_rows={size.chunk_rows}",
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
    return spec, size, chunks, digest


def _check_folder(out: Path, digest: str) -> None:
    """Refuse a folder of another study; record the study of a new one."""
    record = out / "recovery.json"
    if record.exists():
        before = recorded(record, "recovery_digest")
        if before != digest:
            raise CalibrationError(
                f"{out} holds a recovery study of another spec, scenario, episodes, seed or "
                f"chunk size (digest {before}, now {digest}); choose another --out"
            )
    else:
        atomic_write_json({"recovery_digest": digest, **provenance()}, record)


def _load(out: Path, chunks: list[RecoveryChunk], table: str) -> pd.DataFrame:
    return pd.concat(
        [pd.read_parquet(out / c.name) for c in chunks if c.table == table], ignore_index=True
    )


def _chunk_seconds(out: Path, chunks: list[RecoveryChunk]) -> float:
    """Worker seconds of every chunk, as recorded in its part."""
    total = 0.0
    for c in chunks:
        meta = pq.read_schema(out / c.name).metadata or {}
        total += float(meta.get(b"wgsim.seconds", b"0"))
    return total


def _log_call(out: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Record this call in ``calls.json`` (replacing its own earlier record); every call.

    A call that simulates chunks rewrites its record after each finished chunk, so a call
    stopped by Ctrl-C or a kill keeps the time of the chunks it finished, and the report's
    time is the sum over every call.
    """
    path = out / "calls.json"
    try:
        calls = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    except (OSError, ValueError):
        calls = []
    calls = [c for c in calls if c.get("started") != entry["started"]]
    if entry["chunks"]:
        calls.append(entry)
        atomic_write_json(calls, path)
    return calls


def run_recovery(
    spec_path: str | Path,
    out: Path,
    *,
    quick: bool = False,
    workers: int = 2,
    dask: str | None = None,
    on_start: Callable[[int, int], None] = lambda total, done: None,
    on_progress: Callable[[int, int], None] = lambda n, failed: None,
) -> dict[str, Any]:
    """Run (or resume) a recovery study and write its tables, figures and report.

    Returns:
        A summary: simulations, chunks simulated and resumed, seconds, verdicts.
    """
    started, clock = dt.datetime.now(dt.UTC).isoformat(), time.perf_counter()
    spec, size, chunks, digest = plan(spec_path, quick)
    mark_batch_process()
    guard_forks()
    cluster: dict[str, Any] = {}
    with dask_session(dask, workers) as client:  # a bad --dask fails before --out is made
        ensure_output_folder(out)
        _check_folder(out, digest)
        todo = [c for c in chunks if not (out / c.name).exists()]
        on_start(
            sum(c.rows for c in chunks), sum(c.rows for c in chunks) - sum(c.rows for c in todo)
        )
        call: dict[str, Any] = {
            "started": started,
            "chunks": 0,
            "workers": workers,
            "dask_address": dask,
        }
        for chunk, frame, seconds in chunk_results(
            todo, workers, dask, cluster, client, task=simulate_chunk
        ):
            atomic_write_parquet(frame, out / chunk.name, {"wgsim.seconds": f"{seconds:.3f}"})
            call.update(
                chunks=call["chunks"] + 1, simulate_seconds=round(time.perf_counter() - clock, 1)
            )
            _log_call(out, {**call, **cluster})
            on_progress(chunk.rows, 0)
        if client is not None:
            cluster.update(cluster_size(client))
    simulate_seconds = time.perf_counter() - clock
    calls = _log_call(out, {**call, **cluster})
    reference, truths = _load(out, chunks, "reference"), _load(out, chunks, "truths")
    priors = [Prior(p.path, p.low, p.high) for p in spec.parameters]
    episodes = chunks[0].episodes
    weights = {t.id: 1.0 / t.tolerance for t in episodes.fitted}
    keys = [p.key for p in spec.parameters]
    table = recover(reference, truths, keys, priors, weights, size.k)
    settings = spec.recovery
    summary = parameter_summary(table, priors, settings.min_shrinkage, settings.coverage_tolerance)
    averaged = recover(
        reference, _load(out, chunks, "truths_averaged"), keys, priors, weights, size.k
    )
    diagnostic = parameter_summary(averaged, priors, 0.0, 0.0)
    summary["coverage90_averaged"] = diagnostic["coverage90"]
    summary["mean_shrinkage_averaged"] = diagnostic["mean_shrinkage"]
    wall = time.perf_counter() - clock
    timing = {
        "wall_seconds": round(wall, 1),
        "simulate_seconds": round(simulate_seconds, 1),
        "chunks_simulated": len(todo),
        "chunks_resumed": len(chunks) - len(todo),
        "chunk_worker_seconds": round(_chunk_seconds(out, chunks), 1),
        "simulating_calls": calls,
        "workers": workers,
        "dask_address": dask,
        **cluster,
    }
    sizes = {
        "reference_size": size.reference_size,
        "truths": size.truths,
        "accepted_per_truth": size.k,
        "seeds_per_particle": chunks[0].seeds,
    }
    write_report(out, table, summary, settings, sizes, timing)
    result = {
        "out": str(out),
        **sizes,
        **timing,
        "identified": [r.path for r in summary.itertuples() if r.verdict == "identified"],
        "not_identified": [r.path for r in summary.itertuples() if r.verdict != "identified"],
    }
    manifest = {
        "kind": "recovery",
        "spec_file": str(spec_path),
        "spec_text": Path(spec_path).read_text(encoding="utf-8"),
        "recovery_digest": digest,
        "quick": quick,
        "started": started,
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        "summary": result,
        **provenance(),
    }
    atomic_write_json(manifest, out / "manifest.json")
    return result
