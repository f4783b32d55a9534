"""What a Reset builds, and the page's address: every control's value as data.

:class:`Settings` is the set-up (scenario and variant, mode, seed, slider values, stored
run); :func:`build_model` makes its :class:`~sim.page.model.PageModel`. The page's address
holds the set-up and the week shown (:func:`to_address`, :func:`from_address`), so that
back, reload and a shared link restore them (issue 31).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from sim.errors import WgsimError
from sim.page.controls import (
    Choices,
    changed,
    has_group,
    parse_seed,
    slider_specs,
    variant_of,
)
from sim.page.model import MODES, PageModel, StoredRun
from sim.page.showcase import shipped as shipped_showcase
from sim.page.summary import SummaryInfo, info_for
from sim.scenario.loader import load_file

DEFAULT_SEED = shipped_showcase().seeds[0]
"""The seed the page starts with: the first showcase seed of scenarios/historical.yaml, read
from sim/page/showcase.json (written by benchmarks/showcase.py by the criterion of
:mod:`sim.page.seedpick`: both halves of the trade-off show, outcomes nearest the ensemble
median). Seed 0 showed neither: both headline charts stayed flat. tests/test_tutorial.py
checks that the file matches the shipped model."""


@dataclass(frozen=True)
class Settings:
    """What a Reset builds: every control's value."""

    choice: str
    mode: str
    seed: int
    values: dict[str, float] = field(default_factory=dict)
    replay: str = ""


def start_choice(file: Path, choices: Choices) -> str:
    """The picker's entry for the starting file's baseline variant."""
    sf = load_file(file)
    start = f"{file.stem} / {sf.baseline}"
    if start not in choices.entries:  # a file outside the listed folder still starts the page
        choices.entries[start] = (file, sf.baseline)
    return start


def specs_for(choices: Choices, choice: str) -> list[Any]:
    """The sliders of a picker entry, with that variant's values."""
    file, variant = choices.entries[choice]
    return slider_specs(variant_of(file, variant))


def build_model(choices: Choices, runs: dict[str, StoredRun], s: Settings) -> PageModel:
    """The model a Reset builds from ``s``."""
    file, variant = choices.entries[s.choice]
    mode = MODES[s.mode]
    overrides = changed(s.values, specs_for(choices, s.choice))
    return PageModel(file, variant, mode, s.seed, overrides, runs.get(s.replay))


def differences(applied: Settings, current: Settings, specs: list[Any]) -> list[str]:
    """What the controls changed since the last Reset, in words.

    ``specs`` are the sliders of the current choice.
    """
    out = []
    for name in ("choice", "mode", "seed", "replay"):
        a, b = getattr(applied, name), getattr(current, name)
        if a != b and (name != "replay" or MODES[current.mode] == "replay"):
            out.append(f"{name if name != 'choice' else 'scenario'}: {a} → {b}")
    if MODES[current.mode] == "replay":
        return out
    before = changed(applied.values, specs) if applied.choice == current.choice else {}
    after = changed(current.values, specs)
    for spec in specs:
        if before.get(spec.path) != after.get(spec.path):
            was = before.get(spec.path, spec.value)
            now = after.get(spec.path, spec.value)
            out.append(f"{spec.label}: {spec.shown(was)} → {spec.shown(now)}")
    return out


def summary_info(choices: Choices, runs: dict[str, StoredRun], s: Settings) -> SummaryInfo:
    """What the printable summary says about the set-up ``s`` (and how to make it again)."""
    if MODES[s.mode] == "replay":
        r = runs[s.replay]
        return SummaryInfo(
            r.folder.name, r.variant, "", s.mode, r.seed, (), f"wgsim summary --run {r.folder}"
        )
    file, variant = choices.entries[s.choice]
    overrides = changed(s.values, specs_for(choices, s.choice))
    command = f"wgsim summary {file.stem} --variant {variant} --seed {s.seed}" + "".join(
        f" --set {path}={value:g}" for path, value in overrides.items()
    )
    if MODES[s.mode] == "single":
        command += " --one"
    return info_for(file, variant, s.mode, s.seed, overrides, command)


# --- the page's address ------------------------------------------------------------------

MODE_KEYS = {"side": "pair", "single": "one", "replay": "replay"}
"""Each mode's name in the address (``mode=pair``)."""


def to_address(choices: Choices, s: Settings, week: int) -> str:
    """The set-up and the week as the address's query (without the ``?``).

    ``scenario=historical&variant=no-group&mode=one&seed=7&week=40``, then each slider
    moved away from the variant's own value by its field path
    (``rok.domestic_pressure=1.5``); a replay names its stored run instead of seed and
    sliders.
    """
    file, variant = choices.entries[s.choice]
    mode = MODES[s.mode]
    params: list[tuple[str, str]] = [
        ("scenario", file.stem),
        ("variant", variant),
        ("mode", MODE_KEYS[mode]),
    ]
    if mode == "replay":
        params.append(("run", s.replay))
    else:
        params.append(("seed", str(s.seed)))
        moved = changed(s.values, specs_for(choices, s.choice))
        params += [(path, f"{value:g}") for path, value in moved.items()]
    if week > 0:
        params.append(("week", str(week)))
    return urlencode(params)


def from_address(
    query: str | None, choices: Choices, runs: dict[str, StoredRun], default: Settings
) -> tuple[Settings, int, list[str]]:
    """The set-up and week an address asks for, and what in it was not usable.

    Anything missing keeps ``default``'s value; anything unknown or out of range is named
    in the list (and ignored), so a stale or mistyped link still opens the page.
    """
    q = {k: v[-1] for k, v in parse_qs(query or "", keep_blank_values=True).items()}
    problems: list[str] = []
    choice = default.choice
    if "scenario" in q or "variant" in q:
        default_file, default_variant = choices.entries[default.choice]
        wanted = f"{q.get('scenario', default_file.stem)} / {q.get('variant', default_variant)}"
        if wanted in choices.entries:
            choice = wanted
        else:
            problems.append(f"scenario '{wanted}' (not among the scenario files)")
    mode = default.mode
    if "mode" in q:
        names = {MODE_KEYS[m]: label for label, m in MODES.items()}
        if q["mode"] in names:
            mode = names[q["mode"]]
        else:
            problems.append(f"mode '{q['mode']}' (one of {', '.join(names)})")
    seed = default.seed
    if "seed" in q:
        value, problem = parse_seed(q["seed"])
        if value is None:
            problems.append(f"seed: {problem}")
        else:
            seed = value
    replay = default.replay
    if "run" in q:
        if q["run"] in runs:
            replay = q["run"]
        else:
            problems.append(f"stored run '{q['run']}' (not found)")
    specs = specs_for(choices, choice)
    values = {sp.path: sp.value for sp in specs}
    for sp in specs:
        if sp.path in q:
            try:
                number = float(q[sp.path])
            except ValueError:
                number = math.nan
            if sp.min <= number <= sp.max:
                values[sp.path] = int(number) if sp.integer else number
            else:
                problems.append(f"{sp.label} '{q[sp.path]}' (from {sp.min:g} to {sp.max:g})")
    week = 0
    if "week" in q:
        whole, _ = parse_seed(q["week"])  # a whole number, 0 or more
        if whole is None:
            problems.append(f"week '{q['week']}' (a whole number)")
        else:
            week = whole
    return Settings(choice, mode, seed, values, replay), week, problems


def checked_address(
    query: str | None, choices: Choices, runs: dict[str, StoredRun], default: Settings
) -> tuple[Settings, int, list[str]]:
    """What an address asks for, checked: a set-up the page cannot build is left out."""
    s, week, problems = from_address(query, choices, runs, default)
    file, variant = choices.entries[s.choice]
    if MODES[s.mode] == "side" and not has_group(file, variant):
        problems.append(f"the comparison of '{s.choice}' (it has no working group)")
        s = Settings(
            s.choice, next(k for k, v in MODES.items() if v == "single"), s.seed, s.values, s.replay
        )
    try:
        build_model(choices, runs, s)
    except WgsimError as exc:
        return default, 0, [*problems, str(exc)]
    return s, week, problems


def started_model(
    choices: Choices, runs: dict[str, StoredRun], s: Settings, week: int
) -> PageModel:
    """The model of ``s`` stepped to ``week`` (at most to its end)."""
    model = build_model(choices, runs, s)
    for _ in range(week):
        if model.finished:
            break
        model.step()
    return model
