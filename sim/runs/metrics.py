"""Outcome metrics: each declared once, next to its computation (docs/model.md §8).

The functions at the top take plain data (proposals, counts, weeks, numbers) and return
numbers, so each is unit-tested on hand-made cases. Below them every metric is declared
(name, storage type, unit, meaning) on the function that computes it from a finished run
(:class:`FinishedRun`, which the model is): :data:`METRICS` lists the declarations in
order, and :func:`summarize` gives a run's flat row in that order, which batches write to
``runs.parquet``; the codebook and docs/outputs.md come from the same declarations.
Adding a metric is its declaration plus its computation.

The counts of event kinds and the WG's weeks come from the model's ledgers, which agree
with its event log row for row (tests check it); :func:`event_counts` gives the same
counts from a log.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Protocol

from sim.core.agents import Dprk
from sim.core.ledgers import Ledgers
from sim.core.outputs import COUNT, NEVER, WEEK, Column, Kind
from sim.core.proposals import TERMINAL, Proposal, Route, Status
from sim.core.working_group import WorkingGroup
from sim.scenario import Scenario
from sim.scenario.base import PROPOSAL_TYPES

DAYS_PER_WEEK = 7
NAN = math.nan

Event = tuple[int, str, str, int, str, str, str]

_kind = itemgetter(1)


def event_counts(events: Iterable[Event]) -> Counter[str]:
    """How many events of each kind the log holds."""
    return Counter(map(_kind, events))


def friction(counts: Mapping[str, int]) -> dict[str, float]:
    """FI = surprises (US side, entrapment) + public disputes (ROK side)."""
    s, d = counts.get("surprise", 0), counts.get("dispute", 0)
    return {"surprises": s, "disputes": d, "friction": s + d}


def per_year(value: float, n_weeks: int) -> float:
    """A run total expressed per 52 weeks."""
    return value * 52.0 / n_weeks if n_weeks > 0 else NAN


def quantiles(values: Sequence[float]) -> tuple[float, float, float]:
    """(25th, 50th, 75th) percentiles with linear interpolation; NaNs when empty."""
    if not values:
        return NAN, NAN, NAN
    xs = sorted(values)

    def q(f: float) -> float:
        pos = f * (len(xs) - 1)
        lo = math.floor(pos)
        hi = min(lo + 1, len(xs) - 1)
        return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)

    return q(0.25), q(0.5), q(0.75)


_PIPELINE_ROUTES = tuple(
    (f"route_{r.name.lower()}", r)
    for r in (Route.WG, Route.BILATERAL, Route.DG, Route.UNILATERAL, Route.SHELVED)
)
_PIPELINE_ENDS = tuple(
    (s.name.lower(), s)
    for s in (Status.VETOED, Status.UN_REJECTED, Status.DPRK_REJECTED, Status.STALLED)
)

_PIPELINE_TYPES = tuple((t, f"implemented_{t}", f"routed_wg_{t}") for t in PROPOSAL_TYPES)


def pipeline(proposals: Sequence[Proposal]) -> dict[str, float]:
    """Projects: created, routed by route, implemented, value, completion ratio, by type.

    ``completion_ratio`` is N_implemented / N_routed, where routed means sent to the WG,
    a channel, DG talks or ahead unilaterally (shelved items are not routed). One pass
    over the proposals counts routes, statuses and types together.
    """
    routes = [0] * len(Route)  # indexed by the IntEnums' values
    statuses = [0] * len(Status)
    values: list[float] = []  # of implemented items, summed at the end with sum()
    impl_by_type = dict.fromkeys(PROPOSAL_TYPES, 0)
    wg_by_type = dict.fromkeys(PROPOSAL_TYPES, 0)
    in_flight = 0
    for p in proposals:
        route, status = p.route, p.status
        routes[route] += 1
        statuses[status] += 1
        if status == Status.IMPLEMENTED:
            values.append(p.value_rok)
            impl_by_type[p.type] += 1
        elif route != Route.NONE and status not in TERMINAL:
            in_flight += 1
        if route == Route.WG:
            wg_by_type[p.type] += 1
    out: dict[str, float] = {"created": len(proposals)}
    for name, route in _PIPELINE_ROUTES:
        out[name] = routes[route]
    n_routed = len(proposals) - routes[Route.NONE] - routes[Route.SHELVED]
    out["routed"] = n_routed
    out["implemented"] = len(values)
    out["value_implemented"] = sum(values)
    out["completion_ratio"] = len(values) / n_routed if n_routed else NAN
    for name, status in _PIPELINE_ENDS:
        out[name] = statuses[status]
    out["in_flight_at_end"] = in_flight
    for t, implemented, routed_wg in _PIPELINE_TYPES:
        out[implemented] = impl_by_type[t]
        out[routed_wg] = wg_by_type[t]
    return out


def exemptions(proposals: Sequence[Proposal]) -> dict[str, float]:
    """Exemptions granted and lead times in days: LT = t_UN - t_routed; US lag t_US - t_routed."""
    ex = [p for p in proposals if p.exempted]
    lt = [float((p.t_un - p.t_routed) * DAYS_PER_WEEK) for p in ex]
    q25, q50, q75 = quantiles(lt)
    us = [float((p.t_us - p.t_routed) * DAYS_PER_WEEK) for p in proposals if p.t_us >= 0]
    return {
        "exemptions": len(ex),
        "exemption_lead_days_median": q50,
        "exemption_lead_days_q25": q25,
        "exemption_lead_days_q75": q75,
        "us_decision_days_median": quantiles(us)[1],
    }


def unilateral_moves(
    proposals: Sequence[Proposal], un_threshold: float, gray_threshold: float
) -> dict[str, float]:
    """Implemented unilateral moves: all, grey-zone (sigma_gray <= sigma < sigma_UN), violating."""
    uni = [p for p in proposals if p.route == Route.UNILATERAL and p.status == Status.IMPLEMENTED]
    return {
        "unilateral": len(uni),
        "gray_zone": sum(1 for p in uni if gray_threshold <= p.sigma < un_threshold),
        "violations": sum(1 for p in uni if p.sigma >= un_threshold),
    }


def wedge_gap(gap_sum: float, n_weeks: int, gap0: float) -> float:
    """WS_gap = mean over weeks of |x_ROK,E - x_US,E| minus the initial gap."""
    return gap_sum / n_weeks - gap0 if n_weeks > 0 else NAN


def wedge_legitimacy_share(loss_denunciation: float, loss_total: float) -> float:
    """WS_L = legitimacy lost to denunciations / all legitimacy lost (NaN if none lost)."""
    return loss_denunciation / loss_total if loss_total > 0.0 else NAN


def wedge_termination(denunciation_weeks: Sequence[int], termination_week: int) -> float:
    """WS_term = 1 if the WG ended within 52 weeks after some denunciation, else 0."""
    if termination_week < 0:
        return 0.0
    return float(any(0 <= termination_week - d <= 52 for d in denunciation_weeks))


@dataclass(frozen=True, slots=True)
class Lifetime:
    """The WG's life: first meeting, end, and lifetime in weeks (right-censored)."""

    created_week: int
    first_meeting_week: int
    terminated_week: int
    lifetime_weeks: float
    censored: bool


def lifetime(created_week: int, met_week: int, ended_week: int, n_weeks: int) -> Lifetime:
    """T_term in weeks since the first meeting; censored at the end when the WG survives.

    Args:
        created_week: When the WG was set up (-1 if never).
        met_week: When it first met (-1 if never).
        ended_week: When it was terminated (-1 if it survived).
        n_weeks: The run's length.
    """
    if met_week < 0:
        return Lifetime(created_week, met_week, ended_week, NAN, ended_week < 0)
    if ended_week < 0:
        return Lifetime(created_week, met_week, ended_week, float(n_weeks - met_week + 1), True)
    return Lifetime(created_week, met_week, ended_week, float(ended_week - met_week), False)


def _week_or_nan(week: int) -> float:
    """A week as a float, NaN for "never" (-1), so medians skip runs without it."""
    return float(week) if week >= 0 else NAN


# --- the metrics of a run, declared on their computations -------------------------------


class FinishedRun(Protocol):
    """What the metrics read of a run: the model (``WorkingGroupModel``) is one."""

    @property
    def steps(self) -> int:
        """The weeks run."""

    @property
    def parameters(self) -> Scenario:
        """The scenario run."""

    @property
    def proposals(self) -> Sequence[Proposal]:
        """Every proposal of the run in its final state."""

    @property
    def wg(self) -> WorkingGroup:
        """The working group: when it was set up, first met and ended; its legitimacy."""

    @property
    def dprk(self) -> Dprk:
        """The DPRK: its denuclearization progress index now and at its peak."""

    @property
    def ledgers(self) -> Ledgers:
        """The run's totals: denunciation weeks, legitimacy losses, the ROK-US gap."""

    def event_counts(self) -> Mapping[str, int]:
        """Events of each kind (kinds absent count 0)."""
        ...


Computation = Callable[[FinishedRun], Mapping[str, float]]
_METRICS: list[Column] = []
_COMPUTATIONS: list[tuple[Computation, tuple[str, ...]]] = []


def _m(name: str, kind: Kind, unit: str, meaning: str, missing: Any = None) -> Column:
    return Column(name, kind, unit, meaning, missing)


def metrics(*declared: Column) -> Callable[[Computation], Computation]:
    """Declare the metrics the decorated function computes, in their stored order.

    The function takes a finished run and returns a mapping of exactly these names to
    values; :func:`summarize` checks that it does.
    """

    def register(computation: Computation) -> Computation:
        _METRICS.extend(declared)
        _COMPUTATIONS.append((computation, tuple(c.name for c in declared)))
        return computation

    return register


@metrics(
    _m("surprises", "int", COUNT, "US-side surprises (entrapment friction)"),
    _m("disputes", "int", COUNT, "ROK-side public disputes"),
    _m("friction", "int", COUNT, "surprises + disputes"),
    _m("friction_per_year", "float", "per 52 weeks", "friction per 52 weeks"),
)
def _friction(run: FinishedRun) -> dict[str, float]:
    out = friction(run.event_counts())
    out["friction_per_year"] = per_year(out["friction"], run.steps)
    return out


COUNTED_KINDS = {
    "approved": "US approvals",
    "vetoed": "US vetoes",
    "deferred": "US deferrals",
    "un_submitted": "UN exemption requests filed",
    "mou_challenge": "MOU public calls to readjust the WG",
    "mou_challenge_mofa": "MOU public challenges of MOFA's line (no WG)",
    "mou_objection": "MOU objections inside the government (not public)",
    "denunciation": "DPRK denunciations of the WG",
    "criticism": "ruling-party criticisms of the WG",
    "contact": "ad hoc channel contacts",
    "wg_meeting": "WG meetings",
    "dg_meeting": "director-general-level meetings",
    "wg_reformed": "WG reforms",
    "provocation": "major DPRK provocations",
}
"""Event kinds (of ``sim.core.outputs.EVENT_KINDS``) counted as ``n_<kind>`` metrics."""


@metrics(*(_m(f"n_{k}", "int", COUNT, f"events: {m}") for k, m in COUNTED_KINDS.items()))
def _counted_events(run: FinishedRun) -> dict[str, float]:
    counts = run.event_counts()
    return {f"n_{kind}": counts.get(kind, 0) for kind in COUNTED_KINDS}


@metrics(
    _m("created", "int", COUNT, "proposals created"),
    _m("route_wg", "int", COUNT, "proposals routed through the WG"),
    _m("route_bilateral", "int", COUNT, "proposals routed through ad hoc channels"),
    _m("route_dg", "int", COUNT, "proposals routed to director-general-level talks"),
    _m("route_unilateral", "int", COUNT, "proposals taken ahead unilaterally"),
    _m("route_shelved", "int", COUNT, "proposals shelved"),
    _m("routed", "int", COUNT, "proposals routed (all routes but shelved)"),
    _m("implemented", "int", COUNT, "proposals implemented"),
    _m("value_implemented", "float", "value units", "sum of the ROK's value of implemented items"),
    _m("completion_ratio", "float", "share", "implemented / routed (undefined if none routed)"),
    _m("vetoed", "int", COUNT, "proposals ending vetoed"),
    _m("un_rejected", "int", COUNT, "proposals ending rejected by the UN 1718 Committee"),
    _m("dprk_rejected", "int", COUNT, "proposals ending rejected by the DPRK"),
    _m("stalled", "int", COUNT, "proposals ending stalled"),
    _m("in_flight_at_end", "int", COUNT, "routed proposals not finished at the end"),
    *(
        col
        for t in PROPOSAL_TYPES
        for col in (
            _m(f"implemented_{t}", "int", COUNT, f"{t} proposals implemented"),
            _m(f"routed_wg_{t}", "int", COUNT, f"{t} proposals routed through the WG"),
        )
    ),
)
def _pipeline(run: FinishedRun) -> dict[str, float]:
    return pipeline(run.proposals)


@metrics(
    _m("exemptions", "int", COUNT, "UN 1718 exemptions granted"),
    _m("exemption_lead_days_median", "float", "days", "median t_UN - t_routed of exemptions"),
    _m("exemption_lead_days_q25", "float", "days", "25th percentile of the exemption lead time"),
    _m("exemption_lead_days_q75", "float", "days", "75th percentile of the exemption lead time"),
    _m("us_decision_days_median", "float", "days", "median t_US - t_routed of US decisions"),
)
def _exemptions(run: FinishedRun) -> dict[str, float]:
    return exemptions(run.proposals)


@metrics(
    _m("unilateral", "int", COUNT, "unilateral moves implemented"),
    _m("gray_zone", "int", COUNT, "unilateral moves with sigma_gray <= sigma < sigma_UN"),
    _m("violations", "int", COUNT, "unilateral moves with sigma >= sigma_UN"),
)
def _unilateral(run: FinishedRun) -> dict[str, float]:
    p = run.parameters.proposals
    return unilateral_moves(run.proposals, p.un_threshold, p.gray_threshold)


@metrics(
    _m("dpi_final", "float", "index 0-1", "denuclearization progress index at the end"),
    _m("dpi_peak", "float", "index 0-1", "highest denuclearization progress index of the run"),
)
def _dpi(run: FinishedRun) -> dict[str, float]:
    return {"dpi_final": run.dprk.dpi, "dpi_peak": run.dprk.dpi_peak}


_NONE = "(none: undefined)"


@metrics(
    _m("denunciation_first_week", "float", WEEK, f"week of the first DPRK denunciation {_NONE}"),
    _m("denunciation_last_week", "float", WEEK, f"week of the last DPRK denunciation {_NONE}"),
    _m("ws_gap", "float", "position units", "wedge: mean ROK-US gap on engagement minus week 1's"),
    _m("ws_legitimacy", "float", "share", "wedge: legitimacy lost to denunciations / all lost"),
    _m("ws_termination", "float", "0 or 1", "wedge: the WG ended <= 52 weeks after a denunciation"),
)
def _wedge(run: FinishedRun) -> dict[str, float]:
    led = run.ledgers
    # The DPRK denounces only a WG that exists, so no denunciation comes after its end
    # and the latest one decides WS_term.
    last = led.last_denunciation_week
    return {
        "denunciation_first_week": _week_or_nan(led.first_denunciation_week),
        "denunciation_last_week": _week_or_nan(last),
        "ws_gap": wedge_gap(led.gap_sum, run.steps, led.gap0),
        "ws_legitimacy": wedge_legitimacy_share(led.loss_denunciation, led.loss_total),
        "ws_termination": wedge_termination([last] if last >= 0 else [], run.wg.terminated_week),
    }


@metrics(
    _m("wg_created_week", "int", WEEK, "week the WG was set up", NEVER),
    _m("wg_first_meeting_week", "int", WEEK, "week of the WG's first meeting", NEVER),
    _m("wg_terminated_week", "int", WEEK, "week the WG was terminated", NEVER),
    _m("wg_terminated", "bool", "", "the WG was terminated"),
    _m("wg_lifetime_weeks", "float", "weeks", "first meeting to termination (or to the end)"),
    _m("wg_censored", "bool", "", "the lifetime is right-censored (the WG survived)"),
    _m("legitimacy_final", "float", "0-1", "WG legitimacy at the end (no WG ever: undefined)"),
)
def _wg_life(run: FinishedRun) -> dict[str, float]:
    wg = run.wg
    life = lifetime(wg.created_week, wg.met_week, wg.terminated_week, run.steps)
    return {
        "wg_created_week": life.created_week,
        "wg_first_meeting_week": life.first_meeting_week,
        "wg_terminated_week": life.terminated_week,
        "wg_terminated": float(life.terminated_week >= 0),
        "wg_lifetime_weeks": life.lifetime_weeks,
        "wg_censored": float(life.censored),
        # No WG ever existed: there is no legitimacy to report.
        "legitimacy_final": wg.legitimacy if wg.created_week >= 0 else NAN,
    }


METRICS: tuple[Column, ...] = tuple(_METRICS)
"""Every outcome metric of one run, in the order of :func:`summarize`'s row."""


def summarize(run: FinishedRun) -> dict[str, float]:
    """All outcome metrics of a finished (or partly run) model, in :data:`METRICS` order.

    Raises:
        ValueError: if a computation does not give exactly the metrics declared on it.
    """
    out: dict[str, float] = {}
    for computation, names in _COMPUTATIONS:
        values = computation(run)
        if values.keys() != set(names):
            raise ValueError(
                f"{computation.__name__} computes {sorted(values)}, declared {list(names)}"
            )
        for name in names:
            out[name] = values[name]
    return out
