"""Whole runs: every variant runs, invariants hold, runs are deterministic, every field is read."""

from __future__ import annotations

import functools
import gc
import itertools
import math
import typing
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from pydantic import BaseModel

from sim.core.model import SERIES_COLUMNS, WorkingGroupModel
from sim.core.proposals import TERMINAL, Route, Status
from sim.core.working_group import WgPhase
from sim.errors import RunError
from sim.runs.runner import run
from sim.scenario.base import PROPOSAL_TYPES
from sim.scenario.loader import build_scenario, load_file
from sim.scenario.paths import apply_overrides
from sim.scenario.schema import Scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SCENARIO_FILES = sorted(SCENARIOS.glob("*.yaml"))
ALL_VARIANTS = [(p.stem, name) for p in SCENARIO_FILES for name in load_file(p).variants]
SEEDS = (0, 1, 2)
PENDING = {Status.US_REVIEW, Status.UN_PENDING, Status.DPRK_PENDING}
IN_FLIGHT_ROUTES = {Route.WG, Route.BILATERAL, Route.DG, Route.UNILATERAL}


@functools.cache
def scenario_of(stem: str, variant: str) -> Scenario:
    return load_file(SCENARIOS / f"{stem}.yaml").variant(variant)


@functools.cache
def result_of(stem: str, variant: str, seed: int):
    return run(scenario_of(stem, variant), seed, variant=variant)


def test_the_variants_cover_the_design():
    assert len(ALL_VARIANTS) >= 10
    names = {v for _, v in ALL_VARIANTS}
    assert {
        "historical",
        "no-group",
        "regular",
        "sanctioned-only",
        "permanent",
        "endogenous",
    } <= names


@pytest.mark.parametrize(("stem", "variant"), ALL_VARIANTS)
def test_every_variant_runs_to_the_end(stem, variant):
    scenario = scenario_of(stem, variant)
    result = result_of(stem, variant, 0)
    assert (result.scenario, result.variant, result.seed) == (scenario.name, variant, 0)
    assert len(result.series) == scenario.calendar.n_weeks == 186
    assert [row[0] for row in result.series] == list(range(1, 187))
    assert result.metrics["created"] > 50 and result.metrics["implemented"] > 0
    kinds = Counter(e[1] for e in result.events)
    assert kinds["shock"] == len(scenario.shocks)
    if scenario.working_group.establishment == "never":
        assert kinds["wg_created"] == kinds["wg_meeting"] == 0
        assert kinds["denunciation"] == kinds["criticism"] == kinds["dispute"] == 0
        assert result.metrics["route_wg"] == 0
    if scenario.working_group.establishment == "scheduled":
        assert kinds["wg_created"] == 1 and kinds["wg_meeting"] > 0


# --- invariants ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("stem", "variant"), ALL_VARIANTS)
def test_series_stay_in_range(stem, variant, seed):
    series = result_of(stem, variant, seed).series_frame()
    assert list(series.columns) == ["week", "date", *SERIES_COLUMNS[1:]]
    for col in ("trust_us", "trust_rok", "info_quality", "frustration", "dpi", "gap"):
        assert series[col].between(0.0, 1.0).all(), col
    for col in ("x_rok_e", "x_us_e", "x_mou_e", "x_mofa_e", "win_set"):
        assert series[col].between(0.0, 1.0).all(), col
    active = series["wg_phase"] == int(WgPhase.ACTIVE)
    assert series.loc[active, "legitimacy"].between(0.0, 1.0).all()
    assert series.loc[~active, "legitimacy"].isna().all()
    assert series["wg_phase"].is_monotonic_increasing  # absent -> active -> terminated
    for col in ("surprises", "disputes", "implemented", "denunciations", "challenges"):
        assert series[col].is_monotonic_increasing and (series[col] >= 0).all(), col
    assert ((series["wg_queue"] >= 0) & (series["in_flight"] >= series["wg_queue"])).all()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("stem", "variant"), ALL_VARIANTS)
def test_shares_stay_in_the_unit_interval(stem, variant, seed):
    m = result_of(stem, variant, seed).metrics
    for share in ("completion_ratio", "ws_legitimacy", "legitimacy_final", "dpi_final"):
        assert math.isnan(m[share]) or 0.0 <= m[share] <= 1.0, share
    for flag in ("wg_terminated", "wg_censored", "ws_termination"):
        assert m[flag] in (0.0, 1.0), flag
    assert m["implemented"] <= m["routed"] <= m["created"]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("stem", "variant"), ALL_VARIANTS)
def test_every_proposal_is_terminal_or_in_flight(stem, variant, seed):
    result = result_of(stem, variant, seed)
    ps = result.proposals
    assert [p.id for p in ps] == list(range(1, len(ps) + 1))
    n_weeks = len(result.series)
    un = scenario_of(stem, variant).proposals.un_threshold
    for p in ps:
        if p.status in TERMINAL:
            assert 0 <= p.t_done <= n_weeks and p.t_done >= p.t_created, p
        else:
            assert p.status in PENDING and p.route in IN_FLIGHT_ROUTES and p.t_done == -1, p
        weeks = [p.t_created, p.t_routed, p.t_us, p.t_un_submit, p.t_un, p.t_dprk, p.t_done]
        done = [t for t in weeks if t >= 0]
        assert done == sorted(done), f"transition weeks out of order: {p}"
        assert p.t_routed >= 0, "every item is routed in the week it is created"
        if p.status == Status.SHELVED:
            assert p.route == Route.SHELVED and p.t_done == p.t_routed
        if p.status == Status.IMPLEMENTED:
            assert p.t_dprk == p.t_done
        if p.status == Status.VETOED:
            assert p.t_us == p.t_done
        if p.exempted:
            # a co-sponsored request may be decided in the week it is filed (T12)
            assert p.t_un >= p.t_un_submit >= p.t_us >= 0 and p.sigma >= un
    last = dict(zip(SERIES_COLUMNS, result.series[-1], strict=True))
    assert last["in_flight"] == sum(1 for p in ps if not p.terminal)
    assert result.metrics["in_flight_at_end"] == last["in_flight"]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("stem", "variant"), ALL_VARIANTS)
def test_the_event_log_agrees_with_the_counters(stem, variant, seed):
    result = result_of(stem, variant, seed)
    m, ps, events = result.metrics, result.proposals, result.events
    kinds = Counter(e[1] for e in events)
    last = dict(zip(SERIES_COLUMNS, result.series[-1], strict=True))
    # the model's own counters (series) against the log
    assert last["surprises"] == kinds["surprise"] == m["surprises"]
    assert last["disputes"] == kinds["dispute"] == m["disputes"]
    assert last["denunciations"] == kinds["denunciation"] == m["n_denunciation"]
    assert last["challenges"] == kinds["mou_challenge"] == m["n_mou_challenge"]
    # proposal statuses against the log
    statuses = Counter(p.status for p in ps)
    assert last["implemented"] == kinds["implemented"] == statuses[Status.IMPLEMENTED]
    assert m["implemented"] == kinds["implemented"] == kinds["dprk_accepted"]
    assert kinds["created"] == len(ps) == m["created"]
    assert kinds["un_approved"] == m["exemptions"] == sum(p.exempted for p in ps)
    assert kinds["un_rejected"] == statuses[Status.UN_REJECTED]
    assert kinds["dprk_rejected"] == statuses[Status.DPRK_REJECTED]
    assert kinds["stalled"] + kinds["dprk_ignored"] == statuses[Status.STALLED]
    assert kinds["un_submitted"] >= kinds["un_approved"] + kinds["un_rejected"]
    assert kinds["vetoed"] >= statuses[Status.VETOED]
    assert kinds["wg_created"] <= 1 and kinds["wg_terminated"] <= kinds["wg_created"]
    dg_from = scenario_of(stem, variant).working_group.successor.start  # talks without a WG
    assert kinds["dg_talks_started"] <= kinds["wg_terminated"] + (dg_from is not None)
    assert m["n_wg_meeting"] == kinds["wg_meeting"] and m["n_contact"] == kinds["contact"]
    # every row is well formed and in time order
    weeks = [e[0] for e in events]
    assert weeks == sorted(weeks) and weeks[0] >= 1 and weeks[-1] <= len(result.series)
    by_id = {p.id: p for p in ps}
    for week, kind, actor, pid, ptype, _route, detail in events:
        assert kind and actor and isinstance(detail, str)
        if pid:
            assert by_id[pid].type == ptype and week >= by_id[pid].t_created
    for e in events:  # friction events concern the right items
        if e[1] == "surprise":  # when going alone is announced, or at implementation
            p = by_id[e[3]]
            assert p.alliance_sensitivity > 0 and p.surprised
            announced = p.route == Route.UNILATERAL and e[0] >= p.t_routed
            implemented = p.status == Status.IMPLEMENTED and p.t_done == e[0]
            assert announced or (implemented and not p.us_informed)
        if e[1] == "dispute":
            p = by_id[e[3]]
            assert p.dispute_checked and p.sigma < scenario_of(stem, variant).proposals.un_threshold
    surprised_ids = [e[3] for e in events if e[1] == "surprise"]
    assert len(surprised_ids) == len(set(surprised_ids)), "an item surprises at most once"
    ad_hoc = scenario_of(stem, variant).working_group.cosponsor_ad_hoc
    for e in events:  # the WG co-sponsors UN requests; ad hoc channels only if told to
        if e[1] == "un_submitted" and e[5] in ("wg", "bilateral"):
            assert (e[6] == "co-sponsored") == (e[5] == "wg" or ad_hoc), e
    wg_meetings = [e[0] for e in events if e[1] == "wg_meeting"]
    if wg_meetings:
        created = next(e[0] for e in events if e[1] == "wg_created")
        assert wg_meetings[0] >= created


def test_the_frames_carry_dates(historical):
    result = run(historical.variant("historical"), seed=1)
    events = result.events_frame()
    assert list(events.columns) == [
        "week",
        "date",
        "kind",
        "actor",
        "proposal_id",
        "proposal_type",
        "route",
        "detail",
    ]
    expected = pd.Timestamp("2018-06-11") + pd.to_timedelta((events["week"] - 1) * 7, unit="D")
    assert (events["date"] == expected).all()
    series = result.series_frame()
    assert series["date"].iloc[0] == pd.Timestamp("2018-06-11")
    assert series["date"].iloc[-1] == pd.Timestamp("2021-12-27")
    proposals = result.proposals_frame()
    assert len(proposals) == len(result.proposals)
    assert set(proposals["status"]) <= {s.name.lower() for s in Status}


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_same_result_and_different_seeds_differ():
    s = load_file(SCENARIOS / "historical.yaml").variant("historical")
    again = load_file(SCENARIOS / "historical.yaml").variant("historical")
    a, b, c = run(s, seed=42), run(again, seed=42), run(s, seed=43)
    assert a.events == b.events
    assert a.series == b.series
    assert a.metrics.keys() == b.metrics.keys()
    for key in a.metrics:
        assert a.metrics[key] == b.metrics[key] or (
            math.isnan(a.metrics[key]) and math.isnan(b.metrics[key])
        ), key
    pd.testing.assert_frame_equal(a.proposals_frame(), b.proposals_frame())
    assert a.events != c.events and a.series != c.series


def test_each_variant_differs_across_seeds():
    for stem, variant in ALL_VARIANTS:
        assert result_of(stem, variant, 0).events != result_of(stem, variant, 1).events


def test_interleaved_runs_do_not_share_state(historical):
    s = historical.variant("historical")
    alone = run(s, seed=7)
    m1, m2 = WorkingGroupModel(s, rng=7), WorkingGroupModel(historical.variant("no-group"), rng=7)
    for week in range(1, m1.n_weeks + 1):
        m1.run_until(week)
        m2.run_until(week)
    assert m1.events == alone.events and m1.series == alone.series


def test_stepping_week_by_week_matches_a_whole_run(historical):
    """Mesa's step(), run_for and run_until drive the same weeks and dated shocks."""
    s = historical.variant("historical")
    alone = run(s, seed=3)
    m1, m2 = WorkingGroupModel(s, rng=3), WorkingGroupModel(s, rng=3)
    for _ in range(m1.n_weeks):
        m1.step()
    m2.run_for(10.25)
    m2.run_until(m2.n_weeks)
    assert m1.steps == m2.steps == m1.n_weeks and m1.time == m2.time == m1.n_weeks
    assert m1.events == m2.events == alone.events and m1.series == m2.series == alone.series


def test_the_ledgers_behind_the_metrics_agree_with_the_event_log():
    # The outcome metrics read the model's ledgers (counts kept as the log is written, the
    # WG's weeks, the latest denunciation) instead of searching the log; they must say
    # what the log says, in every variant, including the runs where the WG ends.
    from sim.runs.metrics import wedge_termination

    seen: Counter[str] = Counter()
    for stem, variant in ALL_VARIANTS:
        for seed in range(6):
            m = WorkingGroupModel(scenario_of(stem, variant), rng=seed)
            m.run_until(m.n_weeks)
            kinds = Counter(e[1] for e in m.events)
            assert m.event_counts() == kinds, (stem, variant, seed)

            def first(kind: str, events=m.events) -> int:
                return next((e[0] for e in events if e[1] == kind), -1)

            wg = m.wg
            assert (wg.created_week, wg.met_week, wg.terminated_week) == (
                first("wg_created"),
                first("wg_meeting"),
                first("wg_terminated"),
            ), (stem, variant, seed)
            den = [e[0] for e in m.events if e[1] == "denunciation"]
            assert m.ledgers.last_denunciation_week == max(den, default=-1)
            last = [m.ledgers.last_denunciation_week] if den else []
            ended = wg.terminated_week
            assert wedge_termination(last, ended) == wedge_termination(den, ended)
            seen.update(k for k in ("wg_terminated", "denunciation", "wg_meeting") if kinds[k])
            seen["nsc"] += any(e[6] == "not passed on to State" for e in m.events)
            seen["ws_term"] += wedge_termination(den, ended) == 1.0
    # the cases that matter occurred
    assert all(seen[k] > 0 for k in ("wg_terminated", "denunciation", "nsc", "ws_term")), seen


def test_a_run_without_the_event_log_is_the_same_run():
    # Batches without --events skip writing the log's rows; the rules and the metrics read
    # only the counts, so every other output must be the same, draw for draw.
    for stem, variant in ALL_VARIANTS:
        for seed in (0, 5):
            full = run(scenario_of(stem, variant), seed, variant=variant)
            lean = run(scenario_of(stem, variant), seed, events=False, variant=variant)
            assert lean.events == [] and full.events, (stem, variant, seed)
            assert lean.metrics == full.metrics, (stem, variant, seed)
            assert lean.series == full.series, (stem, variant, seed)
            assert lean.proposals_frame().equals(full.proposals_frame()), (stem, variant, seed)
    m = WorkingGroupModel(scenario_of("historical", "historical"), rng=2, events=False)
    m.run_until(m.n_weeks)
    kinds = Counter(e[1] for e in result_of("historical", "historical", 2).events)
    assert m.events == [] and m.event_counts() == kinds


def test_events_scheduled_by_users_fire_in_order_and_cancelled_ones_do_not(historical):
    # Weeks and dated events share Mesa's event list: users' events fire at their times,
    # between the weeks, in the order scheduled; a cancelled one does not fire.
    m = WorkingGroupModel(historical.variant("historical"), rng=4)
    fired: list[tuple[str, float, int]] = []

    class Marker:
        def __init__(self, name: str) -> None:
            self.name = name

        def __call__(self) -> None:
            fired.append((self.name, m.time, m.steps))

    markers = {n: Marker(n) for n in ("a", "cancelled", "b", "c", "late")}
    m.schedule_event(markers["a"], at=2.25)
    m.schedule_event(markers["cancelled"], at=3.5).cancel()
    m.schedule_event(markers["b"], at=5.5)
    m.schedule_event(markers["c"], at=5.5)  # same time: in the order scheduled
    m.schedule_event(markers["late"], at=40.5)
    m.run_until(6)
    assert fired == [("a", 2.25, 2), ("b", 5.5, 5), ("c", 5.5, 5)]
    assert m.time == 6 and m.steps == 6
    m.run_until(41)
    assert fired[-1] == ("late", 40.5, 40)


def test_an_observer_of_time_sees_every_week(historical):
    # Mesa's time is an Observable: a subscriber (as a page could be) is told of each
    # change, in order, and observing does not change the run.
    from mesa.experimental.mesa_signals import ObservableSignals

    m = WorkingGroupModel(historical.variant("historical"), rng=2)
    seen: list[float] = []

    def handler(signal) -> None:  # Mesa holds handlers weakly: keep this one alive
        seen.append(signal.additional_kwargs["new"])

    m.observe("time", ObservableSignals.CHANGED, handler)
    m.run_until(12)
    weeks = [t for t in seen if t == int(t)]
    assert weeks == [float(w) for w in range(1, 13)]
    assert seen == sorted(seen) and m.time == 12.0
    unobserved = WorkingGroupModel(historical.variant("historical"), rng=2)
    unobserved.run_until(12)
    assert unobserved.time == 12.0 and unobserved.events == m.events


def test_summary_mode_gives_the_same_outcomes(historical):
    s = historical.variant("historical")
    full, lean = run(s, seed=5), run(s, seed=5, series=False)
    assert lean.series == [] and lean.events == full.events
    assert lean.metrics.keys() == full.metrics.keys()
    for key, value in full.metrics.items():
        assert lean.metrics[key] == value or (math.isnan(value) and math.isnan(lean.metrics[key]))


def test_a_failing_stage_is_reported_with_its_context(historical, monkeypatch):
    def broken(self):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(WorkingGroupModel, "step", broken)
    with pytest.raises(RunError) as info:
        run(historical.variant("no-group"), seed=11, variant="no-group")
    msg = str(info.value)
    assert "run failed" in msg and "'historical'" in msg and "'no-group'" in msg
    assert "seed 11" in msg and "ZeroDivisionError: boom" in msg


def test_runs_leave_no_models_behind(historical):
    # A tight loop of runs must not pile up models: once a result is extracted nothing
    # refers to its model, and the collector frees it with its agents.
    s = historical.variant("historical")

    def models() -> set[int]:
        return {id(o) for o in gc.get_objects() if isinstance(o, WorkingGroupModel)}

    gc.collect()  # garbage of earlier tests; models other tests hold stay alive
    before = models()
    results = [run(s, seed, series=seed % 2 == 0) for seed in range(3)]
    gc.collect()
    assert models() <= before
    assert all(r.events and r.proposals for r in results) and results[0].series
    # Rows hold plain numbers and text only (no enum members, no references to the model).
    assert {type(v) for row in results[0].series for v in row} <= {int, float, bool}
    assert {type(v) for row in results[0].events for v in row} <= {int, str}


# --- model-level rules through whole runs ---------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_endogenous_creation_follows_the_nth_surprise(seed):
    result = result_of("endogenous", "endogenous", seed)
    n = scenario_of("endogenous", "endogenous").working_group.surprises_to_create
    surprises = [row[SERIES_COLUMNS.index("surprises")] for row in result.series]
    created = result.metrics["wg_created_week"]
    if created < 0:
        assert max(surprises) < n
    else:
        assert surprises[int(created) - 1] >= n
        assert created == 1 or surprises[int(created) - 2] < n


@pytest.mark.parametrize("seed", SEEDS)
def test_meetings_keep_their_cadence(seed):
    regular = result_of("cadence", "regular", seed)
    meetings = weeks_of(regular, "wg_meeting")
    wg = scenario_of("cadence", "regular").working_group
    assert meetings[0] == regular.metrics["wg_created_week"] + wg.first_meeting_lag_weeks
    assert {b - a for a, b in itertools.pairwise(meetings)} == {wg.regular_interval_weeks}
    ad_hoc = result_of("cadence", "ad-hoc", seed)
    gaps = [b - a for a, b in itertools.pairwise(weeks_of(ad_hoc, "wg_meeting"))]
    assert gaps and max(gaps) <= wg.max_gap_weeks and min(gaps) >= 1


STEADY = {  # legitimacy stays at its initial value: no gains, losses or reversion
    "approval_gain": 0.0,
    "overdue_loss": 0.0,
    "veto_loss": 0.0,
    "denunciation_loss": 0.0,
    "challenge_loss": 0.0,
    "reversion": 0.0,
    "criticism_prob": 0.0,
    "hazard": 0.0,
}
WINDOW_WEEK = 31  # 2019-01-07


def window_run(level: float, consent: float, *, can_terminate: bool = True, seed: int = 0):
    scenario = build_scenario(
        {
            "working_group": {
                "agreed_on": "2018-06-11",
                "first_meeting_lag_weeks": 0,
                "can_terminate": can_terminate,
            },
            "legitimacy": {**STEADY, "initial": level},
            "us": {"consent_prob": 0.0},
            "channels": [{"name": "c", "contacts_per_week": 1.0, "via_nsc": False}],
            "shocks": [
                {
                    "date": "2019-01-07",
                    "name": "new envoy",
                    "effects": [{"kind": "leadership_window", "us_consent": consent}],
                }
            ],
        }
    )
    return run(scenario, seed)


def weeks_of(result, kind: str) -> list[int]:
    return [e[0] for e in result.events if e[1] == kind]


def test_a_window_ends_a_weak_group_with_us_consent():
    r = window_run(0.2, 1.0)
    assert weeks_of(r, "wg_terminated") == [WINDOW_WEEK]
    assert weeks_of(r, "dg_talks_started") == [WINDOW_WEEK]
    dg = weeks_of(r, "dg_meeting")
    assert dg[0] == WINDOW_WEEK + 4 and all(b - a == 4 for a, b in itertools.pairwise(dg))
    assert all(e[5] != "wg" for e in r.events if e[1] == "routed" and e[0] > WINDOW_WEEK)
    assert r.metrics["wg_terminated_week"] == WINDOW_WEEK and r.metrics["wg_censored"] == 0.0
    assert r.metrics["wg_lifetime_weeks"] == WINDOW_WEEK - 1


def test_without_us_consent_the_group_survives_the_window():
    r = window_run(0.2, 0.0)
    assert weeks_of(r, "termination_refused") == [WINDOW_WEEK]
    assert weeks_of(r, "wg_terminated") == [] and r.metrics["wg_censored"] == 1.0


def test_a_window_reforms_a_middling_group_once():
    r = window_run(0.45, 1.0)
    assert weeks_of(r, "wg_reformed") == [WINDOW_WEEK]
    legitimacy = r.series_frame()["legitimacy"]
    assert legitimacy.iloc[WINDOW_WEEK - 2] == pytest.approx(0.45)
    assert legitimacy.iloc[WINDOW_WEEK - 1] == pytest.approx(0.5)
    assert weeks_of(r, "wg_terminated") == []


def test_a_group_that_cannot_end_is_reformed_instead():
    r = window_run(0.2, 1.0, can_terminate=False)
    assert weeks_of(r, "wg_reformed") == [WINDOW_WEEK]
    assert weeks_of(r, "wg_terminated") == [] and weeks_of(r, "termination_refused") == []


def test_a_healthy_group_is_left_alone():
    r = window_run(0.6, 1.0)
    kinds = {e[1] for e in r.events}
    assert "window_opened" in kinds
    assert not kinds & {"wg_reformed", "wg_terminated", "termination_refused"}


def test_between_windows_a_weak_group_may_end():
    scenario = build_scenario(
        {
            "working_group": {"agreed_on": "2018-06-11"},
            "legitimacy": {**STEADY, "initial": 0.2, "hazard": 1.0},
            "us": {"consent_prob": 1.0},
        }
    )
    ends = [run(scenario, seed).events for seed in range(5)]
    for events in ends:  # weekly hazard 1 * (.35 - .2) * 1 = .15
        assert [e[6] for e in events if e[1] == "wg_terminated"] == ["ended between windows"]


def test_a_group_that_takes_every_item_from_the_start_is_never_surprised():
    scenario = build_scenario(
        {
            "working_group": {
                "agreed_on": "2018-06-11",
                "scope": 1.0,
                "can_terminate": False,
            },
            "rok": {"violation_prob": 0.0},
        }
    )
    for seed in range(4):
        r = run(scenario, seed)
        assert r.metrics["surprises"] == 0 and r.metrics["implemented"] > 0
        assert all(p.us_informed for p in r.proposals if p.status == Status.IMPLEMENTED)


def _alone(quality: float) -> Scenario:
    """No group; one NSC channel that tells State nothing; US information stays at q."""
    return build_scenario(
        {
            "working_group": {"establishment": "never", "agreed_on": None},
            "channels": [{"name": "NSC", "contacts_per_week": 2.0, "via_nsc": True}],
            "us": {"nsc_passthrough": 0.0},
            "information": {"initial_quality": quality, "learning": 0.0, "decay": 0.0},
            # No shock opens the US-DPRK track here: generation keeps its open-track rates
            # so that the surprise checks keep their number (the rule under test).
            "proposals": {
                "types": {
                    t: {"alliance_sensitivity": 0.8, "talks_closed_multiplier": 1.0}
                    for t in PROPOSAL_TYPES
                }
            },
        }
    )


def by_id_of(result):
    return {p.id: p for p in result.proposals}


def test_full_information_rules_out_surprises():
    for seed in range(3):
        r = run(_alone(1.0), seed)
        uninformed = [
            p for p in r.proposals if p.status == Status.IMPLEMENTED and p.alliance_sensitivity > 0
        ]
        assert uninformed and not any(p.us_informed for p in uninformed)
        assert r.metrics["surprises"] == 0
        cleared = [e for e in r.events if e[1] == "nsc_cleared"]
        assert cleared and all(by_id_of(r)[e[3]].sigma < 0.5 for e in cleared)


def test_surprises_occur_with_probability_a_times_one_minus_q():
    expected = variance = observed = 0.0
    scenario = _alone(0.5)
    for seed in range(16):
        r = run(scenario, seed, series=False)
        for p in r.proposals:
            # checked when going alone is announced and again at implementation
            checks = (p.route == Route.UNILATERAL) + (
                p.status == Status.IMPLEMENTED and not p.us_informed
            )
            if p.alliance_sensitivity > 0 and checks:
                prob = 1 - (1 - p.alliance_sensitivity * 0.5) ** checks
                expected += prob
                variance += prob * (1 - prob)
        observed += r.metrics["surprises"]
    assert expected > 30
    assert abs(observed - expected) < 4 * variance**0.5, (observed, expected)


STATE_BLIND = {
    "types": {
        t: {"talks_closed_multiplier": 1.0, "border_closed_multiplier": 1.0} for t in PROPOSAL_TYPES
    }
}
"""Generation that ignores the DPRK's state, for tests of other rules in scenarios without a
shock that opens the US-DPRK track (the track starts closed)."""


@pytest.mark.parametrize("dispute_prob", [0.0, 1.0])
def test_vetoes_through_the_group_become_disputes(dispute_prob):
    scenario = build_scenario(
        {
            "proposals": STATE_BLIND,
            "working_group": {"agreed_on": "2018-06-11", "scope": 1.0},
            "us": {"win_set": 0.2},  # many vetoes
            "rok": {"dispute_prob": dispute_prob},
        }
    )
    r = run(scenario, 1)
    by_id = {p.id: p for p in r.proposals}
    disputes = {(e[0], e[3]) for e in r.events if e[1] == "dispute"}
    vetoes = [
        (e[0], e[3])
        for e in r.events
        if e[1] == "vetoed" and e[5] == "wg" and by_id[e[3]].sigma < 0.5
    ]
    assert len(vetoes) > 5
    if dispute_prob == 0.0:
        assert not disputes and r.metrics["disputes"] == 0
    else:
        disputed = [pid for _, pid in disputes]
        assert {pid for _, pid in vetoes} <= set(disputed)
        assert len(disputed) == len(set(disputed)), "an item becomes a dispute at most once"
        first_veto = {}
        for week, pid in sorted(vetoes):
            first_veto.setdefault(pid, week)
        disputed_at = {pid: week for week, pid in disputes}
        assert all(disputed_at[pid] <= w for pid, w in first_veto.items()), (
            "an item is disputed by its first veto at the latest (or earlier, when overdue)"
        )


def test_items_nobody_decides_on_stall():
    scenario = build_scenario(
        {
            "working_group": {"agreed_on": "2018-06-11", "scope": 1.0, "can_terminate": False},
            "us": {"decision_prob_wg": 0.0, "decision_prob_adhoc": 0.0},
            "rok": {"violation_prob": 0.0},
            "proposals": {"stall_weeks": 4},
        }
    )
    r = run(scenario, 0)
    assert r.metrics["n_approved"] == r.metrics["n_vetoed"] == r.metrics["implemented"] == 0
    stalled = [p for p in r.proposals if p.status == Status.STALLED]
    assert len(stalled) > 20 and all(p.t_done - p.t_routed == 5 for p in stalled)
    assert all(p.t_created > 186 - 5 for p in r.proposals if not p.terminal)


# --- every schema field is read by the model -----------------------------------------------

DOCUMENTATION_ONLY = {"description", "shocks[*].source"}
"""Fields that describe a scenario for people and are deliberately not model inputs."""


class Recorder:
    """Wraps a pydantic model; records the path of every field read through it.

    Sub-models, and lists or tuples of them, are wrapped in turn (list elements generalised
    to ``[*]``; elements of a union are told apart by class, e.g. ``[*:TrackEffect]``).
    Methods and properties of the schema run on the wrapper, so the fields they read are
    recorded too; a ``match``/``isinstance`` on an effect's class counts as reading its
    ``kind``.
    """

    def __init__(self, obj: BaseModel, path: str, seen: set[str]) -> None:
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_seen", seen)

    @property  # isinstance() and match-case see the wrapped class
    def __class__(self):
        obj = object.__getattribute__(self, "_obj")
        if "kind" in type(obj).model_fields:
            path = object.__getattribute__(self, "_path")
            object.__getattribute__(self, "_seen").add(f"{path}.kind")
        return type(obj)

    def __getattr__(self, name: str):
        obj = object.__getattribute__(self, "_obj")
        path = object.__getattribute__(self, "_path")
        seen = object.__getattribute__(self, "_seen")
        cls = type(obj)
        if name in cls.model_fields:
            full = f"{path}.{name}" if path else name
            seen.add(full)
            return wrap(getattr(obj, name), full, seen)
        attr = getattr(cls, name, None)
        defined_here = any(name in vars(k) for k in cls.__mro__ if k is not BaseModel)
        if isinstance(attr, property):
            return attr.fget(self)
        if callable(attr) and defined_here and not hasattr(BaseModel, name):
            return lambda *a, **k: attr(self, *a, **k)
        return getattr(obj, name)

    def __setattr__(self, name, value):
        raise AttributeError("scenarios are frozen")


def wrap(value, path: str, seen: set[str]):
    if isinstance(value, BaseModel):
        return Recorder(value, path, seen)
    if isinstance(value, (list, tuple)) and any(isinstance(v, BaseModel) for v in value):
        items = []
        for v in value:  # shock effects (a union told apart by 'kind') are tagged by class
            tag = f"[*:{type(v).__name__}]" if "kind" in type(v).model_fields else "[*]"
            items.append(wrap(v, path + tag, seen))
        return type(value)(items)
    return value


def leaf_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every leaf field of the schema, with list elements generalised as in :func:`wrap`."""
    out: set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        models = _models_in(info.annotation)
        if not models:
            out.add(path)
            continue
        is_list = typing.get_origin(info.annotation) in (list, tuple)
        for m in models:
            if is_list:
                tag = f"[*:{m.__name__}]" if "kind" in m.model_fields else "[*]"
                out |= leaf_paths(m, path + tag)
            else:
                out |= leaf_paths(m, path)
    return out


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


EVERY_EFFECT = [
    {"kind": "track", "open": True, "close_after_weeks": 4},
    {"kind": "summit", "deal_possible": True},
    {
        "kind": "proposals",
        "items": [
            {
                "type": "ECON",
                "label": "everything set",
                "origin": "DPRK",
                "sanction_load": 0.9,
                "alliance_sensitivity": 0.5,
                "value_rok": 0.8,
                "value_dprk": 0.9,
            }
        ],
    },
    {"kind": "win_set", "scale": 0.9},
    {"kind": "border", "closed": True},
    {"kind": "domestic_pressure", "delta": 0.1},
    {"kind": "actor", "actor": "mou", "attribute": "position", "dimension": "E", "value": 0.9},
    {"kind": "leadership_window", "us_consent": 0.9},
    {"kind": "provocation"},
]


def optional_branches() -> list[Scenario]:
    """Scenarios that switch on what the shipped files leave off."""
    fragile = {
        "name": "fragile",
        "proposals": STATE_BLIND,
        "working_group": {
            "establishment": "endogenous",
            "agreed_on": None,
            "cadence": "regular",
            "surprises_to_create": 1,
            "successor": {"enabled": True, "cosponsor": False},
        },
        "dprk": {
            "endogenous_provocation": True,
            "frustration_threshold": 0.05,
            "deal_tolerance": 1.0,
        },
        "legitimacy": {"initial": 0.2, "hazard": 1.0},
        "us": {"consent_prob": 1.0},
        "channels": [{"name": "c", "contacts_per_week": 2.0, "via_nsc": True}],
        "shocks": [
            {"date": "2019-01-07", "name": "everything at once", "effects": EVERY_EFFECT},
            {"date": "2020-01-06", "name": "a new minister", "effects": [EVERY_EFFECT[7]]},
        ],
    }
    permanent = {
        "working_group": {"can_terminate": False, "successor": {"enabled": False}},
        "legitimacy": {"initial": 0.2},
    }
    return [build_scenario(fragile), build_scenario(permanent)]


def test_the_optional_branches_are_exercised():
    fragile = optional_branches()[0]
    kinds = Counter()
    for seed in range(3):
        kinds.update(e[1] for e in run(fragile, seed).events)
    for kind in (
        "wg_created",
        "wg_terminated",
        "dg_talks_started",
        "dg_meeting",
        "provocation",
        "summit_deal",
    ):
        assert kinds[kind] > 0, kind


def test_every_schema_field_is_read_by_the_model():
    seen: set[str] = set()
    scenarios = [scenario_of(stem, v) for stem, v in ALL_VARIANTS] + optional_branches()
    for scenario in scenarios:
        for seed in (0, 1):
            run(wrap(scenario, "", seen), seed)
    leaves = leaf_paths(Scenario)
    assert leaves >= DOCUMENTATION_ONLY
    unread = sorted(leaves - seen - DOCUMENTATION_ONLY)
    assert not unread, f"schema fields never read by the model: {unread}"
    assert not DOCUMENTATION_ONLY & seen, "a documentation field is read: update the list"
    assert len(leaves) > 150
    assert "shocks[*].effects[*:TrackEffect].close_after_weeks" in leaves
    assert "shocks[*].effects[*:ProposalsEffect].items[*].value_dprk" in leaves


def test_working_group_cosponsorship_is_a_scenario_choice(historical):
    """working_group.cosponsor: the US co-sponsors the WG's UN requests, or it does not."""
    on = historical.variant("historical")
    off = apply_overrides(on, {"working_group.cosponsor": False})

    def wg_requests(scenario: Scenario) -> list:
        return [
            p
            for seed in range(3)
            for p in run(scenario, seed).proposals
            if p.route == Route.WG and p.t_un_submit >= 0
        ]

    with_group, without = wg_requests(on), wg_requests(off)
    assert with_group and all(p.un_cosponsored for p in with_group)
    assert without and not any(p.un_cosponsored for p in without)
