"""The printable one-page run summary (issue 31): what it holds, and ``wgsim summary``.

The page's button and the one-page print are checked in a browser in
tests/test_page_browser.py (test_printable_summary_...).
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from sim.page.model import PageModel
from sim.page.score import number, scoreboard
from sim.page.settings import DEFAULT_SEED
from sim.page.story import log_rows
from sim.page.summary import KEY_KINDS, KEY_MAX, info_for, key_lines, summary_html, timeline

ROOT = Path(__file__).resolve().parents[1]
HIST = ROOT / "scenarios" / "historical.yaml"
MODE = "with and without the WG (same seed)"


@pytest.fixture(scope="module")
def finished() -> PageModel:
    m = PageModel(HIST, None, "side", DEFAULT_SEED, {"legitimacy.denunciation_loss": 0.0})
    while not m.finished:
        m.step()
    return m


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_summary_holds_the_set_up_scoreboard_charts_timeline_and_key_lines(finished):
    views = finished.views()
    info = info_for(HIST, None, MODE, DEFAULT_SEED, {"legitimacy.denunciation_loss": 0.0})
    html = summary_html(views, info)
    text = _text(html)
    assert "historical.yaml / historical" in text and f"seed {DEFAULT_SEED}" in text
    assert info.description and info.description in text  # the file's own description
    assert "Damage per DPRK denunciation: 12% of its standing → 0% of its standing" in text
    # the scoreboard: every line with each run's number and the difference, in order
    rows = re.findall(r"<tr><th>(.*?)</tr>", html.split("<tbody>")[1].split("</table>")[0])
    lines = scoreboard(views)
    assert len(rows) >= len(lines)
    for line, row in zip(lines, rows, strict=False):
        cells = re.findall(r"<td>(?:<b>)?([^<]*)", row)
        expected = [number(v) for v in line.values] + [number(line.difference, signed=True)]
        assert cells == expected, line.name
    # two inline SVG charts, each with one line per run; no external resource at all
    assert html.count("<svg") == 2 and html.count("<polyline") == 4
    assert not re.search(r"(src|href)=\"?(https?:|/)", html)
    # the WG's timeline as the log has it
    t = timeline(views[0])
    ev = views[0].events
    assert t.meetings == int((ev["kind"] == "wg_meeting").sum()) > 0
    assert f"created {t.created}" in text and f"{t.meetings} meetings" in text
    assert ("ended " + t.ended if t.ended else "lasts to the end") in text
    assert re.search(r"no group\s*: no working group", text)
    # key lines: by the stated rule, oldest first, and each in the page
    for v in views:
        rows_all = [r for r in log_rows(v) if r.kind in KEY_KINDS]
        assert key_lines(v) == rows_all[:KEY_MAX]
        for r in key_lines(v):
            assert r.text in text
    assert "surprise" in {r.kind for r in key_lines(views[1])}


def test_the_log_never_says_nan(finished):
    """The WG's end was told 'when WG legitimacy was nan' (the series has no value then)."""
    ended = [r for r in log_rows(finished.views()[0]) if r.kind == "wg_terminated"]
    assert ended and all("nan" not in r.because for r in ended)


def test_wgsim_summary_writes_a_fresh_or_stored_run_and_refuses_bad_input(
    wgsim_run, tmp_path, finished
):
    out = tmp_path / "s.html"
    loss = "legitimacy.denunciation_loss=0"
    code, _, err = wgsim_run(
        "summary", "historical", "--seed", DEFAULT_SEED, "--set", loss, "-o", out
    )
    assert code == 0, err
    overrides = {"legitimacy.denunciation_loss": 0}
    page = summary_html(
        finished.views(), info_for(HIST, "historical", MODE, DEFAULT_SEED, overrides)
    )
    written = out.read_text()
    again = r'<p class="note">Again: .*?</p>'
    assert re.sub(again, "", written) == page  # the page's summary of the same run
    assert f"wgsim summary historical --variant historical --seed {DEFAULT_SEED} --set" in written
    run = tmp_path / "r"
    assert wgsim_run("-q", "run", "historical", "--seed", 3, "-o", run)[0] == 0
    code, _, err = wgsim_run("summary", "--run", run, "-o", tmp_path / "r.html")
    assert code == 0, err
    assert "r / historical" in _text((tmp_path / "r.html").read_text())
    batch = tmp_path / "batch"  # a compare --events folder: runs keyed by replication
    batch.mkdir()
    for table in ("events", "series"):
        df = pd.read_parquet(run / f"{table}.parquet")
        df.assign(variant="historical", replication=0, seed=3).to_parquet(
            batch / f"{table}.parquet"
        )
    for args, says in (
        (("--run", batch), "a batch folder (many runs)"),
        ((), "give a scenario FILE or --run FOLDER"),
        (("historical", "--variant", "nope"), "unknown variant 'nope'"),
        (("--run", tmp_path / "nothing"), "not a folder written by 'wgsim run'"),
        (("historical", "-o", tmp_path), "is a folder; name an HTML file"),
        (("historical", "--set", "working_group.scope=3"), "working_group.scope"),
    ):
        code, _, err = wgsim_run("summary", *args)
        assert code == 2 and says in err and "Traceback" not in err, (args, err)
