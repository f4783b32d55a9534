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

    def open(self, setup: Any, own_seeds: bool = False) -> Room:
        """A new room for ``setup``; its ``code`` is for the students, its ``key`` the teacher's.

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
            room = Room(code, _token(KEY_LENGTH), setup, own_seeds, now)
            self._rooms[code] = room
            return replace(room, students={})

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

    def codes(self) -> list[str]:
        """The codes of the rooms open now."""
        with self._lock:
            self._expire(self.clock())
            return list(self._rooms)


ROOMS = Registry()
"""The server's rooms (one per server process: every session of the page shares it)."""
