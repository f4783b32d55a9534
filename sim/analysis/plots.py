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
from matplotlib.axes import Axes
from matplotlib.figure import Figure

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
"""Documented episodes drawn beside simulated events (docs/episodes.md; seeds [S000]-[S004],
docs/sources.md). Dates within a month are approximate where the seeds give only the month."""

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


def save_figure(fig: Figure, path: Path, dpi: int = 110) -> Path:
    """Lay out, write (creating the folder) and close a figure; returns its path."""
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


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
    days = [pd.Timestamp(day) for day, _ in DOCUMENTED]
    ax_ev.scatter(days, [lane_doc] * len(days), marker="D", s=40, color="black", zorder=3)
    ax_ev.set_yticks(range(lane_doc + 1))
    ax_ev.set_yticklabels([MARKED_KINDS[k][0] for k in kinds] + ["documented"])
    ax_ev.set_ylim(-0.7, lane_doc + 3.2)  # room for the episode labels
    ax_ev.grid(axis="x", alpha=0.3)
    ax_ev.set_title(title)
    for shock in scenario.shocks:
        for ax in (ax_ev, ax_l):
            ax.axvline(pd.Timestamp(shock.date), color="grey", lw=0.6, alpha=0.4, zorder=1)
    if len(series):
        if series["legitimacy"].notna().any():  # no line (and no legend entry) without a WG
            ax_l.plot(series["date"], series["legitimacy"], color="tab:blue", label="WG legitimacy")
        ax_l.plot(series["date"], series["trust_us"], color="tab:red", label="US trust in ROK")
        ax_l.plot(series["date"], series["gap"], color="tab:purple", label="ROK–US gap (E)")
        ax_l.set_ylim(0, 1)
        ax_l.legend(loc="upper right", fontsize=7, ncol=3)
    ax_l.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax_l.set_xlabel("date (grey lines: scheduled shocks)")
    episode_labels(fig, ax_ev, lane_doc)
    return save_figure(fig, path)


def episode_labels(fig: Figure, ax: Axes, lane: float) -> None:
    """Label the documented episodes level, each on the lowest tier where it fits.

    A label starts at its episode's date, or ends there when it would pass the axes'
    right edge, and a thin vertical line drops from that corner to its diamond. Episodes
    weeks apart (the WG's agreement and first meeting) get different tiers instead of
    overlapping; lower tiers are drawn last, on a white ground, over the lines of the
    tiers above them. Call it once the figure is otherwise complete: it lays the figure
    out first, since the tiers are measured in the axes' final size.
    """
    fig.tight_layout()
    right = ax.get_window_extent().x1
    free: list[float] = []  # per tier, the display x where the tier is free again
    placed = []
    for day, label in DOCUMENTED:
        x = mdates.date2num(pd.Timestamp(day))
        probe = ax.text(x, lane, label, fontsize=7)
        width = probe.get_window_extent().width + 6.0
        probe.remove()
        start = ax.transData.transform((x, lane))[0]
        align = "left"
        if start + width > right:
            align, start = "right", start - width
        tier = next((i for i, end in enumerate(free) if end <= start), len(free))
        if tier == len(free):
            free.append(0.0)
        free[tier] = start + width
        placed.append((tier, x, label, align))
    for tier, x, label, align in sorted(placed, reverse=True):
        ax.annotate(
            label,
            (x, lane),
            xytext=(0, 10 + 11 * tier),
            textcoords="offset points",
            fontsize=7,
            ha=align,
            va="bottom",
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            arrowprops={
                "arrowstyle": "-",
                "color": "grey",
                "lw": 0.5,
                "shrinkA": 0,
                "relpos": (0.0 if align == "left" else 1.0, 0.0),
            },
        )


def sweep(summary: pd.DataFrame, key: str, path: str | Path, title: str) -> Path:
    """An outcome per design point with its bootstrap 95% interval (experiments)."""
    path = Path(path)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.7 * len(summary) + 2), 4))
    x = range(len(summary))
    mean = summary[key]
    err = [mean - summary[f"{key} lo"], summary[f"{key} hi"] - mean]
    ax.errorbar(x, mean, yerr=err, fmt="o-", capsize=4, color="tab:blue")
    ax.axhline(0.0, color="grey", lw=0.8, ls="--")
    ax.set_xticks(list(x))
    ax.set_xticklabels(summary["label"], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(key)
    ax.set_title(title, fontsize=10)
    return save_figure(fig, path)


def indices(
    table: pd.DataFrame, first: str, total: str | None, path: str | Path, title: str
) -> Path:
    """Bar chart of sensitivity indices with their 95% half-widths (Sobol or Morris)."""
    path = Path(path)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.5))
    y = range(len(table))
    h = 0.38 if total else 0.7
    ax.barh(
        [i + (h / 2 if total else 0) for i in y],
        table[first],
        height=h,
        xerr=table[f"{first}_conf"],
        label=first,
        color="tab:blue",
        capsize=3,
    )
    if total:
        ax.barh(
            [i - h / 2 for i in y],
            table[total],
            height=h,
            xerr=table[f"{total}_conf"],
            label=total,
            color="tab:orange",
            capsize=3,
        )
    ax.set_yticks(list(y))
    ax.set_yticklabels(table["parameter"], fontsize=8)
    ax.invert_yaxis()
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=10)
    return save_figure(fig, path)


def tornado(table: pd.DataFrame, path: str | Path, title: str) -> Path:
    """Tornado chart: mean effect with each parameter in its lowest vs highest fifth."""
    path = Path(path)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.5))
    for i, (lo, hi) in enumerate(zip(table["low"], table["high"], strict=True)):
        ax.barh(i, hi - lo, left=lo, color="tab:green" if hi >= lo else "tab:red", alpha=0.8)
        ax.plot([lo], [i], "k|", ms=10)
    ax.set_yticks(range(len(table)))
    ax.set_yticklabels(table["parameter"], fontsize=8)
    ax.invert_yaxis()
    # Room beside the longest bar, which otherwise ends on the frame: each bar's start (its
    # low end) is a sticky edge that margins do not pass, so sticky edges are turned off.
    ax.use_sticky_edges = False
    ax.margins(x=0.08)
    ax.set_xlabel("mean outcome: parameter in lowest fifth (|) to highest fifth (bar end)")
    ax.set_title(title, fontsize=10)
    return save_figure(fig, path)
