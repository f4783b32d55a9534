"""What every part of the scenario schema builds on.

:class:`Section` (the frozen, strict base of every section), :func:`param` (a field with
bounds, unit, meaning and prior), the ``Unit`` and ``Vec3`` types of values in [0, 1], and
the model's vocabularies: :data:`DIMENSIONS` and :data:`PROPOSAL_TYPES`.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

DIMENSIONS = ("S", "E", "Q")
"""The issue dimensions: sanctions strictness, engagement pace, sequencing."""

PROPOSAL_TYPES = ("HUM", "EXCH", "INFRA", "ECON", "MIL", "TOUR")
"""Proposal types: humanitarian, exchange/visit, infrastructure, economic, military
confidence-building, tourism."""

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Vec3 = tuple[Unit, Unit, Unit]


def param(
    default: Any, lo: float | None, hi: float | None, unit: str, description: str, prior: str
) -> Any:
    """Declare a scenario parameter with bounds, unit, meaning and the reason for its prior.

    Args:
        default: The prior value.
        lo: Inclusive lower bound (None for none).
        hi: Inclusive upper bound (None for none).
        unit: The unit, e.g. ``"weeks"``, ``"probability"``, ``"1/week"``.
        description: What the parameter means in the model.
        prior: Why the default has this value (a seed, a theory, or a judgement).
    """
    return Field(
        default,
        ge=lo,
        le=hi,
        description=description,
        json_schema_extra={"unit": unit, "prior": prior},
    )


class Section(BaseModel):
    """Base of every schema section: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def __setstate__(self, state: dict[Any, Any]) -> None:
        """Restore a pickled section (as sent to batch workers) with its field names interned.

        Pydantic restores the instance dictionary as it comes out of the pickle, keyed by
        new, non-interned strings. CPython 3.12 reads attributes through a specialised
        path that matches names by identity, so every parameter read on an unpickled
        scenario fell back to the slow generic lookup, and runs in worker processes or on
        Dask were slower than the same runs in the parent (measured in docs/performance.md,
        sixth round). Interning the names, as pickle's default restore does, keeps the
        fast path.
        """
        names = state.get("__dict__", {})
        super().__setstate__({**state, "__dict__": {sys.intern(k): v for k, v in names.items()}})
