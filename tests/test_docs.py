"""Documentation that is generated or must list what the code does."""

import runpy
import sys
import warnings

import pytest
from conftest import ROOT

from sim.core.outputs import EVENT_KIND
from sim.runs.codebook import events_markdown
from sim.runs.runner import run
from sim.scenario.loader import load_file
from sim.scenario.reference import parameters_markdown


def test_parameter_reference_is_up_to_date():
    text = (ROOT / "docs" / "parameters.md").read_text()
    assert text == parameters_markdown(), "regenerate with: wgsim parameters > docs/parameters.md"


def test_event_log_reference_is_the_generated_one():
    text = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    assert text == events_markdown(), (
        "docs/events.md is stale: run `python -m sim.runs.codebook events > docs/events.md`"
    )


def test_every_logged_event_kind_is_declared_with_its_actor():
    doc = (ROOT / "docs" / "events.md").read_text()
    logged: dict[str, set[str]] = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        for scenario in load_file(path).variants.values():
            for seed in range(3):
                for e in run(scenario, seed, series=False).events:
                    logged.setdefault(e[1], set()).add(e[2])
    undeclared = sorted(k for k in logged if k not in EVENT_KIND)
    assert not undeclared, f"declare event kinds {undeclared} in sim/core/outputs.py"
    assert not [k for k in logged if f"`{k}`" not in doc]
    assert len(logged) > 25
    for kind, actors in logged.items():
        declared = EVENT_KIND[kind].actor
        if declared not in ("origin", "channel name"):  # these name a class of actors
            assert actors <= set(declared.split(" / ")), (kind, actors, declared)


@pytest.mark.parametrize("page", ["events", "nonsense"])
def test_the_pages_regenerate_by_name(page, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["codebook", page])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # runpy: the module is imported
        if page == "events":
            runpy.run_module("sim.runs.codebook", run_name="__main__")
            assert capsys.readouterr().out == events_markdown()
            return
        with pytest.raises(SystemExit) as exit_:
            runpy.run_module("sim.runs.codebook", run_name="__main__")
    assert exit_.value.code == 2 and "[outputs|events]; not 'nonsense'" in capsys.readouterr().err
