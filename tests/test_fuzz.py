"""Fuzzing: no input makes the loader crash; it gives a ScenarioFile or a ScenarioError."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.scenario.loader import ScenarioFile, load_file
from sim.scenario.paths import apply_overrides
from sim.scenario.schema import Scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"

HISTORICAL = yaml.safe_load((SCENARIOS / "historical.yaml").read_text(encoding="utf-8"))

SCHEMA_WORDS = [
    "scenario",
    "variants",
    "extends",
    "overrides",
    "description",
    "us",
    "win_set",
    "dprk",
    "working_group",
    "establishment",
    "agreed_on",
    "cadence",
    "shocks",
    "effects",
    "kind",
    "date",
    "name",
    "channels",
    "calendar",
    "start",
    "end",
    "actors",
    "mou",
    "position",
    "legitimacy",
    "proposals",
    "types",
    "HUM",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=10)
    | st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1))
    | st.sampled_from(["never", "regular", "ad_hoc", "track", "summit", "E", "mou", "2019-01-01"])
)
keys = st.sampled_from(SCHEMA_WORDS) | st.text(max_size=8) | st.integers(-3, 3)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


def load_text(text: str) -> None:
    """Load ``text`` as a scenario file: only a ScenarioFile or a ScenarioError may come out."""
    with tempfile.TemporaryDirectory() as folder:
        f = Path(folder) / "fuzz.yaml"
        f.write_text(text, encoding="utf-8")
        try:
            result = load_file(f)
        except ScenarioError as exc:
            assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
            return
        assert isinstance(result, ScenarioFile)
        assert all(isinstance(s, Scenario) for s in result.variants.values())


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@settings(database=None, max_examples=150, deadline=None)
@given(values)
def test_random_yaml_structures_never_crash_the_loader(data):
    load_text(dump(data))


@settings(database=None, max_examples=150, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["scenario", "variants", "extends"]) | keys, values, max_size=3)
)
def test_random_top_level_mappings_never_crash_the_loader(data):
    load_text(dump(data))


@settings(database=None, max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_crashes_the_loader(text):
    load_text(text)


def _paths(node, prefix=()):
    """Every path (tuple of keys and indexes) to a node of a YAML structure."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


PATHS = [p for p in _paths(HISTORICAL) if p]


def _mutate(data, path, how, value):
    out = copy.deepcopy(data)
    parent = out
    for tok in path[:-1]:
        parent = parent[tok]
    leaf = path[-1]
    match how:
        case "replace":
            parent[leaf] = value
        case "delete":
            del parent[leaf]
        case "add_key":
            target = parent[leaf]
            if isinstance(target, dict):
                target["unexpected_key"] = value
            else:
                parent[leaf] = {"unexpected_key": value}
        case "wrap":
            parent[leaf] = [parent[leaf]]
        case "stringify":
            parent[leaf] = str(parent[leaf])
        case "negate":
            old = parent[leaf]
            parent[leaf] = (
                -old if isinstance(old, (int, float)) and not isinstance(old, bool) else 0
            )
        case _:
            raise AssertionError(how)
    return out


@settings(database=None, max_examples=150, deadline=None)
@given(
    st.sampled_from(PATHS),
    st.sampled_from(["replace", "delete", "add_key", "wrap", "stringify", "negate"]),
    values,
)
def test_mutations_of_a_valid_scenario_never_crash_the_loader(path, how, value):
    load_text(dump(_mutate(HISTORICAL, path, how, value)))


SHALLOW = [p for p in PATHS if len(p) <= 3]  # sections, variants and their specs


@settings(database=None, max_examples=150, deadline=None)
@given(
    st.sampled_from(SHALLOW),
    st.sampled_from(["replace", "delete", "add_key", "wrap", "stringify", "negate"]),
    values,
)
def test_mutations_of_sections_and_variants_never_crash_the_loader(path, how, value):
    load_text(dump(_mutate(HISTORICAL, path, how, value)))


@settings(database=None, max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(["replace", "delete"]), values)))
def test_repeated_mutations_never_crash_the_loader(mutations):
    data = HISTORICAL
    for path, how, value in mutations:
        try:
            data = _mutate(data, path, how, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
    load_text(dump(data))


def test_the_unmutated_scenario_loads():
    load_text(dump(HISTORICAL))
    assert len(PATHS) > 100 and ("variants", "no-group", "overrides") in SHALLOW


BASE = load_file(SCENARIOS / "historical.yaml").variant(None)
OVERRIDE_PATHS = [
    "us.win_set",
    "actors.mou.position[1]",
    "shocks[4].effects[2].scale",
    "channels[0].contacts_per_week",
    "working_group.establishment",
    "calendar.end",
]


@settings(database=None, max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(OVERRIDE_PATHS) | st.text(max_size=15), values, max_size=3))
def test_random_overrides_give_a_scenario_or_a_scenario_error(overrides):
    try:
        out = apply_overrides(BASE, overrides)
    except ScenarioError as exc:
        assert exc.problems
        return
    assert isinstance(out, Scenario)


@settings(database=None, max_examples=150, deadline=None)
@given(
    st.integers(0, 10_000),
    st.integers(0, 99),
    st.integers(0, 99),
    st.sampled_from(["agreed_on", "start", "end"]),
)
def test_any_written_date_gives_a_scenario_or_a_clear_error(year, month, day, field):
    # Dates are written as YAML timestamps: impossible ones (2018-02-30, 2018-13-11), years
    # near 1 or 9999 and out-of-range ones must all end as a ScenarioError, never a crash.
    date = f"{year:04d}-{month:02d}-{day:02d}"
    where = "working_group" if field == "agreed_on" else "calendar"
    load_text(f"scenario:\n  {where}: {{{field}: {date}}}\n")


@settings(database=None, max_examples=40, deadline=None)
@given(st.integers(50, 5000), st.sampled_from(["[", "{a: "]))
def test_deep_nesting_is_refused_clearly(depth, opener):
    load_text("scenario: " + opener * depth)
