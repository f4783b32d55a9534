"""Metrics on hand-made proposals and event logs."""

import math

import pytest

from sim import metrics as mx
from sim.proposals import Proposal, Route, Status


def prop(pid, route, status, **kw):
    base = dict(
        id=pid, origin="MOU", type="HUM", label="x", sigma=0.2, a=0.1, v=0.5, w=0.5, t_created=1
    )
    base.update(kw)
    p = Proposal(**base)
    p.route, p.status = route, status
    return p


def ev(week, kind):
    return (week, kind, "a", 0, "", "", "")


def test_friction_and_counts():
    events = [ev(1, "surprise"), ev(2, "dispute"), ev(3, "dispute"), ev(3, "contact")]
    c = mx.event_counts(events)
    assert mx.friction(c) == {"surprises": 1, "disputes": 2, "friction": 3}
    assert mx.per_year(3, 104) == pytest.approx(1.5)
    assert mx.first_week(events, "dispute") == 2
    assert mx.first_week(events, "nothing") == -1


def test_quantiles():
    assert mx.quantiles([1.0, 2.0, 3.0, 4.0]) == pytest.approx((1.75, 2.5, 3.25))
    assert all(math.isnan(q) for q in mx.quantiles([]))


def test_pipeline_counts_and_completion_ratio():
    ps = [
        prop(1, Route.WG, Status.IMPLEMENTED, v=0.4),
        prop(2, Route.BILATERAL, Status.VETOED),
        prop(3, Route.UNILATERAL, Status.IMPLEMENTED, v=0.6, type="MIL"),
        prop(4, Route.SHELVED, Status.SHELVED),
        prop(5, Route.WG, Status.US_REVIEW),
    ]
    out = mx.pipeline(ps)
    assert out["created"] == 5
    assert out["routed"] == 4
    assert out["implemented"] == 2
    assert out["value_implemented"] == pytest.approx(1.0)
    assert out["completion_ratio"] == pytest.approx(0.5)
    assert out["route_wg"] == 2 and out["route_shelved"] == 1
    assert out["vetoed"] == 1
    assert out["in_flight_at_end"] == 1
    assert out["implemented_MIL"] == 1 and out["routed_wg_HUM"] == 2


def test_exemption_lead_times_in_days():
    a = prop(1, Route.WG, Status.IMPLEMENTED, t_routed=2, t_us=3, t_un=6, exempted=True)
    b = prop(2, Route.WG, Status.IMPLEMENTED, t_routed=2, t_us=4, t_un=12, exempted=True)
    out = mx.exemptions([a, b])
    assert out["exemptions"] == 2
    assert out["exemption_lead_days_median"] == pytest.approx((28 + 70) / 2)
    assert out["us_decision_days_median"] == pytest.approx((7 + 14) / 2)


def test_unilateral_moves_split_by_load():
    ps = [
        prop(1, Route.UNILATERAL, Status.IMPLEMENTED, sigma=0.1),
        prop(2, Route.UNILATERAL, Status.IMPLEMENTED, sigma=0.4),
        prop(3, Route.UNILATERAL, Status.IMPLEMENTED, sigma=0.8),
        prop(4, Route.UNILATERAL, Status.DPRK_REJECTED, sigma=0.8),
    ]
    assert mx.unilateral_moves(ps, 0.5, 0.3) == {"unilateral": 3, "gray_zone": 1, "violations": 1}


def test_wedge_metrics():
    assert mx.wedge_gap(30.0, 100, 0.2) == pytest.approx(0.1)
    assert mx.wedge_legitimacy_share(0.2, 0.8) == pytest.approx(0.25)
    assert math.isnan(mx.wedge_legitimacy_share(0.0, 0.0))
    assert mx.wedge_termination([10, 60], 100) == 1.0
    assert mx.wedge_termination([10], 100) == 0.0
    assert mx.wedge_termination([10], -1) == 0.0


def test_lifetime_censoring():
    events = [ev(20, "wg_created"), ev(23, "wg_meeting"), ev(150, "wg_terminated")]
    life = mx.lifetime(events, 186)
    assert (life.first_meeting_week, life.terminated_week) == (23, 150)
    assert life.lifetime_weeks == 127 and not life.censored
    alive = mx.lifetime(events[:2], 186)
    assert alive.censored and alive.lifetime_weeks == 186 - 23 + 1
    none = mx.lifetime([], 186)
    assert math.isnan(none.lifetime_weeks)


def test_summarize_keys():
    out = mx.summarize(
        [],
        [],
        n_weeks=10,
        un_threshold=0.5,
        gray_threshold=0.3,
        gap_sum=1.0,
        gap0=0.1,
        loss_denunciation=0.0,
        loss_total=0.0,
        dpi_final=0.0,
        legitimacy_final=0.7,
    )
    assert out["friction"] == 0 and out["ws_gap"] == pytest.approx(0.0)
    assert out["legitimacy_final"] == 0.7
