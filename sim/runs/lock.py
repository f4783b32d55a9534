"""One writer per output folder: an advisory lock held for the whole batch.

Two batches writing one folder would share temporary names and corrupt the merged files,
so a batch locks ``<out>/.lock`` (``fcntl.flock``, released by the kernel when the process
ends, even by kill -9) and a second one is refused with a clear message.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise FolderInUseError(
                f"output folder {out} is in use by another wgsim process (pid {holder}); "
                "wait for it to finish or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock
