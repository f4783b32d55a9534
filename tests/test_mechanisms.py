"""Mechanism checks over many paired seeds (common random numbers).

Without the working group, ROK moves reach the US less often, so the US is surprised more;
with it, co-sponsored UN requests make exemptions faster.
"""

import numpy as np
import pytest

from sim.batch import replication_seeds
from sim.runner import run
from sim.stats import paired_difference

N = 240


@pytest.fixture(scope="module")
def paired(historical):
    seeds = replication_seeds(2024, N)
    group = [run(historical.variant("historical"), s, series=False).metrics for s in seeds]
    alone = [run(historical.variant("no-group"), s, series=False).metrics for s in seeds]
    return group, alone


def _diff(paired, key):
    group, alone = paired
    a = np.array([m[key] for m in alone], dtype=float)
    g = np.array([m[key] for m in group], dtype=float)
    return paired_difference(a, g, np.random.default_rng(0), n_boot=2000)


def test_more_us_side_surprises_without_the_group(paired):
    mean, lo, hi, n = _diff(paired, "surprises")
    assert n == N
    assert lo > 0, f"no-group minus group surprises: {mean:.3f} [{lo:.3f}, {hi:.3f}]"


def test_sanctioned_items_get_exemptions_faster_with_the_group(paired):
    mean, lo, hi, n = _diff(paired, "exemption_lead_days_median")
    assert n > N * 0.8
    assert lo > 0, f"no-group minus group lead time (days): {mean:.1f} [{lo:.1f}, {hi:.1f}]"
