"""Every outcome metric on hand-made proposals, event logs and ledgers (docs/mechanisms.md §4)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from rulekit import proposal

from sim.core.outputs import EVENT_KIND
from sim.core.proposals import Route, Status
from sim.runs import codebook
from sim.runs import metrics as mx
from sim.runs.runner import build
from sim.scenario.base import PROPOSAL_TYPES


def prop(pid, route, status, **kw):
    p = proposal(**{"id": pid, "type": "HUM", **kw})
    p.route, p.status = route, status
    return p


def ev(week, kind):
    return (week, kind, "actor", 0, "", "", "")


def finished(proposals, events, *, weeks, wg, ledgers, dpi=(0.0, 0.0), thresholds=(0.5, 0.3)):
    """A hand-made finished run: what summarize reads of a model, and nothing else."""
    counts = dict(mx.event_counts(events))
    un, gray = thresholds
    return SimpleNamespace(
        steps=weeks,
        parameters=SimpleNamespace(proposals=SimpleNamespace(un_threshold=un, gray_threshold=gray)),
        proposals=proposals,
        wg=SimpleNamespace(**wg),
        dprk=SimpleNamespace(dpi=dpi[0], dpi_peak=dpi[1]),
        ledgers=SimpleNamespace(**ledgers),
        event_counts=lambda: counts,
    )


def test_event_counts():
    events = [ev(1, "surprise"), ev(2, "dispute"), ev(3, "dispute"), ev(3, "contact")]
    counts = mx.event_counts(events)
    assert counts == {"surprise": 1, "dispute": 2, "contact": 1}
    assert counts["nothing"] == 0
    assert mx.event_counts([]) == {}


def test_friction_and_per_year():
    counts = mx.event_counts([ev(1, "surprise"), ev(2, "dispute"), ev(3, "dispute")])
    assert mx.friction(counts) == {"surprises": 1, "disputes": 2, "friction": 3}
    assert mx.friction({}) == {"surprises": 0, "disputes": 0, "friction": 0}
    assert mx.per_year(3, 104) == pytest.approx(1.5)
    assert mx.per_year(5, 52) == pytest.approx(5.0)
    assert math.isnan(mx.per_year(3, 0))


def test_quantiles_interpolate_linearly():
    assert mx.quantiles([1.0, 2.0, 3.0, 4.0]) == pytest.approx((1.75, 2.5, 3.25))
    assert mx.quantiles([4.0, 1.0, 3.0]) == pytest.approx((2.0, 3.0, 3.5))
    assert mx.quantiles([7.0]) == (7.0, 7.0, 7.0)
    assert all(math.isnan(q) for q in mx.quantiles([]))


def test_pipeline_counts_routes_statuses_and_types():
    ps = [
        prop(1, Route.WG, Status.IMPLEMENTED, value_rok=0.4),
        prop(2, Route.BILATERAL, Status.VETOED),
        prop(3, Route.UNILATERAL, Status.IMPLEMENTED, value_rok=0.6, type="MIL"),
        prop(4, Route.SHELVED, Status.SHELVED),
        prop(5, Route.WG, Status.US_REVIEW, type="ECON"),
        prop(6, Route.DG, Status.UN_REJECTED, type="ECON"),
        prop(7, Route.WG, Status.STALLED),
        prop(8, Route.BILATERAL, Status.DPRK_REJECTED, type="TOUR"),
        prop(9, Route.NONE, Status.NEW),
    ]
    out = mx.pipeline(ps)
    assert out["created"] == 9
    assert out["routed"] == 7  # neither shelved nor unrouted items count
    assert out["implemented"] == 2
    assert out["value_implemented"] == pytest.approx(1.0)
    assert out["completion_ratio"] == pytest.approx(2 / 7)
    assert (out["route_wg"], out["route_bilateral"], out["route_dg"]) == (3, 2, 1)
    assert (out["route_unilateral"], out["route_shelved"]) == (1, 1)
    assert (out["vetoed"], out["un_rejected"], out["dprk_rejected"], out["stalled"]) == (1, 1, 1, 1)
    assert out["in_flight_at_end"] == 1
    assert out["implemented_MIL"] == 1 and out["implemented_HUM"] == 1
    assert out["implemented_ECON"] == 0
    assert out["routed_wg_HUM"] == 2 and out["routed_wg_ECON"] == 1
    assert all(f"implemented_{t}" in out and f"routed_wg_{t}" in out for t in PROPOSAL_TYPES)


def test_pipeline_of_nothing():
    out = mx.pipeline([])
    assert out["created"] == out["routed"] == out["implemented"] == 0
    assert math.isnan(out["completion_ratio"])


def test_exemption_lead_times_in_days():
    ps = [
        prop(1, Route.WG, Status.IMPLEMENTED, t_routed=2, t_us=3, t_un=6, exempted=True),
        prop(2, Route.WG, Status.IMPLEMENTED, t_routed=2, t_us=4, t_un=12, exempted=True),
        prop(3, Route.BILATERAL, Status.IMPLEMENTED, t_routed=1, t_us=2, t_un=20, exempted=True),
        prop(4, Route.BILATERAL, Status.UN_REJECTED, t_routed=1, t_us=2, t_un=9),
        prop(5, Route.BILATERAL, Status.US_REVIEW, t_routed=1),
    ]
    out = mx.exemptions(ps)
    assert out["exemptions"] == 3
    # lead times 28, 70, 133 days; US decision lags 7, 14, 7, 7 days
    assert out["exemption_lead_days_median"] == pytest.approx(70.0)
    assert out["exemption_lead_days_q25"] == pytest.approx(49.0)
    assert out["exemption_lead_days_q75"] == pytest.approx(101.5)
    assert out["us_decision_days_median"] == pytest.approx(7.0)
    none = mx.exemptions(ps[3:])
    assert none["exemptions"] == 0 and math.isnan(none["exemption_lead_days_median"])


def test_unilateral_moves_split_by_load():
    ps = [
        prop(1, Route.UNILATERAL, Status.IMPLEMENTED, sigma=0.1),
        prop(2, Route.UNILATERAL, Status.IMPLEMENTED, sigma=0.3),  # at sigma_gray: grey
        prop(3, Route.UNILATERAL, Status.IMPLEMENTED, sigma=0.49),
        prop(4, Route.UNILATERAL, Status.IMPLEMENTED, sigma=0.5),  # at sigma_UN: violation
        prop(5, Route.UNILATERAL, Status.DPRK_REJECTED, sigma=0.8),  # not implemented
        prop(6, Route.WG, Status.IMPLEMENTED, sigma=0.8),  # not unilateral
    ]
    assert mx.unilateral_moves(ps, 0.5, 0.3) == {"unilateral": 4, "gray_zone": 2, "violations": 1}
    assert mx.unilateral_moves([], 0.5, 0.3) == {"unilateral": 0, "gray_zone": 0, "violations": 0}


def test_wedge_gap_and_legitimacy_share():
    assert mx.wedge_gap(30.0, 100, 0.2) == pytest.approx(0.1)
    assert mx.wedge_gap(10.0, 100, 0.2) == pytest.approx(-0.1)
    assert math.isnan(mx.wedge_gap(1.0, 0, 0.2))
    assert mx.wedge_legitimacy_share(0.2, 0.8) == pytest.approx(0.25)
    assert mx.wedge_legitimacy_share(0.0, 0.5) == 0.0
    assert math.isnan(mx.wedge_legitimacy_share(0.0, 0.0))


def test_wedge_termination_within_52_weeks_of_a_denunciation():
    assert mx.wedge_termination([10, 60], 100) == 1.0
    assert mx.wedge_termination([48], 100) == 1.0  # exactly 52 weeks
    assert mx.wedge_termination([47], 100) == 0.0
    assert mx.wedge_termination([100], 100) == 1.0  # the same week
    assert mx.wedge_termination([101], 100) == 0.0  # after the end
    assert mx.wedge_termination([10], -1) == 0.0
    assert mx.wedge_termination([], 100) == 0.0


def test_lifetime_and_censoring():
    assert mx.lifetime(20, 23, 150, 186) == mx.Lifetime(20, 23, 150, 127.0, False)
    assert mx.lifetime(20, 23, -1, 186) == mx.Lifetime(20, 23, -1, 164.0, True)
    never = mx.lifetime(-1, -1, -1, 186)
    assert (never.created_week, never.first_meeting_week, never.terminated_week) == (-1, -1, -1)
    assert math.isnan(never.lifetime_weeks) and never.censored
    unmet = mx.lifetime(180, -1, -1, 186)
    assert unmet.created_week == 180 and math.isnan(unmet.lifetime_weeks) and unmet.censored
    ended_unmet = mx.lifetime(20, -1, 22, 186)  # ended before its first meeting
    assert math.isnan(ended_unmet.lifetime_weeks) and not ended_unmet.censored


def test_summarize_assembles_every_metric():
    ps = [
        prop(
            1,
            Route.WG,
            Status.IMPLEMENTED,
            t_routed=2,
            t_us=3,
            t_un=6,
            exempted=True,
            value_rok=0.4,
        ),
        prop(2, Route.UNILATERAL, Status.IMPLEMENTED, sigma=0.4, value_rok=0.6),
    ]
    events = [
        ev(1, "created"),
        ev(1, "created"),
        ev(2, "wg_created"),
        ev(4, "wg_meeting"),
        ev(4, "approved"),
        ev(5, "surprise"),
        ev(6, "denunciation"),
        ev(7, "dispute"),
        ev(8, "wg_terminated"),
    ]
    run = finished(
        ps,
        events,
        weeks=26,
        wg=dict(created_week=2, met_week=4, terminated_week=8, legitimacy=0.6),
        ledgers=dict(
            last_denunciation_week=6,
            first_denunciation_week=3,
            gap_sum=13.0,
            gap0=0.3,
            loss_denunciation=0.1,
            loss_total=0.4,
        ),
        dpi=(0.2, 0.3),
    )
    out = mx.summarize(run)
    assert (out["surprises"], out["disputes"], out["friction"]) == (1, 1, 2)
    assert out["friction_per_year"] == pytest.approx(4.0)
    assert out["n_approved"] == 1 and out["n_denunciation"] == 1 and out["n_wg_meeting"] == 1
    assert out["n_vetoed"] == 0 and out["n_contact"] == 0
    assert out["implemented"] == 2 and out["completion_ratio"] == 1.0
    assert out["exemptions"] == 1 and out["exemption_lead_days_median"] == pytest.approx(28.0)
    assert (out["unilateral"], out["gray_zone"], out["violations"]) == (1, 1, 0)
    assert out["ws_gap"] == pytest.approx(0.2)
    assert out["ws_legitimacy"] == pytest.approx(0.25)
    assert out["ws_termination"] == 1.0
    assert (out["wg_created_week"], out["wg_first_meeting_week"]) == (2, 4)
    assert (out["wg_terminated_week"], out["wg_terminated"]) == (8, 1.0)
    assert out["wg_lifetime_weeks"] == 4.0 and out["wg_censored"] == 0.0
    assert out["dpi_final"] == 0.2 and out["legitimacy_final"] == 0.6
    assert out["dpi_peak"] == 0.3
    assert (out["denunciation_first_week"], out["denunciation_last_week"]) == (3.0, 6.0)
    assert all(isinstance(v, (int, float)) for v in out.values())


def test_summarize_of_an_empty_run():
    run = finished(
        [],
        [],
        weeks=10,
        wg=dict(created_week=-1, met_week=-1, terminated_week=-1, legitimacy=0.5),
        ledgers=dict(
            last_denunciation_week=-1,
            first_denunciation_week=-1,
            gap_sum=1.0,
            gap0=0.1,
            loss_denunciation=0.0,
            loss_total=0.0,
        ),
    )
    out = mx.summarize(run)
    assert out["friction"] == 0 and out["ws_gap"] == pytest.approx(0.0)
    assert math.isnan(out["ws_legitimacy"]) and math.isnan(out["completion_ratio"])
    assert out["wg_terminated"] == 0.0 and out["wg_censored"] == 1.0
    assert math.isnan(out["denunciation_first_week"]) and math.isnan(out["legitimacy_final"])


def test_summarize_gives_every_declared_metric_in_declared_order(historical):
    model = build(historical.variant("historical"), 4, series=False, events=False)
    model.run_until(60)
    out = mx.summarize(model)  # the model is a finished run as summarize reads it
    assert list(out) == [c.name for c in mx.METRICS]
    assert len(set(out)) == len(mx.METRICS)
    assert out["created"] == len(model.proposals) and out["n_wg_meeting"] > 0
    assert list(codebook.columns("runs"))[-len(mx.METRICS) :] == list(out)


def test_counted_metrics_are_declared_event_kinds():
    undeclared = [k for k in mx.COUNTED_KINDS if k not in EVENT_KIND]
    assert not undeclared, f"declare {undeclared} in sim/core/outputs.py"


def test_a_computation_that_drifts_from_its_declaration_is_refused(monkeypatch):
    def drifted(run):
        return {"surprises": 0, "disputes": 0, "friction": 0}  # friction_per_year left out

    computations = [(drifted, ("surprises", "disputes", "friction", "friction_per_year"))]
    monkeypatch.setattr(mx, "_COMPUTATIONS", computations)
    with pytest.raises(ValueError, match=r"drifted computes.*declared.*friction_per_year"):
        mx.summarize(SimpleNamespace())
