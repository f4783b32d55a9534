"""The out-of-sample test of a period fit: the later observables, pass or fail.

A spec with a ``period`` (``calibration/historical-2018-19.yaml``) fits only the
observables documented in it; :func:`out_of_sample` runs particles drawn from the fit's
posterior once each and reports every observable documented after the period as pass or
fail, as first measured (issue 29 part 4: no retuning after looking). An observable passes
when at least :data:`PASS_SHARE` of the runs hit it (within its tolerance), the share the
fit report asks of a fitted target.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.studies.calibration.report import HIT_GOAL, drawn_particles
from sim.studies.calibration.simulator import Simulator
from sim.studies.calibration.spec import CalibrationSpec
from sim.studies.calibration.targets import Episodes

PASS_SHARE = HIT_GOAL
"""An out-of-sample observable passes when at least this share of runs hit it."""


def out_of_sample(
    spec: CalibrationSpec,
    simulator: Simulator,
    holdout: Episodes,
    posterior: pd.DataFrame,
    draws: int,
) -> pd.DataFrame:
    """Each out-of-sample observable against ``draws`` runs from the posterior.

    ``posterior`` is the fit's final population (pyabc keys and a ``weight`` column, as
    the fit writes it); one run per drawn particle, with the holdout's statistics.

    Returns:
        One row per observable: target, documented, tolerance, predictive mean, hit rate,
        pass (empty when the holdout is empty).
    """
    columns = ["target", "statistic", "documented", "tolerance", "predictive mean",
               "hit rate", "pass"]  # fmt: skip
    if not holdout.fitted:
        return pd.DataFrame(columns=columns)
    one = Simulator(simulator.scenario, holdout, simulator.params, 1)
    particles = drawn_particles(spec, posterior, draws, spec.seed + 1)
    pred = pd.DataFrame([one({k: v + 1e-12 * i for k, v in values.items()})
                         for i, values in enumerate(particles)])  # fmt: skip
    rows = []
    for t in holdout.fitted:
        x = pred[t.id].to_numpy()
        hit = float(np.mean(np.abs(x - t.value) <= t.tolerance))
        rows.append([t.id, t.statistic, t.value, t.tolerance, float(np.mean(x)), hit,
                     hit >= PASS_SHARE])  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def write_out_of_sample(table: pd.DataFrame, out: Path) -> None:
    """Write ``out_of_sample.csv`` and append its section to ``fit_report.md``."""
    table.to_csv(out / "out_of_sample.csv", index=False)
    if table.empty:
        return
    lines = [
        "",
        "## Out of sample (documented after the fit's period; never fitted)",
        "",
        f"Pass: at least {PASS_SHARE:.0%} of posterior-predictive runs within the tolerance. "
        "Reported as first measured.",
        "",
        "| target | documented | tolerance | predictive mean | hit rate | result |",
        "|---|---|---|---|---|---|",
    ]
    for _, r in table.iterrows():
        result = "pass" if r["pass"] else "fail"
        lines.append(
            f"| {r['target']} | {r['documented']:g} | {r['tolerance']:g} | "
            f"{r['predictive mean']:.2f} | {r['hit rate']:.0%} | {result} |"
        )
    report = out / "fit_report.md"
    with report.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
