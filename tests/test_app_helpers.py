"""The page's helpers without a browser: stages from the log, network, sliders, runs, replay."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_file, run
from sim.errors import ScenarioError
from sim.page.data import (
    PAGE_PARAMETERS,
    in_flight,
    network,
    pipeline_counts,
    scenario_choices,
    slider_specs,
    statuses,
)
from sim.page.model import PageModel, ReplayRun, stored_runs, today_line
from sim.page.views import network_figure, pipeline_figure, series_figure
from sim.runs.runner import build, events_frame
from sim.scenario.fields import field_info
from sim.scenario.paths import get_value

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.mark.parametrize(
    ("file", "variant"),
    [("historical", "historical"), ("historical", "no-group"), ("endogenous", "endogenous")],
)
def test_stages_read_from_the_log_match_the_model_every_week(file, variant):
    scenario = load_file(SCENARIOS / f"{file}.yaml").variant(variant)
    model = build(scenario, 5)
    for week in range(1, model.n_weeks + 1):
        model.step()
        if week % 7 and week != model.n_weeks:
            continue
        status = statuses(events_frame(model.events, scenario.calendar.start))
        assert {p.id: p.status for p in model.proposals} == status, week


def test_pipeline_counts_and_items_in_flight():
    scenario = load_file(SCENARIOS / "historical.yaml").variant(None)
    model = build(scenario, 1)
    model.run_until(40)
    events = events_frame(model.events, scenario.calendar.start)
    counts = pipeline_counts(statuses(events))
    assert sum(counts.values()) == len(model.proposals)
    items = in_flight(events, model.steps)
    assert len(items) == sum(not p.terminal for p in model.proposals)
    assert [i.age_weeks for i in items] == sorted((i.age_weeks for i in items), reverse=True)


def test_network_has_the_wg_hub_only_while_it_exists():
    m = PageModel(seed=3)
    for _ in range(30):
        m.step()
    early = network(m.views()[0])
    assert "WG" in early.nodes  # agreed 2018-10-30 (week 21)
    names = {e.label for e in early.edges}
    assert {"Chung-Bolton", "Kang-Pompeo", "Lee-Biegun"} <= names
    assert all(e.volume >= 0 for e in early.edges)
    assert all(0 <= e.trust <= 1 for e in early.edges if e.trust is not None)
    off = PageModel(seed=3, working_group=False)
    for _ in range(30):
        off.step()
    assert "WG" not in network(off.views()[0]).nodes


def test_sliders_come_from_the_schema():
    scenario = load_file(SCENARIOS / "historical.yaml").variant(None)
    specs = slider_specs(scenario)
    assert [s.path for s in specs] == list(PAGE_PARAMETERS)
    for s in specs:
        info = field_info(s.path)
        bounds = {type(m).__name__: m for m in info.metadata}
        assert s.min == bounds["Ge"].ge and s.max == bounds["Le"].le
        assert s.value == pytest.approx(get_value(scenario, s.path))
        assert s.min <= s.value <= s.max
        assert info.json_schema_extra["unit"] in s.label
    with pytest.raises(ScenarioError, match="not a field"):
        slider_specs(scenario, ("us.no_such_thing",))


def test_page_model_steps_like_the_runner():
    m = PageModel(scenario_variant="historical / no-group", seed="7", working_group=False)
    while m.running:
        m.step()
    ref = run(load_file(SCENARIOS / "historical.yaml").variant("no-group"), seed=7)
    assert m.runs[0].model.events == ref.events
    assert today_line(m.views()[0]) == "week 186 of 186: 2021-12-27"


def test_wg_switch_and_side_by_side_share_the_seed():
    on = PageModel(seed=4)
    off = PageModel(seed=4, working_group=False)
    side = PageModel(seed=4, mode="side by side: group vs no group")
    for model in (on, off, side):
        for _ in range(60):
            model.step()
    assert [r.label for r in side.runs] == ["working group", "no group"]
    assert side.runs[0].model.events == on.runs[0].model.events
    assert side.runs[1].model.events == off.runs[0].model.events
    assert on.runs[0].model.events != off.runs[0].model.events


def test_slider_changes_apply_and_untouched_sliders_keep_the_scenario():
    base = PageModel(seed=1).runs[0].model.params.us.win_set  # the scenario's (calibrated)
    start = {"us.win_set": base}
    same = PageModel(seed=1, initial=start, **{"us.win_set": base})
    assert same.runs[0].model.params.us.win_set == pytest.approx(base)
    moved = PageModel(seed=1, initial=start, **{"us.win_set": 0.2})
    assert moved.runs[0].model.params.us.win_set == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": "seven"}, "seed 'seven' is not a whole number"),
        ({"scenario_variant": "nope / x"}, "unknown scenario 'nope / x'"),
        ({"scenario_variant": "historical / nope"}, "unknown variant 'nope'"),
        ({"mode": "replay a stored run", "replay": "x"}, "unknown stored run 'x'"),
        ({"legitimacy.termination_threshold": 0.9}, "termination_threshold"),
    ],
)
def test_bad_controls_show_a_problem_and_fall_back(kwargs, message, tmp_path):
    m = PageModel(results_dir=str(tmp_path), **kwargs)
    assert message in m.problem
    assert len(m.runs) == 1 and m.runs[0].view().week == 0


def test_scenario_choices_list_every_variant():
    choices = scenario_choices(SCENARIOS)
    assert "historical / no-group" in choices and "cadence / regular" in choices
    assert choices["cadence / regular"] == (SCENARIOS / "cadence.yaml", "regular")


def test_replay_of_a_run_folder_and_a_compare_batch(tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app

    cli = CliRunner()
    r = cli.invoke(
        app, ["run", str(SCENARIOS / "historical.yaml"), "-s", "3", "-o", str(tmp_path / "one")]
    )
    assert r.exit_code == 0, r.output
    r = cli.invoke(
        app,
        [
            "compare",
            str(SCENARIOS / "cadence.yaml"),
            "-n",
            "2",
            "-w",
            "1",
            "--events",
            "-o",
            str(tmp_path / "cmp"),
        ],
    )
    assert r.exit_code == 0, r.output
    runs = stored_runs(tmp_path)
    labels = [x.label for x in runs]
    assert "one: historical (seed 3)" in labels
    assert sum(x.folder.name == "cmp" for x in runs) == 4  # 2 variants x 2 replications
    single = next(x for x in runs if x.folder.name == "one")
    replay = ReplayRun(single)
    ref = run(load_file(SCENARIOS / "historical.yaml").variant(None), seed=3)
    assert replay.channels == tuple(
        (c.name, c.via_nsc) for c in load_file(SCENARIOS / "historical.yaml").variant(None).channels
    )
    for _ in range(50):
        replay.step()
    view = replay.view()
    assert view.week == 50 and len(view.series) == 50
    assert len(view.events) == sum(e[0] <= 50 for e in ref.events)
    batch = next(x for x in runs if x.folder.name == "cmp" and x.variant == "regular")
    page = PageModel(mode="replay a stored run", replay=batch.label, results_dir=str(tmp_path))
    assert page.problem == ""
    while page.running:
        page.step()
    assert page.views()[0].week == 186


def test_figures_draw_for_one_and_two_runs():
    side = PageModel(seed=2, mode="side by side: group vs no group")
    for _ in range(3):
        side.step()
    for views in (side.views(), side.views()[:1]):
        for draw in (network_figure, pipeline_figure, series_figure):
            fig = draw(views)
            assert fig.axes
