"""Outcome metrics: pure functions of a run's proposals and ledgers (§4).

Every function here takes plain data (proposals, counts, weeks, numbers) and returns
numbers, so each is unit-tested on hand-made cases. :func:`summarize` assembles them into
the flat row that batches write to ``runs.parquet``. The counts of event kinds and the
WG's weeks come from the model's ledgers, which agree with its event log row for row
(tests check it); :func:`event_counts` gives the same counts from a log.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from sim.core.proposals import TERMINAL, Proposal, Route, Status
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


_COUNTED = tuple(
    (kind, f"n_{kind}")
    for kind in (
        "approved",
        "vetoed",
        "deferred",
        "un_submitted",
        "mou_challenge",
        "mou_challenge_mofa",
        "mou_objection",
        "denunciation",
        "criticism",
        "contact",
        "wg_meeting",
        "dg_meeting",
        "wg_reformed",
        "provocation",
    )
)
"""Event kinds counted in the summary, with their metric names."""


def summarize(
    proposals: Sequence[Proposal],
    counts: Mapping[str, int],
    *,
    n_weeks: int,
    wg_created_week: int,
    wg_met_week: int,
    wg_ended_week: int,
    last_denunciation_week: int,
    first_denunciation_week: int,
    un_threshold: float,
    gray_threshold: float,
    gap_sum: float,
    gap0: float,
    loss_denunciation: float,
    loss_total: float,
    dpi_final: float,
    dpi_peak: float,
    legitimacy_final: float,
) -> dict[str, float]:
    """All outcome metrics of one run, as a flat mapping of name to number.

    Args:
        proposals: Every proposal of the run in its final state.
        counts: Rows of each event kind in the log (kinds absent count 0).
        n_weeks: The weeks run.
        wg_created_week: When the WG was set up (-1 if never).
        wg_met_week: When it first met (-1 if never).
        wg_ended_week: When it was terminated (-1 if it survived).
        last_denunciation_week: The latest DPRK denunciation (-1 if none). The DPRK
            denounces only a WG that exists, so no denunciation comes after its end and
            the latest one decides WS_term.
        first_denunciation_week: The first one (-1 if none).
        un_threshold: sigma_UN.
        gray_threshold: sigma_gray.
        gap_sum: Sum over weeks of |x_ROK,E - x_US,E|.
        gap0: The first week's gap.
        loss_denunciation: Legitimacy lost to denunciations.
        loss_total: All legitimacy lost.
        dpi_final: DPI at the end.
        dpi_peak: The highest DPI of the run.
        legitimacy_final: WG legitimacy at the end (NaN when no WG ever existed).
    """
    out: dict[str, float] = {}
    out.update(friction(counts))
    out["friction_per_year"] = per_year(out["friction"], n_weeks)
    for kind, name in _COUNTED:
        out[name] = counts.get(kind, 0)
    out.update(pipeline(proposals))
    out.update(exemptions(proposals))
    out.update(unilateral_moves(proposals, un_threshold, gray_threshold))
    out["dpi_final"] = dpi_final
    out["dpi_peak"] = dpi_peak
    out["denunciation_first_week"] = _week_or_nan(first_denunciation_week)
    out["denunciation_last_week"] = _week_or_nan(last_denunciation_week)
    out["ws_gap"] = wedge_gap(gap_sum, n_weeks, gap0)
    out["ws_legitimacy"] = wedge_legitimacy_share(loss_denunciation, loss_total)
    den_weeks = [last_denunciation_week] if last_denunciation_week >= 0 else []
    out["ws_termination"] = wedge_termination(den_weeks, wg_ended_week)
    life = lifetime(wg_created_week, wg_met_week, wg_ended_week, n_weeks)
    out["wg_created_week"] = life.created_week
    out["wg_first_meeting_week"] = life.first_meeting_week
    out["wg_terminated_week"] = life.terminated_week
    out["wg_terminated"] = float(life.terminated_week >= 0)
    out["wg_lifetime_weeks"] = life.lifetime_weeks
    out["wg_censored"] = float(life.censored)
    out["legitimacy_final"] = legitimacy_final
    return out
