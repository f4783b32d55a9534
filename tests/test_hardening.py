"""Batches touch only their own files, survive a full disk, and leave no state on bad input.

Issue 28's batch and files defects: a user's dotted ``.tmp`` files in ``--out`` were
deleted; ``--out ''`` meant the current folder; a full disk gave chained tracebacks,
exit 1, a manifest left "running" and a ``.merge.tmp`` behind; a bad ``--dask`` or a
calibration spec wrote into ``--out`` before being refused.
"""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.runs import parts

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.yaml"


@pytest.fixture
def wgsim(wgsim_text):
    return wgsim_text


def compare(wgsim, out: Path, n: int = 2):
    return wgsim("compare", HISTORICAL, "-n", str(n), "--workers", "1", "--out", out)


def batch(out: Path, n: int = 2):
    from sim.studies.comparison.run import run_compare

    return run_compare(HISTORICAL, replications=n, out=out, workers=1, report=False)


def test_a_user_s_dotted_tmp_files_in_out_are_left_alone(tmp_path):
    out = tmp_path / "mine"
    (out / ".cache.tmp" / "deep").mkdir(parents=True)
    (out / ".cache.tmp" / "deep" / "thesis.tex").write_text("three years")
    (out / ".notes.tmp").write_text("keep me")
    (out / "parts").mkdir()
    (out / "parts" / ".draft.tmp").write_text("mine too")
    # named like a wgsim temporary, but of no attempt recorded in this folder
    (out / ".runs.parquet.wgsim-0123456789ab.tmp").write_text("not wgsim's")
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    assert batch(out).outcome.ok == 4
    after = {str(p.relative_to(out)) for p in out.rglob("*")}
    assert set(before) <= after, set(before) - after
    assert (out / ".cache.tmp" / "deep" / "thesis.tex").read_text() == "three years"


def test_a_killed_attempt_s_temporaries_are_removed_on_resume(tmp_path):
    out = tmp_path / "cmp"
    assert batch(out).outcome.ok == 4
    token = json.loads((out / "manifest.json").read_text())["attempts"][0]["token"]
    left = parts.temporary(out / "parts" / "chunk-000007", token)  # as a killed writer leaves
    left.mkdir(parents=True)
    (left / "runs.parquet").write_bytes(b"half")
    merge = parts.temporary(out / "runs.parquet", token)
    merge.write_bytes(b"half")
    assert batch(out, 3).outcome.ok == 2
    assert not left.exists() and not merge.exists()


def test_an_empty_out_is_refused(wgsim, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in (["compare", HISTORICAL, "-n", "2"], ["calibrate", "historical"]):
        code, text = wgsim(*command, "--out", "")
        assert code == 2 and "empty folder name" in text and "Traceback" not in text
    assert not list(tmp_path.iterdir())


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def part_files_fill_the_disk(path, mode="r", *args, **kwargs):
    """``open`` of sim.runs.parts: a part file gets its first bytes, then the disk is full."""
    Path(path).write_bytes(b"PAR1")
    no_space()


@pytest.mark.parametrize("where", ["chunk", "merge"])
def test_a_full_disk_is_a_clear_message_its_own_code_and_a_recorded_attempt(
    wgsim, tmp_path, monkeypatch, where
):
    out = tmp_path / "full"
    if where == "chunk":
        monkeypatch.setattr(parts, "open", part_files_fill_the_disk, raising=False)
    else:
        monkeypatch.setattr(pq.ParquetWriter, "write_table", no_space)
    code, text = compare(wgsim, out)
    assert code == 4, text
    assert "no space left on the device holding" in text and "Traceback" not in text
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert manifest["attempts"][-1]["error"].startswith("disk full")
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    monkeypatch.undo()
    code, text = compare(wgsim, out)  # space freed: the same command finishes the batch
    assert code == 0, text
    assert len(pd.read_parquet(out / "runs.parquet")) == 4


def test_a_bad_dask_address_leaves_no_state(wgsim, tmp_path):
    out = tmp_path / "o"
    code, text = wgsim("compare", HISTORICAL, "-n", "5000", "--dask", "bogus://x", "--out", out)
    assert code == 2 and "not a Dask scheduler address" in text
    assert not out.exists()
    # so the corrected command is not refused for what the wrong one asked
    code, text = compare(wgsim, out)
    assert code == 0, text


def test_a_bad_calibration_spec_does_not_create_out(wgsim, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("scenario: [unclosed\n")
    out = tmp_path / "never"
    code, text = wgsim("calibrate", spec, "--out", out)
    assert code == 2 and "Traceback" not in text
    assert not out.exists()


def test_a_huge_batch_shows_its_size_at_once_and_builds_its_jobs_fast(historical, tmp_path):
    from sim.studies.comparison.run import compare_jobs, run_compare

    class Stop(Exception):
        pass

    seen = []

    def started(total, skipped):
        seen.append((total, skipped, time.perf_counter() - t0))
        raise Stop  # the bar has its size: enough

    t0 = time.perf_counter()
    with pytest.raises(Stop):
        run_compare(HISTORICAL, replications=1_000_000, out=tmp_path / "big", on_start=started)
    assert seen[0][:2] == (2_000_000, 0) and seen[0][2] < 10, seen  # was over 240 s
    assert not (tmp_path / "big").exists()
    t0 = time.perf_counter()
    jobs, _, _ = compare_jobs(historical, 20_000, 0)  # took 29 s (a digest per job)
    assert len(jobs) == 40_000 and time.perf_counter() - t0 < 8


def test_an_installed_copy_inside_another_repository_does_not_take_its_commit(
    tmp_path, monkeypatch
):
    import subprocess
    from importlib import metadata

    from sim.runs import store

    other = tmp_path / "project"  # a researcher's repository with a venv inside it
    site = other / ".venv" / "site-packages"
    site.mkdir(parents=True)
    git = ["git", "-C", str(other), "-c", "user.name=x", "-c", "user.email=x@x"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "theirs"], check=True)
    theirs = subprocess.check_output([*git, "rev-parse", "HEAD"], text=True).strip()
    monkeypatch.setattr(store, "SOURCE_ROOT", site.resolve())
    monkeypatch.setattr(store, "BUILD_STAMP", site / "sim" / "data" / "build.json")
    store.git_commit.cache_clear()
    try:
        assert store.git_commit() == "unknown" != theirs and store.git_dirty() is None
        store.BUILD_STAMP.parent.mkdir(parents=True)
        store.BUILD_STAMP.write_text('{"git_commit": "abc123", "git_dirty": false}')
        store.git_commit.cache_clear()
        assert store.git_commit() == "abc123" and store.git_dirty() is False
    finally:
        store.git_commit.cache_clear()
    assert store.wgsim_version() == metadata.version("wgsim")
    assert "import sim\n" not in Path(store.__file__).read_text()  # no arrow up the layers


def test_one_writer_per_folder_within_one_process_too(tmp_path):
    from sim.runs.lock import FolderInUseError, folder_lock

    refused = pytest.raises(FolderInUseError, match=f"pid {os.getpid()}")
    with folder_lock(tmp_path / "o"), refused, folder_lock(tmp_path / "o"):
        pass
    with folder_lock(tmp_path / "o"):  # released
        pass


def test_a_single_run_s_series_says_which_run_it_is(wgsim, tmp_path):
    out = tmp_path / "one"
    code, text = wgsim("run", HISTORICAL, "--variant", "no-group", "--seed", "3", "--out", out)
    assert code == 0, text
    table = pd.read_parquet(out / "series.parquet")
    assert list(table.columns[:3]) == ["scenario", "variant", "seed"]
    assert set(table["variant"]) == {"no-group"} and set(table["seed"]) == {3}


def test_a_disk_full_while_writing_a_report_is_the_same_clear_message(wgsim, tmp_path, monkeypatch):
    import matplotlib.figure

    out = tmp_path / "report"
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", no_space)
    code, text = wgsim("compare", HISTORICAL, "-n", "2", "--workers", "1", "--out", out)
    assert code == 4 and "while writing the report" in text and "Traceback" not in text
    monkeypatch.undo()
    assert compare(wgsim, out)[0] == 0 and (out / "report.md").exists()


def test_a_folder_reruns_from_the_command_its_manifest_records(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    wgsim = str(Path(sys.executable).with_name("wgsim"))
    out = tmp_path / "b"
    cmd = [wgsim, "compare", "historical", "-n", "2", "--workers", "1", "--out", str(out)]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    argv = json.loads((out / "manifest.json").read_text())["attempts"][-1]["argv"]
    assert argv[1:] == cmd[1:]  # what docs/cli.md's one-liner runs again
    again = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "0 runs done, 4 resumed" in again.stdout
