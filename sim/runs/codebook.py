"""The codebook: every column wgsim writes, with its storage type, unit and meaning.

Each column is declared once, where it is made: the weekly series and the event log's
fields and kinds in :mod:`sim.core.outputs`, the outcome metrics next to their
computation in :mod:`sim.runs.metrics`, and here the keys that say which run a row
belongs to, the dates added to the series and events, the proposals and the failures.
:data:`TABLES` assembles them into the stored tables. :func:`encode` turns an in-memory
table into the stored one (text as dictionary (categorical) strings, counters as
integers, enum codes as their labels, flags as booleans, "no value" as null and dates as
dates) and :func:`decode` gives a reader the in-memory conventions back (see
:mod:`sim.core.outputs`). docs/outputs.md (:func:`codebook_markdown`) and docs/events.md
(:func:`events_markdown`) are generated from these declarations, and tests check that
they are current and that every column a run writes is declared and stored as declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sim.core.outputs import (
    COUNT,
    EVENT_FIELDS,
    EVENT_KINDS,
    NEVER,
    SERIES,
    WEEK,
    Column,
    Kind,
)
from sim.runs.metrics import METRICS

__all__ = ["METRICS", "SCHEMA_VERSION", "TABLES", "Column", "columns", "decode", "encode"]

SCHEMA_VERSION = 2
"""Version of the stored tables' layout: 1 was plain floats and sentinels (wgsim 0.1)."""

_MISSING_TEXT = "-"
_ARROW_TYPES = {
    "text": pa.dictionary(pa.int32(), pa.string()),
    "label": pa.dictionary(pa.int32(), pa.string()),
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
}


def arrow_type(col: Column) -> pa.DataType:
    """The column's Arrow (and so Parquet) type."""
    try:
        return _ARROW_TYPES[col.kind]
    except KeyError:
        raise ValueError(f"unknown column kind {col.kind!r}") from None


def _c(name: str, kind: Kind, unit: str, meaning: str, missing: Any = None) -> Column:
    return Column(name, kind, unit, meaning, missing)


KEYS = (
    _c("scenario", "text", "", "the scenario's name"),
    _c("variant", "text", "", "the variant's name"),
    _c("point", "int", "", "experiments: index of the design point"),
    _c("replication", "int", "", "the replication (variants share its seed)"),
    _c("seed", "int", "", "the run's seed (SeedSequence(root seed).spawn)"),
    _c("run_key", "string", "", "the run's identity for resuming: scenario digest, seed, keys"),
)
"""Columns that say which run a row belongs to (those a table has, in front)."""


def _dated(cols: tuple[Column, ...], date_means: str) -> tuple[Column, ...]:
    """``cols`` (whose first is the week) with the date after the week, as stored."""
    return (cols[0], _c("date", "date", "date", date_means), *cols[1:])


SERIES_TABLE = _dated(SERIES, "the Monday that starts the week")
"""The weekly series as stored: ``sim.core.outputs.SERIES`` with the date."""

EVENTS = _dated(
    EVENT_FIELDS, "the Monday that starts that week (a shock's exact date is in detail)"
)
"""The event log as stored: ``sim.core.outputs.EVENT_FIELDS`` with the date."""

_T = "week of the proposal's"
PROPOSALS = (
    _c("id", "int", "", "the proposal's id within the run"),
    _c("origin", "text", "", "who proposed it: BH (Blue House), MOU or NGO"),
    _c("type", "text", "", "HUM, EXCH, INFRA, ECON, MIL or TOUR"),
    _c("label", "string", "", "a readable name"),
    _c("sigma", "float", "0-1", "sanctions load now (after any modification)"),
    _c("sigma0", "float", "0-1", "sanctions load when created"),
    _c("a", "float", "0-1", "alliance sensitivity"),
    _c("v", "float", "value units", "value to the ROK"),
    _c("w", "float", "value units", "value to the DPRK"),
    _c("route", "text", "", "route taken (null: never routed)", ""),
    _c("status", "text", "", "final status"),
    _c("t_created", "int", WEEK, f"{_T} creation"),
    _c("t_routed", "int", WEEK, f"{_T} routing", NEVER),
    _c("t_us", "int", WEEK, f"{_T} US decision", NEVER),
    _c("t_un_submit", "int", WEEK, f"{_T} UN exemption request", NEVER),
    _c("t_un", "int", WEEK, f"{_T} UN decision", NEVER),
    _c("t_dprk", "int", WEEK, f"{_T} DPRK answer", NEVER),
    _c("t_done", "int", WEEK, f"{_T} end (terminal status)", NEVER),
    _c("n_deferrals", "int", COUNT, "US deferrals of it"),
    _c("modified", "bool", "", "modified and resubmitted after a veto"),
    _c("us_informed", "bool", "", "the US was told of it"),
    _c("exempted", "bool", "", "it received a UN exemption"),
)
"""``proposals.parquet`` of ``wgsim run``: every proposal in its final state."""

FAILURES = (
    _c("error", "string", "", "the exception, with the stage, scenario and seed"),
    _c("traceback", "string", "", "the traceback"),
)
"""``failures.parquet``: a failed run's keys and what went wrong."""

TABLES: dict[str, tuple[tuple[Column, ...], str]] = {
    "runs": (KEYS + METRICS, "one row per run of a batch (`runs.parquet`)"),
    "metrics": (KEYS[:2] + KEYS[4:5] + METRICS, "`wgsim run`: its one run (`metrics.parquet`)"),
    "series": (KEYS + SERIES_TABLE, "one row per run and week (`series.parquet`)"),
    "events": (KEYS + EVENTS, "one row per event (`events.parquet`)"),
    "proposals": (PROPOSALS, "`wgsim run`: one row per proposal (`proposals.parquet`)"),
    "failures": (KEYS + FAILURES, "one row per failed run of a batch (`failures.parquet`)"),
}
"""Every stored table: its columns and what a row is. Batches write runs, series, events
and failures (with the key columns in front); ``wgsim run`` writes metrics, series,
events (without the batch keys) and proposals."""


def columns(table: str) -> dict[str, Column]:
    """The declared columns of ``table`` by name."""
    try:
        return {c.name: c for c in TABLES[table][0]}
    except KeyError:
        raise ValueError(f"unknown table {table!r}; known: {', '.join(TABLES)}") from None


def _encode_column(col: Column, arr: pa.ChunkedArray | pa.Array) -> pa.Array | pa.ChunkedArray:
    if col.kind == "label":
        codes = pc.cast(arr, pa.int32())
        return pa.DictionaryArray.from_arrays(
            codes.combine_chunks() if isinstance(codes, pa.ChunkedArray) else codes,
            pa.array(col.labels, pa.string()),
        )
    if col.missing is not None:
        target = pa.int64() if col.kind == "int" else pa.string()
        arr = pc.cast(arr, target)
        arr = pc.if_else(pc.equal(arr, pa.scalar(col.missing, target)), None, arr)
    if pa.types.is_floating(arr.type) and col.kind == "float":
        return pc.if_else(pc.is_nan(arr), None, arr)
    if col.kind == "text":
        return pc.dictionary_encode(pc.cast(arr, pa.string()))
    return pc.cast(arr, arrow_type(col))


def encode(table_name: str, table: pa.Table) -> pa.Table:
    """The stored form of an in-memory table: declared columns typed as the codebook says.

    Columns the codebook does not declare are kept as they are (a test flags them).
    """
    declared = columns(table_name)
    arrays = []
    for name in table.column_names:
        arr = table.column(name)
        col = declared.get(name)
        arrays.append(arr if col is None else _encode_column(col, arr))
    return pa.table(arrays, names=table.column_names)


def encode_frame(table_name: str, frame: pd.DataFrame) -> pa.Table:
    """:func:`encode` of a pandas frame (NaN read as missing)."""
    return encode(table_name, pa.Table.from_pandas(frame, preserve_index=False))


def stored_row(table_name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """One in-memory row (e.g. a run's metrics) as the tables store it, for JSON output.

    "No value" becomes None, flags booleans, enum codes labels, counters integers.
    """
    declared = columns(table_name)
    out: dict[str, Any] = {}
    for name, value in row.items():
        col = declared.get(name)
        if col is None:
            out[name] = value
        elif value != value:  # NaN
            out[name] = None
        else:
            out[name] = col.stored(value)
    return out


def decode(table_name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A frame read from a stored table, in the model's in-memory conventions.

    Labels become their codes, nulls the in-memory "none" values, booleans 0/1 floats in
    the series, dates timestamps, text plain strings: what the page's replay and other
    readers of a run's rows expect (:mod:`sim.core.log`, ``SERIES_COLUMNS``).
    """
    out = frame.copy()
    for name, col in columns(table_name).items():
        if name not in out.columns:
            continue
        s = out[name]
        if col.kind == "label" and not pd.api.types.is_numeric_dtype(s):  # schema 1: codes
            out[name] = s.astype(str).map({lab: i for i, lab in enumerate(col.labels)})
        elif col.kind == "date":
            out[name] = pd.to_datetime(s)
        elif col.missing is not None:
            filled = s.astype(object).where(s.notna(), col.missing)
            out[name] = filled.astype("int64" if col.kind == "int" else str)
        elif col.kind == "text":
            out[name] = s.astype(str)
        elif col.kind == "bool" and table_name == "series":
            out[name] = s.astype(float)
    return out


def codebook_markdown() -> str:
    """docs/outputs.md: every stored table's columns with type, unit and meaning."""
    lines = [
        "# Outputs: the codebook",
        "",
        "<!-- Generated by `wgsim codebook` from the declarations in sim/core/outputs.py,",
        "sim/runs/metrics.py and sim/runs/codebook.py; do not edit. -->",
        "",
        "Every result folder holds Parquet tables and a `manifest.json`. The tables are typed:",
        "text as dictionary (categorical) strings, counters as integers, the WG's phase and the",
        "DPRK's mode as labels, flags as booleans, dates as dates, and no value as null (never",
        '`-1`, `0`, `""` or NaN). Each file carries key-value metadata saying where it came',
        "from: `wgsim.version`, `wgsim.schema_version` "
        f"(now {SCHEMA_VERSION}), `wgsim.table`, `wgsim.scenario_digest`,",
        "`wgsim.seed` (the run's seed, or a batch's root seed) and `wgsim.git_commit`.",
        "",
        "Key columns (which run a row belongs to) come first: a batch's tables have",
        "`scenario`, `variant`, (`point` in experiments), `replication`, `seed` and",
        "`run_key` (`wgsim run`'s metrics and series: `scenario`, `variant`, `seed`).",
        "",
        "Reading them: `pd.read_parquet(path)` gives categoricals for text, and floats with NaN",
        'for integer columns that hold nulls (`dtype_backend="pyarrow"` keeps them integers);',
        "`date` is a calendar date (Arrow `date32`), which pandas gives as Python dates in an",
        '`object` column: `pd.to_datetime(frame["date"])` makes it a datetime column, and',
        '`dtype_backend="pyarrow"` a `date32[pyarrow]` one (polars and DuckDB read it as a date);',
        "`pyarrow.parquet.read_schema(path).metadata` holds the provenance;",
        "`sim.runs.codebook.decode(table, frame)` gives the model's in-memory conventions back.",
    ]
    for name, (cols, what) in TABLES.items():
        lines += ["", f"## `{name}`: {what}", "", *_column_table(cols)]
    return "\n".join(lines) + "\n"


def _column_table(cols: tuple[Column, ...]) -> list[str]:
    """A Markdown table of ``cols``: type, unit, what a null means, meaning."""
    lines = ["| column | type | unit | null means | meaning |", "|---|---|---|---|---|"]
    for c in cols:
        kind = f"label: {', '.join(c.labels)}" if c.labels else c.kind
        null = c.null_means or _MISSING_TEXT
        unit = c.unit or _MISSING_TEXT
        lines.append(f"| `{c.name}` | {kind} | {unit} | {null} | {c.meaning} |")
    return lines


def events_markdown() -> str:
    """docs/events.md: the event log's columns and every kind of event, from their declarations."""
    lines = [
        "# The event log",
        "",
        "<!-- Generated by `python -m sim.runs.codebook events` from sim/core/outputs.py; "
        "do not edit. -->",
        "",
        "Every run keeps an event log: one row per thing that happened. `wgsim run` writes it",
        "to `events.parquet`; `wgsim compare --events` writes all runs' logs (with `scenario`,",
        "`variant`, `replication` and `seed` columns in front). The page narrates it in plain",
        "sentences, and the calibration targets are computed from it. The fields and kinds",
        "are declared in `sim/core/outputs.py` (`EVENT_FIELDS`, `EVENT_KINDS`).",
        "",
        "## Columns",
        "",
        *_column_table(EVENTS),
        "",
        "## Kinds, in the order of the weekly schedule",
        "",
        "Phases are those of the week (docs/model.md, process overview); in parentheses,",
        "phases where a kind is logged less often.",
        "",
        "| kind | actor | phase | meaning; `detail` |",
        "|---|---|---|---|",
        *(f"| `{k.name}` | {k.actor} | {k.phase} | {k.meaning} |" for k in EVENT_KINDS),
        "",
        "A proposal's transitions in the log always follow the pipeline: `created`, then",
        "`routed` (or `shelved`), then review events (`deferred` …, `approved`/`vetoed`), then",
        "`un_submitted` and `un_approved`/`un_rejected` for sanctioned items, then the DPRK's",
        "answer, then `implemented` (or `stalled`). The tests check that counts of events match",
        "the outcome metrics (for example `implemented` events and the `implemented` metric).",
        "",
        "A run without a WG (`establishment: never`, the *no-group* variant) logs no event",
        "about a WG: no `wg_*`, `mou_challenge`, `denunciation`, `criticism`, `dispute`,",
        "`window_opened`, `us_consent_changed`, `termination_refused` or `dg_*` row, and no row",
        "with route `wg` (tests/test_credible.py).",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m sim.runs.codebook [outputs|events]
    import sys

    page = sys.argv[1] if len(sys.argv) > 1 else "outputs"
    if page not in ("outputs", "events"):
        print(f"usage: python -m sim.runs.codebook [outputs|events]; not {page!r}", file=sys.stderr)
        sys.exit(2)
    sys.stdout.write(codebook_markdown() if page == "outputs" else events_markdown())
