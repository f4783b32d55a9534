"""The actors: one Mesa agent class per role, each with its own rules (docs/model.md, entities).

South Korea is three organisations (``rok``): the MOU and the Blue House propose items,
MOFA is the WG's "control tower" [S001], and the Blue House routes and arbitrates. The US
State Department reviews and co-sponsors (``us``); the DPRK answers offers, denounces the
WG and provokes (``dprk``); the UN 1718 Committee decides exemption requests (``un``).

Each agent is given its scenario entry (its initial state) and the section of rules it
follows; it keeps the section as ``params`` and reads every rule parameter from there.
What changes during a run is the agent's own state. What it shares with others (the
pipeline, the working group, the event log) it reaches through ``self.model``.

Modules, each importing only those listed before it: ``base`` (``Dimension``,
``logistic``, ``Actor``), ``choices`` (what a role-play decider is given), ``rok``,
``us``, ``dprk``, ``un``.
"""

from sim.core.agents.base import Actor, Dimension, logistic
from sim.core.agents.dprk import Answer, Dprk, DprkMode
from sim.core.agents.rok import BlueHouse, Mofa, Mou, Proposer, RokActor
from sim.core.agents.un import Un1718Committee
from sim.core.agents.us import Decision, StateDepartment

__all__ = [
    "Actor",
    "Answer",
    "BlueHouse",
    "Decision",
    "Dimension",
    "Dprk",
    "DprkMode",
    "Mofa",
    "Mou",
    "Proposer",
    "RokActor",
    "StateDepartment",
    "Un1718Committee",
    "logistic",
]
