"""Statistics for reports: bootstrap intervals, paired differences, Kaplan–Meier survival.

Pure functions of arrays, unit-tested on hand-computed cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def bootstrap_ci(
    values: np.ndarray, rng: np.random.Generator, n_boot: int = 1000, level: float = 0.95
) -> tuple[float, float, float]:
    """Mean of the finite ``values`` and its percentile bootstrap interval (NaNs if none)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return np.nan, np.nan, np.nan
    if x.size == 1:
        return float(x[0]), float(x[0]), float(x[0])
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    means = x[idx].mean(axis=1)
    alpha = (1.0 - level) / 2.0
    return float(x.mean()), float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def paired_difference(
    treatment: np.ndarray, control: np.ndarray, rng: np.random.Generator, n_boot: int = 1000
) -> tuple[float, float, float, int]:
    """Paired mean difference treatment - control, its bootstrap 95% interval and N pairs.

    Only pairs where both values are finite count; common random numbers make the pairs
    comparable run by run.
    """
    t = np.asarray(treatment, dtype=float)
    c = np.asarray(control, dtype=float)
    d = t - c
    d = d[np.isfinite(d)]
    mean, lo, hi = bootstrap_ci(d, rng, n_boot)
    return mean, lo, hi, int(d.size)


@dataclass(frozen=True)
class Survival:
    """A Kaplan–Meier estimate: step function S(t) at the event times."""

    times: np.ndarray
    survival: np.ndarray
    n: int
    events: int

    def at(self, t: float) -> float:
        """S(t): the share still alive after time t."""
        idx = np.searchsorted(self.times, t, side="right") - 1
        return 1.0 if idx < 0 else float(self.survival[idx])

    def median(self) -> float:
        """Smallest time with S(t) <= 0.5 (NaN if the curve stays above)."""
        below = np.nonzero(self.survival <= 0.5)[0]
        return float(self.times[below[0]]) if below.size else np.nan


def kaplan_meier(durations: np.ndarray, observed: np.ndarray) -> Survival:
    """Kaplan–Meier survival with right-censoring.

    Args:
        durations: Time to the event or to censoring (NaN entries are dropped).
        observed: True where the event happened, False where censored.
    """
    dur = np.asarray(durations, dtype=float)
    obs = np.asarray(observed, dtype=bool)
    keep = np.isfinite(dur)
    dur, obs = dur[keep], obs[keep]
    times = np.unique(dur[obs])
    surv = []
    s = 1.0
    for t in times:
        at_risk = np.sum(dur >= t)
        died = np.sum((dur == t) & obs)
        s *= 1.0 - died / at_risk
        surv.append(s)
    return Survival(times, np.asarray(surv, dtype=float), int(dur.size), int(obs.sum()))
