"""The ``wgsim`` command line.

User mistakes (a bad scenario file, an unknown variant) print one clear message and exit
with code 2, without a traceback; nothing runs. Results go to standard output (``--json``
makes them machine-readable), status lines and progress bars to standard error.

Modules: :mod:`sim.cli.common` (consoles, shared options, output helpers),
:mod:`sim.cli.single` (commands about one scenario or one run), :mod:`sim.cli.batch`
(compare, experiment, calibrate) and :mod:`sim.cli.app` (the Typer app and ``main``).
"""

from sim.cli.app import app, main

__all__ = ["app", "main"]
