"""Plausibility from the record: each rule on a hand-made case (issue 29, part 6).

Each rule lives in the agent or institution that owns it (docs/model.md §7); each test
builds a small real model and drives that agent. The record's rows are cited by their id
in calibration/record.csv (docs/record.md). A last group runs the shipped historical
scenario for a handful of seeds and checks the named items and the yearly volumes against
the ranges docs/model.md §7 ("Plausibility from the record") documents.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pydantic
import pytest
from rulekit import Scripted, small_model

from sim import scenario as sc
from sim.core.agents import Answer, DprkMode
from sim.core.model import WorkingGroupModel
from sim.core.proposals import Proposal, Route, Status
from sim.core.shocks import apply_effect
from sim.scenario.loader import load_scenario
from sim.scenario.shipped import data_root

HISTORICAL = data_root() / "scenarios" / "historical.yaml"


def named(m: WorkingGroupModel, week: int = 5, **fields) -> Proposal:
    """Put one named item into ``m`` through the proposals effect; return it."""
    item = sc.NewProposal(**{"label": "item", **fields})
    apply_effect(m, sc.ProposalsEffect(kind="proposals", items=[item]), week, "test")
    return m.proposals[-1]


def events_of(m: WorkingGroupModel, p: Proposal) -> list[str]:
    return [e[1] for e in m.events if e[3] == p.id]


# --- what the sanctions regime rules out ------------------------------------------------


def test_econ_items_are_barred_by_default_and_a_named_item_can_say_otherwise():
    m = small_model()
    assert m.factory.make("ECON", 1).barred  # joint ventures, bulk cash
    assert not m.factory.make("INFRA", 1).barred
    assert named(m, type="TOUR", barred=True).barred  # Mt Kumgang: a joint venture
    assert not named(m, type="ECON", barred=False, sanction_load=0.0).barred  # 5.24 measures


def test_the_blue_house_shelves_a_barred_item_whatever_the_routes():
    # Even with a WG that takes every item and a sure violation, a barred item is held.
    m = small_model(rok={"violation_prob": 1.0}, working_group={"scope": 1.0})
    m.wg.establish(1, "test")
    p = named(m, type="ECON", origin="DPRK")
    m.blue_house.route(5)
    assert p.status == Status.SHELVED and p.route == Route.SHELVED
    shelved = [e for e in m.events if e[1] == "shelved" and e[3] == p.id]
    assert shelved and "UN sanctions" in shelved[0][6]
    # The same item not barred goes ahead in violation (violation_prob 1).
    q = named(m, type="ECON", origin="DPRK", barred=False)
    m.blue_house.route(5)
    assert q.route == Route.UNILATERAL and q.status == Status.DPRK_PENDING


def test_the_un_committee_never_exempts_a_barred_item():
    m = small_model(un={"approval_cosponsored": 1.0, "approval_standard": 1.0})
    barred = m.factory.make("ECON", 1)
    allowed = m.factory.make("INFRA", 1)
    for p in (barred, allowed):
        m.un.submit(p, 3, cosponsored=True)
    for week in range(3, 40):
        m.un.decide(week)
    assert barred.status == Status.UN_REJECTED and not barred.exempted
    assert allowed.exempted and allowed.status == Status.DPRK_PENDING


def test_kaesong_is_never_exempted_or_implemented_in_the_seed_that_did_it():
    # Before the rule, seed 3031610183 created, approved, exempted and implemented the
    # Kaesong reopening in the week of 2018-12-31 (issue 29).
    s = load_scenario(HISTORICAL)
    m = WorkingGroupModel(s, rng=3031610183)
    m.run_for(m.n_weeks)
    for label in ("Kaesong Industrial Complex", "Mt. Kumgang"):
        (p,) = [p for p in m.proposals if label in p.label]
        assert p.status == Status.SHELVED and not p.exempted
        assert events_of(m, p) == ["created", "shelved"]
    assert not any(p.barred and p.status == Status.IMPLEMENTED for p in m.proposals)


# --- the co-signed military agreement ----------------------------------------------------


def test_the_dprk_accepts_what_it_cosigned_without_a_draw():
    m = small_model()
    p = named(m, type="MIL", cosigned=True, value_dprk=0.0)
    d = m.dprk
    d.mode, d.turned, d.border_closed = DprkMode.WEDGE, True, True
    m.random = rnd = Scripted(0.0, 0.999)  # would otherwise respond, then reject
    assert d.respond(p) == Answer.ACCEPT and rnd.calls == 0
    q = named(m, type="MIL", value_dprk=0.0)
    assert d.respond(q) == Answer.REJECT


def test_a_cosigned_item_is_announced_and_surprises_a_us_not_told_of_it():
    m = small_model()
    m.information.quality = 1.0  # full information: an ordinary item cannot surprise
    p = named(m, type="MIL", cosigned=True)
    m.blue_house.route(5)
    assert p.route == Route.UNILATERAL and p.status == Status.DPRK_PENDING
    assert p.surprised and m.friction.surprises == 1
    ordinary = named(m, type="MIL", alliance_sensitivity=0.8)
    m.friction.check_surprise(ordinary, 5, announced=True)
    assert not ordinary.surprised
    told = named(m, type="MIL", cosigned=True)
    told.us_informed = True
    m.friction.check_surprise(told, 5, announced=True)
    assert not told.surprised and m.friction.surprises == 1


def test_the_military_agreement_is_implemented_and_surprises_state_in_history():
    s = load_scenario(HISTORICAL)
    for seed in range(1, 6):
        m = WorkingGroupModel(s, rng=seed)
        m.run_for(m.n_weeks)
        (p,) = [p for p in m.proposals if p.item == "item-military-agreement"]
        assert p.status == Status.IMPLEMENTED and p.surprised
        assert "dprk_rejected" not in events_of(m, p)


# --- channels exist while their envoys hold office ---------------------------------------


def test_a_channel_ending_before_it_starts_is_refused():
    with pytest.raises(pydantic.ValidationError, match="active_until"):
        sc.Channel(
            name="x",
            contacts_per_week=1.0,
            via_nsc=False,
            active_from=dt.date(2019, 1, 1),
            active_until=dt.date(2018, 1, 1),
        )


def test_contacts_happen_only_on_channels_in_office():
    start = dt.date(2018, 6, 11)
    channels = [
        {
            "name": "Envoys",
            "contacts_per_week": 5.0,
            "via_nsc": False,
            "active_from": start + dt.timedelta(weeks=4),  # week 5
            "active_until": start + dt.timedelta(weeks=9),  # week 10
        },
        {"name": "Ministers", "contacts_per_week": 0.0, "via_nsc": False},
    ]
    m = small_model(calendar={"start": start, "end": dt.date(2019, 6, 10)}, channels=channels)
    for week in range(1, 21):
        m.event_log.week = week
        m.contacts.make(week)
    weeks = Counter(e[0] for e in m.events if e[1] == "contact")
    assert weeks and min(weeks) >= 5 and max(weeks) <= 10
    assert sum(weeks.values()) > 10  # rate 5 a week over 6 weeks


def test_no_envoy_contact_outside_the_envoys_tenure_in_history():
    s = load_scenario(HISTORICAL)
    cal = s.calendar
    windows = {
        "Lee-Biegun": (cal.week_of(dt.date(2018, 8, 23)), cal.week_of(dt.date(2020, 12, 21))),
        "Chung-Bolton": (1, cal.week_of(dt.date(2019, 9, 10))),
        "Kang-Pompeo": (1, cal.week_of(dt.date(2021, 1, 20))),
    }
    for seed in range(1, 4):
        m = WorkingGroupModel(s, rng=seed)
        m.run_for(m.n_weeks)
        for e in m.events:
            if e[1] == "contact":
                lo, hi = windows[e[2]]
                assert lo <= e[0] <= hi, (seed, e)


# --- the endogenous WG: MOFA proposes it ---------------------------------------------------


def test_mofa_proposes_the_group_after_enough_surprises():
    m = small_model(
        working_group={"establishment": "endogenous", "agreed_on": None, "surprises_to_create": 2}
    )
    m.friction.surprises = 1
    m.wg.take_stock(5)
    assert not m.wg.active
    m.friction.surprises = 2
    m.wg.take_stock(6)
    assert m.wg.active and m.wg.created_week == 6
    (created,) = [e for e in m.events if e[1] == "wg_created"]
    assert created[6].startswith("MOFA proposes a working group after 2 US surprises")
    m.friction.surprises = 5
    m.mofa.propose_group(7)  # once only: the group exists
    assert [e[1] for e in m.events].count("wg_created") == 1


def test_a_scheduled_group_is_not_proposed_by_mofa():
    m = small_model(working_group={"establishment": "never", "agreed_on": None})
    m.friction.surprises = 9
    m.wg.take_stock(5)
    assert not m.wg.active


# --- generation answers the DPRK's state ---------------------------------------------------


def test_rates_scale_with_the_track_and_the_border():
    m = small_model()
    types = m.parameters.proposals.types
    base, _ = m.factory.mixture(("BH",))
    closed, _ = m.factory.mixture(("BH",), talks_closed=True)
    border, _ = m.factory.mixture(("BH",), talks_closed=True, border_closed=True)
    expect = sum(
        types.get(c).rate_per_week * types.get(c).talks_closed_multiplier
        for c in ("INFRA", "ECON", "MIL")
    )
    assert base == pytest.approx(sum(types.get(c).rate_per_week for c in ("INFRA", "ECON", "MIL")))
    assert closed == pytest.approx(expect) and closed < base
    assert border == 0.0  # no new cross-border project with the border closed
    hum, _ = m.factory.mixture(("NGO",), talks_closed=True, border_closed=True)
    assert hum == pytest.approx(types.HUM.rate_per_week)  # aid kept its pace


def test_the_blue_house_proposes_nothing_cross_border_with_the_border_closed():
    m = small_model(proposals={"types": {"INFRA": {"rate_per_week": 2.0}}})
    m.dprk.track_open, m.dprk.border_closed = False, True
    assert all(not m.blue_house.generate(w, 1.0) for w in range(1, 60))
    m.dprk.track_open, m.dprk.border_closed = True, False
    made = [p for w in range(1, 60) for p in m.blue_house.generate(w, 1.0)]
    assert len(made) > 60  # rate >= 2 a week over 59 weeks


# --- the shipped history: named items and yearly volumes ----------------------------------

SEEDS = range(1, 7)


@pytest.fixture(scope="module")
def history() -> list[WorkingGroupModel]:
    s = load_scenario(HISTORICAL)
    runs = []
    for seed in SEEDS:
        m = WorkingGroupModel(s, rng=seed, collect=False)
        m.run_for(m.n_weeks)
        runs.append(m)
    return runs


def test_every_named_item_enters_on_its_documented_date(history):
    from sim.studies.calibration.record import load_record

    record = load_record()
    m = history[0]
    cal = m.parameters.calendar
    items = [p for p in m.proposals if p.item]
    assert len(items) >= 14
    for p in items:
        row = record.get(p.item)
        assert row.kind == "item"
        assert p.t_created == max(1, cal.week_of(row.date.first))


def test_yearly_volumes_sit_in_the_documented_ranges(history):
    thr = history[0].parameters.proposals.un_threshold
    cal = history[0].parameters.calendar
    closed = cal.week_of(dt.date(2020, 1, 28))
    years = (history[0].n_weeks - closed) / 52.0
    no_violation = 0
    for m in history:
        # The record's floor: its 15 documented items (one predates the calendar).
        assert len(m.proposals) >= 14
        # With the border closed the record documents no new cross-border item.
        late = [p for p in m.proposals if p.type != "HUM" and p.t_created > closed]
        assert len(late) / years < 1.0
        violations = [
            p
            for p in m.proposals
            if p.route == Route.UNILATERAL and p.status == Status.IMPLEMENTED and p.sigma >= thr
        ]
        no_violation += not violations
        assert not any(p.barred and p.status == Status.IMPLEMENTED for p in m.proposals)
    # The record has no outright violation: a run like it must be the typical run.
    assert no_violation >= len(history) / 2


def test_each_named_item_has_its_dated_story(history):
    import pandas as pd

    from sim.analysis.narrate import stories
    from sim.core.outputs import EVENT_COLUMNS

    m = history[0]
    start = pd.Timestamp(m.parameters.calendar.start)
    events = pd.DataFrame(m.events, columns=list(EVENT_COLUMNS))
    events.insert(1, "date", start + pd.to_timedelta((events["week"] - 1) * 7, unit="D"))
    told = stories(events)
    assert [label for label, _ in told] == [p.label for p in m.proposals if p.item]
    for label, lines in told:
        assert label in lines[0] and "proposes" in lines[0]
        days = [line[:10] for line in lines if line[:4].isdigit()]
        assert days == sorted(days)
    kaesong = dict(told)["reopening of the Kaesong Industrial Complex"]
    assert "ruled out by UN sanctions" in kaesong[-1]


def test_the_historical_channels_tenures_are_the_record_s_windows():
    from sim.studies.calibration.record import load_record

    record = load_record()
    s = load_scenario(HISTORICAL)
    for ch in s.channels:
        opened, closed = record.channel_window(ch.name)
        if ch.active_from is None:  # both ends in office before the calendar starts
            assert opened is None or opened <= s.calendar.start, ch.name
        else:
            assert ch.active_from == opened, ch.name
        assert ch.active_until == closed, ch.name
