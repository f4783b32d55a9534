"""Building the model from scenario field paths: Mesa's ``batch_run`` and SolaraViz.

Mesa's tools build a model from keyword arguments of plain values: ``mesa.batch_run``
calls ``WorkingGroupModel(**{"working_group.scope": 0.2, "seed": 1})`` for each point of
its grid, and SolaraViz calls it with the values of its sliders. The model accepts any
scenario field path as a keyword (see :func:`scenario_with`), and
:func:`solara_model_params` turns field paths into SolaraViz's ``model_params``: sliders
whose bounds, step, label and unit come from the schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sim.errors import ScenarioError
from sim.scenario import Scenario, fields
from sim.scenario.paths import apply_overrides, get_value


def scenario_with(parameters: Scenario | None, values: Mapping[str, Any]) -> Scenario:
    """``parameters`` (default: the schema's defaults) with the fields ``values`` names set.

    Raises:
        ScenarioError: naming the field, if a path is unknown or a value out of bounds.
    """
    base = parameters if parameters is not None else Scenario()
    return apply_overrides(base, values) if values else base


def solara_model_params(
    paths: Iterable[str], scenario: Scenario | None = None
) -> dict[str, dict[str, Any]]:
    """SolaraViz ``model_params`` for the fields ``paths`` names, keyed by path.

    A number field becomes a slider (``SliderFloat`` in 200 steps, ``SliderInt`` in steps
    of 1) between its schema bounds, an exclusive bound nudged one step inside so that
    every position is a value the schema accepts; a true/false field becomes a checkbox.
    The label is the field's readable name with its unit; the value is ``scenario``'s
    (default: the schema's defaults). SolaraViz passes the chosen values back to the
    model as keywords of the same paths.

    Raises:
        ScenarioError: if a path is unknown, or names a field that is neither a
            true/false field nor a number with both bounds.
    """
    scenario = scenario if scenario is not None else Scenario()
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        info = fields.field_info(path, scenario)
        value = get_value(scenario, path)
        unit = fields.unit(info)
        label = fields.label(path, scenario) + (f" ({unit})" if unit else "")
        if info.annotation is bool:
            out[path] = {"type": "Checkbox", "value": value, "label": label}
            continue
        r = fields.slider_range(info)
        if r is None:
            raise ScenarioError(
                "model_params", [f"'{path}': a slider needs a number field with both bounds"]
            )
        out[path] = {
            "type": "SliderInt" if r.integer else "SliderFloat",
            "value": value,
            "label": label,
            "min": r.min,
            "max": r.max,
            "step": r.step,
        }
    return out
