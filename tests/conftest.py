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


LONGEST_FIRST = (
    "test_page_browser.py",
    "test_crash_safety.py",
    "test_class_browser.py",
    "test_fuzz.py",
)
"""The test files that take longest (measured with --durations=0: about 215, 70, 50 and
35 s). With ``--dist loadfile`` each file goes whole to one worker in collection order,
so these go first: a long file started last would keep one worker busy while the other
has finished."""


def pytest_collection_modifyitems(items):
    """Put the longest files first (the others keep their order)."""
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
