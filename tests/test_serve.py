"""``wgsim serve``: inputs, the offline asset cache, and that stopping it stops the server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import solara

from sim.page.assets import Package, installed_requirements, required_packages
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
