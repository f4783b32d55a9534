"""The Typer app: global options, the commands, and :func:`main`.

The global options are ``--version``, ``--quiet`` and ``--verbose``; :func:`main` turns
user errors into one message and exit code 2.

Like every import of the package, the commands' imports only go down the layers: cli
imports studies, page, analysis, runs and scenario, and nothing imports cli.
"""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer

from sim.cli import batch, play, printout, recovery, robust, single
from sim.cli.common import clipped, configure, err_console, safe
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
    printout.summary,
    batch.compare,
    batch.experiment,
    batch.calibrate,
    recovery.recovery,
    robust.robustness,
    single.serve,
    play.replay_play,
):
    app.command()(command)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(130)  # as Ctrl-C (docs/cli.md); a running batch turns it into an interrupt


def main() -> None:
    """Entry point: a user error is one message and exit code 2; SIGTERM exits 130.

    Infrastructure errors exit 3, and an error with its own ``exit_code`` (a full disk: 4)
    exits with that.
    """
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        app()
    except KeyboardInterrupt:  # Ctrl-C outside a batch (a batch handles its own): quietly
        sys.exit(130)
    except WgsimError as exc:
        err_console.print(f"[bold red]error:[/bold red] {safe(clipped(str(exc)))}")
        sys.exit(getattr(exc, "exit_code", 3 if isinstance(exc, InfrastructureError) else 2))
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    main()
