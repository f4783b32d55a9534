"""Dask infrastructure failures: a clear message, exit code 3 (2 for a bad address), no hang."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.runs import executors

HISTORICAL = Path(__file__).resolve().parents[1] / "scenarios" / "historical.yaml"


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
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "cannot reach" in manifest["attempts"][0]["error"]


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
