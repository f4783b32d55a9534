"""The ABC proposal of a many-parameter fit: one kernel per parameter, inside its prior.

With many weakly identified parameters a joint kernel makes the importance weights
degenerate (docs/calibration.md), so the shipped spec perturbs each parameter on its own:
the proposal is the product of one-dimensional weighted Gaussian kernel densities, one
per parameter, each fitted to that parameter's column of the last population (pyabc's
``MultivariateNormalTransition`` in one dimension, Silverman's bandwidth).

Each one-dimensional kernel is *reflected* at its uniform prior's bounds: a draw that
falls outside ``[low, high]`` is folded back inside, and its density counts the mirror
images. Two things follow:

- the proposal lies inside the prior's box, so pyabc never throws a draw away for zero
  prior density (with 23 parameters, an unreflected product fell outside in most draws);
- a flat column gets a flat density up to its bounds, instead of one that halves at the
  edges, so particles near a bound do not get twice the importance weight of the rest.

The weights stay exact (prior ÷ this proposal's density); only the proposal changes.
Draws come from numpy's global generator, which pyabc seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyabc
from pyabc.transition import Transition, silverman_rule_of_thumb

# How far the density's sum over mirror images reaches: the images of a kernel centre
# under folding into [low, low + W] are the centre shifted by 2kW and its reflection at
# `low` shifted by 2kW; every image within this many bandwidths of the box is summed.
_REACH = 8.0


class ReflectedProductKernel(Transition):
    """Product of one-dimensional Gaussian kernels, each reflected at its prior bounds.

    Args:
        bounds: Each parameter's key and its uniform prior's ``(low, high)``.
        scaling: Multiplies each kernel's variance (pyabc's ``scaling``).
    """

    def __init__(self, bounds: dict[str, tuple[float, float]], scaling: float = 1.0) -> None:
        self.bounds = bounds
        self.scaling = scaling

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
        """Per column: the weighted variance times Silverman's one-dimensional factor."""
        self.keys = list(X.columns)
        self.centres = X.to_numpy(dtype=float)
        self.low = np.array([self.bounds[k][0] for k in self.keys])
        self.width = np.array([self.bounds[k][1] - self.bounds[k][0] for k in self.keys])
        self.weights = np.asarray(w, dtype=float)
        ess = 1.0 / float((self.weights**2).sum())
        factor = silverman_rule_of_thumb(ess, 1)
        if len(self.centres) > 1:
            mean = self.weights @ self.centres
            var = self.weights @ (self.centres - mean) ** 2 / (1.0 - (self.weights**2).sum())
        else:  # one particle: pyabc's fallback, the value itself as variance
            var = np.abs(self.centres[0])
        var = np.maximum(var, (1e-6 * self.width) ** 2)  # a column of one value
        self.bandwidth = np.sqrt(var * factor**2 * self.scaling)
        # Shifts by 2kW for |k| <= images put every image beyond them more than _REACH
        # bandwidths from the box (2 while bandwidths are below W/4, as in a shipped fit).
        self.images = int(np.ceil(np.max(_REACH * self.bandwidth / (2.0 * self.width)))) + 1

    def _fold(self, y: np.ndarray) -> np.ndarray:
        """Fold values into ``[low, low + width]`` by reflection at both bounds."""
        u = np.mod(y - self.low, 2.0 * self.width)
        return self.low + np.where(u > self.width, 2.0 * self.width - u, u)

    def rvs(self, size: int | None = None) -> pyabc.Parameter | pd.DataFrame:
        """Draws: for each parameter on its own, a centre by weight plus a Gaussian step."""
        if size is None:
            return self.rvs_single()
        n, d = self.centres.shape
        rows = np.random.choice(n, size=(size, d), p=self.weights)  # noqa: NPY002
        steps = np.random.normal(size=(size, d)) * self.bandwidth  # noqa: NPY002
        draws = self._fold(self.centres[rows, np.arange(d)] + steps)
        return pd.DataFrame(draws, columns=self.keys)

    def rvs_single(self) -> pyabc.Parameter:
        """One draw, as a pyabc parameter."""
        row = self.rvs(1).iloc[0]
        return pyabc.Parameter({k: float(row[k]) for k in self.keys})

    def kernel_values(self, x: np.ndarray) -> np.ndarray:
        """Each centre's one-dimensional kernel density at ``x``, per parameter: (n, d).

        Every mirror image of a centre within the reach is summed, so each column
        integrates to 1 over its prior's box.
        """
        values = np.zeros_like(self.centres)
        for k in range(-self.images, self.images + 1):
            shift = 2.0 * k * self.width
            for image in (self.centres + shift, 2.0 * self.low - self.centres + shift):
                z = (x - image) / self.bandwidth
                values += np.exp(-0.5 * z * z)
        return values / (self.bandwidth * math.sqrt(2.0 * math.pi))

    def _density(self, x: np.ndarray) -> float:
        """The proposal density at one point inside the box (0 outside it)."""
        if np.any(x < self.low) or np.any(x > self.low + self.width):
            return 0.0
        return float(np.prod(self.weights @ self.kernel_values(x)))

    def pdf(self, x: pyabc.Parameter | pd.Series | pd.DataFrame) -> float | np.ndarray:
        """The proposal density at a parameter (a float) or at each row of a frame."""
        if isinstance(x, pd.DataFrame):
            values = x[self.keys].to_numpy(dtype=float)
            return np.array([self._density(row) for row in values])
        return self._density(np.array([x[k] for k in self.keys], dtype=float))
