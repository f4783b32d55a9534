"""One writer per output folder: an advisory lock held for the whole batch.

Two batches writing one folder would share temporary names and corrupt the merged files,
so a batch locks ``<out>/.lock`` (``filelock``: ``flock`` on POSIX, released by the kernel
when the process ends, even by kill -9) and a second one is refused with a clear message
naming the holder's process id, which the holder writes into the lock file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from sim.errors import WgsimError
from sim.runs.store import ensure_output_folder


class FolderInUseError(WgsimError):
    """Another wgsim process is writing the output folder."""


@contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold the lock of ``out`` for the duration of the block.

    Raises:
        FolderInUseError: if another process holds it; the message names the folder and,
            when known, that process's id.
        OutputFolderError: if ``out`` cannot be made or written.
    """
    ensure_output_folder(out)
    path = out / ".lock"
    lock = FileLock(path, timeout=0, is_singleton=False, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        try:
            holder = path.read_text(encoding="ascii", errors="replace").strip()[:32]
        except OSError:
            holder = ""
        raise FolderInUseError(
            f"output folder {out} is in use by another wgsim process (pid {holder or 'unknown'}); "
            "wait for it to finish or choose another --out"
        ) from None
    try:
        # The pid goes in through a second descriptor: filelock keeps its own private.
        fd = os.open(path, os.O_WRONLY)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        finally:
            os.close(fd)
        yield
    finally:
        lock.release()
