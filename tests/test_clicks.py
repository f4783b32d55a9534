"""A click first (issue 31): background redraws wait while a click is recent, not longer."""

from __future__ import annotations

import asyncio

from sim.page.clicks import MOST_WAIT_SECONDS, POLL_SECONDS, QUIET_SECONDS, Clicks


class Time:
    """A clock that only the fake sleep moves; ``clicks`` are marked at given times."""

    def __init__(self, clicks_at: tuple[float, ...] = ()) -> None:
        self.now = 100.0
        self.slept = 0.0
        self.clicks_at = list(clicks_at)
        self.clicks: Clicks | None = None

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds
        while self.clicks_at and self.clicks_at[0] <= self.now:  # someone clicks meanwhile
            self.clicks_at.pop(0)
            assert self.clicks is not None
            self.clicks.mark()


def _waited(t: Time, mark_first: bool) -> float:
    clicks = Clicks(t, t.sleep)
    t.clicks = clicks
    if mark_first:
        clicks.mark()
    asyncio.run(clicks.quiet())
    return t.slept


def test_no_recent_click_no_wait():
    assert _waited(Time(), mark_first=False) == 0.0


def test_a_redraw_waits_out_a_recent_click():
    waited = _waited(Time(), mark_first=True)
    assert QUIET_SECONDS <= waited < QUIET_SECONDS + 2 * POLL_SECONDS


def test_a_busy_class_never_holds_a_redraw_longer_than_the_most():
    steady = tuple(100.0 + k * 0.1 for k in range(1, 200))  # a click every 0.1 s for 20 s
    waited = _waited(Time(steady), mark_first=True)
    assert MOST_WAIT_SECONDS <= waited < MOST_WAIT_SECONDS + 2 * POLL_SECONDS
