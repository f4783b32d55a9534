"""The robustness command: the headline effects as ranges, with their robustness labels."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    Dask,
    Quick,
    Workers,
    err_console,
    out_console,
    out_option,
    status,
    tracker,
)

DEFAULT_SPEC = Path("experiments/robustness/headline.yaml")
"""The shipped spec, relative to the shipped files' root (a checkout or the wheel's data)."""


def robustness(
    spec: Annotated[
        Path | None,
        typer.Argument(
            help=f"Robustness spec (YAML; default: the shipped {DEFAULT_SPEC}).",
            show_default=False,
        ),
    ] = None,
    workers: Workers = 2,
    dask: Dask = None,
    quick: Quick = False,
    out: Annotated[Path | None, out_option("results/robustness")] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="If the folder holds another spec's runs (the spec, scenario or posterior "
            "changed), move it aside to OUT.old-<time> and start again; nothing is deleted.",
        ),
    ] = False,
) -> None:
    """Report each headline effect of the group as a range over the judgement values.

    Runs the central comparison (as compare --posterior), a Sobol' sample over the spec's
    judgement ranges together with the posterior, and one-at-a-time sweeps of the inputs
    that decide the claims that are not robust; prints the headline (README quotes it) and
    writes report.md, summary.csv and figures. Rerunning the same command resumes it.
    """
    from sim.scenario.shipped import data_root
    from sim.studies.robustness.report import headline
    from sim.studies.robustness.run import move_aside_if_stale
    from sim.studies.robustness.spec import load_study
    from sim.studies.robustness.study import run_robustness

    study = load_study(spec or data_root() / DEFAULT_SPEC, quick=quick)
    out = out or Path("results") / ("robustness-quick" if quick else "robustness")
    if replace:
        aside = move_aside_if_stale(out, study.digest)
        if aside is not None:
            status(f"{out} held another spec's runs: moved aside to {aside}")
    progress, started, advance = tracker(out)
    try:
        with progress:
            result = run_robustness(
                study, out, workers=workers, dask=dask, on_progress=advance, on_start=started
            )
    except KeyboardInterrupt:
        err_console.print(f"interrupted: finished runs are saved in {out}; rerun to resume")
        raise typer.Exit(130) from None
    sys.stdout.write(headline(result.summary))  # README's headline quotes exactly this
    sys.stdout.flush()
    out_console.print(f"Report: [bold]{result.report}[/bold]")
    if result.failed:
        err_console.print(f"{result.failed} runs failed: see the failures.parquet files in {out}")
        raise typer.Exit(1)
