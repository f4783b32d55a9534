import numpy as np
import pandas as pd
import pytest

from sim.analysis.stats import bootstrap_ci
from sim.studies.experiments.report import (
    fill_missing,
    morris_indices,
    paired_effects,
    point_summary,
    sobol_indices,
    tornado,
)


def _runs():
    rows = []
    for point in (0, 1):
        for rep in (0, 1, 2):
            rows.append(
                {"point": point, "variant": "wg", "replication": rep, "x": 10 + rep + point}
            )
            rows.append({"point": point, "variant": "none", "replication": rep, "x": 4 + 2 * rep})
    return pd.DataFrame(rows)


def test_paired_effects_pairs_by_point_and_replication():
    pairs = paired_effects(_runs(), "wg", "none", ["x"])
    p0 = pairs[pairs["point"] == 0].sort_values("replication")
    assert list(p0["x"]) == [6, 5, 4]  # (10+r) - (4+2r)
    assert list(p0["x[treatment]"]) == [10, 11, 12]
    assert list(p0["x[control]"]) == [4, 6, 8]


def test_paired_effects_drops_unpaired_runs():
    runs = _runs()
    runs = runs[~((runs["variant"] == "none") & (runs["replication"] == 2))]
    pairs = paired_effects(runs, "wg", "none", ["x"])
    assert len(pairs) == 4


def test_bootstrap_ci_brackets_the_mean():
    rng = np.random.default_rng(0)
    mean, lo, hi = bootstrap_ci(np.array([1.0, 2.0, 3.0, 4.0, np.nan]), rng)
    assert mean == pytest.approx(2.5)
    assert 1.0 <= lo < mean < hi <= 4.0


def test_bootstrap_ci_degenerate_cases():
    rng = np.random.default_rng(0)
    assert bootstrap_ci(np.array([7.0]), rng) == (7.0, 7.0, 7.0)
    assert all(np.isnan(v) for v in bootstrap_ci(np.array([np.nan]), rng))


def test_point_summary_one_row_per_point():
    pairs = paired_effects(_runs(), "wg", "none", ["x"])
    summary = point_summary(pairs, ["x"], seed=1)
    assert list(summary["point"]) == [0, 1]
    assert summary.loc[0, "x"] == pytest.approx(5.0)
    assert summary.loc[1, "x"] == pytest.approx(6.0)
    assert (summary["x lo"] <= summary["x"]).all()


def test_fill_missing_uses_mean_of_finite():
    y, n = fill_missing(np.array([1.0, np.nan, 3.0]))
    assert n == 1
    assert list(y) == [1.0, 2.0, 3.0]


def test_tornado_orders_by_swing():
    rng = np.random.default_rng(2)
    x = rng.random((500, 2))
    y = 5 * x[:, 0] + 0.1 * x[:, 1]
    tab = tornado(x, y, ["big", "small"])
    assert list(tab["parameter"]) == ["big", "small"]
    assert tab.loc[0, "high"] > tab.loc[0, "low"]


def test_sobol_indices_find_the_influential_parameter():
    from SALib.sample import sobol

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    x = sobol.sample(problem, 256, calc_second_order=False, seed=1)
    y = 4 * x[:, 0] + x[:, 1] ** 2 + 0 * x[:, 2]
    idx = sobol_indices(problem, y, seed=1)
    st = dict(zip(idx["parameter"], idx["ST"], strict=True))
    assert st["a"] > st["b"] > st["c"]
    assert st["c"] == pytest.approx(0.0, abs=0.05)


def test_morris_indices_rank_parameters():
    from SALib.sample import morris

    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1]] * 2}
    x = morris.sample(problem, 20, num_levels=4, seed=3)
    y = 3 * x[:, 0] + 0.2 * x[:, 1]
    idx = morris_indices(problem, x, y, levels=4, seed=3)
    mu = dict(zip(idx["parameter"], idx["mu_star"], strict=True))
    assert mu["a"] == pytest.approx(3.0)
    assert mu["b"] == pytest.approx(0.2)
