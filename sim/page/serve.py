"""``wgsim serve``: the interactive page (``sim/page/app.py``) in a Solara server.

The server binds to 127.0.0.1 unless told otherwise, runs in production mode, does not
check PyPI for a newer solara, sends no telemetry and opens no browser, so the page makes
no request outside the machine (its web assets come from the cache ``make setup`` fills;
see :mod:`sim.page.assets`).
"""

from __future__ import annotations

import contextlib
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

ADDRESSES = "WGSIM_PAGE_ADDRESSES"
"""The environment variable that gives the page the addresses students open (``--lan``)."""
EVERY_ADDRESS = "0.0.0.0"
"""The host ``--lan`` listens on: every network address of this machine."""


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


def is_local(host: str) -> bool:
    """Whether ``host`` is this machine only (a loopback address), so no one else can connect."""
    return host in ("localhost", "::1") or host.startswith("127.")


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other machines may reach (none found: an empty list).

    The address of the interface a packet to a documentation address would leave by (a UDP
    socket's ``connect`` sends nothing), and those the host name resolves to.
    """
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent (no route: no network)
        found.append(str(probe.getsockname()[0]))
    with contextlib.suppress(OSError):
        found += socket.gethostbyname_ex(socket.gethostname())[2]
    return list(dict.fromkeys(a for a in found if not is_local(a) and a != EVERY_ADDRESS))


def exposure(host: str, port: int) -> list[str]:
    """What ``wgsim serve`` says before it listens beyond this machine (nothing for 127.0.0.1).

    A warning (anyone on the network with a room's code can join; there are no passwords)
    and the address(es) students open.
    """
    if is_local(host):
        return []
    addresses = lan_addresses() if host in (EVERY_ADDRESS, "::") else [host]
    lines = [
        f"warning: the page listens on {host}, so anyone on this network can open it, and "
        "anyone who has a room's code can join that room. There are no passwords and no "
        "encryption (plain http): use this only on a network you trust (a classroom's), "
        "never on a public one, and stop the server (Ctrl-C) after class."
    ]
    if addresses:
        lines += [f"students open: http://{a}:{port}/" for a in addresses]
    else:
        lines.append(
            f"no network address of this machine was found; students open http://ADDRESS:{port}/"
            " with this machine's address on the classroom's network"
        )
    return lines


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
    env = environment(file, results)
    if not is_local(host):  # the teacher view's links for students
        hosts = lan_addresses() if host in (EVERY_ADDRESS, "::") else [host]
        env[ADDRESSES] = " ".join(f"http://{h}:{port}/" for h in hosts)
    proc = subprocess.Popen(command(host, port), env=env)

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
