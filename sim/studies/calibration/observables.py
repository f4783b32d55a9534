"""Observables from the record: statistics of one run that the model's rules produce.

Issue 29 part 3: a target that a parameter or a scheduled shock sets is an input read back
and cannot fail, so it leaves the fit. These statistics are computed from a run's event log
and its named items (the historical scenario's shocks carry ``item:`` ids of
``calibration/record.csv``); each is parameterised by its target in
``calibration/episodes.yaml`` (the item, the event kinds, the window), and each documented
value comes from record.csv (``record:`` names the rows; tests/test_observables.py checks
the values against the loader).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sim.scenario import Calendar

Event = tuple[int, str, str, int, str, str, str]

FATE_KINDS = (
    "implemented", "vetoed", "un_rejected", "dprk_rejected", "dprk_ignored", "stalled",
    "shelved",
)  # fmt: skip
"""Event kinds that settle a named item's fate (the record's ``FATES`` less ``unknown``)."""

LAG_CAP = 52.0
"""The lag of an item that never reached the event by the target's date (weeks)."""


Spec = Any
"""A :class:`sim.studies.calibration.targets.Target`: its ``item``, ``kind``, ``since``,
``value`` and ``last_date`` parameterise the statistic."""


def _until(t: Spec, cal: Calendar) -> int:
    return cal.week_of(t.last_date) if t.last_date else 10**9


def _since(t: Spec, cal: Calendar) -> int:
    return cal.week_of(t.since) if t.since else 0


def item_fate(events: Sequence[Event], cal: Calendar, items: Mapping[str, int], t: Spec) -> float:
    """1 if the item's fate by the target's date is the documented one (``kind``), else 0.

    The fate is the last fate-settling event (:data:`FATE_KINDS`) of the item's proposal up
    to the target's ``until`` date (else ``documented``); an item still in flight, or
    absent, scores 0.
    """
    pid = items.get(t.item)
    if pid is None:
        return 0.0
    end = _until(t, cal)
    fates = [e[1] for e in events if e[3] == pid and e[1] in FATE_KINDS and e[0] <= end]
    return float(bool(fates) and fates[-1] == t.kind)


def item_lag_weeks(
    events: Sequence[Event], cal: Calendar, items: Mapping[str, int], t: Spec
) -> float:
    """Weeks from the item's ``created`` event to its first ``kind`` event.

    :data:`LAG_CAP` when the item is absent or did not reach ``kind`` by the target's date.
    """
    pid = items.get(t.item)
    if pid is None:
        return LAG_CAP
    end = _until(t, cal)
    own = [e for e in events if e[3] == pid]
    created = next((e[0] for e in own if e[1] == "created"), None)
    hit = next((e[0] for e in own if e[1] == t.kind and e[0] <= end), None)
    if created is None or hit is None:
        return LAG_CAP
    return float(min(LAG_CAP, hit - created))


def item_event(events: Sequence[Event], cal: Calendar, items: Mapping[str, int], t: Spec) -> float:
    """1 if the item's proposal has a ``kind`` event (a surprise, a dispute) by the date."""
    pid = items.get(t.item)
    if pid is None:
        return 0.0
    lo, hi = _since(t, cal), _until(t, cal)
    return float(any(e[3] == pid and e[1] == t.kind and lo <= e[0] <= hi for e in events))


def count_between(
    events: Sequence[Event], cal: Calendar, items: Mapping[str, int], t: Spec
) -> float:
    """The number of ``kind`` events (e.g. ``un_approved``) from ``since`` to the date."""
    lo, hi = _since(t, cal), _until(t, cal)
    return float(sum(1 for e in events if e[1] == t.kind and lo <= e[0] <= hi))


def count_at_least(
    events: Sequence[Event], cal: Calendar, items: Mapping[str, int], t: Spec
) -> float:
    """:func:`count_between` capped at the documented value: a one-sided count.

    For events the record lists without claiming the list is complete (WG meetings): a
    run with more of them than documented is not penalised, one with fewer is.
    """
    return min(t.value, count_between(events, cal, items, t))


Observable = Callable[[Sequence[Event], Calendar, Mapping[str, int], Any], float]

OBSERVABLES: dict[str, Observable] = {
    f.__name__: f for f in (item_fate, item_lag_weeks, item_event, count_between, count_at_least)
}
"""The parameterised statistics a target can name (with ``item``/``kind``/``since``)."""


def item_ids(proposals: Sequence[Any]) -> dict[str, int]:
    """Named item id -> proposal id, from a run's proposals (those with an ``item``)."""
    return {p.item: p.id for p in proposals if getattr(p, "item", "")}
