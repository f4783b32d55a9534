"""Scheduled shocks: dated events from the scenario, fired through Mesa's event list.

Shocks are data (``Scenario.shocks``), not code. Each is scheduled with Mesa's
``Model.schedule_event`` half a week before the step of the week containing its date,
so it fires as phase 1 of that week's schedule (docs/model.md, process overview).
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa

from sim.core.agents import Dprk, Q, RokActor, StateDepartment
from sim.core.channels import WorkingGroup
from sim.core.government import RokGovernment
from sim.core.log import EventLog
from sim.core.phases.dprk import DprkMoves
from sim.core.phases.generation import Generation
from sim.core.phases.institutions import open_window
from sim.scenario import (
    DIMENSIONS,
    ActorEffect,
    BorderEffect,
    Calendar,
    DomesticPressureEffect,
    DprkParams,
    Effect,
    LeadershipWindowEffect,
    Legitimacy,
    ProposalsEffect,
    ProvocationEffect,
    Shock,
    SummitEffect,
    TrackEffect,
    UsConsentEffect,
    WinSetEffect,
)


@dataclass(frozen=True)
class Targets:
    """What shocks act on."""

    log: EventLog
    government: RokGovernment
    state: StateDepartment
    dprk: Dprk
    wg: WorkingGroup
    generation: Generation
    dprk_moves: DprkMoves
    dprk_params: DprkParams
    legitimacy: Legitimacy

    def actor(self, name: str) -> RokActor | StateDepartment:
        """The agent a shock names: ``state``, ``mofa``, ``mou`` or ``blue_house``."""
        match name:
            case "state":
                return self.state
            case "mofa":
                return self.government.mofa
            case "mou":
                return self.government.mou
            case "blue_house":
                return self.government.blue_house
            case _:
                raise ValueError(f"no actor named {name!r}")


class ScheduledShock:
    """A shock bound to what it acts on; Mesa's event list calls it when due.

    Args:
        targets: What it acts on.
        shock: Its scenario entry.
        week: The step it belongs to.
    """

    def __init__(self, targets: Targets, shock: Shock, week: int) -> None:
        self.targets = targets
        self.shock = shock
        self.week = week

    def __call__(self) -> None:
        """Fire: log the shock and apply its effects."""
        log = self.targets.log
        log.week = self.week
        log("shock", "world", detail=f"{self.shock.date.isoformat()}: {self.shock.name}")
        for effect in self.shock.effects:
            apply_effect(self.targets, effect, self.week, self.shock.name)


def schedule_shocks(
    model: mesa.Model, targets: Targets, shocks: list[Shock], calendar: Calendar
) -> list[ScheduledShock]:
    """Schedule every shock of the run's weeks; returns them (the model must keep them alive).

    Mesa's event list holds weak references only. A shock dated before the first week
    fires in week 1; one after the last week is left out.
    """
    bound = []
    for shock in shocks:
        week = max(1, calendar.week_of(shock.date))
        if week > calendar.n_weeks:
            continue
        s = ScheduledShock(targets, shock, week)
        model.schedule_event(s, at=week - 0.5)
        bound.append(s)
    return bound


def summit(t: Targets, week: int, deal_possible: bool, name: str) -> None:
    """A summit: proposals surge; a deal adds progress if the sequencing gap is small."""
    t.generation.surge(week)
    gap = abs(t.state.position[Q] - t.dprk.position[Q])
    d = t.dprk_params
    if deal_possible and gap < d.deal_tolerance:
        t.dprk.move_dpi(t.dprk.dpi + d.deal_gain)
        t.log("summit_deal", "DPRK", detail=name)


def apply_effect(t: Targets, effect: Effect, week: int, name: str) -> None:
    """Apply one named effect of a shock (see the effect classes of the scenario schema)."""
    match effect:
        case TrackEffect():
            t.dprk.track_open = effect.open
            t.dprk.track_until = week + effect.close_after_weeks if effect.close_after_weeks else -1
            t.log("track_opened" if effect.open else "track_closed", "DPRK", detail=name)
            if not effect.open:
                t.dprk_moves.breakdown(name)
        case SummitEffect():
            summit(t, week, effect.deal_possible, name)
        case ProposalsEffect():
            for item in effect.items:
                t.generation.add_named(item, week)
        case WinSetEffect():
            t.state.win_set *= effect.scale
        case BorderEffect():
            t.dprk.border_closed = effect.closed
        case DomesticPressureEffect():
            t.government.pressure = max(0.0, t.government.pressure + effect.delta)
        case ActorEffect():
            change_actor(t, effect)
            t.government.refresh()
        case LeadershipWindowEffect():
            if effect.us_consent is not None:
                t.state.consent = effect.us_consent
            open_window(t.wg, t.log, week, t.legitimacy.window_weeks, name)
        case UsConsentEffect():
            t.state.consent = effect.value
            if t.wg.active:  # consent to end a WG that does not exist is not an event
                t.log("us_consent_changed", "State", detail=f"{name}: consent {effect.value:.2f}")
        case ProvocationEffect():
            t.dprk_moves.provocation(week, name)
        case _:
            raise TypeError(f"unknown shock effect {effect!r}")


def change_actor(t: Targets, effect: ActorEffect) -> None:
    """Set an actor's position, salience (on one dimension), clout or patience."""
    actor = t.actor(effect.actor)
    match effect.attribute:
        case "position" | "salience":
            if effect.dimension is None:  # the schema's validator requires one
                raise ValueError(f"'{effect.attribute}' needs a dimension")
            getattr(actor, effect.attribute)[DIMENSIONS.index(effect.dimension)] = effect.value
        case "clout" | "patience_weeks":
            setattr(actor, effect.attribute, effect.value)
        case _:
            raise TypeError(f"unknown actor attribute {effect.attribute!r}")
