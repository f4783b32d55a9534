"""Dask infrastructure failures: a clear message, exit code 3 (2 for a bad address), no hang."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.runs import executors

HISTORICAL = Path(__file__).resolve().parents[1] / "scenarios" / "historical.yaml"
BIN = Path(sys.executable).parent


@pytest.fixture
def wgsim(wgsim_text):
    return wgsim_text


def test_an_address_that_is_not_one_is_bad_input(wgsim, tmp_path):
    code, out = wgsim(
        "compare", HISTORICAL, "-n", "2", "--dask", "bogus://x", "--out", tmp_path / "o"
    )
    assert code == 2 and "'bogus://x' is not a Dask scheduler address" in out
    assert "Traceback" not in out


def test_a_scheduler_nobody_runs_is_an_infrastructure_failure(wgsim, tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "DASK_CONNECT_SECONDS", 1)
    out = tmp_path / "o"
    code, text = wgsim(
        "compare", HISTORICAL, "-n", "2", "--dask", "tcp://127.0.0.1:1", "--out", out
    )
    assert code == 3 and "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in text
    assert "Traceback" not in text
    assert not out.exists()  # nothing written: the corrected command starts afresh


def test_a_cluster_without_workers_gives_up_instead_of_waiting_forever(
    wgsim, tmp_path, monkeypatch
):
    from dask.distributed import LocalCluster

    monkeypatch.setattr(executors, "DASK_NO_WORKER_SECONDS", 3.0)
    with LocalCluster(n_workers=0, dashboard_address=None, host="127.0.0.1") as cluster:
        code, text = wgsim(
            "compare", HISTORICAL, "-n", "2", "--dask", cluster.scheduler_address,
            "--out", tmp_path / "o",
        )  # fmt: skip
    assert code == 3 and "has had no worker for 3 s" in text and "Traceback" not in text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_killed_scheduler_ends_the_batch_with_a_clear_error_and_keeps_what_finished(tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"
    port = address.rsplit(":", 1)[1]
    dask = [BIN / "dask"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [*dask, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"], **quiet
    )
    worker = subprocess.Popen(
        [*dask, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
        **quiet,
    )
    out = tmp_path / "o"
    try:
        batch = subprocess.Popen(
            [BIN / "wgsim", "compare", HISTORICAL, "-n", "200", "--dask", address, "--out", out],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 240
        while not list((out / "parts").glob("chunk-*")):  # the first chunk is stored
            assert batch.poll() is None and time.monotonic() < deadline, batch.communicate()[0]
            time.sleep(0.05)
        os.kill(scheduler.pid, signal.SIGKILL)
        text, _ = batch.communicate(timeout=120)
    finally:
        for proc in (scheduler, worker):
            proc.kill()
            proc.wait()
    assert batch.returncode == 3, text
    assert f"lost the Dask scheduler at {address}" in text and "Traceback" not in text
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "lost the Dask" in manifest["attempts"][0]["error"]
    kept = sorted((out / "parts").glob("chunk-*"))
    assert kept and all((d / "runs.parquet").stat().st_size > 0 for d in kept)
    assert not (out / "runs.parquet").exists()  # 400 runs were asked for; none merged early
