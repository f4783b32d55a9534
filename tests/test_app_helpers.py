"""The page's helpers without a browser: stages from the log, network, sliders, runs, replay."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim import load_file, run
from sim.errors import ScenarioError, WgsimError
from sim.page.charts import PANELS, Shock, outcome_charts, shock_list, shock_rows
from sim.page.controls import (
    GROUPS,
    PAGE_PARAMETERS,
    PRESETS,
    build_scenario,
    changed,
    parse_seed,
    scenario_choices,
    slider_specs,
)
from sim.page.data import RunView, in_flight, network, pipeline_counts, statuses
from sim.page.growing import log_chunks
from sim.page.model import MODES, PageModel, ReplayRun, stored_runs, today_line
from sim.page.panels import heading
from sim.page.score import many_seeds, number, scoreboard
from sim.page.settings import Settings, from_address, specs_for, to_address
from sim.page.story import LogRow, filtered, log_rows, proposal_names
from sim.page.views import network_svg, pipeline_table
from sim.runs.runner import build, events_frame, series_frame
from sim.scenario.fields import field_info
from sim.scenario.paths import get_value

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
HIST = SCENARIOS / "historical.yaml"


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
    m = PageModel(HIST, "historical", "single", 3)
    for _ in range(30):
        m.step()
    early = network(m.views()[0])
    assert "WG" in early.nodes  # agreed 2018-10-30 (week 21)
    names = {e.label for e in early.edges}
    assert {"Chung-Bolton", "Kang-Pompeo", "Lee-Biegun"} <= names
    assert all(e.volume >= 0 for e in early.edges)
    assert all(0 <= e.trust <= 1 for e in early.edges if e.trust is not None)
    off = PageModel(HIST, "no-group", "single", 3)
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
        assert s.unit == info.json_schema_extra["unit"] and s.path not in s.label
        # issue 31: plain words for a class, no field paths, symbols or source notes
        assert s.words is not None and s.label == s.words.label
        assert s.tooltip.startswith(s.meaning) and "The slider runs from" in s.tooltip
        for jargon in (s.path, "MECHANISMS", "share of L", "1/week", "Prior", "_"):
            assert jargon not in s.tooltip and jargon not in s.shown(s.value)
    with pytest.raises(ScenarioError, match="not a field"):
        slider_specs(scenario, ("us.no_such_thing",))


def test_page_model_steps_like_the_runner():
    m = PageModel(HIST, "no-group", "single", 7)
    while m.running:
        m.step()
    ref = run(load_file(HIST).variant("no-group"), seed=7)
    assert m.runs[0].model.events == ref.events
    assert today_line(m.views()[0]) == "week 186 of 186: 2021-12-27"
    assert m.finished


def test_views_grow_by_new_rows_and_equal_fresh_frames():
    m = PageModel(HIST, "historical", "single", 2)
    for week in range(1, 61):
        m.step()
        if week % 20:
            continue
        view, model = m.views()[0], m.runs[0].model
        start = model.parameters.calendar.start
        pd.testing.assert_frame_equal(view.events, events_frame(model.events, start))
        pd.testing.assert_frame_equal(view.series, series_frame(model.series, start))


def test_the_variant_decides_the_group_and_the_pair_shares_the_seed():
    wg = PageModel(HIST, "historical", "single", 4)
    none = PageModel(HIST, "no-group", "single", 4)
    side = PageModel(HIST, "historical", "side", 4)
    for model in (wg, none, side):
        for _ in range(60):
            model.step()
    assert [r.label for r in side.runs] == ["working group", "no group"]
    assert [wg.runs[0].label, none.runs[0].label] == ["working group", "no group"]
    assert side.runs[0].model.events == wg.runs[0].model.events
    assert wg.runs[0].model.events != none.runs[0].model.events
    # defect 1: a no-group variant never gets a WG back
    for variant in ("no-group",):
        s = build_scenario(HIST, variant)
        assert s.working_group.establishment == "never"
    s = build_scenario(SCENARIOS / "endogenous.yaml", "no-group")
    assert s.working_group.establishment == "never"


def test_slider_values_change_the_run_only_when_moved():
    scenario = load_file(HIST).variant(None)
    specs = slider_specs(scenario)
    own = {s.path: s.value for s in specs}
    rounded = {p: round(v / s.step) * s.step for (p, v), s in zip(own.items(), specs, strict=True)}
    assert changed(rounded, specs) == {}  # a slider's rounding is not a change
    assert changed({**own, "us.win_set": 0.2}, specs) == {"us.win_set": 0.2}
    moved = PageModel(HIST, None, "single", 1, {"us.win_set": 0.2})
    assert moved.runs[0].model.parameters.us.win_set == pytest.approx(0.2)


def test_sliders_load_each_variant_s_values():
    scope = load_file(SCENARIOS / "scope.yaml")
    values = {v: slider_specs(scope.variant(v))[0] for v in scope.variants}
    assert values["sanctioned-only"].path == "working_group.scope"
    assert values["sanctioned-only"].value == 0.0 != values["full-scope"].value


def test_groups_and_presets_are_valid_fields():
    assert set(GROUPS) == {"The working group", "The US", "The ROK", "The DPRK"}
    specs = {s.path: s for s in slider_specs(load_file(HIST).variant(None))}
    for values in PRESETS.values():
        for path, value in values.items():
            assert specs[path].min <= value <= specs[path].max
            build_scenario(HIST, None, overrides=values)


@pytest.mark.parametrize(
    ("text", "seed", "problem"),
    [
        ("7", 7, ""),
        (" 0 ", 0, ""),
        ("abc", None, "not a whole number"),
        ("-3", None, "negative"),
        ("", None, "type a seed"),
        (None, None, "type a seed"),
        ("1.5", None, "not a whole number"),
        (str(2**40), None, "too large"),
    ],
)
def test_seed_box(text, seed, problem):
    got, why = parse_seed(text)
    assert got == seed and problem in why and (why == "") == (seed is not None)


def test_bad_values_and_stored_runs_raise_clear_errors(tmp_path):
    with pytest.raises(WgsimError, match="termination_threshold"):
        PageModel(HIST, None, "single", 0, {"legitimacy.termination_threshold": 0.9})
    with pytest.raises(WgsimError, match="unknown variant 'nope'"):
        PageModel(HIST, "nope", "single", 0)
    with pytest.raises(WgsimError, match="no stored run"):
        PageModel(HIST, None, "replay", 0)


def test_scenario_choices_list_every_variant_and_skip_broken_files(tmp_path):
    choices = scenario_choices(SCENARIOS)
    assert "historical / no-group" in choices.entries and "cadence / regular" in choices.entries
    assert choices.entries["cadence / regular"] == (SCENARIOS / "cadence.yaml", "regular")
    assert choices.skipped == ()
    (tmp_path / "a.yaml").write_text("variants: [oops\n")
    (tmp_path / "b.yaml").write_bytes(b"\xff\xfe\x00bad")
    shutil.copy(SCENARIOS / "historical.yaml", tmp_path / "c.yaml")
    got = scenario_choices(tmp_path)
    names = [s.split(":")[0] for s in got.skipped]
    assert "a.yaml" in names and "b.yaml" in names
    assert all(len(s) > len("a.yaml: ") for s in got.skipped)  # each says why
    assert "malformed YAML" in got.skipped[0]


def test_replay_of_a_run_folder_and_a_compare_batch(tmp_path):
    from typer.testing import CliRunner

    from sim.cli.app import app

    cli = CliRunner()
    r = cli.invoke(app, ["run", str(HIST), "-s", "3", "-o", str(tmp_path / "one")])
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
    ref = run(load_file(HIST).variant(None), seed=3)
    assert replay.channels == tuple(
        (c.name, c.via_nsc) for c in load_file(HIST).variant(None).channels
    )
    for _ in range(50):
        replay.step()
    view = replay.view()
    assert view.week == 50 and len(view.series) == 50
    assert len(view.events) == sum(e[0] <= 50 for e in ref.events)
    batch = next(x for x in runs if x.folder.name == "cmp" and x.variant == "regular")
    page = PageModel(mode="replay", replay=batch)
    while page.running:
        page.step()
    assert page.views()[0].week == 186


def test_panels_draw_for_one_and_two_runs():
    side = PageModel(HIST, "historical", "side", 2)
    for _ in range(40):
        side.step()
    for views in (side.views(), side.views()[:1]):
        spec = outcome_charts(views)
        assert len(spec["concat"]) == len(PANELS)
        assert {r["run"] for r in spec["datasets"]["series"]} == {v.label for v in views}
        assert "Hanoi" in shock_list(views[0])
        svg = network_svg(views[0])
        assert "<svg" in svg and "MOFA" in svg
        # edge labels (10 px text) come after every edge, so no edge is drawn over one
        assert svg.rindex("<path") < svg.index('font-size="10"')
        assert "Lee-Biegun (" in svg.split("</path>")[-1]
        assert pipeline_table(views).count("<th>") >= 10
        lines = scoreboard(views)
        assert all(len(line.values) == len(views) for line in lines)
        assert (lines[0].difference is None) == (len(views) == 1)


def test_log_rows_explain_and_filter():
    m = PageModel(HIST, "historical", "single", 0)
    for _ in range(80):
        m.step()
    view = m.views()[0]
    rows = log_rows(view)
    assert len(rows) == len(view.events)  # the whole history
    vetoes = [r for r in rows if r.kind == "vetoed"]
    assert vetoes and all("sanctions load" in r.because for r in vetoes)
    for r in vetoes:  # the clause reads the proposal and the week's win-set, not a guess
        p = view.proposals[r.proposal]
        if not p.modified:
            assert f"({p.sigma:.2f})" in r.because
    assert all(r.kind != "contact" for r in filtered(rows))
    assert len(filtered(rows, hide_contacts=False)) == len(rows)
    assert {r.actor for r in filtered(rows, actor="DPRK")} == {"DPRK"}
    pid = next(iter(proposal_names(view)))
    story = filtered(rows, hide_contacts=False, proposal=pid)
    assert story and {r.proposal for r in story} == {pid} and story[0].kind == "created"


def test_a_surprise_explains_whether_it_followed_the_announcement_or_the_act():
    from sim.page.story import BECAUSE, Context

    said = {
        act: BECAUSE["surprise"](Context({}, None, f"the US was not told of 'x' ({act})"))
        for act in ("announced", "implemented")
    }
    assert said["announced"].endswith("had not been told before it was announced")
    assert said["implemented"].endswith("had not been told before it was carried out")


def test_many_seeds_pairs_the_runs_by_seed():
    done = []
    out = many_seeds(HIST, "historical", {}, n=6, progress=done.append)
    assert done == [1, 2, 3, 4, 5, 6] and out.seeds == tuple(range(6))
    none = build_scenario(HIST, "historical", working_group=False)
    wg = build_scenario(HIST, "historical")
    surprises = out.metrics[0]
    assert surprises.wg == tuple(float(run(wg, s).metrics["surprises"]) for s in range(6))
    assert surprises.none == tuple(float(run(none, s).metrics["surprises"]) for s in range(6))
    assert surprises.lo <= surprises.mean <= surprises.hi
    assert 0 <= out.teaching_seed < 6
    assert number(float("nan")) == "—" and number(2.0, signed=True) == "+2"


def test_names_from_files_are_escaped_in_the_page_s_html():
    """Issue 28 defect 3: shock names, run labels and log lines reach the browser as text."""
    attack = "<img src=x onerror=alert(1)> {{ 7*191 }}"
    events = pd.DataFrame(
        {"kind": ["shock"], "detail": [f"2018-06-12: {attack}"], "week": [1], "proposal_id": [0]}
    )
    view = RunView(attack, dt.date(2018, 6, 11), 1, 10, events, pd.DataFrame(), ())
    key = shock_list(view)
    assert "<img" not in key and "&lt;img src=x onerror=alert(1)&gt; {{ 7*191 }}" in key
    line = heading(f"Event log: {attack}").kwargs["unsafe_innerHTML"]
    assert line == "<b>Event log: &lt;img src=x onerror=alert(1)&gt; {{ 7*191 }}</b>"
    row = LogRow(1, '2018-06-11"><script>', "<i>kind", attack, 0, attack, attack)
    html = log_chunks([row])[0]
    assert "<img" not in html and "<script>" not in html and "<i>" not in html


def test_close_shocks_take_turns_on_two_rows():
    """Issue 31 defect 8: shocks 14 and 15, three weeks apart, ran together as "1415"."""
    weeks = [1, 11, 15, 30, 38, 151, 154, 155]
    rows = shock_rows([Shock(i, "", "", w) for i, w in enumerate(weeks, start=1)])
    assert rows == [0, 0, 10, 0, 10, 0, 10, 0]  # the third of three close ones: oldest row


def test_slider_values_read_in_plain_units():
    specs = {s.path: s for s in slider_specs(load_file(HIST).variant(None))}
    assert specs["legitimacy.denunciation_loss"].shown(0.119) == "12% of its standing"
    assert specs["working_group.max_gap_weeks"].shown(8) == "8 weeks"
    assert specs["dprk.denunciation_rate"].shown(0.595) == "0.59 a week per grievance"
    assert specs["dprk.wedge_boost"].shown(0.5) == "+50%"
    assert specs["rok.violation_prob"].shown(0.02) == "2%"
    assert specs["rok.domestic_pressure"].shown(0.3) == "0.30 on a 0–2 scale"


def test_the_address_round_trips_the_set_up():
    """Issue 31 defect 6: what the address holds comes back as it was; bad parts named."""
    choices = scenario_choices(SCENARIOS)
    runs: dict = {}
    default = Settings(
        "historical / historical",
        next(iter(MODES)),
        0,
        {sp.path: sp.value for sp in specs_for(choices, "historical / historical")},
    )
    own = {sp.path: sp.value for sp in specs_for(choices, "cadence / regular")}
    s = Settings("cadence / regular", "one run", 12, {**own, "rok.domestic_pressure": 1.5})
    query = to_address(choices, s, 40)
    assert "scenario=cadence&variant=regular&mode=one&seed=12" in query and "week=40" in query
    back, week, problems = from_address(query, choices, runs, default)
    assert (back, week, problems) == (s, 40, [])
    got, week, problems = from_address(
        "seed=x&rok.domestic_pressure=9&mode=z&week=-1", choices, runs, default
    )
    assert got == default and week == 0 and len(problems) == 4
