"""A role-play in the page's address: a reload or a shared link brings the play back.

The play part is ``play=ROLE&answers=KEY.KEY.KEY`` and ``rest=1`` once the model takes
the remaining decisions (:func:`encode`, :func:`decode`): the role's key and the answers'
option keys (plain words such as ``approve`` or ``bilateral``, :mod:`sim.runs.roleplay`)
joined by dots. The page keeps it beside the run's query and the class session's part
(:func:`joined`). A play depends on the scenario, variant, sliders and seed it is played
on; when the run shown has other ones (the controls changed without a Reset), the address
names the play's set-up instead (:func:`play_setup`), so a reload plays it on the same.

On load, :func:`resumed` replays the part on the page's set-up; a role, answer or flag
that does not fit (a stale or edited link) is dropped and named, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, parse_qsl, urlencode

from sim.page.controls import Choices
from sim.page.model import MODES
from sim.page.settings import Settings, to_address
from sim.runs.roleplay import ROLES, play
from sim.scenario import Scenario

KEYS = ("play", "answers", "rest")
"""The address's keys of the play part."""
WORD = re.compile(r"[a-z][a-z_]*")
"""What an option key looks like (a route's or an answer's name)."""
MAX_ANSWERS = 2000
"""More answers than any run has decisions: a longer list is not read."""
OWN_SETUP = ("mode", "week", "run")
"""Keys of the run's query that a play does not depend on."""


@dataclass(frozen=True)
class Resumed:
    """The play an address asks for, as far as it fits: role, answers, ``rest``, problems."""

    role: str = ""
    answers: tuple[str, ...] = ()
    rest: bool = False
    problems: tuple[str, ...] = ()


def encode(role: str, answers: tuple[str, ...], rest: bool) -> str:
    """The play part of the address (empty while no role is chosen)."""
    if not role:
        return ""
    params = [("play", role)]
    if answers:
        params.append(("answers", ".".join(answers)))
    if rest:
        params.append(("rest", "1"))
    return urlencode(params, safe=".")


def play_part(query: str | None) -> str:
    """The play part of a whole address (as it stands; :func:`decode` checks it)."""
    q = parse_qsl(query or "", keep_blank_values=True)
    return urlencode([(k, v) for k, v in q if k in KEYS], safe=".")


def decode(part: str | None) -> Resumed:
    """The role, answers and ``rest`` a play part names, and what in it is not readable.

    An unknown role drops the whole play; an answer that is not a plain word drops it and
    the answers after it (they answer decisions that come after it).
    """
    q = {k: v[-1] for k, v in parse_qs(part or "", keep_blank_values=True).items()}
    role = q.get("play", "")
    if not role:
        return Resumed(problems=("answers without a role",) if q.get("answers") else ())
    if role not in ROLES:
        return Resumed(problems=(f"the role '{_short(role)}' (one of {', '.join(ROLES)})",))
    words = q["answers"].split(".") if q.get("answers") else []
    problems = []
    if len(words) > MAX_ANSWERS:
        problems.append(f"answers after the first {MAX_ANSWERS}")
        words = words[:MAX_ANSWERS]
    bad = next((n for n, w in enumerate(words) if not WORD.fullmatch(w)), None)
    if bad is not None:
        problems.append(_dropped(words, bad, f"'{_short(words[bad])}' is not an answer"))
        words = words[:bad]
    rest = q.get("rest", "") == "1"
    if q.get("rest", "") not in ("", "0", "1"):
        problems.append(f"rest '{_short(q['rest'])}' (1 or 0)")
    return Resumed(role, tuple(words), rest, tuple(problems))


def resumed(scenario: Scenario, seed: int, part: str | None) -> Resumed:
    """The play ``part`` asks for, replayed on ``scenario`` and ``seed``: what fits.

    Answers from the first one that is not an option of its decision are dropped (and so
    is ``rest``), as are answers after the run's last decision; each drop is named.
    """
    asked = decode(part)
    if not asked.role or seed < 0:
        return asked
    answers, problems = asked.answers, list(asked.problems)
    try:
        done = play(scenario, seed, answers, asked.role, model_rest=asked.rest)
    except ValueError:
        done = play(scenario, seed, (), asked.role)  # find the first answer that does not fit
        for n, key in enumerate(answers):
            options = ROLES[asked.role].options(done.pending) if done.pending else ()
            if key not in options:
                why = f"'{key}' is not one of {', '.join(options)}" if options else "no decision"
                problems.append(_dropped(answers, n, why))
                return Resumed(asked.role, answers[:n], False, tuple(problems))
            done = play(scenario, seed, answers[: n + 1], asked.role)
    if len(done.history) < len(answers):
        n = len(done.history)
        problems.append(_dropped(answers, n, "the run has no more decisions"))
        return Resumed(asked.role, answers[:n], asked.rest, tuple(problems))
    return Resumed(asked.role, answers, asked.rest, tuple(problems))


def play_setup(choices: Choices, s: Settings) -> str:
    """The address of the set-up a role-play on ``s`` is played on (one run, week 0)."""
    single = next(label for label, mode in MODES.items() if mode == "single")
    return to_address(choices, Settings(s.choice, single, s.seed, s.values), 0)


def resume_for(held: tuple[str, str], key: str) -> tuple[str, str]:
    """The play part to resume, and the set-up ``key`` it is for, after a render.

    ``held`` is the part read from the address and the key of the set-up it came with
    (empty until the first render after the reading names it). Another set-up starts
    afresh, and so does the same one chosen again.
    """
    if held[1] == key:
        return held
    return ("" if held[1] else held[0], key)


def joined(run: str, setup: str, play: str, room: str) -> str:
    """The whole address: the run's query, the play part and the class part.

    With a play, the run's query must name the play's ``setup`` (scenario, variant,
    seed, sliders); if it names other ones (controls changed without a Reset), ``setup``
    stands in its place, so that a reload replays the answers on what they answered.
    """
    if play and _depends(run) != _depends(setup):
        run = setup
    return "&".join(p for p in (run, play, room) if p)


def _depends(query: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(query) if k not in OWN_SETUP}


def _dropped(answers: tuple[str, ...] | list[str], n: int, why: str) -> str:
    count = len(answers) - n
    which = f"answer {n + 1}" + (f" and the {count - 1} after it" if count > 1 else "")
    return f"{which} of the role-play ({why})"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
