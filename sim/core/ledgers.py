"""What is tallied: this week's sums, windows of weekly counts and the run's totals.

The phases of a week add to a :class:`WeekTally` that the institutions phase reads and
clears (docs/model.md, process overview); a :class:`Ledgers` keeps the counts that rules
read over a window of weeks and the totals the outcome metrics need at the end;
a :class:`WindowMean` is an estimate from recent experience (the Blue House's).
"""

from __future__ import annotations

import math
from collections import deque


class WindowMean:
    """Mean of the observations of the last ``window`` weeks, shrunk toward a prior.

    The Blue House judges consultation by recent experience (docs/model.md §7, Routing): the
    estimate is ``(sum + prior*weight) / (n + weight)`` over the window.
    """

    __slots__ = ("_obs", "_sum", "prior", "weight", "window")

    def __init__(self, window: int, prior: float, weight: float) -> None:
        self.window = window
        self.prior = prior
        self.weight = weight
        self._obs: deque[tuple[int, float]] = deque()
        self._sum = 0.0

    def add(self, week: int, value: float) -> None:
        """Record an observation made in ``week``."""
        self._obs.append((week, value))
        self._sum += value

    def estimate(self, week: int) -> float:
        """The shrunk mean of the observations made after ``week - window``."""
        obs = self._obs
        while obs and obs[0][0] <= week - self.window:
            self._sum -= obs.popleft()[1]
        n = len(obs)
        if n + self.weight <= 0.0:
            return self.prior
        return (self._sum + self.prior * self.weight) / (n + self.weight)


class WeekTally:
    """Sums over the current week, read by the legitimacy rule and then cleared.

    Attributes:
        approved_value: Value to the ROK of the items approved through the WG.
        vetoes: Vetoes attributed to the WG.
        denunciations: DPRK denunciations of the WG.
        challenges: MOU challenges and ruling-party criticisms of the WG.
        overdue: WG items pending past the MOU's patience (set by the weekly sweep).
    """

    def __init__(self) -> None:
        self.overdue = 0
        self.clear()

    def clear(self) -> None:
        """Start a new week (``overdue`` is recounted by each week's sweep)."""
        self.approved_value = 0.0
        self.vetoes = 0
        self.denunciations = 0
        self.challenges = 0


class WindowCount:
    """Sum of the integer weekly counts ``counts[max(0, hi - width):hi]``, kept running.

    Read once a week with ``hi`` one more than last time, the sum is updated by the count
    entering the window and the one leaving it; any other call sums the slice afresh.
    Integer sums are exact in any order, so both give the same value, provided a week's
    count no longer changes once it has entered the window (true of the ledgers below).
    """

    __slots__ = ("counts", "hi", "total", "width")

    def __init__(self, counts: list[int], width: int) -> None:
        self.counts = counts
        self.width = width
        self.hi = 0  # the sum of the empty slice counts[0:0]
        self.total = 0

    def upto(self, hi: int) -> int:
        """The sum of ``counts[max(0, hi - width):hi]``."""
        if hi == self.hi + 1:
            total = self.total + self.counts[hi - 1]
            out = hi - 1 - self.width
            if out >= 0:
                total -= self.counts[out]
        else:
            total = sum(self.counts[max(0, hi - self.width) : hi])
        self.total = total
        self.hi = hi
        return total


class Ledgers:
    """Per-week counts read over windows, and the run's totals for the outcome metrics.

    Args:
        n_weeks: Weeks in the run.
        frustration_window: Weeks over which the DPRK weighs pledges against deliveries.

    Attributes:
        created: Items proposed in each week (the ROK's pledges to the DPRK).
        delivered: Items implemented in each week.
        last_denunciation_week: The week of the latest denunciation (-1: none).
        first_denunciation_week: The week of the first one (-1: none).
        loss_denunciation: Legitimacy lost to denunciations, summed over weeks.
        loss_total: Legitimacy lost to every cause, summed over weeks.
        gap_sum: The ROK–US gap on engagement pace, summed over weeks.
        gap0: That gap in week 1.
    """

    def __init__(self, n_weeks: int, frustration_window: int) -> None:
        n = n_weeks + 2
        self.created = [0] * n
        self.delivered = [0] * n
        self.recent_created = WindowCount(self.created, frustration_window)
        self.recent_delivered = WindowCount(self.delivered, frustration_window)
        self.last_denunciation_week = -1
        self.first_denunciation_week = -1
        self.loss_denunciation = 0.0
        self.loss_total = 0.0
        self.gap_sum = 0.0
        self.gap0 = math.nan
