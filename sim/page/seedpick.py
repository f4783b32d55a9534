"""The criterion that picks showcase (teaching) seeds from a many-seeds comparison.

A seed *shows both halves of the trade-off* when, with the WG, its run has fewer US
surprises **and** more public disputes in Seoul than the no-group run on the same seed:
both headline charts of the page move, in opposite directions.

Among those seeds, the showcase seeds are the ones whose outcomes are closest to the
ensemble median: for each of the five outcomes of :data:`TYPICAL` and each arm (with the
WG, without it), the distance of the seed's value from the median over all seeds, in
units of that outcome's interquartile range (its standard deviation when the IQR is 0,
1 when both are 0); a missing value (no exemption, so no lead time) counts 1. The
distances are summed: 10 terms, 0 for a seed at every median. Ties go to the lower seed.
When no seed shows both halves, every seed is ranked by the same distance.

Pure numbers in, seeds out: choosing seeds reads finished runs and changes nothing in
the model.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

TYPICAL = ("surprises", "disputes", "exemptions", "exemption_lead_days_median", "implemented")
"""The outcomes (names of :mod:`sim.runs.metrics`) a showcase seed is typical in."""

Arms = tuple[np.ndarray, np.ndarray]
"""One metric's values by seed: with the WG, without it."""


def both_halves(values: Mapping[str, Arms]) -> np.ndarray:
    """Per seed: fewer US surprises and more public disputes with the WG than without."""
    (s_wg, s_none), (d_wg, d_none) = values["surprises"], values["disputes"]
    return np.asarray((s_wg < s_none) & (d_wg > d_none), dtype=bool)


def _scale(x: np.ndarray) -> float:
    finite = x[np.isfinite(x)]
    if finite.size == 0:
        return 1.0
    q1, q3 = np.percentile(finite, [25, 75])
    return float(q3 - q1) or float(np.std(finite)) or 1.0


def distance(values: Mapping[str, Arms]) -> np.ndarray:
    """Per seed: the summed distance of its outcomes from the ensemble medians (see above)."""
    n = len(values[TYPICAL[0]][0])
    total = np.zeros(n)
    for key in TYPICAL:
        for arm in values[key]:
            x = np.asarray(arm, dtype=float)
            finite = x[np.isfinite(x)]
            median = float(np.median(finite)) if finite.size else 0.0
            safe = np.where(np.isfinite(x), x, median)
            total += np.where(np.isfinite(x), np.abs(safe - median) / _scale(x), 1.0)
    return total


def ranked(values: Mapping[str, Arms]) -> list[int]:
    """Seed indices, best showcase first: those showing both halves (else all), nearest first."""
    d = distance(values)
    both = both_halves(values)
    pool = np.flatnonzero(both) if both.any() else np.arange(len(d))
    return sorted((int(i) for i in pool), key=lambda i: (d[i], i))
