"""A click first: while a session answers a click, the others' Play waits to redraw.

Every session of a page server runs in one Python process, so their redraws share one
interpreter lock: a student's *Step one week* is drawn at the speed of one core only when
no other session is drawing. A class where nine students play and one steps (issue 31)
made the step wait two or three times its own length. A click therefore marks the
server (:meth:`Clicks.mark`), and a playing session's next redraw (or a teacher view's
next look) waits while the last click is recent (:meth:`Clicks.quiet`), at most
:data:`MOST_WAIT_SECONDS`: Play catches up on the weeks it waited, so its pace holds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

QUIET_SECONDS = 0.3
"""How long after a click the background redraws wait (s): about one step's redraw."""
MOST_WAIT_SECONDS = 1.0
"""The longest one background redraw waits for clicks (s), so a busy class never stops a
run that plays."""
POLL_SECONDS = 0.02
"""How often a waiting redraw looks again (s)."""


class Clicks:
    """When someone last clicked, for the whole server (a float read and written whole).

    Args:
        clock: Seconds, growing (``time.monotonic``; tests pass their own).
        sleep: An awaitable sleep of so many seconds (``asyncio.sleep``).
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.last = -float("inf")

    def mark(self) -> None:
        """A session is answering a click now."""
        self.last = self.clock()

    def recent(self) -> bool:
        """Whether a click came less than :data:`QUIET_SECONDS` ago."""
        return self.clock() - self.last < QUIET_SECONDS

    async def quiet(self) -> None:
        """Sleep until no click is recent, or :data:`MOST_WAIT_SECONDS` have passed."""
        end = self.clock() + MOST_WAIT_SECONDS
        while self.recent() and self.clock() < end:
            await self.sleep(POLL_SECONDS)


CLICKS = Clicks()
"""The server's clicks (every session of one server process shares it)."""
