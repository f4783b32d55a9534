"""Hostile or careless input files: one clear message, exit 2, quickly, never a traceback."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sim.scenario import yamlfile

HISTORICAL = Path(__file__).resolve().parents[1] / "scenarios" / "historical.yaml"


def bomb(levels: int) -> str:
    lines = ['l0: &l0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\nscenario: {{description: *l{levels - 1}}}\n"


CASES = {
    "impossible day": (
        "extends: @HISTORICAL@\nscenario:\n  working_group: {agreed_on: 2018-02-30}\n",
        "line 3, column 30: '2018-02-30' is not a date (day is out of range for month)",
    ),
    "impossible month": (
        "extends: @HISTORICAL@\nscenario:\n  calendar: {start: 2018-13-11}\n",
        "'2018-13-11' is not a date (month must be in 1..12)",
    ),
    "calendar near year 9999": (
        "extends: @HISTORICAL@\nscenario:\n  calendar: {start: 9999-01-04, end: 9999-12-27}\n",
        "calendar: start (9999-01-04) must lie between 1945-01-01 and 2100-12-31",
    ),
    "calendar near year 1": (
        "extends: @HISTORICAL@\nscenario:\n  calendar: {start: 0001-01-01, end: 0001-12-31}\n",
        "calendar: start (0001-01-01) must lie between 1945-01-01 and 2100-12-31",
    ),
    "deep nesting": ("scenario: " + "[" * 100_000, "nested deeper than 100 levels"),
    "alias bomb": (bomb(10), "the file holds more than 100,000 values"),
    "too many aliases": (
        "a: &a 1\nscenario: {description: [" + ",".join(["*a"] * 300) + "]}\n",
        "more than 200 aliases",
    ),
    "duplicate key": ("scenario:\n  name: a\n  name: b\n", "the key 'name' is given twice"),
}


@pytest.fixture
def wgsim(wgsim_text):
    return wgsim_text


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_yaml_is_one_clear_message(wgsim, tmp_path, case):
    text, needle = CASES[case]
    f = tmp_path / "bad.yaml"
    f.write_text(text.replace("@HISTORICAL@", os.path.relpath(HISTORICAL, tmp_path)))
    t0 = time.perf_counter()
    code, out = wgsim("validate", f)
    assert time.perf_counter() - t0 < 10
    assert code == 2 and "Traceback" not in out, out
    assert needle in out and str(f) in out


@pytest.mark.parametrize("year", [1945, 2100])
def test_calendars_at_the_edges_of_the_allowed_range_get_a_full_report(wgsim, tmp_path, year):
    f = tmp_path / "edge.yaml"
    f.write_text(
        "scenario:\n  name: edge\n"
        f"  calendar: {{start: {year}-01-01, end: {year}-12-31}}\n"
        "  working_group: {establishment: scheduled, agreed_on: "
        f"{year}-03-01, cadence: ad_hoc}}\n"
    )
    code, out = wgsim("compare", f, "-n", "2", "--out", tmp_path / "out")
    assert code == 0, out
    for name in ("report.md", "fan.png", "survival.png", "timeline_base.png"):
        assert (tmp_path / "out" / name).stat().st_size > 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(wgsim, tmp_path, monkeypatch):
    monkeypatch.setattr(yamlfile, "MAX_BYTES", 1000)
    f = tmp_path / "big.yaml"
    f.write_text("scenario:\n  description: '" + "x" * 2000 + "'\n")
    code, out = wgsim("validate", f)
    assert code == 2 and "files over 1,000 bytes are refused" in out


def test_a_long_extends_chain_is_refused(wgsim, tmp_path):
    (tmp_path / "f0.yaml").write_text("scenario: {name: root}\n")
    for i in range(1, 40):
        (tmp_path / f"f{i}.yaml").write_text(f"extends: f{i - 1}.yaml\n")
    code, out = wgsim("validate", tmp_path / "f39.yaml")
    assert code == 2 and "more than 20 files extend one another" in out and "Traceback" not in out
    code, _ = wgsim("validate", tmp_path / "f15.yaml")  # a chain within the limit is fine
    assert code == 0


MESSAGES = {
    "an empty file": ("", "the file is empty"),
    "no variants": ("extends: @HISTORICAL@\nvariants: {}\n", "leave the key out"),
    "on and off as names": (
        "extends: @HISTORICAL@\nvariants:\n  on: {}\n  off: {}\n",
        "the name True is read as a bool, not text",
    ),
}


@pytest.mark.parametrize("case", sorted(MESSAGES))
def test_files_that_would_mislead_get_a_precise_message(wgsim, tmp_path, case):
    text, needle = MESSAGES[case]
    f = tmp_path / "f.yaml"
    f.write_text(text.replace("@HISTORICAL@", os.path.relpath(HISTORICAL, tmp_path)))
    code, out = wgsim("validate", f)
    assert code == 2 and needle in out and "Traceback" not in out, out


def test_a_loop_of_symbolic_links_is_named_as_such(wgsim, tmp_path):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    code, out = wgsim("validate", tmp_path / "a.yaml")
    assert code == 2 and "a loop of symbolic links" in out


@pytest.mark.parametrize("key", ["extends", "calibrated"])
@pytest.mark.parametrize("target", ["/etc/passwd", "notes.txt"])
def test_linked_files_must_be_relative_yaml_and_are_never_echoed(wgsim, tmp_path, key, target):
    (tmp_path / "notes.txt").write_text("secret: do not print me\n")
    f = tmp_path / "s.yaml"
    f.write_text(f"{key}: {target}\n")
    code, out = wgsim("validate", f)
    assert code == 2 and "must be a path relative to this file's folder" in out
    assert "root:" not in out and "secret" not in out


def test_a_linked_file_that_is_not_a_scenario_is_named_without_its_content(wgsim, tmp_path):
    (tmp_path / "list.yaml").write_text("- root:x:0:0:root\n- secret\n")
    f = tmp_path / "s.yaml"
    f.write_text("extends: list.yaml\n")
    code, out = wgsim("validate", f)
    assert code == 2 and "got a list" in out and "secret" not in out and "root:x" not in out


def test_a_scenario_too_large_to_run_is_refused_before_running(wgsim, tmp_path):
    rates = "".join(f"      {t}: {{rate_per_week: 5}}\n" for t in ("HUM", "EXCH", "INFRA"))
    f = tmp_path / "huge.yaml"
    f.write_text(
        "scenario:\n  calendar: {start: 2018-01-01, end: 2037-12-28}\n"
        f"  proposals:\n    types:\n{rates}"
    )
    for args in (
        ["run", f, "--out", tmp_path / "r"],
        ["compare", f, "-n", "2", "--out", tmp_path / "c"],
    ):
        t0 = time.perf_counter()
        code, out = wgsim(*args)
        assert time.perf_counter() - t0 < 20
        assert code == 2 and "would create about" in out and "proposals.types" in out, out
        assert "Traceback" not in out
    assert not (tmp_path / "c" / "runs.parquet").exists()


def test_the_size_estimate_bounds_what_runs_create():
    from sim.runs.runner import expected_proposals, run
    from sim.scenario.loader import load_file

    for name in ("historical", "endogenous"):
        sf = load_file(HISTORICAL.parent / f"{name}.yaml")
        for variant, scenario in sf.variants.items():
            created = max(
                len(run(scenario, seed, series=False, events=False).proposals) for seed in range(20)
            )
            assert created <= expected_proposals(scenario) * 1.5, (name, variant, created)
