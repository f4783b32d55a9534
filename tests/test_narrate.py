"""The narrated event log: one plain dated sentence per event, for every documented kind."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from sim import load_file, run
from sim.analysis.narrate import Event, item_phrase, kinds_covered, narrate, sentence

ROOT = Path(__file__).resolve().parents[1]


def documented_kinds() -> set[str]:
    """Every kind named in the first column of docs/events.md's table of kinds."""
    text = (ROOT / "docs" / "events.md").read_text()
    section = text.split("## Kinds", 1)[1]
    kinds: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            kinds.update(re.findall(r"`([a-z_0-9]+)`", line.split("|")[1]))
    return kinds


def test_every_documented_kind_has_its_own_sentence():
    kinds = documented_kinds()
    assert len(kinds) >= 30
    assert kinds <= set(kinds_covered()), kinds - set(kinds_covered())


@pytest.mark.parametrize("kind", sorted(documented_kinds()))
def test_each_kind_reads_as_a_sentence(kind):
    e = Event(kind, "Lee-Biegun", "the railway project", "wg", "2018-06-12: Singapore summit")
    text = sentence(e)
    assert text[0].isupper() and text.endswith(".")
    assert "_" not in text  # no model vocabulary left


def test_the_railway_exemption_example():
    e = Event("un_approved", "UN 1718", item_phrase(17, "INFRA", "inter-Korean railway"), "wg", "")
    assert sentence(e) == (
        "The UN 1718 Committee approves the exemption for the inter-Korean railway, "
        "requested through the working group."
    )


def test_item_phrases():
    assert item_phrase(4, "HUM", "HUM") == "humanitarian aid item #4"
    assert item_phrase(4, "MIL", "Comprehensive Military Agreement") == (
        "the Comprehensive Military Agreement"
    )
    assert item_phrase(4, "ECON", "the Kaesong complex") == "the Kaesong complex"


def test_specific_sentences():
    assert sentence(Event("shock", "world", "", "", "2019-02-28: Hanoi summit")) == (
        "Hanoi summit (on 2019-02-28)."
    )
    assert sentence(Event("shelved", "Blue House", "item #3", "wg", "after a US veto")) == (
        "The Blue House gives up item #3 after a US veto."
    )
    assert "not pass it on" in sentence(
        Event("contact", "Chung-Bolton", "", "", "not passed on to State")
    )
    assert sentence(Event("un_submitted", "UN 1718", "item #2", "wg", "co-sponsored")).endswith(
        "co-sponsored by the US."
    )
    assert sentence(Event("brand_new_kind", "WG", "", "", "x")) == "Brand new kind (WG) (x)."


def test_narrate_a_run_dates_every_row_and_names_items():
    result = run(load_file(ROOT / "scenarios" / "historical.yaml").variant(None), seed=2)
    events = result.events_frame()
    lines = narrate(events)
    assert len(lines) == len(events)
    for line, date in zip(lines, events["date"], strict=True):
        assert line.startswith(pd.Timestamp(date).date().isoformat() + ": ")
    assert any("Comprehensive Military Agreement" in line for line in lines)
    assert narrate(events, last=5) == lines[-5:]
