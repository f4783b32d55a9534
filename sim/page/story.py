"""The page's event log: every event as a dated sentence with a "because" clause, filterable.

The sentences are :mod:`sim.analysis.narrate`'s. A "because" clause says which of the
model's quantities, at that week, made the event likely (docs/model.md): a veto compares
the item's sanctions load with the US win-set, a denunciation names the DPRK's mode, the
WG's end its legitimacy. It reads only what the run recorded (the weekly series and, for
live runs, the proposals' attributes), so it explains without re-deciding anything: the
model draws at random, and a clause says what tilted the odds, not what settled them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from sim.analysis.narrate import item_phrase, labels, sentence, to_event
from sim.core.proposals import Proposal
from sim.page.data import RunView

DPRK_MODES = {0: "engagement", 1: "wedge", 2: "coercion"}
"""The DPRK's modes (``sim.core.agents.DprkMode``) in words."""

CONTACT_KINDS = ("contact", "wg_meeting", "dg_meeting")
"""Meetings and contacts: most of the log, hidden by the "hide contacts" filter."""


@dataclass(frozen=True)
class LogRow:
    """One line of the page's log.

    Attributes:
        week: The week of the event.
        date: Its Monday (ISO).
        kind: The event kind (docs/events.md).
        actor: Who did it.
        proposal: The proposal's id (0 when the event is not about one).
        text: The event as a sentence.
        because: Why it was likely ("" when there is nothing to add).
    """

    week: int
    date: str
    kind: str
    actor: str
    proposal: int
    text: str
    because: str


@dataclass(frozen=True)
class Context:
    """What a "because" clause may read: the week's series row and the proposal."""

    state: Mapping[str, float]
    proposal: Proposal | None
    detail: str


def _veto(c: Context) -> str:
    p, w = c.proposal, c.state.get("win_set")
    if p is None or w is None:
        return ""
    if p.modified:  # its load was cut after the veto: the number now is not the one judged
        return "because the US judged its sanctions load above what it readily approves"
    if p.sigma > w:
        return f"because its sanctions load ({p.sigma:.2f}) looked above the US win-set ({w:.2f})"
    return (
        f"although its sanctions load ({p.sigma:.2f}) is within the US win-set ({w:.2f}): "
        "the US misread it (imperfect information) or distrusts Seoul"
    )


def _approve(c: Context) -> str:
    p, w = c.proposal, c.state.get("win_set")
    if p is None or w is None or p.sigma > w:
        return ""
    return f"because its sanctions load ({p.sigma:.2f}) is within the US win-set ({w:.2f})"


def _mode(c: Context) -> str:
    mode = DPRK_MODES.get(int(c.state.get("dprk_mode", -1)), "")
    return f"the DPRK is in {mode} mode" if mode else ""


def _denounce(c: Context) -> str:
    mode = _mode(c)
    return f"because the WG is visible and {mode}" if mode else ""


def _legitimacy(c: Context) -> str:
    value = c.state.get("legitimacy")
    if value is None or value != value:  # no value (NaN: the week the WG ended)
        return ""
    return f"WG legitimacy was {value:.2f}"


BECAUSE: dict[str, Callable[[Context], str]] = {
    "vetoed": _veto,
    "approved": _approve,
    "deferred": lambda c: "because the US review reached no decision this week",
    "surprise": lambda c: (
        "because it was alliance-sensitive and the State Department had not been told "
        + ("before it was announced" if "(announced)" in c.detail else "before it was carried out")
    ),
    "nsc_cleared": lambda c: "because the White House NSC did not pass it on to State",
    "denunciation": _denounce,
    "dprk_rejected": lambda c: f"because {_mode(c)}" if _mode(c) else "",
    "dprk_accepted": lambda c: f"because {_mode(c)}" if _mode(c) else "",
    "wg_terminated": lambda c: f"when {_legitimacy(c)}" if _legitimacy(c) else "",
    "criticism": lambda c: f"because {_legitimacy(c)}, too low for the ruling party",
    "mou_challenge": lambda c: "because the MOU's items waited too long in the WG",
    "termination_refused": lambda c: "because the US did not consent (a random draw)",
    "un_approved": lambda c: "faster because the US co-sponsored it" if c.detail else "",
    "stalled": lambda c: "because nothing resolved it in time",
}
"""A "because" clause per event kind (kinds without one explain themselves)."""


def _series_by_week(series: pd.DataFrame) -> dict[int, dict[str, float]]:
    cols = [c for c in ("win_set", "dprk_mode", "legitimacy") if c in series.columns]
    weeks = series["week"].astype(int).tolist()
    values: list[dict[str, float]] = [
        {str(k): float(v) for k, v in row.items()} for row in series[cols].to_dict("records")
    ]
    return dict(zip(weeks, values, strict=True))


def log_rows(view: RunView, start: int = 0) -> list[LogRow]:
    """Every event of the view's log from row ``start`` on as a :class:`LogRow`, oldest first.

    A page that has narrated the first ``n`` rows narrates only the new ones with
    ``start=n`` (proposal names still come from the whole log).
    """
    ev = view.events.iloc[start:] if start else view.events
    names = labels(view.events)
    series = view.series
    if start and not ev.empty:  # the clauses read the weeks of the new events only
        series = series[series["week"] >= int(ev["week"].iloc[0])]
    state = _series_by_week(series)
    out = []
    weeks = [int(w) for w in ev["week"].tolist()]
    pids = [int(p) for p in ev["proposal_id"].tolist()]
    dates = [str(d)[:10] for d in ev["date"].tolist()]
    for r, week, pid, date in zip(ev.itertuples(), weeks, pids, dates, strict=True):
        e = to_event(r, names)
        rule = BECAUSE.get(e.kind)
        because = ""
        if rule is not None:
            because = rule(Context(state.get(week, {}), view.proposals.get(pid), e.detail))
        out.append(LogRow(week, date, e.kind, e.actor, pid, sentence(e), because))
    return out


def proposal_names(view: RunView) -> dict[int, str]:
    """Each proposal of the log in words (for the "one proposal's story" filter)."""
    created = view.events[view.events["kind"] == "created"]
    return {
        int(pid): item_phrase(int(pid), str(t), str(label))
        for pid, t, label in zip(
            created["proposal_id"], created["proposal_type"], created["detail"], strict=True
        )
    }


def filtered(
    rows: list[LogRow], *, hide_contacts: bool = True, actor: str = "", proposal: int = 0
) -> list[LogRow]:
    """The rows a filter keeps: without meetings and contacts, of one actor, one proposal."""
    out = rows
    if hide_contacts:
        out = [r for r in out if r.kind not in CONTACT_KINDS]
    if actor:
        out = [r for r in out if r.actor == actor]
    if proposal:
        out = [r for r in out if r.proposal == proposal]
    return out


def actors(rows: list[LogRow]) -> list[str]:
    """The actors that appear in the rows, sorted."""
    return sorted({r.actor for r in rows})
