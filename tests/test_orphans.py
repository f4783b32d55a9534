"""A batch killed with kill -9 takes its worker processes with it.

Each test starts a real ``wgsim`` command in a session of its own, waits until its
workers run, kills the command with SIGKILL and checks that within 5 s no process of
the session is left and the caller's pipes are closed (nothing holds its stdout).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

WGSIM = Path(sys.executable).parent / "wgsim"
GRACE = 5.0


def session(sid: int) -> list[psutil.Process]:
    """The live (not zombie) processes of session ``sid``."""
    found = []
    for p in psutil.process_iter(["pid"]):
        try:
            if os.getsid(p.pid) == sid and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except (OSError, psutil.Error):
            continue
    return found


def _worker(p: psutil.Process) -> bool:
    """Whether ``p`` is a live child other than the resource tracker (a child that ends or
    turns zombie while it is looked at, as a short-lived helper process may, is not)."""
    try:
        return "resource_tracker" not in " ".join(p.cmdline())
    except psutil.Error:
        return False


def kill_when_workers_run(cmd: list[object], workers: int, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
            kids = psutil.Process(proc.pid).children(recursive=True)
            running = [k for k in kids if _worker(k)]
            if len(running) >= workers:
                break
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.2)
        time.sleep(1.0)  # the workers are running chunks now
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_at = time.monotonic()
        left = session(proc.pid)
        while left and time.monotonic() - killed_at < GRACE:
            time.sleep(0.2)
            left = session(proc.pid)
        assert not left, [" ".join(p.cmdline())[:100] for p in left]
        # and nothing holds the caller's pipes: reading them ends
        proc.communicate(timeout=1)
    finally:
        for p in session(proc.pid):
            p.kill()


def test_a_killed_compare_leaves_no_process_behind(tmp_path):
    # fork server and two workers (the resource tracker is not counted)
    cmd = [WGSIM, "compare", "historical", "-n", "200", "--workers", "2", "--out", "o"]
    kill_when_workers_run(cmd, 3, tmp_path)


def test_a_killed_calibration_leaves_no_process_behind(tmp_path):
    # pyabc's two forked samplers
    cmd = [WGSIM, "calibrate", "historical", "--workers", "2", "--out", "o"]
    kill_when_workers_run(cmd, 2, tmp_path)
