"""Setting scenario fields by path: the common language of sweeps, calibration and sliders.

A path names one field of a :class:`~sim.scenario.schema.Scenario` with dots and list indexes,
for example ``us.win_set``, ``actors.mou.position[1]``, ``channels[2].contacts_per_week``
or ``shocks[4].effects[2].scale`` (the syntax is :func:`sim.scenario.fields.parse_path`'s).
:func:`apply_overrides` returns a new, re-validated
scenario; a bad path or value raises :class:`~sim.errors.ScenarioError` naming both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.scenario.fields import parse_path
from sim.scenario.loader import ScenarioFile
from sim.scenario.messages import format_validation, quote
from sim.scenario.schema import Scenario
from sim.scenario.yamlfile import YamlProblem, parse_yaml


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


MAX_SETS = 100
"""Most ``--set`` options of one command."""


def parse_sets(items: Sequence[str]) -> dict[str, Any]:
    """``PATH=VALUE`` options as overrides; each value is read as YAML (``0.8``, ``never``).

    Raises:
        ScenarioError: for an item without ``=``, a malformed path or value, or too many.
    """
    if len(items) > MAX_SETS:
        raise ScenarioError("--set", [f"{len(items)} options; at most {MAX_SETS}"])
    out: dict[str, Any] = {}
    for item in items:
        path, eq, text = item.partition("=")
        if not eq or not path.strip():
            raise ScenarioError(
                "--set", [f"{quote(item)}: expected PATH=VALUE, e.g. working_group.scope=0.8"]
            )
        path = path.strip()
        parse_path(path)
        try:
            out[path] = parse_yaml(text) if text.strip() else None
        except YamlProblem as exc:
            raise ScenarioError("--set", [f"{path}: {exc}"]) from None
    return out


def override_file(sf: ScenarioFile, values: Mapping[str, Any]) -> ScenarioFile:
    """``sf`` with ``values`` set in every variant (``--set``); its text records them.

    The digest changes with the values, so a batch folder holds one set of overrides.

    Raises:
        ScenarioError: naming the file, the variant, the path and the value.
    """
    if not values:
        return sf
    variants = {}
    problems: list[str] = []
    for name, scenario in sf.variants.items():
        try:
            variants[name] = apply_overrides(scenario, values)
        except ScenarioError as exc:
            problems += [f"--set, variant '{name}': {p}" for p in exc.problems]
    if problems:
        raise ScenarioError(sf.path, problems)
    sets = "".join(f"\n# --set {path}={value!r}" for path, value in values.items())
    return dataclasses.replace(sf, text=sf.text + sets, variants=variants)
