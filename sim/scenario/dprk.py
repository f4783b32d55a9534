"""North Korea's section of the scenario.

:class:`DprkParams`: acceptance of proposals, frustration and coercion, denunciations and
the WG's visibility, and denuclearization progress.
"""

from __future__ import annotations

from pydantic import Field

from sim.scenario.base import Section, param


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
    accept_turn_penalty: float = param(
        1.5,
        0.0,
        10.0,
        "logit",
        "a5: penalty on every ROK offer once the US-DPRK track has first broken down "
        "(Hanoi); a reopened track does not lift it.",
        "judgement: after Hanoi the DPRK turned from inter-Korean projects (13 of 18 "
        "exempted projects unfinished, MOU data); pinned by T4, T11b",
    )
    min_value: float = param(
        0.5,
        0.0,
        1.0,
        "value",
        "w_min: items below this are 'small' in wedge mode.",
        "Kim's New Year address (2019-01-01) offered big projects, Kaesong and Mt. Kumgang, "
        "without preconditions (episodes.md, Inputs; [S004] reports the address)",
    )
    border_penalty: float = param(
        0.85,
        0.0,
        1.0,
        "fraction",
        "b_cov: acceptance lost while the border is closed.",
        "mechanisms.md §5 range .7-.95",
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
        "mechanisms.md §5 range .02-.2",
    )
    frustration_threshold: float = param(
        0.7,
        0.0,
        1.0,
        "frustration",
        "theta_F: above this the DPRK coerces (endogenous mode).",
        "mechanisms.md §5 range .5-.9",
    )
    frustration_window_weeks: int = param(
        12,
        1,
        104,
        "weeks",
        "Pledges and deliveries are compared over this window.",
        "mechanisms.md §2.6",
    )
    endogenous_provocation: bool = Field(
        default=False,
        description="If true, provocations come from frustration; if false only scheduled "
        "shocks provoke (historical mode).",
    )
    provocation_window_weeks: int = param(
        4,
        1,
        26,
        "weeks",
        "A major provocation opens a WG review window this long.",
        "mechanisms.md §2.7",
    )
    denunciation_rate: float = param(
        0.3,
        0.0,
        10.0,
        "1/week per grievance",
        "lambda_den: weekly denunciation hazard per unit of unanswered grievance G.",
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
        "grievance",
        "Grievance added when the WG is launched (the attack 'within days' [S004]).",
        "mechanisms.md §2.6; pinned by T3",
    )
    visibility_base: float = param(
        0.0,
        0.0,
        5.0,
        "grievance",
        "Standing grievance while the WG exists, with no occasion (a background hazard).",
        "0: the seeds record denunciations only as answers to events [S002, S004]",
    )
    visibility_per_item: float = param(
        1.0,
        0.0,
        5.0,
        "grievance/dispute",
        "Grievance added per WG veto or delay made public (a dispute over 'interference').",
        "mechanisms.md §2.6 (vetoes and delays make the WG visible) [S002, S003]",
    )
    visibility_breakdown: float = param(
        1.5,
        0.0,
        5.0,
        "grievance",
        "Grievance added when the US-DPRK track breaks down (Hanoi, Stockholm) while "
        "the WG exists.",
        "judgement: the DPRK blamed the binding of Seoul to Washington [S002, S004]",
    )
    visibility_crisis: float = param(
        2.0,
        0.0,
        5.0,
        "grievance",
        "Grievance added by a major DPRK provocation (the liaison office, 2020-06).",
        "judgement: in the 2020-06 campaign against Seoul's deference Kim Yo-jong named the WG "
        "(Yonhap 2020-07-02); the WG denounced as an obstacle [S002]",
    )
    grievance_decay: float = param(
        0.3,
        0.01,
        1.0,
        "1/week",
        "Share of the unanswered grievance that fades each week.",
        "judgement: an occasion is answered within weeks or not at all",
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
