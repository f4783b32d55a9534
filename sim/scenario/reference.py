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

The last column says where each prior comes from. `mechanisms.md §N` is section N of
[mechanisms.md](mechanisms.md), the reference specification (anchor `#sN`, dots as
dashes: §2.4 is [#s2-4](mechanisms.md#s2-4); §5 holds the prior ranges and the target
that pins each); `episodes.md` and T1–T12 are the documented episodes and calibration
targets of [episodes.md](episodes.md); `[S000]`–`[S004]` are the seed documents and an
outlet with a date a report of the public record, both in [sources.md](sources.md);
"judgement" marks a value with no document behind it, varied in sensitivity analysis.
"""


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def parameter_table(scenario: Scenario | None = None) -> list[dict[str, Any]]:
    """Every leaf field of the schema as data: one dict per field path.

    Keys: ``path``, ``section``, ``type``, ``default`` (the value in ``scenario``, by
    default the schema's default), ``low``/``high`` (None for no bound) with
    ``low_inclusive``/``high_inclusive``, ``bounds`` (interval notation), ``unit``,
    ``description`` and ``prior``. Adapters (SALib, EMA Workbench) and the Markdown
    reference are built from it, so bounds are never copied by hand.
    """
    root = scenario or Scenario()
    rows: list[dict[str, Any]] = []
    for name, info in Scenario.model_fields.items():
        sub = fields.model_of(info.annotation)
        if sub is not None:
            rows += _section_table(sub, getattr(root, name), name, name)
    return rows


def _section_table(
    model: type[BaseModel], instance: BaseModel, prefix: str, section: str
) -> list[dict[str, Any]]:
    rows = []
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}"
        value = getattr(instance, name)
        sub = fields.model_of(info.annotation)
        if sub is not None:
            rows += _section_table(sub, value, path, section)
            continue
        b = fields.bounds(info)
        rows.append(
            {
                "path": path,
                "section": section,
                "type": fields.type_name(info.annotation),
                "default": value,
                "low": b.lo,
                "high": b.hi,
                "low_inclusive": b.lo_inclusive,
                "high_inclusive": b.hi_inclusive,
                "bounds": str(b),
                "unit": fields.unit(info),
                "description": fields.description(info),
                "prior": fields.prior(info),
                "is_list": typing.get_origin(info.annotation) is list,
            }
        )
    return rows


def _markdown_row(row: dict[str, Any]) -> list[str]:
    value = row["default"]
    if row["is_list"]:
        value = f"{len(value)} entries" if value else "[]"
    keys = ("bounds", "unit", "description", "prior")
    return [f"`{row['path']}`", _cell(row["type"]), _cell(value), *(_cell(row[k]) for k in keys)]


def parameters_markdown() -> str:
    """The whole parameter reference as Markdown."""
    table = parameter_table()
    out = [HEADER]
    cols = ["path", "type", "default", "bounds", "unit", "meaning", "prior (why this value)"]
    for name, info in Scenario.model_fields.items():
        sub = fields.model_of(info.annotation)
        if sub is None:
            continue
        out += [f"## `{name}`", "", (sub.__doc__ or "").strip().splitlines()[0], ""]
        out += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        out += ["| " + " | ".join(_markdown_row(r)) + " |" for r in table if r["section"] == name]
        out.append("")
    out += [
        "## Lists set by scenario files",
        "",
        "- `channels[*]`: `name`, `contacts_per_week` (1/week, [0, 5]), `via_nsc` (bool), "
        "`reach` (probability, [0, 1], default 1: the chance a contact off the NSC reaches "
        "State's decision line) — the ad hoc channels [S001].",
        "- `shocks[*]`: `date`, `name`, `source`, `effects[*]` — dated events; effect kinds: "
        + ", ".join(f"`{k}`" for k in fields.effect_kinds())
        + " (see docs/model.md, Input data).",
        "",
    ]
    return "\n".join(out)
