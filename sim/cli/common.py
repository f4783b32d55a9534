"""What the commands share: consoles, options declared once, and output helpers.

Results go to standard output, status lines (resuming, calibration logs, progress bars)
to standard error; ``--quiet`` silences the status lines and ``--json`` prints the
results as one JSON document instead of tables.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from sim.scenario.shipped import Kind, resolve

# No emoji codes: names and values in messages are printed as written (":x:" stays ":x:").
out_console = Console(soft_wrap=True, emoji=False)
err_console = Console(stderr=True, soft_wrap=True, emoji=False)

MAX_REPLICATIONS = 100_000
"""Most replications per variant (``-n``): 100,000 of two variants take about a day on 2 cores."""
MAX_WORKERS = 256
MAX_SEED = 2**63 - 1
"""Largest seed: seeds are stored as 64-bit integers in every output table."""


def printable(text: str) -> str:
    """``text`` with its invisible characters written as escapes (ESC as ``x1b``).

    Control characters, unpaired surrogates and format characters (bidirectional
    overrides) are escaped, so no name can move the cursor or recolour a terminal.
    """
    return "".join(_escape_char(c) if _unsafe(c) else c for c in text)


def _unsafe(c: str) -> bool:
    if c == "\n":
        return False
    return (
        unicodedata.category(c) in ("Cc", "Cs", "Cf") and c != "\u200d"
    )  # a joiner (emoji, scripts)


def _escape_char(c: str) -> str:
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


MAX_LINE = 1000
"""Longest line of an error message printed (a longer one is cut, its length named)."""

MAX_LINES = 200
"""Most lines of an error message printed."""


def clipped(text: str) -> str:
    """An error message cut to :data:`MAX_LINES` lines of at most :data:`MAX_LINE` characters.

    Every part of a message quotes values in part already; this keeps any other long text
    from taking minutes to render.
    """
    lines = text.split("\n")
    out = [
        line if len(line) <= MAX_LINE else f"{line[:MAX_LINE]}... ({len(line):,} characters)"
        for line in lines[:MAX_LINES]
    ]
    if len(lines) > MAX_LINES:
        out.append(f"  ... and {len(lines) - MAX_LINES:,} more lines")
    return "\n".join(out)


def safe(text: object) -> str:
    """Text from a user (a name, a path, a message quoting them) for a Rich console.

    Control characters are escaped and markup such as ``[/]`` is shown as written.
    """
    return escape(printable(str(text)))


@dataclass
class Verbosity:
    """The global ``--quiet`` / ``--verbose`` choice."""

    quiet: bool = False
    verbose: bool = False


verbosity = Verbosity()


def configure(quiet: bool, verbose: bool) -> None:
    """Set the verbosity; ``--verbose`` also shows wgsim's and pyabc's log records."""
    verbosity.quiet, verbosity.verbose = quiet, verbose
    if verbose:
        logging.basicConfig(
            level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
        )


def status(message: str) -> None:
    """A status line on standard error (silent with ``--quiet``), shown as written."""
    if not verbosity.quiet:
        err_console.print(safe(message))


def detail(message: str) -> None:
    """A line on standard error shown only with ``--verbose``, as written."""
    if verbosity.verbose:
        err_console.print(safe(message))


def emit_json(doc: Any) -> None:
    """Print ``doc`` as JSON on standard output (NaN and infinities as null)."""
    sys.stdout.write(json.dumps(_clean(doc), indent=2, default=str) + "\n")


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


Workers = Annotated[
    int, typer.Option("--workers", "-w", help="Worker processes.", min=1, max=MAX_WORKERS)
]
Dask = Annotated[
    str | None,
    typer.Option("--dask", help="Dask scheduler address, or 'local' to start a LocalCluster."),
]
"""The ``--workers`` and ``--dask`` options, declared once for every batch command."""


def output_folder(value: str) -> Path:
    """Parse ``--out``: an empty name is refused (it would mean the current folder)."""
    if not value.strip():
        raise typer.BadParameter(
            "an empty folder name would write into the current folder; "
            "name a folder (use '.' to mean the current one)"
        )
    return Path(value)


def out_option(default: str) -> Any:
    """The ``--out``/``-o`` option of a batch command whose folder defaults to ``default``."""
    return typer.Option(
        "--out", "-o", parser=output_folder, help=f"Output folder (default {default})."
    )


Quick = Annotated[bool, typer.Option("--quick", help="A tiny run (the spec's 'quick' sizes).")]

Json = Annotated[bool, typer.Option("--json", help="Print the summary as JSON on standard output.")]
Seed = Annotated[
    int, typer.Option("--seed", "-s", help="Random seed (0 to 2^63 - 1).", min=0, max=MAX_SEED)
]
Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a field of every variant: PATH=VALUE (e.g. working_group.scope=0.8), "
        "VALUE read as YAML; repeatable.",
        show_default=False,
    ),
]

FileArg = Annotated[
    Path,
    typer.Argument(
        help="Scenario file (YAML), or the name of a shipped scenario (wgsim scenarios).",
        show_default=False,
    ),
]


def scenario_path(value: Path, kind: Kind = "scenario") -> Path:
    """A command's file argument: the file on disk, or the shipped file of that name."""
    return resolve(kind, value)


def fmt(value: float) -> str:
    """A summary value: integers as such, others to three decimals, NaN as a dash."""
    if value != value:  # NaN
        return "–"
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.3f}"


def week_date(start: dt.date, week: float) -> str:
    """The Monday starting ``week`` ("" for no week)."""
    if week < 0 or week != week:
        return ""
    return (start + dt.timedelta(days=7 * (int(week) - 1))).isoformat()


SUMMARY_ROWS = (
    ("surprises", "US-side surprises (entrapment friction)"),
    ("disputes", "ROK-side public disputes"),
    ("n_mou_challenge", "MOU public calls to readjust the WG"),
    ("n_denunciation", "DPRK denunciations of the WG"),
    ("created", "proposals created"),
    ("routed", "proposals routed"),
    ("route_wg", "  routed through the WG"),
    ("route_bilateral", "  routed through ad hoc channels"),
    ("route_unilateral", "  unilateral"),
    ("n_approved", "US approvals"),
    ("n_vetoed", "US vetoes"),
    ("exemptions", "UN 1718 exemptions"),
    ("exemption_lead_days_median", "exemption lead time, median days"),
    ("implemented", "proposals implemented"),
    ("completion_ratio", "completion ratio"),
    ("stalled", "proposals stalled"),
    ("dpi_final", "denuclearization progress index"),
    ("dpi_peak", "denuclearization progress index, peak"),
    ("ws_gap", "wedge: ROK–US gap change"),
    ("n_wg_meeting", "WG meetings"),
    ("wg_first_meeting_week", "WG first meeting (week)"),
    ("wg_terminated_week", "WG terminated (week)"),
    ("legitimacy_final", "WG legitimacy at the end"),
)


def print_summary(metrics: dict[str, float], start: dt.date, title: str) -> None:
    """The summary table of one run on standard output."""
    table = Table(title=title)
    table.add_column("outcome")
    table.add_column("value", justify="right")
    for key, label in SUMMARY_ROWS:
        value = metrics[key]
        text = fmt(value)
        if key.endswith("_week") and value < 0:
            # -1 in memory (null in the JSON and Parquet outputs): no such week in this run.
            lasted = key == "wg_terminated_week" and metrics["n_wg_meeting"] > 0
            text = "survives" if lasted else "–"
        elif key.endswith("_week"):
            text += f" ({week_date(start, value)})"
        table.add_row(label, text)
    out_console.print(table)


class RateColumn(ProgressColumn):
    """Runs per second of a progress task."""

    def render(self, task: Task) -> Text:
        """The task's current speed."""
        speed = task.speed
        return Text("" if speed is None else f"{speed:,.0f} runs/s", style="cyan")


class LazyProgress:
    """A progress display that appears only once the runs start.

    ``with tracker(...)[0]:`` shows nothing while the inputs are checked, so a command that
    stops on bad input prints its message alone, without an empty "runs 0/?" bar.
    """

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.shown = False

    def start(self) -> None:
        """Show the bar (once)."""
        if not self.shown:
            self.shown = True
            self.progress.start()

    def __enter__(self) -> LazyProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            self.progress.stop()


def tracker(out: Path) -> tuple[LazyProgress, Any, Any]:
    """A progress bar on standard error (hidden with ``--quiet``) and the callbacks feeding it.

    The bar appears when the batch calls ``started`` (its inputs checked, its jobs known).
    """
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=verbosity.quiet,
    )
    task = progress.add_task("runs", total=None)
    lazy = LazyProgress(progress)
    failed = 0

    def started(total: int, skipped: int) -> None:
        progress.update(task, total=total, completed=skipped)
        lazy.start()
        if skipped:
            status(f"resuming: {skipped} of {total} runs already done in {out}")

    def advance(n: int, n_failed: int) -> None:
        nonlocal failed
        failed += n_failed
        label = f"runs ({failed} failed)" if failed else "runs"
        progress.update(task, advance=n, description=label)

    return lazy, started, advance
