"""Scenario files: variants, inheritance, and a clear error for every kind of bad input."""

from pathlib import Path

import pytest
import yaml
from conftest import SCENARIOS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.loader import ScenarioFile, deep_merge, file_json_schema, load_file
from sim.overrides import apply_overrides, get_value, parse_path


def write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "s.yaml"
    f.write_text(text)
    return f


def problems(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_file(path)
    assert str(path) in str(info.value)
    return str(info.value)


def test_deep_merge():
    assert deep_merge({"a": {"b": 1, "c": 2}, "l": [1]}, {"a": {"b": 3}, "l": [2]}) == {
        "a": {"b": 3, "c": 2},
        "l": [2],
    }


def test_variants_override_the_base(historical):
    assert list(historical.variants) == ["historical", "no-group"]
    assert historical.baseline == "historical"
    assert historical.variant("no-group").working_group.establishment == "never"
    assert historical.variant("historical").working_group.establishment == "scheduled"
    assert historical.variant(None) is historical.variant("historical")


def test_extends_inherits_the_base():
    cadence = load_file(SCENARIOS / "cadence.yaml")
    assert cadence.variant("regular").working_group.cadence == "regular"
    assert (
        cadence.variant("ad-hoc").shocks
        == load_file(SCENARIOS / "historical.yaml").variant(None).shocks
    )


def test_digest_changes_with_content(tmp_path):
    a = load_file(write(tmp_path, "scenario: {us: {win_set: 0.5}}"))
    b = load_file(write(tmp_path, "scenario: {us: {win_set: 0.6}}"))
    assert a.digest != b.digest


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("scenario: {us: {win_sett: 0.5}}", ["us.win_sett", "unknown field", "win_set"]),
        ("scenario: {us: {win_set: lots}}", ["us.win_set", "'lots'", "valid number"]),
        ("scenario: {us: {win_set: 1.5}}", ["us.win_set", "1.5", "less than or equal to 1"]),
        ("scenario: {working_group: {cadence: weekly}}", ["cadence", "'weekly'", "ad_hoc"]),
        ("scenario: {proposals: {gray_threshold: 0.9}}", ["gray_threshold (0.9)", "un_threshold"]),
        ("scenario: {working_group: {establishment: never}}", ["agreed_on", "null"]),
        ("scenario: [1, 2\n", ["malformed YAML", "line"]),
        ("- 1\n- 2\n", ["top level"]),
        ("scenari: {}\n", ["unknown top-level key 'scenari'"]),
        ("variants: {a: {overrides: {us: {nope: 1}}}}", ["variant 'a'", "us.nope"]),
        ("variants: {a: {override: {}}}", ["variants.a", "override"]),
        (
            "scenario: {shocks: [{date: 2030-01-01, name: late}]}",
            ["shocks[0]", "2030-01-01", "outside the calendar"],
        ),
        (
            "scenario: {shocks: [{date: 2019-01-01, name: x, "
            "effects: [{kind: win_set, scale: 9}]}]}",
            ["shocks[0].effects[0].scale", "9"],
        ),
        ("extends: missing.yaml\n", ["file not found"]),
    ],
)
def test_bad_files_name_field_and_value(tmp_path, text, needles):
    msg = problems(write(tmp_path, text))
    for needle in needles:
        assert needle in msg


def test_missing_file_and_unknown_variant(tmp_path, historical):
    assert "file not found" in problems(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="unknown variant 'x'; available: historical, no-group"):
        historical.variant("x")


def test_json_schema_is_complete():
    schema = file_json_schema()
    assert set(schema["properties"]) == {"extends", "scenario", "variants"}
    assert "working_group" in schema["properties"]["scenario"]["properties"]


def test_overrides_by_path(historical):
    s = historical.variant(None)
    assert parse_path("actors.mou.position[1]") == ["actors", "mou", "position", 1]
    t = apply_overrides(s, {"actors.mou.position[1]": 0.5, "shocks[0].name": "renamed"})
    assert get_value(t, "actors.mou.position[1]") == 0.5
    assert t.shocks[0].name == "renamed"
    assert s.actors.mou.position[1] != 0.5  # the original is untouched
    for bad, needle in [
        ({"us.nope": 1}, "no field 'nope'"),
        ({"us.win_set": 3}, "less than or equal"),
        ({"shocks[99].name": "x"}, "out of range"),
        ({"us..win_set": 1}, "empty path"),
    ]:
        with pytest.raises(ScenarioError, match=needle):
            apply_overrides(s, bad)


# --- fuzzing: the loader returns a ScenarioFile or raises ScenarioError, nothing else ----

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-2, 2) | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
FIXTURE_OK = [HealthCheck.function_scoped_fixture]
FIELDS = ["us", "dprk", "working_group", "shocks", "channels", "calendar", "proposals", "actors"]


def _load_text(tmp_path: Path, text: str) -> None:
    f = tmp_path / "fuzz.yaml"
    f.write_text(text)
    try:
        result = load_file(f)
    except ScenarioError:
        return
    assert isinstance(result, ScenarioFile)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3))
def test_fuzzed_scenario_sections_never_crash(tmp_path, section):
    _load_text(tmp_path, yaml.safe_dump({"scenario": section}))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=80))
def test_fuzzed_text_never_crashes(tmp_path, text):
    _load_text(tmp_path, text)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(
        [
            "us.win_set",
            "dprk.respond_prob",
            "working_group.queue_trigger",
            "legitimacy.initial",
            "channels",
        ]
    ),
    json_values,
)
def test_fuzzed_values_in_a_valid_file_never_crash(tmp_path, path, value):
    section, _, key = path.partition(".")
    scenario = {section: {key: value}} if key else {section: value}
    _load_text(
        tmp_path,
        yaml.safe_dump({"extends": str(SCENARIOS / "historical.yaml"), "scenario": scenario}),
    )
