"""A robustness study from spec to report: run the three stages, analyse, write.

:func:`run_robustness` runs the central comparison and the Sobol' sample, finds the claims
that are not robust and their most influential inputs, sweeps those inputs one at a time,
and writes the report (:mod:`sim.studies.robustness.report`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.studies.robustness.analysis import (
    central,
    holds,
    indices,
    outcome_values,
    paired,
    point_stats,
    spread,
    top_inputs,
)
from sim.studies.robustness.labels import flip_text, label
from sim.studies.robustness.report import write_report
from sim.studies.robustness.run import check_folder, run_central, run_sobol, run_sweep
from sim.studies.robustness.spec import Study


@dataclass
class RobustnessResult:
    """Where a study wrote its report and how its runs went."""

    out: Path
    report: Path
    summary: pd.DataFrame
    failed: int
    runs: int


def analyse_sobol(
    study: Study, sample: np.ndarray, runs: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]], dict[str, pd.DataFrame]]:
    """Point means, the spread of each outcome and its Sobol' indices."""
    spec = study.spec
    names = [o.name for o in spec.outcomes]
    values = outcome_values(runs, spec.outcomes)
    stats = point_stats(paired(values, spec.treatment, spec.control, names), names)
    stats = stats.set_index("point").reindex(range(len(sample))).reset_index()
    spreads, tables = {}, {}
    for o in spec.outcomes:
        sp = spread(stats[o.name].to_numpy(), stats[f"{o.name} noise"].to_numpy())
        sp["holds"] = holds(sp["adjusted"], o.direction)
        spreads[o.name] = sp
        tables[o.name] = indices(
            study.problem, stats[o.name].to_numpy(), sp["chance"], spec.sobol.seed
        )
    points = pd.DataFrame(sample, columns=study.names)
    points = pd.concat([points, stats.drop(columns="point")], axis=1)
    return points, spreads, tables


def sweep_means(study: Study, levels: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Mean paired effect of each outcome at each sweep point, and its standard error."""
    spec = study.spec
    names = [o.name for o in spec.outcomes]
    if levels.empty or runs.empty:
        return pd.DataFrame(columns=["point", "input", "level", *names])
    values = outcome_values(runs, spec.outcomes)
    g = paired(values, spec.treatment, spec.control, names).groupby("point")[names]
    means = g.mean().join(g.sem().add_suffix(" se"))
    return levels.merge(means.reset_index(), on="point", how="left")


def run_robustness(study: Study, out: Path, **options: Any) -> RobustnessResult:
    """Run (or resume) a robustness study and write its report, figures and CSVs.

    Args:
        study: The loaded spec.
        out: Output folder (``central/``, ``sobol/`` and ``sweep/`` hold the runs).
        **options: ``workers``, ``dask``, ``on_progress``, ``on_start`` for the batches.
    """
    spec = study.spec
    for stage in ("sobol", "sweep"):  # before anything runs
        check_folder(out / stage, study.digest)
    central_runs, failed_c = run_central(study, out / "central", **options)
    sample, sobol_runs, failed_s = run_sobol(study, out / "sobol", **options)
    points, spreads, tables = analyse_sobol(study, sample, sobol_runs)
    sweepable = [i.path for i in spec.inputs]
    wanted: list[str] = []
    tops: dict[str, list[str]] = {}
    for o in spec.outcomes:
        tops[o.name] = top_inputs(tables[o.name], spec.sweep.top, sweepable)
        share = spreads[o.name]["holds"]
        if 1.0 - spec.robust_share < share < spec.robust_share:
            wanted += [t for t in tops[o.name] if t in sweepable and t not in wanted]
    levels, sweep_runs, failed_w = run_sweep(study, wanted, out / "sweep", **options)
    sweeps = sweep_means(study, levels, sweep_runs)
    values = outcome_values(central_runs, spec.outcomes)
    rows = []
    for o in spec.outcomes:
        sp = spreads[o.name]
        flips = [
            flip_text(sweeps[sweeps["input"] == t], o.name, o.direction)
            for t in tops[o.name]
            if t in set(sweeps["input"])
        ]
        status, text = label(sp["holds"], spec.robust_share, tops[o.name], flips)
        rows.append(
            {
                "outcome": o.name,
                "label": o.label,
                "claim": o.claim,
                "direction": o.direction,
                "digits": o.digits,
                **central(values, spec.treatment, spec.control, o.name, spec.central.seed),
                "p05": sp["p05"],
                "p50": sp["p50"],
                "p95": sp["p95"],
                "holds": sp["holds"],
                "chance": sp["chance"],
                "status": status,
                "verdict": text,
                "top": ";".join(tops[o.name]),
                "n_central": spec.central.replications,
                "n_points": len(sample),
                "n_reps": spec.sobol.replications,
                "n_sweep": spec.sweep.replications,
            }
        )
    summary = pd.DataFrame(rows)
    report = write_report(study, summary, tables, points, sweeps, out)
    n_runs = len(central_runs) + len(sobol_runs) + len(sweep_runs)
    return RobustnessResult(out, report, summary, failed_c + failed_s + failed_w, n_runs)
