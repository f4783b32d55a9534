"""A saved role-play: the small JSON file that replays a student's run exactly.

The page's *Save this play* downloads it; *Load a saved play* on the page and
``wgsim replay-play FILE`` read it back. It holds what the run depends on: the scenario
file's name, the variant, the sliders' overrides, the seed, the role, the answers in order
and whether the model took the remaining decisions; and the scenario file's digest and
the wgsim version that wrote it (a replay after either changed warns: the run may differ).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sim
from sim.errors import WgsimError
from sim.page.controls import build_scenario
from sim.runs.roleplay import ROLES, Play, play
from sim.scenario import Scenario
from sim.scenario.loader import load_file

FORMAT = "wgsim-play"
"""The ``format`` field of a saved play."""

MAX_BYTES = 1_000_000
"""A saved play is a few kB; a larger file is refused unread."""


class PlayFileError(WgsimError):
    """A saved play that cannot be read or replayed (names the file, field and value)."""


@dataclass(frozen=True)
class SavedPlay:
    """One play, as saved."""

    scenario: str
    variant: str | None
    seed: int
    role: str
    answers: tuple[str, ...]
    overrides: dict[str, Any] = field(default_factory=dict)
    model_rest: bool = False
    scenario_digest: str = ""
    wgsim_version: str = sim.__version__

    def dumps(self) -> str:
        """The file's text (JSON)."""
        data = {"format": FORMAT, **asdict(self), "answers": list(self.answers)}
        return json.dumps(data, indent=1) + "\n"


def saved_of(file: Path, variant: str | None, overrides: dict[str, Any], seed: int, p: Play,
             model_rest: bool) -> SavedPlay:  # fmt: skip
    """The saved form of play ``p`` on ``file``'s ``variant``, with the file's digest."""
    digest = load_file(file).digest
    return SavedPlay(
        file.name, variant, seed, p.role.key, p.answers, dict(overrides), model_rest, digest
    )


def changes(saved: SavedPlay, file: Path) -> list[str]:
    """What differs from when the play was saved: the scenario file, the wgsim version."""
    out = []
    if saved.scenario_digest and saved.scenario_digest != load_file(file).digest:
        out.append(f"the scenario file {file.name} has changed since the play was saved")
    if saved.wgsim_version != sim.__version__:
        out.append(f"it was saved by wgsim {saved.wgsim_version}, this is {sim.__version__}")
    return out


def _bad(source: str, name: str, value: Any, allowed: str) -> PlayFileError:
    shown = repr(value)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return PlayFileError(f"saved play {source}: field '{name}' is {shown}; allowed: {allowed}")


def loads(text: str | bytes, source: str) -> SavedPlay:
    """A saved play from its text; ``source`` names it in errors.

    Raises:
        PlayFileError: naming ``source``, the field, its value and what is allowed.
    """
    if len(text) > MAX_BYTES:
        raise PlayFileError(f"saved play {source}: {len(text)} bytes; allowed: at most {MAX_BYTES}")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PlayFileError(f"saved play {source}: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = data.get("format") if isinstance(data, dict) else data
        raise _bad(source, "format", got, f"'{FORMAT}' (a file saved by the role-play)")
    known = {"format", *SavedPlay.__dataclass_fields__}
    for name in data:
        if name not in known:
            raise _bad(source, name, data[name], f"only the fields {', '.join(sorted(known))}")
    checks: dict[str, tuple[Any, str]] = {
        "scenario": (lambda v: isinstance(v, str) and v.endswith((".yaml", ".yml")) and
                     "/" not in v and "\\" not in v, "a scenario file name (*.yaml)"),
        "variant": (lambda v: v is None or isinstance(v, str), "a variant name or null"),
        "seed": (lambda v: type(v) is int and 0 <= v < 2**32, "an integer 0 … 4294967295"),
        "role": (lambda v: v in ROLES, f"one of {', '.join(ROLES)}"),
        "answers": (lambda v: isinstance(v, list) and all(isinstance(a, str) for a in v),
                    "a list of answers (strings)"),
        "overrides": (lambda v: isinstance(v, dict) and all(isinstance(k, str) for k in v),
                      "an object of field path -> value"),
        "model_rest": (lambda v: isinstance(v, bool), "true or false"),
        "scenario_digest": (lambda v: isinstance(v, str), "the scenario file's digest"),
        "wgsim_version": (lambda v: isinstance(v, str), "a version string"),
    }  # fmt: skip
    for name, (ok, allowed) in checks.items():
        required = name in ("scenario", "variant", "seed", "role", "answers")
        if name not in data:
            if required:
                raise _bad(source, name, "missing", allowed)
            continue
        if not ok(data[name]):
            raise _bad(source, name, data[name], allowed)
    values = {k: v for k, v in data.items() if k != "format"}
    values["answers"] = tuple(values["answers"])
    return SavedPlay(**values)


def load(path: Path) -> SavedPlay:
    """A saved play from ``path`` (see :func:`loads`)."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise PlayFileError(f"saved play {path}: cannot be read ({exc.strerror})") from None
    return loads(text, str(path))


def scenario_of(saved: SavedPlay, folder: Path, source: str) -> tuple[Path, Scenario]:
    """The scenario file in ``folder`` that ``saved`` names, with its variant and overrides.

    Raises:
        PlayFileError: if the file is not in ``folder`` or does not build.
    """
    file = folder / saved.scenario
    if not file.is_file():
        raise _bad(source, "scenario", saved.scenario, f"a scenario file in {folder}")
    try:
        return file, build_scenario(file, saved.variant, overrides=saved.overrides)
    except WgsimError as exc:
        raise PlayFileError(f"saved play {source}: its scenario does not build: {exc}") from None


def replay(saved: SavedPlay, scenario: Scenario, source: str) -> Play:
    """Replay ``saved`` on ``scenario``: the same answers give the same run.

    Raises:
        PlayFileError: if an answer does not fit its decision (another scenario or
            version), or the answers run out before the end without ``model_rest``.
    """
    try:
        done = play(scenario, saved.seed, saved.answers, saved.role, model_rest=saved.model_rest)
    except ValueError as exc:
        raise PlayFileError(f"saved play {source}: field 'answers': {exc}") from None
    if len(done.history) < len(saved.answers):
        raise _bad(
            source, "answers", f"{len(saved.answers)} answers", f"at most {len(done.history)} "
            "(the run has no more decisions: another scenario or version?)",
        )  # fmt: skip
    return done
