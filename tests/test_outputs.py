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

from sim.core.log import EVENT_COLUMNS
from sim.core.phases.record import SERIES_COLUMNS
from sim.runs import codebook
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
            assert field.type == declared[field.name].arrow_type, (table, field.name, field.type)


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
    assert set(series["wg_phase"].astype(str)) <= set(codebook.WG_PHASES)
    assert set(series["dprk_mode"].astype(str)) <= set(codebook.DPRK_MODES)
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
