"""What the role-play card says: each role's decision, its answers and what the model weighs.

Plain words for the three roles of :mod:`sim.runs.roleplay`: the item (or round), what
the actor knows, what the model's own agent would weigh and choose, and one button per
answer.
"""

from __future__ import annotations

from typing import Any

from sim.core.agents.choices import MouDecision, ReviewDecision
from sim.core.agents.rok import RoutingDecision

TITLES = {
    "blue_house": "Play the Blue House",
    "state": "Play the State Department",
    "mou": "Play the Ministry of Unification (MOU)",
}
"""The role picker's choices, by role key."""

INTROS = {
    "blue_house": (
        "You are the Blue House. Each new inter-Korean item, and each item Washington "
        "vetoes, comes to you: send it through the working group, consult Washington "
        "through an envoy channel, act alone, or shelve it."
    ),
    "state": (
        "You are the State Department. Each item Seoul consults on (in the working group, "
        "in DG talks or through an envoy) comes to you for review: approve it, veto it or "
        "defer it; for an item that needs a UN exemption, also whether the US co-sponsors "
        "the request to the 1718 Committee."
    ),
    "mou": (
        "You are the Ministry of Unification. For each item your ministry drafts (its own "
        "exchanges and the NGO projects it sponsors), you decide whether to put it "
        "forward; at each bargaining round in Seoul, whether to challenge the line on "
        "engagement (while a working group exists, publicly: a call to readjust it)."
    ),
}
"""What each role decides, shown before the first decision."""

ANSWERS = {
    "blue_house": {
        "wg": "send it through the working group",
        "dg": "send it to the director-general talks",
        "bilateral": "consult Washington through an envoy channel",
        "unilateral": "act alone",
        "shelved": "shelve it",
    },
    "state": {
        "cosponsor": "approve it and co-sponsor the UN exemption request",
        "approve": "approve it",
        "veto": "veto it",
        "defer": "defer it to a later meeting",
    },
    "mou": {
        "propose": "put it forward",
        "hold": "hold it back",
        "challenge": "challenge the line on engagement",
        "quiet": "stay quiet this round",
    },
}
"""What each answer means, by role and option key."""

AGENTS = {"blue_house": "Blue House", "state": "State Department", "mou": "MOU"}
"""The model's agent each role replaces, as the card names it."""

CARDS = {
    "blue_house": "A decision for the Blue House",
    "state": "A review for the State Department",
    "mou": "A decision for the MOU",
}

STAGES = {
    "new": "a new item to route",
    "vetoed": "Washington vetoed it; it has been modified (less sanctions load, less value)",
    "vetoed again": "Washington vetoed it a second time",
}

VENUES = {
    "wg": "in the working group",
    "dg": "in the director-general talks",
    "bilateral": "through an envoy channel",
}


def answer(role: str, d: Any, key: str) -> str:
    """What answer ``key`` at decision ``d`` means, in words."""
    if role == "state" and key == "approve" and getattr(d, "sanctioned", False):
        return "approve it without co-sponsoring the UN request"
    return ANSWERS[role][key]


def button(role: str, d: Any, key: str) -> str:
    """An answer's button label: its words with a capital first letter."""
    words = answer(role, d, key)
    return words[:1].upper() + words[1:]


def item_line(d: Any) -> str:
    """The item (or round) at ``d``, in words."""
    if isinstance(d, RoutingDecision):
        return (
            f"Week {d.week}: item #{d.proposal_id} ({d.type.replace('_', ' ')}), "
            f"{STAGES.get(d.stage, d.stage)}. Sanctions load {d.sigma:.2f}, value to Seoul "
            f"{d.value:.2f}, alliance sensitivity {d.alliance_sensitivity:.2f}."
        )
    if isinstance(d, ReviewDecision):
        return (
            f"Week {d.week}: item #{d.proposal_id} ({d.type.replace('_', ' ')}) is on your "
            f"table {VENUES.get(d.venue, d.venue)}; you have deferred it {d.deferrals} "
            f"time(s) so far. Value to Seoul {d.value:.2f}."
        )
    assert isinstance(d, MouDecision)
    if d.kind == "propose":
        return (
            f"Week {d.week}: your ministry has drafted item #{d.proposal_id} "
            f"({d.type.replace('_', ' ')}). Sanctions load {d.sigma:.2f}, value to Seoul "
            f"{d.value:.2f}."
        )
    return f"Week {d.week}: a bargaining round on the pace of engagement in Seoul."


def weighing(role: str, d: Any) -> list[str]:
    """What the actor knows at ``d`` and what the model's agent would weigh, in words."""
    if isinstance(d, RoutingDecision):
        lines = _blue_house(d)
    elif isinstance(d, ReviewDecision):
        lines = _state(d)
    else:
        lines = _mou(d)
    own = ANSWERS[role][d.own if isinstance(d.own, str) else d.own.name.lower()]
    if role == "state" and d.own == "approve" and d.sanctioned:
        own = answer(role, d, "approve")
    return [*lines, f"The model's {AGENTS[role]} would {own}."]


def _blue_house(d: RoutingDecision) -> list[str]:
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
        key = route.name.lower()
        if key != "shelved":
            words = ANSWERS["blue_house"][key]
            lines.append(f"Worth to '{words}': {u:+.2f} (shelving is worth 0).")
    return lines


def _state(d: ReviewDecision) -> list[str]:
    rule = "co-sponsors" if d.cosponsor else "does not co-sponsor"
    (yes, no), (soon, late) = d.un_approval, d.un_weeks
    exemption = (
        "It needs a UN 1718 exemption: approved, it goes to the Committee as a request. "
        f"Co-sponsored by the US, it is approved with chance {yes:.0%} after about "
        f"{soon:.1f} weeks; without the US, {no:.0%} after about {late:.1f} weeks. Here the "
        f"model's State {rule} the requests it approves."
    )
    return [
        f"Its sanctions load as you perceive it: {d.perceived:.2f}; the most the US can "
        f"accept (its win-set): {d.win_set:.2f}.",
        f"Your trust in Seoul: {d.trust:.2f}; the quality of your information: "
        f"{d.quality:.2f} (the poorer it is, the further your perception may be off).",
        f"The model's State decides at a review like this one with chance "
        f"{d.decision_prob:.0%} (it defers otherwise); when it decides, it approves with "
        f"chance {d.approve_chance:.0%} (more likely below the win-set and with trust).",
        *([exemption] if d.sanctioned else []),
    ]


def _mou(d: MouDecision) -> list[str]:
    if d.kind == "propose":
        return [
            f"Your items pending past your patience: {d.backlog}. The working group "
            f"{'exists' if d.wg_active else 'does not exist (now)'}.",
            "The model's MOU puts forward every item it drafts: it weighs nothing item by "
            "item (it drafts faster when pressure in Seoul is high). An item held back "
            "never enters the pipeline.",
        ]
    return [
        f"Your urge to challenge: {d.pressure:.2f} (the government's line is {d.gap:.2f} "
        f"from yours, weighted by how much engagement matters to you and your chance to "
        f"prevail, plus your {d.backlog} overdue item(s)); the model's MOU challenges above "
        f"{d.threshold:.2f}.",
        f"If you challenge, you prevail with chance {d.prevail:.0%}: the Blue House moves "
        "toward your line; otherwise toward MOFA's. Without a challenge everyone drifts "
        "toward the government's line.",
        f"A challenge now would be {d.form}.",
    ]
