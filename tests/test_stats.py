import numpy as np
import pytest

from sim.analysis.stats import bootstrap_ci, kaplan_meier, paired_difference


def test_paired_difference_uses_finite_pairs():
    rng = np.random.default_rng(0)
    mean, lo, hi, n = paired_difference(
        np.array([3.0, 5.0, np.nan, 7.0]), np.array([1.0, 2.0, 3.0, 4.0]), rng
    )
    assert n == 3
    assert mean == pytest.approx((2 + 3 + 3) / 3)
    assert lo <= mean <= hi


def test_bootstrap_interval_narrows_with_n():
    rng = np.random.default_rng(1)
    x = rng.normal(size=2000)
    _, lo, hi = bootstrap_ci(x[:50], rng)
    _, lo2, hi2 = bootstrap_ci(x, rng)
    assert hi2 - lo2 < hi - lo


def test_kaplan_meier_hand_computed():
    # durations 2, 3(censored), 4, 4, 5(censored)
    km = kaplan_meier(np.array([2, 3, 4, 4, 5.0]), np.array([1, 0, 1, 1, 0], bool))
    assert list(km.times) == [2.0, 4.0]
    assert km.survival[0] == pytest.approx(4 / 5)
    assert km.survival[1] == pytest.approx(4 / 5 * (1 - 2 / 3))
    assert km.at(1) == 1.0 and km.at(3) == pytest.approx(0.8)
    assert km.median() == 4.0
    assert (km.n, km.events) == (5, 3)


def test_kaplan_meier_all_censored_and_nan():
    km = kaplan_meier(np.array([5.0, np.nan]), np.array([False, True]))
    assert km.n == 1 and km.events == 0
    assert km.at(100) == 1.0 and np.isnan(km.median())


def test_bootstrap_matches_a_hand_rolled_percentile_bootstrap():
    # scipy's percentile bootstrap draws the same resamples from the same generator
    x = np.random.default_rng(5).poisson(3, size=120).astype(float)
    idx = np.random.default_rng(9).integers(0, x.size, size=(1000, x.size))
    means = x[idx].mean(axis=1)
    mean, lo, hi = bootstrap_ci(x, np.random.default_rng(9))
    assert mean == pytest.approx(x.mean())
    assert lo == pytest.approx(np.quantile(means, 0.025), rel=1e-12)
    assert hi == pytest.approx(np.quantile(means, 0.975), rel=1e-12)


def test_kaplan_meier_band_brackets_the_curve():
    km = kaplan_meier(np.array([2, 3, 4, 4, 5.0]), np.array([1, 0, 1, 1, 0], bool))
    # Greenwood at t=2: var = S^2 * 1/(5*4) = 0.032, half-width 1.96 * sqrt(0.032)
    assert km.low[0] == pytest.approx(0.8 - 1.959964 * 0.032**0.5, rel=1e-5)
    assert km.high[0] == 1.0  # clipped at 1
    assert np.all(km.low <= km.survival) and np.all(km.survival <= km.high)


def test_markdown_table_escapes_pipes():
    import pandas as pd

    from sim.analysis.tables import markdown_table

    text = markdown_table(pd.DataFrame({"variant | label": ["ad hoc | baseline"], "n": [3]}))
    header, rule, row = text.splitlines()
    assert rule == "|---|---|"
    assert header == "| variant \\| label | n |"
    assert row == "| ad hoc \\| baseline | 3 |"
    # two columns: three unescaped separators per line
    assert all(line.replace("\\|", "").count("|") == 3 for line in (header, row))
