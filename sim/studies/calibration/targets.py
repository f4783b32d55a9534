"""Calibration targets: the documented episodes as data, and their statistics.

``calibration/episodes.yaml`` lists targets T1–T12 (docs/episodes.md): each names a statistic
defined here, computed from one run's event log and weekly series, with the documented
value and a tolerance. Statistics are pure functions of plain data, unit-tested on
hand-made logs; calibration averages them over the seeds of a particle.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.core.model import SERIES_COLUMNS
from sim.errors import WgsimError
from sim.scenario import Calendar
from sim.scenario.loader import load_file
from sim.scenario.messages import format_validation
from sim.scenario.yamlfile import YamlProblem, read_yaml
from sim.studies.calibration.observables import OBSERVABLES

Event = tuple[int, str, str, int, str, str, str]
Row = tuple[float, ...]

WG_AGREED = dt.date(2018, 10, 30)
BIEGUN_NAMED = dt.date(2018, 8, 23)
NEW_MINISTER = dt.date(2020, 7, 27)
DOCUMENTED_END = dt.date(2021, 6, 21)
T11_FROM = dt.date(2018, 11, 1)  # the MOU's count of exemptions (Financial News, 2020-09-25)
T11_TO = dt.date(2020, 9, 25)
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


def first_public_challenge_weeks(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T7: weeks from the new minister (2020-07-27) to the MOU's first public call.

    The first ``mou_challenge`` of the run (a public call to readjust the WG), wherever it
    falls: negative when it came before the minister took office, which the record does
    not support [S003]; 26 when there is none; clipped to [-26, 26].
    """
    first = _first(events, "mou_challenge")
    if first < 0:
        return 26.0
    return float(max(-26, min(26, first - cal.week_of(NEW_MINISTER))))


def termination_months_from_june_2021(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T8: calendar months between the WG's termination and June 2021 (12 if it survives).

    docs/episodes.md (T8) dates the end 2021-06 (± a month): the allies agreed on 2021-06-21
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


def legitimacy_loss_share_after_2020(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T9: the share of the WG's legitimacy loss that came after 2020-01 (a path test).

    With L_0 the WG's legitimacy in its first week, L_a the level in the last week of
    2019 and L_b the last level up to the documented end (2021-06-21; the level before
    termination if it ended earlier), the share is (L_a - L_b) / (L_0 - L_b), clipped to
    [0, 1]: 1 when all of the loss came in 2020-21, 0 when it all came before or when
    legitimacy did not fall. A WG gone before 2020 scores 0.
    """
    if not series:
        raise ValueError("legitimacy_loss_share_after_2020 needs the weekly series")
    wa, wb = cal.week_of(dt.date(2019, 12, 30)), cal.week_of(DOCUMENTED_END)
    levels = [(i, row[_LEGITIMACY]) for i, row in enumerate(series[:wb])]
    alive = [(i, x) for i, x in levels if x == x]
    if not alive or alive[-1][0] < wa - 1:
        return 0.0
    l0, lb = alive[0][1], alive[-1][1]
    la = series[wa - 1][_LEGITIMACY]
    if l0 <= lb:
        return 0.0
    return max(0.0, min(1.0, (la - lb) / (l0 - lb)))


def _window(cal: Calendar) -> tuple[int, int]:
    return cal.week_of(T11_FROM), cal.week_of(T11_TO)


def un_exemptions_nov2018_sep2020(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T11a: ROK items the 1718 Committee exempted from 2018-11 to 2020-09."""
    lo, hi = _window(cal)
    return float(sum(1 for e in events if e[1] == "un_approved" and lo <= e[0] <= hi))


def exempted_share_not_implemented(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T11b: of those items, the share not implemented by 2020-09-25 (0 when none)."""
    lo, hi = _window(cal)
    exempted = {e[3] for e in events if e[1] == "un_approved" and lo <= e[0] <= hi}
    if not exempted:
        return 0.0
    done = {e[3] for e in events if e[1] == "implemented" and e[0] <= hi and e[3] in exempted}
    return 1.0 - len(done) / len(exempted)


def wg_approval_to_exemption_weeks(
    events: Sequence[Event], series: Sequence[Row], cal: Calendar
) -> float:
    """T12: median weeks from US approval in the WG to the UN exemption (12 when none).

    Sanctioned items whose (latest) US approval came through the WG and that the 1718
    Committee then exempted; weeks from that approval to the exemption.
    """
    approved: dict[int, int] = {}
    lags: list[int] = []
    for e in events:
        if e[1] == "approved" and e[5] == "wg":
            approved[e[3]] = e[0]
        elif e[1] == "un_approved" and e[3] in approved:
            lags.append(e[0] - approved[e[3]])
    if not lags:
        return 12.0
    return float(min(12.0, statistics.median(lags)))


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
        first_public_challenge_weeks,
        termination_months_from_june_2021,
        legitimacy_loss_share_after_2020,
        un_exemptions_nov2018_sep2020,
        exempted_share_not_implemented,
        wg_approval_to_exemption_weeks,
    )
}
CHECKS = {"regular_cadence_scenario_exists": regular_cadence_scenario_exists}


# --- the episodes file ---------------------------------------------------------------------


Role = Literal["input", "observable", "duplicate", "check"]
"""A target's role (issue 29 part 3): ``input`` (set by a parameter or a scheduled shock,
read back: it cannot fail), ``observable`` (emergent from the rules: fitted),
``duplicate`` (the same documented fact as other targets) or ``check`` (structural)."""


class Target(BaseModel):
    """One calibration target; only ``observable`` targets enter a fit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    description: str
    source: str
    statistic: str
    value: float
    tolerance: float = Field(ge=0.0)
    role: Role
    reason: str = Field(min_length=1, description="Why the role: the parameter, shock or rule.")
    documented: dt.date | None = Field(
        default=None,
        description="The date by which the record documents it (the period split reads it; "
        "the item and count statistics read the run up to it).",
    )
    until: dt.date | None = Field(
        default=None, description="The last date the statistic reads (default: documented)."
    )
    item: str = ""
    kind: str = ""
    since: dt.date | None = None
    record: list[str] = Field(default_factory=list, description="record.csv row ids.")
    note: str = ""
    check_only: bool = False

    @model_validator(mode="after")
    def _known(self) -> Target:
        names = CHECKS if self.check_only else {**STATISTICS, **OBSERVABLES}
        if self.statistic not in names:
            raise ValueError(
                f"unknown statistic '{self.statistic}'; known: {', '.join(sorted(names))}"
            )
        if self.check_only != (self.role == "check"):
            raise ValueError(f"target {self.id}: role 'check' goes with check_only: true")
        if self.role == "observable" and self.documented is None:
            raise ValueError(f"target {self.id}: an observable needs its `documented` date")
        if self.statistic in OBSERVABLES:
            if not self.kind or not self.record:
                raise ValueError(f"target {self.id}: {self.statistic} needs `kind` and `record`")
            if self.statistic.startswith("item_") and not self.item:
                raise ValueError(f"target {self.id}: {self.statistic} needs `item`")
        if self.role == "observable" and self.tolerance <= 0:
            raise ValueError(f"target {self.id}: a fitted target needs tolerance > 0")
        return self

    @property
    def last_date(self) -> dt.date | None:
        """The last date of the record or the run the target depends on."""
        dates = [d for d in (self.documented, self.until) if d is not None]
        return max(dates) if dates else None


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
        """The targets calibration fits: the observables (inputs, duplicates, checks left out)."""
        return [t for t in self.targets if t.role == "observable"]

    def by_period(self, start: dt.date, end: dt.date) -> tuple[Episodes, Episodes]:
        """(the observables documented from ``start`` to ``end``, those documented after).

        The first is what a fit of that period may see; the second, its out-of-sample set.
        Inputs, duplicates and checks stay in the first (they do not enter a fit).
        """

        def keep(t: Target) -> bool:
            last = t.last_date
            return t.role != "observable" or (
                t.documented is not None
                and last is not None
                and start <= t.documented
                and last <= end
            )

        later = [t for t in self.fitted if not keep(t)]
        fit = Episodes(targets=[t for t in self.targets if keep(t)], exogenous=self.exogenous)
        return fit, Episodes(targets=later, exogenous=self.exogenous)


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
    episodes: Episodes,
    events: Sequence[Event],
    series: Sequence[Row],
    cal: Calendar,
    items: dict[str, int] | None = None,
) -> dict[str, float]:
    """Every fitted target's statistic for one run, keyed by target id.

    ``items`` maps the run's named items (record.csv ids) to their proposal ids
    (:func:`sim.studies.calibration.observables.item_ids`).
    """
    out = {}
    for t in episodes.fitted:
        if t.statistic in OBSERVABLES:
            out[t.id] = OBSERVABLES[t.statistic](events, cal, items or {}, t)
        else:
            out[t.id] = STATISTICS[t.statistic](events, series, cal)
    return out
