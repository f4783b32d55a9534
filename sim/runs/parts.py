"""A batch's files: Parquet part files written as chunks finish, merged at the end.

Each finished chunk is written at once as part files under ``parts/`` (atomic writes), so
an interrupted batch loses at most the chunks in flight and a resume can skip the runs
already done. :func:`finalize` merges the parts into ``runs.parquet``, ``series.parquet``,
``events.parquet`` and ``failures.parquet`` chunk by chunk, so memory stays flat as the
batch grows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.runs.jobs import ChunkResult
from sim.runs.store import atomic_write_bytes

KINDS = ("runs", "series", "events", "failures")


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
