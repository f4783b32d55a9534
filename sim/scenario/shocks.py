"""Dated exogenous events: :class:`Shock` and its effects.

One class per effect kind (:class:`TrackEffect`, :class:`SummitEffect`, ...,
:class:`ProvocationEffect`), :class:`NewProposal` (an item a shock puts on the table) and
:data:`Effect`, the union of the effects discriminated by ``kind``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import Section, Unit


class TrackEffect(Section):
    """The US–DPRK negotiating track opens or closes."""

    kind: Literal["track"]
    open: bool = Field(description="True opens the track, false closes it.")
    close_after_weeks: int | None = Field(
        default=None,
        ge=1,
        le=104,
        description="If set, the opened track closes again after this.",
        json_schema_extra={"unit": "weeks", "prior": "the shock's source"},
    )


class SummitEffect(Section):
    """A summit: proposal surge; a deal if the sequencing gap is within tolerance."""

    kind: Literal["summit"]
    deal_possible: bool = Field(default=True, description="Whether a deal can come out of it.")


class NewProposal(Section):
    """A named proposal a shock puts on the table (e.g. the railway reconnection)."""

    type: Literal["HUM", "EXCH", "INFRA", "ECON", "MIL", "TOUR"]
    label: str = Field(min_length=1, description="Plain-words name used in the event log.")
    origin: Literal["MOU", "BH", "NGO", "DPRK"] | None = Field(
        default=None, description="Who proposes it; defaults to the type's origin."
    )
    sanction_load: Unit | None = Field(default=None, description="Overrides the type's load.")
    alliance_sensitivity: Unit | None = Field(default=None, description="Overrides the type's a.")
    value_rok: Unit | None = Field(default=None, description="Overrides the value to the ROK.")
    value_dprk: Unit | None = Field(default=None, description="Overrides the value to the DPRK.")
    item: str | None = Field(
        default=None,
        min_length=1,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="The stable id of the documented item (an `id` of calibration/record.csv, "
        "docs/record.md), e.g. 'item-rail-survey'.",
    )
    barred: bool | None = Field(
        default=None,
        description="Overrides the type's `barred`: whether the sanctions regime rules it out.",
    )
    cosigned: bool = Field(
        default=False,
        description="Whether the DPRK co-signed it (an agreement made at a summit): it is "
        "agreed already, so the DPRK accepts it and it is public the day it is signed.",
    )


class ProposalsEffect(Section):
    """Named proposals enter the pipeline."""

    kind: Literal["proposals"]
    items: list[NewProposal] = Field(min_length=1)


class WinSetEffect(Section):
    """The US win-set on sanctions is scaled (e.g. shrinks after Hanoi: h_H)."""

    kind: Literal["win_set"]
    scale: float = Field(
        gt=0.0,
        le=2.0,
        description="Factor applied to us.win_set.",
        json_schema_extra={"unit": "factor", "prior": "the shock's source"},
    )


class BorderEffect(Section):
    """The DPRK closes or reopens its border (COVID-19)."""

    kind: Literal["border"]
    closed: bool


class DomesticPressureEffect(Section):
    """ROK domestic pressure changes (e.g. after the 2020 election: Delta D)."""

    kind: Literal["domestic_pressure"]
    delta: float = Field(
        ge=-2.0,
        le=2.0,
        description="Added to the domestic pressure D.",
        json_schema_extra={"unit": "index", "prior": "the shock's source"},
    )


class ActorEffect(Section):
    """An actor's position, salience, clout or patience is set to a new value."""

    kind: Literal["actor"]
    actor: Literal["state", "mofa", "mou", "blue_house"]
    attribute: Literal["position", "salience", "clout", "patience_weeks"]
    dimension: Literal["S", "E", "Q"] | None = Field(
        default=None, description="Required for position and salience."
    )
    value: float = Field(ge=0.0, le=104.0, description="New value (position/salience in [0, 1]).")

    @model_validator(mode="after")
    def _dimension(self) -> ActorEffect:
        vector = self.attribute in ("position", "salience")
        if vector and self.dimension is None:
            raise ValueError(f"attribute '{self.attribute}' needs a dimension (S, E or Q)")
        if not vector and self.dimension is not None:
            raise ValueError(f"attribute '{self.attribute}' takes no dimension")
        if vector and self.value > 1.0:
            raise ValueError(f"{self.attribute} value {self.value} must be in [0, 1]")
        if self.actor == "state" and self.attribute == "patience_weeks":
            raise ValueError("the State Department has no patience_weeks")
        if self.attribute == "clout" and self.value > 5.0:
            raise ValueError(f"clout value {self.value} must be in [0, 5]")
        if self.attribute == "patience_weeks" and self.value < 1.0:
            raise ValueError(f"patience_weeks value {self.value} must be in [1, 104]")
        return self


class LeadershipWindowEffect(Section):
    """A leadership change opens a window in which the WG may be reformed or ended."""

    kind: Literal["leadership_window"]
    us_consent: Unit | None = Field(
        default=None,
        description="If set, the new US consent probability p_US_ok.",
        json_schema_extra={
            "unit": "probability",
            "prior": "seed 002: the Biden administration agreed to end the WG",
        },
    )


class UsConsentEffect(Section):
    """US consent to ending the WG changes without a leadership window.

    For example, a new administration's policy review ends: the Biden administration took
    office on 2021-01-20 and completed its North Korea policy review at the end of April
    2021 (public record); seed 002 reports that it then agreed to end the WG.
    """

    kind: Literal["us_consent"]
    value: Unit = Field(
        description="The new US consent probability p_US_ok.",
        json_schema_extra={"unit": "probability", "prior": "the shock's source"},
    )


class ProvocationEffect(Section):
    """A major DPRK provocation (coercion): progress lost, review window opened."""

    kind: Literal["provocation"]


Effect = Annotated[
    TrackEffect
    | SummitEffect
    | ProposalsEffect
    | WinSetEffect
    | BorderEffect
    | DomesticPressureEffect
    | ActorEffect
    | LeadershipWindowEffect
    | UsConsentEffect
    | ProvocationEffect,
    Field(discriminator="kind"),
]


class Shock(Section):
    """A dated exogenous event with its effects."""

    date: dt.date
    name: str = Field(min_length=1, description="Plain-words name used in the event log.")
    source: str = Field(default="", description="Where it is documented (seed or public record).")
    effects: list[Effect] = Field(default_factory=list)

    @property
    def only_seoul_items(self) -> bool:
        """Whether the shock only puts Seoul's documented proposals on the table.

        Such a shock is a dated ROK proposal of the record (each item has an ``item`` id,
        docs/record.md, and is not a DPRK offer), not a world event: the page tells it in
        the log but does not number it among the events on its charts.
        """
        return bool(self.effects) and all(
            isinstance(e, ProposalsEffect) and all(i.item and i.origin != "DPRK" for i in e.items)
            for e in self.effects
        )
