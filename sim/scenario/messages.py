"""Validation messages: one line per pydantic error, in the scenario's own terms.

Each line names the field path (as :mod:`sim.scenario.paths` writes it, without pydantic's
discriminator tags), the offending value and what is allowed; an unknown key lists the
fields allowed where it appeared. Scenario files, overrides, experiment and calibration
specs report their problems with :func:`format_validation`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from sim.scenario.fields import format_path, locate


def format_validation(exc: ValidationError) -> list[str]:
    """One line per pydantic error: field path, offending value and what is allowed."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        where = _path(loc) or "scenario"
        if err["type"] == "extra_forbidden":
            allowed = _allowed_fields(loc[:-1])
            lines.append(
                f"{where}: unknown field (value {err['input']!r}); allowed fields here: {allowed}"
            )
            continue
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        value = err.get("input")
        if isinstance(value, dict):
            shown = ""
        elif isinstance(value, dt.date):
            shown = f" (got {value.isoformat()})"
        else:
            shown = f" (got {value!r})"
        lines.append(f"{where}: {msg}{shown}")
    return lines


def _path(loc: tuple[Any, ...]) -> str:
    """The field path of a pydantic location (its discriminator tags dropped)."""
    return format_path(locate(loc).path)


def _allowed_fields(loc: tuple[Any, ...]) -> str:
    """Names of the fields allowed at ``loc`` in the Scenario model ("?" if unknown)."""
    model = locate(loc).model
    fields = model.model_fields if model is not None else None
    return ", ".join(fields) if fields else "?"
