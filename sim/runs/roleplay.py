"""Role-play (issue 31): a student takes one actor's decisions, the model plays the rest.

Three roles, each an actor with a decider hook: the Blue House routes items
(:meth:`sim.core.agents.rok.BlueHouse.decide`), the State Department reviews them
(:meth:`sim.core.agents.us.StateDepartment.review`) and the MOU puts its drafted items
forward and challenges the WG (:class:`sim.core.agents.rok.Mou`). A hook is asked after
the actor's own rule has drawn its random numbers, so a run with a hook that echoes the
rule's choice is the model's own run, and a play is replayed exactly from week 0 with
the student's answers so far: the decider gives them back in order and, at the first
decision with no answer yet, stops the run (:func:`play` returns it as ``pending``).

Answers are strings, the option keys of the role (a route's name for the Blue House,
``approve``/``cosponsor``/``veto``/``defer`` for State, ``propose``/``hold`` and
``challenge``/``quiet`` for the MOU), so a play can be saved as JSON and replayed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.core.model import WorkingGroupModel
from sim.core.proposals import Route
from sim.runs.runner import build
from sim.scenario import Scenario


@dataclass(frozen=True)
class Role:
    """A ministry the student can play.

    Attributes:
        key: Its name in a saved play (``blue_house``, ``state``, ``mou``).
        name: Its name in words (``the Blue House``).
        agent: The model's agent whose decider the student replaces.
        to_key: A native answer (a route for the Blue House) as an option key.
        from_key: An option key as the native answer the hook expects.
    """

    key: str
    name: str
    agent: Callable[[WorkingGroupModel], Any]
    to_key: Callable[[Any], str] = str
    from_key: Callable[[str], Any] = str

    def options(self, d: Any) -> tuple[str, ...]:
        """The option keys of decision ``d``."""
        return tuple(self.to_key(o) for o in d.options)

    def own(self, d: Any) -> str:
        """The option key the model's own rule picks at ``d``."""
        return str(self.to_key(d.own))


def _route_key(route: Route) -> str:
    return route.name.lower()


ROLES: dict[str, Role] = {
    r.key: r
    for r in (
        Role(
            "blue_house",
            "the Blue House",
            lambda m: m.blue_house,
            _route_key,
            lambda k: Route[k.upper()],
        ),
        Role("state", "the State Department", lambda m: m.state),
        Role("mou", "the Ministry of Unification (MOU)", lambda m: m.mou),
    )
}
"""The roles a student can play, by key."""


def ident(d: Any) -> tuple[Any, ...]:
    """A decision's identity across replays: week, item and stage (kind)."""
    return (d.week, getattr(d, "proposal_id", -1), getattr(d, "stage", getattr(d, "kind", "")))


@dataclass(frozen=True)
class Choice:
    """One decision the student took: what the actor knew, and the answer given."""

    decision: Any
    chosen: str
    own: str

    @property
    def differs(self) -> bool:
        """Whether the model's own rule would have chosen otherwise."""
        return self.chosen != self.own


@dataclass(frozen=True)
class Play:
    """A role-play run so far.

    Attributes:
        role: The role played.
        model: The model, stopped at ``pending`` (mid-week) or at its end.
        history: The student's decisions so far, in order.
        pending: The decision waiting for the student; None once the run has ended.
    """

    role: Role
    model: WorkingGroupModel
    history: tuple[Choice, ...]
    pending: Any | None

    @property
    def finished(self) -> bool:
        """Whether the run has reached its last week (no decision waits)."""
        return self.pending is None

    @property
    def answers(self) -> tuple[str, ...]:
        """The student's answers so far, in order."""
        return tuple(c.chosen for c in self.history)


class _Pause(Exception):
    """Raised by the decider at a decision the student has not answered yet."""

    def __init__(self, decision: Any) -> None:
        super().__init__("a decision waits for the student")
        self.decision = decision


def play(
    scenario: Scenario,
    seed: int,
    answers: Sequence[str],
    role: str = "blue_house",
    *,
    model_rest: bool = False,
) -> Play:
    """Run ``scenario`` with ``seed`` from week 0, the student's ``answers`` taken in order.

    Stops at the first decision after the answers (``pending``), or runs to the end; with
    ``model_rest`` the model's own rule takes the decisions after the answers (not logged
    as the student's).

    Raises:
        KeyError: if ``role`` is not one of :data:`ROLES`.
        ValueError: if an answer is not one of its decision's options; the message names
            the answer's place, the answer and the options.
    """
    r = ROLES[role]
    model = build(scenario, seed)
    agent = r.agent(model)
    history: list[Choice] = []

    def decider(d: Any) -> Any:
        n = len(history)
        if n == len(answers):
            raise _Pause(d)
        chosen, options = answers[n], r.options(d)
        if chosen not in options:
            raise ValueError(
                f"answer {n + 1} is {chosen!r}, not an option of its decision (week {d.week}); "
                f"allowed: {', '.join(options)}"
            )
        history.append(Choice(d, chosen, r.own(d)))
        if model_rest and n + 1 == len(answers):
            agent.decider = None  # the model's own rule from the next decision
        return r.from_key(chosen)

    if answers or not model_rest:
        agent.decider = decider
    try:
        while model.steps < model.n_weeks:
            model.step()
    except _Pause as pause:
        return Play(r, model, tuple(history), pause.decision)
    return Play(r, model, tuple(history), None)


def replay_policy(
    scenario: Scenario, seed: int, role: str, policy: Mapping[tuple[Any, ...], str]
) -> WorkingGroupModel:
    """A whole run in which ``role`` answers by ``policy`` (decision identity -> answer).

    A decision not in the policy, or whose answer is not among its options, is taken by
    the model's own rule. The debrief uses it to replay a play with one choice reverted:
    the student's other answers are kept wherever the same decision comes up again.
    """
    r = ROLES[role]
    model = build(scenario, seed)
    seen: dict[tuple[Any, ...], int] = {}

    def decider(d: Any) -> Any:
        key = ident(d)
        seen[key] = seen.get(key, 0) + 1
        chosen = policy.get((*key, seen[key]), r.own(d))
        return r.from_key(chosen if chosen in r.options(d) else r.own(d))

    r.agent(model).decider = decider
    while model.steps < model.n_weeks:
        model.step()
    return model


def policy_of(history: Sequence[Choice]) -> dict[tuple[Any, ...], str]:
    """The student's answers by decision identity (with its occurrence count)."""
    seen: dict[tuple[Any, ...], int] = {}
    policy = {}
    for c in history:
        key = ident(c.decision)
        seen[key] = seen.get(key, 0) + 1
        policy[(*key, seen[key])] = c.chosen
    return policy


def own_run(scenario: Scenario, seed: int) -> WorkingGroupModel:
    """The model's own run on the same seed (no decider), to its end."""
    model = build(scenario, seed)
    while model.steps < model.n_weeks:
        model.step()
    return model
