"""How proposals arise and what they carry.

:class:`ProposalType` (one type's rate, sanctions load, sensitivity, values and origin),
:class:`ProposalTypes` (one entry per type in PROPOSAL_TYPES) and :class:`Proposals`
(value spread, sanctions thresholds, summit surge, stalling and modification).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.base import Section, Unit, param


class ProposalType(Section):
    """How proposals of one type arise and what they carry."""

    rate_per_week: float = Field(
        ge=0.0,
        le=5.0,
        description="Poisson arrival rate lambda (1/week).",
        json_schema_extra={
            "unit": "1/week",
            "prior": "set per type or channel in scenario files; T5/T6 pin them",
        },
    )
    sanction_load: Unit = Field(
        description="Sanctions load sigma; >= the UN threshold needs an exemption.",
        json_schema_extra={"unit": "sanctions load", "prior": "mechanisms.md §2.2"},
    )
    alliance_sensitivity: Unit = Field(
        description="Alliance sensitivity a: surprise weight.",
        json_schema_extra={"unit": "weight 0-1", "prior": "mechanisms.md §2.1-2.2 (expert coding)"},
    )
    value_rok: Unit = Field(
        description="Mean value v to the Blue House.",
        json_schema_extra={"unit": "value units", "prior": "judgement"},
    )
    value_dprk: Unit = Field(
        description="Mean value w to the DPRK.",
        json_schema_extra={"unit": "value units", "prior": "judgement"},
    )
    origin: Literal["MOU", "BH", "NGO"] = Field(description="Who generates items of this type.")
    barred: bool = Field(
        default=False,
        description="Whether the UN sanctions regime rules items of this type out: joint "
        "ventures and bulk cash (UNSCR 2375, 2094) get no 1718 exemption, so the Blue House "
        "holds them until sanctions are lifted (docs/record.md: item-kaesong-reopening).",
    )
    talks_closed_multiplier: float = param(
        1.0,
        0.0,
        2.0,
        "factor",
        "Arrival rate factor while the US-DPRK track is closed.",
        "docs/record.md, item rows: documented ROK items per month, track closed vs "
        "open (docs/model.md §7, Generation)",
    )
    border_closed_multiplier: float = param(
        1.0,
        0.0,
        2.0,
        "factor",
        "Arrival rate factor while the DPRK's border is closed.",
        "docs/record.md, item and exemption_count rows from 2020-01-28 "
        "(docs/model.md §7, Generation)",
    )


def _ptype(
    rate: float,
    sigma: float,
    a: float,
    v: float,
    w: float,
    origin: str,
    *,
    barred: bool = False,
    talks: float = 1.0,
    border: float = 1.0,
) -> ProposalType:
    return ProposalType(
        rate_per_week=rate,
        sanction_load=sigma,
        alliance_sensitivity=a,
        value_rok=v,
        value_dprk=w,
        origin=origin,
        barred=barred,
        talks_closed_multiplier=talks,
        border_closed_multiplier=border,
    )


# Generation answers the DPRK's state (docs/model.md §7, Generation; docs/record.md). The
# record's documented ROK items other than humanitarian aid number 7 in the 11.8 months the
# US-DPRK track was open (2018-06-12..2019-02-28, 2019-06-30..2019-10-05) and 1 in the 7.7
# months it was closed with the border open (2019-03..06, 2019-10..2020-01-27): 0.13 vs 0.59
# a month, a factor of about 0.22. Humanitarian items: 2 open, 2 closed (factor >= 1, kept at
# 1). With the border closed (2020-01-28 on, 23 months) no new non-humanitarian item is
# documented (factor 0, the record's estimate; it cannot exclude a small rate), while the
# MOU's exempted projects kept their pace (7 in 2019, 6 in 2020 to September: factor 1).
_TALKS = 0.22
_BORDER = 0.0


class ProposalTypes(Section):
    """One entry per proposal type (sanction loads and sensitivities: mechanisms.md §2.2)."""

    HUM: ProposalType = _ptype(0.10, 0.55, 0.1, 0.4, 0.3, "NGO")
    EXCH: ProposalType = _ptype(0.10, 0.20, 0.1, 0.4, 0.3, "MOU", talks=_TALKS, border=_BORDER)
    INFRA: ProposalType = _ptype(0.03, 0.70, 0.1, 0.8, 0.7, "BH", talks=_TALKS, border=_BORDER)
    ECON: ProposalType = _ptype(
        0.03, 0.90, 0.6, 0.8, 0.9, "BH", barred=True, talks=_TALKS, border=_BORDER
    )
    MIL: ProposalType = _ptype(0.02, 0.00, 0.8, 0.7, 0.5, "BH", talks=_TALKS, border=_BORDER)
    TOUR: ProposalType = _ptype(0.03, 0.30, 0.3, 0.5, 0.6, "MOU", talks=_TALKS, border=_BORDER)

    def get(self, code: str) -> ProposalType:
        """The entry for type ``code`` (one of PROPOSAL_TYPES)."""
        return getattr(self, code)


class Proposals(Section):
    """Proposal generation and thresholds."""

    types: ProposalTypes = Field(default_factory=ProposalTypes)
    value_spread: float = param(
        0.5,
        0.0,
        1.0,
        "fraction",
        "Values are drawn uniformly within mean*(1 +/- spread).",
        "judgement: items of one type differ widely in value",
    )
    un_threshold: float = param(
        0.5,
        0.0,
        1.0,
        "sanctions load",
        "sigma_UN: items at or above need a UN 1718 exemption.",
        "mechanisms.md §2.2",
    )
    gray_threshold: float = param(
        0.3,
        0.0,
        1.0,
        "sanctions load",
        "sigma_gray: unilateral items at or above are grey-zone.",
        "judgement: between the exchange and tourism loads",
    )
    summit_multiplier: float = param(
        2.0,
        1.0,
        4.0,
        "factor",
        "m_sum: proposal rates are multiplied by this after a summit.",
        "mechanisms.md §5 range 1-4; the summits' declarations pledged new inter-Korean "
        "projects [S001]",
    )
    summit_surge_weeks: int = param(
        8,
        0,
        52,
        "weeks",
        "How long the post-summit surge lasts.",
        "mechanisms.md §2.2",
    )
    stall_weeks: int = param(
        26,
        2,
        156,
        "weeks",
        "An item pending this long without resolution is stalled.",
        "judgement: half a year without movement",
    )
    modify_sanction_cut: float = param(
        0.3,
        0.0,
        1.0,
        "fraction",
        "A vetoed item the Blue House modifies loses this share of sigma.",
        "judgement",
    )
    modify_value_loss: float = param(
        0.2,
        0.0,
        1.0,
        "fraction",
        "... and this share of its value to the ROK.",
        "judgement",
    )

    @model_validator(mode="after")
    def _thresholds(self) -> Proposals:
        if self.gray_threshold > self.un_threshold:
            raise ValueError(
                f"gray_threshold ({self.gray_threshold}) must not exceed un_threshold "
                f"({self.un_threshold})"
            )
        return self
