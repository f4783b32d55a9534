"""The page's "Class session" tab (issue 31): a teacher's room and the students' runs.

The teacher opens a room with the set-up in the controls (scenario and variant, mode,
sliders, seed) and sees a code for the students and a teacher key; students join with the
code (or a link ``?room=CODE``) and a name, and each steps or plays their own run of that
set-up. The teacher view lists every student with the week reached and the scoreboard's
headline outcomes, refreshed while students step. A room can instead hold one shared run,
a ministry each (:mod:`sim.page.shared_room`). Rooms live in the server
(:mod:`sim.page.rooms`); every name a student types is escaped before it is shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlencode

import solara
import solara.lab
from solara.lab.utils.headers import headers as request_headers

from sim.page.charts import chart_spec
from sim.page.clicks import CLICKS
from sim.page.controls import Choices, changed
from sim.page.model import MODES, PageModel, StoredRun
from sim.page.panels import Charts, Finished, Header, Scoreboard
from sim.page.rooms import REFRESH_SECONDS, ROOMS, RoomError, Student, clean_code
from sim.page.serve import ADDRESSES
from sim.page.settings import Settings, specs_for, started_model
from sim.page.shared_room import (
    HEADLINE,
    RUN_CHOICES,
    GiveBack,
    SharedStudent,
    headline,
    mounted,
    shared_html,
)

__all__ = ["HEADLINE", "ClassSession", "headline", "roster_html", "setup_line"]

SEED_CHOICES = {
    "everyone the room's seed": False,
    "each student their own seed (the room's + 0, 1, 2 …)": True,
}
"""The teacher's choice of seeds: one history for the class, or one each."""
PLAY_SECONDS = 0.25
"""Seconds per week of a student's Play (4 weeks a second, as the page's starting pace)."""
PLAY_REDRAW_SECONDS = 1.0
"""A playing student's run is redrawn about this often (s), a few weeks at a time: a class
playing at once then leaves the server's one interpreter (every session's thread shares
it) free for a step."""
PLAY_CATCH_UP = 8
"""At most this many weeks between two of a student's redraws when Play is late."""
PLAY_BACKOFF = 2.0
"""While a student plays, the sleep after a redraw lasts at least this many times the redraw."""


def roster_html(students: list[Student], now: float) -> str:
    """The teacher's table: one row a student; every name escaped (it is typed by anyone)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in ("#", "student", "seed", "week", *HEADLINE))
    rows = []
    for s in students:
        outcomes = dict(s.outcomes)
        cells = [
            str(s.number),
            escape(s.name),
            str(s.seed),
            f"{s.week} of {s.n_weeks}" if s.n_weeks else "joined",
            *(escape(outcomes.get(name, "—")) for name in HEADLINE),
        ]
        ago = max(0, round(now - s.seen))
        tds = "".join(f"<td>{c}</td>" for c in cells)
        rows.append(f'<tr title="last step {ago} s ago">{tds}</tr>')
    if not rows:
        rows.append(f'<tr><td colspan="{4 + len(HEADLINE)}">No student has joined yet.</td></tr>')
    return (
        f'<table class="wgsim-table wgsim-roster"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def setup_line(choices: Choices, s: Settings) -> str:
    """The set-up in words: scenario and variant, mode, seed and the sliders moved."""
    moved = changed(s.values, specs_for(choices, s.choice))
    labels = {sp.path: sp for sp in specs_for(choices, s.choice)}
    slid = "; ".join(f"{labels[p].label} {labels[p].shown(v)}" for p, v in moved.items())
    return f"{s.choice} — {s.mode}, seed {s.seed}" + (f"; sliders: {slid}" if slid else "")


def place(query: str | None) -> str:
    """The class part of an address: ``room=CODE`` and, for a student, ``seat=TOKEN``.

    The page keeps it in its address (:func:`sim.page.app.Page`) beside the run's set-up,
    so a reload takes a student back to their place in the room.
    """
    code, seat = _room_and_seat(query)
    return class_part(code, seat)


def class_part(code: str, seat: str = "") -> str:
    """``room=CODE`` with ``seat=TOKEN`` if given; empty without a code."""
    return urlencode([("room", code)] + ([("seat", seat)] if seat else [])) if code else ""


def _room_and_seat(query: str | None) -> tuple[str, str]:
    q = parse_qs(query or "")
    return clean_code(q.get("room", [""])[-1]), q.get("seat", [""])[-1]


def _resume(code: str, seat: str) -> tuple[Any, str]:
    """A student's role back in room ``code`` with their token ``seat`` (after a reload).

    None and why not when the room has closed or does not know the token.
    """
    if not (code and seat):
        return None, ""
    try:
        student, setup, shared = ROOMS.rejoin(code, seat)
    except RoomError as exc:
        return None, f"Your place in room {code} could not be taken back: {exc}"
    return ("shared" if shared else "student", code, seat, student, setup), ""


@solara.component
def ClassSession(
    choices: Choices,
    runs: dict[str, StoredRun],
    wanted: Settings,
    address: str | None,
    on_place: Callable[[str], None] | None = None,
) -> None:
    """The tab: open or watch a room (teacher), or join one (student).

    ``wanted`` is the set-up in the controls (a new room's); ``address`` the page's query
    when it opened (``room=CODE`` fills in the code; with ``seat=TOKEN`` as well, a
    student is back in their place, their run at the week it had reached). ``on_place``
    is given the class part of the address (:func:`place`) whenever it changes.
    """
    asked, seat = solara.use_memo(lambda: _room_and_seat(address), [])
    resumed = solara.use_memo(lambda: _resume(asked, seat), [])
    role: Any = solara.use_reactive(resumed[0])  # ("teacher", code, key) or ("student", …)

    def enter(r: Any) -> None:
        role.set(r)
        if on_place is not None:
            on_place(class_part(r[1], r[2] if r[0] != "teacher" else "") if r else "")

    if role.value is None:
        if resumed[1]:
            solara.Warning(resumed[1], classes=["wgsim-resume-problem"])
        with solara.Row(gap="24px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            _Join(asked, enter)
            _Open(choices, wanted, enter, asked)
    elif role.value[0] == "teacher":
        _Teacher(choices, role.value[1], role.value[2], lambda: enter(None))
    elif role.value[0] == "shared":
        _, code, token, student, setup = role.value
        SharedStudent(choices, code, token, student.name, setup)
    else:
        _, code, token, student, setup = role.value
        _StudentRun(choices, runs, code, token, student, setup)


@solara.component
def _Join(asked: str, on_join: Any) -> None:
    code = solara.use_reactive(asked)
    name = solara.use_reactive("")
    problem = solara.use_reactive("")

    def join() -> None:
        try:
            token, student, setup = ROOMS.join(code.value, name.value)
        except RoomError as exc:
            problem.set(str(exc))
            return
        shared = True
        try:
            ROOMS.shared_run(code.value)
        except RoomError:  # a room of own runs (or closed since: the run says so)
            shared = False
        on_join(("shared" if shared else "student", clean_code(code.value), token, student, setup))

    with solara.Card("Student: join a room", style={"max-width": "26em"}):
        solara.Text("Type the code your teacher shows, and your name.")
        solara.InputText("room code", value=code, continuous_update=True)
        solara.InputText("your name", value=name, continuous_update=True)
        solara.Button("Join the room", on_click=join, color="primary")
        if problem.value:
            solara.Error(problem.value)


@solara.component
def _Open(choices: Choices, wanted: Settings, on_open: Any, asked: str = "") -> None:
    seeds = solara.use_reactive(next(iter(SEED_CHOICES)))
    runs = solara.use_reactive(next(iter(RUN_CHOICES)))
    code = solara.use_reactive(asked)  # a teacher's reload: the room's code is in the address
    key = solara.use_reactive("")
    problem = solara.use_reactive("")
    replay = MODES[wanted.mode] == "replay"

    def open_room() -> None:
        try:
            room = ROOMS.open(
                wanted, own_seeds=SEED_CHOICES[seeds.value], shared=RUN_CHOICES[runs.value]
            )
        except RoomError as exc:
            problem.set(str(exc))
            return
        on_open(("teacher", room.code, room.key))

    def watch() -> None:
        try:
            ROOMS.roster(code.value, key.value)
        except RoomError as exc:
            problem.set(str(exc))
            return
        on_open(("teacher", clean_code(code.value), clean_code(key.value)))

    with solara.Card("Teacher: open a room", style={"max-width": "34em"}):
        solara.Text(
            "Every student runs the set-up in the controls: " + setup_line(choices, wanted) + "."
        )
        solara.Select("runs", values=list(RUN_CHOICES), value=runs)
        if RUN_CHOICES[runs.value]:
            solara.Text(
                "One run on the room's seed: each student who joins takes a free ministry "
                "(the Blue House, the State Department, the MOU; one student each) and "
                "answers its decisions in turn; the others watch; free ministries are the "
                "model's."
            )
        else:
            solara.Select("seeds", values=list(SEED_CHOICES), value=seeds)
        solara.Button(
            "Open a room",
            on_click=open_room,
            color="primary",
            disabled=replay or wanted.seed < 0,
        )
        if replay:
            solara.Warning("A room runs the model: choose the mode 'one run' or the pair.")
        solara.Text("Or see the teacher view of a room you opened (after a reload):")
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.InputText("room code", value=code, continuous_update=True)
            solara.InputText("teacher key", value=key, continuous_update=True, password=True)
        solara.Button("Open the teacher view", on_click=watch, outlined=True)
        if problem.value:
            solara.Error(problem.value)


@solara.component
def _Teacher(choices: Choices, code: str, key: str, on_close: Any) -> None:
    state: Any = solara.use_reactive(None)  # (version, set-up, students)
    problem = solara.use_reactive("")
    shown = solara.use_reactive(False)
    now = solara.use_reactive(0.0)  # a constant: a changing argument would be set anew

    alive = mounted()

    async def watch() -> None:  # on the session's event loop: a look every REFRESH_SECONDS
        while alive.current:  # a closed tab's view stops looking (and keeping the room)
            try:
                got: Any = ROOMS.roster(code, key)
            except RoomError as exc:
                problem.set(str(exc))
                return
            if state.value is None or got[0] != state.value[0]:
                with contextlib.suppress(RoomError):  # a room of own runs has none
                    got = (*got, ROOMS.shared_run(code))
                state.set(got)
                now.set(ROOMS.clock())
            await asyncio.sleep(REFRESH_SECONDS)
            await CLICKS.quiet()  # a student's step is drawn first

    solara.lab.use_task(watch, dependencies=[code, key], prefer_threaded=False)

    def close() -> None:
        with contextlib.suppress(RoomError):  # already closed
            ROOMS.close(code, key)
        on_close()

    headers = request_headers.value or {}
    host = (headers.get("host") or [""])[0]
    lan = os.environ.get(ADDRESSES, "").split()  # set by 'wgsim serve --lan'
    links = [f"{a}?room={code}" for a in lan] or ([f"http://{host}/?room={code}"] if host else [])
    with solara.Column(gap="8px", classes=["wgsim-teacher"]):
        solara.HTML(
            tag="h2",
            unsafe_innerHTML=f"Room code: <span class='wgsim-code'>{escape(code)}</span>",
        )
        solara.Text(
            "Students open this page, the tab 'Class session', and type the code"
            + (f"; or they open {' or '.join(links)}" if links else "")
            + "."
        )
        with solara.Row(style={"align-items": "center"}):  # hidden while projected
            solara.Button(
                "Hide the teacher key" if shown.value else "Show the teacher key",
                on_click=lambda: shown.set(not shown.value),
                text=True,
            )
            if shown.value:
                solara.Text(f"Teacher key (it reopens this view; not for students): {key}")
        if not lan and host.split(":")[0] in ("127.0.0.1", "localhost", "[::1]"):
            solara.Warning(
                "This address works on this computer only. For students on other "
                "computers, start the page with 'wgsim serve --lan' and give them the "
                "address it prints."
            )
        if problem.value:
            solara.Error(problem.value)
        if state.value is not None:
            _, setup, students, *shared = state.value
            pair = MODES[setup.mode] == "side" and not shared
            solara.Text(
                f"Set-up: {setup_line(choices, setup)}. Students: {len(students)}."
                + (" Each outcome: with the WG / no group." if pair else "")
                + (" One shared run, with the WG, on the room's seed." if shared else "")
            )
            if shared:
                playing = set(shared[0].ministries.values())
                watching = [s.name for s in students if s.name not in playing]
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=shared_html(shared[0], watching),
                    classes=["wgsim-shared-run"],
                )
                GiveBack(choices, code, key, shared[0], setup)
            else:
                solara.HTML(tag="div", unsafe_innerHTML=roster_html(students, now.value))
        solara.Button("Close the room", on_click=close, outlined=True, color="error")


@solara.component
def _StudentRun(
    choices: Choices,
    runs: dict[str, StoredRun],
    code: str,
    token: str,
    student: Student,
    setup: Settings,
) -> None:
    mine = Settings(setup.choice, setup.mode, student.seed, setup.values, "")
    # after a reload, the run at the week the room last heard of: one seed, one history
    started = solara.use_memo(lambda: started_model(choices, runs, mine, student.week), [])
    model_ref = solara.use_ref(started)
    lock = solara.use_memo(threading.Lock, [])
    version = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    problem = solara.use_reactive("")
    alive = mounted()
    model: PageModel = model_ref.current
    views = model.views() if version.value >= 0 else []
    spec = solara.use_memo(lambda: json.dumps(chart_spec(views)), [model])

    def advance(weeks: int) -> None:
        with lock:
            for _ in range(weeks):
                if not model.finished:
                    model.step()
            shown = model.views()
        version.set(version.value + 1)
        try:
            ROOMS.report(code, token, shown[0].week, shown[0].n_weeks, headline(shown))
        except RoomError as exc:  # the room closed: the run goes on, unseen
            problem.set(f"{exc} Your run goes on, but your teacher no longer sees it.")

    def click(weeks: int) -> None:  # a step or a run to the end: drawn before others' Play
        CLICKS.mark()
        advance(weeks)

    async def play_loop() -> None:  # the pace of PLAY_SECONDS a week, a redraw a while
        begun, weeks = time.perf_counter(), 0
        while playing.value and not model.finished and alive.current:
            await CLICKS.quiet()
            tick = time.perf_counter()
            due = int((tick - begun) / PLAY_SECONDS) - weeks
            n = min(PLAY_CATCH_UP, max(1, due))
            advance(n)
            weeks += n
            spent = time.perf_counter() - tick
            await asyncio.sleep(max(PLAY_REDRAW_SECONDS - spent, PLAY_BACKOFF * spent))
        playing.set(False)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=False)

    title = f"Room {code}: {student.name}'s run — {setup.choice}, seed {student.seed}"
    with solara.Column(gap="8px", classes=["wgsim-student"]):
        Header(views, title)
        with solara.Row(gap="8px", classes=["wgsim-buttons"]):
            if playing.value:
                solara.Button("Pause", on_click=lambda: playing.set(False))
            else:
                solara.Button("Play", on_click=lambda: playing.set(True), disabled=model.finished)
            busy = playing.value or model.finished
            solara.Button("Step one week", on_click=lambda: click(1), disabled=busy)
            solara.Button("Run to the end", on_click=lambda: click(views[0].n_weeks), disabled=busy)
        with solara.Column(gap="4px"):
            if problem.value:
                solara.Error(problem.value)
            if model.finished:
                Finished(views)
        Scoreboard(views)
        Charts(views, spec, model)
