"""The ``wgsim`` command line.

User mistakes (a bad scenario file, an unknown variant) print one clear message and exit
with code 2, without a traceback; nothing runs. Results go to standard output (``--json``
makes them machine-readable), status lines and progress bars to standard error.

Modules: :mod:`sim.cli.common` (consoles, shared options, output helpers),
:mod:`sim.cli.single` (commands about one scenario or one run), :mod:`sim.cli.batch`
(compare, experiment, calibrate) and :mod:`sim.cli.app` (the Typer app and its ``main``).
The Typer app is ``sim.cli.app.app``; importing this package does not load it, so
:func:`main` can take Ctrl-C and SIGTERM from the first instant.
"""

from __future__ import annotations

import os
import signal

__all__ = ["main"]


def _stopped_while_loading(signum: int, frame: object) -> None:
    # docs/cli.md: interrupted, start-up included. Nothing is written yet, so leave at once:
    # an exception raised here can land where Python ignores it (an import lock's callback)
    # and the command would then run on.
    os._exit(130)


def main() -> None:
    """Entry point of ``wgsim``: load the app, then run it (:func:`sim.cli.app.main`).

    Loading the app (Typer, rich and the command modules) takes most of a second; Ctrl-C
    or SIGTERM then exits 130 at once, quietly, instead of with a traceback. Once loaded, Ctrl-C is
    a ``KeyboardInterrupt`` again, which a running batch turns into a clean interrupt.
    """
    signal.signal(signal.SIGINT, _stopped_while_loading)
    signal.signal(signal.SIGTERM, _stopped_while_loading)
    from sim.cli.app import main as run_app

    signal.signal(signal.SIGINT, signal.default_int_handler)
    run_app()
