"""The bargaining actors' positions, saliences and clout.

:class:`RokActorParams` (Blue House, MOFA, MOU), :class:`UsActor` (State),
:class:`DprkActor`, and :class:`Actors`, the section that holds them with their priors.
"""

from __future__ import annotations

from pydantic import Field

from sim.scenario.base import Section, Unit, Vec3


class RokActorParams(Section):
    """A South Korean actor in the KTAB-lite bargaining (Blue House, MOFA or MOU)."""

    position: Vec3 = Field(
        description="Position on (S, E, Q), each in [0, 1].",
        json_schema_extra={"unit": "position units", "prior": "expert coding, mechanisms.md §2.1"},
    )
    salience: Vec3 = Field(
        description="Salience of (S, E, Q), each in [0, 1].",
        json_schema_extra={"unit": "salience units", "prior": "expert coding, mechanisms.md §2.1"},
    )
    clout: float = Field(
        ge=0.0,
        le=5.0,
        description="Clout in ROK bargaining (relative units).",
        json_schema_extra={"unit": "relative clout", "prior": "expert coding, mechanisms.md §2.1"},
    )
    alliance_weight: Unit = Field(
        description="Weight on alliance costs (Snyder's fear of abandonment), 0..1.",
        json_schema_extra={"unit": "weight 0-1", "prior": "mechanisms.md §2.1-2.2 (expert coding)"},
    )
    patience_weeks: float = Field(
        ge=1.0,
        le=104.0,
        description="Patience P in weeks; discount per week is 1 - 1/P.",
        json_schema_extra={"unit": "weeks", "prior": "judgement (expert coding of patience)"},
    )


class UsActor(Section):
    """The US State Department's bargaining attributes."""

    position: Vec3 = Field(
        default=(0.9, 0.2, 0.1), description="Position on (S, E, Q), each in [0, 1]."
    )
    salience: Vec3 = Field(
        default=(0.9, 0.5, 0.9), description="Salience of (S, E, Q), each in [0, 1]."
    )
    clout: float = Field(
        default=1.0,
        ge=0.0,
        le=5.0,
        description="Clout against the ROK in the drift weight pi_ROK.",
        json_schema_extra={"unit": "relative clout", "prior": "expert coding, mechanisms.md §2.1"},
    )


class DprkActor(Section):
    """North Korea's stated positions (used for the sequencing gap)."""

    position: Vec3 = Field(
        default=(0.0, 0.8, 0.9), description="Position on (S, E, Q), each in [0, 1]."
    )


class Actors(Section):
    """Initial positions, saliences and clout (expert-coded ordinal priors, mechanisms.md §2.1)."""

    state: UsActor = Field(default_factory=UsActor)
    mofa: RokActorParams = Field(
        default=RokActorParams(
            position=(0.6, 0.5, 0.4),
            salience=(0.6, 0.5, 0.5),
            clout=0.30,
            alliance_weight=1.0,
            patience_weeks=12.0,
        )
    )
    mou: RokActorParams = Field(
        default=RokActorParams(
            position=(0.3, 0.9, 0.7),
            salience=(0.3, 0.9, 0.4),
            clout=0.20,
            alliance_weight=0.2,
            patience_weeks=6.0,
        )
    )
    blue_house: RokActorParams = Field(
        default=RokActorParams(
            position=(0.45, 0.8, 0.7),
            salience=(0.5, 0.9, 0.8),
            clout=0.50,
            alliance_weight=0.5,
            patience_weeks=8.0,
        )
    )
    dprk: DprkActor = Field(default_factory=DprkActor)
