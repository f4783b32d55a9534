"""The Typer app: global options, the commands, and :func:`main`.

The global options are ``--version``, ``--quiet`` and ``--verbose``; :func:`main` turns
user errors into one message and exit code 2.

Like every import of the package, the commands' imports only go down the layers: cli
imports studies, page, analysis, runs and scenario, and nothing imports cli.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape

from sim.cli import batch, robust, single
from sim.cli.common import configure, err_console
from sim.errors import InfrastructureError, WgsimError

app = typer.Typer(
    name="wgsim",
    help="Agent-based simulation of US–ROK policy coordination, with or without a working group.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        import sim

        sys.stdout.write(f"wgsim {sim.__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No status lines or progress bars.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also log what wgsim and pyabc do.")
    ] = False,
) -> None:
    """Agent-based simulation of US–ROK policy coordination, with or without a working group.

    Results go to standard output, status and progress to standard error. A scenario,
    experiment or calibration spec is a YAML file, or the name of a shipped one (see
    `wgsim scenarios`).
    """
    if quiet and verbose:
        raise typer.BadParameter("--quiet and --verbose exclude each other", param_hint="--quiet")
    configure(quiet, verbose)


for command in (
    single.validate,
    single.schema,
    single.parameters,
    single.codebook,
    single.scenarios,
    single.run,
    batch.compare,
    batch.experiment,
    batch.calibrate,
    robust.robustness,
    single.serve,
):
    app.command()(command)


def main() -> None:
    """Entry point: user errors become one message and exit code 2 (3 for infrastructure)."""
    try:
        app()
    except WgsimError as exc:
        err_console.print(f"[bold red]error:[/bold red] {escape(str(exc))}")
        sys.exit(3 if isinstance(exc, InfrastructureError) else 2)


if __name__ == "__main__":
    main()
