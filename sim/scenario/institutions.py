"""The channels and institutions between the allies and the UN.

:class:`Information` (quality and disclosure), :class:`Channel` (an ad hoc channel),
:class:`WorkingGroupParams` with its :class:`Successor` (DG-level talks), :class:`Un`
(the 1718 Committee's exemptions) and :class:`Legitimacy` (the WG's legitimacy and end).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.base import Section, param


class Information(Section):
    """Information quality and disclosure (Crawford–Sobel; Keohane)."""

    initial_quality: float = param(
        0.3,
        0.0,
        1.0,
        "quality",
        "q: US information on ROK plans at the start.",
        "judgement",
    )
    learning: float = param(
        0.15,
        0.0,
        1.0,
        "fraction",
        "eta_q: share of the gap to full information closed per contact.",
        "mechanisms.md §5 range .2-.8 (the default is below it)",
    )
    decay: float = param(
        0.1,
        0.0,
        1.0,
        "1/week",
        "delta_q: weekly decay of information quality.",
        "mechanisms.md §5 range .02-.2",
    )
    disclosure: float = param(
        0.6,
        0.0,
        1.0,
        "probability",
        "psi_0: disclosure chance per item and contact at zero gap.",
        "mechanisms.md §5 range .3-1",
    )


class Channel(Section):
    """An ad hoc bilateral channel between ROK and US officials [S001]."""

    name: str = Field(min_length=1, description="Who talks, e.g. 'Kang-Pompeo'.")
    contacts_per_week: float = Field(
        ge=0.0,
        le=5.0,
        description="lambda_c: Poisson rate of contacts (1/week).",
        json_schema_extra={
            "unit": "1/week",
            "prior": "set per type or channel in scenario files; T5/T6 pin them",
        },
    )
    via_nsc: bool = Field(
        description="True if the US end is the NSC, so disclosures reach State only with "
        "probability us.nsc_passthrough."
    )
    reach: float = param(
        1.0,
        0.0,
        1.0,
        "probability",
        "Chance that what a contact on a channel not via the NSC carries reaches State's "
        "decision line (disclosures, learning, review); 1 for a minister-level channel.",
        "a communication breakdown within Washington's foreign affairs line despite the "
        "channels [S001]; pinned by T1, T6 for Lee-Biegun",
    )
    active_from: dt.date | None = Field(
        default=None,
        description="The day the channel opens: the later appointment of its two ends "
        "(docs/record.md, `appointed` rows); none: open from the start.",
    )
    active_until: dt.date | None = Field(
        default=None,
        description="The day the channel closes: the first departure of one of its ends "
        "(docs/record.md, `departed` rows); none: open to the end.",
    )

    @model_validator(mode="after")
    def _tenure(self) -> Channel:
        if (
            self.active_from is not None
            and self.active_until is not None
            and self.active_until < self.active_from
        ):
            raise ValueError(
                f"channel '{self.name}': active_until ({self.active_until}) is before "
                f"active_from ({self.active_from})"
            )
        return self


class Successor(Section):
    """Director-general-level talks that follow a terminated WG [S002]."""

    enabled: bool = Field(default=True, description="Whether DG-level talks follow termination.")
    interval_weeks: int = param(
        4,
        1,
        26,
        "weeks",
        "DG-level talks meet every this many weeks.",
        "mechanisms.md §2.4",
    )
    cosponsor: bool = Field(
        default=True, description="Whether the US co-sponsors UN requests raised in DG talks."
    )
    start: dt.date | None = Field(
        default=None,
        description="Counterfactual: DG-level talks meet from this date in a world without "
        "the group (needs establishment 'never'); null: only after the WG ends.",
    )


class WorkingGroupParams(Section):
    """The US–ROK working group (mechanisms.md §2.4, §2.7)."""

    establishment: Literal["scheduled", "endogenous", "never"] = Field(
        default="scheduled",
        description="scheduled: agreed on agreed_on; endogenous: the ROK proposes it after "
        "surprises_to_create surprises; never: ad hoc channels only.",
    )
    agreed_on: dt.date | None = Field(
        default=dt.date(2018, 10, 30),
        description="Date the allies agree to set it up [S000, S001].",
    )
    first_meeting_lag_weeks: int = param(
        3,
        0,
        26,
        "weeks",
        "l_create: weeks from agreement to the first meeting.",
        "launched 'next month' [S001]; T2 says 2-5 weeks",
    )
    cadence: Literal["ad_hoc", "regular"] = Field(
        default="ad_hoc",
        description="ad_hoc: meet when the queue fills or the gap grows; regular: every "
        "regular_interval_weeks [S004].",
    )
    regular_interval_weeks: int = param(
        4,
        1,
        26,
        "weeks",
        "k_WG: meeting interval with a regular cadence.",
        "mechanisms.md §5 range 1-8",
    )
    queue_trigger: int = param(
        3,
        1,
        50,
        "items",
        "n_q: an ad hoc meeting is called when this many items wait.",
        "mechanisms.md §5 range 1-5",
    )
    max_gap_weeks: int = param(
        8,
        1,
        52,
        "weeks",
        "G_max: an ad hoc meeting is called at the latest after this gap.",
        "mechanisms.md §5 range 4-15",
    )
    scope: float = param(
        0.5,
        0.0,
        1.0,
        "probability",
        "s_WG: chance a non-sanctioned item is routed to the WG.",
        "mechanisms.md §5 range .2-.9",
    )
    vetting_strength: float = param(
        0.2,
        0.0,
        1.0,
        "fraction",
        "mu: joint vetting cuts an item's sanctions load by this share.",
        "mechanisms.md §5 range 0-.5",
    )
    vetting_value_loss: float = param(
        0.15,
        0.0,
        1.0,
        "fraction",
        "mu_w: joint vetting cuts the item's value to the DPRK by this.",
        "mechanisms.md §5 range 0-.5",
    )
    surprises_to_create: int = param(
        2,
        1,
        10,
        "surprises",
        "n_create: with endogenous establishment, US surprises before the ROK (MOFA) proposes "
        "a WG and the US agrees [S001].",
        "mechanisms.md §5 range 1-3",
    )
    can_terminate: bool = Field(default=True, description="Whether the WG may be terminated.")
    cosponsor: bool = Field(
        default=True, description="Whether the US co-sponsors UN requests the WG approves."
    )
    successor: Successor = Field(default_factory=Successor)
    # The WG's channels of effect (issue 30): each true as the WG was; switched off alone
    # they split the WG's difference into its mechanisms (docs/model.md, Headline).
    disclose_pending: bool = Field(
        default=True,
        description="Whether a WG meeting discloses every pending ROK item to the US "
        "(joint item lists); false: only the items on its table.",
    )
    joint_vetting: bool = Field(
        default=True,
        description="Whether a WG meeting jointly vets new items (vetting_strength, "
        "vetting_value_loss); false: items reach State as proposed.",
    )
    veto_point: bool = Field(
        default=True,
        description="Whether State reviews WG items at the WG's decision rate "
        "(us.decision_prob_wg) and a WG veto may become a public dispute; false: the ad "
        "hoc rate (us.decision_prob_adhoc) and no dispute over a veto.",
    )
    visible_to_dprk: bool = Field(
        default=True,
        description="Whether the WG's launch and its public disputes add to the DPRK's "
        "grievance (dprk.visibility_launch, dprk.visibility_per_item); false: they add none.",
    )
    sanctioned_only: bool = Field(
        default=False,
        description="Counterfactual: the WG takes only items that need a 1718 exemption "
        "(scope 0, and its launch takes over only those from the ad hoc queue).",
    )
    cosponsor_ad_hoc: bool = Field(
        default=False,
        description="Counterfactual: whether the US co-sponsors UN requests it approves in "
        "ad hoc contacts (false as it was; true: co-sponsorship without a group).",
    )

    @model_validator(mode="after")
    def _establishment(self) -> WorkingGroupParams:
        if self.successor.start is not None and self.establishment != "never":
            raise ValueError(
                f"successor.start ({self.successor.start}) is for a world without the group; "
                f"it needs establishment 'never', not '{self.establishment}'"
            )
        if self.establishment == "scheduled" and self.agreed_on is None:
            raise ValueError("establishment 'scheduled' needs agreed_on (a date)")
        if self.establishment != "scheduled" and self.agreed_on is not None:
            raise ValueError(
                f"agreed_on ({self.agreed_on}) is only used with establishment 'scheduled', "
                f"not '{self.establishment}'; set agreed_on: null"
            )
        return self


class Un(Section):
    """The UN 1718 Committee's exemption decisions."""

    lag_cosponsored_weeks: float = param(
        0.5,
        0.0,
        12.0,
        "weeks",
        "l_co: mean weeks beyond the minimum lag to a decision when the US co-sponsors.",
        "T12: the 2018-11 and 2018-12 exemptions came three days after the WG meeting that "
        "settled them (KBS 2018-11; Korea Herald 2018-12-25)",
    )
    min_lag_cosponsored_weeks: int = param(
        0,
        0,
        8,
        "weeks",
        "m_co: fewest weeks from a co-sponsored request to the decision (0: in the week of "
        "the meeting that files it).",
        "T12 (decisions within days of the WG meeting)",
    )
    lag_standard_weeks: float = param(
        10.0,
        0.0,
        30.0,
        "weeks",
        "l_std: mean weeks beyond the minimum lag to a decision otherwise.",
        "mechanisms.md §5 range 2-30",
    )
    min_lag_standard_weeks: int = param(
        1,
        0,
        8,
        "weeks",
        "m_std: fewest weeks from a request without US co-sponsorship to the decision.",
        "judgement: the committee decides by consensus, at the earliest the next week",
    )
    approval_cosponsored: float = param(
        0.9,
        0.0,
        1.0,
        "probability",
        "p_co: approval chance when co-sponsored.",
        "mechanisms.md §5 range .6-1",
    )
    approval_standard: float = param(
        0.6,
        0.0,
        1.0,
        "probability",
        "p_std: approval chance otherwise.",
        "mechanisms.md §5 range .4-.9",
    )


class Legitimacy(Section):
    """The WG's legitimacy and termination (Eilstrup-Sangiovanni; mechanisms.md §2.7)."""

    initial: float = param(0.7, 0.0, 1.0, "legitimacy", "L_0.", "mechanisms.md §5 range .5-.9")
    approval_gain: float = param(
        0.02,
        0.0,
        1.0,
        "legitimacy/value",
        "eta_a: gain per unit value approved via the WG.",
        "judgement",
    )
    overdue_loss: float = param(
        0.001,
        0.0,
        0.2,
        "share of L/item-week",
        "eta_d: share of the legitimacy left lost per overdue WG item per week.",
        "judgement",
    )
    veto_loss: float = param(
        0.02,
        0.0,
        0.5,
        "share of L/veto",
        "eta_v: share of the legitimacy left lost per veto attributed to the WG.",
        "judgement",
    )
    denunciation_loss: float = param(
        0.02,
        0.0,
        0.5,
        "share of L",
        "eta_n: share of the legitimacy left lost per DPRK denunciation, times (1 + D).",
        "judgement (T9)",
    )
    challenge_loss: float = param(
        0.05,
        0.0,
        0.5,
        "share of L",
        "eta_c: share of the legitimacy left lost per MOU challenge or ruling-party criticism.",
        "judgement (T9)",
    )
    reversion: float = param(
        0.01,
        0.0,
        0.5,
        "1/week",
        "eta_r: weekly reversion toward L_0.",
        "judgement",
    )
    criticism_pressure: float = param(
        0.45,
        0.0,
        2.0,
        "index",
        "theta_crit: the ruling party criticises the WG only while domestic pressure D is "
        "at least this (a mandate to push engagement).",
        "Lee Nak-yeon's criticism after the 2020 election [S002]; between D_0 (0.3) and "
        "D_0 + the election's Delta D (0.5)",
    )
    criticism_prob: float = param(
        0.05,
        0.0,
        1.0,
        "probability/week",
        "Weekly chance of ruling-party criticism while D >= theta_crit.",
        "judgement; pinned by T9",
    )
    termination_threshold: float = param(
        0.35,
        0.0,
        1.0,
        "legitimacy",
        "theta_L: at a window the WG may end below this.",
        "mechanisms.md §5 range .2-.5",
    )
    reform_threshold: float = param(
        0.5,
        0.0,
        1.0,
        "legitimacy",
        "theta_reform: at a window, below this (above theta_L) it is reformed.",
        "judgement",
    )
    hazard: float = param(
        0.02,
        0.0,
        1.0,
        "1/week per legitimacy",
        "kappa_h: termination hazard between windows.",
        "judgement",
    )
    reform_boost: float = param(
        0.05,
        0.0,
        0.5,
        "legitimacy",
        "Legitimacy restored by a reform.",
        "judgement",
    )
    reform_scope_factor: float = param(
        0.7,
        0.0,
        1.0,
        "factor",
        "A reform multiplies the WG's scope by this (MOU's demand [S003]).",
        "judgement",
    )
    window_weeks: int = param(
        6,
        1,
        26,
        "weeks",
        "A leadership-change window stays open this long.",
        "judgement",
    )

    @model_validator(mode="after")
    def _thresholds(self) -> Legitimacy:
        if self.termination_threshold > self.reform_threshold:
            raise ValueError(
                f"termination_threshold ({self.termination_threshold}) must not exceed "
                f"reform_threshold ({self.reform_threshold})"
            )
        return self
