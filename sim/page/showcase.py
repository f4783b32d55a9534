"""The shipped showcase seeds: computed by ``benchmarks/showcase.py``, read by the page.

``sim/page/showcase.json`` holds, for the page's starting scenario
(``scenarios/historical.yaml``, its baseline variant, no slider moved), the seeds of
:func:`sim.page.score.many_seeds` over seeds ``0 … SCANNED-1`` that the criterion of
:mod:`sim.page.seedpick` picks (both halves of the trade-off visible, outcomes nearest the
ensemble median), best first. The page starts at the first
(:data:`sim.page.settings.DEFAULT_SEED`) and the tutorial names them; tests/test_tutorial.py
recomputes them on the shipped model and fails when the file is stale (rerun the script).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.page.score import SEED_METRICS, many_seeds
from sim.page.seedpick import TYPICAL, distance
from sim.runs.store import atomic_write_json

FILE = Path(__file__).with_name("showcase.json")
SCANNED = 50
"""Seeds scanned (0 … 49: the many-seeds view's seeds)."""
KEEP = 3
"""Showcase seeds kept (the best first)."""


@dataclass(frozen=True)
class Showcase:
    """The showcase seeds of one scenario variant, and how they were chosen."""

    scenario: str
    variant: str
    scanned: int
    seeds: tuple[int, ...]
    distances: tuple[float, ...]
    criterion: str


CRITERION = (
    "with the WG fewer US surprises and more public disputes than without it (same seed); "
    "among those, the smallest sum over surprises, disputes, exemptions, exemption lead time "
    "and projects implemented, in each arm, of |value - median of all seeds| / interquartile "
    "range (sim/page/seedpick.py)"
)


def compute(scenario: Path, variant: str, scanned: int = SCANNED, keep: int = KEEP) -> Showcase:
    """Scan seeds ``0 … scanned-1`` of ``scenario``'s ``variant`` and pick the showcase."""
    out = many_seeds(scenario, variant, {}, scanned)
    values = {
        k: (np.array(m.wg), np.array(m.none))
        for k, m in zip(SEED_METRICS, out.metrics, strict=True)
        if k in TYPICAL
    }
    d = distance(values)
    seeds = out.showcase[:keep]
    return Showcase(
        scenario.name,
        variant,
        scanned,
        tuple(seeds),
        tuple(round(float(d[s]), 3) for s in seeds),
        CRITERION,
    )


def write(show: Showcase, path: Path = FILE) -> None:
    """Write the showcase file atomically (a temporary file renamed over it)."""
    atomic_write_json(show.__dict__, path)


def shipped(path: Path = FILE) -> Showcase:
    """The shipped showcase seeds."""
    data = json.loads(path.read_text())
    return Showcase(
        data["scenario"],
        data["variant"],
        int(data["scanned"]),
        tuple(int(s) for s in data["seeds"]),
        tuple(float(d) for d in data["distances"]),
        data["criterion"],
    )
