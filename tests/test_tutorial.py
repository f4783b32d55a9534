"""docs/tutorial.md describes the page as it is: every control, tab, preset and fact it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.page.about import ABOUT
from sim.page.charts import shocks
from sim.page.controls import GROUPS, PRESETS, scenario_choices, slider_specs
from sim.page.model import MODES, PageModel
from sim.page.panels import SEEDS
from sim.page.score import OUTCOMES
from sim.page.story import log_rows
from sim.scenario.loader import load_file

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = (ROOT / "docs" / "tutorial.md").read_text()
PAGE_SOURCE = "\n".join(p.read_text() for p in (ROOT / "sim" / "page").glob("*.py"))
HIST = ROOT / "scenarios" / "historical.yaml"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(
    "name",
    [
        "Reset",
        "Play",
        "Pause",
        "Step one week",
        "Hide controls",
        "The run",
        "Many seeds",
        "About this model",
        "hide meetings and contacts",
        "one actor",
        "one proposal's story",
        "Changed, applied at Reset",
        "Finished",
        "The scenario's own values",
        "scenario / variant",
        "WG ended on",
        "Use seed",
    ],
)
def test_every_control_the_tutorial_names_is_on_the_page(name):
    assert name in _flat(TUTORIAL)
    assert name in PAGE_SOURCE


def test_modes_presets_groups_and_scenarios_named_exist():
    flat = _flat(TUTORIAL)
    for mode in MODES:
        assert mode in flat
    named = re.findall(r"\*([^*]+\((?:§\d|exercise \d)\))\*", flat)
    assert named and set(named) <= set(PRESETS)
    for group in GROUPS:
        assert group in flat
    choices = scenario_choices(ROOT / "scenarios").entries
    for choice in re.findall(r"\*\*([a-z-]+ / [a-z-]+)\*\*", flat):
        assert choice == "scenario / variant" or choice in choices, choice
    labels = {s.label for s in slider_specs(load_file(HIST).variant(None))}
    for label in (
        "Damage per DPRK denunciation",
        "Longest gap between WG meetings",
        "White House passes news to State",
    ):
        assert label in labels and label in flat


def test_the_presets_do_what_the_tutorial_says():
    loss = next(v for k, v in PRESETS.items() if k.startswith("Denunciations cost"))
    assert loss == {"legitimacy.denunciation_loss": 0.0}
    gap = next(v for k, v in PRESETS.items() if "every 4 weeks" in k)
    assert gap == {"working_group.max_gap_weeks": 4}


def test_facts_the_tutorial_states():
    flat = _flat(TUTORIAL)
    m = PageModel(HIST, None, "side", 0)
    for _ in range(40):
        m.step()
    listed = {s.number: s.name for s in shocks(m.views()[0])}
    number = int(re.search(r"number (\d+) is the Hanoi summit", flat).group(1))
    assert "Hanoi" in listed[number]
    agreed = load_file(HIST).variant(None).working_group.agreed_on
    assert f"agreed in week 21, {agreed.isoformat()}" in flat
    assert (agreed - load_file(HIST).variant(None).calendar.start).days // 7 + 1 == 21
    assert f"seeds 0 to {SEEDS - 1}" in flat and f"*Run {SEEDS} seeds*" in flat
    assert 'f"Run {SEEDS} seeds"' in PAGE_SOURCE
    assert [o.name for o in OUTCOMES][:2] == ["US surprises", "public disputes in Seoul"]
    quote = re.search(r'\("(The State Department vetoes [^"]+)", seed 0, (\d{4}-\d\d-\d\d)\)', flat)
    text, because = quote.group(1).split(" — ")
    rows = [(r.date, r.text.rstrip("."), r.because) for r in log_rows(m.views()[0])]
    assert (quote.group(2), text, because) in rows  # the log's example, as the log says it
    assert "five minutes" in flat and "What to notice" in ABOUT


def test_the_tutorial_s_images_exist():
    for image in re.findall(r"\]\((img/[^)]+)\)", TUTORIAL):
        assert (ROOT / "docs" / image).exists(), image
