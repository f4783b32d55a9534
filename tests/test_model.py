"""Whole-model tests: scenario files run, invariants, determinism, every field read."""

from __future__ import annotations

import typing

import pytest
from conftest import SCENARIOS
from pydantic import BaseModel

from sim.loader import build_scenario, load_file
from sim.metrics import event_counts
from sim.model import SERIES_COLUMNS, WorkingGroupModel
from sim.proposals import TERMINAL, Route, Status
from sim.runner import run
from sim.scenario import Scenario

SCENARIO_FILES = sorted(SCENARIOS.glob("*.yaml"))
ALL_VARIANTS = [(path, name) for path in SCENARIO_FILES for name in load_file(path).variants]


@pytest.mark.parametrize(("path", "variant"), ALL_VARIANTS, ids=lambda x: getattr(x, "stem", x))
def test_every_variant_of_every_file_runs(path, variant):
    scenario = load_file(path).variant(variant)
    result = run(scenario, seed=3, variant=variant)
    assert len(result.series) == scenario.calendar.n_weeks
    assert result.metrics["created"] > 0


@pytest.mark.parametrize(("path", "variant"), ALL_VARIANTS, ids=lambda x: getattr(x, "stem", x))
@pytest.mark.parametrize("seed", [0, 1])
def test_invariants(path, variant, seed):
    scenario = load_file(path).variant(variant)
    result = run(scenario, seed=seed)
    m = result.metrics
    series = result.series_frame()
    for col in ("trust_us", "trust_rok", "info_quality", "frustration", "dpi", "gap"):
        assert series[col].between(0.0, 1.0).all(), col
    assert series["legitimacy"].dropna().between(0.0, 1.0).all()
    for share in ("completion_ratio", "ws_legitimacy"):
        if m[share] == m[share]:
            assert 0.0 <= m[share] <= 1.0
    counts = event_counts(result.events)
    assert counts["implemented"] == m["implemented"]
    assert counts["surprise"] == m["surprises"]
    assert counts["dispute"] == m["disputes"]
    assert counts["created"] == m["created"] == len(result.proposals)
    assert counts["wg_meeting"] == m["n_wg_meeting"]
    ids = [p.id for p in result.proposals]
    assert len(set(ids)) == len(ids)
    for p in result.proposals:
        if p.status in TERMINAL:
            assert p.t_done >= p.t_created
        else:
            assert p.route != Route.NONE, "an item not terminal must be in flight"
        assert p.t_routed == -1 or p.t_routed >= p.t_created
        if p.t_us >= 0:
            assert p.t_us >= p.t_routed
        if p.t_un >= 0:
            assert p.t_un > p.t_un_submit >= p.t_us
        if p.status == Status.IMPLEMENTED:
            assert p.t_dprk == p.t_done
        if p.exempted:
            assert p.t_un >= 0
    weeks = [e[0] for e in result.events]
    assert weeks == sorted(weeks), "the event log is in time order"


def test_same_seed_same_result_and_different_seeds_differ(historical):
    s = historical.variant("historical")
    a, b, c = run(s, seed=42), run(s, seed=42), run(s, seed=43)
    assert a.events == b.events
    assert a.series == b.series
    assert a.metrics == b.metrics
    assert a.events != c.events


def test_summary_mode_gives_the_same_outcomes(historical):
    s = historical.variant("historical")
    full, lean = run(s, seed=5), run(s, seed=5, series=False)
    assert lean.series == []
    assert lean.metrics == full.metrics


def test_series_columns_match_rows(historical):
    result = run(historical.variant("historical"), seed=1)
    assert all(len(row) == len(SERIES_COLUMNS) for row in result.series)


def test_no_group_never_has_a_working_group(historical):
    m = run(historical.variant("no-group"), seed=2).metrics
    assert m["n_wg_meeting"] == 0
    assert m["route_wg"] == 0
    assert m["wg_created_week"] == -1


def test_wg_first_meeting_follows_the_launch_lag(historical):
    s = historical.variant("historical")
    model = WorkingGroupModel(s, seed=0)
    model.run_until(model.n_weeks)
    agreed = s.calendar.week_of(s.working_group.agreed_on)
    assert model.wg.created_week == agreed
    assert model.wg.first_meeting_week == agreed + s.working_group.first_meeting_lag_weeks


def test_permanent_wg_is_never_terminated():
    sf = load_file(SCENARIOS / "permanent.yaml")
    for seed in range(15):
        assert run(sf.variant("permanent"), seed=seed).metrics["wg_terminated"] == 0.0


# --- every schema field is read by the model --------------------------------------------

DOCUMENTATION_FIELDS = {"name", "description", "shocks[*].source"}
"""Fields that label or describe a scenario for people and are deliberately not model inputs
(the runner carries ``name`` into results)."""
STRUCTURAL_FIELDS = {"shocks[*].effects[*].kind"}
"""The effects' discriminator: it selects the effect's class, which the model matches on."""


class Recorder:
    """Wraps a pydantic model and records the path of every attribute read through it."""

    def __init__(self, obj, path, seen):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_seen", seen)

    @property
    def __class__(self):  # isinstance and match-case see the wrapped class
        return type(object.__getattribute__(self, "_obj"))

    def __getattr__(self, name):
        obj = object.__getattribute__(self, "_obj")
        path = object.__getattribute__(self, "_path")
        seen = object.__getattribute__(self, "_seen")
        attr = getattr(type(obj), name, None)
        if isinstance(attr, property):
            return attr.fget(self)
        if callable(attr) and not isinstance(attr, type) and name not in type(obj).model_fields:
            return lambda *a, **k: attr(self, *a, **k)
        full = f"{path}.{name}" if path else name
        seen.add(full)
        return wrap(getattr(obj, name), full, seen)


def wrap(value, path, seen):
    if isinstance(value, BaseModel):
        return Recorder(value, path, seen)
    if isinstance(value, list):
        return [wrap(v, f"{path}[*]", seen) for v in value]
    return value


def leaf_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        models = _models_in(info.annotation)
        is_list = typing.get_origin(info.annotation) is list
        if not models:
            out.add(path)
            continue
        sub = f"{path}[*]" if is_list else path
        for m in models:
            out |= leaf_paths(m, sub)
    return out


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _optional_branches() -> Scenario:
    sf = load_file(SCENARIOS / "historical.yaml")
    base = sf.variant("historical").model_dump(mode="python")
    base["working_group"].update(
        establishment="endogenous", agreed_on=None, cadence="regular", surprises_to_create=1
    )
    base["dprk"]["endogenous_provocation"] = True
    base["dprk"]["frustration_threshold"] = 0.05
    base["legitimacy"]["initial"] = 0.3
    base["dprk"]["deal_tolerance"] = 1.0
    return build_scenario(base)


def test_every_schema_field_is_read_by_the_model():
    seen: set[str] = set()
    scenarios = [load_file(p).variant(v) for p, v in ALL_VARIANTS] + [_optional_branches()]
    for scenario in scenarios:
        for seed in range(3):
            model = WorkingGroupModel(wrap(scenario, "", seen), seed)
            model.run_until(model.n_weeks)
    leaves = leaf_paths(Scenario)
    unread = sorted(
        p
        for p in leaves - DOCUMENTATION_FIELDS - STRUCTURAL_FIELDS
        if p not in seen and not p.startswith("calendar")
    )
    assert not unread, f"schema fields never read by the model: {unread}"
    assert {"calendar.start", "calendar.end"} <= seen
