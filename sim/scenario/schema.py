"""The whole scenario schema: the top-level :class:`Scenario` and its cross-field checks.

A scenario is a frozen pydantic model. Each section groups the parameters of one part of
the model (see docs/model.md and docs/mechanisms.md); every field carries its unit, its
bounds and a description, and ``prior`` says where its default comes from. CLI options,
the page's sliders and the parameter documentation are generated from these fields
(through :mod:`sim.scenario.fields`).

The sections live in modules by model part: :mod:`~sim.scenario.base` (``Section``,
``param``, the vocabularies), :mod:`~sim.scenario.calendar`, :mod:`~sim.scenario.actors`,
:mod:`~sim.scenario.proposals`, :mod:`~sim.scenario.allies` (ROK, US),
:mod:`~sim.scenario.institutions` (information, channels, working group, UN, legitimacy),
:mod:`~sim.scenario.dprk` and :mod:`~sim.scenario.shocks`. Import any of them from the
package: ``from sim.scenario import Rok``.

Defaults are the documented priors for the US–ROK working group case (2018–2021). The
scenario files in ``scenarios/`` add the calendar, the channels, the working group's
establishment and the dated shocks.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from sim.scenario.actors import Actors
from sim.scenario.allies import Rok, Us
from sim.scenario.base import Section
from sim.scenario.calendar import Calendar
from sim.scenario.dprk import DprkParams
from sim.scenario.institutions import (
    Channel,
    Information,
    Legitimacy,
    Un,
    WorkingGroupParams,
)
from sim.scenario.proposals import Proposals
from sim.scenario.shocks import (
    Shock,
)

MAX_NAME = 200
"""Longest name (of a scenario, variant, channel or shock), in characters."""

MAX_CHANNELS = 50
"""Most channels in a scenario (the shipped ones have three)."""

MAX_SHOCKS = 1000
"""Most shocks in a scenario (the historical one has about twenty)."""


class Scenario(Section):
    """A complete, validated scenario: one point in parameter space plus its shocks."""

    name: str = Field(
        default="scenario", min_length=1, max_length=MAX_NAME, description="Scenario name."
    )
    description: str = Field(default="", description="What the scenario represents.")
    calendar: Calendar = Field(default_factory=Calendar)
    actors: Actors = Field(default_factory=Actors)
    proposals: Proposals = Field(default_factory=Proposals)
    rok: Rok = Field(default_factory=Rok)
    us: Us = Field(default_factory=Us)
    information: Information = Field(default_factory=Information)
    channels: list[Channel] = Field(default_factory=list, max_length=MAX_CHANNELS)
    working_group: WorkingGroupParams = Field(default_factory=WorkingGroupParams)
    un: Un = Field(default_factory=Un)
    dprk: DprkParams = Field(default_factory=DprkParams)
    legitimacy: Legitimacy = Field(default_factory=Legitimacy)
    shocks: list[Shock] = Field(default_factory=list, max_length=MAX_SHOCKS)

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        named = [("channels", c.name) for c in self.channels]
        named += [("shocks", s.name) for s in self.shocks]
        named += [
            ("shocks", label)
            for s in self.shocks
            for e in s.effects
            if isinstance(label := getattr(e, "label", None), str)
        ]
        for where, name in named:
            if len(name) > MAX_NAME:
                raise ValueError(
                    f"{where}: a name of {len(name):,} characters ('{name[:40]}...'); "
                    f"names have at most {MAX_NAME}"
                )
        cal = self.calendar
        for i, shock in enumerate(self.shocks):
            if not cal.start <= shock.date <= cal.end + dt.timedelta(days=6):
                raise ValueError(
                    f"shocks[{i}] '{shock.name}' on {shock.date} lies outside the calendar "
                    f"{cal.start}..{cal.end}"
                )
        wg = self.working_group
        if wg.agreed_on is not None and not cal.start <= wg.agreed_on <= cal.end:
            raise ValueError(
                f"working_group.agreed_on ({wg.agreed_on}) lies outside the calendar "
                f"{cal.start}..{cal.end}"
            )
        names = [c.name for c in self.channels]
        if len(set(names)) != len(names):
            raise ValueError(f"channel names must be unique, got {names}")
        return self
