"""Calibration targets: the documented episodes as data, and their statistics.

``calibration/episodes.yaml`` lists targets T1–T10 (EPISODES.md): each names a statistic
defined here, computed from one run's event log and weekly series, with the documented
value and a tolerance. Statistics are pure functions of plain data, unit-tested on
hand-made logs; calibration averages them over the seeds of a particle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.core.model import SERIES_COLUMNS
from sim.errors import WgsimError
from sim.scenario import Calendar
from sim.scenario.loader import load_file
from sim.scenario.messages import format_validation
from sim.scenario.yamlfile import YamlProblem, read_yaml

Event = tuple[int, str, str, int, str, str, str]
Row = tuple[float, ...]

WG_AGREED = dt.date(2018, 10, 30)
BIEGUN_NAMED = dt.date(2018, 8, 23)
NEW_MINISTER = dt.date(2020, 7, 27)
DOCUMENTED_END = dt.date(2021, 6, 21)
ENVOY_CHANNEL = "Lee-Biegun"
_LEGITIMACY = SERIES_COLUMNS.index("legitimacy")


def _first(events: Sequence[Event], kind: str, after: int = 0) -> int:
    for e in events:
        if e[1] == kind and e[0] >= after:
            return e[0]
    return -1


def surprise_before_wg(events: Sequence[Event], series: Sequence[Row], cal: Calendar) -> float:
    """T1: 1 if the US was surprised before the WG's agreement date, else 0."""
    end = cal.week_of(WG_AGREED)
    return float(any(e[1] == "surprise" and e[0] <= end for e in events))


def first_meeting_lag_weeks(events: Sequence[Event], series: Sequence[Row], cal: Calendar) -> float:
    """T2: weeks from the WG's creation to its first meeting (26 if it never met)."""
    created, met = _first(events, "wg_created"), _first(events, "wg_meeting")
    return float(met - created) if created >= 0 and met >= 0 else 26.0


def first_denunciation_weeks(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T3: weeks from the WG's creation to the first denunciation (capped at 26)."""
    created = _first(events, "wg_created")
    if created < 0:
        return 26.0
    den = _first(events, "denunciation", after=created)
    return float(min(26, den - created)) if den >= 0 else 26.0


def early_infrastructure_exemption(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T4: 1 if a WG-routed INFRA item is exempted and implemented soon after launch.

    Soon means within 10 weeks of the WG's agreement (the December 2018 railway
    groundbreaking); else 0.
    """
    start = cal.week_of(WG_AGREED)
    exempted = {
        e[3]
        for e in events
        if e[1] == "un_approved" and e[4] == "INFRA" and e[5] == "wg" and e[0] >= start
    }
    return float(
        any(e[1] == "implemented" and e[3] in exempted and e[0] <= start + 10 for e in events)
    )


def humanitarian_exchange_items_first_year(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T5: HUM and EXCH items routed through the WG within 52 weeks of its creation."""
    created = _first(events, "wg_created")
    if created < 0:
        return 0.0
    ids = {
        e[3]
        for e in events
        if e[1] == "routed"
        and e[5] == "wg"
        and e[4] in ("HUM", "EXCH")
        and created <= e[0] < created + 52
    }
    return float(len(ids))


def envoy_contacts_before_wg(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T6: Lee–Biegun contacts from Biegun's appointment to the WG's agreement."""
    lo, hi = cal.week_of(BIEGUN_NAMED), cal.week_of(WG_AGREED)
    return float(
        sum(1 for e in events if e[1] == "contact" and e[2] == ENVOY_CHANNEL and lo <= e[0] <= hi)
    )


def mou_challenge_after_new_minister(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T7: 1 if the MOU challenges within 8 weeks after the new minister took office."""
    start = cal.week_of(NEW_MINISTER)
    return float(any(e[1] == "mou_challenge" and start <= e[0] <= start + 8 for e in events))


def termination_months_from_june_2021(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T8: calendar months between the WG's termination and June 2021 (12 if it survives).

    EPISODES.md documents the end as "2021-06 (±1 month)": the allies agreed on 2021-06-21
    to consider ending the WG. The statistic counts whole calendar months between the month
    of the termination week (the Monday that starts it, as in the event log's ``date``) and
    2021-06, so May, June and July 2021 are within the tolerance of one month.
    """
    week = _first(events, "wg_terminated")
    if week < 0:
        return 12.0
    day = cal.date_of(week)
    months = (day.year - DOCUMENTED_END.year) * 12 + day.month - DOCUMENTED_END.month
    return float(min(12, abs(months)))


def legitimacy_declines_in_2020(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T9: 1 if WG legitimacy at the end of 2020 is below its level in early 2020, else 0.

    A WG that ended during 2020 counts as a decline.
    """
    if not series:
        raise ValueError("legitimacy_declines_in_2020 needs the weekly series")
    w0, w1 = cal.week_of(dt.date(2020, 1, 6)), cal.week_of(dt.date(2020, 12, 28))
    l0, l1 = series[w0 - 1][_LEGITIMACY], series[w1 - 1][_LEGITIMACY]
    if l0 != l0:  # no WG at the start of 2020
        return 0.0
    return 1.0 if l1 != l1 or l1 < l0 else 0.0


def regular_cadence_scenario_exists(root: Path) -> float:
    """T10 (structural check): a shipped scenario file has a regular-cadence variant."""
    for path in sorted((root / "scenarios").glob("*.yaml")):
        for s in load_file(path).variants.values():
            if s.working_group.cadence == "regular" and s.working_group.establishment != "never":
                return 1.0
    return 0.0


Statistic = Callable[[Sequence[Event], Sequence[Row], Calendar], float]

STATISTICS: dict[str, Statistic] = {
    f.__name__: f
    for f in (
        surprise_before_wg,
        first_meeting_lag_weeks,
        first_denunciation_weeks,
        early_infrastructure_exemption,
        humanitarian_exchange_items_first_year,
        envoy_contacts_before_wg,
        mou_challenge_after_new_minister,
        termination_months_from_june_2021,
        legitimacy_declines_in_2020,
    )
}
CHECKS = {"regular_cadence_scenario_exists": regular_cadence_scenario_exists}


# --- the episodes file ---------------------------------------------------------------------


class Target(BaseModel):
    """One calibration target."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    description: str
    source: str
    statistic: str
    value: float
    tolerance: float = Field(ge=0.0)
    note: str = ""
    check_only: bool = False

    @model_validator(mode="after")
    def _known(self) -> Target:
        names = STATISTICS if not self.check_only else CHECKS
        if self.statistic not in names:
            raise ValueError(
                f"unknown statistic '{self.statistic}'; known: {', '.join(sorted(names))}"
            )
        if not self.check_only and self.tolerance <= 0:
            raise ValueError(f"target {self.id}: a fitted target needs tolerance > 0")
        return self


class ExogenousEvent(BaseModel):
    """A dated input event with its source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    event: str
    source: str
    modelled: str


class Episodes(BaseModel):
    """The whole episodes file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    targets: list[Target]
    exogenous: list[ExogenousEvent]

    @property
    def fitted(self) -> list[Target]:
        """The targets calibration fits (structural checks excluded)."""
        return [t for t in self.targets if not t.check_only]


class EpisodesError(WgsimError):
    """The episodes file is missing or invalid."""


def load_episodes(path: str | Path) -> Episodes:
    """Load and validate ``calibration/episodes.yaml``.

    Raises:
        EpisodesError: naming the file, the field and the value.
    """
    path = Path(path)
    if not path.is_file():
        raise EpisodesError(f"invalid episodes file {path}: file not found")
    try:
        data: Any = read_yaml(path)
        return Episodes.model_validate(data)
    except YamlProblem as exc:
        raise EpisodesError(f"invalid episodes file {path}: {exc}") from None
    except ValidationError as exc:
        lines = "\n".join(f"  - {p}" for p in format_validation(exc))
        raise EpisodesError(f"invalid episodes file {path}:\n{lines}") from None


def statistics_of(
    episodes: Episodes, events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> dict[str, float]:
    """Every fitted target's statistic for one run, keyed by target id."""
    return {t.id: STATISTICS[t.statistic](events, series, cal) for t in episodes.fitted}
