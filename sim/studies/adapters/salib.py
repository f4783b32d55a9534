"""The SALib problem dict of some field paths, bounds from the parameter table.

A field's schema bounds are not always what a scenario accepts: cross-field rules (a
termination threshold at most the reform threshold, say) refuse part of the range given
the scenario's other values. :func:`parameter_bounds` finds, for the scenario the runs will
use, the range each path may take: the schema's range is narrowed to it with a warning
naming the rule, bounds asked for beyond it are refused, and so is a set of paths whose
joint corners a rule refuses. A sample from the result never stops a study midway.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import ScenarioError, WgsimError
from sim.scenario import Scenario
from sim.scenario.paths import apply_overrides, get_value
from sim.scenario.reference import parameter_table
from sim.studies.adapters.flat import scenario_of

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
    paths: Sequence[str],
    bounds: Mapping[str, tuple[float, float]] | None = None,
    scenario: Scenario | str | Path = "historical",
) -> dict[str, tuple[float, float]]:
    """Each path's sampling range, within what ``scenario`` accepts.

    The range is the schema's bounds, or narrower ones given, checked against
    ``scenario`` (default: the shipped historical one) with its other values fixed.

    Raises:
        AdapterError: for a path that is not a bounded number, given bounds outside the
            schema's or not increasing, given bounds a cross-field rule refuses, or paths
            whose combinations a rule refuses.
    """
    table = numeric_parameters()
    base = scenario_of(scenario)
    out = {}
    for path in paths:
        row = table.get(path)
        if row is None:
            raise AdapterError(
                f"'{path}' is not a bounded numeric field; see `wgsim parameters --json` "
                "for paths with type float or int and both bounds"
            )
        given = (bounds or {}).get(path)
        lo, hi = given if given is not None else (row["low"], row["high"])
        if not (row["low"] <= lo < hi <= row["high"]):
            raise AdapterError(
                f"'{path}': bounds [{lo}, {hi}] must be increasing and within the "
                f"schema's {row['bounds']}"
            )
        out[path] = _accepted(base, path, float(lo), float(hi), row["type"] == "int", given)
    _check_corners(base, out)
    return out


def _refusal(scenario: Scenario, values: Mapping[str, float]) -> str | None:
    """Why ``scenario`` with ``values`` set is refused (None if it is accepted)."""
    try:
        apply_overrides(scenario, values)
    except ScenarioError as exc:
        return "; ".join(exc.problems)
    return None


def _accepted(
    base: Scenario, path: str, lo: float, hi: float, integer: bool, given: Any
) -> tuple[float, float]:
    """The part of [lo, hi] that ``base`` accepts at ``path`` (its other values fixed)."""
    why_lo, why_hi = _refusal(base, {path: lo}), _refusal(base, {path: hi})
    if why_lo is None and why_hi is None:
        return lo, hi
    current = float(get_value(base, path))
    grid = [min(max(current, lo), hi), *np.linspace(lo, hi, 33)]
    anchor = next((x for x in grid if _refusal(base, {path: x}) is None), None)
    if anchor is None:
        raise AdapterError(f"'{path}': no value in [{lo}, {hi}] is accepted ({why_lo})")
    new_lo = lo if why_lo is None else _edge(base, path, anchor, lo, integer)
    new_hi = hi if why_hi is None else _edge(base, path, anchor, hi, integer)
    rule = why_hi if why_hi is not None else why_lo
    message = (
        f"'{path}': [{lo}, {hi}] goes beyond what scenario '{base.name}' accepts "
        f"({rule}); the accepted range is [{new_lo:g}, {new_hi:g}]"
    )
    if given is not None:
        raise AdapterError(message)
    warnings.warn(f"{message}, which is sampled", stacklevel=4)
    return new_lo, new_hi


def _edge(base: Scenario, path: str, good: float, bad: float, integer: bool) -> float:
    """The accepted value nearest ``bad`` between ``good`` (accepted) and ``bad`` (refused)."""
    for _ in range(60):
        mid = (good + bad) / 2
        if integer:
            mid = math.floor(mid) if bad > good else math.ceil(mid)
            if mid == good:
                break
        if _refusal(base, {path: mid}) is None:
            good = mid
        else:
            bad = mid
        if abs(bad - good) <= 1e-9 * max(1.0, abs(good)):
            break
    snapped = float(f"{good:.6g}")  # 0.5, not 0.4999999998, where the rule allows it
    if min(good, bad) <= snapped <= max(good, bad) and _refusal(base, {path: snapped}) is None:
        return snapped
    return good


def _check_corners(base: Scenario, ranges: Mapping[str, tuple[float, float]]) -> None:
    """Refuse paths whose joint extremes a cross-field rule refuses."""
    if len(ranges) < 2:
        return
    paths = list(ranges)
    if len(paths) <= 8:
        points = list(itertools.product(*(ranges[p] for p in paths)))
    else:
        rng = np.random.default_rng(0)
        points = [tuple(rng.uniform(*ranges[p]) for p in paths) for _ in range(256)]
    for point in points:
        why = _refusal(base, dict(zip(paths, point, strict=True)))
        if why is not None:
            corner = ", ".join(f"{p}={v:g}" for p, v in zip(paths, point, strict=True))
            raise AdapterError(
                f"the ranges of {', '.join(paths)} together reach values scenario "
                f"'{base.name}' refuses ({corner}: {why}); narrow them with bounds="
            )


def salib_problem(
    paths: Sequence[str],
    bounds: Mapping[str, tuple[float, float]] | None = None,
    scenario: Scenario | str | Path = "historical",
) -> dict[str, Any]:
    """The SALib problem dict (``num_vars``, ``names``, ``bounds``) of ``paths``.

    Names are the field paths, so a sample row maps straight to overrides for
    :func:`sim.studies.adapters.flat.run_flat`; the bounds are what ``scenario`` (the one
    the runs use) accepts (:func:`parameter_bounds`).
    """
    ranges = parameter_bounds(paths, bounds, scenario)
    return {
        "num_vars": len(ranges),
        "names": list(ranges),
        "bounds": [list(b) for b in ranges.values()],
    }
