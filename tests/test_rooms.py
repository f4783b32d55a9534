"""Class sessions' rooms (issue 31): codes, keys, caps, expiry, and names shown as text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from sim.page.classroom import HEADLINE, headline, roster_html
from sim.page.model import PageModel
from sim.page.rooms import (
    CODE_ALPHABET,
    CODE_LENGTH,
    IDLE_SECONDS,
    MAX_ROOMS,
    MAX_STUDENTS,
    NAME_LENGTH,
    Registry,
    RoomError,
    clean_name,
)
from sim.page.score import OUTCOMES


@dataclass(frozen=True)
class Setup:
    seed: int = 47


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_codes_are_short_unambiguous_and_unique():
    reg = Registry(max_rooms=500)
    codes = [reg.open(Setup()).code for _ in range(500)]
    assert len(set(codes)) == 500
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_only_the_code_joins_and_it_is_forgiving_about_case_and_spaces():
    reg = Registry()
    room = reg.open(Setup())
    with pytest.raises(RoomError, match="No open room has this code"):
        reg.join("ZZZZZZ" if room.code != "ZZZZZZ" else "YYYYYY", "Ada")
    typed = f" {room.code[:3].lower()}-{room.code[3:]} "
    _, student, setup = reg.join(typed, "Ada")
    assert student.name == "Ada" and student.number == 1 and setup == Setup()


def test_seeds_are_the_room_s_or_each_student_s_own():
    reg = Registry()
    same, own = reg.open(Setup(47)), reg.open(Setup(47), own_seeds=True)
    assert [reg.join(same.code, n)[1].seed for n in "abc"] == [47, 47, 47]
    assert [reg.join(own.code, n)[1].seed for n in "abc"] == [47, 48, 49]


def test_names_are_cleaned_and_must_be_there_and_unique():
    assert clean_name("  Ada\n  Lovelace\x1b[31m ") == "Ada Lovelace [31m"
    assert len(clean_name("x" * 500)) == NAME_LENGTH
    with pytest.raises(RoomError, match="Type your name"):
        clean_name(" \t\x00 ")
    reg = Registry()
    room = reg.open(Setup())
    reg.join(room.code, "Ada")
    with pytest.raises(RoomError, match="already has that name"):
        reg.join(room.code, " ada ")


def test_the_teacher_key_alone_shows_the_roster_and_closes_the_room():
    reg = Registry()
    room = reg.open(Setup())
    token, _, _ = reg.join(room.code, "Ada")
    with pytest.raises(RoomError, match="teacher key does not open"):
        reg.roster(room.code, room.code)  # a student knows the code, not the key
    with pytest.raises(RoomError, match="teacher key does not open"):
        reg.close(room.code, token)
    version, _, students = reg.roster(room.code, room.key)
    assert [s.name for s in students] == ["Ada"] and students[0].week == 0
    reg.report(room.code, token, 5, 186, (("US surprises", "1"),))
    later, _, students = reg.roster(room.code, room.key)
    assert later > version and students[0].week == 5 and students[0].outcomes[0][1] == "1"
    with pytest.raises(RoomError, match="not in this room"):
        reg.report(room.code, "forged", 6, 186, ())
    reg.close(room.code, room.key)
    with pytest.raises(RoomError, match="No open room"):
        reg.report(room.code, token, 6, 186, ())
    assert reg.codes() == []


def test_caps_on_rooms_and_students():
    reg = Registry()
    rooms = [reg.open(Setup()) for _ in range(MAX_ROOMS)]
    with pytest.raises(RoomError, match=f"already has {MAX_ROOMS} rooms"):
        reg.open(Setup())
    for k in range(MAX_STUDENTS):
        reg.join(rooms[0].code, f"student {k}")
    with pytest.raises(RoomError, match=f"full \\({MAX_STUDENTS} students"):
        reg.join(rooms[0].code, "one more")
    reg.close(rooms[1].code, rooms[1].key)
    reg.open(Setup())  # a closed room frees its place


def test_an_idle_room_expires_and_activity_keeps_it():
    clock = Clock()
    reg = Registry(clock=clock, max_rooms=1)
    room = reg.open(Setup())
    token, _, _ = reg.join(room.code, "Ada")
    clock.now += IDLE_SECONDS - 1
    reg.report(room.code, token, 1, 186, ())  # a step: not idle
    clock.now += IDLE_SECONDS - 1
    assert reg.codes() == [room.code]
    clock.now += 2
    assert reg.codes() == []
    with pytest.raises(RoomError, match="No open room"):
        reg.join(room.code, "Bo")
    reg.open(Setup())  # its place is free


def test_the_roster_shows_hostile_names_as_text():
    reg = Registry()
    room = reg.open(Setup())
    attack = "<img src=x onerror=alert(1)>{{ 7*191 }}"
    token, _, _ = reg.join(room.code, attack)
    reg.report(room.code, token, 3, 186, (("US surprises", "<b>2</b>"),))
    _, _, students = reg.roster(room.code, room.key)
    html = roster_html(students, 1e9)
    assert "<img" not in html and "<b>2" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;{{ 7*191 }}" in html
    assert "3 of 186" in html


def test_headline_reads_the_scoreboard_of_a_run_and_of_a_pair():
    assert set(HEADLINE) <= {o.name for o in OUTCOMES}
    model = PageModel(mode="side", seed=47)
    for _ in range(30):
        model.step()
    got = dict(headline(model.views()))
    assert list(got) == list(HEADLINE)
    assert all(len(v.split(" / ")) == 2 for v in got.values())
    single = PageModel(mode="single", seed=47)
    assert dict(headline(single.views()))["US surprises"] == "0"


def test_the_tutorial_s_class_session_is_the_page_s():
    import re
    from pathlib import Path

    from sim.page import classroom, rooms, serve, shared_room
    from sim.page.rooms import IDLE_SECONDS, MINISTRIES
    from sim.runs.roleplay import ROLES

    root = Path(__file__).resolve().parents[1]
    text = (root / "docs" / "tutorial.md").read_text()
    section = " ".join(
        text[text.index("## 7. Run a class session") :].split("## Exercises")[0].split()
    )
    source = " ".join(
        (Path(classroom.__file__).read_text() + Path(shared_room.__file__).read_text()).split()
    )
    takes = {f"Take {ROLES[m].name}" for m in MINISTRIES}  # the buttons, made per ministry
    gives = {f"Give {ROLES[m].name} back to the model" for m in MINISTRIES}
    assert "Give {ROLES[m].name} back to the model" in source
    for control in re.findall(r"\*([A-Z][^*]+)\*", section):
        assert control in source or control in HEADLINE or control in takes | gives, control
    assert "room=CODE&seat=" in section  # the browser test reloads such an address
    assert f"({CODE_LENGTH} letters and digits" in section
    assert f"after {IDLE_SECONDS / 3600:g} hours unused" in section
    assert f"at most {MAX_ROOMS} rooms of at most {MAX_STUDENTS} students" in section
    for outcome in HEADLINE[:-1]:  # the last is "the WG's legitimacy" there
        assert outcome in section, outcome
    warning = " ".join(serve.exposure("0.0.0.0", 8765)[0].split())
    for phrase in ("anyone who has a room's code can join that room", "never on a public one"):
        assert phrase in warning and phrase in section
    assert "No open room has this code" in section and "--lan" in section
    # the shared run: the teacher's choices, the students' buttons, what is refused
    for choice in shared_room.RUN_CHOICES:
        assert f"*{choice}*" in section, choice
    assert "**runs**" in section and "runs" in source
    for take in takes:
        assert f"*{take}*" in section, take
    assert "Take {ROLES[m].name}" in source
    assert "Waiting for the State Department (Bo)." in section
    assert "The run has moved on since this decision was shown" in " ".join(
        Path(rooms.__file__).read_text().split()
    )


def test_a_closed_teacher_view_stops_looking_so_an_idle_room_can_expire(monkeypatch):
    """A task is not cancelled when its page goes: the loop must stop by itself."""
    import asyncio
    from pathlib import Path

    import solara

    from sim.page import classroom
    from sim.page.controls import scenario_choices
    from sim.page.settings import Settings

    reg = Registry()
    monkeypatch.setattr(classroom, "ROOMS", reg)
    monkeypatch.setattr(classroom, "REFRESH_SECONDS", 0.02)
    looks: list[float] = []
    roster = reg.roster
    monkeypatch.setattr(reg, "roster", lambda *a: (looks.append(1), roster(*a))[1])
    choices = scenario_choices(Path(__file__).resolve().parents[1] / "scenarios")
    room = reg.open(Settings(next(iter(choices.entries)), "one run", 47))

    async def show_then_close() -> tuple[int, int]:
        _, rc = solara.render(
            classroom._Teacher(choices, room.code, room.key, lambda: None), handle_error=False
        )
        # while shown it keeps looking (waited for, not timed: a loaded machine renders
        # slowly); once closed it stops
        for _ in range(500):
            if len(looks) >= 3:
                break
            await asyncio.sleep(0.02)
        shown = len(looks)
        rc.close()
        await asyncio.sleep(0.3)
        return shown, len(looks) - shown

    shown, after = asyncio.run(show_then_close())
    assert shown >= 3 and after <= 1


# --- shared runs: one run, a ministry each ------------------------------------------------


@pytest.fixture(scope="module")
def shared_advance():
    from sim.runs.shared import play_shared
    from sim.scenario.loader import load_scenario

    scn = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "historical.yaml")

    def advance(answers, released=frozenset()):
        p = play_shared(scn, 3, answers, released)
        return p.waiting, (p.model.steps, p.pending)

    return advance


def _shared_room(reg, advance):
    room = reg.open(Setup(3), own_seeds=True, shared=True)
    ada, _, _ = reg.join(room.code, "Ada")
    bo, _, _ = reg.join(room.code, "Bo")
    cy, _, _ = reg.join(room.code, "Cy")
    return room, ada, bo, cy


def _ada_and_bo_play(reg, advance):
    """A shared room where Ada plays the Blue House and Bo State: (room, tokens, Cy's)."""
    room, ada, bo, cy = _shared_room(reg, advance)
    reg.take(room.code, ada, "blue_house", advance)
    reg.take(room.code, bo, "state", advance)
    return room, {"blue_house": ada, "state": bo}, cy


def test_a_shared_room_has_one_student_per_ministry(shared_advance):
    reg = Registry()
    own = reg.open(Setup())
    with pytest.raises(RoomError, match="no shared run"):
        reg.shared_run(own.code)
    room, ada, bo, _ = _shared_room(reg, shared_advance)
    assert not room.own_seeds  # one run: the room's seed
    assert reg.join(room.code, "Di")[1].seed == 3
    first = reg.shared_run(room.code)
    assert first.ministries == {} and first.waiting is None and first.run is None
    reg.take(room.code, ada, "blue_house", shared_advance)
    with pytest.raises(RoomError, match="Ada already plays this ministry"):
        reg.take(room.code, bo, "blue_house", shared_advance)
    with pytest.raises(RoomError, match="already play a ministry"):
        reg.take(room.code, ada, "state", shared_advance)
    with pytest.raises(RoomError, match="No ministry 'treasury'"):
        reg.take(room.code, bo, "treasury", shared_advance)
    with pytest.raises(RoomError, match="not in this room"):
        reg.take(room.code, "forged", "state", shared_advance)
    reg.take(room.code, bo, "state", shared_advance)
    run = reg.shared_run(room.code)
    assert run.ministries == {"blue_house": "Ada", "state": "Bo"}
    assert run.version > first.version and run.waiting in ("blue_house", "state")
    assert run.answers == {"blue_house": (), "state": ()}


def test_a_shared_run_goes_in_turn_and_refuses_stale_and_foreign_answers(shared_advance):
    from sim.runs.roleplay import ROLES

    reg = Registry()
    room, token, cy = _ada_and_bo_play(reg, shared_advance)
    turns = []
    for _ in range(12):
        run = reg.shared_run(room.code)
        turns.append(run.waiting)
        other = token["state" if run.waiting == "blue_house" else "blue_house"]
        with pytest.raises(RoomError, match="not your ministry's turn"):
            reg.answer(room.code, other, run.moves, "approve", shared_advance)
        with pytest.raises(RoomError, match="play no ministry"):
            reg.answer(room.code, cy, run.moves, "approve", shared_advance)
        pending = run.run[1]
        with pytest.raises(RoomError, match=r"not allowed: .*allowed: "):
            reg.answer(room.code, token[run.waiting], run.moves, "maybe", shared_advance)
        own = ROLES[run.waiting].own(pending)
        reg.answer(room.code, token[run.waiting], run.moves, own, shared_advance)
        # the same page clicking again (a double click, a second tab) is stale: refused
        for t in token.values():
            with pytest.raises(RoomError, match="moved on"):
                reg.answer(room.code, t, run.moves, own, shared_advance)
    assert set(turns) == {"blue_house", "state"}  # both ministries had turns
    after = reg.shared_run(room.code)
    assert after.moves == 12
    assert sum(len(a) for a in after.answers.values()) == 12
    with pytest.raises(RoomError, match="has begun"):
        reg.take(room.code, cy, "mou", shared_advance)  # late: the MOU stays the model's


def test_a_student_s_token_takes_their_place_back_and_nothing_else_does():
    reg = Registry()
    own, shared = reg.open(Setup(5), own_seeds=True), reg.open(Setup(9), shared=True)
    reg.join(own.code, "Ada")
    bo, joined, _ = reg.join(own.code, "Bo")
    reg.report(own.code, bo, 17, 186, (("US surprises", "1 / 2"),))
    student, setup, is_shared = reg.rejoin(own.code.lower(), bo)  # as a link may have it
    assert (student.name, student.seed, student.week) == ("Bo", joined.seed, 17)
    assert setup == Setup(5) and not is_shared
    cy, _, _ = reg.join(shared.code, "Cy")
    assert reg.rejoin(shared.code, cy)[2]
    for code, token in ((own.code, "forged"), (shared.code, bo), (own.code, cy)):
        with pytest.raises(RoomError, match="not in this room"):
            reg.rejoin(code, token)
    reg.close(own.code, own.key)
    with pytest.raises(RoomError, match="No open room"):
        reg.rejoin(own.code, bo)


def test_the_teacher_gives_a_left_student_s_ministry_back_to_the_model(shared_advance):
    from sim.runs.roleplay import ROLES

    reg = Registry()
    room, token, _ = _ada_and_bo_play(reg, shared_advance)
    bo = token["state"]
    while reg.shared_run(room.code).waiting != "state" or reg.shared_run(room.code).moves < 3:
        run = reg.shared_run(room.code)
        own = ROLES[run.waiting].own(run.run[1])
        reg.answer(room.code, token[run.waiting], run.moves, own, shared_advance)
    stuck = reg.shared_run(room.code)  # waits for State: Bo has left
    with pytest.raises(RoomError, match="teacher key does not open"):
        reg.release(room.code, room.code, "state", shared_advance)  # a student cannot
    with pytest.raises(RoomError, match="No student plays 'mou'"):
        reg.release(room.code, room.key, "mou", shared_advance)
    reg.release(room.code, room.key, "state", shared_advance)
    after = reg.shared_run(room.code)
    assert after.released == {"state"} and "state" not in after.ministries
    assert after.answers["state"] == stuck.answers["state"]  # its answers stay in the run
    assert after.waiting == "blue_house" and after.version > stuck.version  # it goes on
    assert after.run[0] >= stuck.run[0]  # no earlier week than where it waited
    with pytest.raises(RoomError, match="play no ministry"):
        reg.answer(room.code, bo, after.moves, "approve", shared_advance)  # Bo now watches
    reg.release(room.code, room.key, "blue_house", shared_advance)
    done = reg.shared_run(room.code)
    assert done.waiting is None and done.run[1] is None  # nobody plays: the run ends
    assert reg.rejoin(room.code, bo)[0].name == "Bo"  # still in the room, watching
