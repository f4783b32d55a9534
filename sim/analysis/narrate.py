"""The event log in plain, dated sentences (the page's narrated log; docs/events.md).

One sentence per event row, for readers who do not know the model's vocabulary:
``2018-12-24: The UN 1718 Committee approves the exemption for the inter-Korean railway
and road reconnection, requested through the working group.`` Pure functions of the
log's columns; the proposal's label comes from its ``created`` row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

TYPE_PHRASES = {
    "HUM": "humanitarian aid item",
    "EXCH": "exchange visit",
    "INFRA": "infrastructure project",
    "ECON": "economic project",
    "MIL": "military confidence-building measure",
    "TOUR": "tourism project",
}
"""Plain names of the proposal types (sim.scenario.base.PROPOSAL_TYPES)."""

ROUTE_PHRASES = {
    "wg": "through the working group",
    "bilateral": "through ad hoc channels",
    "dg_talks": "through director-general-level talks",
    "unilateral": "without consulting the US",
    "shelved": "",
    "": "",
}
"""How an item was (or is being) handled, as a phrase that follows a verb."""

ACTORS = {
    "MOU": "the Ministry of Unification",
    "BH": "the Blue House",
    "Blue House": "the Blue House",
    "NGO": "an NGO",
    "DPRK": "the DPRK",
}
"""Who proposes or carries out items."""


@dataclass(frozen=True)
class Event:
    """One event row with the proposal's label resolved.

    Attributes:
        kind: The event kind (docs/events.md).
        actor: Who did it.
        item: The proposal in words ("" when the event is not about a proposal).
        route: The proposal's route at that moment.
        detail: The row's free text.
    """

    kind: str
    actor: str
    item: str
    route: str
    detail: str

    @property
    def via(self) -> str:
        """`` through the working group`` etc., or "" (with a leading space when set)."""
        phrase = ROUTE_PHRASES.get(self.route, self.route)
        return f" {phrase}" if phrase else ""

    @property
    def after_colon(self) -> str:
        """The part of ``detail`` after its first ``": "`` or ``"; "`` (all of it if none)."""
        for sep in (": ", "; "):
            if sep in self.detail:
                return self.detail.split(sep, 1)[1]
        return self.detail


def item_phrase(proposal_id: int, proposal_type: str, label: str) -> str:
    """A proposal in words: its label when a shock named it, else its type and number."""
    if label and label != proposal_type:
        return label if label.lower().startswith("the ") else f"the {label}"
    kind = TYPE_PHRASES.get(proposal_type, proposal_type or "item")
    return f"{kind} #{proposal_id}"


def _paren(text: str) -> str:
    return f" ({text})" if text else ""


def _shock(e: Event) -> str:
    day, _, name = e.detail.partition(": ")
    return f"{name} (on {day})" if name else e.detail


def _items(detail: str) -> str:
    """``(1 item on the table)``: the model's count with the noun in the right number."""
    return _paren(re.sub(r"\b1 items\b", "1 item", detail))


def _created(e: Event) -> str:
    who = ACTORS.get(e.actor, e.actor)
    return f"{who} proposes {e.item}"


def _shelved(e: Event) -> str:
    if "veto" in e.detail:
        return f"the Blue House gives up {e.item} after a US veto"
    return f"the Blue House shelves {e.item}{_paren(e.detail)}"


def _routed(e: Event) -> str:
    return f"the Blue House sends {e.item}{e.via}{_paren(e.detail)}"


def _contact(e: Event) -> str:
    tail = ", but the White House does not pass it on to State" if e.detail else ""
    return f"envoys meet on the {e.actor} channel{tail}"


def _un_submitted(e: Event) -> str:
    co = ", co-sponsored by the US" if e.detail == "co-sponsored" else ""
    return f"an exemption request for {e.item} is filed with the UN 1718 Committee{co}"


def _implemented(e: Event) -> str:
    who = ACTORS.get(e.actor, e.actor)
    return f"{e.item} is carried out by {who}{e.via}"


_CHOICES = {
    "wg": "to send {} to the working group",
    "dg": "to send {} to director-general-level talks",
    "bilateral": "to consult the US on {} through an envoy channel",
    "unilateral": "to go ahead alone with {}",
    "shelved": "to shelve {}",
    "cosponsor": "to approve {} and co-sponsor its UN exemption request",
    "approve": "to approve {}",
    "veto": "to veto {}",
    "defer": "to defer {}",
    "propose": "to put {} forward",
    "hold": "to hold {} back",
    "challenge": "to challenge the line on engagement",
    "quiet": "to stay quiet in the bargaining round",
}

_PLAYERS = {"Blue House": "the Blue House", "State": "the State Department", "MOU": "the MOU"}


def _student_choice(e: Event) -> str:
    """A role-play answer: ``"<stage>: chose <answer>; the model would choose <answer>"``."""
    _, _, rest = e.detail.partition(": chose ")
    chosen, _, own = rest.partition("; the model would choose ")
    who = "the student playing " + _PLAYERS.get(e.actor, e.actor)
    item = e.item or "it"
    if chosen not in _CHOICES:
        return f"{who} decides on {item}"
    text = f"{who} chooses " + _CHOICES[chosen].format(item)
    if own in _CHOICES and own != chosen:
        text += " (the model would choose " + _CHOICES[own].format("it") + ")"
    return text


TEMPLATES: dict[str, Callable[[Event], str]] = {
    "shock": _shock,
    "track_opened": lambda e: f"the US–DPRK negotiating track opens{_paren(e.detail)}",
    "track_closed": lambda e: f"the US–DPRK negotiating track closes{_paren(e.detail)}",
    "summit_deal": lambda e: f"the summit produces a denuclearization deal{_paren(e.detail)}",
    "window_opened": lambda e: f"a review window opens for the working group: {e.detail}",
    "provocation": lambda e: f"the DPRK stages a major provocation: {e.detail}",
    "wg_created": lambda e: f"the working group is created: {e.detail}",
    "created": _created,
    "mou_challenge": lambda e: (
        f"the Ministry of Unification publicly calls to readjust the working group; {e.after_colon}"
    ),
    "mou_challenge_mofa": lambda e: (
        "the Ministry of Unification publicly challenges MOFA's line on engagement; "
        f"{e.after_colon}"
    ),
    "mou_objection": lambda e: (
        f"the Ministry of Unification objects to MOFA's line inside the government; {e.after_colon}"
    ),
    "routed": _routed,
    "shelved": _shelved,
    "wg_meeting": lambda e: f"the working group meets{_items(e.detail)}",
    "dg_meeting": lambda e: f"director-general-level talks meet{_items(e.detail)}",
    "contact": _contact,
    "disclosed": lambda e: (
        f"{e.item}, going ahead without the US, is disclosed to the US on the {e.actor} channel"
    ),
    "nsc_cleared": lambda e: (
        f"the White House raises no objection to {e.item} on the {e.actor} channel, "
        "but the State Department is not told"
    ),
    "deferred": lambda e: f"the State Department defers its decision on {e.item}, consulted{e.via}",
    "approved": lambda e: f"the State Department approves {e.item}, consulted{e.via}",
    "vetoed": lambda e: f"the State Department vetoes {e.item}, consulted{e.via}",
    "modified": lambda e: f"the Blue House modifies {e.item} and resubmits it",
    "un_submitted": _un_submitted,
    "un_approved": lambda e: (
        f"the UN 1718 Committee approves the exemption for {e.item}, requested{e.via}"
    ),
    "un_rejected": lambda e: f"the UN 1718 Committee rejects the exemption for {e.item}",
    "dprk_accepted": lambda e: f"the DPRK accepts {e.item}",
    "dprk_rejected": lambda e: f"the DPRK rejects {e.item}",
    "dprk_ignored": lambda e: f"the DPRK ignores {e.item}, which stalls",
    "denunciation": lambda e: (
        "the DPRK denounces the working group"
        + e.detail.removeprefix("denounces the working group").rstrip()
    ),
    "implemented": _implemented,
    "surprise": lambda e: f"the US is surprised: it was not told of {e.item}",
    "dispute": lambda e: (
        f"a public dispute in Seoul over US 'interference': {e.item} {e.after_colon}"
    ),
    "stalled": lambda e: f"{e.item} stalls{_paren(e.detail)}",
    "criticism": lambda e: (
        "the ruling party criticises the working group as an obstacle to inter-Korean exchanges"
    ),
    "wg_reformed": lambda e: "the working group is reformed at a leadership window",
    "us_consent_changed": lambda e: f"the US changes its stance on ending the WG ({e.detail})",
    "termination_refused": lambda e: "the US withholds its consent to end the working group",
    "wg_terminated": lambda e: f"the working group ends{_paren(e.detail)}",
    "dg_talks_started": lambda e: "director-general-level talks take over from the working group",
    "student_choice": _student_choice,
}
"""One sentence template per event kind of docs/events.md."""


def sentence(event: Event) -> str:
    """The event as one plain sentence, capitalised and ending with a full stop."""
    template = TEMPLATES.get(event.kind)
    if template is None:  # a kind added to the model but not yet here: still readable
        text = f"{event.kind.replace('_', ' ')} ({event.actor}){_paren(event.detail)}"
    else:
        text = template(event)
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _day(value: object) -> str:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


def labels(events: pd.DataFrame) -> dict[int, str]:
    """Each proposal's label, from its ``created`` row."""
    created = events[events["kind"] == "created"]
    return dict(zip(created["proposal_id"].astype(int), created["detail"].astype(str), strict=True))


def narrate(events: pd.DataFrame, *, last: int | None = None) -> list[str]:
    """Dated sentences for an event log (``RunResult.events_frame()`` or a stored one).

    Args:
        events: Rows with the columns of docs/events.md (``date`` included).
        last: Only narrate the last ``last`` rows (labels still come from the whole log).

    Returns:
        ``"YYYY-MM-DD: Sentence."`` per row, in the log's order.
    """
    names = labels(events)
    rows = events if last is None else events.tail(last)
    return [f"{_day(r.date)}: {sentence(to_event(r, names))}" for r in rows.itertuples()]


ENDINGS = frozenset(
    {"implemented", "vetoed", "un_rejected", "dprk_rejected", "dprk_ignored", "stalled", "shelved"}
)
"""Event kinds after which an item's story has ended (a vetoed item resubmitted goes on)."""


def stories(events: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Each named item's story: its label and its dated sentences, in order of creation.

    A named item is one a scenario's shock put on the table with a label (the documented
    items of scenarios/historical.yaml); the stochastic background's items are left out.
    A story that has not ended when the run does says so.

    Args:
        events: Rows with the columns of docs/events.md (``date`` included).

    Returns:
        ``(label, ["YYYY-MM-DD: Sentence.", ...])`` per named item.
    """
    names = labels(events)
    created = events[events["kind"] == "created"]
    ids = [
        int(pid)
        for pid, ptype, label in zip(
            created["proposal_id"], created["proposal_type"], created["detail"], strict=True
        )
        if label and label != ptype
    ]
    pids = events["proposal_id"].fillna(0).astype(int)
    out = []
    for pid in ids:
        rows = events[pids == pid]
        lines = [f"{_day(r.date)}: {sentence(to_event(r, names))}" for r in rows.itertuples()]
        if rows["kind"].iloc[-1] not in ENDINGS:
            lines.append("(still pending when the run ends)")
        out.append((names[pid], lines))
    return out


def to_event(row: object, names: dict[int, str]) -> Event:
    """An :class:`Event` from a log row (an ``itertuples`` row) and the label map."""
    pid = int(getattr(row, "proposal_id", 0) or 0)
    ptype = str(getattr(row, "proposal_type", "") or "")
    item = item_phrase(pid, ptype, names.get(pid, "")) if pid else ""
    return Event(
        kind=str(row.kind),  # type: ignore[attr-defined]
        actor=str(row.actor),  # type: ignore[attr-defined]
        item=item,
        route=str(getattr(row, "route", "") or ""),
        detail=str(getattr(row, "detail", "") or ""),
    )


def kinds_covered() -> Iterable[str]:
    """Every event kind with its own template."""
    return TEMPLATES.keys()
