"""The record item by item: each named item's documented fate beside its simulated fates.

Issue 29 part 2: the historical scenario puts the documented proposals on the table on
their documented dates (shocks with ``item:`` ids of ``calibration/record.csv``) and the
model's rules settle them. For posterior-predictive runs, :func:`item_outcomes` reads each
named item's fate (the last fate-settling event of its proposal, as the fate observables
do) and the weeks from its creation to that fate; :func:`item_table` sets the shares and
lags beside the record's fate, fate date and lag. Where the record is silent on a fate
(``unknown``) or a date, the table says so and scores nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.studies.calibration.observables import FATE_KINDS, Event
from sim.studies.calibration.record import Record

PENDING = "pending"
"""A named item's simulated fate when no fate-settling event came before the run ended."""

ABSENT = "absent"
"""A named item's simulated fate when the run never created it."""

SHOWN_FATES = 3
"""Simulated fates listed per item in the table (the most frequent ones)."""


@dataclass(frozen=True)
class Outcome:
    """One named item in one run: its fate and the weeks from creation to it.

    ``ruled``: a rule set that fate whatever the parameters (an item the sanctions bar is
    shelved, one the DPRK co-signed is implemented); such a fate is an input, not evidence.
    """

    fate: str
    weeks: int | None
    ruled: bool = False


def item_outcomes(events: Sequence[Event], proposals: Sequence[Any]) -> dict[str, Outcome]:
    """Each named item's outcome in one run, from its event log and its proposals.

    A named item is a proposal with an ``item`` (a record id); one the run did not create
    is :data:`ABSENT`, one still in flight at the end :data:`PENDING`.
    """
    items = {p.item: p for p in proposals if getattr(p, "item", "")}
    out: dict[str, Outcome] = {}
    created: dict[int, int] = {}
    last: dict[int, tuple[str, int]] = {}
    for week, kind, _actor, pid, *_ in events:
        if kind == "created":
            created.setdefault(pid, week)
        elif kind in FATE_KINDS:
            last[pid] = (kind, week)
    for item, p in items.items():
        ruled = bool(p.barred or p.cosigned)
        if p.id not in created:
            out[item] = Outcome(ABSENT, None, ruled)
        elif p.id not in last:
            out[item] = Outcome(PENDING, None, ruled)
        else:
            kind, week = last[p.id]
            out[item] = Outcome(kind, week - created[p.id], ruled)
    return out


def _documented_lag(record: Record, item: str) -> float | None:
    e = record.get(item)
    if e.date is None or e.fate_date is None or e.fate in (None, "unknown"):
        return None
    if e.date.precision != "day" or e.fate_date.precision != "day":
        return None  # a month-precise date cannot give a lag in weeks
    return (e.fate_date.first - e.date.first).days / 7.0


def item_table(
    record: Record, runs: Iterable[Mapping[str, Outcome]], fit_end: str | None = None
) -> pd.DataFrame:
    """The item-by-item table: documented fate and dates beside the simulated ones.

    Args:
        record: The sourced record (``calibration/record.csv``).
        runs: Per run, each named item's :class:`Outcome` (:func:`item_outcomes`).
        fit_end: The fit period's last day (ISO); items proposed after it are marked
            out of sample.

    Returns:
        One row per named item found in the runs, in order of its documented proposal
        date: label, period, documented proposal and fate dates, documented fate and lag,
        the share of runs with the documented fate (empty where the record is silent),
        the most frequent simulated fates, the median simulated lag to the fate, and
        whether a rule set the fate in every run (an input, not evidence).
    """
    runs = list(runs)
    # by documented date, then id: a set's order varies between processes
    names = sorted({i for r in runs for i in r}, key=lambda i: (str(record.get(i).date), i))
    rows = []
    for item in names:
        e = record.get(item)
        outcomes = [r[item] for r in runs if item in r]
        counts = Counter(o.fate for o in outcomes)
        n = len(outcomes)
        shown = ", ".join(f"{f} {c / n:.0%}" for f, c in counts.most_common(SHOWN_FATES))
        lags = [o.weeks for o in outcomes if o.weeks is not None]
        documented = e.fate if e.fate and e.fate != "unknown" else None
        lag = _documented_lag(record, item)
        proposed = str(e.date) if e.date else ""
        period = "" if fit_end is None else ("fit" if proposed <= fit_end else "after the fit")
        rows.append(
            {
                "item": item,
                "label": e.label,
                "period": period,
                "proposed": proposed,
                "documented fate": documented or "record silent",
                "fate date": str(e.fate_date) if e.fate_date else "",
                "documented lag (weeks)": "" if lag is None else f"{lag:.1f}",
                "runs with the documented fate": (
                    "" if documented is None else f"{counts[documented] / n:.0%}"
                ),
                "simulated fates": shown,
                "median simulated lag (weeks)": f"{np.median(lags):.0f}" if lags else "",
                "fate set by a rule": "yes" if all(o.ruled for o in outcomes) else "",
                "runs": n,
            }
        )
    return pd.DataFrame(rows)
