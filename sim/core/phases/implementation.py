"""Phase 8 of the week: accepted items are implemented; stuck items stall (ODD §7).

An implemented alliance-sensitive item the US was not told of may surprise it (Snyder:
entrapment); WG items pending past the MOU's patience count against the WG and may
become public disputes [S002, S003].
"""

from __future__ import annotations

from sim.core.agents import Mou
from sim.core.friction import Friction
from sim.core.ledgers import Ledgers, WeekTally
from sim.core.log import EventLog
from sim.core.pipeline import Pipeline
from sim.core.proposals import TERMINAL, Route, Status
from sim.scenario import Proposals

_STALLABLE = frozenset({Status.US_REVIEW, Status.DPRK_PENDING})


class Implementation:
    """Implementation, then the weekly sweep of items in flight.

    Args:
        pipeline: The pipeline.
        mou: The MOU (its patience and backlog).
        friction: Surprise and dispute checks.
        ledgers: Counts the items delivered each week.
        tally: This week's sums (overdue WG items).
        log: The event log.
        params: The scenario's ``proposals`` section.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        mou: Mou,
        friction: Friction,
        ledgers: Ledgers,
        tally: WeekTally,
        log: EventLog,
        params: Proposals,
    ) -> None:
        self.pipeline = pipeline
        self.mou = mou
        self.friction = friction
        self.ledgers = ledgers
        self.tally = tally
        self.log = log
        self.params = params

    def run(self, week: int) -> None:
        """Implement this week's accepted items, then sweep."""
        accepted = self.pipeline.accepted
        for p in accepted:
            p.status = Status.IMPLEMENTED
            p.t_done = week
            self.ledgers.delivered[week] += 1
            self.log("implemented", "Blue House" if p.origin == "BH" else "MOU", p)
            self.friction.check_surprise(p, week)
        accepted.clear()
        self.sweep(week)

    def sweep(self, week: int) -> None:
        """Stall items stuck too long; count overdue WG items and the MOU's backlog."""
        stall = self.params.stall_weeks
        patience = self.mou.patience_weeks
        overdue = backlog = 0
        keep = []
        for p in self.pipeline.in_flight:
            status = p.status
            if status in TERMINAL:
                continue
            age = week - p.t_routed
            if age > stall and status in _STALLABLE:
                p.status = Status.STALLED
                p.t_done = week
                self.log("stalled", "Blue House", p, f"no resolution after {age} weeks")
                continue
            keep.append(p)
            if age > patience:
                if p.origin != "BH":
                    backlog += 1
                if status == Status.US_REVIEW and p.route == Route.WG:
                    overdue += 1
                    if not p.dispute_checked and p.sigma < self.params.un_threshold:
                        self.friction.check_dispute(p, f"pending {age} weeks in the WG")
        self.pipeline.in_flight = keep
        # Stalled items leave the queues: they neither count toward an ad hoc meeting
        # (queue_trigger) nor get reviewed.
        self.pipeline.drop_ended()
        self.mou.backlog = backlog
        self.tally.overdue = overdue
