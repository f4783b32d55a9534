"""The outputs of a recovery study: tables, figures and ``recovery_report.md``.

``recovery.csv`` (truth × parameter), ``recovery_summary.csv`` (per parameter),
``recovery_truth_vs_median.png`` (truth against posterior median, with 90 % intervals),
``recovery_ranks.png`` (SBC rank histograms) and the report. :func:`summary_table` is the
per-parameter table of the report and of docs/calibration.md (a test keeps them equal).
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from sim.runs.store import atomic_write_bytes
from sim.studies.calibration.recovery_stats import IDENTIFIED

RANK_BINS = 10


def summary_table(summary: pd.DataFrame) -> str:
    """The per-parameter table in Markdown: prior range, coverage, shrinkage, verdict."""
    lines = [
        "| parameter | prior range | 50 % coverage | 90 % coverage | mean shrinkage "
        "| corr(truth, median) | verdict | seed-averaged truths: 90 % coverage, shrinkage |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in summary.itertuples():
        verdict = "identified" if r.verdict == IDENTIFIED else "sensitivity parameter"
        lines.append(
            f"| `{r.path}` | {r.prior_low:g} – {r.prior_high:g} | {r.coverage50:.2f} "
            f"| {r.coverage90:.2f} | {r.mean_shrinkage:.2f} | {r.correlation:.2f} | {verdict} "
            f"| {r.coverage90_averaged:.2f}, {r.mean_shrinkage_averaged:.2f} |"
        )
    return "\n".join(lines) + "\n"


def _grid(n: int) -> tuple[Any, list[Any]]:
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.0 * rows), squeeze=False)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _save(fig: Any, path: Path) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())


def truth_vs_median(table: pd.DataFrame, summary: pd.DataFrame, path: Path) -> None:
    """Per parameter: each truth against its posterior median, with its 90 % interval."""
    fig, axes = _grid(len(summary))
    for ax, r in zip(axes, summary.itertuples(), strict=True):
        t = table[table["path"] == r.path]
        inside = t["in90"].to_numpy()
        for mask, colour in ((inside, "tab:blue"), (~inside, "tab:red")):
            s = t[mask]
            ax.errorbar(
                s["value"],
                s["median"],
                yerr=[s["median"] - s["q05"], s["q95"] - s["median"]],
                fmt="o",
                ms=2.5,
                lw=0.6,
                color=colour,
                alpha=0.6,
            )
        ax.plot([r.prior_low, r.prior_high], [r.prior_low, r.prior_high], "k--", lw=0.8)
        ax.set_title(
            f"{r.path}\nshrinkage {r.mean_shrinkage:.2f}, 90 % cov. {r.coverage90:.2f}", fontsize=8
        )
        ax.set_xlabel("truth", fontsize=7)
        ax.set_ylabel("posterior median (90 % interval)", fontsize=7)
        ax.tick_params(labelsize=7)
    fig.suptitle("Parameter recovery: truth vs posterior median (red: truth outside 90 %)")
    fig.tight_layout()
    _save(fig, path)


def rank_histograms(table: pd.DataFrame, summary: pd.DataFrame, k: int, path: Path) -> None:
    """Per parameter: the histogram of the truths' ranks in their posterior samples."""
    fig, axes = _grid(len(summary))
    for ax, r in zip(axes, summary.itertuples(), strict=True):
        ranks = table.loc[table["path"] == r.path, "rank"].to_numpy()
        ax.hist(ranks, bins=RANK_BINS, range=(0, k + 1), color="tab:blue", alpha=0.8)
        ax.axhline(len(ranks) / RANK_BINS, color="k", ls="--", lw=0.8)
        ax.set_title(r.path, fontsize=8)
        ax.set_xlabel(f"rank of the truth among {k} draws", fontsize=7)
        ax.tick_params(labelsize=7)
    fig.suptitle("SBC ranks (dashed: uniform; a hump: intervals too wide, a U: too narrow)")
    fig.tight_layout()
    _save(fig, path)


def _timing(timing: dict[str, Any]) -> str:
    """The time the study took: each simulating call, the sum, the worker-seconds."""
    calls = sorted(timing["simulating_calls"], key=lambda c: c["started"])
    lines = [
        f"- {c['started'][:16].replace('T', ' ')} UTC: {c['chunks']} chunks in "
        f"{c['simulate_seconds']:.0f} s wall on {c['workers']} worker(s)"
        + (f" (Dask {c['dask_address']})" if c["dask_address"] else "")
        for c in calls
    ]
    total = sum(c["simulate_seconds"] for c in calls)
    lines.append(
        f"- simulating in all: {total:.0f} s wall ({total / 60:.1f} min); the chunks took "
        f"{timing['chunk_worker_seconds']:.0f} worker-seconds; this call's analysis and "
        f"outputs: {timing['wall_seconds'] - timing['simulate_seconds']:.0f} s"
    )
    return "\n".join(lines)


def write_report(
    out: Path,
    table: pd.DataFrame,
    summary: pd.DataFrame,
    settings: Any,
    sizes: dict[str, Any],
    timing: dict[str, Any],
) -> None:
    """Write the tables, the two figures and ``recovery_report.md`` into ``out``."""
    atomic_write_bytes(out / "recovery.csv", table.to_csv(index=False).encode())
    atomic_write_bytes(out / "recovery_summary.csv", summary.to_csv(index=False).encode())
    truth_vs_median(table, summary, out / "recovery_truth_vs_median.png")
    rank_histograms(table, summary, sizes["accepted_per_truth"], out / "recovery_ranks.png")
    floor = 0.9 - settings.coverage_tolerance
    eps = table.groupby("truth")["epsilon"].first()
    not_ident = summary[summary["verdict"] != IDENTIFIED]
    text = f"""# Parameter recovery

{sizes["truths"]} synthetic records (truths) from known parameters, each recovered by
rejection ABC from a reference table of {sizes["reference_size"]:,} prior draws
({sizes["seeds_per_particle"]} seeds each, like a particle of the fit): a truth's posterior
sample is its {sizes["accepted_per_truth"]} nearest reference rows by the fit's scaled distance
(accepted distance per truth: median {eps.median():.2f}, 90th percentile {eps.quantile(0.9):.2f}).

A parameter is **identified** when its mean shrinkage (1 − posterior variance / prior
variance) is at least {settings.min_shrinkage:g} and its 90 % intervals hold the truth in at
least {floor:.2f} of the truths; otherwise it is a **sensitivity parameter**: not called
calibrated, varied over its documented range (its prior range) in sensitivity analyses.

{summary_table(summary)}
{len(summary) - len(not_ident)} of {len(summary)} parameters identified.
{"".join(f"- `{r.path}`: {r.why}" + chr(10) for r in not_ident.itertuples())}
Figures: `recovery_truth_vs_median.png`, `recovery_ranks.png`.

## How long it took

{_timing(timing)}

## Method and limits

- Rejection ABC with the k nearest rows of one shared reference table uses the same
  statistics and distance as the fit, but is coarser than the SMC fit: its acceptance
  region is wider, so its posteriors are wider. Shrinkage here is a lower bound on what
  the SMC fit could reach, and coverage errs on the conservative side (a hump in the
  rank histogram); a parameter called not identified here might be weakly identified
  by the fit, but not one the fit could be trusted to pin.
- Coverage above nominal is conservative and not held against a parameter; coverage
  below nominal (intervals that miss the truth) is.
- The truths are drawn from the prior: the verdict averages over the prior, and a
  parameter identified on average may be poorly identified near the fit's posterior.
- Each truth is one simulated history (as the record is one); each reference row is a
  mean over seeds, as a particle of the fit is. The last column repeats the study on the
  same truths' parameters simulated like particles (mean over the same number of seeds):
  where coverage is nominal there and low with one history, the intervals are too narrow
  because the fit compares one history with seed-averaged particles, whose statistics are
  less noisy than the record's; the targets carry information on such a parameter, but
  the fit's intervals for it are overconfident.
"""
    atomic_write_bytes(out / "recovery_report.md", text.encode())
