"""The codebook: every column wgsim writes, with its storage type, unit and meaning.

The model keeps plain numbers in memory (codes for enums, ``-1`` for a week that never
came, ``0`` for "no proposal", ``""`` for "no route", NaN for "undefined"), which is what
its rules, metrics and tests read. The files say what they hold instead: this module
declares each column of the output tables once, and :func:`encode` turns an in-memory
table into the stored one — text as dictionary (categorical) strings, counters as
integers, enum codes as their labels, flags as booleans, "no value" as null and dates as
dates. :func:`decode` gives a reader the in-memory conventions back. docs/outputs.md is
generated from these declarations (:func:`codebook_markdown`) and a test checks that it
is current and that every column a run writes is declared here: a new metric or series
column is documented by declaring it below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sim.scenario.base import PROPOSAL_TYPES

SCHEMA_VERSION = 2
"""Version of the stored tables' layout: 1 was plain floats and sentinels (wgsim 0.1)."""

Kind = Literal["text", "string", "int", "float", "bool", "label", "date"]
_MISSING_TEXT = "-"


@dataclass(frozen=True)
class Column:
    """One stored column.

    Attributes:
        name: Column name.
        kind: Storage: ``text`` (dictionary-encoded string), ``string`` (plain string,
            for values that rarely repeat), ``int`` (int64), ``float`` (float64),
            ``bool``, ``label`` (an enum code stored as its label, dictionary-encoded),
            ``date`` (a calendar date).
        unit: Unit of the value ("" where none applies).
        meaning: What the value is.
        missing: The in-memory value stored as null (None: NaN only, for floats).
        labels: For ``label`` columns, the label of each code 0, 1, ...
    """

    name: str
    kind: Kind
    unit: str
    meaning: str
    missing: Any = None
    labels: tuple[str, ...] = ()

    @property
    def arrow_type(self) -> pa.DataType:
        """The column's Arrow (and so Parquet) type."""
        match self.kind:
            case "text" | "label":
                return pa.dictionary(pa.int32(), pa.string())
            case "string":
                return pa.string()
            case "int":
                return pa.int64()
            case "float":
                return pa.float64()
            case "bool":
                return pa.bool_()
            case "date":
                return pa.date32()
            case _:
                raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def null_means(self) -> str:
        """What a null in this column means, for the codebook."""
        if self.kind == "float":
            return "undefined"
        return "none" if self.missing is not None else ""


def _c(name: str, kind: Kind, unit: str, meaning: str, missing: Any = None) -> Column:
    return Column(name, kind, unit, meaning, missing)


NEVER = -1
"""The in-memory week of something that never happened."""

WG_PHASES = ("absent", "active", "terminated")
"""Labels of the WG's phase codes (``sim.core.channels.WgPhase``)."""
DPRK_MODES = ("engage", "wedge", "coerce")
"""Labels of the DPRK's mode codes (``sim.core.agents.DprkMode``)."""

KEYS = (
    _c("scenario", "text", "", "the scenario's name"),
    _c("variant", "text", "", "the variant's name"),
    _c("point", "int", "", "experiments: index of the design point"),
    _c("replication", "int", "", "the replication (variants share its seed)"),
    _c("seed", "int", "", "the run's seed (SeedSequence(root seed).spawn)"),
    _c("run_key", "string", "", "the run's identity for resuming: scenario digest, seed, keys"),
)
"""Columns that say which run a row belongs to (those a table has, in front)."""

_WEEK = "week"
_COUNT = "count"
_COUNTED_KINDS = (
    ("approved", "US approvals"),
    ("vetoed", "US vetoes"),
    ("deferred", "US deferrals"),
    ("un_submitted", "UN exemption requests filed"),
    ("mou_challenge", "MOU public calls to readjust the WG"),
    ("mou_challenge_mofa", "MOU public challenges of MOFA's line (no WG)"),
    ("mou_objection", "MOU objections inside the government (not public)"),
    ("denunciation", "DPRK denunciations of the WG"),
    ("criticism", "ruling-party criticisms of the WG"),
    ("contact", "ad hoc channel contacts"),
    ("wg_meeting", "WG meetings"),
    ("dg_meeting", "director-general-level meetings"),
    ("wg_reformed", "WG reforms"),
    ("provocation", "major DPRK provocations"),
)

METRICS = (
    _c("surprises", "int", _COUNT, "US-side surprises (entrapment friction)"),
    _c("disputes", "int", _COUNT, "ROK-side public disputes"),
    _c("friction", "int", _COUNT, "surprises + disputes"),
    _c("friction_per_year", "float", "per 52 weeks", "friction per 52 weeks"),
    *(_c(f"n_{k}", "int", _COUNT, f"events: {m}") for k, m in _COUNTED_KINDS),
    _c("created", "int", _COUNT, "proposals created"),
    _c("route_wg", "int", _COUNT, "proposals routed through the WG"),
    _c("route_bilateral", "int", _COUNT, "proposals routed through ad hoc channels"),
    _c("route_dg", "int", _COUNT, "proposals routed to director-general-level talks"),
    _c("route_unilateral", "int", _COUNT, "proposals taken ahead unilaterally"),
    _c("route_shelved", "int", _COUNT, "proposals shelved"),
    _c("routed", "int", _COUNT, "proposals routed (all routes but shelved)"),
    _c("implemented", "int", _COUNT, "proposals implemented"),
    _c("value_implemented", "float", "value units", "sum of the ROK's value of implemented items"),
    _c("completion_ratio", "float", "share", "implemented / routed (undefined if none routed)"),
    _c("vetoed", "int", _COUNT, "proposals ending vetoed"),
    _c("un_rejected", "int", _COUNT, "proposals ending rejected by the UN 1718 Committee"),
    _c("dprk_rejected", "int", _COUNT, "proposals ending rejected by the DPRK"),
    _c("stalled", "int", _COUNT, "proposals ending stalled"),
    _c("in_flight_at_end", "int", _COUNT, "routed proposals not finished at the end"),
    *(
        col
        for t in PROPOSAL_TYPES
        for col in (
            _c(f"implemented_{t}", "int", _COUNT, f"{t} proposals implemented"),
            _c(f"routed_wg_{t}", "int", _COUNT, f"{t} proposals routed through the WG"),
        )
    ),
    _c("exemptions", "int", _COUNT, "UN 1718 exemptions granted"),
    _c("exemption_lead_days_median", "float", "days", "median t_UN - t_routed of exemptions"),
    _c("exemption_lead_days_q25", "float", "days", "25th percentile of the exemption lead time"),
    _c("exemption_lead_days_q75", "float", "days", "75th percentile of the exemption lead time"),
    _c("us_decision_days_median", "float", "days", "median t_US - t_routed of US decisions"),
    _c("unilateral", "int", _COUNT, "unilateral moves implemented"),
    _c("gray_zone", "int", _COUNT, "unilateral moves with sigma_gray <= sigma < sigma_UN"),
    _c("violations", "int", _COUNT, "unilateral moves with sigma >= sigma_UN"),
    _c("dpi_final", "float", "index 0-1", "denuclearization progress index at the end"),
    _c("dpi_peak", "float", "index 0-1", "highest denuclearization progress index of the run"),
    _c(
        "denunciation_first_week",
        "float",
        _WEEK,
        "week of the first DPRK denunciation (none: undefined)",
    ),
    _c(
        "denunciation_last_week",
        "float",
        _WEEK,
        "week of the last DPRK denunciation (none: undefined)",
    ),
    _c("ws_gap", "float", "position units", "wedge: mean ROK-US gap on engagement minus week 1's"),
    _c("ws_legitimacy", "float", "share", "wedge: legitimacy lost to denunciations / all lost"),
    _c(
        "ws_termination", "float", "0 or 1", "wedge: the WG ended within 52 weeks of a denunciation"
    ),
    _c("wg_created_week", "int", _WEEK, "week the WG was set up", NEVER),
    _c("wg_first_meeting_week", "int", _WEEK, "week of the WG's first meeting", NEVER),
    _c("wg_terminated_week", "int", _WEEK, "week the WG was terminated", NEVER),
    _c("wg_terminated", "bool", "", "the WG was terminated"),
    _c("wg_lifetime_weeks", "float", "weeks", "first meeting to termination (or to the end)"),
    _c("wg_censored", "bool", "", "the lifetime is right-censored (the WG survived)"),
    _c("legitimacy_final", "float", "0-1", "WG legitimacy at the end (no WG ever: undefined)"),
)
"""Outcome metrics of one run (:func:`sim.runs.metrics.summarize`), in its order."""

SERIES = (
    _c("week", "int", _WEEK, "the step (1 = the week starting on calendar.start)"),
    _c("date", "date", "date", "the Monday that starts the week"),
    _c("legitimacy", "float", "0-1", "WG legitimacy (null while no WG is active)"),
    Column("wg_phase", "label", "", "the WG's phase", labels=WG_PHASES),
    _c("trust_us", "float", "0-1", "US trust in the ROK"),
    _c("trust_rok", "float", "0-1", "ROK trust in the US"),
    _c("info_quality", "float", "0-1", "information quality q of the US about ROK plans"),
    _c("frustration", "float", "0-1", "DPRK frustration F"),
    _c("dpi", "float", "index 0-1", "denuclearization progress index"),
    _c("gap", "float", "position units", "|x_ROK,E - x_US,E| on engagement pace"),
    _c("x_rok_e", "float", "position 0-1", "the ROK's effective position on engagement pace"),
    _c("x_us_e", "float", "position 0-1", "the US position on engagement pace"),
    _c("x_mou_e", "float", "position 0-1", "the MOU's position on engagement pace"),
    _c("x_mofa_e", "float", "position 0-1", "MOFA's position on engagement pace"),
    _c("win_set", "float", "0-1", "the US win-set (its tolerance for ROK moves)"),
    Column("dprk_mode", "label", "", "the DPRK's strategy", labels=DPRK_MODES),
    _c("track_open", "bool", "", "the US-DPRK negotiating track is open"),
    _c("wg_queue", "int", _COUNT, "items waiting in the WG's queue"),
    _c("in_flight", "int", _COUNT, "routed items not yet finished"),
    _c("surprises", "int", _COUNT, "surprises so far"),
    _c("disputes", "int", _COUNT, "public disputes so far"),
    _c("implemented", "int", _COUNT, "proposals implemented so far"),
    _c("denunciations", "int", _COUNT, "DPRK denunciations so far"),
    _c("challenges", "int", _COUNT, "MOU public calls to readjust the WG so far"),
)
"""Weekly series (``sim.core.phases.record.SERIES_COLUMNS`` plus the date)."""

EVENTS = (
    _c("week", "int", _WEEK, "the step the event happened in"),
    _c("date", "date", "date", "the Monday that starts that week (a shock's date is in detail)"),
    _c("kind", "text", "", "what happened (docs/events.md lists the kinds)"),
    _c("actor", "text", "", "who did it (docs/events.md)"),
    _c("proposal_id", "int", "", "the proposal's id within the run (null: not about one)", 0),
    _c("proposal_type", "text", "", "HUM, EXCH, INFRA, ECON, MIL or TOUR", ""),
    _c("route", "text", "", "the proposal's route then (null: not routed yet)", ""),
    _c("detail", "string", "", "free text: a label, a shock's date and name, a reason", ""),
)
"""The event log (``sim.core.log.EVENT_COLUMNS`` plus the date)."""

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
    _c("t_created", "int", _WEEK, f"{_T} creation"),
    _c("t_routed", "int", _WEEK, f"{_T} routing", NEVER),
    _c("t_us", "int", _WEEK, f"{_T} US decision", NEVER),
    _c("t_un_submit", "int", _WEEK, f"{_T} UN exemption request", NEVER),
    _c("t_un", "int", _WEEK, f"{_T} UN decision", NEVER),
    _c("t_dprk", "int", _WEEK, f"{_T} DPRK answer", NEVER),
    _c("t_done", "int", _WEEK, f"{_T} end (terminal status)", NEVER),
    _c("n_deferrals", "int", _COUNT, "US deferrals of it"),
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
    "series": (KEYS + SERIES, "one row per run and week (`series.parquet`)"),
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
    return pc.cast(arr, col.arrow_type)


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
        elif (col.missing is not None and value == col.missing) or value != value:  # NaN
            out[name] = None
        elif col.kind == "bool":
            out[name] = bool(value)
        elif col.kind == "label":
            out[name] = col.labels[int(value)]
        elif col.kind == "int":
            out[name] = int(value)
        else:
            out[name] = value
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
        "<!-- Generated by `wgsim codebook` from sim/runs/codebook.py; do not edit. -->",
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
        "`pyarrow.parquet.read_schema(path).metadata` holds the provenance;",
        "`sim.runs.codebook.decode(table, frame)` gives the model's in-memory conventions back.",
    ]
    for name, (cols, what) in TABLES.items():
        lines += ["", f"## `{name}`: {what}", "", "| column | type | unit | null means | meaning |"]
        lines.append("|---|---|---|---|---|")
        for c in cols:
            kind = f"label: {', '.join(c.labels)}" if c.labels else c.kind
            null = c.null_means or _MISSING_TEXT
            unit = c.unit or _MISSING_TEXT
            lines.append(f"| `{c.name}` | {kind} | {unit} | {null} | {c.meaning} |")
    return "\n".join(lines) + "\n"
