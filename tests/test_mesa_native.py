"""The model as Mesa users expect it: constructor, time, DataCollector, batch_run, Reset."""

from __future__ import annotations

import math
import warnings

import mesa
import pytest
from mesa.visualization.solara_viz import _build_model_init_kwargs

from sim.core.model import SERIES_COLUMNS, WorkingGroupModel
from sim.runs.runner import run
from sim.scenario import Scenario


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def test_constructed_plainly_with_rng_or_its_alias_seed(historical):
    s = historical.variant("historical")
    a, b = WorkingGroupModel(s, rng=1), WorkingGroupModel(parameters=s, seed=1)
    a.run_until(30)
    b.run_until(30)
    assert a.events == b.events and a.seed == b.seed == 1
    with pytest.raises(ValueError, match="not both"):
        WorkingGroupModel(s, rng=1, seed=1)
    fresh = WorkingGroupModel(s)  # no seed: a fresh one, kept so the run can be repeated
    again = WorkingGroupModel(s, rng=fresh.seed)
    fresh.run_until(20)
    again.run_until(20)
    assert fresh.events == again.events


def test_default_parameters_give_a_runnable_model():
    m = WorkingGroupModel()
    assert m.parameters == Scenario()
    for _ in range(5):
        m.step()
    assert m.steps == 5 and m.time == 5.0 and len(m.datacollector.model_vars["week"]) == 6


def test_stepping_the_plain_model_gives_the_runner_s_result(historical):
    s = historical.variant("historical")
    m = WorkingGroupModel(s, rng=5)
    while m.running:
        m.step()
    result = run(s, 5)
    assert m.steps == m.n_weeks
    assert m.events == result.events and m.series == result.series
    frame = m.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(SERIES_COLUMNS)
    assert len(frame) == m.n_weeks + 1 and frame["week"].iloc[0] == 0  # week 0: the start
    for row, collected in zip(result.series, frame.iloc[1:].itertuples(index=False), strict=True):
        assert all(same(float(x), float(y)) for x, y in zip(row, collected, strict=True))


def test_the_runner_builds_without_a_collector(historical):
    from sim.runs.runner import build

    m = build(historical.variant("historical"), 2)
    assert m.datacollector is None
    m.run_until(10)
    assert len(m.series) == 10


def test_mesa_batch_run_drives_the_model(historical):
    s = historical.variant("no-group")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        rows = mesa.batch_run(
            WorkingGroupModel,
            parameters={"parameters": [s]},
            rng=[0, 1],
            max_steps=30,
            number_processes=1,
            data_collection_period=1,
            display_progress=False,
        )
    assert {r["seed"] for r in rows} == {0, 1}  # batch_run reports the rng as "seed"
    for seed in (0, 1):
        ours = [r for r in rows if r["seed"] == seed]
        assert [r["Step"] for r in ours] == list(range(31))  # model time, week 0 first
        expected = run(s, seed).series[:30]
        for row, got in zip(expected, ours[1:], strict=True):
            assert all(
                same(float(v), float(got[name]))
                for name, v in zip(SERIES_COLUMNS, row, strict=True)
            )


def test_solaraviz_reset_rebuilds_the_model(historical):
    # Mesa's Reset button: kwargs from the current model and the page's parameters, then
    # the model's class called with them. Mesa's own Scenario must not reach our parameters.
    s = historical.variant("historical")
    model = WorkingGroupModel(parameters=s, rng=3)
    model.run_until(25)
    kwargs = _build_model_init_kwargs(
        model,
        {"parameters": s, "rng": 3},
        add_scenario_when_empty=True,
        require_model_accepts_scenario=True,
    )
    assert "scenario" not in kwargs
    fresh = type(model)(**kwargs)
    assert fresh.steps == 0 and fresh.parameters is s
    fresh.run_until(25)
    assert fresh.events == model.events


def test_mesa_s_plot_component_draws_the_collected_series(historical):
    import ipywidgets
    import solara
    from mesa.visualization import make_plot_component

    m = WorkingGroupModel(historical.variant("historical"), rng=1)
    m.run_until(30)
    component, _ = make_plot_component(
        {"legitimacy": "tab:blue", "trust_us": "tab:red"}, backend="matplotlib"
    )
    _, rc = solara.render(component(m), handle_error=False)
    (image,) = rc.find(ipywidgets.Image).widgets
    assert image.value[:8] == b"\x89PNG\r\n\x1a\n" and len(image.value) > 5000
