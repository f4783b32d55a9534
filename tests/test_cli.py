"""The command line end to end, as a user runs it."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS

WGSIM = [sys.executable, "-m", "sim.cli"]


def wgsim(*args, cwd=None):
    return subprocess.run(
        [*WGSIM, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_validate_lists_variants():
    res = wgsim("validate", *sorted(SCENARIOS.glob("*.yaml")))
    assert res.returncode == 0, res.stderr
    assert "historical, no-group" in res.stdout


def test_schema_is_json():
    res = wgsim("schema")
    assert res.returncode == 0
    assert json.loads(res.stdout)["title"] == "wgsim scenario file"


def test_run_writes_outputs(tmp_path):
    out = tmp_path / "r"
    res = wgsim(
        "run", SCENARIOS / "historical.yaml", "--variant", "no-group", "--seed", 4, "--out", out
    )
    assert res.returncode == 0, res.stderr
    assert "US-side surprises" in res.stdout
    for name in (
        "events.parquet",
        "series.parquet",
        "proposals.parquet",
        "metrics.parquet",
        "timeline.png",
        "manifest.json",
    ):
        assert (out / name).exists(), name
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == [
        "week",
        "date",
        "kind",
        "actor",
        "proposal_id",
        "proposal_type",
        "route",
        "detail",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 4 and manifest["variant"] == "no-group"
    assert "versions" in manifest and "git_commit" in manifest
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert metrics.loc[0, "n_wg_meeting"] == 0


BAD = {
    "unknown key": ("scenario: {us: {win_sett: 0.5}}", "us.win_sett"),
    "wrong type": ("scenario: {us: {win_set: lots}}", "'lots'"),
    "out of range": ("scenario: {dprk: {respond_prob: 2}}", "dprk.respond_prob"),
    "malformed": ("scenario: {us: [\n", "malformed YAML"),
    "cross-field": ("scenario: {legitimacy: {termination_threshold: 0.9}}", "reform_threshold"),
}


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_input_exits_2_with_one_clear_message(tmp_path, case, command):
    text, needle = BAD[case]
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    out = tmp_path / "out"
    args = [command, f] + (["--out", out] if command == "run" else [])
    res = wgsim(*args)
    assert res.returncode == 2
    assert needle in res.stderr and str(f) in res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    assert not out.exists(), "nothing runs on bad input"


def test_unknown_variant_and_missing_file(tmp_path):
    res = wgsim("run", SCENARIOS / "historical.yaml", "--variant", "nope", "--out", tmp_path / "o")
    assert res.returncode == 2 and "unknown variant 'nope'" in res.stderr
    assert not (tmp_path / "o").exists()
    res = wgsim("validate", tmp_path / "missing.yaml")
    assert res.returncode == 2 and "file not found" in res.stderr
    assert "Traceback" not in res.stderr


def test_help_lists_commands():
    res = wgsim("--help")
    assert res.returncode == 0
    for command in ("validate", "schema", "run", "compare", "experiment"):
        assert command in res.stdout


def test_compare_small_batch_end_to_end(tmp_path):
    out = tmp_path / "cmp"
    res = wgsim("compare", SCENARIOS / "historical.yaml", "-n", 6, "--workers", 2, "--out", out)
    assert res.returncode == 0, res.stderr
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 12
    assert set(runs["variant"]) == {"historical", "no-group"}
    assert (out / "report.md").exists() and (out / "survival.png").exists()
    again = wgsim("compare", SCENARIOS / "historical.yaml", "-n", 6, "--out", out)
    assert again.returncode == 0
    assert "12 resumed" in again.stdout
    assert len(pd.read_parquet(out / "runs.parquet")) == 12


def test_root_readme_commands_exist():
    text = (ROOT / "README.md").read_text()
    assert "make run" in text and "make test" in text
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_compare_refuses_a_folder_of_another_scenario(tmp_path):
    out = tmp_path / "cmp"
    assert (
        wgsim(
            "compare", SCENARIOS / "historical.yaml", "-n", 2, "--workers", 1, "--out", out
        ).returncode
        == 0
    )
    res = wgsim("compare", SCENARIOS / "cadence.yaml", "-n", 2, "--out", out)
    assert res.returncode == 2 and "choose another --out" in res.stderr
