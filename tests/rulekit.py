"""Shared helpers of the rule tests: scripted uniforms, a small real model, a hand-made item.

Used by test_rules.py, test_plausibility.py, test_switches.py and test_metrics.py, which
drive one agent's rule on a case worked out by hand.
"""

from __future__ import annotations

from typing import Any

from sim.core.model import WorkingGroupModel
from sim.core.proposals import Proposal
from sim.scenario.loader import build_scenario


class Scripted:
    """A stand-in for ``random.Random`` that returns scripted uniforms (the last repeats)."""

    def __init__(self, *uniforms: float) -> None:
        self.uniforms = list(uniforms)
        self.calls = 0

    def random(self) -> float:
        self.calls += 1
        return self.uniforms.pop(0) if len(self.uniforms) > 1 else self.uniforms[0]

    def gauss(self, mu: float, sigma: float) -> float:
        return mu


def small_model(seed: int = 0, **sections: Any) -> WorkingGroupModel:
    """A real model of the schema's defaults with the given sections, seeded."""
    return WorkingGroupModel(build_scenario(sections), rng=seed)


def proposal(**fields: Any) -> Proposal:
    """A hand-made item: a light MOU exchange unless ``fields`` say otherwise."""
    base: dict[str, Any] = dict(
        id=1,
        origin="MOU",
        type="EXCH",
        label="x",
        sigma=0.2,
        alliance_sensitivity=0.1,
        value_rok=0.5,
        value_dprk=0.5,
        t_created=1,
    )
    base.update(fields)
    return Proposal(**base)
