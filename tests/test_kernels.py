"""The calibration's proposal: one-dimensional kernels reflected at the prior's bounds."""

import numpy as np
import pandas as pd
import pyabc
import pytest
from pyabc.weighted_statistics import effective_sample_size

from sim.studies.calibration.kernels import ReflectedProductKernel


def _fitted(columns: dict[str, np.ndarray], bounds, weights=None):
    frame = pd.DataFrame(columns)
    n = len(frame)
    w = np.full(n, 1 / n) if weights is None else weights / weights.sum()
    kernel = ReflectedProductKernel(bounds)
    kernel.fit(frame, w)
    return kernel


def test_bandwidth_is_pyabcs_one_dimensional_kernel():
    rng = np.random.default_rng(3)
    x = rng.normal(0.4, 0.1, 300)
    w = rng.uniform(0.5, 1.5, 300)
    kernel = _fitted({"a": x}, {"a": (0.0, 1.0)}, w)
    plain = pyabc.MultivariateNormalTransition()
    plain.fit(pd.DataFrame({"a": x}), w / w.sum())
    assert kernel.bandwidth[0] == pytest.approx(np.sqrt(plain.cov[0, 0]), rel=1e-9)
    # far from the bounds the reflection adds nothing: the two densities agree
    for v in (0.3, 0.4, 0.5):
        assert kernel.pdf(pyabc.Parameter(a=v)) == pytest.approx(
            plain.pdf(pyabc.Parameter(a=v)), rel=1e-6
        )


def test_density_integrates_to_one_inside_the_bounds_and_is_zero_outside():
    rng = np.random.default_rng(4)
    kernel = _fitted({"a": rng.uniform(2.0, 5.0, 80)}, {"a": (2.0, 5.0)})
    grid = np.linspace(2.0, 5.0, 3001)
    dens = kernel.pdf(pd.DataFrame({"a": grid}))
    assert np.trapezoid(dens, grid) == pytest.approx(1.0, abs=1e-4)
    # a kernel far wider than its box (few particles, a large scaling) still integrates to 1
    wide = ReflectedProductKernel({"a": (2.0, 5.0)}, scaling=50.0)
    wide.fit(pd.DataFrame({"a": [2.5, 4.0]}), np.array([0.5, 0.5]))
    assert wide.bandwidth[0] > 3.0
    assert np.trapezoid(wide.pdf(pd.DataFrame({"a": grid})), grid) == pytest.approx(1.0, abs=1e-4)
    assert kernel.pdf(pyabc.Parameter(a=1.99)) == 0.0
    assert kernel.pdf(pyabc.Parameter(a=5.01)) == 0.0


def test_draws_stay_inside_and_follow_the_density():
    rng = np.random.default_rng(5)
    # particles piled against the lower bound, where most draws must be folded back
    kernel = _fitted(
        {"a": rng.uniform(0.0, 0.1, 200), "b": rng.uniform(0.0, 1.0, 200)},
        {"a": (0.0, 1.0), "b": (0.0, 1.0)},
    )
    np.random.seed(6)  # noqa: NPY002  (the kernel draws from numpy's global generator)
    draws = kernel.rvs(100_000)
    assert ((draws >= 0.0) & (draws <= 1.0)).all().all()
    counts, edges = np.histogram(draws["a"], bins=20, range=(0.0, 0.3))
    mids = (edges[:-1] + edges[1:]) / 2
    expected = [
        kernel.pdf(pyabc.Parameter(a=m, b=0.5)) / kernel.pdf(pyabc.Parameter(a=0.05, b=0.5))
        for m in mids
    ]
    # density of `a` at each bin, relative to its value at 0.05 (b's factor cancels)
    observed = counts / (len(draws) * (edges[1] - edges[0]))
    a_at_005 = observed[np.searchsorted(edges, 0.05) - 1]
    assert np.allclose(observed / a_at_005, expected, atol=0.06)
    one = kernel.rvs_single()
    assert isinstance(one, pyabc.Parameter) and set(one) == {"a", "b"}


def test_a_flat_population_gets_a_flat_density_up_to_its_bounds():
    """An unreflected kernel halves at the bounds, so particles there would weigh double."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0.0, 1.0, 2000)
    kernel = _fitted({"a": x}, {"a": (0.0, 1.0)})
    plain = pyabc.MultivariateNormalTransition()
    plain.fit(pd.DataFrame({"a": x}), np.full(2000, 1 / 2000))
    edge, middle = pyabc.Parameter(a=0.0), pyabc.Parameter(a=0.5)
    assert kernel.pdf(edge) / kernel.pdf(middle) > 0.85
    assert plain.pdf(edge) / plain.pdf(middle) < 0.6
    # importance weights (uniform prior / proposal) of the population stay near even
    keys = [f"p{i}" for i in range(12)]
    flat = {k: rng.uniform(0.0, 1.0, 300) for k in keys}
    reflected = _fitted(flat, dict.fromkeys(keys, (0.0, 1.0)))
    np.random.seed(8)  # noqa: NPY002
    draws = reflected.rvs(2000)
    ess = effective_sample_size(1.0 / reflected.pdf(draws)) / len(draws)
    assert ess > 0.7, ess
