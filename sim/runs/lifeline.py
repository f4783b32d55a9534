"""Worker processes die with the batch process that started them, even after ``kill -9``.

A killed ``wgsim compare`` or ``calibrate`` cannot stop its children itself, and
nothing else does: a pool's workers wait for tasks forever, the fork server waits for
its workers, and the resource tracker for every process holding its pipe, all of them
holding the caller's terminal. So each child watches its parent:

* on Linux the kernel sends it SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``);
* everywhere, a daemon thread polls :func:`os.getppid` (a child whose parent dies is
  adopted by another process) and whether the batch process itself still lives, and
  kills the child when either changes.

The chain is: batch process -> fork server (armed when it imports this module, see
:data:`ROOT_ENV`) -> pool workers (armed by :func:`worker_initializer`); the resource
tracker ends by itself once the last process holding its pipe is gone. Forked children
of the batch process (pyabc's samplers) are armed by :func:`guard_forks`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time

ROOT_ENV = "WGSIM_BATCH_PID"
"""Environment variable naming the batch process: a direct child of it that imports this
module (the fork server, which preloads :mod:`sim.runs.executors`; a Dask worker process of
a local cluster) is armed at import."""

POLL_SECONDS = 0.5
"""How often the watchdog thread looks at the parent."""

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_forks_guarded = False


def _kernel_watch() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False elsewhere or on error."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, killed but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc: trust kill(0)


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def watch_parent(parent: int, root: int | None = None) -> None:
    """Make this process die with ``parent`` (and with ``root``, the batch process, if given).

    Call it first thing in a child. If the parent is already gone the child dies at once.
    """
    _kernel_watch()
    if os.getppid() != parent or (root is not None and not _alive(root)):
        _die()

    def watch() -> None:
        while True:
            time.sleep(POLL_SECONDS)
            if os.getppid() != parent or (root is not None and not _alive(root)):
                _die()

    threading.Thread(target=watch, name="wgsim-lifeline", daemon=True).start()


def mark_batch_process() -> int:
    """Record this process as the batch process for its children (:data:`ROOT_ENV`)."""
    os.environ[ROOT_ENV] = str(os.getpid())
    return os.getpid()


def worker_initializer(root: int) -> None:
    """A pool worker's initializer: die with the fork server that forked it, or with ``root``."""
    watch_parent(os.getppid(), root)


def guard_forks() -> None:
    """Arm every child this process forks from now on (once per process)."""
    global _forks_guarded
    if _forks_guarded or not hasattr(os, "register_at_fork"):  # no fork (Windows)
        return
    _forks_guarded = True
    forking = [0]

    def before() -> None:
        forking[0] = os.getpid()

    def after_in_child() -> None:
        watch_parent(forking[0])

    os.register_at_fork(before=before, after_in_child=after_in_child)


def _arm_if_child_of_batch() -> None:
    """At import: a helper process of the batch process arms its kernel watch.

    Only multiprocessing's helpers qualify (started as ``python -c``, with the batch
    process as parent): a ``wgsim`` command a batch's caller starts later inherits the
    variable but is not one.
    """
    if sys.argv[:1] != ["-c"]:
        return
    with contextlib.suppress(ValueError):
        if int(os.environ.get(ROOT_ENV, "0")) == os.getppid() != os.getpid():
            _kernel_watch()


_arm_if_child_of_batch()
