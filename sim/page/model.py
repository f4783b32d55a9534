"""The model behind the page: one live run, two side by side, or a stored run replayed.

Mesa's ``SolaraViz`` steps and re-creates one ``mesa.Model`` from the page's controls;
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
from sim.page.data import RunView, build_scenario, scenario_choices
from sim.runs.codebook import decode
from sim.runs.runner import build, dated, events_frame, series_frame
from sim.scenario.loader import load_file

logger = logging.getLogger(__name__)

MODES = {
    "one run": "single",
    "side by side: group vs no group": "side",
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
        s = model.params
        self.channels = tuple((c.name, c.via_nsc) for c in s.channels)

    def step(self) -> None:
        """One week."""
        self.model.step()

    @property
    def finished(self) -> bool:
        """Whether the last week has run."""
        return self.model.steps >= self.model.n_weeks

    def view(self) -> RunView:
        """The run as the page shows it now."""
        m = self.model
        start = m.params.calendar.start
        return RunView(
            self.label,
            start,
            m.steps,
            m.n_weeks,
            events_frame(m.events, start),
            series_frame(m.series, start),
            self.channels,
        )


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
    """What the page steps: one run, a with/without-WG pair, or a replay.

    Mesa's controls re-create it with the page's parameters; every keyword is one control.

    Args:
        scenario_variant: ``"file / variant"`` as listed by the picker.
        mode: A key of :data:`MODES`.
        working_group: The WG switch (one-run mode).
        seed: The seed (text from the seed box, or an int).
        replay: A stored run's label (replay mode).
        scenarios_dir: Folder of scenario files.
        results_dir: Folder searched for stored runs.
        scenario: Ignored (Mesa passes its own scenario object on reset).
        rng: Ignored (the seed sets every draw).
        **params: Slider values by field path; a slider left at its starting value
            (``initial``) keeps the picked scenario's own value.
    """

    def __init__(
        self,
        scenario_variant: str = "historical / historical",
        mode: str = "one run",
        working_group: bool = True,
        seed: str | int = 0,
        replay: str = "",
        scenarios_dir: str = "scenarios",
        results_dir: str = "results",
        initial: dict[str, Any] | None = None,
        scenario: Any = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=0)
        self.problem = ""
        self.mode = MODES.get(mode, "single")
        self.runs: list[LiveRun | ReplayRun] = []
        try:
            self.seed = _seed(seed)
            self.runs = self._build(
                scenario_variant,
                working_group,
                replay,
                Path(scenarios_dir),
                Path(results_dir),
                _changed(params, initial or {}),
            )
        except WgsimError as exc:
            self.problem = str(exc)
            self.seed = 0
            self.mode = "single"
            fallback = next(iter(scenario_choices(Path(scenarios_dir))), scenario_variant)
            self.runs = self._build(fallback, True, "", Path(scenarios_dir), Path(results_dir), {})
        self._views: tuple[int, list[RunView]] = (-1, [])

    def _build(
        self,
        choice: str,
        working_group: bool,
        replay: str,
        scenarios: Path,
        results: Path,
        overrides: dict[str, Any],
    ) -> list[LiveRun | ReplayRun]:
        if self.mode == "replay":
            found = {r.label: r for r in stored_runs(results)}
            if replay not in found:
                allowed = ", ".join(found) or f"none (no events.parquet under {results})"
                raise WgsimError(f"unknown stored run '{replay}'; available: {allowed}")
            return [ReplayRun(found[replay])]
        file, variant = _choice(choice, scenarios)
        if self.mode == "side":
            pairs = [("working group", True), ("no group", False)]
        else:
            pairs = [("working group" if working_group else "no group", working_group)]
        return [
            LiveRun(
                label,
                build(
                    build_scenario(file, variant, working_group=wg, overrides=overrides), self.seed
                ),
            )
            for label, wg in pairs
        ]

    def step(self) -> None:
        """One week of every run (replays show one more stored week)."""
        for run in self.runs:
            if not run.finished:
                run.step()
        self.running = not all(run.finished for run in self.runs)

    def views(self) -> list[RunView]:
        """Every run as the page shows it at this step (cached per step)."""
        if self._views[0] != self.steps:
            self._views = (self.steps, [run.view() for run in self.runs])
        return self._views[1]


def _seed(value: str | int) -> int:
    try:
        seed = int(str(value).strip())
    except ValueError:
        raise WgsimError(f"seed '{value}' is not a whole number; use 0 or more") from None
    if seed < 0:
        raise WgsimError(f"seed {seed} is negative; use 0 or more")
    return seed


def _choice(choice: str, scenarios: Path) -> tuple[Path, str]:
    name, sep, variant = choice.partition(" / ")
    path = scenarios / f"{name}.yaml"
    if not sep or not path.exists():
        known = ", ".join(sorted(p.stem for p in scenarios.glob("*.yaml")))
        raise WgsimError(f"unknown scenario '{choice}'; files in {scenarios}: {known}")
    return path, variant


def _changed(params: dict[str, Any], initial: dict[str, Any]) -> dict[str, Any]:
    """Slider values that differ from where the sliders started."""
    return {k: v for k, v in params.items() if k not in initial or v != initial[k]}


def today_line(view: RunView) -> str:
    """``week 23 of 186 — 2018-11-12`` (the calendar date of the run)."""
    if view.week == 0:
        return f"week 0 of {view.n_weeks}: {view.start.isoformat()} (not started)"
    return f"week {view.week} of {view.n_weeks}: {view.date.isoformat()}"
