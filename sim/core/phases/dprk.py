"""Phase 7 of the week: the DPRK's mode, answers to offers, denunciations and progress.

The DPRK engages while the US–DPRK track is open and otherwise plays a wedge strategy
(Crawford 2011): it rewards the ROK's offers and denounces the institution that binds the
allies. A denunciation is a salient act that answers an occasion — the WG's launch, a
WG veto or delay made public in a dispute, a breakdown of talks, a crisis [S002, S004] — so the
occasions add to a grievance that a denunciation spends and that otherwise fades
(docs/model.md §7, DPRK); frustration with undelivered pledges may end in a provocation.
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
        ledgers: The latest denunciation.
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
        self.grievance = 0.0  # G: the WG's unanswered occasions
        self.occasion = ""  # the largest occasion since the last denunciation
        self._occasion_size = 0.0
        self._launched = False
        self._disputes_seen = 0

    def grieve(self, amount: float, occasion: str) -> None:
        """An occasion for a denunciation while the WG exists: G += amount."""
        if not self.wg.active or amount <= 0.0:
            return
        self.grievance += amount
        if amount > self._occasion_size:
            self.occasion, self._occasion_size = occasion, amount

    def breakdown(self, name: str) -> None:
        """The US–DPRK track breaks down (a shock or a lapse).

        From the first breakdown on, the DPRK accepts fewer of Seoul's offers (a5), in
        either variant: the turn is Pyongyang's, not the WG's.
        """
        self.dprk.turned = True
        self.grieve(self.params.visibility_breakdown, f"after {name}")

    def run(self, week: int) -> None:
        """Mode, a provocation from frustration, answers, a denunciation, progress."""
        dprk, d = self.dprk, self.params
        if dprk.update_mode(week):
            self.log("track_closed", "DPRK", detail="the reopened track lapses")
            self.breakdown("the lapse of the reopened talks")
        if d.endogenous_provocation and dprk.frustration > d.frustration_threshold:
            self.provocation(week, "frustration with undelivered pledges")
        if self.pipeline.dprk_pending:
            self.answer_offers(week)
        if self.wg.active:
            self.denunciation(week)
        if dprk.track_open or dprk.mode == DprkMode.COERCE:  # otherwise the DPI stays put
            dprk.progress(self.state.position[Q])

    def provocation(self, week: int, name: str) -> None:
        """A major provocation (scheduled or from frustration): it opens a review window."""
        self.dprk.provoke(week)
        self.log("provocation", "DPRK", detail=name)
        self.grieve(self.params.visibility_crisis, f"with {name}")
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

    def denunciation(self, week: int) -> None:
        """New occasions add to G; a denunciation spends it; what is left fades (ODD §7)."""
        d = self.params
        if not self._launched:
            self._launched = True
            self.grieve(d.visibility_launch, "at its launch")
        # What Pyongyang sees of the WG's vetoes and delays is what becomes public in
        # Seoul: the disputes over "interference" since last week.
        disputes = self.log.counts["dispute"]
        visible = disputes - self._disputes_seen
        self._disputes_seen = disputes
        self.grieve(d.visibility_per_item * visible, "over a WG veto or delay")
        if self.dprk.denounces(self.grievance + d.visibility_base):
            self.ledgers.last_denunciation_week = week
            if self.ledgers.first_denunciation_week < 0:
                self.ledgers.first_denunciation_week = week
            self.tally.denunciations += 1
            self.log("denunciation", "DPRK", detail=f"denounces the working group {self.occasion}")
            self.grievance, self.occasion, self._occasion_size = 0.0, "", 0.0
        else:
            self.grievance *= 1.0 - d.grievance_decay
