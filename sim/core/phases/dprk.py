"""Phase 7 of the week: the DPRK's mode, answers to offers, denunciations and progress.

The DPRK engages while the US–DPRK track is open and otherwise plays a wedge strategy
(Crawford 2011): it rewards the ROK's offers and denounces the institution that binds the
allies, the more so the more visible the WG is [S004]; frustration with undelivered
pledges may end in a provocation (docs/model.md §7, DPRK).
"""

from __future__ import annotations

from sim.core.agents import BlueHouse, Dprk, DprkMode, Q, StateDepartment
from sim.core.channels import WorkingGroup
from sim.core.ledgers import Ledgers, WeekTally
from sim.core.log import EventLog
from sim.core.phases.institutions import open_window
from sim.core.pipeline import Pipeline
from sim.core.proposals import TERMINAL, Status
from sim.scenario import DprkParams


class DprkMoves:
    """What the DPRK does in a week.

    Args:
        dprk: The DPRK.
        wg: The working group (denounced while it exists).
        state: The State Department (its sequencing position drives progress).
        blue_house: The Blue House (it learns how often the DPRK accepts).
        pipeline: The pipeline (pending offers).
        ledgers: The WG's recent vetoes and deferrals; the latest denunciation.
        tally: This week's sums.
        log: The event log.
        params: The scenario's ``dprk`` section.
    """

    def __init__(
        self,
        dprk: Dprk,
        wg: WorkingGroup,
        state: StateDepartment,
        blue_house: BlueHouse,
        pipeline: Pipeline,
        ledgers: Ledgers,
        tally: WeekTally,
        log: EventLog,
        params: DprkParams,
    ) -> None:
        self.dprk = dprk
        self.wg = wg
        self.state = state
        self.blue_house = blue_house
        self.pipeline = pipeline
        self.ledgers = ledgers
        self.tally = tally
        self.log = log
        self.params = params

    def run(self, week: int) -> None:
        """Mode, a provocation from frustration, answers, a denunciation, progress."""
        dprk, d = self.dprk, self.params
        if dprk.update_mode(week):
            self.log("track_closed", "DPRK", detail="the reopened track lapses")
        if d.endogenous_provocation and dprk.frustration > d.frustration_threshold:
            self.provocation(week, "frustration with undelivered pledges")
        if self.pipeline.dprk_pending:
            self.answer_offers(week)
        if self.wg.active and dprk.denounces(self.visibility(week)):
            self.ledgers.last_denunciation_week = week
            self.tally.denunciations += 1
            self.log("denunciation", "DPRK", detail="denounces the working group")
        if dprk.track_open or dprk.mode == DprkMode.COERCE:  # otherwise the DPI stays put
            dprk.progress(self.state.position[Q])

    def provocation(self, week: int, name: str) -> None:
        """A major provocation (scheduled or from frustration): it opens a review window."""
        self.dprk.provoke(week)
        self.log("provocation", "DPRK", detail=name)
        open_window(self.wg, self.log, week, self.params.provocation_window_weeks, f"after {name}")

    def answer_offers(self, week: int) -> None:
        """The DPRK's answers to the pending offers; unanswered ones stay pending."""
        accept = self.blue_house.dprk_accept
        keep = []
        for p in self.pipeline.dprk_pending:
            if p.status in TERMINAL:
                continue
            answer = self.dprk.respond(p)
            if answer == 2:
                keep.append(p)
                continue
            p.t_dprk = week
            accept.add(week, 1.0 if answer == 1 else 0.0)
            if answer == 1:
                self.pipeline.accepted.append(p)
                self.log("dprk_accepted", "DPRK", p)
            else:
                p.status = Status.DPRK_REJECTED if answer == -1 else Status.STALLED
                p.t_done = week
                self.log("dprk_rejected" if answer == -1 else "dprk_ignored", "DPRK", p)
        self.pipeline.dprk_pending = keep

    def visibility(self, week: int) -> float:
        """V_WG: high just after launch, then grows with recent WG vetoes and deferrals."""
        d = self.params
        if week < self.wg.created_week + d.visibility_launch_weeks:
            return d.visibility_launch
        # WG vetoes and deferrals of the visibility_window_weeks weeks before this one.
        return d.visibility_base + d.visibility_per_item * self.ledgers.recent_flags.upto(week)
