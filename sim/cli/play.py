"""``wgsim replay-play``: replay a role-play saved on the page (issue 31).

The page's *Save this play* writes a small JSON file (:mod:`sim.page.roleplay.saved`);
this command replays it exactly (the same answers on the same scenario, variant, sliders
and seed give the same run) and prints the student's choices and the run's summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import Json, emit_json, out_console, print_summary, safe, status


def replay_play(
    file: Annotated[Path, typer.Argument(help="A play saved with the page's 'Save this play'.")],
    scenarios: Annotated[
        Path | None,
        typer.Option(
            "--scenarios",
            help="Folder holding the scenario file the play names (default: the shipped "
            "scenarios).",
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Replay a saved role-play exactly: the student's choices and the run's summary."""
    from sim.page.roleplay.saved import changes, load, replay, scenario_of
    from sim.page.roleplay.words import answer
    from sim.runs.metrics import summarize
    from sim.scenario.shipped import FOLDERS, data_root

    saved = load(file)
    folder = scenarios if scenarios is not None else data_root() / FOLDERS["scenario"]
    path, scenario = scenario_of(saved, folder, str(file))
    for change in changes(saved, path):
        status(f"warning: {file}: {change}; the run may differ from the one played")
    done = replay(saved, scenario, str(file))
    metrics = summarize(done.model)
    differing = sum(c.differs for c in done.history)
    if as_json:
        emit_json(
            {
                "file": str(file),
                "scenario": str(path),
                "variant": saved.variant,
                "seed": saved.seed,
                "role": saved.role,
                "answers": list(saved.answers),
                "differing": differing,
                "finished": done.finished,
                "metrics": metrics,
            }
        )
        return
    who = done.role.name
    out_console.print(
        f"Play of {safe(who)} on {safe(path.name)} / {safe(saved.variant or 'baseline')}, "
        f"seed {saved.seed}: {len(done.history)} decisions, {differing} unlike the model's."
    )
    for c in done.history:
        if c.differs:
            d = c.decision
            out_console.print(
                f"  week {d.week}: chose to {safe(answer(saved.role, d, c.chosen))}; the model "
                f"would {safe(answer(saved.role, d, c.own))}"
            )
    if not done.finished:
        out_console.print(f"The play stops at week {done.model.steps}: a decision waits.")
    print_summary(metrics, scenario.calendar.start, safe(f"{scenario.name}, seed {saved.seed}"))
