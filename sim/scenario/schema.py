"""The scenario schema: every number the model uses, with units, bounds and meaning.

A scenario is a frozen pydantic model. Each section groups the parameters of one part of
the model (see docs/model.md and MECHANISMS.md); every field carries its unit, its
bounds and a description, and ``prior`` says where its default comes from. CLI options,
the page's sliders and the parameter documentation are generated from these fields.

Defaults are the documented priors for the US–ROK working group case (2018–2021). The
scenario files in ``scenarios/`` add the calendar, the channels, the working group's
establishment and the dated shocks.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

DIMENSIONS = ("S", "E", "Q")
"""The issue dimensions: sanctions strictness, engagement pace, sequencing."""

PROPOSAL_TYPES = ("HUM", "EXCH", "INFRA", "ECON", "MIL", "TOUR")
"""Proposal types: humanitarian, exchange/visit, infrastructure, economic, military
confidence-building, tourism."""

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Vec3 = tuple[Unit, Unit, Unit]


def param(
    default: Any, lo: float | None, hi: float | None, unit: str, description: str, prior: str
) -> Any:
    """Declare a scenario parameter with bounds, unit, meaning and the reason for its prior.

    Args:
        default: The prior value.
        lo: Inclusive lower bound (None for none).
        hi: Inclusive upper bound (None for none).
        unit: The unit, e.g. ``"weeks"``, ``"probability"``, ``"1/week"``.
        description: What the parameter means in the model.
        prior: Why the default has this value (a seed, a theory, or a judgement).
    """
    return Field(
        default,
        ge=lo,
        le=hi,
        description=description,
        json_schema_extra={"unit": unit, "prior": prior},
    )


class Section(BaseModel):
    """Base of every schema section: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def __setstate__(self, state: dict[Any, Any]) -> None:
        """Restore a pickled section (as sent to batch workers) with its field names interned.

        Pydantic restores the instance dictionary as it comes out of the pickle, keyed by
        new, non-interned strings. CPython 3.12 reads attributes through a specialised
        path that matches names by identity, so every parameter read on an unpickled
        scenario fell back to the slow generic lookup: a run in a worker process or on
        Dask cost about 10 % more than the same run in the parent. Interning the names,
        as pickle's default restore does, keeps the fast path.
        """
        names = state.get("__dict__", {})
        super().__setstate__({**state, "__dict__": {sys.intern(k): v for k, v in names.items()}})


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


class RokActorParams(Section):
    """A South Korean actor in the KTAB-lite bargaining (Blue House, MOFA or MOU)."""

    position: Vec3 = Field(
        description="Position on (S, E, Q), each in [0, 1].",
        json_schema_extra={"unit": "position units", "prior": "expert coding, MECHANISMS §2.1"},
    )
    salience: Vec3 = Field(
        description="Salience of (S, E, Q), each in [0, 1].",
        json_schema_extra={"unit": "salience units", "prior": "expert coding, MECHANISMS §2.1"},
    )
    clout: float = Field(
        ge=0.0,
        le=5.0,
        description="Clout in ROK bargaining (relative units).",
        json_schema_extra={"unit": "relative clout", "prior": "expert coding, MECHANISMS §2.1"},
    )
    alliance_weight: Unit = Field(
        description="Weight on alliance costs (Snyder's fear of abandonment), 0..1.",
        json_schema_extra={"unit": "weight 0-1", "prior": "MECHANISMS §2.1-2.2 (expert coding)"},
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
        json_schema_extra={"unit": "relative clout", "prior": "expert coding, MECHANISMS §2.1"},
    )


class DprkActor(Section):
    """North Korea's stated positions (used for the sequencing gap)."""

    position: Vec3 = Field(
        default=(0.0, 0.8, 0.9), description="Position on (S, E, Q), each in [0, 1]."
    )


class Actors(Section):
    """Initial positions, saliences and clout (expert-coded ordinal priors, MECHANISMS §2.1)."""

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
        json_schema_extra={"unit": "sanctions load", "prior": "MECHANISMS §2.2"},
    )
    alliance_sensitivity: Unit = Field(
        description="Alliance sensitivity a: surprise weight.",
        json_schema_extra={"unit": "weight 0-1", "prior": "MECHANISMS §2.1-2.2 (expert coding)"},
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


def _ptype(rate: float, sigma: float, a: float, v: float, w: float, origin: str) -> ProposalType:
    return ProposalType(
        rate_per_week=rate,
        sanction_load=sigma,
        alliance_sensitivity=a,
        value_rok=v,
        value_dprk=w,
        origin=origin,
    )


class ProposalTypes(Section):
    """One entry per proposal type (sanction loads and sensitivities: MECHANISMS §2.2)."""

    HUM: ProposalType = _ptype(0.10, 0.55, 0.1, 0.4, 0.3, "NGO")
    EXCH: ProposalType = _ptype(0.10, 0.20, 0.1, 0.4, 0.3, "MOU")
    INFRA: ProposalType = _ptype(0.03, 0.70, 0.1, 0.8, 0.7, "BH")
    ECON: ProposalType = _ptype(0.03, 0.90, 0.6, 0.8, 0.9, "BH")
    MIL: ProposalType = _ptype(0.02, 0.00, 0.8, 0.7, 0.5, "BH")
    TOUR: ProposalType = _ptype(0.03, 0.30, 0.3, 0.5, 0.6, "MOU")

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
        "MECHANISMS §2.2",
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
        "MECHANISMS §5 range 1-4; summits spurred new inter-Korean projects [S001]",
    )
    summit_surge_weeks: int = param(
        8,
        0,
        52,
        "weeks",
        "How long the post-summit surge lasts.",
        "MECHANISMS §2.2",
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


class Rok(Section):
    """Blue House arbitration and ROK internal bargaining (MECHANISMS §2.4-2.5)."""

    bargaining_interval_weeks: int = param(
        4,
        1,
        26,
        "weeks",
        "ROK bargaining on engagement pace runs every this many weeks.",
        "MECHANISMS §2.3",
    )
    bargaining_step: float = param(
        0.1,
        0.0,
        0.5,
        "position units",
        "phi: how far a challenge moves the ROK position.",
        "MECHANISMS §5 range .05-.3",
    )
    challenge_threshold: float = param(
        0.06,
        0.0,
        2.0,
        "utility",
        "kappa_c: MOU challenges when its pressure exceeds this.",
        "judgement; pinned by T7",
    )
    backlog_weight: float = param(
        0.01,
        0.0,
        1.0,
        "utility/item",
        "beta_b: pressure added per MOU item overdue.",
        "judgement; pinned by T7",
    )
    surprise_cost: float = param(
        0.5,
        0.0,
        5.0,
        "utility",
        "C_f: alliance cost of a detected surprise.",
        "judgement (T1)",
    )
    violation_cost: float = param(
        0.5,
        0.0,
        5.0,
        "utility",
        "C_v: cost of a grey-zone or violating move.",
        "judgement (T1)",
    )
    violation_prob: float = param(
        0.02,
        0.0,
        1.0,
        "probability",
        "epsilon_viol: chance a sanctioned item goes ahead unilaterally.",
        "judgement: Seoul avoided outright violations",
    )
    estimate_window_weeks: int = param(
        26,
        1,
        156,
        "weeks",
        "Blue House estimates use outcomes of the last this many weeks.",
        "MECHANISMS §2.4",
    )
    estimate_prior: float = param(
        0.5,
        0.0,
        1.0,
        "probability",
        "Prior of the Blue House's frequency estimates.",
        "MECHANISMS §2.4",
    )
    estimate_prior_weight: float = param(
        2.0,
        0.0,
        50.0,
        "pseudo-observations",
        "Weight of that prior.",
        "judgement",
    )
    prior_lag_weeks: float = param(
        4.0,
        0.0,
        52.0,
        "weeks",
        "Prior expected US decision lag.",
        "judgement",
    )
    domestic_pressure: float = param(
        0.3,
        0.0,
        2.0,
        "index",
        "D_0: domestic pressure for engagement; raises proposal rates.",
        "MECHANISMS §2.1",
    )
    dispute_prob: float = param(
        0.3,
        0.0,
        1.0,
        "probability",
        "p_pub: an overdue or vetoed WG item becomes a public dispute.",
        "judgement",
    )
    trust_loss_dispute: float = param(
        0.05,
        0.0,
        0.5,
        "trust units",
        "Delta tau_r: ROK trust in the US lost per dispute.",
        "judgement",
    )
    initial_trust: float = param(
        0.7,
        0.0,
        1.0,
        "trust units",
        "ROK trust in the US at the start.",
        "judgement",
    )
    trust_recovery: float = param(
        0.02,
        0.0,
        0.5,
        "1/week",
        "Weekly reversion of trust toward its initial value.",
        "judgement",
    )


class Us(Section):
    """US review, perception and drift (MECHANISMS §2.4)."""

    win_set: float = param(
        0.6,
        0.0,
        1.0,
        "sanctions load",
        "w_US: the largest perceived load the US readily approves.",
        "MECHANISMS §5 range .4-.8",
    )
    veto_slope: float = param(
        10.0,
        0.0,
        50.0,
        "1/load",
        "k_v: slope of approval in (w_US - perceived load).",
        "MECHANISMS §5 range 5-20",
    )
    trust_slope: float = param(
        2.0,
        0.0,
        20.0,
        "1/trust",
        "k_tau: slope of approval in (trust - .5).",
        "MECHANISMS §5 range 0-5",
    )
    perception_bias: float = param(
        0.1,
        0.0,
        0.5,
        "sanctions load",
        "b_US: overestimate of the load at zero trust.",
        "MECHANISMS §5 range 0-.2",
    )
    perception_noise: float = param(
        0.2,
        0.0,
        1.0,
        "sanctions load",
        "sigma_0: perception noise s.d. at zero information.",
        "MECHANISMS §5 range .05-.4",
    )
    drift: float = param(
        0.005,
        0.0,
        0.2,
        "fraction",
        "epsilon: US drift toward the ROK per consultation.",
        "MECHANISMS §5 range 0-.1",
    )
    initial_trust: float = param(
        0.7,
        0.0,
        1.0,
        "trust units",
        "tau_US: US trust in the ROK at the start.",
        "judgement",
    )
    trust_loss_surprise: float = param(
        0.1,
        0.0,
        0.5,
        "trust units",
        "Delta tau_s: US trust lost per surprise.",
        "judgement",
    )
    salience_gain_surprise: float = param(
        0.05,
        0.0,
        0.5,
        "salience units",
        "Delta s: US sanctions salience gained per surprise.",
        "judgement",
    )
    trust_recovery: float = param(
        0.02,
        0.0,
        0.5,
        "1/week",
        "Weekly reversion of trust toward its initial value.",
        "judgement",
    )
    consent_prob: float = param(
        0.1,
        0.0,
        1.0,
        "probability",
        "p_US_ok: US consent to end the WG (shocks may change it).",
        "MECHANISMS §2.7: low under Trump",
    )
    decision_prob_wg: float = param(
        0.7,
        0.0,
        1.0,
        "probability",
        "pi_dec: a WG review reaches a decision.",
        "MECHANISMS §5 range .3-.9",
    )
    decision_prob_adhoc: float = param(
        0.4,
        0.0,
        1.0,
        "probability",
        "pi_adhoc: an ad hoc review reaches a decision.",
        "MECHANISMS §5 range .3-.9",
    )
    nsc_passthrough: float = param(
        0.4,
        0.0,
        1.0,
        "probability",
        "rho_US: what reaches the NSC reaches State.",
        "Pompeo not briefed on the military agreement [S001]; range .2-.9",
    )


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
        "MECHANISMS §5 range .2-.8",
    )
    decay: float = param(
        0.1,
        0.0,
        1.0,
        "1/week",
        "delta_q: weekly decay of information quality.",
        "MECHANISMS §5 range .02-.2",
    )
    disclosure: float = param(
        0.6,
        0.0,
        1.0,
        "probability",
        "psi_0: disclosure chance per item and contact at zero gap.",
        "MECHANISMS §5 range .3-1",
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


class Successor(Section):
    """Director-general-level talks that follow a terminated WG [S002]."""

    enabled: bool = Field(default=True, description="Whether DG-level talks follow termination.")
    interval_weeks: int = param(
        4,
        1,
        26,
        "weeks",
        "DG-level talks meet every this many weeks.",
        "MECHANISMS §2.4",
    )
    cosponsor: bool = Field(
        default=True, description="Whether the US co-sponsors UN requests raised in DG talks."
    )


class WorkingGroupParams(Section):
    """The US–ROK working group (MECHANISMS §2.4, §2.7)."""

    establishment: Literal["scheduled", "endogenous", "never"] = Field(
        default="scheduled",
        description="scheduled: agreed on agreed_on; endogenous: the US demands it after "
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
        "MECHANISMS §5 range 1-8",
    )
    queue_trigger: int = param(
        3,
        1,
        50,
        "items",
        "n_q: an ad hoc meeting is called when this many items wait.",
        "MECHANISMS §5 range 1-5",
    )
    max_gap_weeks: int = param(
        8,
        1,
        52,
        "weeks",
        "G_max: an ad hoc meeting is called at the latest after this gap.",
        "MECHANISMS §5 range 4-15",
    )
    scope: float = param(
        0.5,
        0.0,
        1.0,
        "probability",
        "s_WG: chance a non-sanctioned item is routed to the WG.",
        "MECHANISMS §5 range .2-.9",
    )
    vetting_strength: float = param(
        0.2,
        0.0,
        1.0,
        "fraction",
        "mu: joint vetting cuts an item's sanctions load by this share.",
        "MECHANISMS §5 range 0-.5",
    )
    vetting_value_loss: float = param(
        0.15,
        0.0,
        1.0,
        "fraction",
        "mu_w: joint vetting cuts the item's value to the DPRK by this.",
        "MECHANISMS §5 range 0-.5",
    )
    surprises_to_create: int = param(
        2,
        1,
        10,
        "surprises",
        "n_create: with endogenous establishment, surprises before the US demands a WG.",
        "MECHANISMS §5 range 1-3",
    )
    can_terminate: bool = Field(default=True, description="Whether the WG may be terminated.")
    successor: Successor = Field(default_factory=Successor)

    @model_validator(mode="after")
    def _establishment(self) -> WorkingGroupParams:
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
        3.0,
        1.0,
        12.0,
        "weeks",
        "l_co: mean decision lag when the US co-sponsors via the WG.",
        "MECHANISMS §5 range 1-12; railway exemption within weeks [S004]",
    )
    lag_standard_weeks: float = param(
        10.0,
        2.0,
        30.0,
        "weeks",
        "l_std: mean decision lag otherwise.",
        "MECHANISMS §5 range 2-30",
    )
    approval_cosponsored: float = param(
        0.9,
        0.0,
        1.0,
        "probability",
        "p_co: approval chance when co-sponsored.",
        "MECHANISMS §5 range .6-1",
    )
    approval_standard: float = param(
        0.6,
        0.0,
        1.0,
        "probability",
        "p_std: approval chance otherwise.",
        "MECHANISMS §5 range .4-.9",
    )


class DprkParams(Section):
    """North Korea's responses, frustration, denunciations and denuclearization (§2.6)."""

    accept_intercept: float = param(
        -1.0, -10.0, 10.0, "logit", "a0: acceptance intercept.", "judgement"
    )
    accept_value: float = param(
        3.0, 0.0, 20.0, "logit/value", "a1: weight on value w.", "judgement"
    )
    accept_engage: float = param(1.0, 0.0, 10.0, "logit", "a2: bonus in engage mode.", "judgement")
    accept_wedge_penalty: float = param(
        2.0,
        0.0,
        10.0,
        "logit",
        "a3: penalty for small items in wedge mode.",
        "judgement (T4)",
    )
    accept_modified_penalty: float = param(
        1.0,
        0.0,
        10.0,
        "logit",
        "a4: penalty for items modified after a US veto.",
        "judgement",
    )
    min_value: float = param(
        0.5,
        0.0,
        1.0,
        "value",
        "w_min: items below this are 'small' in wedge mode.",
        "Kim wanted big projects without preconditions [S004]",
    )
    border_penalty: float = param(
        0.85,
        0.0,
        1.0,
        "fraction",
        "b_cov: acceptance lost while the border is closed.",
        "MECHANISMS §5 range .7-.95",
    )
    respond_prob: float = param(
        0.5,
        0.0,
        1.0,
        "probability/week",
        "Chance the DPRK answers a pending item in a week.",
        "judgement",
    )
    ignore_small_prob: float = param(
        0.5,
        0.0,
        1.0,
        "probability",
        "In wedge mode, chance a small item is ignored for good.",
        "judgement",
    )
    frustration_rate: float = param(
        0.05,
        0.0,
        1.0,
        "1/week",
        "rho_F: speed of the frustration average.",
        "MECHANISMS §5 .02-.2",
    )
    frustration_threshold: float = param(
        0.7,
        0.0,
        1.0,
        "frustration",
        "theta_F: above this the DPRK coerces (endogenous mode).",
        "MECHANISMS §5 range .5-.9",
    )
    frustration_window_weeks: int = param(
        12,
        1,
        104,
        "weeks",
        "Pledges and deliveries are compared over this window.",
        "MECHANISMS §2.6",
    )
    endogenous_provocation: bool = Field(
        default=False,
        description="If true, provocations come from frustration; if false only scheduled "
        "shocks provoke (historical mode).",
    )
    provocation_window_weeks: int = param(
        4,
        0,
        26,
        "weeks",
        "A major provocation opens a WG review window this long.",
        "MECHANISMS §2.7",
    )
    denunciation_rate: float = param(
        0.1,
        0.0,
        10.0,
        "1/week",
        "lambda_den: denunciation hazard per unit visibility.",
        "judgement; pinned by T3, T9",
    )
    wedge_boost: float = param(
        0.5,
        0.0,
        10.0,
        "factor",
        "omega: extra denunciation hazard in wedge mode (Crawford 2011).",
        "judgement",
    )
    visibility_launch: float = param(
        3.0,
        0.0,
        5.0,
        "visibility",
        "V_WG during the launch weeks.",
        "MECHANISMS §2.6",
    )
    visibility_launch_weeks: int = param(
        4,
        0,
        26,
        "weeks",
        "How long the launch visibility lasts.",
        "MECHANISMS §2.6",
    )
    visibility_base: float = param(
        0.2,
        0.0,
        5.0,
        "visibility",
        "V_WG after launch, with no recent vetoes or deferrals.",
        "MECHANISMS §2.6",
    )
    visibility_per_item: float = param(
        0.2,
        0.0,
        5.0,
        "visibility/item",
        "V_WG added per WG veto or deferral in the window.",
        "MECHANISMS §2.6",
    )
    visibility_window_weeks: int = param(
        8,
        1,
        52,
        "weeks",
        "Window for counting vetoes and deferrals.",
        "MECHANISMS §2.6",
    )
    initial_trust_us: float = param(
        0.5,
        0.0,
        1.0,
        "trust units",
        "tau_DPRK,US in the denuclearization rule.",
        "judgement",
    )
    dpi_rate: float = param(
        0.02,
        0.0,
        1.0,
        "1/week",
        "kappa_D: denuclearization progress rate with the track open.",
        "judgement; weakly identified",
    )
    dpi_provocation_loss: float = param(
        0.05,
        0.0,
        1.0,
        "index",
        "kappa_r: progress lost in a week of coercion.",
        "judgement",
    )
    sequencing_tolerance: float = param(
        0.8,
        0.01,
        1.0,
        "position units",
        "w_Q: a sequencing gap below this allows progress/a deal.",
        "judgement",
    )
    deal_tolerance: float = param(
        0.2,
        0.0,
        1.0,
        "position units",
        "A summit yields a deal only if the US-DPRK sequencing gap is below this.",
        "judgement: Hanoi ended without a deal on sequencing",
    )
    deal_gain: float = param(
        0.2,
        0.0,
        1.0,
        "index",
        "Progress added by a summit deal.",
        "judgement",
    )


class Legitimacy(Section):
    """The WG's legitimacy and termination (Eilstrup-Sangiovanni; MECHANISMS §2.7)."""

    initial: float = param(0.7, 0.0, 1.0, "legitimacy", "L_0.", "MECHANISMS §5 range .5-.9")
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
        "legitimacy/item-week",
        "eta_d: loss per overdue WG item per week.",
        "judgement",
    )
    veto_loss: float = param(
        0.02,
        0.0,
        0.5,
        "legitimacy/veto",
        "eta_v: loss per veto attributed to the WG.",
        "judgement",
    )
    denunciation_loss: float = param(
        0.02,
        0.0,
        0.5,
        "legitimacy",
        "eta_n: loss per DPRK denunciation, times (1 + D).",
        "judgement (T9)",
    )
    challenge_loss: float = param(
        0.05,
        0.0,
        0.5,
        "legitimacy",
        "eta_c: loss per MOU challenge or ruling-party criticism.",
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
    criticism_threshold: float = param(
        0.4,
        0.0,
        1.0,
        "legitimacy",
        "theta_crit: below this the ruling party criticises the WG.",
        "Lee Nak-yeon's criticism [S002]",
    )
    criticism_prob: float = param(
        0.05,
        0.0,
        1.0,
        "probability/week",
        "Weekly chance of ruling-party criticism below theta_crit.",
        "judgement",
    )
    termination_threshold: float = param(
        0.35,
        0.0,
        1.0,
        "legitimacy",
        "theta_L: at a window the WG may end below this.",
        "MECHANISMS §5 range .2-.5",
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


# --- Shocks: dated events with named effects ----------------------------------------------


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


class Scenario(Section):
    """A complete, validated scenario: one point in parameter space plus its shocks."""

    name: str = Field(default="scenario", min_length=1, description="Scenario name.")
    description: str = Field(default="", description="What the scenario represents.")
    calendar: Calendar = Field(default_factory=Calendar)
    actors: Actors = Field(default_factory=Actors)
    proposals: Proposals = Field(default_factory=Proposals)
    rok: Rok = Field(default_factory=Rok)
    us: Us = Field(default_factory=Us)
    information: Information = Field(default_factory=Information)
    channels: list[Channel] = Field(default_factory=list)
    working_group: WorkingGroupParams = Field(default_factory=WorkingGroupParams)
    un: Un = Field(default_factory=Un)
    dprk: DprkParams = Field(default_factory=DprkParams)
    legitimacy: Legitimacy = Field(default_factory=Legitimacy)
    shocks: list[Shock] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
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
