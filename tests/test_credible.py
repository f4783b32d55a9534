"""Issue 17's rules on hand-made cases: denunciations answer occasions, public challenges
need clout, criticism needs a mandate, surprises follow their act, and the no-group world
logs nothing about a working group."""

from __future__ import annotations

import math

import pytest

from sim.core.model import SERIES_COLUMNS
from sim.runs.runner import run
from sim.scenario.loader import build_scenario, load_file
from tests.test_rules import Scripted, small_model

HISTORICAL = load_file("scenarios/historical.yaml")
QUIET = {  # no occasion but the launch
    "denunciation_rate": 10.0,
    "visibility_launch": 1.0,
    "visibility_base": 0.0,
    "visibility_per_item": 0.0,
    "visibility_breakdown": 0.0,
    "visibility_crisis": 0.0,
}
WG_KINDS = {
    "wg_created", "wg_meeting", "wg_reformed", "wg_terminated", "termination_refused",
    "mou_challenge", "denunciation", "criticism", "dispute", "window_opened",
    "us_consent_changed", "dg_meeting", "dg_talks_started",
}  # fmt: skip


def weeks_of(result, kind: str) -> list[int]:
    return [e[0] for e in result.events if e[1] == kind]


def test_the_launch_draws_one_denunciation_not_a_drip():
    scenario = build_scenario({"working_group": {"agreed_on": "2018-07-02"}, "dprk": QUIET})
    for seed in range(3):
        assert weeks_of(run(scenario, seed), "denunciation") == [4]  # the launch week only


def test_a_breakdown_of_talks_is_an_occasion():
    shock = {
        "date": "2018-10-08",
        "name": "talks break down",
        "effects": [{"kind": "track", "open": False}],
    }
    dprk = {**QUIET, "visibility_breakdown": 2.0}
    scenario = build_scenario(
        {"working_group": {"agreed_on": "2018-07-02"}, "dprk": dprk, "shocks": [shock]}
    )
    r = run(scenario, 0)
    assert weeks_of(r, "denunciation") == [4, 18]
    assert "after talks break down" in [e for e in r.events if e[1] == "denunciation"][-1][6]
    # without a WG the same breakdown draws nothing
    none = build_scenario(
        {
            "working_group": {"establishment": "never", "agreed_on": None},
            "dprk": dprk,
            "shocks": [shock],
        }
    )
    assert weeks_of(run(none, 0), "denunciation") == []


def test_grievance_is_spent_by_a_denunciation_and_fades_otherwise():
    m = small_model(dprk={**QUIET, "denunciation_rate": 0.1, "grievance_decay": 0.25})
    m.wg.establish(1, "agreed")
    moves = m.dprk
    m.random = Scripted(0.999)  # no denunciation
    moves.denunciation(1)
    assert moves.grievance == pytest.approx(1.0 * 0.75)
    m.tally.vetoes = 2  # a veto that does not become public is no occasion...
    m.friction.disputes += 2  # ... two public disputes are, each per_item
    moves.params = moves.params.model_copy(update={"visibility_per_item": 0.5})
    moves.denunciation(2)
    assert moves.grievance == pytest.approx((0.75 + 1.0) * 0.75)
    m.random = Scripted(0.0)
    moves.denunciation(3)
    assert moves.grievance == 0.0 and m.tally.denunciations == 1


def test_no_grievance_no_draw():
    m = small_model()
    m.random = Scripted(0.0)
    assert not m.dprk.denounces(0.0) and m.random.calls == 0


def _mou_clout(value: float, week_date: str = "2018-09-03") -> dict:
    return {
        "date": week_date,
        "name": "a heavyweight minister",
        "effects": [
            {"kind": "actor", "actor": "mou", "attribute": "clout", "value": value},
            {
                "kind": "actor",
                "actor": "mou",
                "attribute": "position",
                "dimension": "E",
                "value": 1.0,
            },
        ],
    }


@pytest.mark.parametrize("establishment", ["scheduled", "never"])
def test_a_challenge_goes_public_only_with_the_clout_to_do_so(establishment):
    wg = {
        "establishment": establishment,
        "agreed_on": "2018-06-11" if establishment == "scheduled" else None,
    }
    rok = {"challenge_threshold": 0.0, "public_challenge_clout": 0.4}
    scenario = build_scenario({"working_group": wg, "rok": rok, "shocks": [_mou_clout(0.6)]})
    r = run(scenario, 0)
    shock_week = 13
    public = "mou_challenge" if establishment == "scheduled" else "mou_challenge_mofa"
    other = "mou_challenge_mofa" if establishment == "scheduled" else "mou_challenge"
    assert weeks_of(r, "mou_objection") and max(weeks_of(r, "mou_objection")) < shock_week
    assert weeks_of(r, public) and min(weeks_of(r, public)) >= shock_week
    assert weeks_of(r, other) == []


def test_criticism_needs_a_mandate():
    legit = {"criticism_prob": 1.0, "criticism_pressure": 0.45}
    election = {
        "date": "2019-06-03",
        "name": "election",
        "effects": [{"kind": "domestic_pressure", "delta": 0.2}],
    }
    wg = {"agreed_on": "2018-06-11", "can_terminate": False}
    r = run(build_scenario({"working_group": wg, "legitimacy": legit, "shocks": [election]}), 0)
    weeks = weeks_of(r, "criticism")
    assert weeks and min(weeks) == 52 and weeks == list(range(52, 187))
    r = run(build_scenario({"working_group": wg, "legitimacy": legit}), 0)
    assert weeks_of(r, "criticism") == []  # D_0 = 0.3 stays below the threshold


@pytest.mark.parametrize("seed", range(6))
def test_the_no_group_world_logs_no_wg_events(seed):
    r = run(HISTORICAL.variant("no-group"), seed)
    assert not {e[1] for e in r.events} & WG_KINDS
    assert not [e for e in r.events if e[5] == "wg"]
    assert math.isnan(r.metrics["legitimacy_final"])
    assert math.isnan(r.metrics["denunciation_first_week"])


@pytest.mark.parametrize("variant", ["historical", "no-group"])
def test_a_surprise_never_precedes_its_item_s_routing(variant):
    surprises = 0
    for seed in range(12):
        events = run(HISTORICAL.variant(variant), seed).events
        for i, e in enumerate(events):
            if e[1] == "surprise":
                surprises += 1
                routed = [j for j, f in enumerate(events) if f[1] == "routed" and f[3] == e[3]]
                assert routed and routed[0] < i, e
                act = "implemented" if "(implemented)" in e[6] else "routed"
                before = [j for j, f in enumerate(events[:i]) if f[1] == act and f[3] == e[3]]
                assert before, f"the surprise comes before the act it is about: {e}"
    assert surprises > 0


def test_denunciation_timing_and_peak_progress_are_reported():
    r = run(HISTORICAL.variant("historical"), 0)
    den = weeks_of(r, "denunciation")
    assert r.metrics["n_denunciation"] == len(den) > 0
    assert r.metrics["denunciation_first_week"] == den[0]
    assert r.metrics["denunciation_last_week"] == den[-1]
    dpi = [row[SERIES_COLUMNS.index("dpi")] for row in r.series]
    assert r.metrics["dpi_peak"] == pytest.approx(max(dpi)) and max(dpi) > 0.0
    assert r.metrics["dpi_peak"] >= r.metrics["dpi_final"]


def test_no_comparison_outcome_is_identically_zero_in_every_variant():
    from sim.studies.comparison.report import OUTCOMES

    values: dict[str, list[float]] = {key: [] for key, _, _ in OUTCOMES}
    for variant in HISTORICAL.variants:
        for seed in range(30):
            metrics = run(HISTORICAL.variant(variant), seed, series=False).metrics
            for key in values:
                values[key].append(metrics[key])
    dead = [k for k, v in values.items() if not any(x == x and x != 0 for x in v)]
    assert not dead, f"outcomes zero in every run of every variant: {dead}"


def test_vetting_keeps_a_sanctioned_item_sanctioned():
    from tests.test_rules import proposal

    m = small_model(working_group={"vetting_strength": 0.2})
    m.wg.establish(1, "agreed")
    sanctioned, light = proposal(id=1, sigma=0.55), proposal(id=2, sigma=0.3)
    m.wg.queue = [sanctioned, light]
    m.wg.hold_meeting(3)
    assert sanctioned.vetted and sanctioned.sigma == pytest.approx(0.5)  # floored at sigma_UN
    assert light.vetted and light.sigma == pytest.approx(0.24)  # cut by mu
    heavy = proposal(id=3, sigma=0.9)
    m.wg.queue = [heavy]
    m.wg.hold_meeting(4)
    assert heavy.sigma == pytest.approx(0.72)  # well above the threshold: cut as before
