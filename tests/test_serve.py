"""``wgsim serve``: inputs, the offline asset cache, and that stopping it stops the server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import solara

from sim.page.assets import Package, installed_requirements, required_packages
from sim.page.browser import free_port
from sim.page.serve import COOKIE_WARNING, command, environment

WGSIM = Path(sys.executable).parent / "wgsim"
ROOT = Path(__file__).resolve().parents[1]


def test_required_packages_are_read_from_the_installed_solara():
    cache, packages = installed_requirements()
    names = {p.name for p in packages}
    assert {"@widgetti/solara-vuetify-app", "requirejs", "font-awesome"} <= names
    assert "@widgetti/vue-grid-layout" in names
    assert not any("vuetify3" in n for n in names)  # ipyvue < 3: the Vue 2 bundle only
    template = (Path(solara.__file__).parent / "server/templates/solara.html.j2").read_text()
    app = next(p for p in packages if p.name == "@widgetti/solara-vuetify-app")
    assert f"{app.folder}/dist/" in template
    assert cache.name == "cdn"


def test_required_packages_parse_templates_and_font_path(tmp_path):
    (tmp_path / "server/templates").mkdir(parents=True)
    (tmp_path / "server/templates/solara.html.j2").write_text(
        '<script src="{{cdn}}/@x/app@1.2.3/dist/a.js"></script>'
        '<script src="{{cdn}}/@x/app-vuetify3@5.0.0/a.js"></script>'
        '<script src="{{cdn}}/requirejs@2.3.6/require.js"></script>'
    )
    got = required_packages(tmp_path, "/font-awesome@4.5.0/css/x.css", vue_major=2)
    assert got == [
        Package("@x/app", "1.2.3"),
        Package("font-awesome", "4.5.0"),
        Package("requirejs", "2.3.6"),
    ]


def test_serve_command_is_local_and_production():
    cmd = command("127.0.0.1", 8123)
    assert cmd[1:5] == ["-m", "solara", "run", "sim.page.app"]
    assert {"--production", "--no-check-version", "--no-open"} <= set(cmd)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"


def test_serve_silences_solara_s_cookie_warning(monkeypatch):
    """Issue 31: 12 lines per browser tab about a cookie over http on 127.0.0.1."""
    monkeypatch.setenv("PYTHONWARNINGS", "error::DeprecationWarning")
    env = environment(ROOT / "scenarios/historical.yaml", ROOT / "results")
    assert env["PYTHONWARNINGS"] == f"error::DeprecationWarning,{COOKIE_WARNING}"
    check = (
        "import warnings; warnings.warn('Cookies with samesite=none require https, but ...'); "
        "warnings.warn('another warning')"
    )
    out = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True)
    assert "samesite" not in out.stderr and "another warning" in out.stderr


def _wgsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(WGSIM), "serve", *args], capture_output=True, text=True, timeout=60, cwd=ROOT
    )


def test_serve_rejects_a_bad_file():
    out = _wgsim("no-such-file.yaml")
    assert out.returncode == 2
    assert "no-such-file.yaml" in out.stderr and "file not found" in out.stderr
    assert "Traceback" not in out.stderr


def test_serve_rejects_a_port_in_use():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        out = _wgsim("--port", str(port))
    assert out.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in out.stderr and "--port" in out.stderr
    assert "Traceback" not in out.stderr


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def test_terminating_serve_stops_the_page_server(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [str(WGSIM), "serve", "--port", str(port)], cwd=ROOT, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 90
        while not _answers(url):
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        proc.terminate()
        proc.wait(timeout=20)
        deadline = time.monotonic() + 10
        while _answers(url) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not _answers(url), "the solara server outlived 'wgsim serve'"
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()


# --- the LAN for a class session (issue 31) -----------------------------------------------


@pytest.fixture
def served(wgsim_run, monkeypatch):
    """``wgsim serve ARGS`` in this process with the server not started: (code, out, err, host)."""
    from sim.page import serve

    hosts: list[str] = []
    monkeypatch.setattr(serve, "serve", lambda file, host, port, results: hosts.append(host) or 0)

    def call(*args: str, quiet: bool = False) -> tuple[int, str, str, str | None]:
        first = ["--quiet"] if quiet else []  # a global option, before the command
        code, out, err = wgsim_run(*first, "serve", "historical", "--port", str(free_port()), *args)
        return code, out, err, hosts[-1] if hosts else None

    return call


def test_serve_binds_this_machine_only_and_says_nothing_of_the_network(served):
    code, out, err, host = served()
    assert code == 0 and host == "127.0.0.1"
    assert "http://127.0.0.1:" in out
    assert "warning" not in err and "students open" not in err


@pytest.mark.parametrize(
    ("args", "quiet"), [(("--lan",), False), (("--host", "0.0.0.0"), False), (("--lan",), True)]
)
def test_serve_on_the_lan_warns_and_names_the_students_address(served, monkeypatch, args, quiet):
    from sim.page import serve

    monkeypatch.setattr(serve, "lan_addresses", lambda: ["10.1.2.3"])
    code, out, err, host = served(*args, quiet=quiet)
    assert code == 0 and host == "0.0.0.0" and "http://0.0.0.0:" in out
    flat = " ".join(err.split())
    assert "anyone who has a room's code can join" in flat and "no passwords" in flat
    assert "never on a public one" in flat
    assert "students open: http://10.1.2.3:" in flat


def test_serve_lan_with_another_host_is_refused(served):
    code, _, err, host = served("--lan", "--host", "10.9.9.9")
    assert code == 2 and host is None
    assert "--lan" in err and "10.9.9.9" in err and "Traceback" not in err


def test_exposure_on_one_address_names_it():
    from sim.page.serve import exposure

    assert exposure("127.0.0.1", 8765) == [] and exposure("localhost", 8765) == []
    lines = exposure("192.168.1.20", 8765)
    assert (
        lines[0].startswith("warning:") and lines[-1] == "students open: http://192.168.1.20:8765/"
    )


def test_on_the_lan_the_page_is_told_the_students_address(monkeypatch, tmp_path):
    from sim.page import serve

    envs: list[dict[str, str]] = []

    class Proc:
        def __init__(self, cmd, env):
            envs.append(env)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(serve.subprocess, "Popen", Proc)
    monkeypatch.setattr(serve, "lan_addresses", lambda: ["10.1.2.3"])
    monkeypatch.delenv(serve.ADDRESSES, raising=False)
    file = ROOT / "scenarios/historical.yaml"
    serve.serve(file, "127.0.0.1", 8765, tmp_path)
    serve.serve(file, "0.0.0.0", 8765, tmp_path)
    assert serve.ADDRESSES not in envs[0]
    assert envs[1][serve.ADDRESSES] == "http://10.1.2.3:8765/"
