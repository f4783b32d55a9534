"""A shared role-play (issue 31): several students each take a ministry in one run.

The mechanism of :mod:`sim.runs.roleplay` with several roles at once: a mapping
role -> that role's answers so far. The run is replayed from week 0; each played role's
decider gives its answers back in order, and the run stops at the first decision of any
played role that has no answer yet (:attr:`SharedPlay.waiting` names the role). Roles
nobody plays have no decider: the model's own rule takes their decisions, as in its own run.
A role given back to the model (``released``: its student left) keeps its answers so far
and the model's rule takes its decisions after them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sim.core.model import WorkingGroupModel
from sim.runs.roleplay import ROLES, Choice
from sim.runs.runner import build
from sim.scenario import Scenario


@dataclass(frozen=True)
class SharedPlay:
    """A shared run so far.

    Attributes:
        model: The model, stopped at ``pending`` (mid-week) or at its end.
        history: Every played decision so far, in the order the run asked them:
            (role key, the choice).
        pending: The decision waiting; None once the run has ended.
        waiting: The key of the role ``pending`` belongs to; None once the run has ended.
    """

    model: WorkingGroupModel
    history: tuple[tuple[str, Choice], ...]
    pending: Any | None
    waiting: str | None

    @property
    def finished(self) -> bool:
        """Whether the run has reached its last week (no decision waits)."""
        return self.pending is None

    def answers(self, role: str) -> tuple[str, ...]:
        """The answers of ``role`` so far, in order."""
        return tuple(c.chosen for r, c in self.history if r == role)


class _Pause(Exception):
    """Raised by a role's decider at a decision it has no answer for yet."""

    def __init__(self, role: str, decision: Any) -> None:
        super().__init__(f"a decision waits for {role}")
        self.role = role
        self.decision = decision


def play_shared(
    scenario: Scenario,
    seed: int,
    answers: Mapping[str, Sequence[str]],
    released: Collection[str] = (),
) -> SharedPlay:
    """Run ``scenario`` with ``seed`` from week 0, each played role's ``answers`` in order.

    ``answers`` has a key for every role played (an empty sequence for one not asked yet);
    the other roles are the model's. Stops at the first decision of a played role past its
    answers, or runs to the end. A role in ``released`` was given back to the model: its
    answers are taken in order and the model's own rule takes its decisions after them
    (it is never waited for).

    Raises:
        KeyError: if a key of ``answers`` is not one of :data:`sim.runs.roleplay.ROLES`.
        ValueError: if an answer is not one of its decision's options; the message names
            the role, the answer's place, the answer and the options.
    """
    model = build(scenario, seed)
    history: list[tuple[str, Choice]] = []
    for key in answers:
        given, rest = answers[key], key in released
        if not (rest and not given):  # a role given back before its first answer: no decider
            ROLES[key].agent(model).decider = _decider(key, given, history, rest, model)
    try:
        while model.steps < model.n_weeks:
            model.step()
    except _Pause as pause:
        return SharedPlay(model, tuple(history), pause.decision, pause.role)
    return SharedPlay(model, tuple(history), None, None)


def _decider(
    key: str,
    given: Sequence[str],
    history: list[tuple[str, Choice]],
    model_rest: bool,
    model: WorkingGroupModel,
) -> Any:
    role = ROLES[key]
    taken = [0]

    def decider(d: Any) -> Any:
        n = taken[0]
        if n == len(given):
            raise _Pause(key, d)
        chosen, options = given[n], role.options(d)
        if chosen not in options:
            raise ValueError(
                f"{role.name}'s answer {n + 1} is {chosen!r}, not an option of its decision "
                f"(week {d.week}); allowed: {', '.join(options)}"
            )
        taken[0] = n + 1
        history.append((key, Choice(d, chosen, role.own(d))))
        if model_rest and n + 1 == len(given):
            role.agent(model).decider = None  # the model's own rule from the next decision
        return role.from_key(chosen)

    return decider
