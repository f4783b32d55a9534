"""Batches survive a kill -9 in the narrow windows between writes, and one folder has one writer.

Each test first reproduces the window with a real SIGKILL of a real ``wgsim compare``
process, stopped exactly there by the test hook (``WGSIM_TEST_HALT_AT``), then resumes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]
WGSIM = Path(sys.executable).parent / "wgsim"
SCENARIO = ROOT / "scenarios" / "historical.yaml"
N = 30  # 60 runs in three chunks of 25, 25 and 10 with one worker


def compare(out: Path, halt: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "WGSIM_TEST_HALT_AT"}
    if halt:
        env["WGSIM_TEST_HALT_AT"] = halt
    cmd = [WGSIM, "compare", SCENARIO, "-n", str(N), "--workers", "1", "--out", out]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)


def tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    runs = pd.read_parquet(out / "runs.parquet").sort_values("run_key", ignore_index=True)
    series = pd.read_parquet(out / "series.parquet")
    series = series.sort_values(["variant", "replication", "week"], ignore_index=True)
    return runs, series


@pytest.fixture(scope="module")
def complete(tmp_path_factory) -> Path:
    """The folder of one uninterrupted batch (tests copy it rather than run it again)."""
    out = tmp_path_factory.mktemp("reference")
    assert compare(out).returncode == 0
    return out


@pytest.fixture(scope="module")
def reference(complete):
    runs, series = tables(complete)
    assert len(runs) == 2 * N and runs["run_key"].is_unique
    return runs, series


def assert_same(out: Path, reference) -> None:
    runs, series = tables(out)
    ref_runs, ref_series = reference
    pd.testing.assert_frame_equal(runs, ref_runs)
    pd.testing.assert_frame_equal(series, ref_series)
    assert not (out / "parts").exists()


def test_a_kill_between_a_chunk_s_parts_loses_only_that_chunk(tmp_path, reference):
    out = tmp_path / "between"
    # the second chunk dies after its runs part, before its series part
    killed = compare(out, "between-parts:2")
    assert killed.returncode == -signal.SIGKILL
    token = json.loads((out / "manifest.json").read_text())["attempts"][0]["token"]
    half = f".chunk-000001.wgsim-{token}.tmp"
    done = sorted(p.name for p in (out / "parts").iterdir())
    assert done == [half, "chunk-000000"]  # the first chunk alone is complete
    assert sorted(p.name for p in (out / "parts" / half).iterdir()) == ["runs.parquet"]
    resumed = compare(out)
    assert resumed.returncode == 0, resumed.stderr
    assert "25 resumed" in resumed.stdout + resumed.stderr
    assert_same(out, reference)
    attempts = json.loads((out / "manifest.json").read_text())["attempts"]
    assert [a["status"] for a in attempts] == ["killed (no end recorded)", "complete"]


@pytest.mark.parametrize("point", ["merged-runs", "merged-series"])
def test_a_kill_during_finalize_is_mended_by_running_again(tmp_path, reference, point):
    out = tmp_path / point
    killed = compare(out, point)
    assert killed.returncode == -signal.SIGKILL
    assert pq.read_metadata(out / "runs.parquet").num_rows == 2 * N  # merged, parts still there
    assert len(list((out / "parts").glob("chunk-*"))) == 3
    for _ in range(2):  # and again: finalizing is idempotent
        again = compare(out)
        assert again.returncode == 0, again.stderr
        assert_same(out, reference)


def test_a_second_writer_of_a_folder_is_refused(tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    with open(out / ".lock", "w") as held:  # another process holding the folder's lock
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242")
        held.flush()
        res = compare(out)
    assert res.returncode == 2
    message = res.stdout + res.stderr
    assert "in use by another wgsim process (pid 4242)" in message and "Traceback" not in message
    assert not (out / "runs.parquet").exists()


def test_a_corrupt_chunk_is_set_aside_and_its_runs_redone(tmp_path, reference):
    out = tmp_path / "corrupt-chunk"
    assert compare(out, "between-parts:3").returncode == -signal.SIGKILL  # chunks 0, 1 done
    part = out / "parts" / "chunk-000001" / "series.parquet"
    part.write_bytes(part.read_bytes()[:100])  # truncated, as by a failing disk
    resumed = compare(out)
    assert resumed.returncode == 0, resumed.stderr
    assert "unreadable results set aside and redone: parts/chunk-000001" in resumed.stderr
    assert "25 resumed" in resumed.stdout  # chunk 0 only
    assert_same(out, reference)
    assert len(list((out / "quarantine").iterdir())) == 1


def test_a_corrupt_merged_file_sets_aside_the_set_and_redoes_it(tmp_path, complete, reference):
    out = shutil.copytree(complete, tmp_path / "corrupt-merged")  # a finished batch
    (out / "runs.parquet").write_bytes(b"PAR1 but not really")
    again = compare(out)
    assert again.returncode == 0, again.stderr
    assert "runs.parquet -> quarantine/runs.parquet" in again.stderr
    assert "0 resumed" in again.stdout
    assert_same(out, reference)


def test_a_corrupt_body_with_an_intact_footer_is_set_aside_and_redone(
    tmp_path, complete, reference
):
    out = shutil.copytree(complete, tmp_path / "corrupt-body")  # a finished batch
    path = out / "series.parquet"
    data = bytearray(path.read_bytes())
    footer = pq.read_metadata(path)
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)  # a page's bytes zeroed; footer and size kept
    path.write_bytes(bytes(data))
    assert pq.read_metadata(path).num_rows == footer.num_rows  # the footer still reads
    again = compare(out)
    assert again.returncode == 0, again.stderr
    assert "series.parquet -> quarantine/series.parquet" in again.stderr
    assert "0 resumed" in again.stdout  # the merged set went aside: every run redone
    assert_same(out, reference)
    again = compare(out)  # and the next rerun finds nothing to mend
    assert again.returncode == 0 and "quarantine" not in again.stderr, again.stderr
    assert any(p.name.startswith("series.parquet.") for p in (out / "quarantine").iterdir())


def test_sigterm_in_start_up_exits_130_and_writes_nothing(tmp_path):
    out = tmp_path / "term"
    res = compare(out, "before-batch:1:TERM")
    assert res.returncode == 130, res.stderr
    assert "Traceback" not in res.stderr
    assert not out.exists()
