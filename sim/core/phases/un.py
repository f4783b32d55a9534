"""Phase 6 of the week: the UN 1718 Committee's decisions on exemption requests (ODD §7)."""

from __future__ import annotations

from sim.core.agents import Un1718Committee
from sim.core.log import EventLog
from sim.core.pipeline import Pipeline
from sim.core.proposals import Status


class UnDecisions:
    """Exempted items are offered to the DPRK; rejected ones end.

    Args:
        un: The committee.
        pipeline: The pipeline.
        log: The event log.
    """

    def __init__(self, un: Un1718Committee, pipeline: Pipeline, log: EventLog) -> None:
        self.un = un
        self.pipeline = pipeline
        self.log = log

    def run(self, week: int) -> None:
        """The decisions due this week."""
        if week not in self.un.due:  # most weeks have none
            return
        for p, approved in self.un.decide(week):
            p.t_un = week
            if approved:
                p.exempted = True
                self.log("un_approved", "UN 1718", p, "co-sponsored" if p.un_cosponsored else "")
                self.pipeline.offer(p)
            else:
                p.status = Status.UN_REJECTED
                p.t_done = week
                self.log("un_rejected", "UN 1718", p)
