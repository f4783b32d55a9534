"""The model behind the page: one live run, two side by side, or a stored run replayed.

The page (``sim/page/app.py``) steps and re-creates one ``mesa.Model`` from its controls;
:class:`PageModel` is that model. It builds its runs with :mod:`sim.runs.runner` (the same
``WorkingGroupModel`` the CLI runs) and steps them; it holds no model logic of its own.
A replay reads a run stored by ``wgsim run`` or ``wgsim compare --events`` and advances a
cursor through its weeks.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mesa
import pandas as pd
import pyarrow.parquet as pq

from sim.core.model import EVENT_COLUMNS, SERIES_COLUMNS, WorkingGroupModel
from sim.errors import WgsimError
from sim.page.controls import build_scenario
from sim.page.data import RunView
from sim.runs.codebook import decode
from sim.runs.runner import build, dated, events_frame, series_frame
from sim.scenario.loader import load_file

logger = logging.getLogger(__name__)

MODES = {
    "with and without the WG (same seed)": "side",
    "one run": "single",
    "replay a stored run": "replay",
}
"""The page's modes, as shown in the picker."""

NO_REPLAY = "(no stored run found)"


# --- live runs ---------------------------------------------------------------------------


class LiveRun:
    """A ``WorkingGroupModel`` stepped week by week.

    Args:
        label: What the run is, e.g. "working group".
        model: A freshly built model.
    """

    def __init__(self, label: str, model: WorkingGroupModel) -> None:
        self.label = label
        self.model = model
        s = model.parameters
        self.channels = tuple((c.name, c.via_nsc) for c in s.channels)
        self._events: pd.DataFrame | None = None
        self._series: pd.DataFrame | None = None

    def step(self) -> None:
        """One week."""
        self.model.step()

    @property
    def finished(self) -> bool:
        """Whether the last week has run."""
        return self.model.steps >= self.model.n_weeks

    def view(self) -> RunView:
        """The run as the page shows it now (the frames grow by the new rows only)."""
        m = self.model
        start = m.parameters.calendar.start
        self._events = _grown(self._events, m.events, start, events_frame)
        self._series = _grown(self._series, m.series, start, series_frame)
        return RunView(
            self.label,
            start,
            m.steps,
            m.n_weeks,
            self._events,
            self._series,
            self.channels,
            {p.id: p for p in m.proposals},
            frozenset(s.name for s in m.parameters.shocks if s.only_seoul_items),
        )


def _grown(frame: pd.DataFrame | None, rows: list[Any], start: Any, make: Any) -> pd.DataFrame:
    """``frame`` (made from a prefix of ``rows``) with the rows added since."""
    if frame is None or len(frame) > len(rows):
        return make(rows, start)
    new = rows[len(frame) :]
    if not new:
        return frame
    return pd.concat([frame, make(new, start)], ignore_index=True)


# --- stored runs (replay) ----------------------------------------------------------------


@dataclass(frozen=True)
class StoredRun:
    """A run stored on disk: a ``wgsim run`` folder, or one run of a compare batch.

    Attributes:
        folder: The results folder (holds events.parquet and series.parquet).
        variant: The variant's name.
        replication: The replication within a batch (-1 for a ``wgsim run`` folder).
        seed: The run's seed.
    """

    folder: Path
    variant: str
    replication: int
    seed: int

    @property
    def label(self) -> str:
        """How the picker names it."""
        rep = f" replication {self.replication}" if self.replication >= 0 else ""
        return f"{self.folder.name}: {self.variant}{rep} (seed {self.seed})"


def stored_runs(results: Path, per_folder: int = 10) -> list[StoredRun]:
    """Runs with stored event logs under ``results`` (at most ``per_folder`` per variant)."""
    runs: list[StoredRun] = []
    for events in sorted(results.glob("*/events.parquet")):
        folder = events.parent
        if not (folder / "series.parquet").exists():
            continue
        names = set(pq.read_schema(events).names)
        if {"variant", "replication", "seed"} <= names:
            keys = pd.read_parquet(events, columns=["variant", "replication", "seed"])
            keys = keys.drop_duplicates().sort_values(["replication", "variant"])
            keys = keys[keys["replication"] < per_folder]
            runs += [
                StoredRun(folder, str(v), int(r), int(s))
                for v, r, s in keys.itertuples(index=False)
            ]
        else:
            manifest = _manifest(folder)
            runs.append(
                StoredRun(
                    folder, str(manifest.get("variant", "")), -1, int(manifest.get("seed", 0))
                )
            )
    return runs


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _read(path: Path, run: StoredRun, columns: tuple[str, ...]) -> pd.DataFrame:
    """A stored run's rows of ``path`` (events or series) in the model's conventions."""
    table = path.stem
    if run.replication >= 0:
        filters = [("variant", "==", run.variant), ("replication", "==", run.replication)]
        df = pd.read_parquet(path, filters=filters)
    else:
        df = pd.read_parquet(path)
    df = df[[c for c in ("week", "date", *columns) if c in df.columns]]
    return decode(table, df)


class ReplayRun:
    """A stored run shown week by week.

    Args:
        run: Which stored run.

    Raises:
        WgsimError: if its files cannot be read.
    """

    def __init__(self, run: StoredRun) -> None:
        try:
            events = _read(run.folder / "events.parquet", run, EVENT_COLUMNS[1:])
            series = _read(run.folder / "series.parquet", run, SERIES_COLUMNS[1:])
        except (OSError, ValueError) as exc:
            raise WgsimError(f"cannot read the stored run {run.label}: {exc}") from None
        if series.empty:
            raise WgsimError(f"the stored run {run.label} has no weekly series")
        self.label = f"replay: {run.variant}"
        first = series.iloc[0]
        self.start = (
            pd.Timestamp(first["date"]) - pd.Timedelta(weeks=int(first["week"]) - 1)
        ).date()
        self.events = dated(events.reset_index(drop=True), self.start)
        self.series = dated(series.reset_index(drop=True), self.start)
        self.n_weeks = int(series["week"].max())
        self.channels = _channels(run, self.events)
        self.week = 0

    def step(self) -> None:
        """Show one more week."""
        self.week = min(self.n_weeks, self.week + 1)

    @property
    def finished(self) -> bool:
        """Whether the last stored week is shown."""
        return self.week >= self.n_weeks

    def view(self) -> RunView:
        """The stored run up to the current week."""
        return RunView(
            self.label,
            self.start,
            self.week,
            self.n_weeks,
            self.events[self.events["week"] <= self.week],
            self.series[self.series["week"] <= self.week],
            self.channels,
        )


def _channels(run: StoredRun, events: pd.DataFrame) -> tuple[tuple[str, bool], ...]:
    """The run's channels from its scenario file, else the channels its contacts name."""
    file = _manifest(run.folder).get("scenario_file")
    if file:
        try:
            scenario = load_file(file).variant(run.variant or None)
            return tuple((c.name, c.via_nsc) for c in scenario.channels)
        except WgsimError:
            logger.info("scenario file %s of %s not loadable; channels from events", file, run)
    names = events.loc[events["kind"] == "contact", "actor"].unique()
    return tuple((str(n), False) for n in sorted(names))


# --- the page's model -------------------------------------------------------------------


class PageModel(mesa.Model):
    """What the page steps: one run, a with/without-WG pair on one seed, or a replay.

    The page re-creates it at Reset from its controls (already checked: a bad seed or
    value never reaches here from the page).

    Args:
        file: The scenario file.
        variant: The variant's name (the file's baseline when None).
        mode: A value of :data:`MODES` (``"single"``, ``"side"`` or ``"replay"``).
        seed: The seed of every draw of the live runs.
        overrides: Field path -> value (the sliders that differ from the scenario's values).
        replay: The stored run to replay (replay mode).

    Raises:
        WgsimError: if the scenario, a value or the stored run is bad.
    """

    def __init__(
        self,
        file: Path = Path("scenarios/historical.yaml"),
        variant: str | None = None,
        mode: str = "side",
        seed: int = 0,
        overrides: dict[str, Any] | None = None,
        replay: StoredRun | None = None,
    ) -> None:
        super().__init__(rng=seed)
        self.mode = mode
        self.seed = seed
        self.runs: list[LiveRun | ReplayRun] = []
        self._views: tuple[int, list[RunView]] = (-1, [])
        if mode == "replay":
            if replay is None:
                raise WgsimError("no stored run chosen to replay")
            self.runs = [ReplayRun(replay)]
            return
        pairs = [("working group", True), ("no group", False)] if mode == "side" else [("", True)]
        for label, wg in pairs:
            scenario = build_scenario(file, variant, working_group=wg, overrides=overrides)
            if not label:
                label = (
                    "no group"
                    if scenario.working_group.establishment == "never"
                    else ("working group")
                )
            self.runs.append(LiveRun(label, build(scenario, seed)))

    def step(self) -> None:
        """One week of every run (replays show one more stored week)."""
        for run in self.runs:
            if not run.finished:
                run.step()
        self.running = not all(run.finished for run in self.runs)

    @property
    def week(self) -> int:
        """The week shown (the first run's)."""
        return self.views()[0].week

    @property
    def finished(self) -> bool:
        """Whether every run has reached its last week."""
        return all(run.finished for run in self.runs)

    def views(self) -> list[RunView]:
        """Every run as the page shows it at this step (cached per step)."""
        if self._views[0] != self.steps:
            self._views = (self.steps, [run.view() for run in self.runs])
        return self._views[1]


def today_line(view: RunView) -> str:
    """``week 23 of 186: 2018-11-12`` (the calendar date of the run)."""
    if view.week == 0:
        return f"week 0 of {view.n_weeks}: {view.start.isoformat()} (not started)"
    return f"week {view.week} of {view.n_weeks}: {view.date.isoformat()}"
