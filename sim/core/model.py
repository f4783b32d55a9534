"""The model: the actors and institutions wired together, and the weekly schedule.

Citations "ODD §N" in the code point to section N of docs/model.md (the ODD protocol).

One step is one week. Dated shocks and the WG's agreement fire from Mesa's event list
half a week before their step; :meth:`WorkingGroupModel.step` then runs the stages of the
week in order, each a method of the agent or institution that acts in it.
"""

from __future__ import annotations

import secrets
from typing import Any

import mesa

from sim.core.agents import BlueHouse, Dprk, DprkMode, Mofa, Mou, StateDepartment, Un1718Committee
from sim.core.channels import Contacts, DgTalks
from sim.core.construction import scenario_with
from sim.core.friction import Friction
from sim.core.government import RokGovernment
from sim.core.information import Information
from sim.core.ledgers import Ledgers, WeekTally
from sim.core.log import EventLog, EventRow
from sim.core.outputs import EVENT_COLUMNS, SERIES_COLUMNS, series_reporters
from sim.core.pipeline import Pipeline
from sim.core.proposals import Proposal, ProposalFactory
from sim.core.record import Observed, Recorder
from sim.core.shocks import ScheduledShock, schedule_shocks
from sim.core.working_group import WorkingGroup
from sim.scenario import Scenario


class WorkingGroupModel(mesa.Model):
    """US–ROK policy coordination, with or without a working group.

    Constructed plainly it is an ordinary Mesa model: ``WorkingGroupModel(scenario, rng=1)``
    steps week by week with ``step()``, ``run_for`` or ``run_until``, and its
    ``datacollector`` records the weekly series (one row per week from week 0, the initial
    state), so ``mesa.batch_run``, SolaraViz and Mesa's plot components can drive it.
    Scenario fields can be given as keywords named by their paths, as Mesa's tools do::

        WorkingGroupModel(**{"working_group.scope": 0.2}, rng=1)
        mesa.batch_run(WorkingGroupModel, {"working_group.scope": [0.2, 0.8]}, rng=[1, 2])

    :func:`sim.runs.runner.run` turns the collector off and keeps the series as plain rows.

    Args:
        parameters: A validated scenario (default: every field at its default); kept as
            ``model.parameters``. Mesa's own ``model.scenario`` is Mesa's and holds only
            the seed.
        rng: The seed of every random draw (``model.random`` and ``model.rng``); a fresh
            one is drawn when None.
        seed: The same as ``rng`` (an alias; give one or neither).
        series: Keep the weekly series as plain rows (``model.series``).
        events: Keep the event log's rows (``model.events``). Off, the events are only
            counted: the weekly series and the outcome metrics read the counts, never the rows.
        collect: Give the model a Mesa ``DataCollector`` of the weekly series.
        scenario: Mesa's own scenario object, which SolaraViz's Reset passes; ignored
            (the seed is ``rng``, the parameters are ``parameters`` and ``**fields``).
        **fields: Scenario fields by path (``working_group.scope=0.2``), set on
            ``parameters`` and validated again.

    Raises:
        ScenarioError: A field path is unknown or its value out of bounds (the error
            names the field, the value and what is allowed).
    """

    def __init__(
        self,
        parameters: Scenario | None = None,
        *,
        rng: int | None = None,
        seed: int | None = None,
        series: bool = True,
        events: bool = True,
        collect: bool = True,
        scenario: object = None,
        **fields: Any,
    ) -> None:
        if seed is not None:
            if rng is not None:
                raise ValueError("give the seed as rng or as seed, not both")
            rng = seed
        if rng is None:
            rng = secrets.randbits(63)
        super().__init__(rng=rng)
        self.seed = rng
        self.parameters = scenario_with(parameters, fields)
        self.n_weeks = self.parameters.calendar.n_weeks
        self.event_log = EventLog(record=events)
        self.tally = WeekTally()
        self._build_agents()
        self._build_institutions()
        self.recorder = Recorder(
            Observed(
                self.wg, self.state, self.mou, self.mofa, self.dprk, self.government,
                self.friction, self.information, self.pipeline, self.event_log,
            ),
            self.ledgers,
            keep=series,
        )  # fmt: skip
        self._schedule()
        self.datacollector: mesa.DataCollector | None = None
        if collect:
            self._build_datacollector()

    # --- builders ----------------------------------------------------------------------

    def _build_agents(self) -> None:
        s = self.parameters
        a = s.actors
        self.factory = ProposalFactory(s.proposals, self.random)
        self.state = StateDepartment(self, a.state, s.us)
        self.mofa = Mofa(self, a.mofa)
        self.mou = Mou(self, a.mou, self.factory)
        self.blue_house = BlueHouse(self, a.blue_house, self.factory, s.rok, s.proposals)
        self.dprk = Dprk(self, a.dprk, s.dprk)
        self.un = Un1718Committee(self, s.un)
        self.government = RokGovernment(self, s.rok)

    def _build_institutions(self) -> None:
        s = self.parameters
        self.wg = WorkingGroup(self, s.working_group, s.legitimacy)
        self.dg = DgTalks(self, s.working_group.successor)
        self.contacts = Contacts(self, s.channels)
        self.information = Information(s.information)
        self.friction = Friction(self, s.rok)
        self.pipeline = Pipeline(self)
        self.ledgers = Ledgers(self.n_weeks, s.dprk.frustration_window_weeks)

    def _schedule(self) -> None:
        s = self.parameters
        self.shocks: list[ScheduledShock] = schedule_shocks(self, s.shocks, s.calendar)
        wg = s.working_group
        if wg.establishment == "scheduled" and wg.agreed_on is not None:
            self.agreed_week = max(1, s.calendar.week_of(wg.agreed_on))
            self.schedule_event(self._agree_wg, at=self.agreed_week - 0.5)

    def _agree_wg(self) -> None:
        self.event_log.week = self.agreed_week
        self.wg.establish(self.agreed_week, "the allies agree to set up the working group")

    def _build_datacollector(self) -> None:
        # One reporter per series column, giving its value as the stored files hold it
        # (labels, flags), read from the week's observation made in step().
        self.datacollector = mesa.DataCollector(model_reporters=series_reporters())
        self.observation = self.recorder.observe(0)
        self.datacollector.collect(self)

    # --- the weekly schedule -------------------------------------------------------------

    def step(self) -> None:
        """One week; scheduled shocks have already fired (stage 1)."""
        week = self.event_log.week = self.steps
        self.government.propose(week)  # 2: the MOU and the Blue House propose new items
        self.government.bargain(week)  # 3: ROK bargaining, every few weeks
        self.blue_house.route(week)  # 4: the Blue House routes the new items
        self.consult(week)  # 5: WG and DG meetings, ad hoc contacts; State reviews
        self.un.decide(week)  # 6: UN 1718 decisions
        self.dprk.act(week)  # 7: the DPRK answers, denounces, provokes
        self.pipeline.implement(week)  # 8: implementation, surprises, stalls
        self.take_stock(week)  # 9: trust, frustration, legitimacy, review, creation
        self.recorder.run(week)  # 10: the weekly series
        if self.datacollector is not None:
            self.observation = self.recorder.observe(week)
            self.datacollector.collect(self)
        if week >= self.n_weeks:
            self.running = False

    def consult(self, week: int) -> None:
        """Stage 5: the WG and DG talks meet when due, ad hoc contacts; information decays."""
        self.wg.meet(week)
        self.dg.meet(week)
        self.contacts.make(week)
        self.information.decay()

    def take_stock(self, week: int) -> None:
        """Stage 9: trust recovers, the DPRK weighs pledges, the WG's week; the week closes."""
        self.state.recover_trust()
        self.friction.recover()
        self.dprk.weigh_pledges(week)
        self.wg.take_stock(week)
        self.tally.clear()

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
