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


def test_t7_weeks_to_the_first_public_call():
    start = CAL.week_of(tg.NEW_MINISTER)
    weeks = tg.first_public_challenge_weeks
    assert weeks([ev(start + 3, "mou_challenge"), ev(start + 7, "mou_challenge")], [], CAL) == 3.0
    # a public call before the minister took office is what the record does not support
    assert (
        weeks([ev(start - 30, "mou_challenge"), ev(start + 3, "mou_challenge")], [], CAL) == -26.0
    )
    assert weeks([ev(start - 5, "mou_challenge")], [], CAL) == -5.0
    # internal objections and challenges of MOFA's line are not calls to readjust the WG
    assert (
        weeks([ev(start + 1, "mou_objection"), ev(start + 2, "mou_challenge_mofa")], [], CAL)
        == 26.0
    )


def test_t8_calendar_months_from_june_2021():
    months = tg.termination_months_from_june_2021
    week = CAL.week_of(tg.DOCUMENTED_END)
    assert months([ev(week, "wg_terminated")], [], CAL) == 0.0
    # 2021-05-21 (Sung Kim's appointment) falls in May: one calendar month before June
    assert months([ev(CAL.week_of(tg.dt.date(2021, 5, 21)), "wg_terminated")], [], CAL) == 1.0
    assert months([ev(CAL.week_of(tg.dt.date(2021, 9, 15)), "wg_terminated")], [], CAL) == 3.0
    assert months([ev(CAL.week_of(tg.dt.date(2019, 1, 7)), "wg_terminated")], [], CAL) == 12.0
    assert months([], [], CAL) == 12.0


def test_t9_share_of_the_loss_after_2019():
    share = tg.legitimacy_loss_share_after_2020
    first = AGREED
    wa = CAL.week_of(tg.dt.date(2019, 12, 30))
    wb = CAL.week_of(tg.DOCUMENTED_END)

    def path(l_a, l_b, end=wb):
        values = {w: 0.7 for w in range(first, wa)}
        values.update({w: l_a for w in range(wa - 1, end)})
        values[end - 1] = l_b
        return series_with_legitimacy(values)

    assert share([], path(0.7, 0.3), CAL) == pytest.approx(1.0)  # all of it in 2020-21
    assert share([], path(0.5, 0.3), CAL) == pytest.approx(0.5)  # half
    assert share([], path(0.3, 0.3), CAL) == pytest.approx(0.0)  # all of it in 2019
    assert share([], path(0.7, 0.8), CAL) == 0.0  # no loss
    assert share([], path(0.6, 0.2, end=wb - 20), CAL) == pytest.approx(0.8)  # ended early
    early = {w: 0.7 for w in range(first, wa - 10)}  # gone before 2020
    assert share([], series_with_legitimacy(early), CAL) == 0.0
    assert share([], series_with_legitimacy({}), CAL) == 0.0
    with pytest.raises(ValueError, match="weekly series"):
        share([], [], CAL)


def test_t11_exemptions_and_the_share_not_implemented():
    lo, hi = CAL.week_of(tg.T11_FROM), CAL.week_of(tg.T11_TO)
    events = [
        ev(lo - 1, "un_approved", pid=1),  # before the window
        ev(lo, "un_approved", pid=2),
        ev(lo + 5, "un_approved", pid=3),
        ev(hi, "un_approved", pid=4),
        ev(hi + 1, "un_approved", pid=5),  # after it
        ev(lo + 8, "implemented", pid=2),
        ev(hi + 3, "implemented", pid=3),  # too late to count
    ]
    assert tg.un_exemptions_nov2018_sep2020(events, [], CAL) == 3.0
    assert tg.exempted_share_not_implemented(events, [], CAL) == pytest.approx(2 / 3)
    assert tg.exempted_share_not_implemented([], [], CAL) == 0.0


def test_t12_weeks_from_wg_approval_to_exemption():
    lag = tg.wg_approval_to_exemption_weeks
    events = [
        ev(10, "approved", pid=1, route="wg"),
        ev(10, "un_approved", pid=1, route="wg"),
        ev(12, "approved", pid=2, route="wg"),
        ev(13, "un_approved", pid=2, route="wg"),
        ev(14, "approved", pid=3, route="wg"),
        ev(20, "un_approved", pid=3, route="wg"),
        ev(14, "approved", pid=4, route="bilateral"),  # not through the WG
        ev(40, "un_approved", pid=4, route="bilateral"),
    ]
    assert lag(events, [], CAL) == 1.0  # median of 0, 1, 6
    assert lag(events[:2], [], CAL) == 0.0
    assert lag([], [], CAL) == 12.0


def test_t10_structural_check():
    assert tg.regular_cadence_scenario_exists(ROOT) == 1.0


def test_episodes_file_loads_and_names_every_target():
    ep = load_episodes(ROOT / "calibration" / "episodes.yaml")
    ids = [f"T{i}" for i in range(1, 10)] + ["T11a", "T11b", "T12", "T10"]
    assert [t.id for t in ep.targets][: len(ids)] == ids
    # issue 29: inputs (T2 T3 T6 T7 T8 T12) and duplicates (T1 T4 T11a) leave the fit
    assert {t.id for t in ep.fitted} & set(ids) == {"T5", "T9", "T11b"}
    assert all(t.source for t in ep.targets)
    assert len(ep.exogenous) >= 15


def test_bad_episodes_file(tmp_path: Path):
    f = tmp_path / "e.yaml"
    f.write_text(
        "targets: [{id: T1, description: d, source: s, statistic: nope, value: 1, "
        "tolerance: 1, role: observable, reason: r, documented: 2019-01-01}]\nexogenous: []\n"
    )
    with pytest.raises(EpisodesError, match="unknown statistic 'nope'"):
        load_episodes(f)
    with pytest.raises(EpisodesError, match="file not found"):
        load_episodes(tmp_path / "missing.yaml")
