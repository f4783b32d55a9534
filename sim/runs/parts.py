"""A batch's files: each finished chunk written at once as part files, merged at the end.

Each finished chunk's part files (runs, series, events, failures) are written into a
temporary folder that is then renamed to ``parts/chunk-NNNNNN/``: a chunk folder exists
only when all of its parts do, so an interrupted batch loses at most the chunks in
flight and a resume skips exactly the runs whose chunks are complete. :func:`finalize`
merges the chunks into ``runs.parquet``, ``series.parquet``, ``events.parquet`` and
``failures.parquet`` chunk by chunk (memory stays flat as the batch grows). It is
idempotent: each merged file records the chunks it holds in its Parquet metadata, the
runs table is deduplicated by run key, and the chunk folders are removed only once every
kind is merged, so a finalize killed at any point can simply be run again.

Every temporary file or folder a batch makes is named ``.<name>.wgsim-<token>.tmp``, the
token being its attempt's (recorded in the manifest), and only those are removed after a
kill: other files in the folder, dotted or not, are never touched. Part and merged files
carry page checksums and are read in full before a resume trusts them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from sim.runs.jobs import ChunkResult

KINDS = ("runs", "series", "events", "failures")
CHUNKS_KEY = b"wgsim.chunks"
"""Parquet metadata key of a merged file: the indices of the chunks it holds (JSON)."""

HALT_ENV = "WGSIM_TEST_HALT_AT"
"""Crash-safety tests set this to ``point``, ``point:N`` or ``point:N:SIGNAL``; the process
then sends itself SIGKILL (or the signal named, e.g. ``TERM``) the first (or N-th) time it
reaches that point."""

_reached: dict[str, int] = {}


def halt_point(name: str) -> None:
    """Signal this process (SIGKILL) if a crash-safety test asks to halt at ``name``.

    The points sit in the narrow windows between writes (docs/cli.md, failure and resume)
    and in start-up, so tests reproduce a kill -9 or a SIGTERM there exactly instead of
    racing it with sleeps.
    """
    want = os.environ.get(HALT_ENV)
    if not want:
        return
    point, _, rest = want.partition(":")
    nth, _, sig = rest.partition(":")
    if point == name:
        _reached[name] = _reached.get(name, 0) + 1
        if _reached[name] == int(nth or 1):
            os.kill(os.getpid(), signal.Signals[f"SIG{sig or 'KILL'}"])


def parts_dir(out: Path) -> Path:
    """Folder of the part files of a batch in progress."""
    return out / "parts"


def _chunk_dirs(out: Path) -> list[Path]:
    return sorted(parts_dir(out).glob("chunk-*"))


def _index(chunk_dir: Path) -> int:
    return int(chunk_dir.name.split("-")[1])


_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.wgsim-(?P<token>[0-9a-f]{12})\.tmp$")


def new_token() -> str:
    """A token naming one attempt's temporary files (12 hex digits)."""
    return secrets.token_hex(6)


def temporary(path: Path, token: str) -> Path:
    """The temporary name of ``path`` for the attempt ``token``."""
    return path.with_name(f".{path.name}.wgsim-{token}.tmp")


def clean_temporary(out: Path, tokens: Iterable[str]) -> list[Path]:
    """Remove the temporaries of the attempts ``tokens`` (a killed writer's); returns them.

    Only names of the form :func:`temporary` with one of ``tokens`` are touched, in ``out``
    and ``out/parts``: a user's own dotted files, ``.tmp`` or not, are left alone.
    """
    tokens = set(tokens)
    removed = []
    for folder in (out, parts_dir(out)):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            m = _TEMPORARY.match(entry.name)
            if m is None or m["token"] not in tokens:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


PARQUET_FORMAT = ds.ParquetFileFormat(
    default_fragment_scan_options=ds.ParquetFragmentScanOptions(page_checksum_verification=True)
)
"""Reading part and merged files checks every page's checksum (they are written with one)."""


def _readable(path: Path) -> bool:
    """Whether every page of ``path`` reads back, checksums verified (not only its footer)."""
    try:
        f = pq.ParquetFile(path, page_checksum_verification=True)
        for _ in f.iter_batches():
            pass
    except (OSError, pa.ArrowException, ValueError):
        return False
    return True


def quarantine_corrupt(out: Path) -> list[str]:
    """Move unreadable chunks and merged files to ``out/quarantine/``; returns what moved.

    A chunk with an unreadable part goes whole, so its runs are done again. An unreadable
    merged file takes every merged file with it (they hold the same runs), so all their
    runs are done again rather than kept in some tables and missing from others.
    """
    moved = []
    bad_chunks = [d for d in _chunk_dirs(out) if not all(_readable(f) for f in d.glob("*.parquet"))]
    merged = [out / f"{kind}.parquet" for kind in KINDS if (out / f"{kind}.parquet").exists()]
    bad_merged = [f for f in merged if not _readable(f)]
    targets = bad_chunks + (merged if bad_merged else [])
    if targets:
        (out / "quarantine").mkdir(exist_ok=True)
    for path in targets:
        dest = out / "quarantine" / f"{path.name}.{os.getpid()}"
        os.replace(path, dest)
        moved.append(f"{path.relative_to(out)} -> {dest.relative_to(out)}")
    return moved


def done_keys(out: Path) -> set[str]:
    """Run keys already finished successfully (in the merged file or complete chunks)."""
    keys: set[str] = set()
    for path in _files_of(out, "runs"):
        keys.update(pq.read_table(path, columns=["run_key"]).column("run_key").to_pylist())
    return keys


def _files_of(out: Path, kind: str) -> list[Path]:
    """The merged file of ``kind`` (if any), then the kind's part in each complete chunk."""
    final = out / f"{kind}.parquet"
    parts = [d / f"{kind}.parquet" for d in _chunk_dirs(out) if (d / f"{kind}.parquet").exists()]
    return ([final] if final.exists() else []) + parts


def next_part_index(out: Path) -> int:
    """First unused chunk number (chunks of earlier attempts keep theirs)."""
    merged = [i for kind in KINDS for i in merged_chunks(out / f"{kind}.parquet")]
    return max([*merged, *map(_index, _chunk_dirs(out))], default=-1) + 1


def write_parts(out: Path, result: ChunkResult, token: str) -> None:
    """Write a finished chunk's parts: all into a temporary folder, then renamed at once.

    If writing fails (a full disk), the temporary folder is removed before the error
    propagates.
    """
    final = parts_dir(out) / f"chunk-{result.index:06d}"
    tmp = temporary(final, token)
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        for i, (kind, data) in enumerate(result.parts.items()):
            with open(tmp / f"{kind}.parquet", "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            if i == 0:
                halt_point("between-parts")
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def forget_failures(out: Path) -> None:
    """Drop recorded failures before a resume: those runs are tried again."""
    for path in _files_of(out, "failures"):
        path.unlink()


def merged_chunks(path: Path) -> list[int]:
    """The chunks a merged file holds (empty if there is no file or it does not say)."""
    if not path.exists():
        return []
    meta = pq.read_schema(path).metadata or {}
    return list(json.loads(meta[CHUNKS_KEY])) if CHUNKS_KEY in meta else []


def finalize(
    out: Path, meta: dict[str, str] | None = None, token: str | None = None
) -> dict[str, int]:
    """Merge the complete chunks into one Parquet file per kind; returns row counts.

    Safe to run again after a kill at any point: chunks a merged file already holds are
    skipped, runs are kept once per run key, and chunk folders go only at the end.

    Args:
        out: The batch's folder.
        meta: Key-value metadata for every merged file (its provenance), beside the
            chunks it holds; ``wgsim.table`` is set to the kind.
        token: The attempt's token, naming its temporary files (a new one if None).
    """
    token = token or new_token()
    counts = {}
    chunks = _chunk_dirs(out)
    for kind in KINDS:
        target = out / f"{kind}.parquet"
        held = set(merged_chunks(target))
        new = [d for d in chunks if _index(d) not in held and (d / f"{kind}.parquet").exists()]
        files = ([target] if target.exists() else []) + [d / f"{kind}.parquet" for d in new]
        if not files:
            counts[kind] = 0
            continue
        chunk_ids = sorted(held | {_index(d) for d in new})
        file_meta = {**(meta or {}), "wgsim.table": kind} if meta else {}
        counts[kind] = _merge(files, target, chunk_ids, file_meta, token, dedupe=kind == "runs")
        halt_point(f"merged-{kind}")
    for d in chunks:
        shutil.rmtree(d)
    if parts_dir(out).exists() and not any(parts_dir(out).iterdir()):
        parts_dir(out).rmdir()
    return counts


def _merge(
    files: list[Path],
    target: Path,
    chunk_ids: list[int],
    meta: dict[str, str],
    token: str,
    *,
    dedupe: bool,
) -> int:
    """Stream ``files`` into ``target`` batch by batch (atomic replace).

    Arrow unifies the files' schemas (a column missing from a part, or all null in it,
    takes the others' type; integers met by floats become floats) and its dataset reader
    streams them in order, filling a missing column with nulls. The loop over batches
    stays ours: dropping a run key already written needs the keys of every earlier batch,
    which no Arrow writer keeps. With ``dedupe``, a run key already written is not written
    again. If writing fails (a full disk), the temporary file is removed.
    """
    metadata = {k.encode(): v.encode() for k, v in meta.items()}
    metadata[CHUNKS_KEY] = json.dumps(chunk_ids).encode()
    schema = _unified_schema(files).with_metadata(metadata)
    tmp = temporary(target, token)
    seen: set[str] = set()
    n = 0
    dataset = ds.dataset([str(f) for f in files], schema=schema, format=PARQUET_FORMAT)
    try:
        with pq.ParquetWriter(tmp, schema, write_page_checksum=True) as writer:
            for batch in dataset.to_batches(use_threads=False):
                table = pa.Table.from_batches([batch], schema=schema)
                if dedupe:
                    keep = []
                    for key in table.column("run_key").to_pylist():
                        keep.append(key not in seen)
                        seen.add(key)
                    table = table.filter(pa.array(keep, type=pa.bool_()))
                writer.write_table(table)
                n += table.num_rows
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def _unified_schema(files: list[Path]) -> pa.Schema:
    schemas = [pq.read_schema(f).remove_metadata() for f in files]
    unified = pa.unify_schemas(schemas, promote_options="permissive")
    index = unified.get_field_index("__index_level_0__")
    return unified.remove(index) if index >= 0 else unified
