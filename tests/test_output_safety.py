"""Output folders: bad --out paths, names that would become paths, and the manifest's attempts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WGSIM = Path(sys.executable).parent / "wgsim"
HISTORICAL = ROOT / "scenarios" / "historical.yaml"


@pytest.fixture
def wgsim(wgsim_text):
    return wgsim_text


def bad_outs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    return {
        "an existing file": (a_file, "it exists and is not a folder"),
        "under a file": (a_file / "sub", "is a file, not a folder"),
        "in /proc": (Path("/proc/wgsim-out"), "cannot write results to /proc/wgsim-out"),
    }


@pytest.mark.parametrize("case", ["an existing file", "under a file", "in /proc"])
@pytest.mark.parametrize("command", ["run", "compare"])
def test_an_unusable_out_folder_gets_one_clear_message(wgsim, tmp_path, case, command):
    out, needle = bad_outs(tmp_path)[case]
    extra = ["-n", "2", "--workers", "1"] if command == "compare" else []
    code, text = wgsim(command, HISTORICAL, *extra, "--out", out)
    assert code == 2, text
    assert "Traceback" not in text and needle in text and str(out) in text


def test_names_never_become_paths_outside_the_output_folder(wgsim, tmp_path, monkeypatch):
    escape = tmp_path / "escaped"
    f = tmp_path / "names.yaml"
    f.write_text(
        f"extends: {os.path.relpath(HISTORICAL, tmp_path)}\n"
        f"scenario:\n  name: {escape}/x\n"
        "variants:\n  '../../../escv': {}\n  other:\n    overrides: {rok: {violation_prob: 0.0}}\n"
    )
    monkeypatch.chdir(tmp_path)
    code, text = wgsim("run", f, "--variant", "../../../escv")
    assert code == 0, text
    code, text = wgsim("compare", f, "-n", "2", "--workers", "1", "--out", tmp_path / "cmp")
    assert code == 0, text
    assert not escape.exists()
    written = {p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*") if p != f}
    assert written == {"results", "cmp"}, written
    (folder,) = (tmp_path / "results").iterdir()
    assert ".." not in folder.name and len(folder.name) <= 120
    assert (tmp_path / "cmp" / "timeline_escv.png").exists()


def test_a_corrupt_manifest_is_a_clear_error(wgsim, tmp_path):
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "manifest.json").write_text('{"kind": "compare", "scen')
    code, text = wgsim("compare", HISTORICAL, "-n", "2", "--workers", "1", "--out", out)
    assert code == 2 and "Traceback" not in text
    assert "manifest.json is unreadable" in text


def test_the_manifest_records_each_attempt_and_how_it_ended(tmp_path):
    out = tmp_path / "cmp"
    cmd = [WGSIM, "compare", HISTORICAL, "-n", "300", "--workers", "1", "--out", out]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not list((out / "parts").glob("chunk-*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until a first chunk is on disk, then stop the batch
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    (first,) = manifest["attempts"]
    assert first["status"] == "interrupted" and first["pid"] == proc.pid and "finished" in first
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert [a["status"] for a in manifest["attempts"]] == ["interrupted", "complete"]
    assert manifest["status"] == "complete" and manifest["started"] == first["started"]
    assert manifest["attempts"][1]["pid"] != os.getpid()


def test_a_resume_that_would_mix_or_lose_results_is_refused_at_start(wgsim, tmp_path):
    out = tmp_path / "cmp"
    base = ["compare", HISTORICAL, "--workers", "1", "--out", out]
    assert wgsim(*base, "-n", "3")[0] == 0
    for extra, needle in (
        (["-n", "2"], "holds 3 replications per variant, more than the 2 asked for"),
        (["-n", "3", "--events"], "was run without --events"),
        (["-n", "3", "--seed", "1"], "choose another --out"),
    ):
        code, text = wgsim(*base, *extra)
        assert code == 2 and needle in text and "Traceback" not in text, text
    assert wgsim(*base, "-n", "4")[0] == 0  # more replications extend the batch
    (out / "manifest.json").unlink()
    code, text = wgsim(*base, "-n", "4")
    assert code == 2 and "holds results but no manifest.json" in text


def test_run_keys_carry_the_seed():
    from sim.runs.jobs import Job

    a = Job({"variant": "v", "replication": 0}, "digest:v", 1)
    b = Job({"variant": "v", "replication": 0}, "digest:v", 2)
    assert a.key != b.key and "seed=1" in a.key


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-n", "1000000000000"], "--replications"),
        (["-n", "2", "--workers", "100000"], "--workers"),
    ],
)
def test_batch_sizes_are_bounded(wgsim, tmp_path, args, needle):
    code, text = wgsim("compare", HISTORICAL, *args, "--out", tmp_path / "x")
    assert code == 2 and needle in text and "Traceback" not in text
    assert not (tmp_path / "x").exists()


def test_names_are_printed_as_written(wgsim, tmp_path):
    f = tmp_path / "odd.yaml"
    rel = os.path.relpath(HISTORICAL, tmp_path)
    f.write_text(f"extends: {rel}\nvariants:\n  ':x: [bold red]v[/]': {{}}\n")
    code, text = wgsim("run", f, "--variant", "nope", "--out", tmp_path / "o")
    assert code == 2
    assert ":x: [bold red]v[/]" in text and "❌" not in text


def test_output_files_honour_the_umask(tmp_path):
    from sim.runs.store import atomic_write_bytes

    old = os.umask(0o022)
    try:
        path = atomic_write_bytes(tmp_path / "f.bin", b"data")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
