"""Statistics for reports: bootstrap intervals, paired differences, Kaplan–Meier survival.

Thin wrappers over SciPy: :func:`scipy.stats.bootstrap` (percentile intervals of the mean)
and :func:`scipy.stats.ecdf` on :class:`scipy.stats.CensoredData` (the Kaplan–Meier
estimate with its pointwise confidence band). What the wrappers add is the handling of
what batches produce: non-finite values dropped, too few values answered without an error.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

N_BOOT = 1000
"""Bootstrap resamples per interval."""


def bootstrap_ci(
    values: np.ndarray, rng: np.random.Generator, n_boot: int = N_BOOT, level: float = 0.95
) -> tuple[float, float, float]:
    """Mean of the finite ``values`` and its percentile bootstrap interval (NaNs if none).

    One value gives a zero-width interval at that value (SciPy refuses a sample of one).
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return np.nan, np.nan, np.nan
    if x.size == 1:
        return float(x[0]), float(x[0]), float(x[0])
    res = stats.bootstrap(
        (x,),
        np.mean,
        n_resamples=n_boot,
        confidence_level=level,
        method="percentile",
        vectorized=True,
        rng=rng,
    )
    ci = res.confidence_interval
    return float(x.mean()), float(ci.low), float(ci.high)


def paired_difference(
    treatment: np.ndarray, control: np.ndarray, rng: np.random.Generator, n_boot: int = N_BOOT
) -> tuple[float, float, float, int]:
    """Paired mean difference treatment - control, its bootstrap 95% interval and N pairs.

    Only pairs where both values are finite count; common random numbers make the pairs
    comparable run by run, so the pairs' differences are resampled (one sample, not two).
    """
    t = np.asarray(treatment, dtype=float)
    c = np.asarray(control, dtype=float)
    d = t - c
    d = d[np.isfinite(d)]
    mean, lo, hi = bootstrap_ci(d, rng, n_boot)
    return mean, lo, hi, int(d.size)


_EMPTY = np.empty(0)


@dataclass(frozen=True)
class Survival:
    """A Kaplan–Meier estimate: step function S(t) at the event times, with its band.

    ``low`` and ``high`` are the pointwise 95% confidence limits at the same times (NaN
    where the interval is undefined, e.g. where S(t) = 0).
    """

    times: np.ndarray
    survival: np.ndarray
    n: int
    events: int
    low: np.ndarray = field(default_factory=lambda: _EMPTY)
    high: np.ndarray = field(default_factory=lambda: _EMPTY)

    def at(self, t: float) -> float:
        """S(t): the share still alive after time t."""
        idx = np.searchsorted(self.times, t, side="right") - 1
        return 1.0 if idx < 0 else float(self.survival[idx])

    def median(self) -> float:
        """Smallest time with S(t) <= 0.5 (NaN if the curve stays above)."""
        below = np.nonzero(self.survival <= 0.5)[0]
        return float(self.times[below[0]]) if below.size else np.nan


def kaplan_meier(durations: np.ndarray, observed: np.ndarray, level: float = 0.95) -> Survival:
    """Kaplan–Meier survival with right-censoring (:func:`scipy.stats.ecdf`).

    Args:
        durations: Time to the event or to censoring (NaN entries are dropped).
        observed: True where the event happened, False where censored.
        level: Confidence level of the pointwise band (Greenwood's variance, linear).
    """
    dur = np.asarray(durations, dtype=float)
    obs = np.asarray(observed, dtype=bool)
    keep = np.isfinite(dur)
    dur, obs = dur[keep], obs[keep]
    times = np.unique(dur[obs])
    if times.size == 0:
        return Survival(times, np.empty(0), int(dur.size), 0, np.empty(0), np.empty(0))
    sf = stats.ecdf(stats.CensoredData.right_censored(dur, ~obs)).sf
    with warnings.catch_warnings():  # SciPy warns where the band is undefined (S = 0)
        warnings.simplefilter("ignore", RuntimeWarning)
        band = sf.confidence_interval(level)
    return Survival(
        times,
        sf.evaluate(times),
        int(dur.size),
        int(obs.sum()),
        band.low.evaluate(times),
        band.high.evaluate(times),
    )
