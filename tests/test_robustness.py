"""The headline as a range (issue 30): the robustness study, its labels, and README.

Pure parts on hand-made cases; one tiny study end to end (two inputs, serial); the CLI's
bad-input path; and README's headline section against the committed summary that
`make run` regenerates (experiments/robustness/summary.csv).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.studies.robustness.analysis import crossing, holds, outcome_values, paired, spread
from sim.studies.robustness.labels import flip_text, label
from sim.studies.robustness.report import SUMMARY, headline
from sim.studies.robustness.spec import RobustnessError, Study, load_study
from sim.studies.robustness.study import run_robustness

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "experiments/robustness/headline.yaml"
COMMITTED = ROOT / "experiments/robustness/summary.csv"
START, END = "<!-- headline:start -->", "<!-- headline:end -->"


def _spec(tmp_path: Path, inputs: str, outcomes: str | None = None, posterior: str = "") -> Path:
    post = posterior or str(ROOT / "calibration/posterior/posterior.csv")
    outcomes = (
        outcomes
        or """
  - {name: exemptions, label: exemptions, metrics: [exemptions], claim: more, direction: up}
  - {name: friction, label: friction, metrics: [friction], claim: less, direction: down}
  - name: wide
    label: wide friction
    metrics: [friction, n_mou_challenge, n_criticism]
    claim: less wide
    direction: down
"""
    )
    f = tmp_path / "r.yaml"
    f.write_text(
        f"""
name: tiny
scenario: {ROOT / "scenarios/historical.yaml"}
treatment: historical
control: no-group
posterior: {post}
central: {{replications: 3, seed: 0}}
sobol: {{samples: 2, replications: 2, seed: 1}}
sweep: {{levels: 2, replications: 2, top: 1, seed: 2}}
inputs:{inputs}
outcomes:{outcomes}
"""
    )
    return f


TWO = """
  - {path: rok.dispute_prob, bounds: [0.1, 1.0], reason: judgement}
  - {path: un.approval_standard, bounds: [0.4, 0.9], reason: mechanisms.md §5}
"""


def test_spread_without_chance_is_the_quantiles_of_the_means():
    means = np.linspace(-1.0, 3.0, 101)
    sp = spread(means, np.zeros_like(means))
    assert sp["chance"] == 0.0
    assert sp["p05"] == pytest.approx(np.quantile(means, 0.05))
    assert sp["p95"] == pytest.approx(np.quantile(means, 0.95))


def test_spread_takes_chance_out():
    rng = np.random.default_rng(0)
    truth = rng.uniform(1.0, 2.0, 4000)  # every world's effect is positive
    noise_var = 1.0  # ... but chance of variance 1 hides it in many point means
    means = truth + rng.normal(0.0, 1.0, truth.size)
    assert holds(means, "up") < 0.95
    sp = spread(means, np.full(truth.size, noise_var))
    assert sp["chance"] == pytest.approx(1.0 / (1.0 + 1.0 / 12), abs=0.03)
    assert holds(sp["adjusted"], "up") > 0.99
    assert sp["p05"] == pytest.approx(np.quantile(truth, 0.05), abs=0.05)


def test_holds_counts_the_claimed_sign_only():
    v = np.array([1.0, -1.0, 0.0, np.nan, 2.0])
    assert holds(v, "up") == 0.5
    assert holds(v, "down") == 0.25


def test_crossing_interpolates_the_first_sign_change():
    assert crossing(np.array([0.0, 1.0, 2.0]), np.array([-1.0, 1.0, 3.0])) == 0.5
    assert crossing(np.array([0.0, 1.0]), np.array([-1.0, -0.5])) is None
    assert crossing(np.array([0.0, 1.0, 2.0]), np.array([-2.0, np.nan, 2.0])) is None


def test_labels_and_flip_text():
    sweep = pd.DataFrame(
        {"input": "rok.dispute_prob", "level": [0.1, 0.5, 0.9], "f": [-0.2, -0.1, 0.3]}
    )
    text = flip_text(sweep, "f", "down")
    assert text == "rok.dispute_prob: flips at ≈ 0.60 (holds below)"
    assert flip_text(sweep.assign(f=[1.0, 2, 3]), "f", "down").endswith("(fails throughout)")
    assert label(0.97, 0.95, ["a"], []) == ("robust", "robust")
    assert label(0.02, 0.95, ["a"], [])[0] == "reversed"
    status, text = label(0.6, 0.95, ["rok.dispute_prob", "posterior"], ["x: flips at ≈ 1"])
    assert status == "conditional"
    assert text == (
        "depends on rok.dispute_prob, the posterior (the fitted parameters); x: flips at ≈ 1"
    )


def test_outcomes_sum_metrics_and_pair_by_replication():
    from sim.studies.robustness.spec import Outcome

    runs = pd.DataFrame(
        {
            "point": [0, 0, 0, 0],
            "variant": ["g", "n", "g", "n"],
            "replication": [0, 0, 1, 1],
            "friction": [2, 3, 1, 2],
            "n_criticism": [5, 0, 4, 0],
        }
    )
    wide = Outcome(
        name="w", label="w", metrics=["friction", "n_criticism"], claim="c", direction="down"
    )
    values = outcome_values(runs, [wide])
    assert list(values["w"]) == [7, 3, 5, 2]
    assert list(paired(values, "g", "n", ["w"])["w"]) == [4, 3]


def test_the_posterior_input_maps_cumulative_weight_to_a_particle(tmp_path):
    post = tmp_path / "p.csv"
    post.write_text(
        "working_group.first_meeting_lag_weeks,us.win_set,weight\n2.6,0.4,0\n4.2,0.5,1\n7,0.6,0\n"
    )
    study: Study = load_study(_spec(tmp_path, TWO, posterior=str(post)))
    for u in (0.0, 0.3, 0.999, 1.0):
        assert study.particle(u) == {"working_group.first_meeting_lag_weeks": 4, "us.win_set": 0.5}
    row = study.sample()[0]
    values = study.overrides(row)
    assert values["rok.dispute_prob"] == row[0] and values["us.win_set"] == 0.5


def test_bad_specs_name_the_field_and_value(tmp_path):
    bad = """
  - {path: us.win_set, bounds: [0.4, 0.8], reason: set by the posterior}
  - {path: rok.dispute_prob, bounds: [0.1, 1.5], reason: beyond its schema bounds}
  - {path: rok.dispute_prob, bounds: [0.5, 0.2], reason: backwards}
"""
    with pytest.raises(RobustnessError) as exc:
        load_study(_spec(tmp_path, bad))
    assert "bounds [0.5, 0.2] must satisfy low < high" in str(exc.value)
    with pytest.raises(RobustnessError) as exc:
        load_study(_spec(tmp_path, bad.rsplit("\n  -", 1)[0] + "\n"))
    text = str(exc.value)
    assert "inputs[0] (us.win_set): the posterior sets it" in text
    assert "inputs[1] (rok.dispute_prob)" in text and "1.5" in text
    unknown = "\n  - {name: x, label: x, metrics: [nope], claim: c, direction: up}\n"
    with pytest.raises(RobustnessError, match="unknown metric 'nope'"):
        load_study(_spec(tmp_path, TWO, unknown))


def test_cli_bad_spec_is_exit_2_without_traceback(wgsim_run, tmp_path):
    code, _out, err = wgsim_run("robustness", tmp_path / "missing.yaml", "--out", tmp_path / "o")
    assert code == 2
    assert "missing.yaml" in err and "file not found" in err and "Traceback" not in err


def test_a_tiny_study_end_to_end(tmp_path):
    study = load_study(_spec(tmp_path, TWO))
    out = tmp_path / "out"
    result = run_robustness(study, out, workers=1)
    assert result.failed == 0
    for f in ("report.md", SUMMARY, "indices.csv", "points.csv", "ranges.png", "shares.png"):
        assert (out / f).is_file(), f
    assert (out / "central" / "report.md").is_file()  # compare --posterior's own report
    s = pd.read_csv(out / SUMMARY)
    assert list(s["outcome"]) == ["exemptions", "friction", "wide"]
    assert set(s["status"]) <= {"robust", "reversed", "conditional"}
    runs = pd.read_parquet(out / "central" / "runs.parquet")
    # the central numbers are compare --posterior's: same runs, same means
    g = runs[runs["variant"] == "historical"]["exemptions"].mean()
    assert s.loc[0, "treatment"] == pytest.approx(g)
    # ROK-side friction only adds: the wide definition is never below today's
    assert s.loc[2, "treatment"] >= s.loc[1, "treatment"]
    # the committed summary (README's source) has the columns the study writes
    assert list(s.columns) == list(pd.read_csv(COMMITTED).columns)
    pts = pd.read_csv(out / "points.csv")
    assert len(pts) == 2 * (2 + 1 + 2)  # Saltelli: N (D + 2) with D = 2 inputs + posterior
    assert "## Inputs and their ranges" in (out / "report.md").read_text()
    # a second call resumes (nothing reruns) and writes the same summary
    again = run_robustness(study, out, workers=1)
    pd.testing.assert_frame_equal(again.summary, result.summary)
    # another spec in the same folder is refused rather than mixed
    other = load_study(_spec(tmp_path, TWO.replace("0.1, 1.0", "0.2, 1.0")))
    with pytest.raises(Exception, match="another robustness spec"):
        run_robustness(other, out, workers=1)


def _readme_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def test_readme_headline_is_the_committed_summary():
    """README's headline numbers are those `make run` writes (it copies summary.csv)."""
    committed = pd.read_csv(COMMITTED)
    assert _readme_block() == headline(committed)
    study = load_study(SPEC)
    assert list(committed["outcome"]) == [o.name for o in study.spec.outcomes]
    assert int(committed["n_central"].iloc[0]) == study.spec.central.replications
    assert int(committed["n_reps"].iloc[0]) == study.spec.sobol.replications


def test_readme_headline_section_has_no_number_outside_the_block():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## What the model says the working group did", 1)[1].split("\n## ", 1)[0]
    outside = section.split(START)[0] + section.split(END)[1]
    outside = re.sub(r"`[^`]*`", "", outside)  # commands and paths
    outside = re.sub(r"\[[^\]]*\]\([^)]*\)", "", outside)  # links
    assert not re.findall(r"\d", outside), outside


def test_total_indices_are_corrected_for_chance():
    from SALib.sample import sobol as sobol_sample

    from sim.studies.robustness.analysis import indices, point_stats

    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0.0, 1.0], [0.0, 1.0]]}
    x = sobol_sample.sample(problem, 512, calc_second_order=False, seed=1)
    rng = np.random.default_rng(2)
    reps = 4
    # the effect depends on a only; each point's replications add chance of s.d. 1
    runs = pd.DataFrame(
        [
            {"point": i, "replication": r, "y": 3.0 * row[0] + rng.normal()}
            for i, row in enumerate(x)
            for r in range(reps)
        ]
    )
    stats = point_stats(runs, ["y"])
    sp = spread(stats["y"].to_numpy(), stats["y noise"].to_numpy())
    assert 0.25 < sp["chance"] < 0.45  # 1/4 against 9/12 from a
    table = indices(problem, stats["y"].to_numpy(), sp["chance"], 0).set_index("parameter")
    assert abs(table.loc["b", "ST"]) < 0.08  # uncorrected it would be about the chance share
    assert table.loc["a", "ST"] == pytest.approx(1.0 - sp["chance"], abs=0.12)
    assert table.loc["chance", "ST"] == sp["chance"]


def test_cli_prints_the_headline_and_writes_the_report(wgsim_run, tmp_path):
    spec = _spec(tmp_path, TWO)
    code, out, err = wgsim_run("-q", "robustness", spec, "-w", "1", "--out", tmp_path / "o")
    assert code == 0, err
    summary = pd.read_csv(tmp_path / "o" / SUMMARY)
    assert out.startswith(headline(summary))
    assert "Report:" in out and (tmp_path / "o" / "report.md").is_file()


def test_a_folder_of_another_spec_is_moved_aside_not_mixed_or_deleted(tmp_path):
    """`make run` after a new posterior: the old folder is renamed, its runs kept."""
    import datetime as dt

    from sim.studies.robustness.run import move_aside_if_stale

    out = tmp_path / "robustness"
    assert move_aside_if_stale(out, "new") is None  # nothing there yet
    (out / "sobol").mkdir(parents=True)
    (out / "sobol" / "manifest.json").write_text(json.dumps({"robustness_digest": "new"}))
    assert move_aside_if_stale(out, "new") is None and out.is_dir()  # same study: resumed
    (out / "sobol" / "manifest.json").write_text(json.dumps({"robustness_digest": "old"}))
    (out / "sobol" / "runs.parquet").write_bytes(b"the old runs")
    when = dt.datetime(2026, 12, 7, 16, 40, 5, tzinfo=dt.UTC)
    aside = move_aside_if_stale(out, "new", now=when)
    assert aside == tmp_path / "robustness.old-20261207T164005"
    assert not out.exists() and (aside / "sobol" / "runs.parquet").read_bytes() == b"the old runs"
