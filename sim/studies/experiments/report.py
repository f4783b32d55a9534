"""Analysis of experiments: paired effects per design point, Sobol and Morris indices.

Pure functions of tables and arrays (unit-tested on hand-made cases); the figures and the
Markdown report are written by :func:`write_report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol

from sim.analysis import plots
from sim.analysis.stats import bootstrap_ci
from sim.analysis.tables import markdown_table
from sim.studies.experiments.spec import Experiment


def paired_effects(
    runs: pd.DataFrame, treatment: str, control: str, metrics: list[str]
) -> pd.DataFrame:
    """Per design point and replication: treatment, control and their difference.

    Args:
        runs: One row per run with columns ``point``, ``variant``, ``replication`` and the
            metrics.
        treatment: Treatment variant name.
        control: Control variant name.
        metrics: Metric columns to pair.

    Returns:
        One row per (point, replication) with ``<m>[treatment]``, ``<m>[control]`` and
        ``<m>`` (the difference) for each metric ``m``.
    """
    keys = ["point", "replication"]
    t = runs[runs["variant"] == treatment].set_index(keys)[metrics]
    c = runs[runs["variant"] == control].set_index(keys)[metrics]
    t, c = t.align(c, join="inner")
    out = pd.DataFrame(index=t.index)
    for m in metrics:
        out[f"{m}[treatment]"] = t[m]
        out[f"{m}[control]"] = c[m]
        out[m] = t[m] - c[m]
    return out.reset_index()


def point_summary(pairs: pd.DataFrame, keys: list[str], seed: int) -> pd.DataFrame:
    """Mean and bootstrap 95% interval of each analysed quantity per design point."""
    rng = np.random.default_rng(seed)
    rows = []
    for point, grp in pairs.groupby("point", sort=True):
        row: dict[str, Any] = {"point": point, "n": len(grp)}
        for k in keys:
            mean, lo, hi = bootstrap_ci(grp[k].to_numpy(), rng)
            row[k], row[f"{k} lo"], row[f"{k} hi"] = mean, lo, hi
        rows.append(row)
    return pd.DataFrame(rows)


def against_first(
    pairs: pd.DataFrame, keys: list[str], labels: dict[int, str], seed: int
) -> pd.DataFrame:
    """The first point's effect, and what each other point removes from it.

    Every point runs with the same replication seeds, so the first point's effect minus
    another point's is a paired difference by replication (replications where either is
    undefined are left out). In an experiment whose first point has every mechanism on
    and whose other points each switch one off, it is the part of the effect that
    mechanism produces.

    Returns:
        One row per (quantity, point): ``quantity``, ``point``, ``label``, ``part``
        (``effect`` for the first point, ``removed`` for the others), ``mean``, ``lo``,
        ``hi`` and ``n`` (replications used).
    """
    rng = np.random.default_rng(seed)
    points = sorted(pairs["point"].unique())
    first = points[0]
    rows = []
    for key in keys:
        wide = pairs.pivot(index="replication", columns="point", values=key)
        for point in points:
            if point == first:
                values = wide[first].to_numpy(dtype=float)
            else:
                values = (wide[first] - wide[point]).to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            mean, lo, hi = bootstrap_ci(values, rng)
            rows.append(
                {
                    "quantity": key,
                    "point": point,
                    "label": labels.get(point, str(point)),
                    "part": "effect" if point == first else "removed",
                    "mean": mean,
                    "lo": lo,
                    "hi": hi,
                    "n": int(values.size),
                }
            )
    return pd.DataFrame(rows)


def against_first_figure(table: pd.DataFrame, path: Path, title: str) -> Path:
    """One panel per quantity: the first point's effect and the part each point removes."""
    keys = list(dict.fromkeys(table["quantity"]))
    ncol = 2 if len(keys) > 1 else 1
    nrow = -(-len(keys) // ncol)
    n_points = table["point"].nunique()
    fig, axes = plt.subplots(
        nrow, ncol, figsize=(6.5 * ncol, (0.32 * n_points + 0.9) * nrow), squeeze=False
    )
    for ax, key in zip(axes.flat, keys, strict=False):
        t = table[table["quantity"] == key].iloc[::-1]
        y = np.arange(len(t))
        colours = ["tab:blue" if part == "effect" else "tab:orange" for part in t["part"]]
        err = np.vstack([t["mean"] - t["lo"], t["hi"] - t["mean"]])
        ax.barh(y, t["mean"], xerr=np.nan_to_num(err), color=colours, capsize=3)
        names = [
            f"effect ({lab})" if part == "effect" else f"removed by '{lab}'"
            for lab, part in zip(t["label"], t["part"], strict=True)
        ]
        ax.set_yticks(y)
        ax.set_yticklabels(names, fontsize=8)
        ax.axvline(0.0, color="grey", lw=0.8, ls="--")
        ax.set_title(key, fontsize=9)
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return plots.save_figure(fig, path)


def fill_missing(y: np.ndarray) -> tuple[np.ndarray, int]:
    """Replace non-finite entries by the mean of the finite ones; returns how many."""
    y = np.asarray(y, dtype=float).copy()
    bad = ~np.isfinite(y)
    if bad.all():
        return np.zeros_like(y), int(bad.sum())
    y[bad] = y[~bad].mean()
    return y, int(bad.sum())


def sobol_indices(problem: dict[str, Any], y: np.ndarray, seed: int) -> pd.DataFrame:
    """First-order and total Sobol indices with 95% confidence half-widths (SALib)."""
    res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
            "ST": res["ST"],
            "ST_conf": res["ST_conf"],
        }
    )


def morris_indices(
    problem: dict[str, Any], x: np.ndarray, y: np.ndarray, levels: int, seed: int
) -> pd.DataFrame:
    """Morris elementary-effect statistics mu*, its 95% half-width, and sigma (SALib)."""
    res = morris.analyze(problem, x, y, num_levels=levels, seed=seed)
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu_star": res["mu_star"],
            "mu_star_conf": res["mu_star_conf"],
            "sigma": res["sigma"],
        }
    )


def tornado(x: np.ndarray, y: np.ndarray, names: list[str], frac: float = 0.2) -> pd.DataFrame:
    """Mean outcome when each parameter is in its lowest vs highest ``frac`` of the sample.

    A model-free one-parameter view of a global sample, sorted by the swing |high - low|.
    """
    rows = []
    for j, name in enumerate(names):
        col = x[:, j]
        lo_cut, hi_cut = np.quantile(col, frac), np.quantile(col, 1.0 - frac)
        low = float(np.nanmean(y[col <= lo_cut]))
        high = float(np.nanmean(y[col >= hi_cut]))
        rows.append({"parameter": name, "low": low, "high": high, "swing": abs(high - low)})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)


def point_values(exp: Experiment) -> np.ndarray:
    """The design matrix (rows = points) of a Sobol/Morris experiment as used in the runs."""
    names = [p.path for p in exp.spec.design.parameters]
    return np.array([[pt.values[n] for n in names] for pt in exp.points], dtype=float)


def write_report(exp: Experiment, runs: pd.DataFrame, out: Path) -> Path:
    """Write ``report.md`` with tables and figures for an experiment's runs.

    Args:
        exp: The experiment.
        runs: One row per run (``point``, ``variant``, ``replication``, ``seed``, metrics).
        out: The output folder.
    """
    spec = exp.spec
    metrics = sorted({o.metric for o in spec.outcomes})
    keys = [o.key for o in spec.outcomes]
    pairs = paired_effects(runs, spec.treatment, spec.control, metrics)
    summary = point_summary(pairs, keys, spec.seed)
    labels = {pt.index: pt.label for pt in exp.points}
    summary.insert(1, "label", summary["point"].map(labels))
    for i, name in enumerate(exp.points[0].values, start=2):  # each point's parameter values
        summary.insert(i, name, summary["point"].map({p.index: p.values[name] for p in exp.points}))
    summary.to_csv(out / "points.csv", index=False)
    lines = [
        f"# Experiment: {spec.name}",
        "",
        spec.description,
        "",
        f"Scenario `{spec.scenario}`; effect = `{spec.treatment}` minus `{spec.control}` "
        f"(paired by replication seed, common random numbers). Design: {spec.design.kind}, "
        f"{len(exp.points)} points x {spec.replications} replications x 2 variants "
        f"= {len(runs)} runs; seed {spec.seed}. Intervals are bootstrap 95% intervals "
        "over replications.",
        "",
    ]
    for key in keys:
        lines += [f"## {key}", ""]
        if spec.design.kind in ("points", "grid"):
            lines += _sweep_section(exp, summary, key, out)
        else:
            lines += _global_section(exp, summary, key, out)
    if spec.design.kind in ("points", "grid"):
        lines += ["## Table: mean and interval per point", "", markdown_table(summary)]
    if spec.design.kind == "points" and len(exp.points) > 1:
        lines += _against_first_section(exp, pairs, keys, labels, out)
    report = out / "report.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report


def _sweep_section(exp: Experiment, summary: pd.DataFrame, key: str, out: Path) -> list[str]:
    fig = plots.sweep(summary, key, out / f"sweep_{_slug(key)}.png", _title(exp.spec, key))
    return [f"![{key} per design point]({fig.name})", ""]


def _global_section(exp: Experiment, summary: pd.DataFrame, key: str, out: Path) -> list[str]:
    spec = exp.spec
    x = point_values(exp)
    means = summary.set_index("point")[key].reindex(range(len(x))).to_numpy()
    y, missing = fill_missing(means)
    lines = []
    if missing:
        lines += [
            f"{missing} of {len(y)} points had no defined value; they were set to the mean "
            "of the others.",
            "",
        ]
    title = _title(spec, key)
    if spec.design.kind == "sobol":
        idx = sobol_indices(exp.problem, y, spec.seed)
        fig = plots.indices(idx, "S1", "ST", out / f"sobol_{_slug(key)}.png", title)
    else:
        idx = morris_indices(exp.problem, x, y, spec.design.levels, spec.seed)
        fig = plots.indices(idx, "mu_star", None, out / f"morris_{_slug(key)}.png", title)
    idx.to_csv(out / f"{spec.design.kind}_{_slug(key)}.csv", index=False)
    tor = tornado(x, y, [p.path for p in spec.design.parameters])
    tfig = plots.tornado(tor, out / f"tornado_{_slug(key)}.png", title)
    return [
        *lines,
        f"![{spec.design.kind} indices]({fig.name})",
        "",
        markdown_table(idx),
        "",
        f"![tornado chart]({tfig.name})",
        "",
    ]


def _against_first_section(
    exp: Experiment, pairs: pd.DataFrame, keys: list[str], labels: dict[int, str], out: Path
) -> list[str]:
    spec = exp.spec
    table = against_first(pairs, keys, labels, spec.seed)
    table.to_csv(out / "against_first.csv", index=False)
    title = f"{spec.name}: effect ({spec.treatment} vs {spec.control}) and part removed"
    fig = against_first_figure(table, out / "against_first.png", title)
    first = labels.get(exp.points[0].index, "the first point")
    return [
        "",
        "## Each point against the first",
        "",
        f"The effect at the first point ({first}) and, for each other point, the first "
        "point's effect minus this point's, paired by replication (every point shares the "
        "replication seeds): the part of the effect that the point's change removes.",
        "",
        f"![effect and part removed per point]({fig.name})",
        "",
        markdown_table(table),
    ]


def _title(spec: Any, key: str) -> str:
    return f"{spec.name}: {key} ({spec.treatment} vs {spec.control})"


def _slug(key: str) -> str:
    return key.replace("[", "_").replace("]", "")
