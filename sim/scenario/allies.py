"""The two allies' sections: the ROK's and the US's parameters.

:class:`Rok` (Blue House arbitration, ROK internal bargaining, estimates, trust) and
:class:`Us` (US review, perception, drift toward the ROK, trust, consent to end the WG).
"""

from __future__ import annotations

from sim.scenario.base import Section, param


class Rok(Section):
    """Blue House arbitration and ROK internal bargaining (mechanisms.md §2.4-2.5)."""

    bargaining_interval_weeks: int = param(
        4,
        1,
        26,
        "weeks",
        "ROK bargaining on engagement pace runs every this many weeks.",
        "mechanisms.md §2.3",
    )
    bargaining_step: float = param(
        0.1,
        0.0,
        0.5,
        "position units",
        "phi: how far a challenge moves the ROK position.",
        "mechanisms.md §5 range .05-.3",
    )
    challenge_threshold: float = param(
        0.06,
        0.0,
        2.0,
        "utility",
        "kappa_c: MOU challenges when its pressure exceeds this.",
        "judgement; pinned by T7",
    )
    public_challenge_clout: float = param(
        0.3,
        0.0,
        1.0,
        "relative clout",
        "theta_pub: an MOU challenge goes public (a call to readjust the WG, or a public "
        "challenge of MOFA's line) only when the MOU's clout is at least this; below it "
        "the MOU objects inside the government.",
        "judgement: the public call came after a heavyweight minister took office [S003]; "
        "the MOU's initial clout (0.2) is below, pinned by T7",
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
        "mechanisms.md §2.4",
    )
    estimate_prior: float = param(
        0.5,
        0.0,
        1.0,
        "probability",
        "Prior of the Blue House's frequency estimates.",
        "mechanisms.md §2.4",
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
        "mechanisms.md §2.1",
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
    """US review, perception and drift (mechanisms.md §2.4)."""

    win_set: float = param(
        0.6,
        0.0,
        1.0,
        "sanctions load",
        "w_US: the largest perceived load the US readily approves.",
        "mechanisms.md §5 range .4-.8",
    )
    veto_slope: float = param(
        10.0,
        0.0,
        50.0,
        "1/load",
        "k_v: slope of approval in (w_US - perceived load).",
        "mechanisms.md §5 range 5-20",
    )
    trust_slope: float = param(
        2.0,
        0.0,
        20.0,
        "1/trust",
        "k_tau: slope of approval in (trust - .5).",
        "mechanisms.md §5 range 0-5",
    )
    perception_bias: float = param(
        0.1,
        0.0,
        0.5,
        "sanctions load",
        "b_US: overestimate of the load at zero trust.",
        "mechanisms.md §5 range 0-.2",
    )
    perception_noise: float = param(
        0.2,
        0.0,
        1.0,
        "sanctions load",
        "sigma_0: perception noise s.d. at zero information.",
        "mechanisms.md §5 range .05-.4",
    )
    drift: float = param(
        0.005,
        0.0,
        0.2,
        "fraction",
        "epsilon: US drift toward the ROK per consultation.",
        "mechanisms.md §5 range 0-.1",
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
        "mechanisms.md §2.7: low under Trump",
    )
    decision_prob_wg: float = param(
        0.7,
        0.0,
        1.0,
        "probability",
        "pi_dec: a WG review reaches a decision.",
        "mechanisms.md §5 range .3-.9",
    )
    decision_prob_adhoc: float = param(
        0.4,
        0.0,
        1.0,
        "probability",
        "pi_adhoc: an ad hoc review reaches a decision.",
        "mechanisms.md §5 range .3-.9",
    )
    nsc_passthrough: float = param(
        0.4,
        0.0,
        1.0,
        "probability",
        "rho_US: what reaches the NSC reaches State.",
        "Pompeo's protest over the military agreement, blamed on a breakdown inside the US "
        "government [S001]; mechanisms.md §5 range .2-.9",
    )
