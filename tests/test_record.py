"""The documented record (calibration/record.csv): the shipped file and its loader."""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import re
from collections import Counter

import pytest
from conftest import ROOT

from sim.errors import WgsimError
from sim.scenario import PROPOSAL_TYPES
from sim.scenario.shipped import SHIPPED_FILES
from sim.studies.calibration import record as rc
from sim.studies.calibration import targets as tg
from sim.studies.calibration.record import RecordError, load_record

SHIPPED = ROOT / "calibration" / "record.csv"


def raw_rows():
    with SHIPPED.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_shipped_record_loads_with_every_kind_the_issue_asks_for():
    record = load_record()
    assert record.source.resolve() == SHIPPED.resolve()
    assert len(record.events) == len(raw_rows())
    kinds = {e.kind for e in record.events}
    for kind in ("item", "wg_meeting", "exemption", "denunciation", "dispute", "mou_challenge"):
        assert kind in kinds
    assert {"appointed", "departed"} <= kinds


def test_every_row_has_a_source_and_an_honest_confidence():
    for row in raw_rows():
        assert row["sources"].strip(), row["id"]
        assert row["confidence"] in {"H", "M", "L"}, row["id"]
    # the weak rows are there, not hidden: L is used, and every L row says why in its note
    weak = [r for r in raw_rows() if r["confidence"] == "L"]
    assert weak and all(r["note"].strip() for r in weak)


def test_dates_parse_and_lie_in_2018_to_2021_or_say_unknown():
    seen = 0
    for row in raw_rows():
        for field in ("date", "fate_date", "end_date"):
            text = row[field]
            if text in ("", "unknown"):
                continue
            day = rc.parse_day(text)
            assert day is not None
            assert dt.date(2018, 1, 1) <= day.first and day.last <= dt.date(2021, 12, 31), (
                row["id"],
                field,
            )
            seen += 1
    assert seen > 60


def test_items_carry_a_model_type_a_sanctions_status_and_a_declared_fate():
    items = load_record().of_kind("item")
    assert len(items) >= 10
    for item in items:
        assert item.type in PROPOSAL_TYPES
        assert item.sanctioned in ("yes", "no", "unknown")
        assert item.fate in rc.FATES
    fates = {i.id: i.fate for i in items}
    assert fates["item-rail-survey"] == "implemented"
    assert fates["item-kaesong-reopening"] == "shelved"
    assert fates["item-rice-aid"] == "dprk_rejected"


def test_the_record_agrees_with_the_dates_the_targets_use():
    record = load_record()
    assert record.get("wg-agreed").date == rc.Day(tg.WG_AGREED, "day")
    assert record.get("appointed-biegun").date == rc.Day(tg.BIEGUN_NAMED, "day")
    assert record.get("appointed-lee-in-young").date == rc.Day(tg.NEW_MINISTER, "day")
    assert record.get("wg-terminated").date == rc.Day(tg.DOCUMENTED_END, "day")
    exempted = {e.item for e in record.of_kind("exemption")}
    assert {"item-rail-survey", "item-groundbreaking"} <= exempted


def test_a_channel_exists_only_while_both_envoys_hold_office():
    record = load_record()
    assert record.channel_window(tg.ENVOY_CHANNEL) == (dt.date(2018, 8, 23), dt.date(2020, 12, 21))
    assert record.channel_window("Chung-Bolton") == (dt.date(2018, 4, 9), dt.date(2019, 9, 10))
    assert record.channel_window("no such channel") == (None, None)


def test_every_kind_has_a_role_for_the_fit():
    for kind in rc.KINDS:
        key = "item.date" if kind == "item" else kind
        assert rc.ROLES[key] in ("input", "observable")
    assert rc.ROLES["item.date"] == "input" and rc.ROLES["item.fate"] == "observable"


def test_the_record_is_shipped_in_the_wheel():
    patterns = SHIPPED_FILES["calibration"]
    assert any(fnmatch.fnmatch("record.csv", p) for p in patterns)
    manifest = (ROOT / "MANIFEST.in").read_text().split()
    assert "calibration/record.csv" in manifest


# --- malformed files ------------------------------------------------------------------

HEADER = ",".join(rc.COLUMNS)
GOOD_ITEM = (
    "item-x,item,2019-01-17,An item,,HUM,no,yes,implemented,2019-02,,,,,M,Some outlet 2019-01-18,,"
)
GOOD_MEETING = "wg-x,wg_meeting,2018-11-20,A meeting,,,,,,,,,,,H,Outlet 2018-11-21,https://a.b/c,"


def write(tmp_path, *lines, name="rec.csv"):
    path = tmp_path / name
    path.write_text("\n".join((HEADER, *lines)) + "\n", encoding="utf-8")
    return path


def test_a_hand_made_file_loads(tmp_path):
    record = load_record(write(tmp_path, GOOD_ITEM, GOOD_MEETING))
    item = record.get("item-x")
    assert item.fate_date == rc.Day(dt.date(2019, 2, 1), "month")
    assert item.fate_date.last == dt.date(2019, 2, 28)
    assert record.get("wg-x").urls == ("https://a.b/c",)


@pytest.mark.parametrize(
    ("line", "field", "value", "allowed"),
    [
        (GOOD_MEETING.replace("wg_meeting", "wg_party"), "kind", "wg_party", "wg_meeting"),
        (GOOD_MEETING.replace("2018-11-20", "2017-09-01"), "date", "2017-09-01", "2018-01"),
        (GOOD_MEETING.replace("2018-11-20", "20 Nov 2018"), "date", "20 Nov 2018", "YYYY-MM-DD"),
        (GOOD_MEETING.replace(",H,", ",X,"), "confidence", "X", "H, M, L"),
        (GOOD_MEETING.replace("Outlet 2018-11-21", ""), "sources", "", "non-empty"),
        (GOOD_ITEM.replace("implemented", "lost"), "fate", "lost", "dprk_ignored"),
        (GOOD_ITEM.replace(",HUM,", ",FOOD,"), "type", "FOOD", "INFRA"),
        (GOOD_ITEM.replace("2019-02", "2018-12"), "fate_date", "2018-12", "on or after"),
        (GOOD_MEETING.replace(",,,,,,,,,,,H", ",,HUM,,,,,,,,,H"), "type", "HUM", "only items"),
        (GOOD_MEETING.replace("https://a.b/c", "a.b/c"), "urls", "a.b/c", "http"),
        (
            "c-x,exemption_count,unknown,Count,,,,,,,,,5,2018-12,M,Outlet,,",
            "date",
            "unknown",
            "a count needs its period",
        ),
    ],
)
def test_a_malformed_row_names_file_line_id_field_value_and_what_is_allowed(
    tmp_path, line, field, value, allowed
):
    path = write(tmp_path, GOOD_ITEM, line)
    with pytest.raises(RecordError) as info:
        load_record(path)
    message = str(info.value)
    assert isinstance(info.value, WgsimError)
    assert str(path) in message
    assert "line 3" in message and "id '" in message
    assert f"{field}: {value!r}" in message
    assert allowed in message


def test_a_reference_to_a_missing_item_is_named(tmp_path):
    exemption = "ex-x,exemption,2019-01,UN exempts,item-nope,,,,,,,,,,M,Outlet,,"
    with pytest.raises(RecordError, match=r"item: 'item-nope' - allowed: the id of an item row"):
        load_record(write(tmp_path, GOOD_ITEM, exemption))


def test_a_duplicate_id_and_a_count_without_a_number_are_named(tmp_path):
    count = "c-x,exemption_count,2018-01,Count,,,,,,,,,many,2018-12,M,Outlet,,"
    with pytest.raises(RecordError) as info:
        load_record(write(tmp_path, GOOD_ITEM, GOOD_ITEM, count))
    message = str(info.value)
    assert "line 3 (id 'item-x'), id: 'item-x' - allowed: a new id" in message
    assert "count: 'many' - allowed: a whole number" in message


def test_a_wrong_header_missing_file_or_binary_file_is_a_clear_error(tmp_path):
    bad_header = tmp_path / "header.csv"
    bad_header.write_text("id,kind,date\nx,item,2019-01\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"missing: label, item"):
        load_record(bad_header)
    with pytest.raises(RecordError, match="file not found"):
        load_record(tmp_path / "absent.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00id")
    with pytest.raises(RecordError, match="not UTF-8"):
        load_record(binary)
    short = write(tmp_path, "x,item,2019-01", name="short.csv")
    with pytest.raises(RecordError, match=r"line 2: 18 fields expected"):
        load_record(short)


def test_docs_describe_every_row_and_column():
    doc = (ROOT / "docs" / "record.md").read_text()
    missing = [r["id"] for r in raw_rows() if f"`{r['id']}`" not in doc]
    assert not missing, f"rows missing from docs/record.md: {missing}"
    assert all(f"`{c}`" in doc for c in rc.COLUMNS)
    assert all(f"`{k}`" in doc for k in rc.KINDS + rc.FATES)
    # the kinds table's row counts are the file's
    counts = Counter(r["kind"] for r in raw_rows())
    table = {}
    for line in doc.splitlines():
        m = re.match(r"^\| ((?:`\w+`(?:, )?)+) \| ([\d, ]+) \|", line)
        if m:
            kinds = re.findall(r"`(\w+)`", m.group(1))
            table.update(zip(kinds, (int(n) for n in m.group(2).split(",")), strict=True))
    assert table == dict(counts)
