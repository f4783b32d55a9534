"""The parameter reference, generated from the scenario schema (docs/parameters.md).

Every field's path, type, default, bounds, unit, meaning and the reason for its prior come
from the scenario schema (:mod:`sim.scenario.schema`), so the reference cannot drift from the code.
"""

from __future__ import annotations

import typing
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario import schema as sc
from sim.scenario.schema import Scenario

HEADER = """# Parameters

Generated from the scenario schema by `wgsim parameters` (do not edit by hand). Every
number a rule uses is one of these fields; a scenario file sets any subset of them, and
the rest keep the defaults below (the documented priors). Paths are what `wgsim
experiment` files, calibration specs and `sim.scenario.paths.apply_overrides` use.
"""


def _bounds(info: FieldInfo) -> tuple[Any, Any]:
    lo = hi = None
    for m in info.metadata:
        lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else lo
        lo = getattr(m, "gt", None) if getattr(m, "gt", None) is not None else lo
        hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else hi
        hi = getattr(m, "lt", None) if getattr(m, "lt", None) is not None else hi
    return lo, hi


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("datetime.", "")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def section_rows(model: type[BaseModel], instance: BaseModel, prefix: str) -> list[list[str]]:
    """Rows (path, type, default, bounds, unit, meaning, prior) of a section's leaf fields."""
    rows = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        value = getattr(instance, name)
        sub = _model_of(info.annotation)
        if sub is not None:
            rows += section_rows(sub, value, path)
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        lo, hi = _bounds(info)
        bounds = "" if lo is None and hi is None else f"[{_cell(lo)}, {_cell(hi)}]"
        if typing.get_origin(info.annotation) is list:
            value = f"{len(value)} entries" if value else "[]"
        rows.append(
            [
                f"`{path}`",
                _cell(_type_name(info.annotation)),
                _cell(value),
                bounds,
                _cell(extra.get("unit", "")),
                _cell(info.description),
                _cell(extra.get("prior", "")),
            ]
        )
    return rows


def effect_kinds() -> list[str]:
    """The ``kind`` of every shock effect the schema accepts, in declaration order."""
    members = get_args(get_args(sc.Effect)[0])
    return [get_args(m.model_fields["kind"].annotation)[0] for m in members]


def parameters_markdown() -> str:
    """The whole parameter reference as Markdown."""
    default = Scenario()
    out = [HEADER]
    cols = ["path", "type", "default", "bounds", "unit", "meaning", "prior (why this value)"]
    for name, info in Scenario.model_fields.items():
        sub = _model_of(info.annotation)
        if sub is None:
            continue
        out += [f"## `{name}`", "", (sub.__doc__ or "").strip().splitlines()[0], ""]
        out += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        out += [
            "| " + " | ".join(r) + " |" for r in section_rows(sub, getattr(default, name), name)
        ]
        out.append("")
    out += [
        "## Lists set by scenario files",
        "",
        "- `channels[*]`: `name`, `contacts_per_week` (1/week, [0, 5]), `via_nsc` (bool) — the "
        "ad hoc channels [S001].",
        "- `shocks[*]`: `date`, `name`, `source`, `effects[*]` — dated events; effect kinds: "
        + ", ".join(f"`{k}`" for k in effect_kinds())
        + " (see docs/model.md, Input data).",
        "",
    ]
    return "\n".join(out)
