"""The scenario schema: defaults, bounds, frozen sections, cross-field rules, the calendar."""

from __future__ import annotations

import datetime as dt
import pickle
import sys
import typing
from pathlib import Path

import annotated_types as at
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from sim import scenario as sc
from sim.scenario.fields import bounds
from sim.scenario.loader import build_scenario, load_file


def _fields(model: type[BaseModel], prefix: str = ""):
    """(path, FieldInfo) of every leaf field, recursing into sub-models, lists and unions."""
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        subs = _models_in(info.annotation)
        if not subs:
            yield path, info
        for sub in subs:
            yield from _fields(sub, path)


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _numeric(annotation) -> bool:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if annotation in (int, float):
        return True
    return (
        bool(args) and typing.get_origin(annotation) is not tuple and all(_numeric(a) for a in args)
    )


def test_defaults_form_a_valid_scenario_that_round_trips():
    s = sc.Scenario()
    again = sc.Scenario.model_validate(s.model_dump(mode="python"))
    assert again == s
    assert build_scenario({}) == s


def test_every_numeric_field_has_bounds_and_a_description():
    missing = []
    for path, info in _fields(sc.Scenario):
        if not _numeric(info.annotation):
            continue
        lower = [m for m in info.metadata if isinstance(m, (at.Ge, at.Gt))]
        upper = [m for m in info.metadata if isinstance(m, (at.Le, at.Lt))]
        if not (lower and upper and info.description):
            missing.append(path)
    assert not missing, f"numeric fields without bounds or description: {missing}"


def test_every_param_field_states_unit_and_prior():
    n = 0
    for path, info in _fields(sc.Scenario):
        extra = info.json_schema_extra
        if isinstance(extra, dict) and "unit" in extra:
            n += 1
            assert extra["unit"] and extra["prior"], path
    assert n > 90


def test_defaults_lie_within_their_bounds():
    for path, info in _fields(sc.Scenario):
        value = info.default
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        assert bounds(info).contains(value), path


SECTIONS = [
    sc.Calendar,
    sc.Actors,
    sc.UsActor,
    sc.DprkActor,
    sc.ProposalTypes,
    sc.Proposals,
    sc.Rok,
    sc.Us,
    sc.Information,
    sc.Successor,
    sc.WorkingGroupParams,
    sc.Un,
    sc.DprkParams,
    sc.Legitimacy,
    sc.Scenario,
]


def _sections_of(obj):
    """Every section object inside ``obj`` (itself included), through lists and tuples."""
    if isinstance(obj, sc.Section):
        yield obj
        for value in obj.__dict__.values():
            yield from _sections_of(value)
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from _sections_of(item)


def test_unpickled_scenarios_are_equal_with_interned_field_names():
    # Batch workers receive scenarios by pickle; field names that are not interned send
    # every parameter read down CPython's slow attribute path (about 10 % of a run).
    root = Path(__file__).resolve().parents[1]
    s = load_file(root / "scenarios" / "historical.yaml").variant("historical")
    again = pickle.loads(pickle.dumps(s))
    assert again == s
    sections = list(_sections_of(again))
    assert len(sections) > 20  # the actors, channels, shocks and their effects are reached
    for section in sections:
        for name in section.__dict__:
            assert sys.intern(name) is name, (type(section).__name__, name)
    with pytest.raises(ValidationError, match="frozen"):
        again.rok = s.rok


@pytest.mark.parametrize("section", SECTIONS, ids=lambda c: c.__name__)
def test_sections_reject_unknown_keys_and_are_frozen(section):
    with pytest.raises(ValidationError, match="extra"):
        section(no_such_field=1)
    obj = section()
    name = next(iter(section.model_fields))
    with pytest.raises(ValidationError, match="frozen"):
        setattr(obj, name, getattr(obj, name))


def test_calendar_weeks_and_dates():
    cal = sc.Calendar(start=dt.date(2018, 6, 11), end=dt.date(2018, 7, 9))
    assert cal.n_weeks == 5
    assert cal.week_of(dt.date(2018, 6, 11)) == 1
    assert cal.week_of(dt.date(2018, 6, 17)) == 1
    assert cal.week_of(dt.date(2018, 6, 18)) == 2
    assert cal.date_of(1) == dt.date(2018, 6, 11)
    assert cal.date_of(5) == dt.date(2018, 7, 9)
    default = sc.Calendar()
    assert default.n_weeks == (dt.date(2021, 12, 27) - dt.date(2018, 6, 11)).days // 7 + 1 == 186


def test_calendar_needs_four_weeks():
    with pytest.raises(ValidationError, match="at least 4 weeks"):
        sc.Calendar(start=dt.date(2020, 1, 6), end=dt.date(2020, 1, 27))
    sc.Calendar(start=dt.date(2020, 1, 6), end=dt.date(2020, 2, 3))


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"proposals": {"gray_threshold": 0.6, "un_threshold": 0.5}}, "gray_threshold"),
        (
            {"legitimacy": {"termination_threshold": 0.6, "reform_threshold": 0.5}},
            "termination_threshold",
        ),
        ({"working_group": {"establishment": "scheduled", "agreed_on": None}}, "needs agreed_on"),
        ({"working_group": {"establishment": "never"}}, "agreed_on: null"),
        ({"working_group": {"establishment": "endogenous"}}, "agreed_on: null"),
        ({"working_group": {"agreed_on": dt.date(2025, 1, 1)}}, "outside the calendar"),
        ({"shocks": [{"date": dt.date(2017, 1, 1), "name": "early"}]}, "outside the calendar"),
        (
            {
                "channels": [
                    {"name": "a", "contacts_per_week": 1, "via_nsc": False},
                    {"name": "a", "contacts_per_week": 1, "via_nsc": True},
                ]
            },
            "unique",
        ),
        ({"us": {"win_set": 1.01}}, "less than or equal"),
        ({"working_group": {"queue_trigger": 0}}, "greater than or equal"),
        ({"actors": {"mou": {"position": [0.1, 0.2]}}}, "actors.mou.position"),
        ({"actors": {"mou": {"position": [0.1, 0.2, 1.2]}}}, "less than or equal"),
    ],
)
def test_cross_field_and_bound_rules(data, needle):
    with pytest.raises(ValidationError) as info:
        build_scenario(data)
    assert needle in str(info.value)


def test_boundary_values_are_accepted():
    s = build_scenario(
        {
            "proposals": {"gray_threshold": 0.5, "un_threshold": 0.5},
            "legitimacy": {"termination_threshold": 0.5, "reform_threshold": 0.5},
            "us": {"win_set": 1.0, "drift": 0.0},
            "working_group": {"establishment": "never", "agreed_on": None},
            "shocks": [{"date": dt.date(2022, 1, 2), "name": "last week's Sunday"}],
        }
    )
    assert s.proposals.gray_threshold == s.proposals.un_threshold == 0.5


def _effect(**kw):
    return TypeAdapter(sc.Effect).validate_python(kw)


@pytest.mark.parametrize(
    ("data", "cls"),
    [
        ({"kind": "track", "open": True, "close_after_weeks": 3}, sc.TrackEffect),
        ({"kind": "summit"}, sc.SummitEffect),
        ({"kind": "proposals", "items": [{"type": "HUM", "label": "aid"}]}, sc.ProposalsEffect),
        ({"kind": "win_set", "scale": 0.75}, sc.WinSetEffect),
        ({"kind": "border", "closed": True}, sc.BorderEffect),
        ({"kind": "domestic_pressure", "delta": -0.1}, sc.DomesticPressureEffect),
        (
            {
                "kind": "actor",
                "actor": "mou",
                "attribute": "salience",
                "dimension": "E",
                "value": 1,
            },
            sc.ActorEffect,
        ),
        ({"kind": "leadership_window", "us_consent": 0.8}, sc.LeadershipWindowEffect),
        ({"kind": "us_consent", "value": 0.8}, sc.UsConsentEffect),
        ({"kind": "provocation"}, sc.ProvocationEffect),
    ],
)
def test_effects_are_told_apart_by_kind(data, cls):
    assert type(_effect(**data)) is cls


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"kind": "earthquake"}, "earthquake"),
        ({"kind": "proposals", "items": []}, "at least 1"),
        ({"kind": "win_set", "scale": 0.0}, "greater than 0"),
        ({"kind": "track", "open": True, "close_after_weeks": 0}, "greater than or equal to 1"),
        ({"kind": "actor", "actor": "mou", "attribute": "position", "value": 0.5}, "dimension"),
        (
            {"kind": "actor", "actor": "mou", "attribute": "clout", "dimension": "E", "value": 1},
            "takes no dimension",
        ),
        (
            {
                "kind": "actor",
                "actor": "mou",
                "attribute": "position",
                "dimension": "S",
                "value": 2,
            },
            "must be in [0, 1]",
        ),
        (
            {"kind": "actor", "actor": "state", "attribute": "patience_weeks", "value": 5},
            "no patience_weeks",
        ),
        ({"kind": "actor", "actor": "mou", "attribute": "clout", "value": 6}, "[0, 5]"),
        (
            {"kind": "actor", "actor": "mou", "attribute": "patience_weeks", "value": 0.5},
            "[1, 104]",
        ),
        ({"kind": "actor", "actor": "dprk", "attribute": "clout", "value": 1}, "actor"),
    ],
)
def test_bad_effects_are_rejected(data, needle):
    with pytest.raises(ValidationError) as info:
        _effect(**data)
    assert needle in str(info.value)


def test_proposal_types_lookup():
    types = sc.ProposalTypes()
    assert [types.get(code).origin for code in sc.PROPOSAL_TYPES] == [
        "NGO",
        "MOU",
        "BH",
        "BH",
        "BH",
        "MOU",
    ]
    assert types.get("MIL").sanction_load == 0.0
    assert types.get("ECON").sanction_load >= sc.Proposals().un_threshold
