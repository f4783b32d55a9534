"""Jobs and chunks of a batch: what runs, with which seed, grouped into tasks.

A batch is a list of :class:`Job` s — key columns (variant, replication, design point...),
a scenario and a seed. Jobs are grouped into :class:`Chunk` s (tasks of >= 25 runs where
there are enough, so workers stay busy and task overhead stays small); a finished chunk is
a :class:`ChunkResult`, its outputs already encoded as Parquet bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.scenario import Scenario

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
        """A stable identity for resuming: scenario (with its digest), seed and key columns."""
        keys = "|".join(f"{k}={v}" for k, v in sorted(self.keys.items()))
        return f"{self.scenario}|seed={self.seed}|{keys}"


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
        columns took half the encoding time for a part file a tenth smaller. The table is
        already in its stored types (:func:`sim.runs.codebook.encode`), so its text
        columns are the dictionary-typed ones.
        """
        if table.num_rows:
            text = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
            if "run_key" in table.column_names:  # one value repeated over a run's rows
                text.append("run_key")
            buf = io.BytesIO()
            pq.write_table(table, buf, use_dictionary=text or False, write_page_checksum=True)
            self.parts[kind] = buf.getvalue()


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
