"""Parameter recovery: the verdict on hand-made tables, the command, resume, bad specs."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

from sim.studies.calibration.recovery_report import summary_table
from sim.studies.calibration.recovery_stats import (
    IDENTIFIED,
    NOT_IDENTIFIED,
    Prior,
    parameter_summary,
    recover,
    scaled_distances,
)
from sim.studies.calibration.simulator import scaled_distance

SPEC = ROOT / "calibration" / "historical-2018-19.yaml"


def _tables(n_ref: int, n_truths: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Statistic s reads parameter a with noise 0.05; statistic t is noise, blind to b."""
    rng = np.random.default_rng(seed)

    def table(n: int) -> pd.DataFrame:
        a, b = rng.random(n), rng.random(n)
        return pd.DataFrame({"a": a, "b": b, "s": a + rng.normal(0, 0.05, n), "t": rng.random(n)})

    return table(n_ref), table(n_truths)


def test_a_parameter_the_statistics_read_is_identified_and_one_they_ignore_is_not():
    reference, truths = _tables(10_000, 300, seed=1)
    priors = [Prior("a", 0.0, 1.0), Prior("b", 0.0, 1.0)]
    table = recover(reference, truths, ["a", "b"], priors, {"s": 1 / 0.05, "t": 1.0}, k=50)
    summary = parameter_summary(table, priors, min_shrinkage=0.3, coverage_tolerance=0.1)
    a, b = summary.set_index("path").loc["a"], summary.set_index("path").loc["b"]
    assert a["verdict"] == IDENTIFIED
    assert a["mean_shrinkage"] > 0.9  # posterior sd ~0.05 against a prior sd of 0.29
    assert abs(a["coverage90"] - 0.9) < 0.06 and abs(a["coverage50"] - 0.5) < 0.1
    assert a["correlation"] > 0.95
    assert b["verdict"] == NOT_IDENTIFIED
    assert abs(b["mean_shrinkage"]) < 0.1
    assert "shrinkage" in b["why"]
    # ranks lie in 0..k and the truth x parameter table has one row per pair
    assert table["rank"].between(0, 50).all() and len(table) == 600


def test_intervals_that_miss_the_truth_make_a_parameter_not_identified():
    """A posterior that is narrow but off (here: a statistic with a bias) fails on coverage."""
    reference, truths = _tables(10_000, 200, seed=2)
    truths["s"] += 0.2  # the records read a 0.2 too high
    priors = [Prior("a", 0.0, 1.0)]
    table = recover(reference, truths, ["a"], priors, {"s": 20.0}, k=100)
    row = parameter_summary(table, priors, 0.3, 0.1).iloc[0]
    assert row["mean_shrinkage"] > 0.9
    assert row["coverage90"] < 0.5
    assert row["verdict"] == NOT_IDENTIFIED and "coverage" in row["why"]


def test_the_distance_is_the_fits():
    tol = {"x": 2.0, "y": 0.5, "z": 3.0}
    d = scaled_distance(tol)
    x0 = {"x": 1.0, "y": 1.5, "z": -2.0}
    d.initialize(t=0, get_sample=lambda: None, x_0=x0, total_sims=0)
    rows = np.random.default_rng(3).normal(size=(5, 3))
    ours = scaled_distances(
        rows, np.array(list(x0.values())), np.array([1 / v for v in tol.values()])
    )
    theirs = [d(dict(zip(tol, r, strict=True)), x0, t=0) for r in rows]
    assert ours == pytest.approx(theirs)


def _spec(tmp_path: Path, **recovery) -> Path:
    """The shipped spec with tiny recovery sizes (files it names by absolute path)."""
    doc = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    doc["scenario"] = str((SPEC.parent / doc["scenario"]).resolve())
    doc["episodes"] = str((SPEC.parent / doc["episodes"]).resolve())
    doc["recovery"]["quick"] = {"reference_size": 30, "truths": 4, "accepted": 0.2, "chunk_rows": 8}
    doc["recovery"].update(recovery)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_quick_run_and_its_resume_in_processes_give_the_same_outputs(tmp_path, wgsim_run):
    spec = _spec(tmp_path)
    out = tmp_path / "rec"
    code, stdout, err = wgsim_run("-q", "recovery", spec, "--quick", "--out", out, "-w", "1")
    assert code == 0, err
    assert "parameters identified" in stdout
    summary = pd.read_csv(out / "recovery_summary.csv")
    assert len(summary) == 11 and set(summary["verdict"]) <= {IDENTIFIED, NOT_IDENTIFIED}
    table = pd.read_csv(out / "recovery.csv")
    assert len(table) == 4 * 11 and table["rank"].between(0, 6).all()  # k = 0.2 * 30
    for name in ("recovery_report.md", "recovery_ranks.png", "recovery_truth_vs_median.png"):
        assert (out / name).stat().st_size > 0
    parts = sorted((out / "reference").glob("*.parquet"))
    assert [p.name for p in parts][-1] == "part-00003-n6.parquet"  # 8 + 8 + 8 + 6 rows
    before = (out / "recovery.csv").read_bytes()
    frames = {p.name: pd.read_parquet(p) for p in parts}
    for part in parts[1:]:
        part.unlink()
    # resumed in two worker processes: the same chunks, the same outputs
    code, stdout, _ = wgsim_run("-q", "recovery", spec, "--quick", "--out", out, "-w", "2")
    assert code == 0 and "3 chunks simulated, 3 resumed" in stdout
    assert (out / "recovery.csv").read_bytes() == before
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(pd.read_parquet(out / "reference" / name), frame)
    # another spec (a prior's bound moved) refuses the folder
    doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    doc["parameters"][0]["high"] = 0.8
    moved = tmp_path / "moved.yaml"
    moved.write_text(yaml.safe_dump(doc), encoding="utf-8")
    code, _, err = wgsim_run("recovery", moved, "--quick", "--out", out)
    assert code == 2 and "another spec" in err


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"accepted": 2}, r"recovery\.accepted.*2"),
        ({"reference_size": 3}, r"recovery\.reference_size.*3"),
        ({"min_shrinkage": -0.5}, r"recovery\.min_shrinkage.*-0\.5"),
        ({"reference_sise": 100}, r"recovery\.reference_sise"),
    ],
)
def test_bad_recovery_fields_exit_2_naming_file_field_and_value(tmp_path, wgsim_run, change, named):
    spec = _spec(tmp_path, **change)
    out = tmp_path / "never"
    code, _, err = wgsim_run("recovery", spec, "--quick", "--out", out)
    assert code == 2
    assert "spec.yaml" in err and re.search(named, err, re.S), err
    assert "Traceback" not in err and not out.exists()


def test_a_spec_without_a_recovery_block_exits_2(tmp_path, wgsim_run):
    doc = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    del doc["recovery"]
    doc["scenario"] = str((SPEC.parent / doc["scenario"]).resolve())
    doc["episodes"] = str((SPEC.parent / doc["episodes"]).resolve())
    spec = tmp_path / "bare.yaml"
    spec.write_text(yaml.safe_dump(doc), encoding="utf-8")
    code, _, err = wgsim_run("recovery", spec, "--quick", "--out", tmp_path / "never")
    assert code == 2 and "recovery: missing" in err


def test_the_recovery_block_leaves_the_fits_digest_alone():
    """Adding or changing a recovery study must not make a finished fit unresumable."""
    from sim.studies.calibration.run import _fit_digest
    from sim.studies.calibration.spec import load_spec

    spec, scenario, episodes = load_spec(SPEC)
    assert spec.recovery is not None
    bare = spec.model_copy(update={"recovery": None})
    assert _fit_digest(spec, scenario, episodes, False) == _fit_digest(
        bare, scenario, episodes, False
    )


def test_chunks_on_dask_are_the_chunks_simulated_here(tmp_path):
    from sim.runs.executors import chunk_results
    from sim.studies.calibration.recovery import plan, simulate_chunk

    _, _, chunks, _ = plan(_spec(tmp_path), quick=True)
    some = [chunks[0], chunks[-1]]  # a reference chunk and the truths' chunk
    here = {c.name: simulate_chunk(c)[1] for c in some}
    there = {c.name: f for c, f, _ in chunk_results(some, 1, "local", task=simulate_chunk)}
    assert set(there) == set(here)
    for name, frame in here.items():
        pd.testing.assert_frame_equal(frame, there[name])


def test_the_docs_table_is_the_shipped_summary():
    summary = pd.read_csv(ROOT / "calibration" / "recovery" / "recovery_summary.csv")
    doc = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    assert summary_table(summary) in doc


def test_ctrl_c_keeps_the_finished_chunks_and_a_rerun_finishes(tmp_path, wgsim_run, monkeypatch):
    from sim.studies.calibration import recovery

    spec, out = _spec(tmp_path), tmp_path / "rec"
    real, calls = recovery.simulate_chunk, []

    def interrupted_at_the_third(chunk):
        calls.append(chunk.name)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(chunk)

    monkeypatch.setattr(recovery, "simulate_chunk", interrupted_at_the_third)
    code, _, err = wgsim_run("recovery", spec, "--quick", "--out", out, "-w", "1")
    assert code == 130 and "finished chunks are saved" in err
    assert sorted(p.name for p in (out / "reference").glob("*.parquet")) == [
        "part-00000-n8.parquet",
        "part-00001-n8.parquet",
    ]
    assert not (out / "recovery_summary.csv").exists()
    monkeypatch.setattr(recovery, "simulate_chunk", real)
    code, stdout, _ = wgsim_run("-q", "recovery", spec, "--quick", "--out", out, "-w", "1")
    assert code == 0 and "4 chunks simulated, 2 resumed" in stdout
