"""Scheduled shocks: dated events from the scenario, fired through Mesa's event list.

Shocks are data (``Scenario.shocks``), not code. Each is scheduled with Mesa's
``Model.schedule_event`` half a week before the step of the week containing its date,
so it fires as stage 1 of that week's schedule (docs/model.md, process overview). An
effect reaches its target through the model: the actor or institution it names changes
its own state.
"""

from __future__ import annotations

from typing import Any

import mesa

from sim.core.agents import Dimension
from sim.scenario import (
    DIMENSIONS,
    ActorEffect,
    BorderEffect,
    Calendar,
    DomesticPressureEffect,
    Effect,
    LeadershipWindowEffect,
    NewProposal,
    ProposalsEffect,
    ProvocationEffect,
    Shock,
    SummitEffect,
    TrackEffect,
    UsConsentEffect,
    WinSetEffect,
)

ACTORS = ("state", "mofa", "mou", "blue_house")
"""The agents an actor effect may name: the model's attributes of those names."""


class ScheduledShock:
    """A shock of the model's scenario; Mesa's event list calls it when due.

    Args:
        model: The model.
        shock: Its scenario entry.
        week: The step it belongs to.
    """

    def __init__(self, model: mesa.Model, shock: Shock, week: int) -> None:
        self.model: Any = model
        self.shock = shock
        self.week = week

    def __call__(self) -> None:
        """Fire: log the shock and apply its effects."""
        log = self.model.event_log
        log.week = self.week
        log("shock", "world", detail=f"{self.shock.date.isoformat()}: {self.shock.name}")
        for effect in self.shock.effects:
            apply_effect(self.model, effect, self.week, self.shock.name)


def schedule_shocks(
    model: mesa.Model, shocks: list[Shock], calendar: Calendar
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
        s = ScheduledShock(model, shock, week)
        model.schedule_event(s, at=week - 0.5)
        bound.append(s)
    return bound


def summit(model: Any, week: int, name: str, *, deal_possible: bool) -> None:
    """A summit: proposals surge; a deal adds progress if the sequencing gap is small."""
    model.government.surge(week)
    dprk = model.dprk
    q = Dimension.SEQUENCING
    gap = abs(model.state.position[q] - dprk.position[q])
    d = dprk.params
    if deal_possible and gap < d.deal_tolerance:
        dprk.move_dpi(dprk.dpi + d.deal_gain)
        model.event_log("summit_deal", "DPRK", detail=name)


def add_named(model: Any, item: NewProposal, week: int) -> None:
    """Put a proposal named by a shock into the pipeline."""
    p = model.factory.make(
        item.type,
        week,
        label=item.label,
        origin=item.origin,
        sigma=item.sanction_load,
        alliance_sensitivity=item.alliance_sensitivity,
        value_rok=item.value_rok,
        value_dprk=item.value_dprk,
        barred=item.barred,
    )
    p.cosigned = item.cosigned
    p.item = item.item or ""
    model.pipeline.add(p, week)


def apply_effect(model: Any, effect: Effect, week: int, name: str) -> None:
    """Apply one named effect of a shock (see the effect classes of the scenario schema)."""
    log, dprk, state = model.event_log, model.dprk, model.state
    match effect:
        case TrackEffect():
            dprk.track_open = effect.open
            dprk.track_until = week + effect.close_after_weeks if effect.close_after_weeks else -1
            log("track_opened" if effect.open else "track_closed", "DPRK", detail=name)
            if not effect.open:
                dprk.breakdown(name)
        case SummitEffect():
            summit(model, week, name, deal_possible=effect.deal_possible)
        case ProposalsEffect():
            for item in effect.items:
                add_named(model, item, week)
        case WinSetEffect():
            state.win_set *= effect.scale
        case BorderEffect():
            dprk.border_closed = effect.closed
        case DomesticPressureEffect():
            model.government.pressure = max(0.0, model.government.pressure + effect.delta)
        case ActorEffect():
            change_actor(model, effect)
            model.government.refresh()
        case LeadershipWindowEffect():
            if effect.us_consent is not None:
                state.consent = effect.us_consent
            model.wg.open_window(week, model.parameters.legitimacy.window_weeks, name)
        case UsConsentEffect():
            state.consent = effect.value
            if model.wg.active:  # consent to end a WG that does not exist is not an event
                log("us_consent_changed", "State", detail=f"{name}: consent {effect.value:.2f}")
        case ProvocationEffect():
            dprk.provocation(week, name)
        case _:
            raise TypeError(f"unknown shock effect {effect!r}")


def change_actor(model: Any, effect: ActorEffect) -> None:
    """Set an actor's position, salience (on one dimension), clout or patience."""
    if effect.actor not in ACTORS:
        raise ValueError(f"no actor named {effect.actor!r}")
    actor = getattr(model, effect.actor)
    match effect.attribute:
        case "position" | "salience":
            if effect.dimension is None:  # the schema's validator requires one
                raise ValueError(f"'{effect.attribute}' needs a dimension")
            getattr(actor, effect.attribute)[DIMENSIONS.index(effect.dimension)] = effect.value
        case "clout" | "patience_weeks":
            setattr(actor, effect.attribute, effect.value)
        case _:
            raise TypeError(f"unknown actor attribute {effect.attribute!r}")
