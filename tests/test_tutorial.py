"""docs/tutorial.md describes the page as it is: every control, tab, preset and fact it names."""

from __future__ import annotations

import math
import re
from html import unescape
from pathlib import Path

import numpy as np
import pytest

from sim.page.about import ABOUT
from sim.page.charts import shocks
from sim.page.controls import GROUPS, PRESETS, build_scenario, scenario_choices, slider_specs
from sim.page.handouts import compute as compute_answers
from sim.page.handouts import questions, teacher_html
from sim.page.handouts import student_html as questions_html
from sim.page.model import MODES, PageModel
from sim.page.panels import SEEDS
from sim.page.score import OUTCOMES, ManySeeds, many_seeds
from sim.page.seedpick import TYPICAL, distance, ranked
from sim.page.settings import DEFAULT_SEED
from sim.page.showcase import compute
from sim.page.showcase import shipped as shipped_showcase
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
        "Printable summary",
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


def test_the_shipped_showcase_seeds_are_those_of_the_shipped_model(fifty):
    """Issue 31: the page's seed and the tutorial's seeds come from the criterion, recomputed."""
    show = shipped_showcase()
    assert show.scenario == HIST.name and show.scanned == SEEDS
    fresh = compute(HIST, "historical")
    assert fresh == show, "stale sim/page/showcase.json: run benchmarks/showcase.py"
    out = fifty["own"]
    assert out.showcase[: len(show.seeds)] == show.seeds  # the many-seeds view agrees
    assert out.teaching_seed == DEFAULT_SEED == show.seeds[0]
    surprises, disputes = out.metrics[0], out.metrics[1]
    assert surprises.name == "US surprises" and disputes.name == "public disputes"
    for k in show.seeds:  # both halves of the trade-off
        assert surprises.wg[k] < surprises.none[k] and disputes.wg[k] > disputes.none[k]
    k = DEFAULT_SEED
    flat = _flat(TUTORIAL)
    stated = (
        f"seed {k}, a history that shows both halves of the trade-off (US surprises: "
        f"{surprises.wg[k]:.0f} with the WG, {surprises.none[k]:.0f} without it; public "
        f"disputes: {disputes.wg[k]:.0f} with the WG, {disputes.none[k]:.0f} without it)"
    )
    assert stated in flat
    *first, last = [str(s) for s in show.seeds]
    assert f"**showcase seeds**, {', '.join(first)} and {last}:" in flat
    assert f"historical scenario, seed {k}, where the page starts" in flat


def test_the_criterion_ranks_by_distance_from_the_median_among_seeds_with_both_halves():
    wg = {key: np.array([2.0, 1.0, 1.0, 3.0]) for key in TYPICAL}
    none = {key: np.array([2.0, 2.0, 2.0, 3.0]) for key in TYPICAL}
    wg["disputes"], none["disputes"] = np.array([0, 1, 2, 0.0]), np.array([0, 0, 0, 0.0])
    values = {key: (wg[key], none[key]) for key in TYPICAL}
    assert ranked(values) == [1, 2]  # seeds 0 and 3 show neither; 1 is nearer the medians
    assert distance(values)[1] < distance(values)[2]
    values["surprises"] = (np.ones(4), np.ones(4))  # no seed shows both: all, nearest first
    assert sorted(ranked(values)) == [0, 1, 2, 3]


def test_section_1_the_military_agreement_surprises_both_runs_in_every_seed_stated():
    flat = _flat(TUTORIAL)
    lo, hi = map(
        int, re.search(r"with every seed from (\d+) to (\d+), both runs do", flat).groups()
    )
    day = re.search(r"both runs do, on (\d{4}-\d\d-\d\d)", flat).group(1)
    for seed in range(lo, hi + 1):
        m = PageModel(HIST, None, "side", seed)
        for _ in range(16):
            m.step()
        for v in m.views():
            rows = [
                r for r in log_rows(v) if r.kind == "surprise" and "Military Agreement" in r.text
            ]
            assert [r.date for r in rows] == [day], (seed, v.label)
            assert rows[0].because.endswith("before it was announced")


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


# --- the handouts (docs/handouts/, benchmarks/handouts.py) --------------------------------


@pytest.fixture(scope="module")
def key_runs():
    return compute_answers(ROOT / "scenarios")


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_every_question_and_exercise_of_the_tutorial_is_in_the_student_handout():
    body = re.sub(r"```.*?```", "", TUTORIAL, flags=re.S)  # code blocks ask nothing
    prose = "\n".join(line for line in body.splitlines() if not line.startswith(("#", "!")))
    prose = re.sub(r"[*`]", "", re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", _flat(prose)))
    asked = re.findall(r"[A-Z][^.?!:()]*\?", prose)
    assert len(asked) >= 20
    student = _text(questions_html(questions(TUTORIAL)))
    for sentence in asked:
        assert sentence in student, sentence
    exercises = TUTORIAL.split("## Exercises to hand in")[1]
    for item in re.findall(r"^\d+\. (.{40})", exercises, flags=re.M):
        assert _flat(re.sub(r"[*`]", "", item)) in student, item
    assert "neither does" not in student and "On the shipped model" not in student  # no answers
    shipped = (ROOT / "docs" / "handouts" / "student.html").read_text()
    assert shipped == questions_html(questions(TUTORIAL)), "stale: run benchmarks/handouts.py"


def test_the_teacher_key_gives_the_answers_of_runs(fifty, key_runs):
    key = _text(teacher_html(questions(TUTORIAL), key_runs))
    own, nsc = fifty["own"], fifty["nsc"]
    for name, noun in (("US surprises", "US surprises a run"), ("projects", "projects a run")):
        wg, none = _metric(own, next(m.name for m in own.metrics if m.name.startswith(name)))
        assert f"{wg:.2f} {noun} with the WG against {none:.2f} without it" in key
    # a lead time is read as time: fewer weeks come sooner, not "fewer"
    wg, none = _metric(own, next(m.name for m in own.metrics if m.name.startswith("exemption l")))
    word = "Sooner" if wg < none else "Later"
    assert f"{word} with the WG: {wg:.2f} weeks (median lead time) with the WG against" in key
    own_wg, own_none = _metric(own, "US surprises")
    nsc_wg, nsc_none = _metric(nsc, "US surprises")
    assert (
        f"{own_none:.2f} US surprises a run at the scenario's value and {nsc_none:.2f} when the "
        f"NSC passes everything on, against {own_wg:.2f} and {nsc_wg:.2f} with the WG"
    ) in key
    seeds = ", ".join(str(s) for s in own.showcase[:3])
    assert f"seeds 0-{SEEDS - 1}): {seeds}." in key
    lead = {
        v: np.nanmean(
            [
                run(build_scenario(ROOT / "scenarios" / "cadence.yaml", v), s).metrics[
                    "exemption_lead_days_median"
                ]
                / 7
                for s in range(SEEDS)
            ]
        )
        for v in ("ad-hoc", "regular")
    }
    assert f"ad hoc {lead['ad-hoc']:.1f}, regular {lead['regular']:.1f}" in key
    assert key.count("Model:") >= 10 and "For discussion" in key
    shipped = (ROOT / "docs" / "handouts" / "teacher.html").read_text()
    assert shipped == teacher_html(questions(TUTORIAL), key_runs), "stale: benchmarks/handouts.py"
