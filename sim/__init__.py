"""wgsim: an agent-based simulation of policy coordination between allies.

The reference case is the US–ROK working group on North Korea (2018–2021). Load a
scenario file, run it, and read the outcomes::

    from sim import load_file, run

    scenarios = load_file("scenarios/historical.yaml")
    result = run(scenarios.variant("no-group"), seed=7)
    result.metrics["surprises"], result.events_frame().head()
"""

from typing import TYPE_CHECKING, Any

from sim.errors import RunError, ScenarioError, WgsimError

if TYPE_CHECKING:
    from sim.core.construction import solara_model_params
    from sim.core.model import WorkingGroupModel
    from sim.runs.runner import RunResult, run
    from sim.scenario.loader import ScenarioFile, load_file, load_scenario
    from sim.scenario.paths import apply_overrides
    from sim.scenario.schema import Scenario

__version__ = "0.2.0"
"""The package version (pyproject.toml reads it from here)."""

_LAZY = {
    "ScenarioFile": "sim.scenario.loader",
    "load_file": "sim.scenario.loader",
    "load_scenario": "sim.scenario.loader",
    "WorkingGroupModel": "sim.core.model",
    "solara_model_params": "sim.core.construction",
    "apply_overrides": "sim.scenario.paths",
    "RunResult": "sim.runs.runner",
    "run": "sim.runs.runner",
    "Scenario": "sim.scenario.schema",
}


def __getattr__(name: str) -> Any:
    """Import public names on first use, so light commands don't pay for Mesa's import."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


__all__ = [
    "RunError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "ScenarioFile",
    "WgsimError",
    "WorkingGroupModel",
    "__version__",
    "apply_overrides",
    "load_file",
    "load_scenario",
    "run",
    "solara_model_params",
]
