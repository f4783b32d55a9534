"""The role-play's debrief (placement among 50 seeds, the choices that made the difference)
and a saved play (save, load, replay exactly; bad files named) — issue 31."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from sim.page.controls import build_scenario
from sim.page.roleplay.debrief import CAP, debrief, headline, placements, turning_points
from sim.page.roleplay.saved import PlayFileError, SavedPlay, loads, replay, scenario_of
from sim.runs.roleplay import own_run, play

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SEED = 3


@pytest.fixture(scope="module")
def scenario():
    return build_scenario(SCENARIOS / "historical.yaml", None)


def test_placement_counts_seeds_below_and_equal():
    seeds = {"surprises": np.array([1.0, 2.0, 3.0, 4.0, math.nan])}
    (p,) = placements({"surprises": 3.0}, {"surprises": 1.0}, seeds, ("surprises",))
    assert (p.below, p.equal, p.n, p.median) == (2, 1, 4, 2.5)
    assert p.percentile == pytest.approx(62.5)


def test_playing_the_models_own_choices_is_the_models_run(scenario):
    answers: list[str] = []
    p = play(scenario, SEED, answers, "state")
    for _ in range(5):
        answers.append(p.role.own(p.pending))
        p = play(scenario, SEED, answers, "state")
    done = play(scenario, SEED, answers, "state", model_rest=True)
    report = debrief(scenario, SEED, done, n=10)
    assert report.differing == 0 and report.turns == []
    for line in report.board:
        assert line.you == line.model or (math.isnan(line.you) and math.isnan(line.model))
        assert line.n <= 10


def test_reverting_the_one_differing_choice_gives_the_models_run(scenario):
    first = play(scenario, SEED, [], "blue_house")
    other = next(k for k in first.role.options(first.pending) if k != first.role.own(first.pending))
    done = play(scenario, SEED, [other], "blue_house", model_rest=True)
    (turn,) = turning_points(scenario, SEED, done)
    mine, model = headline(done.model), headline(own_run(scenario, SEED))
    for k, change in turn.change.items():
        if math.isnan(model[k]) or math.isnan(mine[k]):
            continue
        assert change == pytest.approx(model[k] - mine[k]), k
    assert any(v != 0 for v in turn.change.values() if not math.isnan(v))


def test_at_most_cap_choices_are_replayed(scenario):
    done = play(scenario, SEED, ["veto"] * (CAP + 4), "state", model_rest=True)
    assert sum(c.differs for c in done.history) > CAP
    assert len(turning_points(scenario, SEED, done)) == CAP


@pytest.mark.parametrize("role, answers", [("mou", ["quiet", "hold"]), ("state", ["veto"])])
def test_save_load_replays_the_same_event_log(scenario, role, answers):
    p = play(scenario, SEED, [], role)
    while len(p.history) < 6:  # the student's answers where they fit, else the model's
        fit = [a for a in answers if a in p.role.options(p.pending)]
        p = play(scenario, SEED, [*p.answers, fit[0] if fit else p.role.own(p.pending)], role)
    done = play(scenario, SEED, p.answers, role, model_rest=True)
    saved = SavedPlay("historical.yaml", None, SEED, role, p.answers, {}, True)
    back = loads(saved.dumps(), "play.json")
    assert back == saved
    _, built = scenario_of(back, SCENARIOS, "play.json")
    again = replay(back, built, "play.json")
    assert again.model.events == done.model.events
    assert again.model.series == done.model.series


GOOD = {
    "format": "wgsim-play",
    "scenario": "historical.yaml",
    "variant": None,
    "seed": SEED,
    "role": "state",
    "answers": ["veto"],
}


@pytest.mark.parametrize(
    "change, field, shown",
    [
        ({"format": "other"}, "format", "'other'"),
        ({"role": "UN"}, "role", "'UN'"),
        ({"seed": -1}, "seed", "-1"),
        ({"seed": 1.5}, "seed", "1.5"),
        ({"answers": "veto"}, "answers", "'veto'"),
        ({"scenario": "../etc/passwd.yaml"}, "scenario", "'../etc/passwd.yaml'"),
        ({"extra": 1}, "extra", "1"),
        ({"variant": "missing"}, None, None),
        ({"answers": ["shelved"]}, "answers", "'shelved'"),
        ({"scenario": "nope.yaml"}, "scenario", "'nope.yaml'"),
    ],
)
def test_a_bad_saved_play_is_named_by_file_field_and_value(change, field, shown):
    text = json.dumps({**GOOD, **change})
    with pytest.raises(PlayFileError) as caught:
        saved = loads(text, "class/play.json")
        _, built = scenario_of(saved, SCENARIOS, "class/play.json")
        replay(saved, built, "class/play.json")
    message = str(caught.value)
    assert message.startswith("saved play class/play.json: ")
    if field is None:
        assert "variant" in message and "missing" in message  # the scenario's own words
    else:
        assert f"'{field}'" in message and shown in message and "allowed" in message


def test_not_json_and_missing_fields_are_named():
    with pytest.raises(PlayFileError, match=r"play\.json: not JSON"):
        loads("{oops", "play.json")
    short = {k: v for k, v in GOOD.items() if k != "seed"}
    with pytest.raises(PlayFileError, match="field 'seed' is 'missing'"):
        loads(json.dumps(short), "play.json")


def test_the_cli_replays_a_saved_play_and_refuses_a_bad_one(wgsim_run, tmp_path, scenario):
    good = tmp_path / "play.json"
    saved = SavedPlay("historical.yaml", None, SEED, "state", ("veto",), {}, True)
    good.write_text(saved.dumps())
    code, out, err = wgsim_run("replay-play", good, "--scenarios", SCENARIOS)
    assert code == 0, err
    assert "Play of the State Department" in out and "chose to veto it" in out
    code, out, _ = wgsim_run("replay-play", good, "--scenarios", SCENARIOS, "--json")
    doc = json.loads(out)
    done = play(scenario, SEED, ["veto"], "state", model_rest=True)
    assert doc["metrics"]["implemented"] == headline(done.model)["implemented"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**GOOD, "role": "UN"}))
    code, out, err = wgsim_run("replay-play", bad)
    assert code == 2 and "Traceback" not in err + out
    assert str(bad) in err + out and "'role'" in err + out and "'UN'" in err + out


def test_a_changed_scenario_file_or_version_is_named_and_the_play_still_replays(
    wgsim_run, tmp_path, scenario
):
    from sim.page.roleplay.saved import changes, saved_of
    from sim.scenario.loader import load_file

    file = SCENARIOS / "historical.yaml"
    done = play(scenario, SEED, ["veto"], "state", model_rest=True)
    saved = saved_of(file, None, {}, SEED, done, True)
    assert saved.scenario_digest == load_file(file).digest and changes(saved, file) == []
    edited = SavedPlay(**{**saved.__dict__, "scenario_digest": "0" * 16, "wgsim_version": "0.0"})
    said = changes(edited, file)
    assert len(said) == 2 and "historical.yaml has changed" in said[0] and "0.0" in said[1]
    path = tmp_path / "play.json"
    path.write_text(edited.dumps())
    code, _, err = wgsim_run("replay-play", path, "--scenarios", SCENARIOS)
    assert code == 0 and "historical.yaml has changed" in err and "wgsim 0.0" in err
