"""wgsim: an agent-based simulation of policy coordination between allies.

The reference case is the US–ROK working group on North Korea (2018–2021). Load a
scenario file, run it, and read the outcomes::

    from sim import load_file, run

    scenarios = load_file("scenarios/historical.yaml")
    result = run(scenarios.variant("no-group"), seed=7)
    result.metrics["surprises"], result.events_frame().head()
"""

from sim.errors import RunError, ScenarioError, WgsimError
from sim.loader import ScenarioFile, load_file, load_scenario
from sim.model import WorkingGroupModel
from sim.overrides import apply_overrides
from sim.runner import RunResult, run
from sim.scenario import Scenario

__version__ = "0.1.0"

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
]
