"""The item-by-item table: named items' simulated fates beside the record (issue 29 part 2)."""

from __future__ import annotations

from types import SimpleNamespace

from sim.studies.calibration.items import ABSENT, PENDING, Outcome, item_outcomes, item_table
from sim.studies.calibration.record import load_record


def _proposal(item: str, pid: int, *, barred: bool = False) -> SimpleNamespace:
    return SimpleNamespace(item=item, id=pid, barred=barred, cosigned=False)


def _event(week: int, kind: str, pid: int) -> tuple[int, str, str, int, str, str, str]:
    return (week, kind, "BH", pid, "HUM", "", "")


def test_outcomes_read_the_last_fate_and_its_lag_from_creation() -> None:
    events = [
        _event(2, "created", 7),
        _event(5, "vetoed", 7),
        _event(9, "implemented", 7),
        _event(3, "created", 8),
        _event(4, "created", 9),
        _event(4, "shelved", 9),
    ]
    proposals = [
        _proposal("item-rice-aid", 7),
        _proposal("item-tamiflu", 8),
        _proposal("item-kaesong-reopening", 9, barred=True),
        _proposal("item-kaesong-visit", 10),
        SimpleNamespace(item="", id=11, barred=False, cosigned=False),  # background item
    ]
    out = item_outcomes(events, proposals)
    assert out == {
        "item-rice-aid": Outcome("implemented", 7),
        "item-tamiflu": Outcome(PENDING, None),
        "item-kaesong-reopening": Outcome("shelved", 0, ruled=True),
        "item-kaesong-visit": Outcome(ABSENT, None),
    }


def test_table_sets_simulated_shares_and_lags_beside_the_record() -> None:
    record = load_record()
    rice, tourism = "item-rice-aid", "item-individual-tourism"
    runs = [
        {rice: Outcome("dprk_rejected", 4), tourism: Outcome("vetoed", 6)},
        {rice: Outcome("dprk_rejected", 6), tourism: Outcome(PENDING, None)},
        {rice: Outcome("implemented", 3), tourism: Outcome("vetoed", 8)},
    ]
    table = item_table(record, runs, fit_end="2019-12-31").set_index("item")
    row = table.loc[rice]
    # documented: proposed 2019-06-19, rejected by the DPRK 2019-07-24 (five weeks)
    assert row["documented fate"] == "dprk_rejected"
    assert row["documented lag (weeks)"] == "5.0"
    assert row["runs with the documented fate"] == "67%"
    assert row["simulated fates"] == "dprk_rejected 67%, implemented 33%"
    assert row["median simulated lag (weeks)"] == "4"
    assert row["period"] == "fit"
    assert row["fate set by a rule"] == ""
    row = table.loc[tourism]
    # the record does not say what became of individual tourism: nothing is scored
    assert row["documented fate"] == "record silent"
    assert row["runs with the documented fate"] == ""
    assert row["period"] == "after the fit"
    assert list(table.index) == [rice, tourism]  # by date
