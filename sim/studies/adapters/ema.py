"""An EMA Workbench model of a scenario (the optional ``ema`` extra).

``ema_model("historical", ["working_group.scope", ...])`` is an ``ema_workbench.Model``
whose uncertainties are the given field paths (ranges from the parameter table, or
narrower ones), whose outcomes are the run's metrics, and whose function is
:class:`~sim.studies.adapters.flat.FlatModel`. EMA 3 wants identifiers for names, so a
path's dots and brackets become underscores in the uncertainty's name, and the field path
is its ``variable_name`` (the keyword the function receives).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.scenario import Scenario
from sim.studies.adapters.flat import OUTCOMES, FlatModel, scenario_of
from sim.studies.adapters.salib import numeric_parameters, parameter_bounds

_NOT_IDENT = re.compile(r"\W+")


def identifier(path: str) -> str:
    """An identifier for a field path (``working_group.scope`` -> ``working_group_scope``)."""
    return _NOT_IDENT.sub("_", path).strip("_")


def ema_model(
    scenario: Scenario | str | Path,
    paths: Sequence[str],
    *,
    variant: str | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    outcomes: Sequence[str] = OUTCOMES,
    seed: int = 0,
    name: str = "wgsim",
) -> Any:
    """An ``ema_workbench.Model`` running ``scenario`` with ``paths`` as uncertainties.

    Args:
        scenario: A scenario, a scenario file, or a shipped scenario's name.
        paths: Field paths to vary (bounded numbers; ``int`` fields become
            ``IntegerParameter`` s).
        variant: With a file or name, the variant.
        bounds: Narrower ranges than the schema's, by path.
        outcomes: Metric names to report as ``ScalarOutcome`` s.
        seed: The seed of every run (an EMA ``Constant``; vary it with replications).
        name: The model's name (an identifier).

    Raises:
        ImportError: if ema_workbench is not installed (``pip install 'wgsim[ema]'``).
        AdapterError: for a path that is not a bounded number.
    """
    try:
        from ema_workbench import Constant, IntegerParameter, Model, RealParameter, ScalarOutcome
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("the EMA adapter needs ema_workbench: pip install 'wgsim[ema]'") from exc
    ranges = parameter_bounds(paths, bounds, scenario_of(scenario, variant))
    table = numeric_parameters()
    model = Model(name, function=FlatModel(scenario, variant))
    uncertainties = []
    for path, (lo, hi) in ranges.items():
        if table[path]["type"] == "int":
            uncertainties.append(
                IntegerParameter(identifier(path), int(lo), int(hi), variable_name=path)
            )
        else:
            uncertainties.append(RealParameter(identifier(path), lo, hi, variable_name=path))
    model.uncertainties = uncertainties
    model.constants = [Constant("seed", seed)]
    model.outcomes = [ScalarOutcome(o) for o in outcomes]
    return model
