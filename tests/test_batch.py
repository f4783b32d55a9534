"""The batch engine: same rows serially, in processes and on Dask; failures; resume."""

import datetime as dt
import math

import dask
import pandas as pd
import pyarrow as pa
import pytest
from dask.distributed import Client

from sim.runs import engine, executors, parts
from sim.runs.jobs import Job, chunk_size, replication_seeds
from sim.studies.comparison.run import compare_jobs, run_compare

KEYS = ["variant", "replication"]


@pytest.fixture(scope="module")
def jobs(historical):
    return compare_jobs(historical, 6, seed=9)


def _execute(jobs, tmp_path, name, **kw):
    jobs_, scenarios, _ = jobs
    out = tmp_path / name
    outcome = engine.execute(jobs_, scenarios, out, **kw)
    parts.finalize(out)
    runs = pd.read_parquet(out / "runs.parquet").sort_values(KEYS, ignore_index=True)
    series = pd.read_parquet(out / "series.parquet").sort_values([*KEYS, "week"], ignore_index=True)
    return outcome, runs, series


def test_replication_seeds_are_prefix_stable():
    assert replication_seeds(3, 5) == replication_seeds(3, 8)[:5]
    assert replication_seeds(3, 5) != replication_seeds(4, 5)


def test_chunk_sizes():
    assert chunk_size(10, 2) == 5
    assert chunk_size(1000, 2) == 50
    assert chunk_size(100_000, 2) == 50
    assert chunk_size(100, 2) == 25


def test_common_random_numbers(jobs):
    jobs_, _, seeds = jobs
    by_rep = {}
    for j in jobs_:
        by_rep.setdefault(j.keys["replication"], set()).add(j.seed)
    assert all(len(s) == 1 for s in by_rep.values())
    assert [next(iter(by_rep[r])) for r in range(6)] == seeds


def test_serial_processes_and_dask_give_identical_rows(jobs, tmp_path):
    _, serial, s_series = _execute(jobs, tmp_path, "serial", workers=1)
    _, procs, p_series = _execute(jobs, tmp_path, "procs", workers=2)
    _, dask, d_series = _execute(jobs, tmp_path, "dask", workers=2, dask="local")
    assert len(serial) == 12
    pd.testing.assert_frame_equal(serial, procs)
    pd.testing.assert_frame_equal(serial, dask)
    pd.testing.assert_frame_equal(s_series, p_series)
    pd.testing.assert_frame_equal(s_series, d_series)


def test_the_local_cluster_runs_with_its_quiet_settings():
    cluster = executors.local_cluster(1)
    try:
        with Client(cluster) as client:
            keys = list(executors.LOCAL_CLUSTER_CONFIG)
            on_worker = client.run(lambda: [dask.config.get(k) for k in keys])
            assert list(on_worker.values()) == [[executors.LOCAL_CLUSTER_CONFIG[k] for k in keys]]
            assert "stealing" not in cluster.scheduler.extensions
            assert client.submit(sum, [1, 2]).result() == 3
    finally:
        cluster.close()
    # the settings apply to that cluster only
    assert dask.config.get("distributed.worker.profile.enabled") is True


def test_parts_are_typed_as_pandas_would_type_them():
    rows = [
        {"variant": "a", "n": 1, "lead": 3, "x": 0.5, "flag": True, "note": None},
        {"variant": "b", "n": 2, "lead": math.nan, "x": math.nan, "flag": False, "note": None},
    ]
    ours = executors._table(rows)
    theirs = pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)
    assert ours.schema.equals(theirs.schema.remove_metadata())
    assert ours.equals(theirs.replace_schema_metadata(None))
    assert ours.column("lead").null_count == 1  # NaN is stored as null, as pandas does


def test_failures_are_recorded_and_the_batch_goes_on(jobs, tmp_path):
    jobs_, scenarios, _ = jobs
    bad = Job({"variant": "historical", "replication": 99}, jobs_[0].scenario, -1)
    out = tmp_path / "fail"
    outcome = engine.execute([*jobs_, bad], scenarios, out, workers=2)
    parts.finalize(out)
    assert outcome.failed == 1 and outcome.ok == 12
    failures = pd.read_parquet(out / "failures.parquet")
    assert failures.loc[0, "replication"] == 99
    assert "seed -1" in failures.loc[0, "error"]
    assert "Traceback" in failures.loc[0, "traceback"]


def test_interrupted_batch_resumes_without_duplicates(historical, tmp_path):
    jobs_, scenarios, _ = compare_jobs(historical, 60, seed=2)
    out = tmp_path / "resume"
    calls = []

    def interrupt(n, failed):
        calls.append(n)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        engine.execute(jobs_, scenarios, out, workers=1, series=False, on_progress=interrupt)
    done = parts.done_keys(out)
    assert len(done) == calls[0] < len(jobs_)
    outcome = engine.execute(jobs_, scenarios, out, workers=1, series=False)
    assert outcome.skipped == len(done)
    parts.finalize(out)
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == len(jobs_) == runs["run_key"].nunique()


def test_temporary_files_of_others_are_ignored_and_kept(historical, tmp_path):
    out = tmp_path / "tmpfiles"
    (out / "parts").mkdir(parents=True)
    (out / "parts" / ".runs-000000.parquet.abc.tmp").write_bytes(b"half a file")
    result = run_compare(historical.path, replications=2, out=out, workers=1, report=False, seed=1)
    assert result.outcome.ok == 4
    assert [p.name for p in out.rglob("*.tmp")] == [".runs-000000.parquet.abc.tmp"]


def test_events_and_series_carry_their_keys(historical, tmp_path):
    out = tmp_path / "ev"
    run_compare(historical.path, replications=3, out=out, workers=1, events=True, report=False)
    events = pd.read_parquet(out / "events.parquet")
    assert set(events["replication"]) == {0, 1, 2}
    assert set(events["variant"]) == {"historical", "no-group"}
    assert (events["kind"] == "wg_meeting").any()
    series = pd.read_parquet(out / "series.parquet")
    assert len(series) == 6 * historical.variant(None).calendar.n_weeks
    first = series[(series["variant"] == "no-group") & (series["replication"] == 2)]
    assert first["date"].iloc[0] == dt.date(2018, 6, 11)  # a date, not a timestamp
    assert first["seed"].nunique() == 1
    # every row says which run it is from, by the runs table's key
    keys = set(pd.read_parquet(out / "runs.parquet")["run_key"])
    assert set(series["run_key"]) == keys and set(events["run_key"]) <= keys
    assert first["run_key"].nunique() == 1
    # without --events the runs skip the log's rows: the other outputs are unchanged
    lean = tmp_path / "lean"
    run_compare(historical.path, replications=3, out=lean, workers=1, report=False)
    assert not (lean / "events.parquet").exists()
    for kind in ("runs", "series"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(lean / f"{kind}.parquet"), pd.read_parquet(out / f"{kind}.parquet")
        )
