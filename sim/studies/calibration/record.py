"""The documented record as data: ``calibration/record.csv``, one row per event.

Every event of the public record that the model can produce (the working group's life
and meetings, named items with their type, sanctions status and fate, UN 1718
exemptions, DPRK denunciations, US surprises, public disputes, MOU challenges, domestic
criticism, and the appointments and departures that open and close the envoy channels)
is one row with its date, confidence and sources (docs/record.md). :func:`load_record`
reads and validates the file into frozen :class:`Event` rows; a malformed file raises
:class:`RecordError` naming the file, line, row id, field, value and what is allowed.

Dates are given to the day (``2018-11-20``) or to the month (``2019-01``) as the sources
allow, or ``unknown`` where the record is silent; none is filled in.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sim.errors import WgsimError
from sim.scenario import PROPOSAL_TYPES
from sim.scenario.shipped import data_root

# fmt: off
COLUMNS = (
    "id", "kind", "date", "label", "item", "type", "sanctioned", "wg_routed", "fate",
    "fate_date", "actor", "channel", "count", "end_date", "confidence", "sources", "urls",
    "note",
)
# fmt: on
"""The file's columns, in order (docs/record.md describes each)."""

# fmt: off
KINDS = (
    "item", "wg_created", "wg_meeting", "wg_terminated", "exemption", "exemption_count",
    "denunciation", "surprise", "dispute", "mou_challenge", "criticism", "appointed",
    "departed",
)
# fmt: on
"""What a row records; all but ``item``, ``exemption``, ``exemption_count``,
``appointed`` and ``departed`` are event kinds of the model's log (docs/events.md)."""

ROLES: dict[str, str] = {
    "item.date": "input",
    "item.fate": "observable",
    "item.fate_date": "observable",
    "wg_created": "input",
    "wg_meeting": "observable",
    "wg_terminated": "observable",
    "exemption": "observable",
    "exemption_count": "observable",
    "denunciation": "observable",
    "surprise": "observable",
    "dispute": "observable",
    "mou_challenge": "observable",
    "criticism": "observable",
    "appointed": "input",
    "departed": "input",
}
"""Whether a fit should take a row (or an item's field) as an input or as an observable
to reproduce; never both for the same quantity (issue 29)."""

# fmt: off
FATES = (
    "implemented", "vetoed", "un_rejected", "dprk_rejected", "dprk_ignored", "stalled",
    "shelved", "unknown",
)
# fmt: on
"""What became of a named item: the model's final statuses, ``dprk_ignored`` (no answer
from the DPRK), ``shelved`` (given up or never pursued by Seoul) and ``unknown``."""

CONFIDENCES = ("H", "M", "L")
"""H: several sources agree; M: one source or an inferred date; L: weak."""

YES_NO = ("yes", "no", "unknown")
UNKNOWN = "unknown"
FIRST = dt.date(2018, 1, 1)
LAST = dt.date(2021, 12, 31)
ITEM_ONLY = ("type", "sanctioned", "wg_routed", "fate", "fate_date")
COUNT_ONLY = ("count", "end_date")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")

Confidence = Literal["H", "M", "L"]
Precision = Literal["day", "month"]


class RecordError(WgsimError):
    """The record file is missing or malformed.

    Args:
        source: The file the record came from.
        problems: One line per problem, each naming the line, row id, field, value and
            what is allowed.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid record {source}:\n{lines}")


@dataclass(frozen=True)
class Day:
    """A documented date, to the day or only to the month."""

    first: dt.date
    precision: Precision

    @property
    def last(self) -> dt.date:
        """The last day the date can mean (the month's last day for a month)."""
        if self.precision == "day":
            return self.first
        days = calendar.monthrange(self.first.year, self.first.month)[1]
        return self.first.replace(day=days)

    def __str__(self) -> str:
        return self.first.isoformat() if self.precision == "day" else self.first.strftime("%Y-%m")


@dataclass(frozen=True)
class Event:
    """One row of the record.

    A field is ``None`` where the record is silent or the field does not apply to the
    row's kind.
    """

    id: str
    kind: str
    date: Day | None
    label: str
    item: str
    type: str | None
    sanctioned: str | None
    wg_routed: str | None
    fate: str | None
    fate_date: Day | None
    actor: str
    channel: str
    count: int | None
    end_date: Day | None
    confidence: Confidence
    sources: tuple[str, ...]
    urls: tuple[str, ...]
    note: str
    line: int


@dataclass(frozen=True)
class Record:
    """The validated record, in file order."""

    source: Path
    events: tuple[Event, ...]

    def of_kind(self, kind: str) -> tuple[Event, ...]:
        """The rows of ``kind`` (one of :data:`KINDS`)."""
        return tuple(e for e in self.events if e.kind == kind)

    def get(self, event_id: str) -> Event:
        """The row with id ``event_id`` (KeyError when there is none)."""
        for e in self.events:
            if e.id == event_id:
                return e
        raise KeyError(event_id)

    def channel_window(self, channel: str) -> tuple[dt.date | None, dt.date | None]:
        """When ``channel`` exists: ``(opened, closed)``.

        It opens at the latest appointment of one of its ends and closes at the first
        departure of one of them. ``None`` at the start means both ends held office
        before the record's window opens; ``None`` at the end, after it closes.
        """
        rows = [e for e in self.events if e.channel == channel and e.date is not None]
        opened = [e.date.first for e in rows if e.kind == "appointed" and e.date]
        closed = [e.date.first for e in rows if e.kind == "departed" and e.date]
        return (max(opened) if opened else None, min(closed) if closed else None)


def default_path() -> Path:
    """The shipped record: ``calibration/record.csv`` of a checkout or an installed wheel."""
    return data_root() / "calibration" / "record.csv"


def parse_day(text: str) -> Day | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``unknown`` (``None``); ValueError otherwise."""
    if text == UNKNOWN:
        return None
    if _DAY.match(text):
        return Day(dt.date.fromisoformat(text), "day")
    if _MONTH.match(text):
        return Day(dt.date.fromisoformat(text + "-01"), "month")
    raise ValueError(text)


class _Row:
    """Field access for one CSV row that collects problems instead of raising."""

    def __init__(self, fields: dict[str, str], line: int, problems: list[str]) -> None:
        self.fields = fields
        self.line = line
        self.problems = problems
        self.where = f"line {line} (id {fields.get('id', '')!r})"

    def bad(self, field: str, allowed: str) -> None:
        value = self.fields.get(field, "")
        self.problems.append(f"{self.where}, {field}: {value!r} - allowed: {allowed}")

    def text(self, field: str, required: bool = False) -> str:
        value = self.fields.get(field, "")
        if required and not value:
            self.bad(field, "a non-empty text")
        return value

    def choice(self, field: str, allowed: Iterable[str]) -> str | None:
        value, options = self.fields.get(field, ""), tuple(allowed)
        if value in options:
            return value
        self.bad(field, "one of " + ", ".join(options))
        return None

    def day(self, field: str, required: bool = True) -> Day | None:
        value = self.fields.get(field, "")
        allowed = f"YYYY-MM-DD or YYYY-MM within {FIRST:%Y-%m}..{LAST:%Y-%m}"
        allowed += ", or unknown" if not required else ""
        try:
            day = parse_day(value)
        except ValueError:
            self.bad(field, allowed)
            return None
        if day is None and required:
            self.bad(field, allowed)
        if day is not None and not (day.first >= FIRST and day.last <= LAST):
            self.bad(field, allowed)
            return None
        return day

    def empty(self, fields: Iterable[str], why: str) -> None:
        for f in fields:
            if self.fields.get(f, ""):
                self.bad(f, f"empty ({why})")


def _split(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split("|") if p.strip())


@dataclass(frozen=True)
class _ItemFields:
    type: str | None = None
    sanctioned: str | None = None
    wg_routed: str | None = None
    fate: str | None = None
    fate_date: Day | None = None


def _item_fields(row: _Row, kind: str | None, date: Day | None) -> _ItemFields:
    """An item's type, sanctions status and fate; other kinds must leave them empty."""
    if kind != "item":
        if kind is not None:
            row.empty(ITEM_ONLY, f"only items have it, not {kind}")
        return _ItemFields()
    fate_date = row.day("fate_date", required=False)
    if date and fate_date and fate_date.last < date.first:
        row.bad("fate_date", f"a date on or after the row's date {date}")
    row.empty(("item", *COUNT_ONLY), "items carry their own fate")
    return _ItemFields(
        type=row.choice("type", PROPOSAL_TYPES),
        sanctioned=row.choice("sanctioned", YES_NO),
        wg_routed=row.choice("wg_routed", YES_NO),
        fate=row.choice("fate", FATES),
        fate_date=fate_date,
    )


def _count_fields(row: _Row, kind: str | None, date: Day | None) -> tuple[int | None, Day | None]:
    """An exemption count and its period's end; other kinds must leave them empty."""
    if kind != "exemption_count":
        if kind not in (None, "item"):
            row.empty(COUNT_ONLY, f"only exemption_count rows have it, not {kind}")
        return None, None
    raw = row.text("count")
    count = int(raw) if raw.isascii() and raw.isdigit() else None
    if count is None:
        row.bad("count", "a whole number >= 0")
    end_date = row.day("end_date")
    if date is None and row.fields.get("date") == UNKNOWN:
        row.bad("date", "the period's first month (a count needs its period)")
    elif date and end_date and end_date.last < date.first:
        row.bad("end_date", f"a date on or after the period start {date}")
    return count, end_date


def _event(row: _Row) -> Event | None:
    """The row as an :class:`Event`, or None after recording its problems."""
    n_before = len(row.problems)
    event_id = row.text("id")
    if not _ID.match(event_id):
        row.bad("id", "lower-case letters, digits and '-'")
    kind = row.choice("kind", KINDS)
    date = row.day("date", required=False)
    label = row.text("label", required=True)
    confidence = row.choice("confidence", CONFIDENCES)
    sources = _split(row.text("sources", required=True))
    urls = _split(row.text("urls"))
    if any(not u.startswith(("http://", "https://")) for u in urls):
        row.bad("urls", "http(s) addresses separated by ' | '")
    item = _item_fields(row, kind, date)
    count, end_date = _count_fields(row, kind, date)
    if kind in ("appointed", "departed"):
        row.text("actor", required=True)
    if len(row.problems) > n_before or kind is None or confidence is None:
        return None
    return Event(
        id=event_id,
        kind=kind,
        date=date,
        label=label,
        item=row.text("item"),
        type=item.type,
        sanctioned=item.sanctioned,
        wg_routed=item.wg_routed,
        fate=item.fate,
        fate_date=item.fate_date,
        actor=row.text("actor"),
        channel=row.text("channel"),
        count=count,
        end_date=end_date,
        confidence=confidence,  # type: ignore[arg-type]  # checked against CONFIDENCES
        sources=sources,
        urls=urls,
        note=row.text("note"),
        line=row.line,
    )


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise RecordError(str(path), ["file not found"])
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh, strict=True)
            header = tuple(reader.fieldnames or ())
            if header != COLUMNS:
                missing = [c for c in COLUMNS if c not in header]
                extra = [c for c in header if c not in COLUMNS]
                raise RecordError(
                    str(path),
                    [
                        f"line 1, header: {', '.join(header) or '(empty)'} - allowed: exactly "
                        f"{', '.join(COLUMNS)} (missing: {', '.join(missing) or 'none'}; "
                        f"unexpected: {', '.join(extra) or 'none'})"
                    ],
                )
            rows = []
            for fields in reader:
                if None in fields or any(v is None for v in fields.values()):
                    raise RecordError(
                        str(path),
                        [f"line {reader.line_num}: {len(COLUMNS)} fields expected per row"],
                    )
                rows.append((reader.line_num, {k: (v or "").strip() for k, v in fields.items()}))
            return rows
    except UnicodeDecodeError as exc:
        raise RecordError(str(path), [f"not UTF-8 text ({exc.reason})"]) from None
    except csv.Error as exc:
        raise RecordError(str(path), [f"not a valid CSV file ({exc})"]) from None


def load_record(path: str | Path | None = None) -> Record:
    """Read and validate the record (the shipped one when ``path`` is None).

    Raises:
        RecordError: listing every problem with its line, row id, field, value and what
            is allowed.
    """
    path = Path(path) if path is not None else default_path()
    problems: list[str] = []
    events: list[Event] = []
    for line, fields in _read(path):
        event = _event(_Row(fields, line, problems))
        if event is not None:
            events.append(event)
    seen: set[str] = set()
    for e in events:
        if e.id in seen:
            problems.append(f"line {e.line} (id {e.id!r}), id: {e.id!r} - allowed: a new id")
        seen.add(e.id)
    items = {e.id for e in events if e.kind == "item"}
    for e in events:
        if e.item and e.item not in items:
            problems.append(
                f"line {e.line} (id {e.id!r}), item: {e.item!r} - allowed: the id of an "
                f"item row ({', '.join(sorted(items)) or 'none'})"
            )
    if not events and not problems:
        problems.append("no rows - allowed: at least one event")
    if problems:
        raise RecordError(str(path), problems)
    return Record(source=path, events=tuple(events))
