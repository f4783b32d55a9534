"""The simulated period: :class:`Calendar`, whose steps are weeks."""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator

from sim.scenario.base import Section, param

EARLIEST = dt.date(1945, 1, 1)
"""The earliest date a calendar may hold: the model's actors (two Korean states, a US–ROK
alliance) exist from 1945 on, and every output date stays well inside what pandas
timestamps (years 1677..2262) and matplotlib's date axes (years 1..9999, with margins)
can represent."""

LATEST = dt.date(2100, 12, 31)
"""The latest date a calendar may hold (see :data:`EARLIEST`)."""


class Calendar(Section):
    """The simulated period. One step is one week starting on ``start``."""

    start: dt.date = param(
        dt.date(2018, 6, 11),
        None,
        None,
        "date",
        "First simulated week (a Monday); between 1945-01-01 and 2100-12-31.",
        "the week before the Singapore summit (episodes.md, Inputs)",
    )
    end: dt.date = param(
        dt.date(2021, 12, 27),
        None,
        None,
        "date",
        "Start of the last simulated week; between 1945-01-01 and 2100-12-31.",
        "past the documented end (2021-06) so the WG can outlive it (mechanisms.md §2.1)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Calendar:
        for name, day in (("start", self.start), ("end", self.end)):
            if not EARLIEST <= day <= LATEST:
                raise ValueError(
                    f"{name} ({day.isoformat()}) must lie between {EARLIEST.isoformat()} "
                    f"and {LATEST.isoformat()}"
                )
        if (self.end - self.start).days < 28:
            raise ValueError(
                f"end ({self.end}) must be at least 4 weeks after start ({self.start})"
            )
        return self

    @property
    def n_weeks(self) -> int:
        """Number of simulated weeks (steps)."""
        return (self.end - self.start).days // 7 + 1

    def week_of(self, day: dt.date) -> int:
        """The step (1-based) whose week contains ``day``."""
        return (day - self.start).days // 7 + 1

    def date_of(self, week: int) -> dt.date:
        """The Monday that starts step ``week`` (1-based)."""
        return self.start + dt.timedelta(days=7 * (week - 1))
