"""What a decider is given when a student plays State or the MOU (the page's role-play).

A decider replaces one actor's decision: it is asked after the actor's own rule has
drawn its random numbers and chosen (``own``), so without a decider nothing changes
and with one the same draws are made up to its answer. Each answer is logged as a
``student_choice`` event (:func:`log_choice`). The Blue House's routing decision is in
:mod:`sim.core.agents.rok` (``RoutingDecision``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

REVIEW_OPTIONS = ("cosponsor", "approve", "veto", "defer")
"""State's answers: approve and co-sponsor the UN exemption request (sanctioned items
only), approve (without co-sponsoring, for a sanctioned item), veto, defer."""


@dataclass(frozen=True)
class ReviewDecision:
    """One review of an item by the State Department, as State sees it.

    Attributes:
        week: The week.
        venue: Where it is reviewed: ``"wg"``, ``"dg"`` or ``"bilateral"`` (its route).
        proposal_id, type: The item.
        perceived: Its sanctions load as State perceives it (bias from distrust, noise
            from poor information; the noise is drawn only when the rule decides).
        sanctioned: Whether the item needs a UN 1718 exemption.
        value: Its value to Seoul.
        deferrals: How often State has deferred it already.
        decision_prob: The chance State's rule decides at this review at all.
        quality: The information quality (0-1).
        trust: State's trust in Seoul (0-1).
        win_set: The sanctions load the US can accept.
        approve_chance: The chance the rule approves, if it decides, at ``perceived``.
        cosponsor: Whether the rule co-sponsors an approved exemption request here.
        un_approval: The Committee's chance to approve a request (co-sponsored, not).
        un_weeks: The mean weeks to its decision (co-sponsored, not).
        options: The answers allowed (of :data:`REVIEW_OPTIONS`).
        own: The answer of State's own rule.
    """

    week: int
    venue: str
    proposal_id: int
    type: str
    perceived: float
    sanctioned: bool
    value: float
    deferrals: int
    decision_prob: float
    quality: float
    trust: float
    win_set: float
    approve_chance: float
    cosponsor: bool
    un_approval: tuple[float, float]
    un_weeks: tuple[float, float]
    options: tuple[str, ...]
    own: str


@dataclass(frozen=True)
class MouDecision:
    """One decision of the MOU, as it sees it: put a drafted item forward, or challenge.

    Attributes:
        week: The week.
        kind: ``"propose"`` (a drafted item: ``"propose"`` or ``"hold"``) or
            ``"challenge"`` (a bargaining round: ``"challenge"`` or ``"quiet"``).
        proposal_id, type, sigma, value: The drafted item (-1, "", 0, 0 for a challenge).
        backlog: The MOU's items pending past its patience.
        pressure: Its urge to challenge, s|x_MOU - x_ROK| pi_MOU + beta_b backlog.
        threshold: The urge above which its own rule challenges.
        prevail: Its chance to prevail in a challenge (pi_MOU).
        gap: How far the ROK's line on engagement is from the MOU's (0-1).
        form: What a challenge would be now, in words (public or inside the government,
            a call to readjust the WG or a challenge of MOFA's line).
        wg_active: Whether a working group exists.
        options: The answers allowed.
        own: The answer of the MOU's own rule.
    """

    week: int
    kind: str
    proposal_id: int
    type: str
    sigma: float
    value: float
    backlog: int
    pressure: float
    threshold: float
    prevail: float
    gap: float
    form: str
    wg_active: bool
    options: tuple[str, ...]
    own: str


StateDecider = Callable[[ReviewDecision], str]
"""Takes State's review: given a :class:`ReviewDecision`, one of its options."""

MouDecider = Callable[[MouDecision], str]
"""Takes the MOU's decision: given a :class:`MouDecision`, one of its options."""


def ask(
    decider: Callable[[Any], str], d: Any, model: Any, actor: str, stage: str, p: Any = None
) -> str:
    """``decider``'s answer to ``d``, checked and logged as a ``student_choice`` event.

    Raises:
        ValueError: if the answer is not one of ``d.options``.
    """
    chosen = decider(d)
    if chosen not in d.options:
        raise ValueError(f"the decider chose {chosen!r}; allowed: {d.options}")
    log_choice(model, actor, p, stage, chosen, d.own)
    return chosen


def log_choice(model: Any, actor: str, p: Any, stage: str, chosen: str, own: str) -> None:
    """Log a student's answer: ``"<stage>: chose <answer>; the model would choose <own>"``."""
    model.event_log(
        "student_choice", actor, p, f"{stage}: chose {chosen}; the model would choose {own}"
    )
