"""The SALib problem dict of some field paths, bounds from the parameter table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sim.errors import WgsimError
from sim.scenario.reference import parameter_table

NUMERIC = ("float", "int")


class AdapterError(WgsimError):
    """A field path cannot be used as a sampled parameter."""


def numeric_parameters() -> dict[str, dict[str, Any]]:
    """Rows of the parameter table that are numbers with a lower and an upper bound."""
    return {
        r["path"]: r
        for r in parameter_table()
        if r["type"] in NUMERIC and r["low"] is not None and r["high"] is not None
    }


def parameter_bounds(
    paths: Sequence[str], bounds: Mapping[str, tuple[float, float]] | None = None
) -> dict[str, tuple[float, float]]:
    """Each path's sampling range: the schema's bounds, or narrower ones given.

    Raises:
        AdapterError: for a path that is not a bounded number, or given bounds outside
            the schema's or not increasing.
    """
    table = numeric_parameters()
    out = {}
    for path in paths:
        row = table.get(path)
        if row is None:
            raise AdapterError(
                f"'{path}' is not a bounded numeric field; see `wgsim parameters --json` "
                "for paths with type float or int and both bounds"
            )
        lo, hi = (bounds or {}).get(path, (row["low"], row["high"]))
        if not (row["low"] <= lo < hi <= row["high"]):
            raise AdapterError(
                f"'{path}': bounds [{lo}, {hi}] must be increasing and within the "
                f"schema's {row['bounds']}"
            )
        out[path] = (float(lo), float(hi))
    return out


def salib_problem(
    paths: Sequence[str], bounds: Mapping[str, tuple[float, float]] | None = None
) -> dict[str, Any]:
    """The SALib problem dict (``num_vars``, ``names``, ``bounds``) of ``paths``.

    Names are the field paths, so a sample row maps straight to overrides for
    :func:`sim.studies.adapters.flat.run_flat`.
    """
    ranges = parameter_bounds(paths, bounds)
    return {
        "num_vars": len(ranges),
        "names": list(ranges),
        "bounds": [list(b) for b in ranges.values()],
    }
