"""The calibration pipeline end to end (quick), resume, and calibrated scenarios."""

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from pyabc.weighted_statistics import effective_sample_size

from sim.errors import ScenarioError
from sim.scenario.loader import load_file
from sim.scenario.paths import get_value
from sim.studies.calibration.report import _stopped_early
from sim.studies.calibration.run import (
    _fit_digest,
    _sampler,
    _transition,
    calibrate,
    weighted_quantile,
)
from sim.studies.calibration.simulator import scaled_distance
from sim.studies.calibration.spec import CalibrationError, held_parameters, load_spec

SPEC = ROOT / "calibration" / "historical.yaml"


def test_scaled_distance():
    d = scaled_distance({"a": 2.0, "b": 0.5})
    x0 = {"a": 1.0, "b": 1.5}
    d.initialize(t=0, get_sample=lambda: None, x_0=x0, total_sims=0)
    # errors 2/2 and 0.5/0.5: sqrt(1 + 1); the order of the keys does not matter
    assert d({"b": 1.0, "a": 3.0}, x0, t=0) == pytest.approx((1 + 1) ** 0.5)
    assert d({"a": 1.0, "b": 1.5}, x0, t=0) == 0.0


def test_fit_digest_ignores_notes_and_the_free_parameters_scenario_values():
    """A fit's medians copied into calibrated.yaml (which the scenario reads) or a note
    updated after the run must not make its database unresumable; a prior's bound must."""
    from sim.scenario.paths import apply_overrides

    spec, scenario, episodes = load_spec(SPEC)
    digest = _fit_digest(spec, scenario, episodes, quick=False)
    noted = spec.model_copy(update={"mechanisms": {"T1": "another note"}})
    assert _fit_digest(noted, scenario, episodes, quick=False) == digest
    first = spec.parameters[0]
    moved = apply_overrides(scenario, {first.path: first.value_of(first.high)})
    assert _fit_digest(spec, moved, episodes, quick=False) == digest
    assert _fit_digest(spec, scenario, episodes, quick=True) != digest
    wider = first.model_copy(update={"high": first.high + 0.05})
    respec = spec.model_copy(update={"parameters": [wider, *spec.parameters[1:]]})
    assert _fit_digest(respec, scenario, episodes, quick=False) != digest
    other = apply_overrides(scenario, {"us.veto_slope": 0.123})  # not a free parameter
    assert _fit_digest(spec, other, episodes, quick=False) != digest


def test_weighted_quantile():
    x = [1.0, 2.0, 3.0]
    assert weighted_quantile(x, [1, 1, 1], 0.5) == pytest.approx(2.0)
    assert weighted_quantile(x, [0.0, 0.0, 1.0], 0.5) == pytest.approx(3.0)
    # unnormalised weights: midpoints of the cumulative weights 1/8, 3/8, 3/4 interpolated
    assert weighted_quantile(x, [1, 1, 2], 0.5) == pytest.approx(2 + (0.5 - 3 / 8) / (3 / 8))


def test_spec_paths_are_checked(tmp_path):
    spec, scenario, _ = load_spec(SPEC)
    assert len(spec.parameters) >= 9 and scenario.name == "historical"
    bad = yaml.safe_load(SPEC.read_text())
    bad["parameters"][0]["path"] = "us.nope"
    bad["scenario"] = str(ROOT / "scenarios" / "historical.yaml")
    bad["episodes"] = str(ROOT / "calibration" / "episodes.yaml")
    f = tmp_path / "spec.yaml"
    f.write_text(yaml.safe_dump(bad))
    with pytest.raises(ScenarioError, match=r"us\.nope"):
        load_spec(f)
    bad["parameters"][0] = {"path": "us.win_set", "low": 0.9, "high": 0.1, "target": "T4"}
    f.write_text(yaml.safe_dump(bad))
    with pytest.raises(CalibrationError, match="must be below"):
        load_spec(f)
    good = yaml.safe_load(SPEC.read_text())
    good["scenario"], good["episodes"] = bad["scenario"], bad["episodes"]
    good["mechanisms"] = {"T99": "no such target"}
    f.write_text(yaml.safe_dump(good))
    with pytest.raises(CalibrationError, match=r"mechanisms: 'T99' is not a target"):
        load_spec(f)


def test_quick_calibration_end_to_end_and_resume(tmp_path):
    out = tmp_path / "cal"
    summary = calibrate(SPEC, out, quick=True, workers=2)
    assert summary["generations"] == 2
    for name in (
        "posterior.db",
        "posterior.csv",
        "posterior_summary.csv",
        "calibrated.yaml",
        "fit_report.md",
        "targets.png",
        "marginals.png",
        "pairs.png",
        "timeline_calibrated.png",
        "timelines_predictive.png",
    ):
        assert (out / name).exists(), name
    doc = yaml.safe_load((out / "calibrated.yaml").read_text())
    for path, value in doc["parameters"].items():
        assert value["q05"] <= value["q95"], path
    report = (out / "fit_report.md").read_text()
    assert "hit rate" in report and "T8" in report and "effective sample size" in report
    spec, _, _ = load_spec(SPEC)
    for line in report.splitlines():  # every miss carries the spec's note on its mechanism
        if line.startswith("- T") and "hit rate" in line:
            target = line[2:].split(" ")[0]
            assert spec.mechanisms.get(target, "no note on the mechanism") in line
    assert 1.0 <= doc["run"]["effective_sample_size"] <= doc["run"]["population_size"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "calibration" and manifest["quick"] is True
    assert manifest["spec_path"] == str(SPEC.resolve()) and manifest["summary"] == summary
    assert manifest["versions"]["pyabc"] != "not installed" and "git_dirty" in manifest
    assert manifest["figures"] is True
    # the outputs rewritten from the finished database, without the figures this time
    again = calibrate(SPEC, out, quick=True, workers=2, figures=False)
    assert again["simulations"] == summary["simulations"], "a finished run is not redone"
    assert again["wall_seconds"] == summary["wall_seconds"] > 0, "the run's time, not this call's"
    assert manifest["generations_before_this_call"] == 0
    rewritten = json.loads((out / "manifest.json").read_text())
    assert rewritten["generations_before_this_call"] == summary["generations"]
    assert rewritten["figures"] is False
    plain = (out / "fit_report.md").read_text()
    assert "| generation | epsilon | particles simulated |" in plain
    assert "![" not in plain and "Figures not drawn (`--no-figures`)" in plain
    assert "![" in report and "Figures not drawn" not in report
    tables = [[line for line in r.splitlines() if line.startswith("|")] for r in (report, plain)]
    assert tables[0] == tables[1] and len(tables[0]) > 20  # the same tables either way
    with pytest.raises(CalibrationError, match="holds a fit of another spec"):
        calibrate(SPEC, out, quick=False, workers=2)  # another budget: refused before running

    # a scenario file can use the calibrated medians
    scen = tmp_path / "s.yaml"
    shutil.copy(out / "calibrated.yaml", tmp_path / "calibrated.yaml")
    scen.write_text(
        f"extends: {os.path.relpath(ROOT / 'scenarios' / 'historical.yaml', tmp_path)}\n"
        "calibrated: calibrated.yaml\n"
    )
    s = load_file(scen).variant(None)
    median = doc["parameters"]["us.nsc_passthrough"]["median"]
    assert s.us.nsc_passthrough == pytest.approx(median)


def test_calibrated_key_errors(tmp_path):
    scen = tmp_path / "s.yaml"
    scen.write_text("calibrated: nothing.yaml\n")
    with pytest.raises(ScenarioError, match="file not found"):
        load_file(scen)
    (tmp_path / "c.yaml").write_text("parameters: {us.nope: {median: 1}}\n")
    scen.write_text("calibrated: c.yaml\n")
    with pytest.raises(ScenarioError, match=r"us\.nope"):
        load_file(scen)


def test_posterior_draws_feed_comparisons(tmp_path, historical):
    import pandas as pd

    from sim.studies.calibration.posterior import PosteriorError, draw_overrides
    from sim.studies.comparison.run import compare_jobs, run_compare

    post = tmp_path / "posterior.csv"
    pd.DataFrame(
        {
            "us.nsc_passthrough": [0.2, 0.8],
            "working_group.first_meeting_lag_weeks": [2.4, 4.6],
            "weight": [0.5, 0.5],
        }
    ).to_csv(post, index=False)
    draws = draw_overrides(pd.read_csv(post), historical.variant(None), 40, seed=1)
    assert {d["us.nsc_passthrough"] for d in draws} == {0.2, 0.8}
    assert {d["working_group.first_meeting_lag_weeks"] for d in draws} == {2, 5}
    jobs, scenarios, _ = compare_jobs(historical, 6, 1, post)
    by_rep = {}
    for j in jobs:
        by_rep.setdefault(j.keys["replication"], set()).add(
            scenarios[j.scenario].us.nsc_passthrough
        )
    assert all(len(v) == 1 for v in by_rep.values()), "variants share a replication's draw"
    assert len(set().union(*by_rep.values())) == 2
    out = tmp_path / "cmp"
    result = run_compare(
        historical.path, replications=3, out=out, workers=1, posterior=post, report=True
    )
    assert result.outcome.ok == 6
    assert f"drawn by weight from the posterior `{post}`" in (out / "report.md").read_text()
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"us.nope": [1.0], "weight": [1.0]}).to_csv(bad, index=False)
    with pytest.raises(PosteriorError, match="not a scenario field"):
        draw_overrides(pd.read_csv(bad), historical.variant(None), 2, seed=1)


def test_independent_kernels_keep_weights_even_on_a_flat_posterior():
    """Why the shipped spec uses `independent`: with many weakly identified parameters
    (a posterior close to the uniform prior) a joint kernel's importance weights collapse;
    a product of one-dimensional kernels keeps them even."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(1)
    keys = [f"p{i}" for i in range(12)]
    population = pd.DataFrame(rng.uniform(0.0, 1.0, (200, len(keys))), columns=keys)
    ess = {}
    for kind in ("multivariate_normal", "independent"):
        np.random.seed(2)  # noqa: NPY002  (pyabc draws from numpy's global generator)
        kernel = _transition(kind, dict.fromkeys(keys, (0.0, 1.0)))
        kernel.fit(population, np.full(200, 1 / 200))
        draws = kernel.rvs(3000)
        draws = draws[((draws >= 0.0) & (draws <= 1.0)).all(axis=1)]  # inside the prior
        weights = 1.0 / np.asarray(kernel.pdf(draws))  # uniform prior / proposal
        ess[kind] = effective_sample_size(weights) / len(draws)
    assert ess["independent"] > 3 * ess["multivariate_normal"], ess
    with pytest.raises(CalibrationError, match="allowed: multivariate_normal"):
        _transition("gaussian", dict.fromkeys(keys, (0.0, 1.0)))


def _spec_with_quick(tmp_path: Path, quick: dict) -> Path:
    """A copy of the shipped spec, its paths made absolute, with another `quick` budget."""
    doc = yaml.safe_load(SPEC.read_text())
    doc["scenario"] = str(ROOT / "scenarios" / "historical.yaml")
    doc["episodes"] = str(ROOT / "calibration" / "episodes.yaml")
    doc["quick"] = quick
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(doc))
    return spec


def test_the_last_generation_draws_from_widened_kernels(tmp_path, monkeypatch):
    """`final_kernel_scaling` widens the kernels of the last generation only, and a call
    on the finished database draws nothing more."""
    import sim.studies.calibration.run as run_module

    quick = {
        "population_size": 5,
        "generations": 3,
        "seeds_per_particle": 1,
        "transition": "independent",
        "predictive_draws": 2,
        "final_kernel_scaling": 6.0,
    }
    spec = _spec_with_quick(tmp_path, quick)
    made: list[float] = []
    original = run_module._transition

    def recording(kind, bounds, scaling=1.0):
        made.append(scaling)
        return original(kind, bounds, scaling)

    monkeypatch.setattr(run_module, "_transition", recording)
    out = tmp_path / "cal"
    summary = calibrate(spec, out, quick=True, workers=1, figures=False)
    assert summary["generations"] == 3 and made == [1.0, 6.0]
    made.clear()
    again = calibrate(spec, out, quick=True, workers=1, figures=False)  # finished: no draws
    assert again["simulations"] == summary["simulations"] and made == [1.0]


def test_simulation_budget_stops_the_run_and_a_resume_respects_it(tmp_path):
    quick = {
        "population_size": 6,
        "generations": 4,
        "seeds_per_particle": 1,
        "max_simulations": 1,
        "predictive_draws": 2,
    }
    spec = _spec_with_quick(tmp_path, quick)
    first = calibrate(spec, tmp_path / "cal", quick=True, workers=1, figures=False)
    assert first["generations"] == 1, "stopped after the generation that spent the budget"
    again = calibrate(spec, tmp_path / "cal", quick=True, workers=1, figures=False)
    assert again["generations"] == 1 and again["simulations"] == first["simulations"]


def test_progress_bar_is_shown_only_when_asked():
    assert _sampler(2, None, progress=True).show_progress is True
    assert _sampler(2, None).show_progress is False


def test_a_file_that_is_not_a_fit_database_is_refused(tmp_path):
    out = tmp_path / "cal"
    out.mkdir()
    (out / "posterior.db").write_bytes(b"not a database")
    with pytest.raises(CalibrationError, match="cannot be resumed"):
        calibrate(SPEC, out, quick=True, workers=1)


def test_a_bad_period_is_refused_with_file_and_field(tmp_path):
    doc = yaml.safe_load((ROOT / "calibration" / "historical-2018-19.yaml").read_text())
    doc["scenario"] = str(ROOT / "scenarios" / "historical.yaml")
    doc["episodes"] = str(ROOT / "calibration" / "episodes.yaml")
    doc["period"] = {"start": "2020-01-01", "end": "2019-12-31"}
    f = tmp_path / "spec.yaml"
    f.write_text(yaml.safe_dump(doc))
    with pytest.raises(CalibrationError, match=r"spec\.yaml.*\n.*period.*must be before"):
        load_spec(f)


def test_a_fit_of_fewer_parameters_records_the_values_it_held(tmp_path):
    """The 2018-19 fit frees 11 of the scenario's calibrated parameters; its calibrated.yaml
    also carries the other 12 at the values the fit held, so a scenario that reads it is
    the fitted scenario at the medians, not the scenario with those 12 back at defaults."""
    period = ROOT / "calibration" / "historical-2018-19.yaml"
    spec, scenario, _ = load_spec(period)
    held = held_parameters(period, spec, scenario)
    shipped = yaml.safe_load((ROOT / "calibration" / "calibrated.yaml").read_text())
    free = {p.path for p in spec.parameters}
    assert set(held) == set(shipped["parameters"]) - free and len(held) == 12
    doc = {
        "parameters": {
            p: {"median": p_mid}
            for p, p_mid in ((p.path, (p.low + p.high) / 2) for p in spec.parameters)
        }
    }
    doc["parameters"].update({k: {"median": v, "held": True} for k, v in held.items()})
    (tmp_path / "calibrated.yaml").write_text(yaml.safe_dump(doc))
    scen = tmp_path / "s.yaml"
    scen.write_text(
        f"extends: {os.path.relpath(ROOT / 'scenarios' / 'historical.yaml', tmp_path)}\n"
        "calibrated: calibrated.yaml\n"
    )
    s = load_file(scen).variant(None)
    for path in held:
        assert get_value(s, path) == pytest.approx(get_value(scenario, path)), path
    assert s.us.win_set == pytest.approx(0.6)  # a free parameter takes its median


def test_report_only_says_when_a_fit_stopped_before_its_budget(tmp_path, wgsim_run):
    base = {"simulations": 900, "budget_simulations": 150_000, "generations": 9}
    early = _stopped_early({**base, "budget_generations": 13})
    assert early and "9 of the spec's 13 generations" in early[0]
    assert _stopped_early({**base, "budget_generations": 9}) == []  # ran its budget
    capped = {**base, "simulations": 150_000, "budget_generations": 13}
    assert _stopped_early(capped) == []  # stopped by the cap, as budgeted
    # nothing to report on: exit 2, a message naming the database, nothing written
    out = tmp_path / "none"
    code, _, err = wgsim_run("calibrate", "historical-2018-19", "--report-only", "--out", out)
    assert code == 2 and "posterior.db does not exist" in " ".join(err.split())
    assert "Traceback" not in err and not out.exists()
