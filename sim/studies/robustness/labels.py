"""Robustness labels: each claim robust, or depending on named inputs with thresholds.

A claim is robust when its sign holds in at least the spec's share of the sampled worlds
(the Sobol' points, chance taken out), reversed when the opposite sign holds as often.
Otherwise it depends on the inputs with the largest total Sobol' index, and the
one-at-a-time sweeps say where along each it flips.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.studies.robustness.analysis import crossing
from sim.studies.robustness.spec import POSTERIOR


def flip_text(sweep: pd.DataFrame, name: str, direction: str, digits: int = 2) -> str:
    """Where a claim flips along one input's sweep, and on which side it holds.

    Args:
        sweep: The input's levels (``level``) and the outcome's mean effect (``name``).
        name: The outcome column.
        direction: The claim's sign (``up`` or ``down``).
        digits: Decimals of the threshold.
    """
    path = str(sweep["input"].iloc[0])
    x = sweep["level"].to_numpy(dtype=float)
    y = sweep[name].to_numpy(dtype=float)
    good = (y > 0) if direction == "up" else (y < 0)
    at = crossing(x, y)
    if at is None:
        side = "holds" if good.all() else "fails"
        return f"{path}: no flip in [{x.min():g}, {x.max():g}] at the defaults ({side} throughout)"
    side = "below" if good[0] else "above"
    return f"{path}: flips at ≈ {at:.{digits}f} (holds {side})"


def label(
    share: float,
    robust_share: float,
    top: Sequence[str],
    flips: Sequence[str],
) -> tuple[str, str]:
    """``(status, text)`` of a claim whose sign holds in ``share`` of the sampled worlds.

    ``robust`` (share >= ``robust_share``); ``reversed`` (the opposite sign holds as
    robustly: share <= 1 - ``robust_share``); else ``conditional``, with the text
    "depends on X, Y" and the flips found along the sweeps.
    """
    if np.isfinite(share) and share >= robust_share:
        return "robust", "robust"
    if np.isfinite(share) and share <= 1.0 - robust_share:
        return "reversed", "reversed: the opposite sign is robust"
    names = [("the posterior (the fitted parameters)" if t == POSTERIOR else t) for t in top]
    text = f"depends on {', '.join(names)}" if names else "depends on the inputs"
    if flips:
        text += "; " + "; ".join(flips)
    return "conditional", text
