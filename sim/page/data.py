"""What the page shows, as plain data: pure functions of a run's event log and series.

The page (``sim/page/app.py``) draws these; the tests check them without a browser. A live
model and a stored run (replay) both become a :class:`RunView` — the event log and the
weekly series up to the current week — so every panel works the same for both. Nothing
here changes or re-implements the model: proposal stages are read back from the event
log (tests check they agree with the model's own statuses). The controls (scenarios,
sliders, presets) are in :mod:`sim.page.controls`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from sim.analysis.narrate import item_phrase, labels
from sim.core.proposals import TERMINAL, Proposal, Status

# --- a run at one week ------------------------------------------------------------------


@dataclass(frozen=True)
class RunView:
    """A run (live or stored) as the page sees it at one week.

    Attributes:
        label: What the run is (e.g. "working group" or "no group").
        start: The calendar's first Monday.
        week: The last week simulated (0 before the first step).
        n_weeks: Weeks in the whole run.
        events: The event log up to ``week`` (columns of docs/events.md, with ``date``).
        series: The weekly series up to ``week`` (``SERIES_COLUMNS`` with ``date``).
        channels: The ad hoc channels as (name, whether the US end is the NSC).
        proposals: A live run's proposals by id (what "because" clauses read); empty for a
            replay, whose files hold only the log.
        item_shocks: Names of the shocks that only put Seoul's documented proposals on the
            table (the record's dated items): logged, but not numbered on the charts.
    """

    label: str
    start: dt.date
    week: int
    n_weeks: int
    events: pd.DataFrame
    series: pd.DataFrame
    channels: tuple[tuple[str, bool], ...]
    proposals: Mapping[int, Proposal] = field(default_factory=dict)
    item_shocks: frozenset[str] = frozenset()

    @property
    def date(self) -> dt.date:
        """The Monday of the current week (the calendar's start before the first step)."""
        return self.start + dt.timedelta(days=7 * max(0, self.week - 1))

    @property
    def finished(self) -> bool:
        """Whether the run has reached its last week."""
        return self.week >= self.n_weeks

    @functools.cached_property
    def status(self) -> dict[int, Status]:
        """Each proposal's status at this week (:func:`statuses`, read once per view)."""
        return statuses(self.events)


def latest(series: pd.DataFrame, column: str, default: float = float("nan")) -> float:
    """The last recorded value of ``column`` (``default`` before the first week)."""
    if series.empty:
        return default
    return float(series[column].iloc[-1])


# --- the proposal pipeline -----------------------------------------------------------------

IN_FLIGHT = (Status.NEW, Status.US_REVIEW, Status.UN_PENDING, Status.DPRK_PENDING)
OUTCOMES = tuple(s for s in Status if s in TERMINAL)
STAGE_NAMES = {
    Status.NEW: "awaiting routing",
    Status.US_REVIEW: "US review",
    Status.UN_PENDING: "UN 1718 review",
    Status.DPRK_PENDING: "awaiting the DPRK",
    Status.IMPLEMENTED: "implemented",
    Status.VETOED: "vetoed",
    Status.UN_REJECTED: "UN rejected",
    Status.DPRK_REJECTED: "DPRK rejected",
    Status.STALLED: "stalled",
    Status.SHELVED: "shelved",
}

# Status after an event of each kind (None: the kind does not move the item).
_STATUS_AFTER = {
    "created": Status.NEW,
    "nsc_cleared": Status.DPRK_PENDING,
    "approved": Status.DPRK_PENDING,  # sanctioned items: un_submitted follows at once
    "un_submitted": Status.UN_PENDING,
    "un_approved": Status.DPRK_PENDING,
    "un_rejected": Status.UN_REJECTED,
    "vetoed": Status.VETOED,  # a resubmission logs routed next
    "dprk_accepted": Status.DPRK_PENDING,  # implemented in the same week
    "dprk_rejected": Status.DPRK_REJECTED,
    "dprk_ignored": Status.STALLED,
    "implemented": Status.IMPLEMENTED,
    "stalled": Status.STALLED,
}


def statuses(events: pd.DataFrame) -> dict[int, Status]:
    """Each proposal's status after the events in the log (docs/events.md, "Kinds").

    Args:
        events: An event log (at least ``kind``, ``proposal_id`` and ``route``).

    Returns:
        Proposal id -> status, for every proposal created in the log.
    """
    out: dict[int, Status] = {}
    rows = events[events["proposal_id"] > 0]
    for kind, pid, route in zip(rows["kind"], rows["proposal_id"], rows["route"], strict=True):
        pid = int(pid)
        if kind == "routed":
            if out.get(pid) == Status.UN_PENDING:  # a new WG takes up a pending request
                continue
            out[pid] = Status.DPRK_PENDING if route == "unilateral" else Status.US_REVIEW
        elif kind == "shelved":  # giving up after a veto leaves the item vetoed
            out[pid] = Status.VETOED if out.get(pid) == Status.VETOED else Status.SHELVED
        elif kind in _STATUS_AFTER:
            out[pid] = _STATUS_AFTER[kind]
    return out


def pipeline_counts(status: dict[int, Status]) -> dict[str, int]:
    """Proposals per stage (in flight) and per outcome, in pipeline order."""
    counts = dict.fromkeys((STAGE_NAMES[s] for s in (*IN_FLIGHT, *OUTCOMES)), 0)
    for s in status.values():
        counts[STAGE_NAMES[s]] += 1
    return counts


@dataclass(frozen=True)
class Item:
    """A proposal in flight, as listed on the page."""

    id: int
    name: str
    stage: str
    route: str
    age_weeks: int


def in_flight(
    events: pd.DataFrame, week: int, status: dict[int, Status] | None = None
) -> list[Item]:
    """The proposals still in flight at ``week``, oldest first.

    ``status`` is :func:`statuses` of ``events`` when the caller has it already.
    """
    status = statuses(events) if status is None else status
    names = labels(events)
    rows = events[events["proposal_id"] > 0]
    first: dict[int, int] = {}
    last: dict[int, tuple[str, str]] = {}
    for pid, w, route, ptype in zip(
        rows["proposal_id"].tolist(),
        rows["week"].tolist(),
        rows["route"].tolist(),
        rows["proposal_type"].tolist(),
        strict=True,
    ):
        first.setdefault(pid, int(w))
        last[pid] = (str(route), str(ptype))
    items = [
        Item(
            pid,
            item_phrase(pid, last[pid][1], names.get(pid, "")),
            STAGE_NAMES[s],
            last[pid][0],
            week - first[pid],
        )
        for pid, s in status.items()
        if s in IN_FLIGHT
    ]
    return sorted(items, key=lambda i: (-i.age_weeks, i.id))


# --- the actor network ----------------------------------------------------------------------

ACTOR_NODES = ("Blue House", "MOFA", "MOU", "State", "DPRK", "UN 1718")
"""The agents, as network nodes; the WG and DG talks join as hubs while they exist."""

NETWORK_WINDOW_WEEKS = 13
"""Contact volume on an edge counts events of the last quarter (13 weeks)."""


@dataclass(frozen=True)
class Edge:
    """An edge of the actor network.

    Attributes:
        a: One end.
        b: The other end.
        label: What the edge is (a channel's name, "WG" ...).
        volume: Contacts (meetings, items, answers) in the last ``NETWORK_WINDOW_WEEKS``.
        trust: Mutual US–ROK trust (mean of both) for alliance channels; None otherwise.
        nsc: Whether the US end of the channel is the White House NSC.
    """

    a: str
    b: str
    label: str
    volume: int
    trust: float | None
    nsc: bool = False


@dataclass(frozen=True)
class Network:
    """Nodes and edges of the actor network at one week."""

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]


def _count(events: pd.DataFrame, kinds: tuple[str, ...], actor: str | None = None) -> int:
    sel = events["kind"].isin(kinds)
    if actor is not None:
        sel &= events["actor"] == actor
    return int(sel.sum())


def network(view: RunView, window: int = NETWORK_WINDOW_WEEKS) -> Network:
    """The actor network at the view's week.

    Ad hoc channels join the Blue House (NSC channels) or MOFA to State; the WG (while it
    exists) and DG-level talks (once started) are hubs joined to the ministries and State.
    Edge volume counts the last ``window`` weeks; alliance edges carry mutual trust.
    """
    ev = view.events
    recent = ev[ev["week"] > view.week - window]
    trust = (latest(view.series, "trust_us", 0.5) + latest(view.series, "trust_rok", 0.5)) / 2
    edges = [
        Edge(
            "Blue House" if nsc else "MOFA",
            "State",
            name,
            _count(recent, ("contact",), name),
            trust,
            nsc,
        )
        for name, nsc in view.channels
    ]
    nodes = list(ACTOR_NODES)
    if latest(view.series, "wg_phase", 0.0) == 1.0:
        nodes.append("WG")
        meetings = _count(recent, ("wg_meeting",))
        edges += [Edge("WG", n, "WG", meetings, trust) for n in ("Blue House", "MOFA", "MOU")]
        edges.append(Edge("WG", "State", "WG", meetings, trust))
    if _count(ev, ("dg_talks_started",)):
        nodes.append("DG talks")
        meetings = _count(recent, ("dg_meeting",))
        edges += [Edge("DG talks", n, "DG talks", meetings, trust) for n in ("MOFA", "State")]
    created = recent[recent["kind"] == "created"]
    mou_items = int(created["actor"].isin(("MOU", "NGO")).sum())
    answers = _count(recent, ("dprk_accepted", "dprk_rejected", "dprk_ignored"))
    edges += [
        Edge("MOU", "Blue House", "MOU/NGO items", mou_items, None),
        Edge("DPRK", "Blue House", "DPRK answers", answers, None),
        Edge("State", "UN 1718", "exemption requests", _count(recent, ("un_submitted",)), None),
    ]
    return Network(tuple(nodes), tuple(edges))
