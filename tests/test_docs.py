"""Documentation that is generated or must list what the code does."""

from conftest import ROOT

from sim.runs.runner import run
from sim.scenario.loader import load_file
from sim.scenario.reference import parameters_markdown


def test_parameter_reference_is_up_to_date():
    text = (ROOT / "docs" / "parameters.md").read_text()
    assert text == parameters_markdown(), "regenerate with: wgsim parameters > docs/parameters.md"


def test_every_logged_event_kind_is_documented():
    doc = (ROOT / "docs" / "events.md").read_text()
    kinds = set()
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        for scenario in load_file(path).variants.values():
            for seed in range(3):
                kinds |= {e[1] for e in run(scenario, seed, series=False).events}
    missing = sorted(k for k in kinds if f"`{k}`" not in doc)
    assert not missing, f"event kinds missing from docs/events.md: {missing}"
    assert len(kinds) > 25
