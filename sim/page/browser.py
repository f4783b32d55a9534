"""What the page's browser-driven tools share: headless Chromium's path and flags, a port.

The browser tests (tests/test_page_browser.py), the page benchmark (benchmarks/page.py)
and the tutorial's screenshots (benchmarks/screenshots.py) drive ``wgsim serve`` in
Debian's Chromium through Playwright (docs/ENVIRONMENT: ``playwright install`` cannot
download a browser here).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium (``apt-get install -y chromium``)."""

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
"""Headless, offline, quiet: no background requests, updates or sync."""


def launch(playwright: Any) -> Any:
    """Headless Chromium (Debian's, with ``CHROMIUM_ARGS``) from a Playwright instance."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_page(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> bool:
    """Whether the server ``proc`` answers ``url`` with 200 within ``timeout`` seconds.

    False as soon as the server has exited.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def start_server(
    file: Path,
    port: int,
    results: Path,
    *,
    cwd: Path | None = None,
    log: IO[Any] | None = None,
    source: Path | None = None,
) -> subprocess.Popen[bytes]:
    """``wgsim serve FILE`` on 127.0.0.1:``port`` over ``results``, output to ``log``.

    ``wgsim`` is the one next to this Python; ``source`` (a checkout) goes first on the
    server's ``PYTHONPATH``, so that it serves that checkout's page. The caller waits with
    :func:`wait_for_page` and stops the server (``terminate``).
    """
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(source), env.get("PYTHONPATH")) if p)
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "wgsim"),
            "serve",
            str(file),
            "--port",
            str(port),
            "--results",
            str(results),
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL if log is None else log,
        stderr=subprocess.STDOUT,
    )


@contextmanager
def serving(file: Path, results: Path, log: IO[Any], *, cwd: Path | None = None) -> Iterator[str]:
    """A page server for ``file`` on a free port while the block runs: yields its URL.

    The URL is yielded only once the page answers; otherwise :class:`ServerDidNotStart`.
    The server is stopped after the block (killed if it does not stop within 10 s).
    """
    port = free_port()
    proc = start_server(file, port, results, cwd=cwd, log=log)
    url = f"http://127.0.0.1:{port}/"
    try:
        if not wait_for_page(url, proc):
            raise ServerDidNotStart(f"the page server did not start; see {log.name}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


class ServerDidNotStart(RuntimeError):
    """The page server did not answer in time."""
