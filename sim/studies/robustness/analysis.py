"""Analysis of a robustness study: ranges, shares of variance, signs and thresholds.

Pure functions of tables and arrays, unit-tested on hand-made cases.

Chance. Each Sobol' point runs ``R`` paired replications with its own seeds, so a point's
mean effect is its expected effect plus chance with variance ``s²/R`` (``s²`` the spread
between its replications). The spread of the point means is the spread due to the inputs
plus that chance. :func:`spread` separates the two by moments: the chance share is the
mean ``s²/R`` over the variance of the point means, and the range over the inputs is
read from the point means pulled toward their mean by ``sqrt(1 - chance share)`` (exact
for normal effects and noise; an approximation otherwise), so it is a range over the
inputs and not over dice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.stats import bootstrap_ci
from sim.studies.experiments.report import fill_missing, sobol_indices
from sim.studies.robustness.spec import Outcome

KEYS = ["point", "replication"]


def outcome_values(runs: pd.DataFrame, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Each run's outcomes: the sum of an outcome's metrics (NaN if any is missing)."""
    out = runs[[c for c in ("point", "variant", "replication") if c in runs]].copy()
    for o in outcomes:
        out[o.name] = runs[o.metrics].astype(float).sum(axis=1, min_count=len(o.metrics))
    return out


def paired(
    values: pd.DataFrame, treatment: str, control: str, names: Sequence[str]
) -> pd.DataFrame:
    """Per (point, replication): treatment-minus-control of each outcome, paired by seed."""
    keys = [k for k in KEYS if k in values]
    t = values[values["variant"] == treatment].set_index(keys)[list(names)]
    c = values[values["variant"] == control].set_index(keys)[list(names)]
    t, c = t.align(c, join="inner")
    return (t - c).reset_index()


def point_stats(pairs: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Per point and outcome: mean paired effect, chance variance of that mean, and n.

    Columns ``<name>``, ``<name> noise`` (the replications' variance over their number)
    and ``<name> n``; one row per point in point order.
    """
    g = pairs.groupby("point", sort=True)
    out = pd.DataFrame(index=g.size().index)
    for name in names:
        n = g[name].count()
        out[name] = g[name].mean()
        out[f"{name} noise"] = g[name].var(ddof=1) / n
        out[f"{name} n"] = n
    return out.reset_index()


def spread(means: np.ndarray, noise: np.ndarray) -> dict[str, Any]:
    """The range of an outcome over the inputs, with chance taken out (module docstring).

    Args:
        means: Each point's mean effect (NaN where undefined).
        noise: Each point's chance variance of that mean.

    Returns:
        ``chance`` (share of the point means' variance due to chance, 0-1), ``adjusted``
        (the point means pulled toward their mean, NaN kept) and ``p05``, ``p50``,
        ``p95``, ``mean`` of the adjusted values.
    """
    m = np.asarray(means, dtype=float)
    ok = np.isfinite(m)
    if ok.sum() < 2:
        nan = float("nan")
        return {"chance": nan, "adjusted": m, "p05": nan, "p50": nan, "p95": nan, "mean": nan}
    total = float(np.var(m[ok], ddof=1))
    nz = np.asarray(noise, dtype=float)[ok]
    chance_var = float(np.nanmean(nz)) if np.isfinite(nz).any() else 0.0
    chance = min(1.0, chance_var / total) if total > 0 else 0.0
    centre = float(m[ok].mean())
    adjusted = centre + np.sqrt(1.0 - chance) * (m - centre)
    p05, p50, p95 = np.quantile(adjusted[ok], [0.05, 0.5, 0.95])
    return {
        "chance": chance,
        "adjusted": adjusted,
        "p05": float(p05),
        "p50": float(p50),
        "p95": float(p95),
        "mean": centre,
    }


def holds(values: np.ndarray, direction: str) -> float:
    """Share of the finite values with the claimed sign (up: > 0; down: < 0)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return float("nan")
    return float(np.mean(v > 0) if direction == "up" else np.mean(v < 0))


def indices(problem: dict[str, Any], y: np.ndarray, chance: float, seed: int) -> pd.DataFrame:
    """Sobol' first-order and total indices of the point means, with a ``chance`` row.

    Indices are shares of the variance of the point means, which includes chance. Chance
    independent between points leaves SALib's first-order estimator unbiased but adds the
    chance share to every total index (its estimator averages squared differences of two
    points' means), so that share is subtracted from ST; with much chance an input's
    corrected ST can come out slightly below zero. The chance row gives the chance share
    (:func:`spread`) as its S1 and ST, with no interval; a constant outcome has zero
    indices.
    """
    y, _ = fill_missing(y)
    if float(np.var(y)) == 0.0:
        table = pd.DataFrame(
            {"parameter": problem["names"], "S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0}
        )
    else:
        table = sobol_indices(problem, y, seed)
        table["ST"] = table["ST"] - (chance if np.isfinite(chance) else 0.0)
    row = {"parameter": "chance", "S1": chance, "S1_conf": 0.0, "ST": chance, "ST_conf": 0.0}
    table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    return table.sort_values("ST", ascending=False, ignore_index=True)


def top_inputs(table: pd.DataFrame, k: int, sweepable: Sequence[str]) -> list[str]:
    """The ``k`` inputs with the largest total index (chance left out)."""
    rows = table[table["parameter"] != "chance"].sort_values("ST", ascending=False)
    return [p for p in rows["parameter"] if p in sweepable or p == "posterior"][:k]


def crossing(levels: np.ndarray, means: np.ndarray) -> float | None:
    """Where a mean effect first changes sign along a sweep (linear interpolation).

    Returns None when it keeps one sign (zero counts as a change) over the whole sweep.
    """
    x = np.asarray(levels, dtype=float)
    y = np.asarray(means, dtype=float)
    for i in range(len(y) - 1):
        a, b = y[i], y[i + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0.0:
            return float(x[i])
        if a * b < 0 or b == 0.0:
            return float(x[i] + (x[i + 1] - x[i]) * a / (a - b))
    return None


def central(
    values: pd.DataFrame, treatment: str, control: str, name: str, seed: int
) -> dict[str, float]:
    """Means of an outcome with and without the group, and their paired difference.

    The difference carries a 95 % bootstrap interval of the mean (chance only).
    """
    rng = np.random.default_rng(seed)
    t = values.loc[values["variant"] == treatment, name]
    c = values.loc[values["variant"] == control, name]
    d = paired(values, treatment, control, [name])[name].to_numpy()
    diff, lo, hi = bootstrap_ci(d, rng)
    return {
        "treatment": float(np.nanmean(t)),
        "control": float(np.nanmean(c)),
        "diff": diff,
        "diff_lo": lo,
        "diff_hi": hi,
    }
