"""The model: the actors and institutions wired together, and the weekly schedule.

Citations "ODD §N" in the code point to section N of docs/model.md (the ODD protocol).

One step is one week. Dated shocks and the WG's agreement fire from Mesa's event list
half a week before their step; :meth:`WorkingGroupModel.step` then runs the phases of the
week in order, each an object of :mod:`sim.core.phases` given what it acts on.
"""

from __future__ import annotations

import secrets

import mesa

from sim.core.agents import BlueHouse, Dprk, DprkMode, Mofa, Mou, StateDepartment, Un1718Committee
from sim.core.channels import BilateralChannel, DgTalks, WorkingGroup
from sim.core.friction import Friction
from sim.core.government import RokGovernment
from sim.core.information import Information
from sim.core.ledgers import Ledgers, WeekTally
from sim.core.log import EventLog, EventRow
from sim.core.outputs import EVENT_COLUMNS, SERIES_COLUMNS, series_reporters
from sim.core.phases.bargaining import Bargaining
from sim.core.phases.consultation import Consultation, Venues
from sim.core.phases.dprk import DprkMoves
from sim.core.phases.generation import Generation
from sim.core.phases.implementation import Implementation
from sim.core.phases.institutions import Institutions
from sim.core.phases.record import Observed, Recorder
from sim.core.phases.routing import Routing
from sim.core.phases.un import UnDecisions
from sim.core.pipeline import Pipeline
from sim.core.proposals import Proposal, ProposalFactory
from sim.core.shocks import ScheduledShock, Targets, schedule_shocks
from sim.scenario import Scenario


class WorkingGroupModel(mesa.Model):
    """US–ROK policy coordination, with or without a working group.

    Constructed plainly it is an ordinary Mesa model: ``WorkingGroupModel(params, rng=1)``
    steps week by week with ``step()``, ``run_for`` or ``run_until``, and its
    ``datacollector`` records the weekly series (one row per week from week 0, the initial
    state), so ``mesa.batch_run``, SolaraViz and Mesa's plot components can drive it.
    :func:`sim.runs.runner.run` turns the collector off and keeps the series as plain rows.

    Args:
        params: A validated scenario (default: every field at its default).
        rng: The seed of every random draw (``model.random`` and ``model.rng``); a fresh
            one is drawn when None.
        seed: The same as ``rng`` (an alias; give one or neither).
        series: Keep the weekly series as plain rows (``model.series``).
        events: Keep the event log's rows (``model.events``). Off, the events are only
            counted: the rules and the outcome metrics read the counts, never the rows.
        collect: Give the model a Mesa ``DataCollector`` of the weekly series.
    """

    def __init__(
        self,
        params: Scenario | None = None,
        *,
        rng: int | None = None,
        seed: int | None = None,
        series: bool = True,
        events: bool = True,
        collect: bool = True,
    ) -> None:
        if seed is not None:
            if rng is not None:
                raise ValueError("give the seed as rng or as seed, not both")
            rng = seed
        if rng is None:
            rng = secrets.randbits(63)
        super().__init__(rng=rng)
        self.seed = rng
        self.params = params if params is not None else Scenario()
        self.n_weeks = self.params.calendar.n_weeks
        self.event_log = EventLog(record=events)
        self.tally = WeekTally()
        self._build_agents()
        self._build_institutions()
        self._build_phases(series)
        self._schedule()
        self.datacollector: mesa.DataCollector | None = None
        if collect:
            self._build_datacollector()

    # --- builders ----------------------------------------------------------------------

    def _build_agents(self) -> None:
        s = self.params
        a = s.actors
        self.factory = ProposalFactory(s.proposals, self.random)
        self.state = StateDepartment(self, a.state, s.us)
        self.mofa = Mofa(self, a.mofa)
        self.mou = Mou(self, a.mou, self.factory)
        self.blue_house = BlueHouse(self, a.blue_house, self.factory, s.rok, s.proposals)
        self.dprk = Dprk(self, a.dprk, s.dprk)
        self.un = Un1718Committee(self, s.un)
        self.government = RokGovernment(self.blue_house, self.mofa, self.mou, self.state, s.rok)

    def _build_institutions(self) -> None:
        s = self.params
        self.wg = WorkingGroup(s.working_group, s.legitimacy)
        self.dg = DgTalks(s.working_group.successor)
        self.channels = [BilateralChannel(c) for c in s.channels]
        self.information = Information(s.information)
        self.friction = Friction(
            self.state, self.blue_house, self.information, self.event_log, self.random, s.rok
        )
        self.pipeline = Pipeline(self.wg, self.dg, self.friction, self.event_log)
        self.ledgers = Ledgers(self.n_weeks, s.dprk.frustration_window_weeks)

    def _build_phases(self, series: bool) -> None:
        s, log, rnd = self.params, self.event_log, self.random
        pipeline, ledgers, tally = self.pipeline, self.ledgers, self.tally
        self.generation = Generation(
            self.mou, self.blue_house, self.government, self.factory, pipeline, ledgers,
            s.proposals,
        )  # fmt: skip
        self.bargaining = Bargaining(self.government, self.wg, tally, log, rnd, s.rok)
        self.routing = Routing(pipeline, self.wg, self.dg, self.blue_house, rnd, s.proposals, s.rok)
        self.consultation = Consultation(
            Venues(self.wg, self.dg, self.channels), pipeline, self.state, self.blue_house,
            self.un, self.information, self.government, self.friction, tally, log, rnd,
            s.us, s.working_group, s.proposals,
        )  # fmt: skip
        self.un_decisions = UnDecisions(self.un, pipeline, log)
        self.dprk_moves = DprkMoves(
            self.dprk, self.wg, self.state, self.blue_house, pipeline, ledgers, tally, log, s.dprk
        )
        self.implementation = Implementation(
            pipeline, self.mou, self.friction, ledgers, tally, log, s.proposals
        )
        self.institutions = Institutions(
            self.wg, self.dg, pipeline, self.state, self.dprk, self.un, self.government,
            self.friction, ledgers, tally, log, rnd, s.legitimacy, s.working_group, s.proposals,
        )  # fmt: skip
        observed = Observed(
            self.wg, self.state, self.mou, self.mofa, self.dprk, self.government,
            self.friction, self.information, pipeline, log,
        )  # fmt: skip
        self.recorder = Recorder(observed, ledgers, keep=series)

    def _schedule(self) -> None:
        s = self.params
        self.shock_targets = Targets(
            self.event_log, self.government, self.state, self.dprk, self.wg, self.generation,
            self.dprk_moves, s.dprk, s.legitimacy,
        )  # fmt: skip
        self.shocks: list[ScheduledShock] = schedule_shocks(
            self, self.shock_targets, s.shocks, s.calendar
        )
        wg = s.working_group
        if wg.establishment == "scheduled" and wg.agreed_on is not None:
            self.agreed_week = max(1, s.calendar.week_of(wg.agreed_on))
            self.schedule_event(self._agree_wg, at=self.agreed_week - 0.5)

    def _agree_wg(self) -> None:
        self.event_log.week = self.agreed_week
        self.institutions.establish(
            self.agreed_week, "the allies agree to set up the working group"
        )

    def _build_datacollector(self) -> None:
        # One reporter per series column, giving its value as the stored files hold it
        # (labels, flags), read from the week's observation made in step().
        self.datacollector = mesa.DataCollector(model_reporters=series_reporters())
        self.observation = self.recorder.observe(0)
        self.datacollector.collect(self)

    # --- the weekly schedule -------------------------------------------------------------

    def step(self) -> None:
        """One week; scheduled shocks have already fired (phase 1)."""
        week = self.event_log.week = self.steps
        self.generation.run(week)  # 2: new proposals
        self.bargaining.run(week)  # 3: ROK bargaining, every few weeks
        self.routing.run(week)  # 4: the Blue House routes the new items
        self.consultation.run(week)  # 5: WG and DG meetings, ad hoc contacts, US reviews
        self.un_decisions.run(week)  # 6: UN 1718 decisions
        self.dprk_moves.run(week)  # 7: the DPRK answers, denounces, provokes
        self.implementation.run(week)  # 8: implementation, surprises, stalls
        self.institutions.run(week)  # 9: trust, legitimacy, review, creation
        self.recorder.run(week)  # 10: the weekly series
        if self.datacollector is not None:
            self.observation = self.recorder.observe(week)
            self.datacollector.collect(self)
        if week >= self.n_weeks:
            self.running = False

    # --- outputs -------------------------------------------------------------------------

    @property
    def events(self) -> list[EventRow]:
        """The event log's rows (see ``EVENT_COLUMNS``); empty if not kept."""
        return self.event_log.rows

    @property
    def series(self) -> list[tuple[float, ...]]:
        """The weekly series' rows (see ``SERIES_COLUMNS``); empty if not kept."""
        return self.recorder.rows

    @property
    def proposals(self) -> list[Proposal]:
        """Every proposal of the run so far."""
        return self.pipeline.proposals

    def event_counts(self) -> dict[str, int]:
        """Events of each kind so far: the log's rows counted by kind, kept or not."""
        return self.event_log.nonzero_counts()


__all__ = ["EVENT_COLUMNS", "SERIES_COLUMNS", "DprkMode", "WorkingGroupModel"]
