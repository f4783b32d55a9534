"""The command line against hostile names and options, and what a researcher expects of it.

Issue 28: names with Rich markup or terminal escapes, out-of-range seeds and replication
counts, unreadable posteriors; ``--json`` on every command, ``--set`` overrides, shipped
files found from any folder, no progress bar before an error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.yaml"
ESC = "\x1b"


@pytest.fixture
def wgsim(wgsim_run):
    """Run ``wgsim ARGS`` in this process; (exit code, stdout, stderr)."""
    return wgsim_run


def scenario(folder: Path, body: str) -> Path:
    f = folder / "s.yaml"
    f.write_text(f"extends: {os.path.relpath(HISTORICAL, folder)}\n{body}")
    return f


# --- names echoed to the terminal ------------------------------------------------------------

NAMES = 'variants:\n  "[/]": {}\n  "\\e[31mred\\e[0m": {}\n  "[bold]b[/bold]": {}\n'


def test_names_with_markup_or_escapes_are_shown_as_written(wgsim, tmp_path):
    f = scenario(tmp_path, NAMES)
    code, out, err = wgsim("validate", f)
    assert code == 0, err
    assert "[/]" in out and "\\x1b[31mred\\x1b[0m" in out and "[bold]b[/bold]" in out
    assert ESC not in out + err


def test_a_run_of_a_variant_with_markup_in_its_name(wgsim, tmp_path):
    f = scenario(tmp_path, NAMES)
    code, out, err = wgsim("run", f, "--variant", "[/]", "--out", tmp_path / "r")
    assert code == 0, err
    assert "historical / [/], seed 0" in out
    code, out, err = wgsim("run", f, "--variant", "\x1b[2Jgone", "--out", tmp_path / "r2")
    assert code == 2 and "\\x1b[2Jgone" in err and ESC not in out + err


def test_an_escape_in_a_message_is_escaped(wgsim, tmp_path):
    f = scenario(
        tmp_path,
        "scenario:\n  shocks:\n"
        '    - {name: "\\e]0;owned\\a\\e[31m", date: 1999-01-04, effects: [{kind: summit}]}\n',
    )
    code, out, err = wgsim("validate", f)
    assert code == 2 and "lies outside the calendar" in err
    assert "\\x1b]0;owned\\x07\\x1b[31m" in err and ESC not in out + err and "\x07" not in err


# --- options checked before anything runs ------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_seed_beyond_64_bits_is_refused_before_running(wgsim, tmp_path, command):
    out = tmp_path / "out"
    code, _, err = wgsim(command, "historical", "--seed", str(2**63), "--out", out)
    assert code == 2 and "9223372036854775807" in err
    assert not out.exists()
    extra = ["-n", "1", "--workers", "1"] if command == "compare" else []
    code, _, err = wgsim(command, "historical", "--seed", str(2**63 - 1), "--out", out, *extra)
    assert code == 0, err


def test_replications_have_a_named_limit(wgsim, tmp_path):
    code, _, err = wgsim("compare", "historical", "-n", "100001", "--out", tmp_path / "o")
    assert code == 2 and "100000" in err and not (tmp_path / "o").exists()


@pytest.mark.parametrize("content", [b"root:x:0:0:root:/root:/bin/bash\n", bytes(range(256)) * 8])
def test_a_posterior_that_is_not_one_is_refused(wgsim, tmp_path, content):
    post = tmp_path / "post.csv"
    post.write_bytes(content)
    out = tmp_path / "out"
    code, _, err = wgsim("compare", "historical", "-n", "1", "--posterior", post, "--out", out)
    assert code == 2 and f"posterior {post}" in err and "expected a posterior.csv" in err
    assert "root:x" not in err and not out.exists()


def test_no_progress_bar_before_an_error(wgsim, tmp_path):
    bad = scenario(tmp_path, "scenario: {us: {win_set: 7}}\n")
    code, _, err = wgsim("compare", bad, "-n", "1", "--out", tmp_path / "o")
    assert code == 2 and err.startswith("error: invalid scenario"), repr(err)


# --- --json on every command -------------------------------------------------------------------


def test_validate_and_codebook_print_json(wgsim):
    code, out, _ = wgsim("validate", "historical", "cadence", "--json")
    doc = json.loads(out)
    assert code == 0 and [f["variants"] for f in doc["files"]] == [
        ["historical", "no-group"],
        ["ad-hoc", "regular"],
    ]
    code, out, _ = wgsim("codebook", "--json")
    book = json.loads(out)
    runs = {c["name"]: c for c in book["tables"]["runs"]["columns"]}
    assert code == 0 and runs["seed"]["type"] == "int" and "run_key" in runs


def test_experiment_prints_json(wgsim, tmp_path):
    code, out, err = wgsim(
        "-q", "experiment", "scope", "--quick", "--workers", "1", "--out", tmp_path / "e", "--json"
    )
    doc = json.loads(out)
    assert code == 0, err
    assert doc["points"] == 5 and doc["runs"] == 20 and Path(doc["report"]).is_file()


def test_calibrate_prints_json(wgsim, tmp_path, monkeypatch):
    from sim.studies.calibration import run as calibration

    summary = {"simulations": 40, "generations": 2, "acceptance_rate": 0.25, "wall_seconds": 3.0}
    monkeypatch.setattr(calibration, "calibrate", lambda *a, **k: summary)
    code, out, err = wgsim("calibrate", "historical", "--quick", "--out", tmp_path / "c", "--json")
    assert code == 0, err
    assert json.loads(out) == {"out": str(tmp_path / "c"), **summary}


# --- --set overrides ---------------------------------------------------------------------------


def test_set_overrides_every_variant_and_changes_the_digest(wgsim, tmp_path):
    _, plain, _ = wgsim("validate", "historical", "--json")
    code, out, _ = wgsim("validate", "historical", "--set", "working_group.scope=0.8", "--json")
    assert code == 0
    assert json.loads(out)["files"][0]["digest"] != json.loads(plain)["files"][0]["digest"]
    code, _, err = wgsim("validate", "historical", "--set", "us.win_set=2")
    assert code == 2 and "us.win_set" in err and "(got 2)" in err
    code, _, err = wgsim("validate", "historical", "--set", "us.win_set")
    assert code == 2 and "expected PATH=VALUE" in err
    code, _, err = wgsim("validate", "historical", "--set", "us.nope=1")
    assert code == 2 and "no field 'nope'" in err


def test_set_reaches_the_runs(wgsim, tmp_path):
    never = ["--set", "working_group.establishment=never", "--set", "working_group.agreed_on=null"]
    code, out, err = wgsim("run", "historical", *never, "--out", tmp_path / "r", "--json")
    assert code == 0, err
    assert json.loads(out)["metrics"]["n_wg_meeting"] == 0
    assert (
        "--set working_group.establishment='never'"
        in json.loads((tmp_path / "r" / "manifest.json").read_text())["scenario_text"]
    )
    code, _, err = wgsim(
        "-q", "compare", "historical", "-n", "2", "-w", "1", *never, "--out", tmp_path / "c"
    )
    assert code == 0, err
    runs = pd.read_parquet(tmp_path / "c" / "runs.parquet")
    assert len(runs) == 4 and (runs["n_wg_meeting"] == 0).all()


# --- an installed copy as capable as a checkout ------------------------------------------------


def test_the_readmes_posterior_path_works_from_any_folder(wgsim, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = wgsim(
        "-q",
        "compare",
        "historical",
        "-n",
        "1",
        "--posterior",
        "calibration/posterior/posterior.csv",
        "--workers",
        "1",
        "--out",
        "c",
    )
    assert code == 0, err
    manifest = json.loads((tmp_path / "c" / "manifest.json").read_text())
    assert Path(manifest["posterior"]).is_file()


def test_serve_tells_how_to_cache_the_assets_without_a_makefile(wgsim, monkeypatch):
    from sim.page import assets, serve

    monkeypatch.setattr(assets, "missing", lambda *a: True)
    monkeypatch.setattr(serve, "check_port", lambda *a: None)
    monkeypatch.setattr(serve, "serve", lambda *a: 0)
    code, _, err = wgsim("serve", "historical", "--port", "65001")
    assert code == 0 and "-m sim.page.assets" in err
    assert "(run 'make setup')" not in err


def test_a_large_batch_is_planned_in_seconds(historical):
    """``-n 100000`` showed nothing for minutes: every job hashed the whole file again."""
    import time

    from sim.studies.comparison.run import compare_jobs

    t0 = time.process_time()
    jobs, _, _ = compare_jobs(historical, 10_000, 0)
    assert len(jobs) == 20_000 and time.process_time() - t0 < 5


CONTROL = {chr(c) for c in range(32) if chr(c) != "\n"} | {"\x7f", "\u202e", "\u2066"}


@settings(
    database=None,
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=st.lists(
        st.characters(exclude_categories=["Cn"])
        | st.sampled_from(["[", "]", "[/]", "\x1b[31m", "\x07", "\u202e", "\ud800"]),
        min_size=1,
        max_size=20,
    ).map("".join),
    where=st.sampled_from(["variant", "scenario", "shock"]),
)
def test_any_name_is_accepted_or_refused_and_never_reaches_the_terminal_raw(
    wgsim, tmp_path, name, where
):
    quoted = json.dumps(name)  # a YAML double-quoted scalar, escapes and all
    body = {
        "variant": f"variants:\n  {quoted}: {{}}\n",
        "scenario": f"scenario: {{name: {quoted}}}\n",
        "shock": "scenario:\n  shocks:\n"
        f"    - {{name: {quoted}, date: 1990-01-01, effects: [{{kind: summit}}]}}\n",
    }[where]
    code, out, err = wgsim("validate", scenario(tmp_path, body))
    assert code in (0, 2), err
    assert not CONTROL & set(out + err), repr(out + err)
    assert not any("\ud800" <= c <= "\udfff" for c in out + err)


def _wait_until_caught(pid: int, signum: int) -> None:
    """Until process ``pid`` has a handler for ``signum`` (Linux: SigCgt in its status)."""
    import time

    status = Path(f"/proc/{pid}/status")
    for _ in range(3000):  # 30 s: a loaded machine starts Python slowly
        caught = next(
            (ln.split()[1] for ln in status.read_text().splitlines() if ln.startswith("SigCgt")),
            "0",
        )
        if int(caught, 16) >> (signum - 1) & 1:
            return
        time.sleep(0.01)
    raise AssertionError(f"wgsim never caught signal {signum}")


@pytest.mark.parametrize("signum", [2, 15])  # SIGINT (Ctrl-C), SIGTERM
def test_a_signal_while_the_command_loads_exits_130_without_a_traceback(tmp_path, signum):
    import signal
    import subprocess
    import sys
    import time

    wgsim = Path(sys.executable).with_name("wgsim")
    # from the moment wgsim catches the signal (before that Python itself is starting and
    # its own handling applies: nothing of wgsim's has run), then while Typer, rich
    # and the commands are being imported and the command is being set up
    for delay in (0.0, 0.15, 0.4):
        out = tmp_path / f"out-{signum}-{delay}"
        proc = subprocess.Popen(
            [str(wgsim), "compare", "historical", "-n", "200", "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_until_caught(proc.pid, 15)  # wgsim sets SIGINT's handler, then SIGTERM's
        time.sleep(delay)
        proc.send_signal(signal.Signals(signum))
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, (delay, proc.returncode, err[-500:])
        assert "Traceback" not in err and "Aborted" not in err


def test_ctrl_c_while_the_command_is_set_up_exits_130_quietly(monkeypatch, capsys):
    """A Ctrl-C after the app has loaded but before a batch runs (Typer building the
    command from its type hints: a loaded CI run hit it) is no traceback either."""
    from sim.cli import app as cli_app

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_app, "app", interrupted)
    with pytest.raises(SystemExit) as stopped:
        cli_app.main()
    assert stopped.value.code == 130
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
