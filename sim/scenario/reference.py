"""The parameter reference, generated from the scenario schema (docs/parameters.md).

Every field's path, type, default, bounds, unit, meaning and the reason for its prior come
from the scenario schema (:mod:`sim.scenario.schema`, read through
:mod:`sim.scenario.fields`), so the reference cannot drift from the code.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from sim.scenario import Scenario, fields

HEADER = """# Parameters

Generated from the scenario schema by `wgsim parameters` (do not edit by hand). Every
number a rule uses is one of these fields; a scenario file sets any subset of them, and
the rest keep the defaults below (the documented priors). Paths are what `wgsim
experiment` files, calibration specs and `sim.scenario.paths.apply_overrides` use.
"""


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def section_rows(model: type[BaseModel], instance: BaseModel, prefix: str) -> list[list[str]]:
    """Rows (path, type, default, bounds, unit, meaning, prior) of a section's leaf fields."""
    rows = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        value = getattr(instance, name)
        sub = fields.model_of(info.annotation)
        if sub is not None:
            rows += section_rows(sub, value, path)
            continue
        if typing.get_origin(info.annotation) is list:
            value = f"{len(value)} entries" if value else "[]"
        rows.append(
            [
                f"`{path}`",
                _cell(fields.type_name(info.annotation)),
                _cell(value),
                _cell(fields.bounds(info)),
                _cell(fields.unit(info)),
                _cell(fields.description(info)),
                _cell(fields.prior(info)),
            ]
        )
    return rows


def parameters_markdown() -> str:
    """The whole parameter reference as Markdown."""
    default = Scenario()
    out = [HEADER]
    cols = ["path", "type", "default", "bounds", "unit", "meaning", "prior (why this value)"]
    for name, info in Scenario.model_fields.items():
        sub = fields.model_of(info.annotation)
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
        + ", ".join(f"`{k}`" for k in fields.effect_kinds())
        + " (see docs/model.md, Input data).",
        "",
    ]
    return "\n".join(out)
