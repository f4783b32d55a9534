"""The calibration fit report: targets against the posterior predictive, marginals, pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis import plots
from sim.analysis.plots import DOCUMENTED, episode_labels, save_figure
from sim.analysis.tables import markdown_table
from sim.runs.runner import run
from sim.studies.calibration.items import Outcome, item_outcomes, item_table
from sim.studies.calibration.observables import item_ids
from sim.studies.calibration.paths import fan_charts, path_summary, run_paths
from sim.studies.calibration.record import load_record
from sim.studies.calibration.simulator import Simulator
from sim.studies.calibration.spec import CalibrationSpec
from sim.studies.calibration.targets import Episodes, statistics_of

TIMELINE_RUNS = 20
"""Simulated runs drawn in the fit report's timelines figure."""

PATH_RUNS = 200
"""Posterior-predictive runs drawn in the fan charts of the paths (at most; half the
predictive draws, and at least ten, in a smaller fit)."""

HIT_GOAL = 2 / 3
"""A target is reproduced when at least this share of posterior-predictive runs hit it."""


def predictive(
    spec: CalibrationSpec, simulator: Simulator, df: pd.DataFrame, draws: int, seed: int
) -> tuple[pd.DataFrame, list[dict[str, Outcome]]]:
    """Posterior-predictive runs: particles drawn by posterior weight, one seed each.

    Returns:
        Per run, the target statistics (a frame) and each named item's outcome.
    """
    one = Simulator(simulator.scenario, simulator.episodes, simulator.params, 1)
    calendar = simulator.scenario.calendar
    rows, items = [], []
    for i, values in enumerate(drawn_particles(spec, df, draws, seed)):
        res = next(one.runs({k: v + 1e-12 * i for k, v in values.items()}))
        ids = item_ids(res.proposals)
        rows.append(statistics_of(one.episodes, res.events, res.series, calendar, ids))
        items.append(item_outcomes(res.events, res.proposals))
    return pd.DataFrame(rows), items


def drawn_particles(
    spec: CalibrationSpec, df: pd.DataFrame, n: int, seed: int
) -> list[dict[str, float]]:
    """``n`` particles' parameter values (by pyabc key), drawn by posterior weight."""
    w = df["weight"].to_numpy()
    idx = np.random.default_rng(seed).choice(len(df), size=n, p=w / w.sum())
    return [{p.key: float(df[p.key].iloc[j]) for p in spec.parameters} for j in idx]


def hit_rates(pred: pd.DataFrame, episodes: Episodes) -> pd.DataFrame:
    """Each target: documented value, tolerance, predictive mean and hit rate."""
    rows = []
    for t in episodes.fitted:
        x = pred[t.id].to_numpy()
        rows.append(
            {
                "target": t.id,
                "statistic": t.statistic,
                "documented": t.value,
                "tolerance": t.tolerance,
                "predictive mean": float(np.mean(x)),
                "hit rate": float(np.mean(np.abs(x - t.value) <= t.tolerance)),
            }
        )
    return pd.DataFrame(rows)


def _targets_figure(pred: pd.DataFrame, episodes: Episodes, path: Path) -> Path:
    n = len(episodes.fitted)
    cols = 3
    fig, axes = plt.subplots(-(-n // cols), cols, figsize=(12, 3 * -(-n // cols)))
    for ax, t in zip(axes.flat, episodes.fitted, strict=False):
        ax.hist(pred[t.id], bins=20, color="tab:blue", alpha=0.7)
        ax.axvline(t.value, color="black", lw=2)
        ax.axvspan(t.value - t.tolerance, t.value + t.tolerance, color="grey", alpha=0.2)
        ax.set_title(f"{t.id}: {t.statistic}", fontsize=8)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle("Posterior predictive per target (line: documented; band: tolerance)")
    return save_figure(fig, path, dpi=100)


def _marginals_figure(df: pd.DataFrame, spec: CalibrationSpec, path: Path) -> Path:
    n = len(spec.parameters)
    cols = 3
    fig, axes = plt.subplots(-(-n // cols), cols, figsize=(12, 2.8 * -(-n // cols)))
    for ax, p in zip(axes.flat, spec.parameters, strict=False):
        ax.hist(df[p.key], bins=20, weights=df["weight"], color="tab:green", alpha=0.7)
        ax.set_xlim(p.low, p.high)
        ax.set_title(p.path, fontsize=8)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle("Posterior marginals (x-axis: the prior's range)")
    return save_figure(fig, path, dpi=100)


def _pairs_figure(df: pd.DataFrame, spec: CalibrationSpec, path: Path) -> Path:
    params = spec.parameters[:5]
    k = len(params)
    fig, axes = plt.subplots(k, k, figsize=(2.2 * k, 2.2 * k), squeeze=False)
    size = 60 * df["weight"] / df["weight"].max()
    for i, pi in enumerate(params):
        for j, pj in enumerate(params):
            ax = axes[i][j]
            if i == j:
                ax.hist(df[pi.key], bins=15, weights=df["weight"], color="tab:green")
            else:
                ax.scatter(df[pj.key], df[pi.key], s=size, alpha=0.4)
            if i == k - 1:
                ax.set_xlabel(pj.path.rsplit(".", 1)[-1], fontsize=7)
            if j == 0:
                ax.set_ylabel(pi.path.rsplit(".", 1)[-1], fontsize=7)
            ax.tick_params(labelsize=6)
    fig.suptitle("Posterior pairs (first five parameters; dot size: weight)")
    return save_figure(fig, path, dpi=100)


TIMELINE_MARKS = (
    ("surprise", "US surprised", "tab:red", "o"),
    ("wg_meeting", "WG meeting", "tab:blue", "|"),
    ("un_approved", "UN exemption (WG item)", "tab:green", "o"),
    ("mou_challenge", "MOU challenge", "tab:brown", "^"),
    ("wg_terminated", "WG terminated", "black", "X"),
)
"""Event kinds drawn per simulated run in the timelines figure: kind, label, colour, marker."""


def simulated_timelines(
    spec: CalibrationSpec, simulator: Simulator, df: pd.DataFrame, runs: int, seed: int
) -> list[pd.DataFrame]:
    """Event logs of ``runs`` runs, each from a particle drawn by posterior weight."""
    logs = []
    for i, values in enumerate(drawn_particles(spec, df, runs, seed + 1)):
        scenario = simulator.scenario_for(values)
        logs.append(run(scenario, seed + 1000 + i, series=False).events_frame())
    return logs


def _timelines_figure(logs: list[pd.DataFrame], path: Path) -> Path:
    """Documented episodes (top row) above one row of key events per simulated run."""
    fig, ax = plt.subplots(figsize=(12, 0.32 * len(logs) + 2.2))
    top = len(logs)
    for day, _ in DOCUMENTED:
        x = float(mdates.date2num(pd.Timestamp(day)))
        ax.axvline(x, color="grey", lw=0.7, ls="--", zorder=1)
        ax.scatter([x], [top], marker="D", s=30, color="black", zorder=3)
    for row, log in enumerate(logs):
        for kind, label, colour, marker in TIMELINE_MARKS:
            sel = log[log["kind"] == kind]
            if kind == "un_approved":
                sel = sel[sel["route"] == "wg"]
            ax.scatter(
                sel["date"],
                [row] * len(sel),
                s=18,
                color=colour,
                marker=marker,
                label=label if row == 0 else None,
                zorder=2,
            )
    ax.set_yticks([*range(len(logs)), top])
    ax.set_yticklabels([f"run {i + 1}" for i in range(len(logs))] + ["documented"], fontsize=7)
    ax.set_ylim(-1, top + 3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.05), fontsize=7, ncol=len(TIMELINE_MARKS))
    ax.set_title("Documented episodes beside simulated runs (particles drawn by posterior weight)")
    episode_labels(fig, ax, top)
    return save_figure(fig, path, dpi=100)


def write_fit_report(
    out: Path,
    spec: CalibrationSpec,
    simulator: Simulator,
    episodes: Episodes,
    df: pd.DataFrame,
    table: pd.DataFrame,
    summary: dict[str, Any],
    pops: pd.DataFrame,
    draws: int,
    figures: bool = True,
) -> Path:
    """Write ``fit_report.md`` and its figures (``draws`` posterior-predictive runs).

    With ``figures`` false the tables and the report are written the same, without the
    figures (nor the runs only a figure shows) and without the report's links to them.
    """
    pred, outcomes = predictive(spec, simulator, df, draws, spec.seed)
    pred.to_csv(out / "predictive.csv", index=False)
    fit_end = spec.period.end.isoformat() if spec.period else None
    items = item_table(load_record(), outcomes, fit_end)
    items.to_csv(out / "items.csv", index=False)
    hits = hit_rates(pred, episodes)
    medians = {row["path"]: row["median"] for _, row in table.iterrows()}
    scenario = simulator.scenario_for({p.key: medians[p.path] for p in spec.parameters})
    n_paths = min(PATH_RUNS, max(10, draws // 2))
    drawn = drawn_particles(spec, df, n_paths, spec.seed + 2)
    paths = run_paths([simulator.scenario_for(v) for v in drawn], spec.seed)
    if figures:
        _targets_figure(pred, episodes, out / "targets.png")
        _marginals_figure(df, spec, out / "marginals.png")
        _pairs_figure(df, spec, out / "pairs.png")
        res = run(scenario, spec.seed)
        plots.timeline(
            res.events_frame(),
            res.series_frame(),
            scenario,
            out / "timeline_calibrated.png",
            "calibrated historical scenario (posterior medians): simulated vs documented",
        )
        _timelines_figure(
            simulated_timelines(spec, simulator, df, TIMELINE_RUNS, spec.seed),
            out / "timelines_predictive.png",
        )
        fan_charts(paths, scenario.calendar, out / "paths.png")

    def shown(alt: str, name: str) -> list[str]:
        return [f"![{alt}]({name})", ""] if figures else []

    paths_table = path_summary(paths, scenario.calendar)
    paths_table.to_csv(out / "paths_summary.csv", index=False)
    misses = hits[hits["hit rate"] < HIT_GOAL]
    lines = [
        "# Calibration fit report",
        "",
        *_stopped_early(summary),
        f"ABC-SMC (pyabc) with population {summary['population_size']}, "
        f"{summary['generations']} generations, {summary['seeds_per_particle']} seeds per "
        f"particle: {summary['simulations']} particles simulated ({summary['runs']} runs), "
        f"acceptance rate {summary['acceptance_rate']:.1%}, final epsilon "
        f"{summary['final_epsilon']:.3g}, effective sample size of the final population "
        f"{summary['effective_sample_size']:.0f} of {summary['population_size']}, sampling "
        f"wall time {summary['wall_seconds']:.0f} s (all generations).",
        "",
        "## Targets against the posterior predictive",
        "",
        f"{len(pred)} runs, each from a particle drawn by posterior weight. A hit is a run "
        "whose statistic lies within the tolerance of the documented value.",
        "",
        markdown_table(hits),
        "",
        *shown("targets", "targets.png"),
    ]
    if len(misses):
        lines += ["**Reproduced in fewer than two thirds of the runs (the goal):**", ""]
        for _, r in misses.iterrows():
            why = spec.mechanisms.get(
                r["target"], "no note on the mechanism in the spec (`mechanisms:`)."
            )
            lines.append(f"- {r['target']} ({r['statistic']}, hit rate {r['hit rate']:.0%}): {why}")
        lines += ["", "docs/calibration.md discusses every target in more detail.", ""]
    lines += [
        "## The record item by item",
        "",
        f"The documented proposals the historical scenario puts on the table on their "
        f"documented dates, settled by the model's rules, in the same {len(pred)} runs. "
        "A simulated fate is the item's last fate-settling event by the end of the run "
        "(`pending`: none yet); a lag runs from the item's creation to that event. "
        "docs/record.md gives each item's sources and confidence; 'record silent' means "
        "the record does not say what became of it, so nothing is scored. A fate 'set by "
        "a rule' (the sanctions bar the item, or the DPRK co-signed it) comes out whatever "
        "the parameters: it is an input, not evidence.",
        "",
        markdown_table(items.drop(columns=["label"])),
        "",
        "## Posterior",
        "",
        markdown_table(table),
        "",
        *shown("marginals", "marginals.png"),
        *shown("pairs", "pairs.png"),
        "## Posterior-predictive paths beside the documented dates",
        "",
        f"{n_paths} runs, each from a particle drawn by posterior weight: WG legitimacy, "
        "denunciations per quarter, cumulative exemptions (with the MOU's count, T11) and "
        "cumulative public MOU calls to readjust the WG.",
        "",
        *shown("paths", "paths.png"),
        markdown_table(paths_table),
        "",
    ]
    if figures:
        lines += [
            "## Documented timeline beside simulated timelines",
            "",
            f"{TIMELINE_RUNS} runs, each from a particle drawn by posterior weight, with "
            "their key events under the documented episodes:",
            "",
            "![timelines](timelines_predictive.png)",
            "",
            "One run of the calibrated historical scenario (posterior medians), all event "
            "kinds and the weekly series:",
            "",
            "![timeline](timeline_calibrated.png)",
            "",
        ]
    else:
        lines += ["Figures not drawn (`--no-figures`): rerun without it to draw them.", ""]
    lines += [
        "## Epsilon schedule and effective sample size per generation",
        "",
        "Generation −1 is pyabc's calibration sample from the prior, which sets the first epsilon.",
        "",
        markdown_table(_generations(pops)),
    ]
    path = out / "fit_report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stopped_early(summary: dict[str, Any]) -> list[str]:
    """A warning paragraph when the fit ended before its budget (``--report-only``)."""
    done, planned = summary["generations"], summary.get("budget_generations", 0)
    cap = summary.get("budget_simulations") or float("inf")
    if done >= planned or summary["simulations"] >= cap:
        return []
    return [
        f"**Stopped before its budget:** {done} of the spec's {planned} generations (the "
        f"cap of {cap:,} particles was not reached); these outputs were written from the "
        "database as it stood (`wgsim calibrate --report-only`), so the posterior is that "
        "of a looser epsilon than the budget would have reached.",
        "",
    ]


def _generations(pops: pd.DataFrame) -> pd.DataFrame:
    """The per-generation table: counts as whole numbers, epsilon to three digits."""
    return pd.DataFrame(
        {
            "generation": pops["t"].astype(int),
            "epsilon": pops["epsilon"].astype(float),
            "particles simulated": pops["samples"].astype(int),
            "effective sample size": pops["ess"].astype(float).round(0),
        }
    ).astype(object)  # keeps each column's type through the row-wise table
