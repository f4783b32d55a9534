"""``wgsim serve``: the interactive page (``sim/page/app.py``) in a Solara server.

The server binds to 127.0.0.1 unless told otherwise, runs in production mode, does not
check PyPI for a newer solara, sends no telemetry and opens no browser, so the page makes
no request outside the machine (its web assets come from the cache ``make setup`` fills;
see :mod:`sim.page.assets`).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from sim.errors import WgsimError

COOKIE_WARNING = "ignore:Cookies with samesite=none require https:UserWarning"
"""A ``PYTHONWARNINGS`` filter for Solara's warning about its session cookie over http."""


class PortInUse(WgsimError):
    """The port asked for is taken (or cannot be bound)."""


def check_port(host: str, port: int) -> None:
    """Fail early, with a helpful message, when ``host:port`` cannot be bound.

    Raises:
        PortInUse: if the port is taken or the address is not one of this machine's.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise PortInUse(
            f"unknown host '{host}'; use 127.0.0.1 or an address of this machine"
        ) from None
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"port {port} on {host} is in use; choose another with --port (1-65535)"
                ) from None
            raise PortInUse(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for the page."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.page.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
    ]


def environment(file: Path, results: Path) -> dict[str, str]:
    """The server's environment: the page's starting file and results folder, no telemetry."""
    env = dict(os.environ)
    env["WGSIM_PAGE_FILE"] = str(file.resolve())
    env["WGSIM_PAGE_RESULTS"] = str(results.resolve())
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env["SOLARA_THEME_VARIANT"] = "light"  # the charts are drawn on white
    env["SOLARA_THEME_SHOW_BANNER"] = "False"
    env["SOLARA_THEME_LOADER"] = "plain"  # no "runs on Solara" badge over the page
    # Solara warns in 12 lines, per browser tab, that a session cookie over plain http on
    # 127.0.0.1 falls back to SameSite=Lax: right for this local page, so not said
    warnings = [w for w in (env.get("PYTHONWARNINGS"), COOKIE_WARNING) if w]
    env["PYTHONWARNINGS"] = ",".join(warnings)
    return env


def serve(file: Path, host: str, port: int, results: Path) -> int:
    """Run the page's server until it stops; returns its exit code.

    The caller checks the inputs first (``load_file``, :func:`check_port`), so that errors
    come before the page's address is announced.
    """
    proc = subprocess.Popen(command(host, port), env=environment(file, results))

    def stop(signum: int, frame: object) -> None:
        proc.terminate()  # pass a termination on to the server, or it outlives us

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:  # the terminal sent SIGINT to the server too
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
