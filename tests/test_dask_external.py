"""A real external Dask cluster: ``dask scheduler`` and two ``dask worker`` processes.

A comparison run on it gives the same rows as the same comparison run locally, and the
manifest records the cluster's real size.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from sim.studies.comparison.run import run_compare

DASK = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
KEYS = ["variant", "replication"]


def _wait_for(path: Path, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, "the Dask scheduler exited"
        assert time.monotonic() < deadline, "the Dask scheduler did not start"
        time.sleep(0.2)


@pytest.fixture
def cluster(tmp_path):
    """The address of a scheduler with two single-threaded workers on 127.0.0.1."""
    if DASK is None:
        pytest.skip("the 'dask' command is not installed")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    info = tmp_path / "scheduler.json"
    procs = []
    log = (tmp_path / "dask.log").open("w")
    try:
        common = ["--host", "127.0.0.1", "--no-dashboard"]
        procs.append(
            subprocess.Popen(
                [DASK, "scheduler", *common, "--port", "0", "--scheduler-file", str(info)],
                env=env,
                stdout=log,
                stderr=log,
            )
        )
        _wait_for(info, procs[0])
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [DASK, "worker", *common, "--nthreads", "1", "--scheduler-file", str(info)],
                    env=env,
                    stdout=log,
                    stderr=log,
                )
            )
        address = json.loads(info.read_text())["address"]
        from dask.distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def test_a_compare_batch_on_an_external_cluster_equals_the_local_run(cluster, tmp_path, historical):
    remote = run_compare(
        historical.path, replications=8, out=tmp_path / "dask", dask=cluster, report=False
    )
    local = run_compare(
        historical.path, replications=8, out=tmp_path / "local", workers=1, report=False
    )
    assert remote.outcome.ok == local.outcome.ok == 16 and remote.outcome.failed == 0
    for table in ("runs", "series"):
        keys = [*KEYS, "week"] if table == "series" else KEYS
        a = pd.read_parquet(tmp_path / "dask" / f"{table}.parquet").sort_values(
            keys, ignore_index=True
        )
        b = pd.read_parquet(tmp_path / "local" / f"{table}.parquet").sort_values(
            keys, ignore_index=True
        )
        pd.testing.assert_frame_equal(a, b)
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["executor"] == "dask" and manifest["dask_address"] == cluster
    assert manifest["dask_workers"] == 2 and manifest["dask_threads"] == 2
    assert manifest["attempts"][-1]["dask_workers"] == 2
