"""The simulated period: :class:`Calendar`, whose steps are weeks."""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator

from sim.scenario.base import Section, param


class Calendar(Section):
    """The simulated period. One step is one week starting on ``start``."""

    start: dt.date = param(
        dt.date(2018, 6, 11),
        None,
        None,
        "date",
        "First simulated week (a Monday).",
        "the week before the Singapore summit (EPISODES.md)",
    )
    end: dt.date = param(
        dt.date(2021, 12, 27),
        None,
        None,
        "date",
        "Start of the last simulated week.",
        "past the documented end (2021-06) so the WG can outlive it (MECHANISMS §2.1)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Calendar:
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
