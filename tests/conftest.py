from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def historical():
    from sim.scenario.loader import load_file

    return load_file(SCENARIOS / "historical.yaml")


@pytest.fixture
def wgsim_run(monkeypatch, capsys):
    """Run ``wgsim ARGS`` in this process; returns (exit code, stdout, stderr)."""
    import sys

    from sim import cli

    def call(*args):
        monkeypatch.setattr(sys, "argv", ["wgsim", *map(str, args)])
        try:
            cli.main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        else:
            code = 0
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


@pytest.fixture
def wgsim_text(wgsim_run):
    """Run ``wgsim ARGS`` in this process; returns (exit code, stdout and stderr together)."""

    def call(*args):
        code, out, err = wgsim_run(*args)
        return code, out + err

    return call
