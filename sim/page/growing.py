"""Parts of the page that grow week by week, sent to the browser by increments.

A run's charts and log only gain rows as it advances. Re-building and re-sending them whole
each week costs the server more and more as the run goes on (and every session's redraw
shares the server's one Python process), and the browser a full redraw. Here:

- the rows are computed once, for the new weeks or events only (:func:`grown`);
- a chart's datasets go out as a ``base`` (sent whole, rarely) and a ``tail`` (the rows
  added since, sent each week), and the browser inserts the tail into the drawn chart
  (``growing_chart.vue``);
- the log is drawn in chunks of lines; a full chunk is never sent again;
- big values reach components wrapped in :class:`Opaque`, so Reacton neither walks into
  them looking for elements nor compares them item by item.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

import solara

from sim.page.story import LogRow

TAIL_ROWS = 32
"""At most this many rows in a chart's tail; then the base is sent again, whole."""

LOG_CHUNK = 40
"""Lines per chunk of the drawn log (full chunks are not sent again)."""


class Opaque[T]:
    """A value handed to a component as it is: equal only to a wrapper of the same object.

    Reacton walks lists and dicts in a component's arguments (looking for elements) and
    compares them item by item to decide whether to re-render; a wrapped value is neither
    walked nor compared, so a new value re-renders and the same one does not.
    """

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Opaque) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


@dataclass(frozen=True)
class Grown[T]:
    """A value computed up to ``extent`` (a week, a count of events) of ``source``'s run."""

    source: object
    extent: int
    value: T


def grown[T](
    previous: Grown[T] | None,
    source: object,
    extent: int,
    make: Callable[[int], T],
    join: Callable[[T, T], T],
) -> Grown[T]:
    """``previous`` extended to ``extent``: ``make(since)`` computes only what is new.

    Another ``source`` (a new model) or a smaller extent starts afresh with ``make(0)``.
    """
    if previous is None or previous.source is not source or extent < previous.extent:
        return Grown(source, extent, make(0))
    if extent == previous.extent:
        return previous
    return Grown(source, extent, join(previous.value, make(previous.extent)))


def join_datasets(
    old: Mapping[str, list[Any]], new: Mapping[str, list[Any]]
) -> dict[str, list[Any]]:
    """Named datasets with the new rows after the old ones."""
    return {name: [*old.get(name, []), *rows] for name, rows in new.items()}


@solara.component_vue("growing_chart.vue")
def _ChartWidget(spec: str, base: str, tail: str) -> None:
    """The browser side: draws ``spec`` with ``base`` + ``tail``, inserts new tail rows.

    Each is JSON text: a string is sent as it is, and compared in one go.
    """


def split(
    sent: dict[str, list[Any]] | None, datasets: Mapping[str, list[Any]], limit: int
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """``datasets`` as (base, tail): the base already sent when every dataset extends it.

    A dataset that does not start with the rows sent before (a new run), a new or missing
    dataset, or a tail longer than ``limit`` rows makes the whole datasets the new base.
    """
    if sent is not None and sent.keys() == datasets.keys():
        tail = {}
        for name, rows in datasets.items():
            old = sent[name]
            if len(rows) < len(old) or rows[: len(old)] != old:
                break
            tail[name] = rows[len(old) :]
        else:
            if sum(len(t) for t in tail.values()) <= limit:
                return sent, tail
    return {name: list(rows) for name, rows in datasets.items()}, {name: [] for name in datasets}


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


@solara.component
def GrowingChart(spec: str, datasets: Opaque[Mapping[str, list[Any]]]) -> None:
    """A Vega-Lite chart (``spec``: JSON without data) over named ``datasets`` that grow.

    The datasets must only gain rows at their end while the spec stays the same; anything
    else redraws the chart whole (that is what a Reset does).
    """
    sent: Any = solara.use_ref(None)  # (base, its JSON)
    base, tail = split(None if sent.current is None else sent.current[0], datasets.value, TAIL_ROWS)
    if sent.current is None or base is not sent.current[0]:
        sent.current = (base, _json(base))
    _ChartWidget(spec=spec, base=sent.current[1], tail=_json(tail))


def log_chunks(rows: list[LogRow], size: int = LOG_CHUNK) -> list[str]:
    """The log's lines as HTML, ``size`` rows per chunk, oldest chunk first.

    Each chunk lists its rows newest first; shown newest chunk first, the log reads
    newest first. Only the last chunk changes as the run grows.
    """
    chunks = []
    for i in range(0, len(rows), size):
        lines = [
            f'<li data-kind="{escape(r.kind)}"><span class="d">{escape(r.date)}</span> '
            f"{escape(r.text)}"
            + (f' <span class="because">— {escape(r.because)}</span>' if r.because else "")
            + "</li>"
            for r in reversed(rows[i : i + size])
        ]
        chunks.append("".join(lines))
    return chunks


@solara.component
def LogLines(rows: Opaque[list[LogRow]]) -> None:
    """The log's lines, newest first, in a scrolling box; drawn chunk by chunk."""
    chunks = log_chunks(rows.value)
    with solara.Column(gap="0px", classes=["wgsim-loglines"]):
        if not chunks:
            solara.HTML(
                tag="ul", unsafe_innerHTML="<li>Nothing has happened yet: press Step or Play.</li>"
            )
        for i in reversed(range(len(chunks))):
            solara.HTML(tag="ul", unsafe_innerHTML=chunks[i]).key(f"log-chunk-{i}")
