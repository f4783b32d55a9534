"""The model as Mesa users expect it: constructor, time, DataCollector, batch_run, Reset."""

from __future__ import annotations

import math
import warnings

import mesa
import pytest
import solara
from mesa.visualization.solara_viz import _build_model_init_kwargs

from sim.core.construction import solara_model_params
from sim.core.model import SERIES_COLUMNS, WorkingGroupModel
from sim.core.outputs import SERIES
from sim.errors import ScenarioError
from sim.runs.runner import run
from sim.scenario import Scenario
from sim.scenario.paths import apply_overrides, get_value


def same(a: object, b: object) -> bool:
    """Equal, or both NaN."""
    nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    return bool(a == b) or nan


def stored(row: tuple) -> list:
    """A recorded row as the DataCollector reports it: as the files store it (labels, flags)."""
    return [c.stored(v) for c, v in zip(SERIES, row, strict=True)]


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
        assert all(same(x, y) for x, y in zip(stored(row), collected, strict=True))


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
                same(v, got[name]) for name, v in zip(SERIES_COLUMNS, stored(row), strict=True)
            )


def test_solaraviz_reset_rebuilds_the_model(historical):
    # Mesa's Reset button: kwargs from the current model and the page's parameters, then
    # the model's class called with them. Mesa adds its own Scenario (it holds only the
    # seed); the model takes it and ignores it: our parameters are ``parameters``.
    s = historical.variant("historical")
    model = WorkingGroupModel(parameters=s, rng=3)
    model.run_until(25)
    kwargs = _build_model_init_kwargs(
        model,
        {"parameters": s, "rng": 3},
        add_scenario_when_empty=True,
        require_model_accepts_scenario=True,
    )
    fresh = type(model)(**kwargs)
    assert fresh.steps == 0 and fresh.parameters is s
    fresh.run_until(25)
    assert fresh.events == model.events


def test_scenario_fields_as_keywords_set_the_model_s_parameters(historical):
    s = historical.variant("historical")
    m = WorkingGroupModel(s, rng=3, **{"us.veto_slope": 15.0, "working_group.cosponsor": False})
    assert m.parameters == apply_overrides(
        s, {"us.veto_slope": 15.0, "working_group.cosponsor": False}
    )
    assert m.state.params.veto_slope == 15.0 and not m.wg.params.cosponsor
    assert WorkingGroupModel(**{"working_group.scope": 0.25}).parameters.working_group.scope == 0.25
    with pytest.raises(ScenarioError, match=r"working_group\.scope.*less than or equal to 1"):
        WorkingGroupModel(**{"working_group.scope": 2.0})
    with pytest.raises(ScenarioError, match=r"'working_group\.nope': no field 'nope'"):
        WorkingGroupModel(**{"working_group.nope": 1})


def test_mesa_batch_run_sweeps_a_scenario_field():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        rows = mesa.batch_run(
            WorkingGroupModel,
            {"working_group.scope": [0.2, 0.8]},
            rng=[1, 2],
            max_steps=60,
            number_processes=1,
            data_collection_period=-1,
            display_progress=False,
        )
    assert sorted((r["working_group.scope"], r["seed"]) for r in rows) == [
        (0.2, 1),
        (0.2, 2),
        (0.8, 1),
        (0.8, 2),
    ]
    last = {}
    for r in rows:
        # the value reached the model: the model built with the same keyword runs as the
        # runner runs the default scenario with the field set, and batch_run's row is its
        # DataCollector's week 60
        scope, seed = r["working_group.scope"], r["seed"]
        direct = WorkingGroupModel(**{"working_group.scope": scope}, seed=seed)
        while direct.running and direct.steps < 60:
            direct.step()
        expected = run(apply_overrides(Scenario(), {"working_group.scope": scope}), seed)
        assert direct.parameters.working_group.scope == scope
        assert direct.series == expected.series[:60]
        week60 = direct.datacollector.get_model_vars_dataframe().iloc[-1]
        assert r["Step"] == 60
        assert all(
            r[k] == week60[k] or (r[k] != r[k] and week60[k] != week60[k]) for k in week60.index
        )
        last[scope, seed] = tuple(r[k] for k in SERIES_COLUMNS)
    assert any(last[0.2, seed] != last[0.8, seed] for seed in (1, 2))  # the field matters


def test_solaraviz_sliders_from_the_schema_build_the_model():
    from mesa.visualization.solara_viz import UserInputs, split_model_params

    paths = ["working_group.scope", "working_group.max_gap_weeks", "working_group.cosponsor"]
    params = solara_model_params(paths)
    assert params["working_group.scope"] == {
        "type": "SliderFloat",
        "value": 0.5,
        "label": "Scope (probability)",
        "min": 0.0,
        "max": 1.0,
        "step": pytest.approx(0.005),
    }
    gap = params["working_group.max_gap_weeks"]
    assert (gap["type"], gap["min"], gap["max"], gap["step"]) == ("SliderInt", 1, 52, 1)
    assert gap["label"] == "Maximum gap (weeks)"
    assert params["working_group.cosponsor"]["type"] == "Checkbox"
    user, fixed = split_model_params({**params, "rng": 4})
    assert set(user) == set(paths) and fixed == {"rng": 4}
    solara.render(UserInputs(user, on_change=lambda *_: None), handle_error=False)  # Mesa's inputs
    # each slider's end positions are values the schema accepts, and they reach the model
    for end in ("min", "max"):
        values = {p: spec[end] for p, spec in user.items() if end in spec}
        m = WorkingGroupModel(**fixed, **values, **{"working_group.cosponsor": False})
        assert get_value(m.parameters, "working_group.scope") == values["working_group.scope"]
        assert m.wg.params.max_gap_weeks == values["working_group.max_gap_weeks"]
        m.run_for(5)
    with pytest.raises(ScenarioError, match="'name': a slider needs a number field"):
        solara_model_params(["name"])
    with pytest.raises(ScenarioError, match="no field"):
        solara_model_params(["working_group.nope"])


def test_mesa_s_plot_component_draws_the_collected_series(historical):
    import ipywidgets
    from mesa.visualization import make_plot_component

    m = WorkingGroupModel(historical.variant("historical"), rng=1)
    m.run_until(30)
    component, _ = make_plot_component(
        {"legitimacy": "tab:blue", "trust_us": "tab:red"}, backend="matplotlib"
    )
    _, rc = solara.render(component(m), handle_error=False)
    (image,) = rc.find(ipywidgets.Image).widgets
    assert image.value[:8] == b"\x89PNG\r\n\x1a\n" and len(image.value) > 5000
