"""A bare Mesa 3.5 model as the speed floor: N agents, W weekly steps, 10 reporters.

Each agent does one scalar draw per step; a DataCollector records ten model reporters
every step, as a plain Mesa model of the same size and length would.
"""

from __future__ import annotations

import mesa


class Bare(mesa.Agent):
    """An agent with one number that moves a little each step."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.x = 0.5

    def step(self) -> None:
        self.x += 0.01 * (self.model.random.random() - 0.5)


def _reporter(i: int):
    def report(model: BareModel) -> float:
        return model.agent_list[i % len(model.agent_list)].x + i

    return report


class BareModel(mesa.Model):
    """``n_agents`` agents stepped each week, ten reporters collected each week."""

    def __init__(self, seed: int, n_agents: int = 6) -> None:
        super().__init__(rng=seed)
        self.agent_list = [Bare(self) for _ in range(n_agents)]
        self.datacollector = mesa.DataCollector(
            model_reporters={f"r{i}": _reporter(i) for i in range(10)}
        )

    def step(self) -> None:
        self.agents.do("step")
        self.datacollector.collect(self)


def run_bare(seed: int, weeks: int, n_agents: int = 6) -> None:
    """One run of the bare model."""
    BareModel(seed, n_agents).run_until(weeks)
