"""The installable package: build the wheel, install it outside the checkout, use it.

The wheel is installed without dependencies into a fresh virtual environment whose
``.pth`` file points at this environment's site-packages for them (a ``.pth`` line adds
the folder but not the ``.pth`` files in it, so this environment's editable wgsim stays
out), and run from an empty folder with no PYTHONPATH: only the wheel's files are there.
The dependencies' data files outside site-packages (Jupyter's widget configuration in
``etc/``, Solara's asset cache in ``share/``) are linked in, as installing them would.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path

import pytest
from conftest import ROOT

UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
NOT_SOURCE = (
    ".git",
    ".venv",
    "results",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wgsim script, environment, empty working folder) of the installed wheel."""
    if UV is None:
        pytest.skip("uv is needed to build the wheel (make setup installs it)")
    base = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools keeps build/ in the source tree, and a module deleted
    # since an earlier build would linger there and be packaged again.
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    build = subprocess.run(
        [UV, "build", "--wheel", "--out-dir", str(base / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = (base / "dist").glob("wgsim-*.whl")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    (site / "deps-from-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    for data in ("etc", "share"):
        if (Path(sys.prefix) / data).is_dir():
            (env_dir / data).symlink_to(Path(sys.prefix) / data)
    install = subprocess.run(
        [UV, "pip", "install", "--no-deps", "--offline", "--python", str(python), str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    empty = base / "empty"
    empty.mkdir()
    return env_dir / "bin" / "wgsim", env, empty


def _wgsim(installed, *args, timeout=120):
    script, env, cwd = installed
    return subprocess.run(
        [str(script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_the_wheel_runs_the_historical_scenario_from_an_empty_folder(installed):
    script, _, empty = installed
    listing = _wgsim(installed, "scenarios", "--json")
    assert listing.returncode == 0, listing.stderr
    folder = Path(json.loads(listing.stdout)["folder"])
    assert folder.is_relative_to(script.parents[1]), "the shipped files come from the wheel"
    assert not folder.is_relative_to(ROOT)
    names = {f["name"] for f in json.loads(listing.stdout)["files"] if f["kind"] == "scenario"}
    assert {"historical", "cadence", "scope"} <= names
    res = _wgsim(installed, "run", "historical", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["scenario"] == "historical" and doc["metrics"]["n_wg_meeting"] > 0
    assert (empty / doc["out"] / "events.parquet").exists()
    manifest = json.loads((empty / doc["out"] / "manifest.json").read_text())
    assert Path(manifest["scenario_path"]).is_relative_to(folder)  # calibrated values found


def test_the_wheel_serves_the_page_from_an_empty_folder(installed):
    script, env, empty = installed
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    log = (empty.parent / "serve.log").open("w")
    proc = subprocess.Popen(
        [str(script), "serve", "--port", str(port)], cwd=empty, env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, (empty.parent / "serve.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "the page did not answer within 90 s"
                time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    assert proc.returncode in (0, 143)  # 143: ended by SIGTERM, as a shell reports it
    try:
        urllib.request.urlopen(url, timeout=2)
    except OSError:
        pass
    else:
        pytest.fail("the page server outlived 'wgsim serve'")
