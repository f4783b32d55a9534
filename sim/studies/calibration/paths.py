"""A posterior-predictive check of the paths, not only of the targets' statistics.

For particles drawn by posterior weight, one run each: WG legitimacy week by week,
DPRK denunciations per quarter, cumulative UN 1718 exemptions and cumulative public MOU
calls to readjust the WG, as fan charts (median, 50 % and 90 % bands) beside the
documented dates and counts (docs/episodes.md; T11 from the MOU's count as reported).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis.plots import save_figure
from sim.core.model import SERIES_COLUMNS
from sim.runs.runner import run
from sim.scenario import Calendar, Scenario

_LEGITIMACY = SERIES_COLUMNS.index("legitimacy")

EXEMPTIONS_DOCUMENTED = (
    (dt.date(2018, 12, 31), 5),
    (dt.date(2019, 12, 31), 12),
    (dt.date(2020, 9, 25), 18),
)
"""MOU projects with UN 1718 exemptions, cumulative from 2018 (none in 2017): 5 in 2018,
7 in 2019, 6 in 2020 to September (Financial News, 2020-09-25, reporting MOU data; T11)."""

MARKS = {
    "legitimacy": (
        (dt.date(2018, 10, 30), "WG agreed"),
        (dt.date(2020, 1, 1), "T9: decline from 2020"),
        (dt.date(2020, 9, 16), "MOFA: 'faithful role' [S003]"),
        (dt.date(2021, 6, 21), "end agreed (T8)"),
    ),
    "denunciations": (
        (dt.date(2018, 11, 5), "launch (T3)"),
        (dt.date(2019, 2, 28), "Hanoi"),
        (dt.date(2019, 10, 5), "Stockholm"),
        (dt.date(2020, 6, 16), "liaison office"),
    ),
    "exemptions": (
        (dt.date(2018, 11, 23), "rail survey exempted (T12)"),
        (dt.date(2018, 12, 24), "groundbreaking exempted (T12)"),
    ),
    "challenges": (
        (dt.date(2020, 7, 27), "Lee In-young minister"),
        (dt.date(2020, 8, 18), "public call (T7)"),
    ),
}
"""Documented dates drawn on each panel (docs/episodes.md)."""


def run_paths(scenarios: list[Scenario], seed: int) -> dict[str, Any]:
    """Weekly paths of each run (rows) of the given scenarios, one seed each.

    Returns arrays keyed ``legitimacy`` (NaN without a WG), ``exemptions`` and
    ``challenges`` (cumulative), and ``denunciation_weeks`` (a list per run).
    """
    legit, exem, chal, den = [], [], [], []
    for i, scenario in enumerate(scenarios):
        res = run(scenario, seed + 2000 + i)
        n = len(res.series)
        legit.append([row[_LEGITIMACY] for row in res.series])
        e = np.zeros(n)
        c = np.zeros(n)
        weeks = []
        for ev in res.events:
            w = min(max(ev[0], 1), n) - 1
            if ev[1] == "un_approved":
                e[w] += 1
            elif ev[1] == "mou_challenge":
                c[w] += 1
            elif ev[1] == "denunciation":
                weeks.append(ev[0])
        exem.append(np.cumsum(e))
        chal.append(np.cumsum(c))
        den.append(weeks)
    return {
        "legitimacy": np.asarray(legit, dtype=float),
        "exemptions": np.asarray(exem),
        "challenges": np.asarray(chal),
        "denunciation_weeks": den,
    }


def quarters(cal: Calendar) -> list[pd.Period]:
    """The calendar quarters the run covers."""
    start, end = pd.Timestamp(cal.start), pd.Timestamp(cal.end)
    return list(pd.period_range(start, end, freq="Q"))


def per_quarter(weeks: list[int], cal: Calendar, qs: list[pd.Period]) -> np.ndarray:
    """Counts of ``weeks`` (event weeks) per quarter of ``qs``."""
    index = {q: i for i, q in enumerate(qs)}
    out = np.zeros(len(qs))
    for w in weeks:
        q = pd.Period(pd.Timestamp(cal.date_of(w)), freq="Q")
        if q in index:
            out[index[q]] += 1
    return out


def _band(ax, x, values: np.ndarray, colour: str, label: str) -> None:
    # Weeks no run has a value for (legitimacy before any WG exists) stay empty (NaN).
    q = np.full((5, values.shape[1]), np.nan)
    seen = ~np.isnan(values).all(axis=0)
    q[:, seen] = np.nanquantile(values[:, seen], [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    ax.fill_between(x, q[0], q[4], color=colour, alpha=0.15, lw=0, label="90 %")
    ax.fill_between(x, q[1], q[3], color=colour, alpha=0.3, lw=0, label="50 %")
    ax.plot(x, q[2], color=colour, lw=1.5, label=label)


def _marks(ax, key: str) -> None:
    for day, label in MARKS[key]:
        x = pd.Timestamp(day)
        ax.axvline(x, color="grey", ls="--", lw=0.8)
        ax.annotate(label, (x, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                    va="top", ha="right", fontsize=7)  # fmt: skip


def fan_charts(paths: dict[str, Any], cal: Calendar, path: Path) -> Path:
    """The four fan charts beside the documented dates; returns the figure's path."""
    n = paths["legitimacy"].shape[1]
    dates = pd.to_datetime([cal.date_of(w) for w in range(1, n + 1)])
    fig, axes = plt.subplots(2, 2, figsize=(13, 8))
    ax = axes[0][0]
    _band(ax, dates, paths["legitimacy"], "tab:blue", "median (runs with a WG)")
    alive = np.mean(~np.isnan(paths["legitimacy"]), axis=0)
    ax.plot(dates, alive, color="black", lw=0.8, ls=":", label="share of runs with a WG")
    ax.set_ylim(0, 1)
    ax.set_title("WG legitimacy")
    _marks(ax, "legitimacy")
    ax.legend(fontsize=7, loc="lower left")
    ax = axes[0][1]
    qs = quarters(cal)
    counts = np.asarray([per_quarter(w, cal, qs) for w in paths["denunciation_weeks"]])
    mids = pd.to_datetime([q.start_time + (q.end_time - q.start_time) / 2 for q in qs])
    lo, med, hi = np.quantile(counts, [0.05, 0.5, 0.95], axis=0)
    ax.bar(mids, med, width=60, color="tab:purple", alpha=0.6, label="median")
    ax.errorbar(mids, med, yerr=[med - lo, hi - med], fmt="none", ecolor="black", lw=0.8,
                capsize=2, label="90 %")  # fmt: skip
    ax.plot(mids, counts.mean(axis=0), "o", color="tab:purple", ms=3, label="mean")
    ax.set_title("DPRK denunciations of the WG per quarter")
    _marks(ax, "denunciations")
    ax.legend(fontsize=7, loc="upper right")
    ax = axes[1][0]
    _band(ax, dates, paths["exemptions"], "tab:green", "median")
    for day, count in EXEMPTIONS_DOCUMENTED:
        ax.plot(pd.Timestamp(day), count, "kD", ms=6)
    ax.plot([], [], "kD", label="MOU count, cumulative from 2018 (T11)")
    ax.set_title("UN 1718 exemptions, cumulative")
    _marks(ax, "exemptions")
    ax.legend(fontsize=7, loc="lower right")  # the upper left holds the 2018 marks' labels
    ax = axes[1][1]
    _band(ax, dates, paths["challenges"], "tab:brown", "median")
    ax.set_title("MOU public calls to readjust the WG, cumulative")
    _marks(ax, "challenges")
    ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(
        f"Posterior-predictive paths ({paths['legitimacy'].shape[0]} runs, particles drawn "
        "by posterior weight) beside the documented dates"
    )
    return save_figure(fig, path, dpi=100)


def path_summary(paths: dict[str, Any], cal: Calendar) -> pd.DataFrame:
    """Numbers behind the fan charts: the paths at documented dates, and timing shares."""
    legit = paths["legitimacy"]

    def level(day: dt.date) -> float:
        week = legit[:, cal.week_of(day) - 1]
        # NaN when no run has a WG that week (every WG ended before it, in a small fit)
        return float(np.nanmedian(week)) if (~np.isnan(week)).any() else float("nan")

    minister = cal.week_of(dt.date(2020, 7, 27))
    chal = paths["challenges"]
    first = [int(np.argmax(c > 0)) + 1 if c[-1] > 0 else -1 for c in chal]
    den = [len(w) for w in paths["denunciation_weeks"]]
    exem = paths["exemptions"]
    rows = [
        ("median WG legitimacy, 2019-12-30", level(dt.date(2019, 12, 30))),
        ("median WG legitimacy, 2020-09-14", level(dt.date(2020, 9, 14))),
        ("median WG legitimacy, 2021-05-24", level(dt.date(2021, 5, 24))),
        ("denunciations per run, median", float(np.median(den))),
        ("denunciations per run, 90th percentile", float(np.quantile(den, 0.9))),
        (
            "share of runs with a public MOU call whose first call follows 2020-07-27",
            float(np.mean([f >= minister for f in first if f > 0]))
            if any(f > 0 for f in first)
            else float("nan"),
        ),
        ("runs with a public MOU call at all", float(np.mean([f > 0 for f in first]))),
        (
            "exemptions by 2019-12-30, median (MOU: 12)",
            float(np.median(exem[:, cal.week_of(dt.date(2019, 12, 30)) - 1])),
        ),
        (
            "exemptions by 2020-09-21, median (MOU: 18)",
            float(np.median(exem[:, cal.week_of(dt.date(2020, 9, 21)) - 1])),
        ),
    ]
    return pd.DataFrame(rows, columns=["quantity", "value"])
