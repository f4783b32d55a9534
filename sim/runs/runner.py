"""One run: a scenario and a seed in, a result out.

:func:`run` is the single entry point that the CLI, batches, calibration, sensitivity
analysis, the page and the tests all use. It runs in stages (build, run, extract); an
error in a stage is wrapped in :class:`~sim.errors.RunError` naming the stage, scenario
and seed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.core.model import WorkingGroupModel
from sim.core.outputs import EVENT_COLUMNS, SERIES_COLUMNS
from sim.core.proposals import ROUTE_NAMES, Proposal
from sim.errors import RunError, WgsimError
from sim.runs.metrics import summarize
from sim.scenario import PROPOSAL_TYPES, DomesticPressureEffect, Scenario, SummitEffect


def dated(frame: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """``frame`` with its ``date`` column (re)made: the Monday that starts each row's week."""
    frame = frame.drop(columns=["date"], errors="ignore")
    date = pd.Timestamp(start) + pd.to_timedelta((frame["week"].astype(int) - 1) * 7, unit="D")
    frame.insert(1, "date", date)
    return frame


def events_frame(rows: list[tuple[Any, ...]], start: dt.date) -> pd.DataFrame:
    """Event-log tuples as a dated frame: week, date, kind, actor, proposal_id, ..."""
    return dated(pd.DataFrame(rows, columns=list(EVENT_COLUMNS)), start)


def series_frame(rows: list[tuple[float, ...]], start: dt.date) -> pd.DataFrame:
    """Weekly series rows as a dated frame (an empty frame with the columns if no rows)."""
    df = pd.DataFrame(rows, columns=list(SERIES_COLUMNS), dtype=float)
    df["week"] = df["week"].astype(int)
    return dated(df, start)


@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        scenario: The scenario's name.
        variant: The variant's name ("" when run outside a file).
        seed: The seed.
        start: The calendar's first Monday (for dating weeks).
        metrics: Outcome metrics (see :mod:`sim.runs.metrics`).
        events: The event log as tuples (see ``EVENT_COLUMNS``); empty if not kept.
        series: Weekly series rows (see ``SERIES_COLUMNS``); empty in summary mode.
        proposals: Every proposal of the run in its final state.
    """

    scenario: str
    variant: str
    seed: int
    start: dt.date
    metrics: dict[str, float]
    events: list[tuple[int, str, str, int, str, str, str]] = field(repr=False)
    series: list[tuple[float, ...]] = field(repr=False)
    proposals: list[Proposal] = field(repr=False)

    def events_frame(self) -> pd.DataFrame:
        """The event log: week, date, kind, actor, proposal_id, proposal_type, route, detail."""
        return events_frame(self.events, self.start)

    def series_frame(self) -> pd.DataFrame:
        """The weekly series with a date column."""
        return series_frame(self.series, self.start)

    def proposals_frame(self) -> pd.DataFrame:
        """One row per proposal with its final state and transition weeks."""
        rows = [
            {
                "id": p.id,
                "origin": p.origin,
                "type": p.type,
                "label": p.label,
                "sigma": p.sigma,
                "sigma0": p.sigma0,
                "a": p.alliance_sensitivity,
                "v": p.value_rok,
                "w": p.value_dprk,
                "route": ROUTE_NAMES[p.route],
                "status": p.status.name.lower(),
                "t_created": p.t_created,
                "t_routed": p.t_routed,
                "t_us": p.t_us,
                "t_un_submit": p.t_un_submit,
                "t_un": p.t_un,
                "t_dprk": p.t_dprk,
                "t_done": p.t_done,
                "n_deferrals": p.n_deferrals,
                "modified": p.modified,
                "us_informed": p.us_informed,
                "exempted": p.exempted,
            }
            for p in self.proposals
        ]
        return pd.DataFrame(rows)


def build(
    scenario: Scenario, seed: int, *, series: bool = True, events: bool = True
) -> WorkingGroupModel:
    """Build a model ready to run (the first stage of :func:`run`), without a DataCollector."""
    return WorkingGroupModel(scenario, rng=seed, series=series, events=events, collect=False)


def extract(model: WorkingGroupModel, variant: str = "") -> RunResult:
    """Collect a finished (or partly run) model's outputs (the last stage of :func:`run`)."""
    s = model.parameters
    metrics = summarize(model)
    return RunResult(
        s.name,
        variant,
        model.seed,
        s.calendar.start,
        metrics,
        model.events,
        model.series,
        model.proposals,
    )


def run(
    scenario: Scenario,
    seed: int = 0,
    *,
    series: bool = True,
    events: bool = True,
    variant: str = "",
) -> RunResult:
    """Run ``scenario`` once with ``seed`` over its whole calendar.

    Args:
        scenario: A validated scenario.
        seed: The seed of every random draw; the same seed gives the same result.
        series: Whether to record weekly series (summary mode skips them).
        events: Whether to keep the event log's rows. Without them the run is the same
            (same draws, metrics and series); only ``RunResult.events`` is empty.
        variant: The variant's name, carried into the result.

    Raises:
        RunError: if a stage fails; the message names the stage, scenario and seed.
    """
    return _run_stages(scenario, seed, series, events, variant)


def _run_stages(
    scenario: Scenario, seed: int, series: bool, events: bool, variant: str
) -> RunResult:
    """Build, run and extract."""
    stage = "build"
    try:
        model = build(scenario, seed, series=series, events=events)
        stage = "run"
        model.run_until(model.n_weeks)
        stage = "extract"
        return extract(model, variant)
    except Exception as exc:  # wrapped with context; batches record it and go on
        raise RunError(
            f"{stage} failed for scenario '{scenario.name}' variant '{variant}' seed {seed}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


MAX_EXPECTED_PROPOSALS = 20_000
"""Most proposals a run may be expected to create (the historical scenario: about 120).

A run keeps every proposal and, with the log, about a dozen event rows for each; this
bound keeps one run within a few hundred MB however the rates and the calendar are set.
"""


class ScenarioTooLarge(WgsimError):
    """A scenario would make a run keep more than a run can hold."""


def expected_proposals(scenario: Scenario) -> float:
    """An upper estimate of the proposals a run creates: rates x weeks, at the most pressure.

    Every shock's pressure increase is counted from the start, and every summit's surge
    as lasting the whole surge window.
    """
    types = scenario.proposals.types
    rate = sum(types.get(code).rate_per_week for code in PROPOSAL_TYPES)
    effects = [e for shock in scenario.shocks for e in shock.effects]
    pressure = scenario.rok.domestic_pressure + sum(
        max(0.0, e.delta) for e in effects if isinstance(e, DomesticPressureEffect)
    )
    p = scenario.proposals
    summits = sum(isinstance(e, SummitEffect) for e in effects)
    surge_weeks = min(scenario.calendar.n_weeks, summits * p.summit_surge_weeks)
    weeks = scenario.calendar.n_weeks + surge_weeks * (p.summit_multiplier - 1.0)
    return rate * (1.0 + pressure) * weeks


def check_size(scenario: Scenario, source: str) -> None:
    """Refuse, before running, a scenario whose runs would not fit.

    Raises:
        ScenarioTooLarge: naming the source, the estimate and what drives it.
    """
    n = expected_proposals(scenario)
    if n > MAX_EXPECTED_PROPOSALS:
        raise ScenarioTooLarge(
            f"{source}: scenario '{scenario.name}' would create about {n:,.0f} proposals a run "
            f"(proposal rates x {scenario.calendar.n_weeks} weeks x domestic pressure), more "
            f"than the {MAX_EXPECTED_PROPOSALS:,} a run keeps; lower "
            "proposals.types.*.rate_per_week or shorten the calendar"
        )
