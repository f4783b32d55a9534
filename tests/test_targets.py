"""Calibration target statistics on hand-made event logs."""

import math
from pathlib import Path

import pytest
from conftest import ROOT

from sim.core.model import SERIES_COLUMNS
from sim.scenario.calendar import Calendar
from sim.studies.calibration import targets as tg
from sim.studies.calibration.targets import EpisodesError, load_episodes

CAL = Calendar()
AGREED = CAL.week_of(tg.WG_AGREED)


def ev(week, kind, actor="a", pid=0, ptype="", route="", detail=""):
    return (week, kind, actor, pid, ptype, route, detail)


def series_with_legitimacy(values):
    rows = []
    idx = SERIES_COLUMNS.index("legitimacy")
    for w in range(1, CAL.n_weeks + 1):
        row = [0.0] * len(SERIES_COLUMNS)
        row[0] = w
        row[idx] = values.get(w, math.nan)
        rows.append(tuple(row))
    return rows


def test_t1_surprise_before_the_wg():
    assert tg.surprise_before_wg([ev(AGREED - 3, "surprise")], [], CAL) == 1.0
    assert tg.surprise_before_wg([ev(AGREED + 3, "surprise")], [], CAL) == 0.0


def test_t2_t3_weeks_after_agreement():
    events = [
        ev(AGREED, "wg_created"),
        ev(AGREED + 1, "denunciation"),
        ev(AGREED + 3, "wg_meeting"),
    ]
    assert tg.first_meeting_lag_weeks(events, [], CAL) == 3.0
    assert tg.first_denunciation_weeks(events, [], CAL) == 1.0
    assert tg.first_meeting_lag_weeks([], [], CAL) == 26.0
    assert tg.first_denunciation_weeks([ev(AGREED, "wg_created")], [], CAL) == 26.0


def test_t4_early_railway_exemption():
    approved = ev(AGREED + 6, "un_approved", pid=7, ptype="INFRA", route="wg")
    done = ev(AGREED + 8, "implemented", pid=7, ptype="INFRA", route="wg")
    assert tg.early_infrastructure_exemption([approved, done], [], CAL) == 1.0
    late = ev(AGREED + 20, "implemented", pid=7, ptype="INFRA", route="wg")
    assert tg.early_infrastructure_exemption([approved, late], [], CAL) == 0.0
    bilateral = ev(AGREED + 6, "un_approved", pid=7, ptype="INFRA", route="bilateral")
    assert tg.early_infrastructure_exemption([bilateral, done], [], CAL) == 0.0


def test_t5_items_in_the_first_year():
    routed = [(1, "HUM"), (2, "EXCH"), (3, "ECON"), (60, "HUM")]
    events = [ev(AGREED, "wg_created")]
    events += [ev(AGREED + i, "routed", pid=i, ptype=t, route="wg") for i, t in routed]
    events += [ev(AGREED + 5, "routed", pid=9, ptype="HUM", route="bilateral")]
    assert tg.humanitarian_exchange_items_first_year(events, [], CAL) == 2.0


def test_t6_envoy_contacts_in_the_window():
    lo = CAL.week_of(tg.BIEGUN_NAMED)
    events = [
        ev(lo, "contact", actor="Lee-Biegun"),
        ev(lo + 2, "contact", actor="Lee-Biegun"),
        ev(lo + 2, "contact", actor="Kang-Pompeo"),
        ev(lo - 1, "contact", actor="Lee-Biegun"),
    ]
    assert tg.envoy_contacts_before_wg(events, [], CAL) == 2.0


def test_t7_challenge_after_the_new_minister():
    start = CAL.week_of(tg.NEW_MINISTER)
    assert tg.mou_challenge_after_new_minister([ev(start + 4, "mou_challenge")], [], CAL) == 1.0
    assert tg.mou_challenge_after_new_minister([ev(start + 12, "mou_challenge")], [], CAL) == 0.0


def test_t8_calendar_months_from_june_2021():
    months = tg.termination_months_from_june_2021
    week = CAL.week_of(tg.DOCUMENTED_END)
    assert months([ev(week, "wg_terminated")], [], CAL) == 0.0
    # 2021-05-21 (Sung Kim's appointment) falls in May: one calendar month before June
    assert months([ev(CAL.week_of(tg.dt.date(2021, 5, 21)), "wg_terminated")], [], CAL) == 1.0
    assert months([ev(CAL.week_of(tg.dt.date(2021, 9, 15)), "wg_terminated")], [], CAL) == 3.0
    assert months([ev(CAL.week_of(tg.dt.date(2019, 1, 7)), "wg_terminated")], [], CAL) == 12.0
    assert months([], [], CAL) == 12.0


def test_t9_legitimacy_decline():
    w0, w1 = CAL.week_of(tg.dt.date(2020, 1, 6)), CAL.week_of(tg.dt.date(2020, 12, 28))
    decline = tg.legitimacy_declines_in_2020
    assert decline([], series_with_legitimacy({w0: 0.6, w1: 0.4}), CAL) == 1.0
    assert decline([], series_with_legitimacy({w0: 0.4, w1: 0.6}), CAL) == 0.0
    assert decline([], series_with_legitimacy({w0: 0.6}), CAL) == 1.0
    assert decline([], series_with_legitimacy({}), CAL) == 0.0
    with pytest.raises(ValueError, match="weekly series"):
        decline([], [], CAL)


def test_t10_structural_check():
    assert tg.regular_cadence_scenario_exists(ROOT) == 1.0


def test_episodes_file_loads_and_names_every_target():
    ep = load_episodes(ROOT / "calibration" / "episodes.yaml")
    assert [t.id for t in ep.targets] == [f"T{i}" for i in range(1, 11)]
    assert len(ep.fitted) == 9
    assert all(t.source for t in ep.targets)
    assert len(ep.exogenous) >= 15


def test_bad_episodes_file(tmp_path: Path):
    f = tmp_path / "e.yaml"
    f.write_text(
        "targets: [{id: T1, description: d, source: s, statistic: nope, value: 1, "
        "tolerance: 1}]\nexogenous: []\n"
    )
    with pytest.raises(EpisodesError, match="unknown statistic 'nope'"):
        load_episodes(f)
    with pytest.raises(EpisodesError, match="file not found"):
        load_episodes(tmp_path / "missing.yaml")
