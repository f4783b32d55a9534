"""Drawing parameter sets from a calibration posterior.

``wgsim compare --posterior calibration/posterior/posterior.csv`` gives each replication
its own parameter set, drawn by posterior weight, so that group-vs-no-group effects carry
parameter uncertainty as well as chance. All variants of a replication share its draw and
its seed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import WgsimError
from sim.scenario import Scenario
from sim.scenario.paths import get_value


class PosteriorError(WgsimError):
    """A posterior file is missing or does not fit the scenario."""


def load_posterior(path: str | Path) -> pd.DataFrame:
    """Particles (one column per field path) and their ``weight`` column."""
    path = Path(path)
    if not path.is_file():
        raise PosteriorError(f"posterior {path}: file not found")
    expected = (
        "expected a posterior.csv: particles, one numeric column per field path and a 'weight'"
    )
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PosteriorError(f"posterior {path}: larger than {MAX_BYTES:,} bytes; {expected}")
        df = pd.read_csv(path, encoding="utf-8", encoding_errors="strict")
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise PosteriorError(f"posterior {path}: cannot be read ({reason}); {expected}") from None
    if "weight" not in df or len(df) == 0:
        raise PosteriorError(f"posterior {path}: {expected}")
    numeric = df.apply(pd.to_numeric, errors="coerce")
    if numeric.isna().to_numpy().any() or not np.isfinite(numeric.to_numpy(dtype=float)).all():
        raise PosteriorError(f"posterior {path}: a value is not a finite number; {expected}")
    weights = numeric["weight"].to_numpy(dtype=float)
    if (weights < 0).any() or weights.sum() <= 0:
        raise PosteriorError(f"posterior {path}: weights must be >= 0 with a positive sum")
    return numeric


MAX_BYTES = 200_000_000
"""Largest posterior file read (the shipped one is about 100 kB)."""


def posterior_digest(path: str | Path) -> str:
    """A short hash of the posterior file (it keys resumable runs)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def draw_overrides(
    particles: pd.DataFrame, scenario: Scenario, n: int, seed: int
) -> list[dict[str, Any]]:
    """``n`` parameter sets drawn by weight, as field-path overrides.

    Integer fields are rounded. Draws depend only on ``seed`` and the particle table.

    Raises:
        PosteriorError: if a column is not a field path of ``scenario``.
    """
    paths = [c for c in particles.columns if c != "weight"]
    integer = {}
    for p in paths:
        try:
            integer[p] = isinstance(get_value(scenario, p), int) and not isinstance(
                get_value(scenario, p), bool
            )
        except WgsimError as exc:
            raise PosteriorError(f"posterior column '{p}' is not a scenario field: {exc}") from None
    w = particles["weight"].to_numpy(dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x505]))
    idx = rng.choice(len(particles), size=n, p=w / w.sum())
    out = []
    for j in idx:
        row = particles.iloc[int(j)]
        out.append({p: round(float(row[p])) if integer[p] else float(row[p]) for p in paths})
    return out
