"""What a lower ABC epsilon buys, and what it costs, from a finished calibration.

docs/calibration.md ("A fifth calibration, not shipped, and what the goal costs") quotes
this script's tables. It reads a calibration's ``posterior.db`` and:

- ``runs``: runs every particle of the final generation with 12 seeds (90000-90011) and
  keeps the target statistics of each run (``--cache``, an ``.npz``);
- ``reweight``: reweights that population to lower thresholds. A particle's distance is
  that of the means of 3 (or ``--seeds``) runs, or another ``--distance``; its chance of
  acceptance at epsilon is estimated from every set of that many of its 12 runs, and the
  population is reweighted by P(d <= epsilon | theta) / P(d <= epsilon_final | theta),
  the latter for the fit's own distance and 3 runs. Printed per threshold: the
  targets hit in at least two thirds of runs, each target's hit rate (the mean over a
  particle's 12 runs, averaged by weight), the effective size of the reweighting and the
  acceptance of the population's own particles at that threshold;
- ``kernels``: from generation ``--generation``, proposes ``--proposals`` particles with
  several kernels, runs each particle as the calibration does, and prints the acceptance
  at the next generation's epsilon and the effective particles per simulated particle.

    .venv/bin/python benchmarks/calibration_cost.py runs          # about 40 s on 2 cores
    .venv/bin/python benchmarks/calibration_cost.py reweight
    .venv/bin/python benchmarks/calibration_cost.py reweight --seeds 8 --quantiles 0.01
    .venv/bin/python benchmarks/calibration_cost.py reweight --distance misses
    .venv/bin/python benchmarks/calibration_cost.py kernels       # about 2 min
"""

from __future__ import annotations

import argparse
import itertools
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyabc

from sim.runs.runner import run
from sim.studies.calibration.kernels import ReflectedProductKernel
from sim.studies.calibration.simulator import Simulator, scaled_distance
from sim.studies.calibration.spec import load_spec
from sim.studies.calibration.targets import statistics_of

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "calibration" / "historical.yaml"
DB = ROOT / "calibration" / "posterior" / "posterior.db"
SEEDS = range(90000, 90012)

spec, scenario, episodes = load_spec(SPEC)
IDS = [t.id for t in episodes.fitted]
VALUE = np.array([t.value for t in episodes.fitted])
TOLERANCE = np.array([t.tolerance for t in episodes.fitted])
ONE_RUN = Simulator(scenario, episodes, spec.parameters, 1)  # scenarios of particles
FIT = Simulator(scenario, episodes, spec.parameters, spec.budget.seeds_per_particle)
OBSERVED = {t.id: t.value for t in episodes.fitted}
DISTANCE = scaled_distance({t.id: t.tolerance for t in episodes.fitted})  # the fit's own
DISTANCE.initialize(t=0, get_sample=lambda: None, x_0=OBSERVED, total_sims=0)


def _statistics(values: dict[str, float]) -> list[list[float]]:
    """The target statistics of one particle's runs, one row per seed."""
    sc = ONE_RUN.scenario_for(values)
    rows = []
    for seed in SEEDS:
        res = run(sc, seed)
        stats = statistics_of(episodes, res.events, res.series, sc.calendar)
        rows.append([stats[k] for k in IDS])
    return rows


def _history(db: Path) -> Any:
    return pyabc.History(f"sqlite:///{db}")


def runs(db: Path, cache: Path) -> None:
    """Run the final generation's particles with 12 seeds each; save their statistics."""
    history = _history(db)
    df, w = history.get_distribution(m=0, t=history.max_t)
    particles = [dict(row) for _, row in df.iterrows()]
    with ProcessPoolExecutor(2) as pool:
        stats = np.array(list(pool.map(_statistics, particles, chunksize=10)))
    epsilon = float(history.get_all_populations()["epsilon"].iloc[-1])
    np.savez(cache, stats=stats, weights=w, epsilon=epsilon)
    print(f"{stats.shape[0]} particles x {stats.shape[1]} runs -> {cache}")


def _distances(stats: np.ndarray, k: int, kind: str = "means") -> np.ndarray:
    """A distance for every k of a particle's runs: (particles, sets).

    ``means``: the fit's own, the scaled Euclidean norm of the k runs' mean statistics;
    the others average a per-run quantity over the k runs: ``misses``, the number of
    targets a run misses; ``excess``, each miss's excess beyond its tolerance (in
    tolerances, capped at 1) summed over targets; ``per-run``, each run's scaled norm.
    """
    sets = np.array(list(itertools.combinations(range(stats.shape[1]), k)))
    if kind == "means":
        means = stats[:, sets, :].mean(axis=2)
        return np.sqrt((((means - VALUE) / TOLERANCE) ** 2).sum(axis=-1))
    scaled = np.abs(stats - VALUE) / TOLERANCE  # (particles, runs, targets)
    per_run = {
        "misses": (scaled > 1.0).sum(axis=-1),
        "excess": np.clip(scaled - 1.0, 0.0, 1.0).sum(axis=-1),
        "per-run": np.sqrt((scaled**2).sum(axis=-1)),
    }[kind]
    return per_run[:, sets].mean(axis=-1)


def reweight(
    cache: Path, seeds: int, quantiles: list[float], epsilons: list[float], kind: str
) -> None:
    """Hit rates of the population reweighted to lower thresholds of a distance."""
    data = np.load(cache)
    stats, w, final = data["stats"], data["weights"], float(data["epsilon"])
    w = w / w.sum()
    hits = (np.abs(stats - VALUE) <= TOLERANCE).mean(axis=1)
    shipped = _distances(stats, 3)  # the fit's own distance: the means of 3 runs
    floor = 1.0 / shipped.shape[1]
    before = np.maximum((shipped <= final).mean(axis=1), floor)
    rates = w @ hits
    print(f"as drawn (epsilon {final:.2f}): {_line(rates)}")
    dist = _distances(stats, seeds, kind)
    thresholds = [(f"quantile {q}", float(np.quantile(dist, q))) for q in quantiles]
    for label, eps in sorted(thresholds + [("given", e) for e in epsilons], key=lambda t: -t[1]):
        accept = (dist <= eps).mean(axis=1)
        w2 = w * accept / before
        w2 /= w2.sum()
        r = w2 @ hits
        ess = 1 / (w2**2).sum()
        print(
            f"{kind}, {seeds} runs, epsilon {eps:.2f} ({label}): effective {ess:.0f}, "
            f"acceptance {w @ accept:.2%}: {_line(r)}"
        )


def _line(rates: np.ndarray) -> str:
    met = int((rates >= 2 / 3).sum())
    return f"{met} at >= 2/3, lowest {rates.min():.0%}; " + " ".join(
        f"{k} {r:.0%}" for k, r in zip(IDS, rates, strict=True)
    )


class _PerParticle:
    """The reflected kernels with one centre for all parameters (a product per particle)."""

    def __init__(self, base: ReflectedProductKernel) -> None:
        self.base = base

    def rvs(self, n: int) -> pd.DataFrame:
        b = self.base
        rows = np.random.choice(len(b.centres), size=n, p=b.weights)  # noqa: NPY002
        steps = np.random.normal(size=(n, len(b.keys))) * b.bandwidth  # noqa: NPY002
        return pd.DataFrame(b._fold(b.centres[rows] + steps), columns=b.keys)

    def pdf(self, x: pd.DataFrame) -> np.ndarray:
        b = self.base
        rows = x[b.keys].to_numpy(dtype=float)
        return np.array([b.weights @ np.prod(b.kernel_values(row), axis=1) for row in rows])


def _distance(values: dict[str, float]) -> float:
    """A particle's distance as the fit computes it (its seeds' mean statistics)."""
    return float(DISTANCE(FIT(values), OBSERVED, 0))


def kernels(db: Path, generation: int, proposals: int) -> None:
    """Acceptance and effective particles per simulation of several proposals."""
    history = _history(db)
    df, w = history.get_distribution(m=0, t=generation)
    eps = float(history.get_all_populations().set_index("t").loc[generation + 1, "epsilon"])
    bounds = {p.key: (p.low, p.high) for p in spec.parameters}
    np.random.seed(5)  # noqa: NPY002  (the kernels draw from numpy's global generator, as in pyabc)
    for name, scaling, kind in [
        ("reflected product of marginals", 1.0, "marginal"),
        ("the same, half the variance", 0.5, "marginal"),
        ("one centre for all parameters", 1.0, "particle"),
        ("the same, half the variance", 0.5, "particle"),
        ("half of each", 1.0, "mixture"),
    ]:
        marginal = ReflectedProductKernel(bounds, scaling=scaling)
        marginal.fit(df, w / w.sum())
        particle = _PerParticle(marginal)
        if kind == "marginal":
            x = marginal.rvs(proposals)
            q = marginal.pdf(x)
        elif kind == "particle":
            x = particle.rvs(proposals)
            q = particle.pdf(x)
        else:
            half = proposals // 2
            x = pd.concat([marginal.rvs(half), particle.rvs(proposals - half)], ignore_index=True)
            q = 0.5 * marginal.pdf(x) + 0.5 * particle.pdf(x)
        with ProcessPoolExecutor(2) as pool:
            d = np.array(
                list(pool.map(_distance, [dict(r) for _, r in x.iterrows()], chunksize=25))
            )
        ok = d <= eps
        weights = 1.0 / np.asarray(q)[ok]  # flat prior: importance weight = 1 / proposal
        ess = weights.sum() ** 2 / (weights**2).sum() if ok.any() else 0.0
        print(
            f"{name:32s} epsilon {eps:.2f}: accepted {ok.sum()} of {proposals} ({ok.mean():.1%}), "
            f"effective/accepted {ess / max(1, ok.sum()):.2f}, "
            f"effective per simulated particle {ess / proposals:.4f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["runs", "reweight", "kernels"])
    parser.add_argument("--db", type=Path, default=DB)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/calibration_cost.npz"))
    parser.add_argument("--seeds", type=int, default=3, help="runs per particle (reweight)")
    parser.add_argument("--quantiles", type=float, nargs="+", default=[0.1, 0.03, 0.01])
    parser.add_argument(
        "--distance", choices=["means", "misses", "excess", "per-run"], default="means"
    )
    parser.add_argument("--epsilons", type=float, nargs="*", default=[2.4])
    parser.add_argument("--generation", type=int, default=10)
    parser.add_argument("--proposals", type=int, default=1200)
    args = parser.parse_args()
    if args.what == "runs":
        runs(args.db, args.cache)
    elif args.what == "reweight":
        reweight(args.cache, args.seeds, args.quantiles, args.epsilons, args.distance)
    else:
        kernels(args.db, args.generation, args.proposals)


if __name__ == "__main__":
    main()
