"""Batch commands: compare, experiment, calibrate.

Each streams its runs to disk and resumes an interrupted batch when run again; progress
and status go to standard error, the summary to standard output (``--json`` for JSON).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import (
    MAX_REPLICATIONS,
    MAX_SEED,
    Dask,
    FileArg,
    Json,
    Quick,
    Sets,
    Workers,
    emit_json,
    err_console,
    out_console,
    out_option,
    output_folder,
    safe,
    scenario_path,
    status,
    tracker,
    verbosity,
)


def _interrupted(out: Path) -> typer.Exit:
    err_console.print(f"interrupted: finished runs are saved in {safe(out)}; rerun to resume")
    return typer.Exit(130)


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
        Path | None,
        typer.Option(
            "--out", "-o", parser=output_folder, help="Output folder (default results/<file>)."
        ),
    ] = None,
    events: Annotated[bool, typer.Option("--events", help="Also store every event log.")] = False,
    seed: Annotated[
        int, typer.Option("--seed", "-s", help="Root seed (0 to 2^63 - 1).", min=0, max=MAX_SEED)
    ] = 0,
    posterior: Annotated[
        Path | None,
        typer.Option(
            "--posterior",
            help="Calibration posterior (posterior.csv): each replication draws its parameters.",
        ),
    ] = None,
    sets: Sets = None,
    as_json: Json = False,
) -> None:
    """Compare every variant of FILE over N replications with common random numbers.

    Results stream to disk as chunks finish; rerunning the same command resumes an
    interrupted batch. Writes runs/series(/events)/failures Parquet, manifest.json and
    report.md with figures.
    """
    from sim.runs.store import safe_name
    from sim.scenario.paths import parse_sets
    from sim.scenario.shipped import resolve_data_file
    from sim.studies.comparison.run import run_compare

    overrides = parse_sets(sets or [])
    path = scenario_path(file)
    if posterior is not None:
        posterior = resolve_data_file(posterior)
    out = out or Path("results") / safe_name(f"compare-{path.stem}")
    progress, started, advance = tracker(out)
    try:
        with progress:
            result = run_compare(
                path,
                replications=replications,
                out=out,
                workers=workers,
                dask=dask,
                events=events,
                seed=seed,
                posterior=posterior,
                overrides=overrides,
                on_progress=advance,
                on_start=started,
            )
    except KeyboardInterrupt:
        raise _interrupted(out) from None
    o = result.outcome
    for moved in o.quarantined:
        status(f"unreadable results set aside and redone: {moved}")
    if as_json:
        emit_json(_compare_summary(result))
    else:
        out_console.print(
            f"{o.ok} runs done, {o.skipped} resumed, {o.failed} failed in {result.seconds:.1f} s"
        )
        if result.report:
            out_console.print(f"Report: [bold]{safe(result.report)}[/bold]")
    if o.failed:
        err_console.print(f"{o.failed} runs failed: see {safe(out / 'failures.parquet')}")
        raise typer.Exit(1)


def _compare_summary(result: Any) -> dict[str, Any]:
    """The JSON summary of a comparison: counts, files and each variant's outcome means."""
    import pandas as pd

    from sim.studies.comparison.report import OUTCOMES

    o = result.outcome
    means: dict[str, dict[str, float]] = {}
    runs_file = result.out / "runs.parquet"
    if runs_file.exists():
        keys = [k for k, _, _ in OUTCOMES]
        runs = pd.read_parquet(runs_file)
        keys = [k for k in keys if k in runs]
        grouped = runs.groupby("variant", observed=True)[keys].mean(numeric_only=False)
        means = {
            str(v): {str(k): float(x) for k, x in row.items()}
            for v, row in grouped.astype(float).iterrows()
        }
    return {
        "out": str(result.out),
        "runs": o.ok,
        "resumed": o.skipped,
        "failed": o.failed,
        "seconds": round(result.seconds, 3),
        "report": str(result.report) if result.report else None,
        "means": means,
    }


def experiment(
    file: Annotated[
        Path,
        typer.Argument(
            help="Experiment file (YAML), or a shipped experiment's name.", show_default=False
        ),
    ],
    workers: Workers = 2,
    dask: Dask = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="Tiny version (the file's 'quick' sizes).")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", parser=output_folder, help="Output folder (default results/<name>)."
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Run a sweep or sensitivity analysis declared in an experiment file.

    Every design point runs the treatment and control variants with shared seeds; the
    report gives effects with intervals, Sobol or Morris indices and tornado charts.
    Rerunning the same command resumes an interrupted experiment.
    """
    from sim.runs.store import safe_name
    from sim.studies.experiments.run import run_experiment
    from sim.studies.experiments.spec import load_experiment

    exp = load_experiment(scenario_path(file, "experiment"), quick=quick)
    name = safe_name(f"experiment-{exp.spec.name}{'-quick' if quick else ''}")
    out = out or Path("results") / name
    progress, started, advance = tracker(out)
    try:
        with progress:
            outcome, report = run_experiment(
                exp, out, workers=workers, dask=dask, on_progress=advance, on_start=started
            )
    except KeyboardInterrupt:
        raise _interrupted(out) from None
    if as_json:
        emit_json(
            {
                "out": str(out),
                "runs": outcome.ok,
                "resumed": outcome.skipped,
                "failed": outcome.failed,
                "points": len(exp.points),
                "report": str(report) if report else None,
            }
        )
    else:
        out_console.print(
            f"{outcome.ok} runs done, {outcome.skipped} resumed, {outcome.failed} failed; "
            f"{len(exp.points)} design points"
        )
        if report:
            out_console.print(f"Report: [bold]{safe(report)}[/bold]")
    if outcome.failed:
        err_console.print(f"{outcome.failed} runs failed: see {safe(out / 'failures.parquet')}")
        raise typer.Exit(1)


def calibrate(
    spec: Annotated[
        Path,
        typer.Argument(
            help="Calibration spec (YAML), or a shipped spec's name.", show_default=False
        ),
    ],
    dask: Dask = None,
    workers: Workers = 2,
    quick: Quick = False,
    out: Annotated[Path | None, out_option("results/calibration")] = None,
    report_only: Annotated[
        bool,
        typer.Option(
            "--report-only",
            help="Sample nothing: write the outputs from the generations the database "
            "holds (a fit stopped before its budget; the report says so).",
        ),
    ] = False,
    no_figures: Annotated[
        bool,
        typer.Option(
            "--no-figures",
            help="Write the tables and fit_report.md without the report's figures (faster).",
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    """Fit the free parameters to the documented episodes by ABC-SMC (pyabc).

    Writes the posterior database and summary, calibrated.yaml (posterior medians and
    90% intervals), fit_report.md and manifest.json. Rerunning continues from the database.
    """
    from sim.studies.calibration.run import calibrate as run_calibration

    # calibrate makes the folder once the spec and --dask are checked
    out = out or Path("results") / ("calibration-quick" if quick else "calibration")
    summary = run_calibration(
        scenario_path(spec, "calibration"),
        out,
        quick=quick,
        workers=workers,
        dask=dask,
        log=status,
        progress=err_console.is_terminal and not verbosity.quiet,
        report_only=report_only,
        figures=not no_figures,
    )
    if as_json:
        emit_json({"out": str(out), **summary})
        return
    out_console.print(
        f"{summary['simulations']} particles, {summary['generations']} generations, "
        f"acceptance {summary['acceptance_rate']:.1%}, {summary['wall_seconds']:.0f} s"
    )
    out_console.print(
        f"Posterior and report in [bold]{safe(out)}[/bold] (fit_report.md, calibrated.yaml)"
    )
