"""The recovery command: which free parameters the fit's targets identify."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    Dask,
    Json,
    Quick,
    Workers,
    emit_json,
    err_console,
    out_console,
    out_option,
    safe,
    scenario_path,
    tracker,
)


def recovery(
    spec: Annotated[
        Path,
        typer.Argument(
            help="Calibration spec (YAML) with a recovery: block, or a shipped spec's name.",
            show_default=False,
        ),
    ],
    workers: Workers = 2,
    dask: Dask = None,
    quick: Quick = False,
    out: Annotated[Path | None, out_option("results/recovery")] = None,
    as_json: Json = False,
) -> None:
    """Recover known parameters from synthetic records: which parameters the targets identify.

    Simulates a reference table of prior draws and synthetic records from known parameters,
    recovers each record's parameters by rejection ABC with the fit's distance, and writes
    recovery.csv, recovery_summary.csv (coverage, shrinkage, verdict per parameter), figures
    and recovery_report.md. Rerunning the same command resumes from the finished chunks.
    """
    from sim.studies.calibration.recovery import run_recovery

    out = out or Path("results") / ("recovery-quick" if quick else "recovery")
    progress, started, advance = tracker(out)
    try:
        with progress:
            result = run_recovery(
                scenario_path(spec, "calibration"),
                out,
                quick=quick,
                workers=workers,
                dask=dask,
                on_start=started,
                on_progress=advance,
            )
    except KeyboardInterrupt:
        err_console.print(f"interrupted: finished chunks are saved in {safe(out)}; rerun to resume")
        raise typer.Exit(130) from None
    if as_json:
        emit_json(result)
        return
    n = len(result["identified"]) + len(result["not_identified"])
    out_console.print(
        f"{len(result['identified'])} of {n} parameters identified; "
        f"{result['wall_seconds']:.0f} s ({result['chunks_simulated']} chunks simulated, "
        f"{result['chunks_resumed']} resumed)"
    )
    for path in result["not_identified"]:
        out_console.print(f"  sensitivity parameter: {safe(path)}")
    out_console.print(f"Report: [bold]{safe(out / 'recovery_report.md')}[/bold]")
