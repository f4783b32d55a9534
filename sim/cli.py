"""The ``wgsim`` command line.

User mistakes (a bad scenario file, an unknown variant) print one clear message and exit
with code 2, without a traceback; nothing runs.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
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

from sim.errors import InfrastructureError, WgsimError
from sim.scenario.loader import file_json_schema, load_file

# Each command imports the heavy modules it needs (the runner and Mesa, the studies with
# pandas, matplotlib, SALib or pyabc, the page) inside its function, so that `wgsim --help`
# and the light commands stay fast. Like every import of the package, these only go down
# the layers: cli imports studies, page, analysis, runs and scenario, and nothing imports cli.

app = typer.Typer(
    name="wgsim",
    help="Agent-based simulation of US–ROK policy coordination, with or without a working group.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# No emoji codes: names and values in messages are printed as written (":x:" stays ":x:").
out_console = Console(soft_wrap=True, emoji=False)
err_console = Console(stderr=True, soft_wrap=True, emoji=False)
MAX_REPLICATIONS = 1_000_000
MAX_WORKERS = 256
Workers = Annotated[
    int, typer.Option("--workers", "-w", help="Worker processes.", min=1, max=MAX_WORKERS)
]
Dask = Annotated[
    str | None,
    typer.Option("--dask", help="Dask scheduler address, or 'local' to start a LocalCluster."),
]
"""The ``--workers`` and ``--dask`` options, declared once for every batch command."""

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
    ("wg_terminated_week", "WG terminated (week; -1 = survives)"),
    ("legitimacy_final", "WG legitimacy at the end"),
)

FileArg = Annotated[Path, typer.Argument(help="Scenario file (YAML).", show_default=False)]


def _fmt(value: float) -> str:
    if value != value:  # NaN
        return "–"
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.3f}"


def _week_date(start: dt.date, week: float) -> str:
    if week < 0 or week != week:
        return ""
    return (start + dt.timedelta(days=7 * (int(week) - 1))).isoformat()


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")],
) -> None:
    """Check scenario files against the schema; print each file's variants."""
    for f in files:
        sf = load_file(f)
        names = ", ".join(sf.variants)
        out_console.print(f"[green]ok[/green] {f}: variants {names} (digest {sf.digest})")


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion)."""
    sys.stdout.write(json.dumps(file_json_schema(), indent=2, default=str) + "\n")


@app.command()
def parameters() -> None:
    """Print the parameter reference (Markdown) generated from the schema."""
    from sim.scenario.reference import parameters_markdown

    sys.stdout.write(parameters_markdown())


@app.command()
def run(
    file: FileArg,
    variant: Annotated[
        str | None, typer.Option("--variant", "-v", help="Variant name (default: the first).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed.", min=0)] = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Output folder (default results/<scenario>-<variant>-s<seed>)."
        ),
    ] = None,
) -> None:
    """Run one scenario variant once: summary table, Parquet outputs and a timeline figure."""
    import pandas as pd

    from sim.analysis import plots
    from sim.runs.runner import check_size
    from sim.runs.runner import run as run_once
    from sim.runs.store import (
        atomic_write_json,
        atomic_write_parquet,
        ensure_output_folder,
        provenance,
        safe_name,
    )

    sf = load_file(file)
    name = variant or sf.baseline
    scenario = sf.variant(name)
    default = Path("results") / safe_name(f"{scenario.name}-{name}-s{seed}")
    out = ensure_output_folder(out or default)
    t0 = time.perf_counter()
    check_size(scenario, str(file))
    result = run_once(scenario, seed, variant=name)
    elapsed = time.perf_counter() - t0
    events, series = result.events_frame(), result.series_frame()
    atomic_write_parquet(events, out / "events.parquet")
    atomic_write_parquet(series, out / "series.parquet")
    atomic_write_parquet(result.proposals_frame(), out / "proposals.parquet")
    row = {"scenario": scenario.name, "variant": name, "seed": seed, **result.metrics}
    atomic_write_parquet(pd.DataFrame([row]), out / "metrics.parquet")
    fig = plots.timeline(
        events,
        series,
        scenario,
        out / "timeline.png",
        f"{scenario.name} / {name}, seed {seed}: simulated events and documented episodes",
    )
    manifest = {
        "scenario_file": str(file),
        "scenario_digest": sf.digest,
        "scenario_text": sf.text,
        "variant": name,
        "seed": seed,
        "seconds": round(elapsed, 4),
        **provenance(),
    }
    atomic_write_json(manifest, out / "manifest.json")
    _print_summary(
        result.metrics, scenario.calendar.start, f"{scenario.name} / {name}, seed {seed}"
    )
    out_console.print(
        f"\nOutputs in [bold]{out}[/bold]: events.parquet, series.parquet, "
        f"proposals.parquet, metrics.parquet, {fig.name}, manifest.json"
    )


@app.command()
def compare(
    file: FileArg,
    replications: Annotated[
        int,
        typer.Option(
            "--replications", "-n", help="Replications per variant.", min=1, max=MAX_REPLICATIONS
        ),
    ] = 200,
    workers: Workers = 2,
    dask: Dask = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default results/<file>).")
    ] = None,
    events: Annotated[bool, typer.Option("--events", help="Also store every event log.")] = False,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Root seed.", min=0)] = 0,
    posterior: Annotated[
        Path | None,
        typer.Option(
            "--posterior",
            help="Calibration posterior (posterior.csv): each replication draws its parameters.",
        ),
    ] = None,
) -> None:
    """Compare every variant of FILE over N replications with common random numbers.

    Results stream to disk as chunks finish; rerunning the same command resumes an
    interrupted batch. Writes runs/series(/events)/failures Parquet, manifest.json and
    report.md with figures.
    """
    from sim.runs.store import safe_name
    from sim.studies.comparison.run import run_compare

    out = out or Path("results") / safe_name(f"compare-{file.stem}")
    progress, started, advance = _tracker(out)
    try:
        with progress:
            result = run_compare(
                file,
                replications=replications,
                out=out,
                workers=workers,
                dask=dask,
                events=events,
                seed=seed,
                posterior=posterior,
                on_progress=advance,
                on_start=started,
            )
    except KeyboardInterrupt:
        err_console.print(f"interrupted: finished runs are saved in {out}; rerun to resume")
        raise typer.Exit(130) from None
    o = result.outcome
    for moved in o.quarantined:
        err_console.print(f"unreadable results set aside and redone: {escape(moved)}")
    out_console.print(
        f"{o.ok} runs done, {o.skipped} resumed, {o.failed} failed in {result.seconds:.1f} s"
    )
    if result.report:
        out_console.print(f"Report: [bold]{escape(str(result.report))}[/bold]")
    if o.failed:
        err_console.print(f"{o.failed} runs failed: see {out / 'failures.parquet'}")
        raise typer.Exit(1)


@app.command()
def experiment(
    file: Annotated[Path, typer.Argument(help="Experiment file (YAML).", show_default=False)],
    workers: Workers = 2,
    dask: Dask = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="Tiny version (the file's 'quick' sizes).")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default results/<name>).")
    ] = None,
) -> None:
    """Run a sweep or sensitivity analysis declared in an experiment file.

    Every design point runs the treatment and control variants with shared seeds; the
    report gives effects with intervals, Sobol or Morris indices and tornado charts.
    Rerunning the same command resumes an interrupted experiment.
    """
    from sim.studies.experiments.run import run_experiment
    from sim.studies.experiments.spec import load_experiment

    exp = load_experiment(file, quick=quick)
    from sim.runs.store import safe_name

    name = safe_name(f"experiment-{exp.spec.name}{'-quick' if quick else ''}")
    out = out or Path("results") / name
    progress, started, advance = _tracker(out)
    try:
        with progress:
            outcome, report = run_experiment(
                exp, out, workers=workers, dask=dask, on_progress=advance, on_start=started
            )
    except KeyboardInterrupt:
        err_console.print(f"interrupted: finished runs are saved in {out}; rerun to resume")
        raise typer.Exit(130) from None
    out_console.print(
        f"{outcome.ok} runs done, {outcome.skipped} resumed, {outcome.failed} failed; "
        f"{len(exp.points)} design points"
    )
    if report:
        out_console.print(f"Report: [bold]{report}[/bold]")
    if outcome.failed:
        err_console.print(f"{outcome.failed} runs failed: see {out / 'failures.parquet'}")
        raise typer.Exit(1)


def _tracker(out: Path) -> tuple[Progress, Any, Any]:
    """A progress bar and the callbacks that feed it."""
    progress = _progress()
    task = progress.add_task("runs", total=None)
    failed = 0

    def started(total: int, skipped: int) -> None:
        progress.update(task, total=total, completed=skipped)
        if skipped:
            out_console.print(f"resuming: {skipped} of {total} runs already done in {out}")

    def advance(n: int, n_failed: int) -> None:
        nonlocal failed
        failed += n_failed
        label = f"runs ({failed} failed)" if failed else "runs"
        progress.update(task, advance=n, description=label)

    return progress, started, advance


@app.command()
def calibrate(
    spec: Annotated[Path, typer.Argument(help="Calibration spec (YAML).", show_default=False)],
    dask: Dask = None,
    workers: Workers = 2,
    quick: Annotated[
        bool, typer.Option("--quick", help="A tiny run (the spec's 'quick').")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default results/calibration)."),
    ] = None,
) -> None:
    """Fit the free parameters to the documented episodes by ABC-SMC (pyabc).

    Writes the posterior database and summary, calibrated.yaml (posterior medians and
    90% intervals) and fit_report.md. Rerunning continues from the database.
    """
    from sim.runs.store import ensure_output_folder
    from sim.studies.calibration.run import calibrate as run_calibration

    out = ensure_output_folder(
        out or Path("results") / ("calibration-quick" if quick else "calibration")
    )
    summary = run_calibration(
        spec,
        out,
        quick=quick,
        workers=workers,
        dask=dask,
        log=out_console.print,
        progress=err_console.is_terminal,
    )
    out_console.print(
        f"{summary['simulations']} particles, {summary['generations']} generations, "
        f"acceptance {summary['acceptance_rate']:.1%}, {summary['wall_seconds']:.0f} s"
    )
    out_console.print(
        f"Posterior and report in [bold]{out}[/bold] (fit_report.md, calibrated.yaml)"
    )


@app.command()
def serve(
    file: Annotated[
        Path,
        typer.Argument(help="Scenario file the page starts with (its folder lists the others)."),
    ] = Path("scenarios/historical.yaml"),
    port: Annotated[int, typer.Option("--port", "-p", help="Port.", min=1, max=65535)] = 8765,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on; 0.0.0.0 deliberately exposes the page."),
    ] = "127.0.0.1",
    results: Annotated[
        Path, typer.Option("--results", help="Folder searched for stored runs to replay.")
    ] = Path("results"),
) -> None:
    """Start the interactive page (Mesa SolaraViz) at http://HOST:PORT; Ctrl-C stops it."""
    from sim.page.assets import installed_requirements, missing
    from sim.page.serve import check_port
    from sim.page.serve import serve as run_server

    load_file(file)
    check_port(host, port)
    cache, packages = installed_requirements()
    if missing(cache, packages):
        err_console.print(
            "warning: Solara's web assets are not cached (run 'make setup'); "
            "the page needs the internet"
        )
    out_console.print(f"wgsim page: http://{host}:{port}/  (Ctrl-C stops it)")
    code = run_server(file, host, port, results)
    if code:
        raise typer.Exit(code)


class RateColumn(ProgressColumn):
    """Runs per second of a progress task."""

    def render(self, task: Task) -> Text:
        """The task's current speed."""
        speed = task.speed
        return Text("" if speed is None else f"{speed:,.0f} runs/s", style="cyan")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=err_console,
    )


def _print_summary(metrics: dict[str, float], start: dt.date, title: str) -> None:
    table = Table(title=title)
    table.add_column("outcome")
    table.add_column("value", justify="right")
    for key, label in SUMMARY_ROWS:
        value = metrics[key]
        text = _fmt(value)
        if key.endswith("_week") and value >= 0:
            text += f" ({_week_date(start, value)})"
        table.add_row(label, text)
    out_console.print(table)


def main() -> None:
    """Entry point: user errors become one message and exit code 2 (3 for infrastructure)."""
    try:
        app()
    except WgsimError as exc:
        err_console.print(f"[bold red]error:[/bold red] {escape(str(exc))}")
        sys.exit(3 if isinstance(exc, InfrastructureError) else 2)


if __name__ == "__main__":
    main()
