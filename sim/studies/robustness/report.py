"""The robustness report: summary.csv, the headline text, figures and report.md.

:func:`headline` turns the summary table into the Markdown list that README's headline
section quotes verbatim (a test regenerates it from the committed summary and compares).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis import plots
from sim.analysis.tables import markdown_table
from sim.studies.robustness.spec import Study

SUMMARY = "summary.csv"


def num(x: float, digits: int, sign: bool = False) -> str:
    """A number as the headline prints it (a true minus sign; ``+`` when ``sign``)."""
    if not np.isfinite(x):
        return "–"
    text = f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    return text.replace("-", "−")


def headline(summary: pd.DataFrame) -> str:
    """The headline claims as a Markdown list, each with its numbers and its verdict."""
    rows: list[dict[Any, Any]] = summary.to_dict("records")
    first = rows[0]
    lines = [
        f"Central values: means over {int(first['n_central']):,} paired replications with the "
        "parameters drawn from the posterior. Ranges: 5–95 % of the effect over "
        f"{int(first['n_points']):,} sampled worlds (the judgement ranges and the posterior "
        f"together, {int(first['n_reps'])} paired runs each, chance taken out).",
        "",
    ]
    for r in rows:
        d = int(r["digits"])
        numbers = (
            f"{num(r['treatment'], d)} with the group against {num(r['control'], d)} without "
            f"(difference {num(r['diff'], d, True)}; range {num(r['p05'], d, True)} to "
            f"{num(r['p95'], d, True)})"
        )
        share = f"holds in {100 * r['holds']:.1f} % of sampled worlds"
        if r["status"] == "robust":
            lines.append(f"- **{r['claim']}** — robust ({share}): {r['label']}, {numbers}.")
        elif r["status"] == "reversed":
            lines.append(
                f"- **{r['claim']}** — no: the opposite is robust ({share}): "
                f"{r['label']}, {numbers}."
            )
        else:
            lines.append(
                f"- **{r['claim']}** — only under conditions ({share}; {r['verdict']}): "
                f"{r['label']}, {numbers}."
            )
    return "\n".join(lines) + "\n"


def ranges_figure(summary: pd.DataFrame, path: Path) -> Path:
    """One panel per outcome: the 5–95 % range over the inputs, the central effect, zero."""
    n = len(summary)
    fig, axes = plt.subplots(n, 1, figsize=(8, 0.9 * n + 1.0), squeeze=False)
    rows: list[dict[Any, Any]] = summary.to_dict("records")
    for ax, r in zip(axes[:, 0], rows, strict=True):
        colour = {"robust": "tab:green", "reversed": "tab:red"}.get(r["status"], "tab:orange")
        ax.plot([r["p05"], r["p95"]], [0, 0], color=colour, lw=6, solid_capstyle="butt", alpha=0.7)
        ax.plot([r["diff"]], [0], "ko", ms=5)
        ax.axvline(0.0, color="grey", lw=0.8, ls="--")
        ax.set_yticks([])
        ax.set_ylabel(r["outcome"], rotation=0, ha="right", va="center", fontsize=8)
        lo, hi = min(r["p05"], r["diff"], 0.0), max(r["p95"], r["diff"], 0.0)
        pad = 0.08 * (hi - lo or 1.0)
        ax.set_xlim(lo - pad, hi + pad)
        ax.tick_params(axis="x", labelsize=7)
    fig.suptitle(
        "group minus no group: 5–95 % over the inputs, central value as a dot\n"
        "(bar: green robust, red reversed, orange conditional)",
        fontsize=9,
    )
    return plots.save_figure(fig, path)


def shares_figure(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """Total Sobol' index of every input (and chance) for every outcome, as a heat map."""
    outcomes = list(tables)
    params = list(tables[outcomes[0]]["parameter"])
    params = sorted(params, key=lambda p: (p == "chance", p))
    grid = np.array(
        [[float(tables[o].set_index("parameter").loc[p, "ST"]) for o in outcomes] for p in params]
    )
    fig, ax = plt.subplots(figsize=(1.0 * len(outcomes) + 4, 0.4 * len(params) + 1.8))
    im = ax.imshow(np.clip(grid, 0, 1), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(len(params)):
        for j in range(len(outcomes)):
            ax.text(j, i, f"{grid[i, j]:.2f}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(outcomes)))
    ax.set_xticklabels(outcomes, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(params)))
    ax.set_yticklabels(params, fontsize=8)
    fig.colorbar(im, ax=ax, label="total Sobol' index ST")
    ax.set_title("share of each effect's variance per input (total index)", fontsize=10)
    return plots.save_figure(fig, path)


def sweep_figure(
    sweeps: pd.DataFrame, name: str, bounds: dict[str, tuple[float, float]], path: Path
) -> Path:
    """An outcome's mean effect along each swept input (x: share of the input's range)."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for inp, grp in sweeps.groupby("input", sort=False):
        lo, hi = bounds[str(inp)]
        x = (grp["level"].astype(float) - lo) / (hi - lo)
        err = 1.96 * grp[f"{name} se"] if f"{name} se" in grp else None
        ax.errorbar(x, grp[name], yerr=err, fmt="o-", capsize=3, label=f"{inp} [{lo:g}, {hi:g}]")
    ax.axhline(0.0, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("input, from the low end (0) to the high end (1) of its range")
    ax.set_ylabel(f"{name}: group minus no group")
    ax.legend(fontsize=7)
    ax.set_title(
        f"{name}: one input at a time, the others at their defaults (95 % intervals, chance)",
        fontsize=10,
    )
    return plots.save_figure(fig, path)


def write_report(
    study: Study,
    summary: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    points: pd.DataFrame,
    sweeps: pd.DataFrame,
    out: Path,
) -> Path:
    """Write summary.csv, indices.csv, points.csv, sweep.csv, the figures and report.md."""
    out.mkdir(parents=True, exist_ok=True)
    spec = study.spec
    summary.to_csv(out / SUMMARY, index=False)
    pd.concat([t.assign(outcome=o) for o, t in tables.items()]).to_csv(
        out / "indices.csv", index=False
    )
    points.to_csv(out / "points.csv", index=False)
    sweeps.to_csv(out / "sweep.csv", index=False)
    ranges_figure(summary, out / "ranges.png")
    shares_figure(tables, out / "shares.png")
    bounds = {i.path: i.bounds for i in spec.inputs}
    lines = [
        f"# Robustness of the headline: {spec.name}",
        "",
        spec.description.strip(),
        "",
        f"Spec: `{study.path}`; scenario `{spec.scenario}` ({spec.treatment} against "
        f"{spec.control}); posterior `{spec.posterior}`. Method: docs/robustness.md.",
        "",
        "## Headline",
        "",
        headline(summary),
        "![ranges](ranges.png)",
        "",
        "## Outcomes",
        "",
        "Central: mean with the group, without, and the paired difference with its 95 % "
        "bootstrap interval (chance only). Range: 5th, 50th and 95th percentile of the "
        "effect over the sampled worlds, chance taken out. Holds: share of sampled worlds "
        "where the claim's sign holds. Chance: share of the spread of the points' means "
        "due to chance.",
        "",
        markdown_table(
            pd.DataFrame(
                {
                    "outcome": summary["outcome"],
                    "claim": summary["claim"],
                    "group": summary["treatment"].round(3),
                    "no group": summary["control"].round(3),
                    "difference [95 % CI]": [
                        f"{r.diff:.3f} [{r.diff_lo:.3f}, {r.diff_hi:.3f}]"
                        for r in summary.itertuples()
                    ],
                    "range p05 / p50 / p95": [
                        f"{r.p05:.3f} / {r.p50:.3f} / {r.p95:.3f}" for r in summary.itertuples()
                    ],
                    "holds": summary["holds"].round(3),
                    "chance": summary["chance"].round(3),
                    "verdict": summary["verdict"],
                }
            )
        ),
        "",
        "## Share of variance per input",
        "",
        "Total Sobol' indices ST (first-order S1 and 95 % half-widths in indices.csv); "
        "`posterior` is the fitted parameters as one input, `chance` the share of "
        "the variance due to the finite replications.",
        "",
        "![shares](shares.png)",
        "",
    ]
    for o in spec.outcomes:
        fig = plots.indices(
            tables[o.name],
            "S1",
            "ST",
            out / f"indices_{o.name}.png",
            f"{o.name}: Sobol' indices of the effect (group minus no group)",
        )
        lines += [f"### {o.name}", "", f"![{o.name}]({fig.name})", ""]
        swept = sweeps.dropna(subset=[o.name]) if o.name in sweeps else sweeps
        tops = dict(zip(summary["outcome"], summary["top"], strict=True))
        top = [t for t in str(tops[o.name]).split(";") if t]
        part = swept[swept["input"].isin(top)]
        if not part.empty:
            sfig = sweep_figure(part, o.name, bounds, out / f"sweep_{o.name}.png")
            lines += [f"![sweep {o.name}]({sfig.name})", ""]
    lines += [
        "## Inputs and their ranges",
        "",
        markdown_table(
            pd.DataFrame(
                {
                    "input": [i.path for i in spec.inputs],
                    "range": [f"[{i.bounds[0]:g}, {i.bounds[1]:g}]" for i in spec.inputs],
                    "why": [i.reason for i in spec.inputs],
                }
            )
        ),
        "",
        "Files: summary.csv (one row per outcome), indices.csv, points.csv (every sampled "
        "world and its mean effects), sweep.csv; the central comparison's own report is "
        "central/report.md.",
    ]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
