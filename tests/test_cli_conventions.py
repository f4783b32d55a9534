"""Command-line conventions: --version, completion, --quiet/--verbose, --json, stdout vs
stderr, shipped scenarios by name."""

from __future__ import annotations

import json

import pytest

import sim
from sim.runs.codebook import codebook_markdown


@pytest.fixture
def wgsim(wgsim_run, tmp_path, monkeypatch):
    """``wgsim ARGS`` in an empty folder (shipped names, default output folders)."""
    monkeypatch.chdir(tmp_path)
    return wgsim_run


def test_version_and_completion(wgsim):
    code, out, _ = wgsim("--version")
    assert code == 0 and out == f"wgsim {sim.__version__}\n"
    code, out, _ = wgsim("--help")
    assert code == 0 and "--install-completion" in out and "--quiet" in out


def test_run_a_shipped_scenario_by_name_with_json(wgsim, tmp_path):
    code, out, err = wgsim("run", "historical", "--variant", "no-group", "--seed", 2, "--json")
    assert code == 0, err
    doc = json.loads(out)  # stdout holds the JSON document and nothing else
    assert (doc["scenario"], doc["variant"], doc["seed"]) == ("historical", "no-group", 2)
    assert doc["metrics"]["wg_first_meeting_week"] is None  # no group: no meeting, null
    assert isinstance(doc["metrics"]["surprises"], int)
    assert doc["metrics"]["wg_censored"] in (True, False)
    assert (tmp_path / doc["out"] / "metrics.parquet").exists()


def test_v_is_verbose_not_variant(wgsim):
    code, _, err = wgsim("run", "historical", "-v", "no-group")
    assert code == 2 and "No such option: -v" in err
    code, out, _ = wgsim("-v", "run", "historical", "--variant", "no-group")
    assert code == 0 and "US-side surprises" in out


def test_quiet_and_verbose_exclude_each_other(wgsim):
    code, _, err = wgsim("-q", "-v", "scenarios")
    assert code == 2 and "exclude each other" in err


def test_compare_json_status_on_stderr_and_quiet(wgsim, tmp_path):
    code, out, err = wgsim("compare", "cadence", "-n", 2, "-w", 1, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["runs"] == 4 and doc["failed"] == 0 and doc["out"].endswith("compare-cadence")
    assert set(doc["means"]) == {"ad-hoc", "regular"}
    assert isinstance(doc["means"]["regular"]["surprises"], float)
    code, out, err = wgsim("compare", "cadence", "-n", 3, "-w", 1, "--json")
    assert code == 0 and "resuming: 4 of 6 runs already done" in err  # status: stderr
    assert json.loads(out)["resumed"] == 4
    code, out, err = wgsim("-q", "compare", "cadence", "-n", 4, "-w", 1)
    assert code == 0 and "resuming" not in err and "2 runs done, 6 resumed" in out


def test_an_unknown_name_lists_the_shipped_ones(wgsim):
    code, out, err = wgsim("compare", "nope", "-n", 2)
    assert code == 2 and out == ""
    assert "'nope': no such file here, and no shipped scenario" in err
    assert "historical" in err and "Traceback" not in err
    code, _, err = wgsim("experiment", "nope", "--quick")
    assert code == 2 and "shipped experiments: cadence, channels, positions, scope, sobol" in err


def test_scenarios_codebook_and_parameters_as_data(wgsim):
    code, out, _ = wgsim("scenarios", "--json")
    files = json.loads(out)["files"]
    assert {(f["kind"], f["name"]) for f in files} >= {
        ("scenario", "historical"),
        ("experiment", "sobol"),
        ("calibration", "historical"),
    }
    assert next(f for f in files if f["name"] == "cadence")["variants"] == ["ad-hoc", "regular"]
    code, out, _ = wgsim("codebook")
    assert code == 0 and out == codebook_markdown()
    code, out, _ = wgsim("parameters", "--json")
    rows = {r["path"]: r for r in json.loads(out)}
    assert rows["working_group.scope"]["high"] == 1.0 and rows["working_group.scope"]["unit"]
