"""The scoreboard (one run so far) and the many-seeds view (whole runs, paired by seed).

The scoreboard counts outcomes in a :class:`~sim.page.data.RunView` (live or replayed), so
it updates each week; the many-seeds view runs whole histories with
:func:`sim.runs.runner.run` and reads the CLI's metrics (:mod:`sim.runs.metrics`), so its
numbers are those of ``wgsim compare`` for the same seeds.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.stats import paired_difference
from sim.page.controls import build_scenario
from sim.page.data import RunView, latest
from sim.page.seedpick import ranked
from sim.runs.runner import run

# --- the scoreboard -------------------------------------------------------------------------


def _lead_weeks(events: Any) -> float:
    """Median weeks from an item's (last) routing to its UN exemption; NaN when none."""
    rows = events[events["kind"].isin(("routed", "un_approved"))]
    routed: dict[int, int] = {}
    leads = []
    for kind, pid, week in zip(rows["kind"], rows["proposal_id"], rows["week"], strict=True):
        if kind == "routed":
            routed[int(pid)] = int(week)
        elif int(pid) in routed:
            leads.append(int(week) - routed[int(pid)])
    return float(statistics.median(leads)) if leads else math.nan


def _ended(view: RunView) -> str:
    ended = view.events[view.events["kind"] == "wg_terminated"]
    return "" if ended.empty else str(ended["date"].iloc[0])[:10]


@dataclass(frozen=True)
class Outcome:
    """One scoreboard line: what it counts, and how to read it from a run."""

    name: str
    unit: str
    read: Callable[[RunView], float]


def _kind(kind: str) -> Callable[[RunView], float]:
    return lambda v: float((v.events["kind"] == kind).sum())


OUTCOMES = (
    Outcome("US surprises", "count", lambda v: latest(v.series, "surprises", 0.0)),
    Outcome("public disputes in Seoul", "count", lambda v: latest(v.series, "disputes", 0.0)),
    Outcome("UN exemptions granted", "count", _kind("un_approved")),
    Outcome("exemption lead time (median)", "weeks", lambda v: _lead_weeks(v.events)),
    Outcome("projects implemented", "count", lambda v: latest(v.series, "implemented", 0.0)),
    Outcome("WG meetings", "count", _kind("wg_meeting")),
    Outcome("DPRK denunciations", "count", _kind("denunciation")),
    Outcome("WG legitimacy now", "0–1", lambda v: _legitimacy(v)),
)
"""The scoreboard's outcomes, in the order shown."""


def _legitimacy(view: RunView) -> float:
    if latest(view.series, "wg_phase", 0.0) != 1.0:
        return math.nan  # no WG (not yet, never, or ended)
    return latest(view.series, "legitimacy")


@dataclass(frozen=True)
class ScoreLine:
    """An outcome's value in each run and, for a pair, WG minus no group."""

    name: str
    unit: str
    values: tuple[float, ...]
    difference: float | None


def scoreboard(views: list[RunView]) -> list[ScoreLine]:
    """Each outcome per run; with two runs (WG, no group) also their difference."""
    out = []
    for o in OUTCOMES:
        values = tuple(o.read(v) for v in views)
        diff = values[0] - values[1] if len(values) == 2 else None
        out.append(ScoreLine(o.name, o.unit, values, diff))
    return out


def ended_line(views: list[RunView]) -> list[str]:
    """When each run's WG ended ("" while it lasts)."""
    return [_ended(v) for v in views]


def scoreboard_table(views: list[RunView], classes: str) -> str:
    """The scoreboard as an HTML table (the page's and the printable summary's)."""
    pair = len(views) == 2
    head = "".join(f"<th>{escape(v.label)}</th>" for v in views)
    if pair:
        head += "<th>difference (WG − no group)</th>"
    rows = []
    for line in scoreboard(views):
        cells = "".join(f"<td>{number(v)}</td>" for v in line.values)
        if pair:
            cells += f"<td><b>{number(line.difference, signed=True)}</b></td>"
        rows.append(f"<tr><th>{escape(line.name)} <small>({line.unit})</small></th>{cells}</tr>")
    ended = ended_line(views)
    if any(ended):
        cells = "".join(f"<td>{e or 'lasts'}</td>" for e in ended) + ("<td></td>" if pair else "")
        rows.append(f"<tr><th>WG ended on</th>{cells}</tr>")
    return (
        f'<table class="{classes}"><thead><tr><th>scoreboard</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def number(value: float | None, signed: bool = False) -> str:
    """A scoreboard number: whole numbers plain, others with two decimals, NaN as a dash."""
    if value is None or not math.isfinite(value):
        return "—"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"
    return f"+{text}" if signed and value > 0 else text


# --- many seeds -----------------------------------------------------------------------------

SEED_METRICS = {
    "surprises": "US surprises",
    "disputes": "public disputes",
    "exemptions": "UN exemptions",
    "exemption_lead_days_median": "exemption lead time (median, weeks)",
    "implemented": "projects implemented",
    "n_denunciation": "DPRK denunciations",
    "wg_terminated": "WG ended before 2022 (share of seeds)",
    "wg_lifetime_weeks": "WG lifetime (weeks)",
    "legitimacy_final": "WG legitimacy at the end (0–1)",
}
"""The metrics the many-seeds view compares (names of :mod:`sim.runs.metrics`)."""

WG_ONLY = frozenset({"wg_terminated", "wg_lifetime_weeks", "legitimacy_final"})
"""Metrics of the WG itself: the no-group run has none to compare (shown as a dash)."""

SCALE = {"exemption_lead_days_median": 1 / 7}
"""Metrics shown in another unit than the CLI's: lead time in weeks, as on the scoreboard."""


@dataclass(frozen=True)
class Paired:
    """One metric over many seeds: each run's values and the paired difference.

    Attributes:
        name: The metric in words.
        wg: Values with the WG, by seed.
        none: Values without it, by seed.
        mean: Mean of WG minus no group over the seeds where both are defined.
        lo: Lower end of its bootstrap 95% interval.
        hi: Upper end.
        n: Seeds that count.
    """

    name: str
    wg: tuple[float, ...]
    none: tuple[float, ...]
    mean: float
    lo: float
    hi: float
    n: int


@dataclass(frozen=True)
class ManySeeds:
    """The many-seeds comparison: seeds 0 … n-1, each run with and without the WG."""

    seeds: tuple[int, ...]
    metrics: tuple[Paired, ...]
    showcase: tuple[int, ...]
    """Seeds by :func:`sim.page.seedpick.ranked`: those showing both halves of the
    trade-off, the most typical first (all seeds when none shows both)."""

    @property
    def teaching_seed(self) -> int:
        """The recommended teaching seed: the first showcase seed."""
        return self.showcase[0]


def many_seeds(
    file: Path,
    variant: str | None,
    overrides: dict[str, Any] | None,
    n: int = 50,
    progress: Callable[[int], None] | None = None,
) -> ManySeeds:
    """Run seeds ``0 … n-1`` with the variant's WG and without it (the same seeds).

    The recommended teaching seeds (:attr:`ManySeeds.showcase`) follow
    :mod:`sim.page.seedpick`: both halves of the trade-off visible (with the WG fewer US
    surprises *and* more public disputes than without it), outcomes nearest the ensemble
    median.
    """
    with_wg = build_scenario(file, variant, overrides=overrides)
    without = build_scenario(file, variant, working_group=False, overrides=overrides)
    rows: list[tuple[dict[str, float], dict[str, float]]] = []
    for seed in range(n):
        a = run(with_wg, seed, series=False, events=False).metrics
        b = run(without, seed, series=False, events=False).metrics
        rows.append((a, b))
        if progress is not None:
            progress(seed + 1)
    rng = np.random.default_rng(0)
    metrics = []
    values: dict[str, tuple[Any, Any]] = {}
    for key, name in SEED_METRICS.items():
        wg = np.array([a[key] for a, _ in rows], dtype=float) * SCALE.get(key, 1.0)
        none = np.array([b[key] for _, b in rows], dtype=float) * SCALE.get(key, 1.0)
        if key in WG_ONLY:
            none = np.full(n, np.nan)
            mean = lo = hi = math.nan
            count = 0
        else:
            mean, lo, hi, count = paired_difference(wg, none, rng)
        values[key] = (wg, none)
        metrics.append(Paired(name, tuple(wg), tuple(none), mean, lo, hi, count))
    return ManySeeds(tuple(range(n)), tuple(metrics), tuple(ranked(values)))
