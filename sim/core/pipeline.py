"""The pipeline: every proposal, where it waits, what moves it (docs/model.md, process overview).

New items wait in the inbox for the Blue House to route them; routed ones are in flight
until they end. An item consulted on waits in the queue of its route (the WG's, DG
talks' or the ad hoc contacts'); an approved or unilateral one is offered to the DPRK,
and an accepted one waits here to be implemented. Implemented alliance-sensitive items
the US was not told of may surprise it (Snyder: entrapment); WG items pending past the
MOU's patience count against the WG and may become public disputes [S002, S003].
"""

from __future__ import annotations

from typing import Any

import mesa

from sim.core.proposals import TERMINAL, Proposal, Route, Status

_STALLABLE = frozenset({Status.US_REVIEW, Status.DPRK_PENDING})


def without_terminal(queue: list[Proposal]) -> list[Proposal]:
    """``queue`` itself if no item in it has ended, else a copy without those items."""
    for p in queue:
        if p.status in TERMINAL:
            return [p for p in queue if p.status not in TERMINAL]
    return queue


class Pipeline:
    """The run's proposals, the inbox, the items in flight and those accepted.

    Args:
        model: The model.

    Attributes:
        proposals: Every proposal of the run, in order of creation.
        inbox: New items, routed this week.
        in_flight: Routed items that have not ended.
        accepted: Items the DPRK accepted this week, implemented this week.
    """

    def __init__(self, model: mesa.Model) -> None:
        self.model: Any = model
        self.proposals: list[Proposal] = []
        self.inbox: list[Proposal] = []
        self.in_flight: list[Proposal] = []
        self.accepted: list[Proposal] = []

    def add(self, p: Proposal, week: int) -> None:
        """A new item: counted as the week's pledge, recorded and put in the inbox."""
        self.model.ledgers.created[week] += 1
        self.proposals.append(p)
        self.inbox.append(p)
        self.model.event_log("created", p.origin, p, p.label)

    def send(self, p: Proposal, route: Route, week: int) -> None:
        """Send ``p`` along ``route``: its status, its queue and the event log."""
        model = self.model
        new = p.t_routed < 0
        if new:
            p.t_routed = week
        p.route = route
        match route:
            case Route.WG:
                p.status = Status.US_REVIEW
                model.wg.queue.append(p)
            case Route.BILATERAL:
                p.status = Status.US_REVIEW
                model.contacts.queue.append(p)
            case Route.DG:
                p.status = Status.US_REVIEW
                model.dg.queue.append(p)
            case Route.UNILATERAL:
                model.dprk.offer(p)
            case Route.SHELVED:
                p.status = Status.SHELVED
                p.t_done = week
                why = "ruled out by UN sanctions until they are lifted" if p.barred else ""
                model.event_log("shelved", "Blue House", p, why)
                return
            case _:
                raise ValueError(f"cannot send a proposal along route {route!r}")
        model.event_log("routed", "Blue House", p)
        if new:
            self.in_flight.append(p)
        # Going ahead alone is announced: the US may be surprised by the announcement,
        # which follows the routing it is about (docs/events.md).
        if route == Route.UNILATERAL:
            model.friction.check_surprise(p, week, announced=True)

    def implement(self, week: int) -> None:
        """Implement this week's accepted items, then sweep the items in flight."""
        model = self.model
        delivered, log, friction = model.ledgers.delivered, model.event_log, model.friction
        accepted = self.accepted
        for p in accepted:
            p.status = Status.IMPLEMENTED
            p.t_done = week
            delivered[week] += 1
            log("implemented", "Blue House" if p.origin == "BH" else "MOU", p)
            friction.check_surprise(p, week)
        accepted.clear()
        self.sweep(week)

    def sweep(self, week: int) -> None:
        """Stall items stuck too long; count overdue WG items and the MOU's backlog."""
        model = self.model
        spec = model.parameters.proposals
        stall, threshold = spec.stall_weeks, spec.un_threshold
        mou = model.mou
        patience = mou.patience_weeks
        overdue = backlog = 0
        keep = []
        for p in self.in_flight:
            status = p.status
            if status in TERMINAL:
                continue
            age = week - p.t_routed
            if age > stall and status in _STALLABLE:
                p.status = Status.STALLED
                p.t_done = week
                model.event_log("stalled", "Blue House", p, f"no resolution after {age} weeks")
                continue
            keep.append(p)
            if age > patience:
                if p.origin != "BH":
                    backlog += 1
                if status == Status.US_REVIEW and p.route == Route.WG:
                    overdue += 1
                    if not p.dispute_checked and p.sigma < threshold:
                        model.friction.check_dispute(p, f"pending {age} weeks in the WG")
        self.in_flight = keep
        # Stalled items leave the queues: they neither count toward an ad hoc meeting
        # (queue_trigger) nor get reviewed.
        self.drop_ended()
        mou.backlog = backlog
        model.tally.overdue = overdue

    def drop_ended(self) -> None:
        """Take items that have ended (stalled, say) out of the consultation queues."""
        for venue in (self.model.wg, self.model.contacts, self.model.dg):
            if venue.queue:
                venue.queue = without_terminal(venue.queue)
