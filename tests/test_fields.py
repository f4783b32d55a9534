"""Field introspection in one place: bounds (ge/gt/le/lt), lookup by path, effect tags, messages."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel, Field, ValidationError

from sim import scenario as sc
from sim.errors import ScenarioError
from sim.page.controls import slider_specs
from sim.scenario import fields
from sim.scenario.fields import Bounds, bounds, field_info, locate
from sim.scenario.loader import build_scenario
from sim.scenario.messages import format_validation
from sim.scenario.paths import apply_overrides


class _Open(BaseModel):
    both: float = Field(0.5, gt=0.0, lt=1.0)
    mixed: int = Field(3, ge=1, lt=10)
    none: float = 0.0


def _with_effects() -> sc.Scenario:
    """The default scenario with one shock: a win-set scaling and a US consent change."""
    shock = {
        "date": "2019-03-04",
        "name": "test shock",
        "effects": [{"kind": "win_set", "scale": 0.75}, {"kind": "us_consent", "value": 0.8}],
    }
    return build_scenario({"shocks": [shock]})


def test_bounds_honour_exclusive_constraints():
    scale = sc.WinSetEffect.model_fields["scale"]  # gt=0.0, le=2.0
    assert bounds(scale) == Bounds(0.0, 2.0, lo_inclusive=False, hi_inclusive=True)
    assert str(bounds(scale)) == "(0.0, 2.0]"
    assert not bounds(scale).contains(0.0) and bounds(scale).contains(2.0)
    assert bounds(_Open.model_fields["both"]) == Bounds(0.0, 1.0, False, False)
    assert bounds(_Open.model_fields["mixed"]) == Bounds(1, 10, True, False)
    assert bounds(_Open.model_fields["none"]) == Bounds()
    assert str(Bounds()) == ""


def test_bounds_of_inclusive_params_and_unit_types():
    assert bounds(sc.Us.model_fields["win_set"]) == Bounds(0.0, 1.0)
    assert str(bounds(sc.Rok.model_fields["bargaining_interval_weeks"])) == "[1, 26]"
    assert bounds(sc.RokActorParams.model_fields["alliance_weight"]) == Bounds(0.0, 1.0)
    assert bounds(sc.Calendar.model_fields["start"]) == Bounds()


def test_every_exclusive_bound_of_the_schema_is_read():
    # The schema's gt/lt fields (today WinSetEffect.scale) get an open side from bounds().
    seen = []
    for model in [sc.Scenario, *fields.effect_classes().values()]:
        for name, info in model.model_fields.items():
            kinds = {type(m).__name__ for m in info.metadata}
            if kinds & {"Gt", "Lt"}:
                b = bounds(info)
                assert ("Gt" in kinds) == (not b.lo_inclusive), name
                assert ("Lt" in kinds) == (not b.hi_inclusive), name
                seen.append(f"{model.__name__}.{name}")
    assert "WinSetEffect.scale" in seen


def test_field_info_walks_sections_lists_and_effects():
    s = _with_effects()
    assert field_info("us.win_set") is sc.Us.model_fields["win_set"]
    assert field_info("actors.mou.clout") is sc.RokActorParams.model_fields["clout"]
    assert field_info("channels[0].via_nsc") is sc.Channel.model_fields["via_nsc"]
    path = "shocks[0].effects[0].scale"
    assert field_info(path, s) is sc.WinSetEffect.model_fields["scale"]
    assert field_info("shocks[0].effects[1].value", s) is sc.UsConsentEffect.model_fields["value"]
    with pytest.raises(ScenarioError, match="depends on the scenario"):
        field_info(path)


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("us.no_such_thing", "no field 'no_such_thing'"),
        ("us.win_set.deeper", "no field 'deeper'"),
        ("shocks[0]", "list entry"),
        ("actors.mou.position[1]", "indexes no list of sections"),
        ("shocks[5].name", "out of range"),
        ("shocks[0].effects[0].open", "no field 'open'"),
    ],
)
def test_field_info_rejects_what_is_not_a_field(path, needle):
    with pytest.raises(ScenarioError, match="not a field") as err:
        field_info(path, _with_effects())
    assert needle in str(err.value)


def test_effect_classes_cover_the_whole_union():
    members = typing.get_args(typing.get_args(sc.Effect)[0])
    assert list(fields.effect_classes().values()) == list(members)
    assert "us_consent" in fields.effect_kinds()  # the loader's own list once missed it


def test_locate_drops_discriminator_tags():
    where = locate(("shocks", 0, "effects", 1, "us_consent", "value"))
    assert where.path == ("shocks", 0, "effects", 1, "value")
    assert where.model is None  # a plain field
    assert locate(("shocks", 0, "effects", 1, "us_consent")).model is sc.UsConsentEffect
    assert locate(("working_group", "successor")).model is sc.Successor
    assert locate(("us", "nope")).model is None


def test_messages_for_every_effect_kind_name_its_fields():
    bad = {"kind": "us_consent", "value": 0.5, "bad": 1}
    shock = {"date": "2019-03-04", "name": "s", "effects": [bad]}
    with pytest.raises(ValidationError) as err:
        build_scenario({"shocks": [shock]})
    assert format_validation(err.value) == [
        "shocks[0].effects[0].bad: unknown field (value 1); allowed fields here: kind, value"
    ]
    with pytest.raises(ScenarioError) as err2:
        apply_overrides(_with_effects(), {"shocks[0].effects[1].value": 2})
    assert err2.value.problems == [
        "shocks[0].effects[1].value: Input should be less than or equal to 1 (got 2)"
    ]


def test_sliders_keep_inside_exclusive_bounds():
    s = _with_effects()
    (spec,) = slider_specs(s, ("shocks[0].effects[0].scale",))
    assert spec.step == pytest.approx(2.0 / 200)
    assert spec.min == pytest.approx(spec.step)  # gt=0: the slider starts one step above 0
    assert spec.max == 2.0  # le=2: inclusive
    assert spec.min <= spec.value == 0.75 <= spec.max
    assert (spec.label, spec.unit) == ("Scale", "factor")
    # every position of the slider is a value the schema accepts
    apply_overrides(s, {"shocks[0].effects[0].scale": spec.min})
    with pytest.raises(ScenarioError):
        apply_overrides(s, {"shocks[0].effects[0].scale": spec.min - spec.step})
