"""Class sessions' rooms: who is in which room and how far each student's run has got.

A teacher opens a room (:meth:`Registry.open`) with the set-up the class uses and gets a
short code for the students and a separate teacher key. A student joins with the code and
a name (:meth:`Registry.join`) and reports each week of their own run
(:meth:`Registry.report`); only the teacher key shows the room's scoreboard
(:meth:`Registry.roster`) or closes it. Rooms live in the page server's process
(:data:`ROOMS`), behind one lock: every Solara session of the server shares them, and they
are gone when the server stops. This module draws nothing; :mod:`sim.page.classroom` is
the tab that uses it, and escapes every name it shows.
"""

from __future__ import annotations

import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sim.errors import WgsimError

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""The letters and digits of a room code: none that reads like another (no 0/O, 1/I/L)."""
CODE_LENGTH = 6
"""Characters in a room code (31**6, about 887 million codes)."""
KEY_LENGTH = 10
"""Characters in a teacher key (same alphabet; never shown to students)."""
MAX_ROOMS = 20
"""Rooms open at once in one server (rooms): a further one is refused until one closes."""
MAX_STUDENTS = 40
"""Students in one room (students): a further one is refused."""
IDLE_SECONDS = 4 * 3600.0
"""A room closes after this long (s) with no join, no student's step and no teacher view
open (an open teacher view looks at it every :data:`REFRESH_SECONDS`)."""
REFRESH_SECONDS = 0.25
"""How often an open teacher view looks for news (s)."""
NAME_LENGTH = 40
"""The longest student name kept (characters); a longer one is cut."""
MINISTRIES = ("blue_house", "state", "mou")
"""The ministries of a shared run (the role keys of :data:`sim.runs.roleplay.ROLES`)."""

Advance = Callable[[dict[str, tuple[str, ...]], frozenset[str]], tuple[str | None, Any]]
"""A shared run replayed with the answers by ministry and the ministries given back to the
model: (the ministry it waits for, or None once it has ended; what the page shows of it).
It raises ValueError for a wrong answer."""


class RoomError(WgsimError):
    """A code, key or name the room cannot accept, said in words for the person typing."""


@dataclass(frozen=True)
class Student:
    """One student in a room, as the teacher sees them.

    Attributes:
        number: The order of joining, from 1.
        name: As typed (cleaned of control characters, at most :data:`NAME_LENGTH`).
        seed: The seed of the student's run.
        week: The last week the student's run reached.
        n_weeks: The weeks of a whole run.
        outcomes: The scoreboard's headline outcomes so far: (name, value as shown).
        seen: When the student last joined or stepped (the registry's clock).
    """

    number: int
    name: str
    seed: int
    week: int = 0
    n_weeks: int = 0
    outcomes: tuple[tuple[str, str], ...] = ()
    seen: float = 0.0


@dataclass
class Room:
    """A room: its code, the set-up every student's run uses, and its students.

    ``setup`` is whatever the page builds a run from (:class:`sim.page.settings.Settings`);
    with ``own_seeds`` student *n* runs seed ``setup.seed + n - 1``, else the room's seed.
    ``version`` grows with every change a teacher view shows.
    """

    code: str
    key: str
    setup: Any
    own_seeds: bool
    touched: float
    students: dict[str, Student] = field(default_factory=dict)  # token -> student
    version: int = 0
    shared: bool = False
    ministries: dict[str, str] = field(default_factory=dict)  # ministry -> student's token
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ministry -> answers
    moves: int = 0
    waiting: str | None = None
    run: Any = None
    released: frozenset[str] = frozenset()  # ministries given back to the model


@dataclass(frozen=True)
class SharedRun:
    """A shared room's run as its members see it.

    Attributes:
        version: The room's version (it grows with every change).
        moves: Answers given so far, all ministries together.
        ministries: Ministry -> the name of the student who plays it (free ones absent).
        answers: Ministry -> its answers so far (the played ministries only).
        waiting: The ministry the run waits for; None before any is taken or at the end.
        run: What the last :data:`Advance` returned for the page to show (None at first).
        released: The ministries the teacher gave back to the model (:meth:`release`).
    """

    version: int
    moves: int
    ministries: dict[str, str]
    answers: dict[str, tuple[str, ...]]
    waiting: str | None
    run: Any
    released: frozenset[str] = frozenset()


def clean_name(text: str | None) -> str:
    """A student's name as kept: control characters as spaces, spaces joined, cut to length.

    Raises:
        RoomError: if nothing is left.
    """
    kept = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text or "")
    name = " ".join(kept.split())[:NAME_LENGTH]
    if not name:
        raise RoomError("Type your name first: the teacher sees it beside your run.")
    return name


def clean_code(text: str | None) -> str:
    """A typed room code as stored: capitals, spaces and dashes left out."""
    return "".join(c for c in (text or "").upper() if c not in " -")


def _token(n: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(n))


class Registry:
    """The rooms of one server, behind one lock.

    Args:
        clock: Seconds, growing (``time.monotonic``; tests pass their own).
        max_rooms: Rooms open at once.
        max_students: Students per room.
        idle_seconds: A room untouched this long is closed.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        max_rooms: int = MAX_ROOMS,
        max_students: int = MAX_STUDENTS,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self.clock = clock
        self.max_rooms = max_rooms
        self.max_students = max_students
        self.idle_seconds = idle_seconds
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:  # holding the lock
        for code in [c for c, r in self._rooms.items() if now - r.touched > self.idle_seconds]:
            del self._rooms[code]

    def _room(self, code: str, now: float) -> Room:  # holding the lock
        self._expire(now)
        room = self._rooms.get(clean_code(code))
        if room is None:
            raise RoomError(
                f"No open room has this code. Check the {CODE_LENGTH} letters and digits "
                "with your teacher (a room closes when the teacher closes it or after "
                f"{self.idle_seconds / 3600:g} hours unused)."
            )
        return room

    def open(self, setup: Any, own_seeds: bool = False, shared: bool = False) -> Room:
        """A new room for ``setup``; its ``code`` is for the students, its ``key`` the teacher's.

        With ``shared`` the room has one run, the room's seed, in which each student who
        takes a ministry (:meth:`take`) answers its decisions (:meth:`answer`).

        Raises:
            RoomError: if :data:`MAX_ROOMS` rooms are open.
        """
        with self._lock:
            now = self.clock()
            self._expire(now)
            if len(self._rooms) >= self.max_rooms:
                raise RoomError(
                    f"This server already has {self.max_rooms} rooms open, the most it "
                    "keeps; close one (or wait until an unused one closes) and try again."
                )
            code = _token(CODE_LENGTH)
            while code in self._rooms:
                code = _token(CODE_LENGTH)
            room = Room(code, _token(KEY_LENGTH), setup, own_seeds and not shared, now)
            room.shared = shared
            self._rooms[code] = room
            return replace(room, students={}, ministries={}, answers={})

    def join(self, code: str, name: str) -> tuple[str, Student, Any]:
        """Join the room with ``code`` as ``name``: (the student's token, the student, set-up).

        Raises:
            RoomError: if no open room has the code, the room is full, or the name is
                empty or already taken in the room.
        """
        clean = clean_name(name)
        with self._lock:
            now = self.clock()
            room = self._room(code, now)
            if len(room.students) >= self.max_students:
                raise RoomError(f"This room is full ({self.max_students} students).")
            if any(s.name.casefold() == clean.casefold() for s in room.students.values()):
                raise RoomError(
                    "Someone in this room already has that name: add an initial or a number."
                )
            number = len(room.students) + 1
            seed = (room.setup.seed + number - 1) % 2**32 if room.own_seeds else room.setup.seed
            token = secrets.token_urlsafe(16)
            student = Student(number, clean, seed, seen=now)
            room.students[token] = student
            room.touched = now
            room.version += 1
            return token, student, room.setup

    def rejoin(self, code: str, token: str) -> tuple[Student, Any, bool]:
        """The student with ``token`` back in the room after a reload.

        Returns the student as the room has them, the set-up, and whether the room has a
        shared run. The token is the one :meth:`join` gave; the page keeps it in its address.

        Raises:
            RoomError: if no open room has the code or the token is not one of its students'.
        """
        with self._lock:
            now = self.clock()
            room = self._room(code, now)
            if token not in room.students:
                raise RoomError("You are not in this room any more: join it again.")
            room.students[token] = replace(room.students[token], seen=now)
            room.touched = now
            return room.students[token], room.setup, room.shared

    def report(
        self,
        code: str,
        token: str,
        week: int,
        n_weeks: int,
        outcomes: tuple[tuple[str, str], ...],
    ) -> None:
        """Record how far the student with ``token`` has got.

        Raises:
            RoomError: if the room has closed or the token is not one of its students'.
        """
        with self._lock:
            now = self.clock()
            room = self._room(code, now)
            if token not in room.students:
                raise RoomError("You are not in this room any more: join it again.")
            room.students[token] = replace(
                room.students[token], week=week, n_weeks=n_weeks, outcomes=outcomes, seen=now
            )
            room.touched = now
            room.version += 1

    def _teacher_room(self, code: str, key: str, now: float) -> Room:  # holding the lock
        room = self._room(code, now)
        if not secrets.compare_digest(clean_code(key).encode(), room.key.encode()):
            raise RoomError("This teacher key does not open this room's teacher view.")
        return room

    def roster(self, code: str, key: str) -> tuple[int, Any, list[Student]]:
        """The teacher's view: (version, set-up, students in the order they joined).

        Raises:
            RoomError: if no open room has the code or the key is not its teacher's.
        """
        with self._lock:
            now = self.clock()
            room = self._teacher_room(code, key, now)
            room.touched = now
            students = sorted(room.students.values(), key=lambda s: s.number)
            return room.version, room.setup, students

    def close(self, code: str, key: str) -> None:
        """Close the room (the teacher's key only); its students' reports are then refused."""
        with self._lock:
            self._teacher_room(code, key, self.clock())
            del self._rooms[clean_code(code)]

    def _shared(self, code: str, now: float) -> Room:  # holding the lock
        room = self._room(code, now)
        if not room.shared:
            raise RoomError("This room has no shared run: each student runs their own.")
        return room

    def shared_run(self, code: str) -> SharedRun:
        """The shared run of the room with ``code`` (anyone in the room may see it).

        Raises:
            RoomError: if no open room has the code or it has no shared run.
        """
        with self._lock:
            room = self._shared(code, self.clock())
            names = {s: room.students[t].name for s, t in room.ministries.items()}
            return SharedRun(
                room.version,
                room.moves,
                names,
                dict(room.answers),
                room.waiting,
                room.run,
                room.released,
            )

    def take(self, code: str, token: str, ministry: str, advance: Advance) -> None:
        """The student with ``token`` takes the free ``ministry`` of the shared run.

        Ministries are taken before the run's first answer; after it the free ones stay
        the model's (their decisions so far were the model's) and a student joining watches.

        Raises:
            RoomError: if the room has no shared run, the token is not a student's of it,
                the student already plays a ministry, the ministry is taken or unknown, or
                the run has begun.
        """
        with self._lock:
            now = self.clock()
            room = self._shared(code, now)
            if token not in room.students:
                raise RoomError("You are not in this room any more: join it again.")
            if ministry not in MINISTRIES:
                raise RoomError(f"No ministry {ministry!r}; allowed: {', '.join(MINISTRIES)}.")
            if token in room.ministries.values():
                raise RoomError("You already play a ministry in this run.")
            if ministry in room.ministries:
                name = room.students[room.ministries[ministry]].name
                raise RoomError(f"{name} already plays this ministry: choose a free one.")
            if room.moves:
                raise RoomError(
                    "The shared run has begun: the free ministries stay the model's. "
                    "You can watch the run."
                )
            answers = {**room.answers, ministry: ()}
            released = room.released - {ministry}  # given back before the run began
            room.waiting, room.run = advance(answers, released)
            room.answers, room.released = answers, released
            room.ministries[ministry] = token
            room.touched = now
            room.version += 1

    def answer(self, code: str, token: str, moves: int, answer: str, advance: Advance) -> None:
        """The answer of the student with ``token`` to the decision the run waits at.

        ``moves`` is the number of answers the student's page had seen when it showed the
        decision: an answer given after the run has moved on is refused.

        Raises:
            RoomError: if the token plays no ministry, the run waits for another one (or
                has ended), ``moves`` is stale, or the answer is not an option.
        """
        with self._lock:
            now = self.clock()
            room = self._shared(code, now)
            mine = next((m for m, t in room.ministries.items() if t == token), None)
            if mine is None:
                raise RoomError("You play no ministry in this run: you can only watch.")
            if moves != room.moves:
                raise RoomError(
                    "The run has moved on since this decision was shown: it is not "
                    "answered; look at the run as it is now."
                )
            if room.waiting != mine:
                raise RoomError("It is not your ministry's turn: the run waits for another.")
            answers = {**room.answers, mine: (*room.answers[mine], answer)}
            try:
                room.waiting, room.run = advance(answers, room.released)
            except ValueError as exc:
                raise RoomError(f"This answer is not allowed: {exc}.") from exc
            room.answers = answers
            room.moves += 1
            room.students[token] = replace(room.students[token], seen=now)
            room.touched = now
            room.version += 1

    def release(self, code: str, key: str, ministry: str, advance: Advance) -> None:
        """The teacher gives a played ``ministry`` back to the model (its student has left).

        Its answers so far stay in the run; the model's own rule takes its decisions from
        the next one, so a run waiting for it goes on. Its student stays in the room and
        watches.

        Raises:
            RoomError: if the key is not the room's teacher's, the room has no shared run,
                or no student plays ``ministry``.
        """
        with self._lock:
            now = self.clock()
            room = self._teacher_room(code, key, now)
            if not room.shared:
                raise RoomError("This room has no shared run: each student runs their own.")
            if ministry not in room.ministries:
                raise RoomError(f"No student plays {ministry!r} now: it is the model's already.")
            released = room.released | {ministry}
            room.waiting, room.run = advance(room.answers, released)
            room.released = released
            del room.ministries[ministry]
            room.touched = now
            room.version += 1

    def codes(self) -> list[str]:
        """The codes of the rooms open now."""
        with self._lock:
            self._expire(self.clock())
            return list(self._rooms)


ROOMS = Registry()
"""The server's rooms (one per server process: every session of the page shares it)."""
