"""Validation messages: one line per pydantic error, in the scenario's own terms.

Each line names the field path (as :mod:`sim.scenario.paths` writes it, without pydantic's
discriminator tags), the offending value and what is allowed; an unknown key lists the
fields allowed where it appeared. Scenario files, overrides, experiment and calibration
specs report their problems with :func:`format_validation`.
"""

from __future__ import annotations

import datetime as dt
import math
import reprlib
from typing import Any

from pydantic import ValidationError

from sim.scenario.fields import format_path, locate
from sim.scenario.yamlfile import QUOTE_LIMIT, shorten


def quote(value: Any) -> str:
    """``repr(value)`` cut to a readable length (a value in a message is never quoted whole)."""
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if value != value else (".inf" if value > 0 else "-.inf")
    if isinstance(value, str) and len(value) > QUOTE_LIMIT:
        return f"{value[:QUOTE_LIMIT]!r}... ({len(value):,} characters)"
    text = _REPR.repr(value)
    return text if len(text) <= QUOTE_LIMIT else f"{text[:QUOTE_LIMIT]}..."


_REPR = reprlib.Repr(maxlevel=3, maxlist=8, maxtuple=8, maxdict=8, maxset=8)
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 2 * QUOTE_LIMIT
"""Builds a value's repr only as far as a message shows it (a whole one can take minutes)."""


def format_validation(exc: ValidationError) -> list[str]:
    """One line per pydantic error: field path, offending value and what is allowed."""
    return _format(exc.errors(include_url=False))


def _format(errors: list[Any]) -> list[str]:
    lines = []
    for err in errors:
        loc = err["loc"]
        where = shorten(_path(loc)) or "scenario"
        if err["type"] == "extra_forbidden":
            allowed = _allowed_fields(loc[:-1])
            lines.append(
                f"{where}: unknown field (value {quote(err['input'])}); allowed fields here: "
                f"{allowed}"
            )
            continue
        value = err.get("input")
        msg = shorten(_meaning(err["type"], err["msg"], value), 2 * QUOTE_LIMIT)
        if isinstance(value, dict):
            shown = ""
        elif isinstance(value, dt.date):
            shown = f" (got {value.isoformat()})"
        else:
            shown = f" (got {quote(value)})"
        lines.append(f"{where}: {msg}{shown}")
    return lines


def _meaning(kind: str, msg: str, value: Any) -> str:
    """Pydantic's message, or a plainer one where it would mislead."""
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number (not .nan or .inf)"
    if kind in NUMBER_TYPES and isinstance(value, bool):
        return "must be a number, not true or false"
    if kind in NUMBER_TYPES and isinstance(value, str) and _numeric(value):
        return "must be a number, not text (write it without quotes)"
    if kind == "bool_type" and not isinstance(value, bool):
        return "must be true or false"
    return msg


NUMBER_TYPES = ("float_type", "int_type")
"""Pydantic's error types for a value that is not the number a field needs."""


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def strict_problems(exc: ValidationError) -> list[str]:
    """The lines of ``exc``'s errors that are a number or boolean given as another kind.

    The loader validates a file's data a second time in pydantic's strict mode; of that
    pass's errors only these count (a list for a tuple, a whole number for an int, a
    date are fine): ``true`` or ``"0.5"`` where a number belongs, ``"yes"`` or ``1`` where
    a boolean does.
    """
    wrong = [
        err
        for err in exc.errors(include_url=False)
        if (err["type"] in NUMBER_TYPES and isinstance(err.get("input"), bool | str | bytes))
        or (err["type"] == "bool_type" and not isinstance(err.get("input"), bool))
    ]
    return _format(wrong)


def _path(loc: tuple[Any, ...]) -> str:
    """The field path of a pydantic location (its discriminator tags dropped)."""
    return format_path(locate(loc).path)


def _allowed_fields(loc: tuple[Any, ...]) -> str:
    """Names of the fields allowed at ``loc`` in the Scenario model ("?" if unknown)."""
    model = locate(loc).model
    fields = model.model_fields if model is not None else None
    return ", ".join(fields) if fields else "?"
