"""Play the Blue House (issue 31, role-play): the run behind the page's role-play mode.

The student takes the Blue House's routing decisions (docs/model.md §7) and the model plays
the rest. The model asks through the Blue House's decider hook
(:meth:`sim.core.agents.rok.BlueHouse.decide`). A play is replayed from week 0 with the
student's answers so far: the decider gives them back in order and, at the first decision
with no answer yet, stops the run (:func:`play` returns it as ``pending``). The hook asks
after the Blue House's own rule has drawn its random numbers, so a replay draws exactly
what the first pass drew and a pause changes nothing; a whole run takes well under a
second, so replaying it at each answer is cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.core.agents.rok import RoutingDecision
from sim.core.model import WorkingGroupModel
from sim.core.proposals import Route
from sim.runs.runner import build
from sim.scenario import Scenario

ROUTE_WORDS = {
    Route.WG: "send it through the working group",
    Route.DG: "send it to the director-general talks",
    Route.BILATERAL: "consult Washington through an envoy channel",
    Route.UNILATERAL: "act alone",
    Route.SHELVED: "shelve it",
}
"""What each route means, as a button says it."""


def button(route: Route) -> str:
    """A route's button label: its words with a capital first letter."""
    words = ROUTE_WORDS[route]
    return words[:1].upper() + words[1:]


STAGES = {
    "new": "a new item to route",
    "vetoed": "Washington vetoed it; it has been modified (less sanctions load, less value)",
    "vetoed again": "Washington vetoed it a second time",
}


@dataclass(frozen=True)
class Choice:
    """One decision the student took: what the Blue House knew, and the route chosen."""

    decision: RoutingDecision
    chosen: Route

    @property
    def differs(self) -> bool:
        """Whether the model's own rule would have chosen otherwise."""
        return self.chosen != self.decision.own


@dataclass(frozen=True)
class Play:
    """A role-play run so far.

    Attributes:
        model: The model, stopped at ``pending`` (mid-week) or at its end.
        history: The student's decisions so far, in order.
        pending: The decision waiting for the student; None once the run has ended.
    """

    model: WorkingGroupModel
    history: tuple[Choice, ...]
    pending: RoutingDecision | None

    @property
    def finished(self) -> bool:
        """Whether the run has reached its last week (no decision waits)."""
        return self.pending is None


class _Pause(Exception):
    """Raised by the decider at a decision the student has not answered yet."""

    def __init__(self, decision: RoutingDecision) -> None:
        super().__init__("a Blue House decision waits for the student")
        self.decision = decision


def play(
    scenario: Scenario, seed: int, answers: Sequence[Route], *, model_rest: bool = False
) -> Play:
    """Run ``scenario`` with ``seed`` from week 0, the student's ``answers`` taken in order.

    Stops at the first decision after the answers (``pending``), or runs to the end; with
    ``model_rest`` the model's own rule takes the decisions after the answers (not logged
    as the student's).

    Raises:
        ValueError: if an answer is not one of its decision's options.
    """
    model = build(scenario, seed)
    history: list[Choice] = []

    def decider(d: RoutingDecision) -> Route:
        if len(history) == len(answers):
            raise _Pause(d)
        chosen = answers[len(history)]
        history.append(Choice(d, chosen))
        if model_rest and len(history) == len(answers):
            model.blue_house.decider = None  # the model's own rule from the next decision
        return chosen

    if answers or not model_rest:
        model.blue_house.decider = decider
    try:
        while model.steps < model.n_weeks:
            model.step()
    except _Pause as pause:
        return Play(model, tuple(history), pause.decision)
    return Play(model, tuple(history), None)


def own_run(scenario: Scenario, seed: int) -> WorkingGroupModel:
    """The model's own run on the same seed (no decider), to its end."""
    model = build(scenario, seed)
    while model.steps < model.n_weeks:
        model.step()
    return model


def weighing(d: RoutingDecision) -> list[str]:
    """What the model's Blue House would weigh at ``d``, in plain words."""
    lines = [
        f"Chance Washington approves an item it is consulted on: {d.approval:.0%}; a "
        f"consultation takes about {d.lag:.1f} weeks.",
        f"Chance Pyongyang accepts an offer: {d.dprk_accept:.0%}; chance Washington "
        f"notices an item done alone: {d.detection:.0%}.",
    ]
    if d.sanctioned and d.stage == "new":
        lines.append(
            "It needs a UN exemption: the model's Blue House does not weigh it by value but "
            "asks Washington to back the request, and goes ahead alone only rarely, in "
            "breach of the sanctions. The values below are for comparison."
        )
    elif d.scope > 0.0 and d.stage == "new":
        lines.append(f"The working group's scope: it takes {d.scope:.0%} of routine items.")
    for route, u in d.utilities.items():
        if route != Route.SHELVED:
            lines.append(f"Worth to '{ROUTE_WORDS[route]}': {u:+.2f} (shelving is worth 0).")
    lines.append(f"The model's Blue House would {ROUTE_WORDS[d.own]}.")
    return lines


def item_line(d: RoutingDecision) -> str:
    """The item at ``d``, in words."""
    return (
        f"Week {d.week}: item #{d.proposal_id} ({d.type.replace('_', ' ')}), "
        f"{STAGES.get(d.stage, d.stage)}. Sanctions load {d.sigma:.2f}, value to Seoul "
        f"{d.value:.2f}, alliance sensitivity {d.alliance_sensitivity:.2f}."
    )
