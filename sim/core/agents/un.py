"""The UN Security Council's 1718 Committee: it decides exemption requests (ODD §7, UN)."""

from __future__ import annotations

import mesa

from sim.core.agents.base import Actor
from sim.core.proposals import Proposal, Status, geometric
from sim.scenario import Un


class Un1718Committee(Actor):
    """Decides exemption requests with a lag; approved items are offered to the DPRK.

    Args:
        model: The model.
        params: The scenario's ``un`` section.

    Attributes:
        due: The requests pending, by the week of their decision.
    """

    def __init__(self, model: mesa.Model, params: Un) -> None:
        super().__init__(model)
        self.params = params
        self.due: dict[int, list[Proposal]] = {}

    def _lag(self, *, cosponsored: bool) -> int:
        """Weeks to a decision: m + X, X geometric on {0, 1, ...} with mean l (ODD §7, UN).

        m and l are the minimum and mean extra lag of the request's kind; a lag of 0
        means a decision in the week the request is filed (decisions follow the reviews).
        """
        un = self.params
        if cosponsored:
            least, mean = un.min_lag_cosponsored_weeks, un.lag_cosponsored_weeks
        else:
            least, mean = un.min_lag_standard_weeks, un.lag_standard_weeks
        return least + geometric(self.random, 1.0 / (1.0 + mean)) - 1

    def submit(self, p: Proposal, week: int, *, cosponsored: bool) -> None:
        """Queue an exemption request; the decision comes m + X weeks later (see ``_lag``)."""
        lag = self._lag(cosponsored=cosponsored)
        p.status = Status.UN_PENDING
        p.t_un_submit = week
        p.un_cosponsored = cosponsored
        self.due.setdefault(week + lag, []).append(p)

    def cosponsor_pending(self, week: int) -> list[Proposal]:
        """The US co-sponsors requests already pending; the decision may come sooner.

        Each request not yet co-sponsored gets a co-sponsored lag drawn from ``week``;
        its decision week becomes the earlier of the two. Returns the requests taken up.
        """
        taken: list[Proposal] = []
        moved: dict[int, list[Proposal]] = {}
        for due, items in list(self.due.items()):
            keep = []
            for p in items:
                if p.un_cosponsored:
                    keep.append(p)
                    continue
                p.un_cosponsored = True
                # At least next week: the takeover may come after this week's decisions.
                lag = max(1, self._lag(cosponsored=True))
                moved.setdefault(min(due, week + lag), []).append(p)
                taken.append(p)
            self.due[due] = keep
        for due, items in moved.items():
            self.due.setdefault(due, []).extend(items)
        return taken

    def decide(self, week: int) -> None:
        """This week's decisions: exempted items are offered to the DPRK, rejected ones end.

        A request for an item the sanctions regime rules out (``barred``) is rejected.
        """
        items = self.due.pop(week, None)
        if not items:  # most weeks have none
            return
        un, log, rnd = self.params, self.model.event_log, self.random
        dprk = self.model.dprk
        for p in items:
            # The Committee exempts nothing the resolutions ban outright (joint ventures,
            # bulk cash): a barred item's request is rejected without a draw.
            prob = un.approval_cosponsored if p.un_cosponsored else un.approval_standard
            approved = not p.barred and rnd.random() < prob
            p.t_un = week
            if approved:
                p.exempted = True
                log("un_approved", "UN 1718", p, "co-sponsored" if p.un_cosponsored else "")
                dprk.offer(p)
            else:
                p.status = Status.UN_REJECTED
                p.t_done = week
                log("un_rejected", "UN 1718", p)
