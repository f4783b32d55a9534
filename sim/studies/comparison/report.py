"""The comparison report: outcomes per variant, paired differences, survival, fan charts.

Reads a finished comparison folder (``runs.parquet``, ``series.parquet``) and writes
``report.md`` with PNG figures beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis import plots
from sim.analysis.plots import save_figure
from sim.analysis.stats import bootstrap_ci, kaplan_meier, paired_difference
from sim.analysis.tables import markdown_table
from sim.runs.runner import run
from sim.runs.store import safe_name
from sim.scenario.loader import ScenarioFile

OUTCOMES = (
    ("friction", "friction incidents (surprises + disputes)", "count"),
    ("surprises", "US-side surprises", "count"),
    ("disputes", "ROK-side public disputes", "count"),
    ("n_mou_challenge", "MOU public calls to readjust the WG", "count"),
    ("n_mou_challenge_mofa", "MOU public challenges of MOFA's line (no WG)", "count"),
    ("n_denunciation", "DPRK denunciations of the WG", "count"),
    ("implemented", "proposals implemented", "count"),
    ("value_implemented", "value implemented (to the ROK)", "value units"),
    ("completion_ratio", "completion ratio (implemented / routed)", "share"),
    ("exemptions", "UN 1718 exemptions", "count"),
    ("exemption_lead_days_median", "exemption lead time (median per run)", "days"),
    ("unilateral", "unilateral moves implemented", "count"),
    ("gray_zone", "grey-zone moves", "count"),
    ("violations", "violating moves", "count"),
    ("dpi_peak", "denuclearization progress index, peak (coercion in 2020 resets it)", "index 0-1"),
    ("ws_gap", "wedge: change in the ROK-US gap on engagement", "position units"),
    ("ws_legitimacy", "wedge: share of legitimacy loss due to denunciations", "share"),
    ("wg_terminated", "WG terminated", "share of runs"),
    ("wg_lifetime_weeks", "WG lifetime from first meeting (censored runs count as alive)", "weeks"),
)

FAN_SERIES = (
    ("legitimacy", "WG legitimacy"),
    ("trust_us", "US trust in the ROK"),
    ("gap", "ROK-US gap on engagement pace"),
    ("dpi", "denuclearization progress"),
    ("surprises", "cumulative surprises"),
    ("implemented", "cumulative proposals implemented"),
)


def outcome_table(runs: pd.DataFrame, variants: list[str], seed: int = 0) -> pd.DataFrame:
    """Mean and bootstrap 95% interval of each outcome per variant."""
    rng = np.random.default_rng(seed)
    rows = []
    for key, label, unit in OUTCOMES:
        if key not in runs:
            continue
        row: dict[str, object] = {"outcome": label, "unit": unit}
        for v in variants:
            mean, lo, hi = bootstrap_ci(runs.loc[runs["variant"] == v, key].to_numpy(), rng)
            row[v] = _interval(mean, lo, hi)
        rows.append(row)
    return pd.DataFrame(rows)


def difference_table(
    runs: pd.DataFrame, baseline: str, variants: list[str], seed: int = 0
) -> pd.DataFrame:
    """Paired differences (variant - baseline) per outcome, by replication."""
    rng = np.random.default_rng(seed)
    keys = [k for k, _, _ in OUTCOMES if k in runs]
    wide = runs.pivot(index="replication", columns="variant", values=keys)
    rows = []
    for key, label, unit in OUTCOMES:
        if key not in runs:
            continue
        row: dict[str, object] = {"outcome": label, "unit": unit}
        for v in variants:
            if v == baseline:
                continue
            mean, lo, hi, n = paired_difference(
                wide[(key, v)].to_numpy(), wide[(key, baseline)].to_numpy(), rng
            )
            row[f"{v} - {baseline}"] = _interval(mean, lo, hi) + f" (n={n})"
        rows.append(row)
    return pd.DataFrame(rows)


def _interval(mean: float, lo: float, hi: float) -> str:
    if not np.isfinite(mean):
        return "–"
    return f"{mean:.3g} [{lo:.3g}, {hi:.3g}]"


def survival_figure(runs: pd.DataFrame, variants: list[str], path: Path) -> Path | None:
    """Kaplan–Meier curves of the WG's lifetime per variant that has a WG."""
    fig, ax = plt.subplots(figsize=(7, 4))
    drawn = False
    for v in variants:
        sub = runs[runs["variant"] == v]
        km = kaplan_meier(sub["wg_lifetime_weeks"].to_numpy(), sub["wg_censored"].to_numpy() == 0)
        if km.n == 0:
            continue
        drawn = True
        t = np.concatenate([[0.0], km.times])
        s = np.concatenate([[1.0], km.survival])
        (line,) = ax.step(t, s, where="post", label=f"{v} (n={km.n}, ended {km.events})")
        low = np.concatenate([[1.0], np.nan_to_num(km.low, nan=0.0)])
        high = np.concatenate([[1.0], np.nan_to_num(km.high, nan=1.0)])
        ax.fill_between(t, low, high, step="post", color=line.get_color(), alpha=0.15, lw=0)
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xlabel("weeks since the first WG meeting")
    ax.set_ylabel("share of runs in which the WG survives")
    ax.set_ylim(0, 1.02)
    ax.axvline(135, color="grey", ls="--", lw=0.8)
    ax.set_xlim(left=-5, right=max(ax.get_xlim()[1], 135) + 22)  # room for the label
    ax.text(137, 0.5, "documented end\n(2021-06)", fontsize=7, va="center", ha="left")
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title("Kaplan–Meier survival of the working group\n(right-censored; shaded: 95 % band)")
    return save_figure(fig, path)


def fan_figure(series: pd.DataFrame, variants: list[str], path: Path) -> Path:
    """Median and 50%/90% bands of key weekly series per variant."""
    fig, axes = plt.subplots(3, 2, figsize=(12, 9), sharex=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, (col, label) in zip(axes.flat, FAN_SERIES, strict=True):
        for i, v in enumerate(variants):
            sub = series[series["variant"] == v]
            if sub[col].notna().sum() == 0:
                continue
            qs = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
            q = sub.groupby("date")[col].quantile(qs).unstack()
            c = colours[i % len(colours)]
            ax.fill_between(q.index, q[0.05], q[0.95], color=c, alpha=0.12)
            ax.fill_between(q.index, q[0.25], q[0.75], color=c, alpha=0.25)
            ax.plot(q.index, q[0.5], color=c, label=v)
        ax.set_title(label, fontsize=10)
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes.flat[-1].legend(fontsize=8, loc="upper left")
    fig.suptitle("Weekly series: median, 50% and 90% bands over replications")
    return save_figure(fig, path)


def _posterior_sentence(out: Path) -> str:
    """A sentence naming the posterior the parameters were drawn from (if any)."""
    manifest = out / "manifest.json"
    posterior = json.loads(manifest.read_text()).get("posterior") if manifest.exists() else None
    if not posterior:
        return ""
    return (
        f" Each replication's fitted parameters are drawn by weight from the posterior "
        f"`{posterior}` (the same draw for every variant), so the intervals carry parameter "
        "uncertainty as well as chance."
    )


def write_compare_report(out: Path, sf: ScenarioFile) -> Path:
    """Write ``report.md`` and its figures for a finished comparison in ``out``."""
    runs = pd.read_parquet(out / "runs.parquet")
    variants = [v for v in sf.variants if v in set(runs["variant"])]
    n = runs.groupby("variant").size().to_dict()
    cols = ["variant", "replication", "date", *[c for c, _ in FAN_SERIES]]
    series = pd.read_parquet(out / "series.parquet", columns=cols)
    lines = [
        f"# Comparison: {sf.variant(None).name}",
        "",
        f"Scenario file `{sf.path}` (digest {sf.digest}); variants: "
        + ", ".join(
            f"`{v}` ({sf.descriptions.get(v, '').rstrip('.')}; n={n.get(v, 0)})" for v in variants
        )
        + ". All variants share each replication's seed (common random numbers). Intervals "
        "are percentile bootstrap 95% intervals of the mean over replications."
        + _posterior_sentence(out),
        "",
        "## Outcomes per variant: mean [95% interval]",
        "",
        markdown_table(outcome_table(runs, variants)),
        "",
        f"## Paired differences against the baseline `{sf.baseline}`",
        "",
        "Each replication's outcome minus the baseline's outcome with the same seed; n counts "
        "replications where both are defined.",
        "",
        markdown_table(difference_table(runs, sf.baseline, variants)),
        "",
    ]
    surv = survival_figure(runs, variants, out / "survival.png")
    if surv is not None:
        lines += ["## Survival of the working group", "", f"![survival]({surv.name})", ""]
    fan = fan_figure(series, variants, out / "fan.png")
    lines += ["## Weekly series", "", f"![fan charts]({fan.name})", ""]
    lines += ["## Timelines (replication 0 of each variant) against the documented episodes", ""]
    seed0 = int(runs.loc[runs["replication"] == 0, "seed"].iloc[0]) if len(runs) else 0
    for v in variants:
        res = run(sf.variant(v), seed0, variant=v)
        fig = plots.timeline(
            res.events_frame(),
            res.series_frame(),
            sf.variant(v),
            out / f"timeline_{safe_name(v)}.png",
            f"{v}, seed {seed0}: simulated events and documented episodes",
        )
        lines += [f"![timeline {v}]({fig.name})", ""]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
