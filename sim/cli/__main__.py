"""``python -m sim.cli``: the ``wgsim`` command."""

from sim.cli.app import main

main()
