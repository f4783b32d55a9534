"""Setting scenario fields by path: the common language of sweeps, calibration and sliders.

A path names one field of a :class:`~sim.scenario.schema.Scenario` with dots and list indexes,
for example ``us.win_set``, ``actors.mou.position[1]``, ``channels[2].contacts_per_week``
or ``shocks[4].effects[2].scale`` (the syntax is :func:`sim.scenario.fields.parse_path`'s).
:func:`apply_overrides` returns a new, re-validated
scenario; a bad path or value raises :class:`~sim.errors.ScenarioError` naming both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.scenario.fields import parse_path
from sim.scenario.messages import format_validation
from sim.scenario.schema import Scenario


def get_value(scenario: Scenario, path: str) -> Any:
    """The current value at ``path``."""
    node: Any = scenario.model_dump(mode="python")
    for tok in parse_path(path):
        node = _child(node, tok, path)
    return node


def _child(node: Any, tok: str | int, path: str) -> Any:
    if isinstance(tok, int):
        if not isinstance(node, (list, tuple)) or not 0 <= tok < len(node):
            raise ScenarioError("override", [f"'{path}': index [{tok}] out of range"])
        return node[tok]
    if not isinstance(node, dict) or tok not in node:
        allowed = ", ".join(node) if isinstance(node, dict) else "none"
        raise ScenarioError("override", [f"'{path}': no field '{tok}'; allowed here: {allowed}"])
    return node[tok]


def apply_overrides(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """A copy of ``scenario`` with each path in ``values`` set, validated again.

    Args:
        scenario: The starting scenario.
        values: Mapping of field path to new value.

    Raises:
        ScenarioError: on an unknown path or a value the schema rejects.
    """
    if not values:
        return scenario
    data: Any = scenario.model_dump(mode="python")
    for path, value in values.items():
        tokens = parse_path(path)
        node = data
        for tok in tokens[:-1]:
            child = _child(node, tok, path)
            if isinstance(child, tuple):  # vectors are tuples in the dump; make them settable
                child = list(child)
                node[tok] = child
            node = child
        _child(node, tokens[-1], path)  # the leaf must exist
        node[tokens[-1]] = value
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError("override", format_validation(exc)) from None
