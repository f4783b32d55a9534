"""The pipeline: where every proposal waits, and :meth:`Pipeline.send` that moves it.

New items wait in the inbox for routing; routed ones are in flight until they end. An
item consulted on waits in the queue of its route (the WG's, DG talks', or the ad hoc
channels' shared queue); an approved or unilateral one waits for the DPRK's answer, and
an accepted one for implementation (docs/model.md, process overview).
"""

from __future__ import annotations

from sim.core.channels import DgTalks, WorkingGroup
from sim.core.friction import Friction
from sim.core.log import EventLog
from sim.core.proposals import TERMINAL, Proposal, Route, Status


def without_terminal(queue: list[Proposal]) -> list[Proposal]:
    """``queue`` itself if no item in it has ended, else a copy without those items."""
    for p in queue:
        if p.status in TERMINAL:
            return [p for p in queue if p.status not in TERMINAL]
    return queue


class Pipeline:
    """The run's proposals and the queues they wait in.

    Args:
        wg: The working group (its queue).
        dg: DG-level talks (their queue).
        friction: Checks a unilateral move for a surprise as it is announced.
        log: The event log.

    Attributes:
        proposals: Every proposal of the run, in order of creation.
        inbox: New items, routed this week.
        in_flight: Routed items that have not ended.
        bilateral: Items waiting for an ad hoc contact that reaches State.
        dprk_pending: Items offered to the DPRK, waiting for its answer.
        accepted: Items the DPRK accepted this week, implemented this week.
    """

    def __init__(self, wg: WorkingGroup, dg: DgTalks, friction: Friction, log: EventLog) -> None:
        self.wg = wg
        self.dg = dg
        self.friction = friction
        self.log = log
        self.proposals: list[Proposal] = []
        self.inbox: list[Proposal] = []
        self.in_flight: list[Proposal] = []
        self.bilateral: list[Proposal] = []
        self.dprk_pending: list[Proposal] = []
        self.accepted: list[Proposal] = []

    def add(self, p: Proposal) -> None:
        """A new item: recorded and put in the inbox."""
        self.proposals.append(p)
        self.inbox.append(p)
        self.log("created", p.origin, p, p.label)

    def send(self, p: Proposal, route: Route, week: int) -> None:
        """Send ``p`` along ``route``: its status, its queue and the event log."""
        new = p.t_routed < 0
        if new:
            p.t_routed = week
        p.route = route
        match route:
            case Route.WG:
                p.status = Status.US_REVIEW
                self.wg.queue.append(p)
            case Route.BILATERAL:
                p.status = Status.US_REVIEW
                self.bilateral.append(p)
            case Route.DG:
                p.status = Status.US_REVIEW
                self.dg.queue.append(p)
            case Route.UNILATERAL:
                self.offer(p)
            case Route.SHELVED:
                p.status = Status.SHELVED
                p.t_done = week
                self.log("shelved", "Blue House", p)
                return
            case _:
                raise ValueError(f"cannot send a proposal along route {route!r}")
        self.log("routed", "Blue House", p)
        if new:
            self.in_flight.append(p)
        # Going ahead alone is announced: the US may be surprised by the announcement,
        # which follows the routing it is about (docs/events.md).
        if route == Route.UNILATERAL:
            self.friction.check_surprise(p, week, announced=True)

    def offer(self, p: Proposal) -> None:
        """Offer ``p`` to the DPRK."""
        p.status = Status.DPRK_PENDING
        self.dprk_pending.append(p)

    def drop_ended(self) -> None:
        """Take items that have ended (stalled, say) out of the consultation queues."""
        if self.wg.queue:
            self.wg.queue = without_terminal(self.wg.queue)
        if self.bilateral:
            self.bilateral = without_terminal(self.bilateral)
        if self.dg.queue:
            self.dg.queue = without_terminal(self.dg.queue)
