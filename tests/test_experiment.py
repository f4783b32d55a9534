from pathlib import Path

import pytest

from sim.studies.experiments.run import run_experiment
from sim.studies.experiments.spec import ExperimentError, load_experiment

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = sorted((ROOT / "experiments").glob("*.yaml"))


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_shipped_experiments_load(path):
    exp = load_experiment(path)
    assert exp.points
    quick = load_experiment(path, quick=True)
    assert quick.spec.replications <= exp.spec.replications
    assert len(quick.points) <= len(exp.points)


def test_grid_is_cartesian(tmp_path):
    f = tmp_path / "e.yaml"
    f.write_text(
        f"""
name: g
scenario: {ROOT / "scenarios/historical.yaml"}
treatment: historical
control: no-group
design:
  kind: grid
  parameters:
    - {{path: working_group.scope, values: [0.1, 0.9]}}
    - {{path: us.win_set, values: [0.4, 0.5, 0.6]}}
outcomes: [{{metric: friction}}]
"""
    )
    exp = load_experiment(f)
    assert len(exp.points) == 6
    assert exp.points[0].values == {"working_group.scope": 0.1, "us.win_set": 0.4}


def test_sobol_points_respect_bounds_and_integers(tmp_path):
    f = tmp_path / "e.yaml"
    f.write_text(
        f"""
name: s
scenario: {ROOT / "scenarios/historical.yaml"}
treatment: historical
control: no-group
design:
  kind: sobol
  samples: 4
  parameters:
    - {{path: working_group.regular_interval_weeks, bounds: [1, 8], integer: true}}
    - {{path: us.win_set, bounds: [0.4, 0.8]}}
outcomes: [{{metric: friction}}]
"""
    )
    exp = load_experiment(f)
    assert len(exp.points) == 4 * (2 + 2)
    for pt in exp.points:
        assert isinstance(pt.values["working_group.regular_interval_weeks"], int)
        assert 0.4 <= pt.values["us.win_set"] <= 0.8


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("design: {kind: grid, parameters: [{path: us.nope, values: [1]}]}", "us.nope"),
        ("design: {kind: grid, parameters: [{path: us.win_set, values: [7]}]}", "us.win_set"),
        ("design: {kind: sobol, parameters: [{path: us.win_set}]}", "needs 'bounds'"),
        ("design: {kind: points, points: []}", "non-empty"),
        ("design: {kind: points, points: [{}]}\nzap: 1", "zap"),
    ],
)
def test_bad_experiments_name_the_problem(tmp_path, body, needle):
    f = tmp_path / "bad.yaml"
    f.write_text(
        f"name: b\nscenario: {ROOT / 'scenarios/historical.yaml'}\ntreatment: historical\n"
        f"control: no-group\noutcomes: [{{metric: friction}}]\n{body}\n"
    )
    with pytest.raises(ExperimentError) as info:
        load_experiment(f)
    assert needle in str(info.value)
    assert str(f) in str(info.value)


def test_unknown_outcome_and_variant(tmp_path):
    f = tmp_path / "bad.yaml"
    base = f"name: b\nscenario: {ROOT / 'scenarios/historical.yaml'}\ncontrol: no-group\n"
    base += "design: {kind: points, points: [{}]}\n"
    f.write_text(base + "treatment: historical\noutcomes: [{metric: happiness}]\n")
    with pytest.raises(ExperimentError, match="happiness"):
        load_experiment(f)
    f.write_text(base + "treatment: nope\noutcomes: [{metric: friction}]\n")
    with pytest.raises(ExperimentError, match="unknown variant 'nope'"):
        load_experiment(f)


def test_quick_experiments_run_end_to_end_and_resume(tmp_path):
    for name, index_file in (
        ("scope", None),
        ("sobol", "sobol_friction.csv"),
        ("positions", "morris_friction.csv"),
    ):
        exp = load_experiment(ROOT / "experiments" / f"{name}.yaml", quick=True)
        out = tmp_path / name
        outcome, report = run_experiment(exp, out, workers=1)
        n_runs = len(exp.points) * 2 * exp.spec.replications
        assert outcome.ok == n_runs and outcome.failed == 0
        text = report.read_text()
        assert f"= {n_runs} runs" in text
        if index_file:
            assert (out / index_file).exists()
            assert "tornado" in text
        else:
            assert (out / "sweep_friction.png").exists()
    again, _ = run_experiment(exp, out, workers=1)
    assert again.skipped == n_runs and again.ok == 0


def test_outputs_carry_each_point_s_parameter_values_and_the_scenario_text(tmp_path):
    import json

    import pandas as pd

    f = tmp_path / "e.yaml"
    f.write_text(
        f"""
name: v
scenario: {ROOT / "scenarios/historical.yaml"}
treatment: historical
control: no-group
replications: 2
design:
  kind: grid
  parameters:
    - {{path: working_group.scope, values: [0.1, 0.9]}}
outcomes: [{{metric: friction}}]
"""
    )
    exp = load_experiment(f)
    out = tmp_path / "out"
    run_experiment(exp, out, workers=1)
    points = pd.read_csv(out / "points.csv")
    assert list(points.columns[:3]) == ["point", "label", "working_group.scope"]
    assert sorted(points["working_group.scope"]) == [0.1, 0.9]
    # the join docs/experiments.md gives: every run gets its point's values
    runs = pd.read_parquet(out / "runs.parquet").merge(
        points[["point", "working_group.scope"]], on="point"
    )
    assert len(runs) == 2 * 2 * 2 and runs["working_group.scope"].notna().all()
    manifest = json.loads((out / "manifest.json").read_text())
    # the scenario file, then (after ---) the calibrated values it reads
    assert manifest["scenario_text"].startswith((ROOT / "scenarios/historical.yaml").read_text())
