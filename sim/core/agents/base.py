"""What every actor shares: the issue dimensions, the logistic link, the agent base class."""

from __future__ import annotations

import math
from enum import IntEnum
from typing import Any

import mesa


class Dimension(IntEnum):
    """The issue dimensions, the index of a position or salience vector (ODD §2)."""

    SANCTIONS = 0
    """Sanctions strictness."""
    ENGAGEMENT = 1
    """Engagement pace."""
    SEQUENCING = 2
    """Sequencing: denuclearization before or with rewards."""


def logistic(z: float) -> float:
    """The logistic function, safe for large |z|."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


class Actor(mesa.Agent[Any]):
    """Base of every actor: a Mesa agent that reaches shared state through ``self.model``.

    ``self.model`` is the :class:`~sim.core.model.WorkingGroupModel`. It is typed loosely
    (``Any``) so that the agents' modules need not import the model's module, which
    imports them.
    """
