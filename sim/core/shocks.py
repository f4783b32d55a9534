"""Scheduled shocks: dated events from the scenario, fired through Mesa's event list.

Shocks are data (``Scenario.shocks``), not code. Each is scheduled with
``model.schedule_event`` half a week before the step of the week containing its date,
so it fires as phase 1 of that week's schedule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.agents import Dprk
from sim.scenario import schema as sc

if TYPE_CHECKING:
    from sim.core.model import WorkingGroupModel


class ScheduledShock:
    """A shock bound to a model; Mesa's event list holds it and calls it when due.

    The event list keeps a weak reference to what it will call. Scheduling the object
    itself (it is callable) costs one plain weak reference; a bound method would need
    Mesa's ``WeakMethod`` twice over, which took about a third of building a model.

    Args:
        model: The model it acts on.
        shock: Its scenario entry.
        week: The step it belongs to.
    """

    __slots__ = ("__weakref__", "model", "shock", "week")

    def __init__(self, model: WorkingGroupModel, shock: sc.Shock, week: int) -> None:
        self.model = model
        self.shock = shock
        self.week = week

    def __call__(self) -> None:
        """Fire: log the shock and apply its effects."""
        model = self.model
        model.week = self.week
        model.log("shock", "world", detail=f"{self.shock.date.isoformat()}: {self.shock.name}")
        for effect in self.shock.effects:
            apply_effect(model, effect, self.week, self.shock.name)


def schedule_shocks(model: WorkingGroupModel, shocks: list[sc.Shock]) -> list[ScheduledShock]:
    """Schedule every shock; returns the bound shocks (the model must keep them alive)."""
    cal = model.params.calendar
    n_weeks = cal.n_weeks
    bound = []
    for shock in shocks:
        week = max(1, cal.week_of(shock.date))
        if week > n_weeks:
            continue
        s = ScheduledShock(model, shock, week)
        model.schedule_event(s, at=week - 0.5)
        bound.append(s)
    return bound


def _track(dprk: Dprk, effect: sc.TrackEffect, week: int) -> None:
    dprk.track_open = effect.open
    dprk.track_until = week + effect.close_after_weeks if effect.close_after_weeks else -1


def apply_effect(model: WorkingGroupModel, effect: sc.Effect, week: int, name: str) -> None:
    """Apply one named effect of a shock (see the effect classes in :mod:`sim.scenario.schema`)."""
    match effect:
        case sc.TrackEffect():
            _track(model.dprk, effect, week)
            model.log("track_opened" if effect.open else "track_closed", "DPRK", detail=name)
        case sc.SummitEffect():
            model.summit(week, effect.deal_possible, name)
        case sc.ProposalsEffect():
            for item in effect.items:
                model.add_named_proposal(item, week)
        case sc.WinSetEffect():
            model.state.win_set *= effect.scale
        case sc.BorderEffect():
            model.dprk.border_closed = effect.closed
        case sc.DomesticPressureEffect():
            model.pressure = max(0.0, model.pressure + effect.delta)
        case sc.ActorEffect():
            _set_actor(model, effect)
        case sc.LeadershipWindowEffect():
            if effect.us_consent is not None:
                model.state.consent = effect.us_consent
            model.open_window(week, model.params.legitimacy.window_weeks, name)
        case sc.UsConsentEffect():
            model.state.consent = effect.value
            model.log("us_consent_changed", "State", detail=f"{name}: consent {effect.value:.2f}")
        case sc.ProvocationEffect():
            model.provocation(week, name)
        case _:
            raise TypeError(f"unknown shock effect {effect!r}")


def _set_actor(model: WorkingGroupModel, effect: sc.ActorEffect) -> None:
    _change_actor(model, effect)
    model.refresh_rok()


def _change_actor(model: WorkingGroupModel, effect: sc.ActorEffect) -> None:
    actor = model.actor(effect.actor)
    match effect.attribute:
        case "position" | "salience":
            assert effect.dimension is not None  # guaranteed by the schema's validator
            getattr(actor, effect.attribute)[sc.DIMENSIONS.index(effect.dimension)] = effect.value
        case "clout" | "patience_weeks":
            setattr(actor, effect.attribute, effect.value)
        case _:
            raise TypeError(f"unknown actor attribute {effect.attribute!r}")
