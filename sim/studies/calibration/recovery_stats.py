"""Parameter recovery by rejection ABC on a shared reference table: the numbers and the verdict.

Pure functions of arrays, unit-tested on hand-made tables. For each synthetic record (a
"truth": parameters drawn from the prior, one simulated history), the ``k`` reference rows
nearest to its statistics by the fit's own scaled distance are its posterior sample
(:func:`nearest`); :func:`truth_rows` describes that sample against the truth, and
:func:`parameter_summary` gives each parameter's coverage, shrinkage and verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
IDENTIFIED = "identified"
NOT_IDENTIFIED = "not identified: sensitivity parameter (documented range = its prior range)"


@dataclass(frozen=True)
class Prior:
    """A free parameter's uniform prior, as the recovery study sees it."""

    path: str
    low: float
    high: float

    @property
    def variance(self) -> float:
        """The variance of the uniform prior."""
        return (self.high - self.low) ** 2 / 12.0


def scaled_distances(
    reference: np.ndarray, observed: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """The fit's distance from each reference row to ``observed``.

    ``sqrt(sum(((x_k - x0_k) * w_k) ** 2))`` with ``w_k = 1 / tolerance_k``: the formula
    of :func:`sim.studies.calibration.simulator.scaled_distance` (pyabc's PNormDistance,
    p = 2, fixed weights), over the statistics in the columns' order.
    """
    return np.sqrt((((reference - observed) * weights) ** 2).sum(axis=1))


def nearest(distances: np.ndarray, k: int) -> np.ndarray:
    """The indices of the ``k`` smallest distances (ties broken by row order)."""
    order = np.argsort(distances, kind="stable")
    return order[:k]


def truth_rows(
    truth: int, values: np.ndarray, sample: np.ndarray, priors: Sequence[Prior], epsilon: float
) -> list[dict[str, object]]:
    """One row per parameter: a truth's posterior sample described against its value.

    Args:
        truth: The truth's index.
        values: Its parameter values, in the order of ``priors``.
        sample: The accepted reference rows' parameters (k × parameters).
        priors: The free parameters' priors.
        epsilon: The largest accepted distance.
    """
    rows: list[dict[str, object]] = []
    for j, prior in enumerate(priors):
        post = sample[:, j]
        q05, q25, q50, q75, q95 = np.quantile(post, QUANTILES)
        x = float(values[j])
        rows.append(
            {
                "truth": truth,
                "path": prior.path,
                "value": x,
                "median": q50,
                "q05": q05,
                "q25": q25,
                "q75": q75,
                "q95": q95,
                # SBC rank: how many of the k posterior draws lie below the truth (0..k)
                "rank": int((post < x).sum()),
                "in50": bool(q25 <= x <= q75),
                "in90": bool(q05 <= x <= q95),
                "shrinkage": 1.0 - float(np.var(post)) / prior.variance,
                "epsilon": epsilon,
            }
        )
    return rows


def recover(
    reference: pd.DataFrame,
    truths: pd.DataFrame,
    keys: Sequence[str],
    priors: Sequence[Prior],
    weights: dict[str, float],
    k: int,
) -> pd.DataFrame:
    """The truth × parameter table of a recovery study.

    Args:
        reference: Reference rows: parameter columns ``keys`` and statistic columns.
        truths: Synthetic records, the same columns.
        keys: The parameters' column names, in the order of ``priors``.
        priors: The free parameters' priors.
        weights: Statistic name -> 1 / tolerance (the fit's distance).
        k: Reference rows accepted per truth.
    """
    stats = list(weights)
    w = np.array([weights[s] for s in stats])
    ref_stats = reference[stats].to_numpy(dtype=float)
    ref_params = reference[list(keys)].to_numpy(dtype=float)
    truth_stats = truths[stats].to_numpy(dtype=float)
    truth_params = truths[list(keys)].to_numpy(dtype=float)
    rows: list[dict[str, object]] = []
    for i in range(len(truths)):
        d = scaled_distances(ref_stats, truth_stats[i], w)
        idx = nearest(d, k)
        rows.extend(truth_rows(i, truth_params[i], ref_params[idx], priors, float(d[idx].max())))
    return pd.DataFrame(rows)


def parameter_summary(
    table: pd.DataFrame, priors: Sequence[Prior], min_shrinkage: float, coverage_tolerance: float
) -> pd.DataFrame:
    """Per parameter: coverage of the 50/90 % intervals, mean shrinkage, correlation, verdict.

    A parameter is identified when its mean shrinkage is at least ``min_shrinkage`` and
    the 90 % intervals cover the truth in at least ``0.9 - coverage_tolerance`` of the
    truths (intervals wider than nominal are conservative, not a failure).
    """
    out = []
    for prior in priors:
        t = table[table["path"] == prior.path]
        shrink = float(t["shrinkage"].mean())
        cov50, cov90 = float(t["in50"].mean()), float(t["in90"].mean())
        corr = float(np.corrcoef(t["value"], t["median"])[0, 1]) if len(t) > 1 else np.nan
        reasons = []
        if shrink < min_shrinkage:
            reasons.append(f"mean shrinkage {shrink:.2f} < {min_shrinkage:g}")
        if cov90 < 0.9 - coverage_tolerance:
            reasons.append(f"90 % coverage {cov90:.2f} < {0.9 - coverage_tolerance:g}")
        out.append(
            {
                "path": prior.path,
                "prior_low": prior.low,
                "prior_high": prior.high,
                "truths": len(t),
                "coverage50": cov50,
                "coverage90": cov90,
                "mean_shrinkage": shrink,
                "correlation": corr,
                "verdict": NOT_IDENTIFIED if reasons else IDENTIFIED,
                "why": "; ".join(reasons),
            }
        )
    return pd.DataFrame(out)
