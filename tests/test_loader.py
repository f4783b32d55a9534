"""Scenario files: variants, inheritance, overrides by path, and a clear error for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.scenario.fields import parse_path
from sim.scenario.loader import (
    ScenarioFile,
    build_scenario,
    deep_merge,
    file_json_schema,
    load_file,
    load_scenario,
)
from sim.scenario.paths import apply_overrides, get_value
from sim.scenario.schema import Scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def write(folder: Path, text: str, name: str = "s.yaml") -> Path:
    f = folder / name
    f.write_text(text, encoding="utf-8")
    return f


def problems(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_file(path)
    assert info.value.source == str(path)
    assert str(path) in str(info.value)
    return str(info.value)


def test_deep_merge_merges_mappings_and_replaces_the_rest():
    base = {"a": {"b": 1, "c": 2}, "l": [1, 2], "x": 1}
    out = deep_merge(base, {"a": {"b": 3}, "l": [9], "y": {"z": 1}})
    assert out == {"a": {"b": 3, "c": 2}, "l": [9], "x": 1, "y": {"z": 1}}
    assert base == {"a": {"b": 1, "c": 2}, "l": [1, 2], "x": 1}  # not mutated
    assert deep_merge({"a": {"b": 1}}, {"a": 5}) == {"a": 5}


def test_every_scenario_file_loads():
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert {f.stem for f in files} >= {"historical", "cadence", "scope", "permanent", "endogenous"}
    for f in files:
        sf = load_file(f)
        assert isinstance(sf, ScenarioFile) and len(sf.variants) >= 2
        assert all(isinstance(s, Scenario) for s in sf.variants.values())
        assert all(sf.descriptions[name] for name in sf.variants)


def test_variants_override_the_base(historical):
    assert list(historical.variants) == ["historical", "no-group"]
    assert historical.baseline == "historical"
    assert historical.variant(None) is historical.variant("historical")
    hist, none = historical.variant("historical"), historical.variant("no-group")
    assert hist.working_group.establishment == "scheduled"
    assert none.working_group.establishment == "never" and none.working_group.agreed_on is None
    assert none.shocks == hist.shocks and none.channels == hist.channels
    assert load_scenario(SCENARIOS / "historical.yaml", "no-group") == none


def test_the_shipped_variants_differ_where_they_say():
    cadence = load_file(SCENARIOS / "cadence.yaml")
    assert cadence.variant("regular").working_group.cadence == "regular"
    assert cadence.variant("ad-hoc").working_group.cadence == "ad_hoc"
    scope = load_file(SCENARIOS / "scope.yaml")
    assert scope.variant("sanctioned-only").working_group.scope == 0.0
    permanent = load_file(SCENARIOS / "permanent.yaml")
    assert permanent.variant("permanent").working_group.can_terminate is False
    endo = load_file(SCENARIOS / "endogenous.yaml")
    assert endo.variant("endogenous").working_group.establishment == "endogenous"


def test_extends_inherits_the_base_and_records_both_texts(historical):
    cadence = load_file(SCENARIOS / "cadence.yaml")
    assert cadence.variant("ad-hoc") == historical.variant("historical")
    assert "Singapore summit" in cadence.text and "regular" in cadence.text


def test_lists_are_replaced_whole_and_mappings_merged(tmp_path):
    parent = write(
        tmp_path,
        "scenario:\n  us: {win_set: 0.5, drift: 0.01}\n"
        "  channels: [{name: a, contacts_per_week: 1, via_nsc: false},"
        " {name: b, contacts_per_week: 1, via_nsc: true}]\n",
        "parent.yaml",
    )
    assert parent.exists()
    child = write(
        tmp_path,
        "extends: parent.yaml\nscenario:\n  us: {win_set: 0.4}\n"
        "  channels: [{name: c, contacts_per_week: 2, via_nsc: false}]\n",
    )
    s = load_scenario(child)
    assert (s.us.win_set, s.us.drift) == (0.4, 0.01)
    assert [c.name for c in s.channels] == ["c"]


def test_a_file_without_variants_has_one_base_variant(tmp_path):
    sf = load_file(write(tmp_path, "scenario: {name: tiny}\n"))
    assert list(sf.variants) == ["base"] and sf.variant(None).name == "tiny"
    with pytest.raises(ScenarioError, match="the file is empty"):  # not silently the defaults
        load_file(write(tmp_path, "", "empty.yaml"))
    nulls = load_file(write(tmp_path, "variants: {a: null, b: {overrides: null}}", "n.yaml"))
    assert nulls.variant("a") == nulls.variant("b") == Scenario()


def test_digest_follows_the_resolved_content(tmp_path):
    a = load_file(write(tmp_path, "scenario: {us: {win_set: 0.5}}", "a.yaml"))
    b = load_file(write(tmp_path, "scenario: {us: {win_set: 0.6}}", "b.yaml"))
    c = load_file(write(tmp_path, "scenario:\n  us:\n    win_set: 0.5\n", "c.yaml"))
    assert a.digest != b.digest
    assert a.digest == c.digest


BAD_FILES = [
    ("scenario: {us: {win_sett: 0.5}}", ["us.win_sett", "0.5", "unknown field", "win_set"]),
    ("scenario: {us: {win_set: lots}}", ["us.win_set", "'lots'", "valid number"]),
    ("scenario: {us: {win_set: 1.5}}", ["us.win_set", "1.5", "less than or equal to 1"]),
    (
        "scenario: {working_group: {cadence: weekly}}",
        ["working_group.cadence", "'weekly'", "ad_hoc"],
    ),
    ("scenario: {proposals: {gray_threshold: 0.9}}", ["proposals", "gray_threshold (0.9)"]),
    ("scenario: {working_group: {establishment: never}}", ["working_group", "agreed_on", "null"]),
    ("scenario: {channels: [{name: a}]}", ["channels[0].contacts_per_week", "Field required"]),
    ("scenario: [1, 2\n", ["malformed YAML", "line 2"]),
    ("- 1\n- 2\n", ["top level", "expected a mapping"]),
    ("scenari: {}\n", ["unknown top-level key 'scenari'"]),
    ("scenario: 5\n", ["scenario: expected a mapping", "5"]),
    ("variants: {a: {overrides: {us: {nope: 1}}}}", ["variant 'a'", "us.nope"]),
    ("variants: {a: {override: {}}}", ["variants.a", "unknown key 'override'"]),
    ("variants: {a: 3}", ["variants.a", "expected a mapping"]),
    ("variants: {a: {overrides: [1]}}", ["variants.a.overrides", "[1]"]),
    ("variants: [a, b]", ["variants", "['a', 'b']"]),
    ("extends: 7\n", ["extends", "7"]),
    ("extends: missing.yaml\n", ["extends", "missing.yaml", "file not found"]),
    (
        "scenario: {shocks: [{date: 2030-01-01, name: late}]}",
        ["shocks[0]", "2030-01-01", "outside the calendar"],
    ),
    (
        "scenario: {shocks: [{date: 2019-01-01, name: x, effects: [{kind: win_set, scale: 9}]}]}",
        ["shocks[0].effects[0].scale", "9"],
    ),
    (
        "scenario: {shocks: [{date: 2019-01-01, name: x, effects: [{kind: track, opn: true}]}]}",
        ["shocks[0].effects[0].opn", "allowed fields here: kind, open, close_after_weeks"],
    ),
    (
        "scenario: {actors: {mou: {clout: 9}}}",
        ["actors.mou.clout", "9", "less than or equal to 5"],
    ),
]


@pytest.mark.parametrize(("text", "needles"), BAD_FILES)
def test_bad_files_name_the_file_field_and_value(tmp_path, text, needles):
    msg = problems(write(tmp_path, text))
    for needle in needles:
        assert needle in msg


def test_every_problem_of_every_variant_is_reported(tmp_path):
    msg = problems(
        write(
            tmp_path,
            "variants:\n  a: {overrides: {us: {win_set: 2}}}\n"
            "  b: {overrides: {dprk: {respond_prob: -1}}}\n",
        )
    )
    assert "variant 'a': us.win_set" in msg and "variant 'b': dprk.respond_prob" in msg


def test_missing_file_directory_bad_encoding_and_cycles(tmp_path):
    assert "file not found" in problems(tmp_path / "nope.yaml")
    assert "not a file" in problems(tmp_path)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"scenario: {name: \xff\xfe}\n")
    assert "not UTF-8" in problems(binary)
    write(tmp_path, "extends: b.yaml\n", "a.yaml")
    b = write(tmp_path, "extends: a.yaml\n", "b.yaml")
    assert "cycle" in problems(b)
    assert "cycle" in problems(write(tmp_path, "extends: self.yaml\n", "self.yaml"))


def test_a_bad_inherited_file_is_named_but_its_values_are_not_shown(tmp_path):
    parent = write(tmp_path, "scenario: {us: {win_set: 3}}\n", "parent.yaml")
    msg = problems(write(tmp_path, "extends: parent.yaml\n"))
    assert str(parent) in msg and "not a valid scenario on its own" in msg
    assert f"wgsim validate {parent}" in msg and "(got 3)" not in msg
    nested = problems(write(tmp_path, "extends: s.yaml\n", "child.yaml"))
    assert "s.yaml: extends: the file it extends is not a valid scenario" in nested
    assert str(parent) not in nested and "(got 3)" not in nested  # s.yaml names it, not child
    assert "us.win_set" in problems(parent) and "(got 3)" in problems(parent)


def test_unknown_variant(historical):
    with pytest.raises(ScenarioError, match="unknown variant 'x'; available: historical, no-group"):
        historical.variant("x")


def test_json_schema_covers_the_file_format():
    schema = file_json_schema()
    assert set(schema["properties"]) == {"extends", "scenario", "calibrated", "variants"}
    assert schema["additionalProperties"] is False
    scenario = schema["properties"]["scenario"]
    assert set(scenario["properties"]) == set(Scenario.model_fields)
    win_set = schema["$defs"]["Us"]["properties"]["win_set"]
    assert (win_set["minimum"], win_set["maximum"], win_set["unit"]) == (0.0, 1.0, "sanctions load")


# --- overrides by field path -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "tokens"),
    [
        ("us.win_set", ["us", "win_set"]),
        ("actors.mou.position[1]", ["actors", "mou", "position", 1]),
        ("shocks[4].effects[2].scale", ["shocks", 4, "effects", 2, "scale"]),
        ("channels[0][1]", ["channels", 0, 1]),
    ],
)
def test_parse_path(path, tokens):
    assert parse_path(path) == tokens


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("us..win_set", "empty path component"),
        ("", "empty path component"),
        ("[1].x", "malformed"),
        ("us.win set", "malformed"),
        ("us.1x", "malformed"),
        ("shocks[a]", "malformed"),
        ("shocks[1]x", "malformed"),
    ],
)
def test_parse_path_rejects_malformed_paths(path, needle):
    with pytest.raises(ScenarioError, match=needle):
        parse_path(path)


def test_apply_overrides_sets_values_and_revalidates(historical):
    s = historical.variant(None)
    win_set = s.us.win_set  # calibrated
    t = apply_overrides(
        s,
        {
            "actors.mou.position[1]": 0.5,
            "shocks[0].name": "renamed",
            "us.win_set": 0.45,
            "channels[2].contacts_per_week": 2.0,
        },
    )
    assert get_value(t, "actors.mou.position[1]") == 0.5
    assert t.actors.mou.position == (0.3, 0.5, 0.7)
    assert t.shocks[0].name == "renamed" and t.us.win_set == 0.45
    assert t.channels[2].contacts_per_week == 2.0
    assert s.actors.mou.position[1] == 0.9 and s.us.win_set == win_set  # the original is untouched
    assert apply_overrides(s, {}) is s
    assert get_value(s, "shocks[4].effects[2].scale") == 0.75


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ({"us.nope": 1}, "no field 'nope'; allowed here: win_set"),
        ({"us.win_set": 3}, r"us.win_set: Input should be less than or equal to 1 \(got 3\)"),
        ({"shocks[99].name": "x"}, r"index \[99\] out of range"),
        ({"us.win_set[0]": 1}, r"index \[0\] out of range"),
        ({"us..win_set": 1}, "empty path"),
        ({"proposals.gray_threshold": 0.8}, "gray_threshold"),
        ({"working_group.establishment": "never"}, "agreed_on"),
    ],
)
def test_apply_overrides_rejects_bad_paths_and_values(historical, values, needle):
    with pytest.raises(ScenarioError, match=needle):
        apply_overrides(historical.variant(None), values)


def test_build_scenario_merges_onto_defaults():
    s = build_scenario({"us": {"win_set": 0.4}, "dprk": {"endogenous_provocation": True}})
    assert s.us.win_set == 0.4 and s.us.veto_slope == Scenario().us.veto_slope
    assert s.dprk.endogenous_provocation is True


def test_a_value_the_file_writes_wins_over_the_calibrated_one_and_is_validated(tmp_path):
    root = Path(__file__).resolve().parents[1]
    historical = root / "scenarios" / "historical.yaml"
    (tmp_path / "calibration").mkdir()
    (tmp_path / "scenarios").mkdir()
    cal = root / "calibration" / "calibrated.yaml"
    (tmp_path / "calibration" / "calibrated.yaml").write_text(cal.read_text())
    calibrated = load_file(historical).variant("historical").working_group.scope

    def with_scope(value: str):
        text = historical.read_text().replace(
            "    cadence: ad_hoc\n", f"    cadence: ad_hoc\n    scope: {value}\n", 1
        )
        f = tmp_path / "scenarios" / "scope.yaml"
        f.write_text(text)
        return load_file(f)

    assert with_scope("0.2").variant("historical").working_group.scope == 0.2 != calibrated
    assert with_scope("calibrated").variant("historical").working_group.scope == calibrated
    for bad in ("1.5", "half"):
        with pytest.raises(ScenarioError, match=r"working_group\.scope"):
            with_scope(bad)
