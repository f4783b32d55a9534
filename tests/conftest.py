from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def historical():
    from sim.scenario.loader import load_file

    return load_file(SCENARIOS / "historical.yaml")
