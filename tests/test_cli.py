"""The command line end to end: validate, schema, run, compare, and every kind of bad input.

Most cases call ``sim.cli.main`` in this process (with ``sys.argv`` set), which is what the
``wgsim`` console script runs; two cases run the installed script itself in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
WGSIM = Path(sys.executable).parent / "wgsim"
OUTPUTS = (
    "events.parquet",
    "series.parquet",
    "proposals.parquet",
    "metrics.parquet",
    "timeline.png",
    "manifest.json",
)
EVENT_COLUMNS = ["week", "date", "kind", "actor", "proposal_id", "proposal_type", "route", "detail"]


@pytest.fixture
def wgsim(wgsim_run):
    """Run ``wgsim ARGS`` in this process; returns (exit code, stdout, stderr)."""
    return wgsim_run


def test_validate_every_scenario_file(wgsim):
    files = sorted(SCENARIOS.glob("*.yaml"))
    code, out, err = wgsim("validate", *files)
    assert code == 0, err
    assert out.count("ok ") == len(files)
    assert "variants historical, no-group" in out and "variants ad-hoc, regular" in out


def test_schema_prints_json_schema(wgsim):
    code, out, _ = wgsim("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "wgsim scenario file"
    assert "working_group" in schema["properties"]["scenario"]["properties"]


def test_run_writes_every_output(wgsim, tmp_path):
    out = tmp_path / "r"
    code, stdout, err = wgsim(
        "run", SCENARIOS / "historical.yaml", "--variant", "no-group", "--seed", 4, "--out", out
    )
    assert code == 0, err
    assert "US-side surprises" in stdout and str(out) in stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == EVENT_COLUMNS
    assert len(events) > 0 and events["week"].is_monotonic_increasing
    assert (
        events["date"]
        == pd.Timestamp("2018-06-11") + pd.to_timedelta((events["week"] - 1) * 7, unit="D")
    ).all()
    series = pd.read_parquet(out / "series.parquet")
    assert len(series) == 186 and series["week"].tolist() == list(range(1, 187))
    proposals = pd.read_parquet(out / "proposals.parquet")
    assert len(proposals) == (events["kind"] == "created").sum()
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert len(metrics) == 1
    row = metrics.iloc[0]
    assert (row["scenario"], row["variant"], row["seed"]) == ("historical", "no-group", 4)
    assert row["n_wg_meeting"] == 0 and row["surprises"] == (events["kind"] == "surprise").sum()
    assert (out / "timeline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 4 and manifest["variant"] == "no-group"
    assert manifest["scenario_file"] == str(SCENARIOS / "historical.yaml")
    assert {"versions", "git_commit", "scenario_digest", "scenario_text"} <= set(manifest)
    assert manifest["versions"]["mesa"] == "3.5.1"


def test_run_is_reproducible_and_defaults_to_the_baseline(wgsim, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert wgsim("run", SCENARIOS / "historical.yaml", "--seed", 9, "--out", a)[0] == 0
    assert wgsim("run", SCENARIOS / "historical.yaml", "-s", 9, "-o", b)[0] == 0
    for name in ("events.parquet", "series.parquet", "proposals.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name))
    assert pd.read_parquet(a / "metrics.parquet").loc[0, "variant"] == "historical"


def test_run_summary_says_survives_or_no_group_instead_of_minus_one(wgsim, tmp_path):
    lasting = tmp_path / "lasting.yaml"
    lasting.write_text(
        f"extends: {os.path.relpath(SCENARIOS / 'historical.yaml', tmp_path)}\n"
        "scenario: {working_group: {can_terminate: false}}\n"
    )
    code, out, err = wgsim("run", lasting, "-s", 2, "-o", tmp_path / "g")
    assert code == 0, err
    assert pd.read_parquet(tmp_path / "g" / "metrics.parquet").loc[0, "n_wg_meeting"] > 0
    line = next(x for x in out.splitlines() if "WG terminated" in x)
    assert "survives" in line and "-1" not in line
    code, out, err = wgsim(
        "run", SCENARIOS / "historical.yaml", "--variant", "no-group", "-s", 2, "-o", tmp_path / "n"
    )
    assert code == 0, err
    line = next(x for x in out.splitlines() if "WG terminated" in x)
    assert "–" in line and "-1" not in line and "survives" not in line


BAD = {
    "unknown key": ("scenario: {us: {win_sett: 0.5}}", ["us.win_sett", "0.5", "unknown field"]),
    "wrong type": ("scenario: {us: {win_set: lots}}", ["us.win_set", "'lots'"]),
    "out of range": (
        "scenario: {dprk: {respond_prob: 2}}",
        ["dprk.respond_prob", "(got 2)", "less than or equal to 1"],
    ),
    "malformed yaml": ("scenario: {us: [\n", ["malformed YAML", "line"]),
    "cross-field": (
        "scenario: {legitimacy: {termination_threshold: 0.9}}",
        ["legitimacy", "termination_threshold (0.9)", "reform_threshold"],
    ),
    "bad variant": (
        "variants: {a: {overrides: {working_group: {cadence: weekly}}}}",
        ["variant 'a'", "working_group.cadence", "'weekly'"],
    ),
}


def _one_clear_message(code, out, err, needles, path):
    text = out + err
    assert code == 2, text
    assert "Traceback" not in text
    assert err.count("error:") == 1 and out == ""
    assert str(path) in err
    for needle in needles:
        assert needle in err, needle


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_input_exits_2_with_one_clear_message_and_writes_nothing(
    wgsim, tmp_path, case, command
):
    text, needles = BAD[case]
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    out = tmp_path / "out"
    args = [command, f] + (["--out", out] if command == "run" else [])
    _one_clear_message(*wgsim(*args), needles, f)
    assert sorted(tmp_path.iterdir()) == [f], "nothing is written on bad input"


def test_unknown_variant_exits_2(wgsim, tmp_path):
    out = tmp_path / "o"
    f = SCENARIOS / "historical.yaml"
    res = wgsim("run", f, "--variant", "nope", "--out", out)
    _one_clear_message(*res, ["unknown variant 'nope'", "available: historical, no-group"], f)
    assert not out.exists()


def test_missing_file_exits_2(wgsim, tmp_path):
    missing = tmp_path / "missing.yaml"
    _one_clear_message(*wgsim("validate", missing), ["file not found"], missing)
    _one_clear_message(*wgsim("run", missing, "--out", tmp_path / "o"), ["file not found"], missing)
    assert list(tmp_path.iterdir()) == []


def test_the_installed_script_end_to_end(tmp_path):
    """The real console script: exit code 0 on good files, 2 and no traceback on bad input."""
    assert WGSIM.exists(), WGSIM
    ok = subprocess.run(
        [WGSIM, "validate", SCENARIOS / "cadence.yaml"], capture_output=True, text=True, timeout=300
    )
    assert ok.returncode == 0, ok.stderr
    assert "variants ad-hoc, regular" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: {us: {win_set: 7}}\n")
    res = subprocess.run(
        [WGSIM, "run", bad, "-o", tmp_path / "never"], capture_output=True, text=True, timeout=300
    )
    _one_clear_message(res.returncode, res.stdout, res.stderr, ["us.win_set", "(got 7)"], bad)
    assert not (tmp_path / "never").exists()


def test_help_lists_the_commands(wgsim):
    code, out, _ = wgsim("--help")
    assert code == 0
    for command in ("validate", "schema", "run", "compare"):
        assert command in out


def test_compare_small_batch_and_resume(wgsim, tmp_path):
    out = tmp_path / "cmp"
    f = SCENARIOS / "historical.yaml"
    code, stdout, err = wgsim("compare", f, "-n", 3, "--workers", 1, "--out", out)
    assert code == 0, err
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 6 and set(runs["variant"]) == {"historical", "no-group"}
    assert (out / "report.md").exists() and (out / "manifest.json").exists()
    code, stdout, err = wgsim("compare", f, "-n", 3, "--workers", 1, "--out", out)
    assert code == 0, err
    assert "6 resumed" in stdout
    assert len(pd.read_parquet(out / "runs.parquet")) == 6
    code, _, err = wgsim("compare", SCENARIOS / "cadence.yaml", "-n", 3, "--out", out)
    assert code == 2 and "choose another --out" in err and "Traceback" not in err


def test_readme_commands_exist():
    text = (ROOT / "README.md").read_text()
    assert "make run" in text and "make test" in text
    assert "make test" in (ROOT / ".ci" / "run").read_text()
