"""docs/tutorial.md describes the page as it is: every control, tab, preset and fact it names."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from sim.page.about import ABOUT
from sim.page.charts import shocks
from sim.page.controls import GROUPS, PRESETS, build_scenario, scenario_choices, slider_specs
from sim.page.model import MODES, PageModel
from sim.page.panels import SEEDS
from sim.page.score import OUTCOMES, ManySeeds, many_seeds
from sim.page.settings import DEFAULT_SEED
from sim.page.story import log_rows
from sim.runs.runner import run
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


# --- the answers the tutorial states, run on the shipped model (issue 31 defects 3-4) ---


@pytest.fixture(scope="module")
def fifty() -> dict[str, ManySeeds]:
    """The many-seeds view (seeds 0-49) of the historical scenario and two presets."""
    presets = {"own": {}, "nsc": next(v for k, v in PRESETS.items() if "(exercise 2)" in k)}
    return {k: many_seeds(HIST, "historical", v, SEEDS) for k, v in presets.items()}


def _metric(out: ManySeeds, name: str) -> tuple[float, float]:
    m = next(m for m in out.metrics if m.name == name)
    return float(np.nanmean(m.wg)), float(np.nanmean(m.none)) if m.n else math.nan


def test_the_page_starts_at_the_teaching_seed_which_shows_both_halves(fifty):
    out = fifty["own"]
    assert out.teaching_seed == DEFAULT_SEED
    surprises, disputes = out.metrics[0], out.metrics[1]
    assert surprises.name == "US surprises" and disputes.name == "public disputes"
    k = DEFAULT_SEED
    assert surprises.wg[k] == surprises.none[k] - 1 and disputes.wg[k] == disputes.none[k] + 1
    flat = _flat(TUTORIAL)
    assert f"seed {DEFAULT_SEED}, a history that shows both halves" in flat
    assert "one US surprise fewer and one public dispute more" in flat


def test_exercise_2_has_the_answer_the_tutorial_gives(fifty):
    own_wg, own_none = _metric(fifty["own"], "US surprises")
    nsc_wg, nsc_none = _metric(fifty["nsc"], "US surprises")
    assert nsc_none > nsc_wg  # a White House passing everything on does not close the gap
    stated = (
        f"the no-group run has {own_none:.2f} surprises a run at 56% and still {nsc_none:.2f} "
        f"at 100%, against {own_wg:.2f} and {nsc_wg:.2f} with the WG"
    )
    assert stated in _flat(TUTORIAL)
    nsc = next(s for s in slider_specs(load_file(HIST).variant(None)) if "passthrough" in s.path)
    assert nsc.shown(nsc.value) == "56%" and nsc.shown(1.0) == "100%"


def test_section_3_has_the_answer_the_tutorial_gives(fifty):
    free = next(v for k, v in PRESETS.items() if k.startswith("Denunciations cost"))
    scenario = build_scenario(HIST, "historical", overrides=free)  # the WG runs suffice
    runs = [run(scenario, seed, series=False, events=False).metrics for seed in range(SEEDS)]
    ended = [
        _metric(fifty["own"], "WG ended before 2022 (share of seeds)")[0],
        float(np.mean([m["wg_terminated"] for m in runs])),
    ]
    weeks = [
        _metric(fifty["own"], "WG lifetime (weeks)")[0],
        float(np.mean([m["wg_lifetime_weeks"] for m in runs])),
    ]
    stated = (
        f"the WG ends before 2022 in {ended[0]:.0%} of the histories, after {weeks[0]:.0f} "
        f"weeks on average; when denunciations cost nothing, in {ended[1]:.0%}, after "
        f"{weeks[1]:.0f} weeks"
    )
    assert stated in _flat(TUTORIAL)
    names = {m.name for m in fifty["own"].metrics}
    assert {"DPRK denunciations", "WG lifetime (weeks)"} <= names  # what the view shows
    assert "DPRK denunciations" in {o.name for o in OUTCOMES}  # and the scoreboard
