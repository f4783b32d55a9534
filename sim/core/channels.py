"""Coordination channels: the working group, its DG-level successor, ad hoc contacts.

The working group (WG) is Keohane's information-supplying institution and Tsebelis's
added veto point at once: its meetings disclose every queued ROK item to the US, raise
information quality, jointly vet items (less sanctions risk, less value to the DPRK) and
co-sponsor UN exemption requests [S001, S004]. Without it, a few bilateral channels make
random contacts (Chung–Bolton, Kang–Pompeo, Lee–Biegun [S001]) and disclosure falls as
preferences diverge (Crawford–Sobel cheap talk).
"""

from __future__ import annotations

from enum import IntEnum

from sim.core.proposals import Proposal
from sim.scenario import Channel, Legitimacy, Successor, WorkingGroupParams


class WgPhase(IntEnum):
    """Life stage of the working group."""

    ABSENT = 0
    ACTIVE = 1
    TERMINATED = 2


class WorkingGroup:
    """The US–ROK working group: cadence, queue, legitimacy and review windows.

    Args:
        params: The scenario's ``working_group`` section.
        legitimacy: The scenario's ``legitimacy`` section.
    """

    def __init__(self, params: WorkingGroupParams, legitimacy: Legitimacy) -> None:
        self.params = params
        self.legitimacy_params = legitimacy
        self.phase = WgPhase.ABSENT
        # Whether the WG exists and takes items (phase ACTIVE); establish() and
        # terminate() set it with the phase.
        self.active = False
        self.scope = params.scope  # narrowed by reforms
        self.queue: list[Proposal] = []
        self.legitimacy = legitimacy.initial
        self.created_week = -1
        self.first_meeting_week = -1  # when the first meeting is due
        self.met_week = -1  # when the first meeting was held
        self.last_meeting = -1
        self.terminated_week = -1
        self.meetings = 0
        self.window_until = -1
        self.window_used = False

    def establish(self, week: int) -> None:
        """Agree to set the WG up; the first meeting follows after the launch lag."""
        self.phase = WgPhase.ACTIVE
        self.active = True
        self.created_week = week
        self.first_meeting_week = week + self.params.first_meeting_lag_weeks

    def meeting_due(self, week: int) -> bool:
        """Regular: every k weeks; ad hoc: when the queue fills or the gap grows too long."""
        if week < self.first_meeting_week:
            return False
        if self.last_meeting < 0:
            return True
        gap = week - self.last_meeting
        spec = self.params
        if spec.cadence == "regular":
            return gap >= spec.regular_interval_weeks
        return len(self.queue) >= spec.queue_trigger or gap >= spec.max_gap_weeks

    def open_window(self, week: int, length: int) -> None:
        """A leadership change or a DPRK shock opens a review window (ODD §7)."""
        until = week + length - 1
        if until > self.window_until:
            if self.window_until < week:
                self.window_used = False
            self.window_until = until

    def in_window(self, week: int) -> bool:
        """Whether a review window is open in ``week``."""
        return week <= self.window_until

    def reform(self) -> None:
        """A reform: some legitimacy restored, scope narrowed (the MOU's demand [S003])."""
        lp = self.legitimacy_params
        self.legitimacy = min(1.0, self.legitimacy + lp.reform_boost)
        self.scope *= lp.reform_scope_factor

    def terminate(self, week: int) -> list[Proposal]:
        """End the WG; returns the items still in its queue."""
        self.phase = WgPhase.TERMINATED
        self.active = False
        self.terminated_week = week
        left, self.queue = self.queue, []
        return left


class DgTalks:
    """Director-general-level talks after the WG: regular, sanctioned items only [S002].

    Args:
        params: The WG's ``successor`` section.
    """

    def __init__(self, params: Successor) -> None:
        self.params = params
        self.active = False
        self.started = -1
        self.last_meeting = -1
        self.queue: list[Proposal] = []

    def start(self, week: int) -> None:
        """Begin meeting after the WG ends."""
        self.active = True
        self.started = week
        self.last_meeting = week

    def meeting_due(self, week: int) -> bool:
        """Every ``interval`` weeks."""
        return self.active and week - self.last_meeting >= self.params.interval_weeks


class BilateralChannel:
    """An ad hoc envoy-level or minister-level channel [S001].

    Args:
        spec: Its scenario entry.
    """

    __slots__ = ("name", "rate", "reach", "via_nsc")

    def __init__(self, spec: Channel) -> None:
        self.name = spec.name
        self.rate = spec.contacts_per_week
        self.via_nsc = spec.via_nsc
        self.reach = spec.reach


def legitimacy_step(
    lp: Legitimacy,
    level: float,
    *,
    approved_value: float,
    overdue: int,
    vetoes: int,
    denunciations: int,
    pressure: float,
    challenges: int,
) -> tuple[float, float, float]:
    """One week of WG legitimacy (docs/model.md §7, Legitimacy and termination).

    ``L' = L + eta_a*sum(v) - L*min(1, eta_d*B + eta_v*V + eta_n*Den*(1 + D) + eta_c*Ch)
    + eta_r*(L0 - L)``, clipped to [0, 1]. Each loss is a share of the legitimacy left:
    a criticism turns a share of those who still back the WG, and those already against
    it cannot be lost twice, so L declines without pinning at 0 (docs/model.md §7).

    Args:
        lp: The legitimacy parameters.
        level: Current legitimacy L.
        approved_value: Value to the ROK of items approved via the WG this week.
        overdue: WG items pending longer than the MOU's patience (B).
        vetoes: Vetoes attributed to the WG this week (V).
        denunciations: DPRK denunciations this week (Den).
        pressure: ROK domestic pressure D.
        challenges: MOU challenges and ruling-party criticisms this week (Ch).

    Returns:
        The new level, the loss due to denunciations, and the total of all losses.
    """
    den_share = lp.denunciation_loss * denunciations * (1.0 + pressure)
    shares = (
        lp.overdue_loss * overdue
        + lp.veto_loss * vetoes
        + den_share
        + lp.challenge_loss * challenges
    )
    scale = level / shares if shares > 1.0 else level  # at most all of L is lost
    den_loss, losses = den_share * scale, shares * scale
    new = level + lp.approval_gain * approved_value - losses + lp.reversion * (lp.initial - level)
    new = 0.0 if new < 0.0 else 1.0 if new > 1.0 else new
    return new, den_loss, losses
