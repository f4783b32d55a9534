"""The page's increments (sim/page/growing.py): what is sent each week adds up to the whole."""

from __future__ import annotations

from html import escape
from pathlib import Path

from sim.page.charts import chart_data
from sim.page.growing import Opaque, grown, join_datasets, log_chunks, split
from sim.page.model import PageModel
from sim.page.story import log_rows

ROOT = Path(__file__).resolve().parents[1]
HIST = ROOT / "scenarios" / "historical.yaml"


def test_chart_data_grown_week_by_week_equals_the_whole():
    m = PageModel(HIST, None, "side", 2)
    state = None
    for week in range(1, 61):
        m.step()
        views = m.views()
        state = grown(state, m, week, lambda since, v=views: chart_data(v, since), join_datasets)
        if week % 15 == 0:
            assert state.value == chart_data(views)
    assert {r["run"] for r in state.value["series"]} == {"working group", "no group"}
    assert len(state.value["series"]) == 2 * 60 and state.value["shocks"]


def test_log_rows_from_a_start_are_the_tail_of_the_whole_log():
    m = PageModel(HIST, None, "single", 0)
    for _ in range(50):
        m.step()
    view = m.views()[0]
    whole = log_rows(view)
    for start in (1, 100, len(whole) - 3):
        assert log_rows(view, start) == whole[start:]


def test_grown_starts_afresh_for_another_model_or_a_smaller_extent():
    calls = []

    def make(since):
        calls.append(since)
        return [since]

    a, b = object(), object()
    s = grown(None, a, 3, make, list.__add__)
    s = grown(s, a, 5, make, list.__add__)
    assert s.value == [0, 3] and grown(s, a, 5, make, list.__add__) is s
    assert grown(s, b, 5, make, list.__add__).value == [0]  # a new model
    assert grown(s, a, 2, make, list.__add__).value == [0]  # a Reset of the same one
    assert calls == [0, 3, 0, 0]


def test_split_keeps_the_base_while_the_datasets_extend_it():
    first = {"series": [1, 2], "shocks": []}
    base, tail = split(None, first, limit=3)
    assert base == first and tail == {"series": [], "shocks": []}
    same, tail = split(base, {"series": [1, 2, 3], "shocks": [9]}, limit=3)
    assert same is base and tail == {"series": [3], "shocks": [9]}
    new, tail = split(base, {"series": [1, 2, 3, 4, 5], "shocks": [9]}, limit=3)
    assert new is not base and new["series"] == [1, 2, 3, 4, 5] and tail["series"] == []
    other, _ = split(base, {"series": [7, 2, 3], "shocks": []}, limit=3)  # not a prefix
    assert other is not base and other["series"] == [7, 2, 3]


def test_opaque_is_equal_only_for_the_same_object():
    rows = [1, 2]
    assert Opaque(rows) == Opaque(rows)
    assert Opaque(rows) != Opaque([1, 2])


def test_log_chunks_read_newest_first_and_only_the_last_changes():
    m = PageModel(HIST, None, "single", 0)
    for _ in range(30):
        m.step()
    rows = log_rows(m.views()[0])
    before = log_chunks(rows[:95], size=40)
    after = log_chunks(rows[:101], size=40)
    assert len(before) == 3 and len(after) == 3
    assert before[:2] == after[:2] and before[2] != after[2]
    assert escape(rows[100].text) in after[2].split("</li>")[0]  # each chunk: newest first
    assert escape(rows[0].text) in after[0].rsplit("<li", 1)[1]  # the oldest line last
    assert after[0].count("<li") == after[1].count("<li") == 40
