"""Adapters: the flat entry point, the parameter table, SALib's problem, EMA Workbench."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.runs.runner import run
from sim.scenario.fields import bounds, field_info
from sim.scenario.reference import parameter_table
from sim.studies.adapters.flat import OUTCOMES, FlatModel, run_flat
from sim.studies.adapters.salib import AdapterError, salib_problem

PATHS = ["working_group.scope", "dprk.denunciation_rate", "working_group.max_gap_weeks"]


def test_run_flat_is_the_run_with_overrides_as_numbers(historical):
    out = run_flat("historical", {"working_group.scope": 0.9}, seed=3)
    assert tuple(out) == OUTCOMES and all(isinstance(v, float) for v in out.values())
    from sim.scenario.paths import apply_overrides

    direct = run(apply_overrides(historical.variant(None), {"working_group.scope": 0.9}), 3)
    assert out["surprises"] == direct.metrics["surprises"]
    assert out["legitimacy_final"] == pytest.approx(direct.metrics["legitimacy_final"])
    no_group = run_flat("historical", seed=3, variant="no-group")
    assert math.isnan(no_group["wg_first_meeting_week"])  # never: NaN, not -1


def test_run_flat_rejects_a_bad_override_by_name():
    with pytest.raises(ScenarioError, match=r"working_group\.scope"):
        run_flat("historical", {"working_group.scope": 7.0})


def test_flat_model_maps_names_to_paths():
    model = FlatModel("historical", names={"scope": "working_group.scope"})
    assert model(seed=2, scope=0.9) == run_flat("historical", {"working_group.scope": 0.9}, 2)


def test_parameter_table_is_the_schema():
    table = {r["path"]: r for r in parameter_table()}
    row = table["working_group.scope"]
    b = bounds(field_info("working_group.scope"))
    assert (row["low"], row["high"], row["type"]) == (b.lo, b.hi, "float")
    assert row["unit"] and row["description"] and row["default"] == 0.5
    assert len(table) > 150 and all(r["path"].count(".") >= 1 for r in table.values())


def test_salib_problem_from_the_table():
    problem = salib_problem(PATHS, bounds={"dprk.denunciation_rate": (0.0, 1.0)})
    assert problem["names"] == PATHS and problem["num_vars"] == 3
    assert problem["bounds"] == [[0.0, 1.0], [0.0, 1.0], [1.0, 52.0]]
    from SALib.sample import sobol as sobol_sample

    x = sobol_sample.sample(problem, 8, calc_second_order=False, seed=1)
    assert x.shape == (8 * 5, 3)
    with pytest.raises(AdapterError, match=r"calendar\.start"):
        salib_problem(["calendar.start"])
    with pytest.raises(AdapterError, match=r"within the schema's \[0.0, 1.0\]"):
        salib_problem(["working_group.scope"], bounds={"working_group.scope": (0.5, 2.0)})


def test_ema_workbench_experiments_and_prim():
    ema = pytest.importorskip("ema_workbench", reason="the 'ema' extra is not installed")
    from ema_workbench.analysis import prim

    from sim.studies.adapters.ema import ema_model

    model = ema_model(
        "historical",
        PATHS,
        bounds={"dprk.denunciation_rate": (0.0, 1.0)},
        outcomes=["surprises", "disputes", "wg_terminated", "legitimacy_final"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        experiments, outcomes = ema.perform_experiments(
            model, scenarios=60, uncertainty_sampling_kwargs={"rng": 4}
        )
    assert len(experiments) == 60 and set(outcomes) >= {"surprises", "wg_terminated"}
    first = experiments.iloc[0]
    again = run_flat(
        "historical",
        {
            "working_group.scope": first["working_group_scope"],
            "dprk.denunciation_rate": first["dprk_denunciation_rate"],
            "working_group.max_gap_weeks": int(first["working_group_max_gap_weeks"]),
        },
    )
    assert outcomes["surprises"][0] == again["surprises"]  # the EMA run is wgsim's run
    x = experiments[
        ["working_group_scope", "dprk_denunciation_rate", "working_group_max_gap_weeks"]
    ]
    y = np.asarray(outcomes["wg_terminated"]) > 0.5
    assert 0 < y.sum() < len(y)
    box = prim.Prim(x, y, mass_min=0.1).find_box()
    assert box is not None
    last = box.peeling_trajectory.iloc[-1]
    assert last["density"] >= y.mean()  # the box holds terminations more densely


def test_the_examples_in_docs_adapters_md_run(tmp_path, monkeypatch):
    pytest.importorskip("ema_workbench", reason="the 'ema' extra is not installed")
    from conftest import ROOT

    text = (ROOT / "docs" / "adapters.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert len(blocks) == 4
    monkeypatch.chdir(ROOT)  # the batch_run example reads scenarios/historical.yaml
    names: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for block in blocks:
            exec(compile(block, "docs/adapters.md", "exec"), names)
    assert isinstance(names["outcomes"], dict)
    assert len(names["indices"]["S1"]) == 2 and names["box"] is not None
    assert {r["seed"] for r in names["rows"]} == {0, 1}
    assert {(r["working_group.scope"], r["seed"]) for r in names["swept"]} == {
        (0.2, 1),
        (0.2, 2),
        (0.8, 1),
        (0.8, 2),
    }


def test_salib_bounds_respect_the_cross_field_rules(historical):
    from SALib.sample import morris

    from sim.scenario.paths import apply_overrides

    path = "legitimacy.termination_threshold"
    reform = historical.variant(None).legitimacy.reform_threshold
    with pytest.warns(UserWarning, match="must not exceed reform_threshold"):
        problem = salib_problem([path])
    assert problem["bounds"] == [[0.0, reform]]
    for row in morris.sample(problem, 10, seed=1):  # a Morris design runs to the end
        apply_overrides(historical.variant(None), {path: float(row[0])})
    with pytest.raises(AdapterError, match=rf"accepted range is \[0.1, {reform:g}\]"):
        salib_problem([path], bounds={path: (0.1, 0.9)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(AdapterError, match="together reach values"):
            salib_problem([path, "legitimacy.reform_threshold"])
    assert salib_problem(PATHS[:1])["bounds"] == [[0.0, 1.0]]  # no rule: the schema's
