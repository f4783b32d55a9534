"""Self-describing outputs: typed Parquet columns, file metadata, the codebook, manifests."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SCENARIOS

from sim.core.model import WorkingGroupModel
from sim.core.outputs import EVENT_COLUMNS, SERIES, SERIES_COLUMNS
from sim.runs import codebook
from sim.runs.metrics import METRICS
from sim.runs.runner import run
from sim.studies.comparison.run import run_compare

META_KEYS = {
    b"wgsim.version",
    b"wgsim.schema_version",
    b"wgsim.table",
    b"wgsim.scenario_digest",
    b"wgsim.seed",
    b"wgsim.git_commit",
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory, historical):
    out = tmp_path_factory.mktemp("batch") / "b"
    run_compare(historical.path, replications=3, out=out, workers=1, events=True, report=False)
    return out


def test_docs_outputs_md_is_the_generated_codebook():
    text = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    assert text == codebook.codebook_markdown(), (
        "docs/outputs.md is stale: run `wgsim codebook > docs/outputs.md`"
    )


def test_every_column_a_run_keeps_is_declared(historical):
    res = run(historical.variant(None), 3)
    produced = {
        "metrics": ["scenario", "variant", "seed", *res.metrics],
        "series": list(res.series_frame().columns),
        "events": list(res.events_frame().columns),
        "proposals": list(res.proposals_frame().columns),
    }
    assert set(SERIES_COLUMNS) <= set(produced["series"])
    assert set(EVENT_COLUMNS) <= set(produced["events"])
    for table, names in produced.items():
        undocumented = [n for n in names if n not in codebook.columns(table)]
        assert not undocumented, f"declare {undocumented} in sim/runs/codebook.py ({table})"


def test_every_stored_column_is_declared_and_typed_as_declared(batch):
    for table in ("runs", "series", "events"):
        schema = pq.read_schema(batch / f"{table}.parquet")
        declared = codebook.columns(table)
        undocumented = [n for n in schema.names if n not in declared]
        assert not undocumented, f"declare {undocumented} in sim/runs/codebook.py ({table})"
        for field in schema:
            assert field.type == codebook.arrow_type(declared[field.name]), (table, field.name)


def test_stored_tables_hold_every_declared_column_in_declared_order(batch):
    keys = [c.name for c in codebook.KEYS if c.name != "point"]
    expected = {
        "runs": keys + [c.name for c in METRICS],
        "series": [*keys, "week", "date", *SERIES_COLUMNS[1:]],
        "events": [*keys, "week", "date", *EVENT_COLUMNS[1:]],
    }
    for table, names in expected.items():
        assert pq.read_schema(batch / f"{table}.parquet").names == names, table


def test_stored_types_labels_booleans_and_nulls(batch):
    runs = pd.read_parquet(batch / "runs.parquet")
    assert isinstance(runs["variant"].dtype, pd.CategoricalDtype)
    assert runs["surprises"].dtype == "int64" and runs["wg_censored"].dtype == bool
    assert runs["wg_terminated"].dtype == bool
    no_group = runs[runs["variant"] == "no-group"]
    assert no_group["wg_first_meeting_week"].isna().all()  # never met: null, not -1
    assert not (runs[["wg_terminated_week", "wg_created_week"]] == -1).any().any()
    assert (runs["wg_terminated_week"].isna() == ~runs["wg_terminated"]).all()

    series = pq.read_table(batch / "series.parquet").to_pandas()
    labels = {c.name: c.labels for c in SERIES}
    assert set(series["wg_phase"].astype(str)) <= set(labels["wg_phase"])
    assert set(series["dprk_mode"].astype(str)) <= set(labels["dprk_mode"])
    assert series["track_open"].dtype == bool
    assert series["wg_queue"].dtype == "int64" and series["surprises"].dtype == "int64"
    assert series.loc[series["variant"] == "no-group", "legitimacy"].isna().all()
    assert pq.read_schema(batch / "series.parquet").field("date").type == pa.date32()

    events = pd.read_parquet(batch / "events.parquet")
    about_none = events[events["kind"].isin(["wg_meeting", "contact", "shock"])]
    assert about_none["proposal_id"].isna().all() and about_none["route"].isna().all()
    assert not (events["proposal_id"] == 0).any()
    assert not (events["route"].astype(object) == "").any()


def test_files_say_where_they_came_from(batch, historical):
    manifest = json.loads((batch / "manifest.json").read_text())
    for table in ("runs", "series", "events"):
        meta = pq.read_schema(batch / f"{table}.parquet").metadata
        assert set(meta) >= META_KEYS
        assert meta[b"wgsim.table"] == table.encode()
        assert meta[b"wgsim.scenario_digest"] == historical.digest.encode()
        assert meta[b"wgsim.seed"] == b"0"
        assert meta[b"wgsim.schema_version"] == str(codebook.SCHEMA_VERSION).encode()
        assert meta[b"wgsim.git_commit"].decode() == manifest["git_commit"]


def test_manifest_records_dirty_flag_versions_and_absolute_path(batch):
    manifest = json.loads((batch / "manifest.json").read_text())
    assert manifest["schema_version"] == codebook.SCHEMA_VERSION
    assert manifest["git_dirty"] in (True, False, None)
    for name in ("scipy", "SALib", "pyabc", "dask", "mesa", "numpy", "pandas", "pyarrow"):
        assert manifest["versions"][name] != "not installed", name
    assert Path(manifest["scenario_path"]).is_absolute()
    assert Path(manifest["scenario_path"]) == (SCENARIOS / "historical.yaml").resolve()


def test_decode_gives_the_in_memory_rows_back(historical):
    res = run(historical.variant("no-group"), 5)
    for table, frame in (("series", res.series_frame()), ("events", res.events_frame())):
        stored = codebook.encode_frame(table, frame).to_pandas()
        back = codebook.decode(table, stored)
        pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_stored_row_for_json():
    row = {"wg_terminated_week": -1, "wg_censored": 1.0, "completion_ratio": math.nan, "x": 3}
    assert codebook.stored_row("metrics", row) == {
        "wg_terminated_week": None,
        "wg_censored": True,
        "completion_ratio": None,
        "x": 3,
    }


def test_a_folder_of_the_old_layout_is_refused_clearly(wgsim_run, tmp_path, historical):
    out = tmp_path / "old"
    run_compare(historical.path, replications=2, out=out, workers=1, report=False)
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["schema_version"]  # as written by wgsim 0.1
    (out / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = wgsim_run("compare", historical.path, "-n", 3, "-w", 1, "--out", out)
    assert code == 2
    assert "output schema 1" in err and "choose another --out" in err
    assert "Traceback" not in err


def test_decode_leaves_schema_1_codes_alone():
    old = pd.DataFrame({"week": [1, 2], "wg_phase": [0.0, 1.0], "dprk_mode": [1.0, 2.0]})
    back = codebook.decode("series", old)
    assert back["wg_phase"].tolist() == [0.0, 1.0] and back["dprk_mode"].tolist() == [1.0, 2.0]


def test_labels_name_the_model_s_codes():
    from sim.core.agents import DprkMode
    from sim.core.working_group import WgPhase

    labels = {c.name: c.labels for c in SERIES}
    assert labels["wg_phase"] == tuple(p.name.lower() for p in WgPhase)
    assert labels["dprk_mode"] == tuple(m.name.lower() for m in DprkMode)


def stored_series(frame: pd.DataFrame) -> pd.DataFrame:
    """A run's series frame as series.parquet holds it, read back by pandas, without dates."""
    out = codebook.encode_frame("series", frame).to_pandas().drop(columns="date")
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype(str)
    return out


def test_the_datacollector_reports_what_the_files_store(historical):
    s = historical.variant("historical")
    model = WorkingGroupModel(s, rng=7)
    model.run_until(model.n_weeks)
    collected = model.datacollector.get_model_vars_dataframe()
    assert list(collected.columns) == list(SERIES_COLUMNS)
    modes = set(collected["dprk_mode"])
    assert "wedge" in modes and modes <= {"engage", "wedge", "coerce"}  # labels, not codes
    phases = set(collected["wg_phase"])
    assert "active" in phases and phases <= {"absent", "active", "terminated"}
    assert collected["track_open"].dtype == bool
    week_1_on = collected.iloc[1:].reset_index(drop=True)  # week 0 is the initial state
    pd.testing.assert_frame_equal(week_1_on, stored_series(run(s, 7).series_frame()))
