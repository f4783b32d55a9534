"""Figures: a run's timeline against the documented episodes.

Matplotlib with the non-interactive Agg backend; every function writes a PNG and returns
its path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from sim.scenario import Scenario

DOCUMENTED = (
    (dt.date(2018, 9, 14), "Pompeo protests the military agreement (T1)"),
    (dt.date(2018, 10, 30), "WG agreed"),
    (dt.date(2018, 11, 20), "first WG meeting (T2)"),
    (dt.date(2018, 12, 26), "railway groundbreaking, UN exemption (T4)"),
    (dt.date(2020, 8, 18), "Minister Lee calls to readjust the WG (T7)"),
    (dt.date(2020, 9, 16), "MOU–MOFA talks on revamping it (T7)"),
    (dt.date(2021, 6, 21), "allies agree to consider ending the WG (T8)"),
)
"""Documented episodes drawn beside simulated events (EPISODES.md; seeds 000-004).
Dates within a month are approximate where the seeds give only the month."""

MARKED_KINDS = {
    "surprise": ("US surprised", "tab:red"),
    "dispute": ("public dispute", "tab:orange"),
    "denunciation": ("DPRK denunciation", "tab:purple"),
    "mou_challenge": ("MOU challenge", "tab:brown"),
    "wg_meeting": ("WG meeting", "tab:blue"),
    "un_approved": ("UN exemption", "tab:green"),
    "implemented": ("implemented", "tab:olive"),
    "wg_terminated": ("WG terminated", "black"),
}


def timeline(
    events: pd.DataFrame, series: pd.DataFrame, scenario: Scenario, path: str | Path, title: str
) -> Path:
    """Draw simulated events (one lane per kind), WG legitimacy and documented episodes.

    Args:
        events: A run's event log frame (with a ``date`` column).
        series: Its weekly series frame (may be empty).
        scenario: The scenario (for shock dates).
        path: Where to write the PNG.
        title: Figure title.
    """
    path = Path(path)
    fig, (ax_ev, ax_l) = plt.subplots(
        2, 1, figsize=(12, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1.4]}
    )
    kinds = list(MARKED_KINDS)
    for lane, kind in enumerate(kinds):
        label, colour = MARKED_KINDS[kind]
        dates = events.loc[events["kind"] == kind, "date"]
        ax_ev.scatter(dates, [lane] * len(dates), s=22, color=colour, label=label, zorder=3)
    lane_doc = len(kinds)
    for day, label in DOCUMENTED:
        ax_ev.scatter([pd.Timestamp(day)], [lane_doc], marker="D", s=40, color="black", zorder=3)
        ax_ev.annotate(
            label,
            (mdates.date2num(pd.Timestamp(day)), lane_doc),
            xytext=(0, 6),
            textcoords="offset points",
            rotation=30,
            fontsize=7,
            ha="left",
        )
    ax_ev.set_yticks(range(lane_doc + 1))
    ax_ev.set_yticklabels([MARKED_KINDS[k][0] for k in kinds] + ["documented"])
    ax_ev.set_ylim(-0.7, lane_doc + 2.2)
    ax_ev.grid(axis="x", alpha=0.3)
    ax_ev.set_title(title)
    for shock in scenario.shocks:
        for ax in (ax_ev, ax_l):
            ax.axvline(pd.Timestamp(shock.date), color="grey", lw=0.6, alpha=0.4, zorder=1)
    if len(series):
        ax_l.plot(series["date"], series["legitimacy"], color="tab:blue", label="WG legitimacy")
        ax_l.plot(series["date"], series["trust_us"], color="tab:red", label="US trust in ROK")
        ax_l.plot(series["date"], series["gap"], color="tab:purple", label="ROK–US gap (E)")
        ax_l.set_ylim(0, 1)
        ax_l.legend(loc="upper right", fontsize=7, ncol=3)
    ax_l.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax_l.set_xlabel("date (grey lines: scheduled shocks)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
