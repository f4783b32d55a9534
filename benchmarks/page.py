"""wgsim page benchmark: Step-to-updated-view, a full run with Play, several sessions.

Run with ``python benchmarks/page.py`` (needs Chromium at /usr/bin/chromium and Playwright).
It starts ``wgsim serve`` on a free port and drives the page in headless Chromium:

- **step**: seconds from a click on *Step one week* until the header shows the new week
  *and* the charts have been redrawn (a ``MutationObserver`` on the chart panel: a node
  or an attribute changed, as when a line gains a week), over
  ``--steps`` clicks in the default comparison (two runs, with and without the WG);
- **full run**: seconds from *Play* at week 0 until the "Finished" message, and how many
  different weeks the header showed on the way (the view updates as it goes);
- **sessions**: the step time in one session while ``--sessions - 1`` others play.
- **class**: a class session (``--class-size N``, default 10; 0 leaves it out): a teacher
  opens a room (the page's default set-up: the pair with and without the WG) and N
  students join it, each in their own browser context (its own session, as on its own
  machine). While N - 2 students play, student 1 steps (click to its header and charts
  updated) and student N plays a whole run (Play to "Finished"); then, still while
  others play, the teacher view's refresh: from student 1's click on *Step one week* to
  the teacher's row showing the new week. ``--only-class`` measures only this.

It also times, in this process, the Python side of one week's view (the panels' data) and
of one whole redraw (a click on *Step one week* in a page rendered without a browser: the
panels' data, Solara's render and the widgets' updates) at weeks 10 and 180, and counts
the bytes the browser receives over the websocket per step. Figures go to stdout and, with
``--json``, to a file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.page.browser import (  # noqa: E402
    free_port,
    launch,
    start_server,
    wait_for_page,
)
from sim.page.charts import outcome_charts  # noqa: E402
from sim.page.data import in_flight  # noqa: E402
from sim.page.model import PageModel  # noqa: E402
from sim.page.score import scoreboard  # noqa: E402
from sim.page.story import log_rows  # noqa: E402
from sim.page.views import network_svg, pipeline_table  # noqa: E402

SCENARIO = ROOT / "scenarios" / "historical.yaml"
WATCH = """() => { window.__redrawn = false; const o = new MutationObserver(() => {
  window.__redrawn = true; }); o.observe(document.querySelector('.wgsim-charts'),
  {subtree: true, childList: true, attributes: true}); }"""


def python_view_seconds(week: int, rounds: int = 5) -> float:
    """Median seconds to compute one week's panels (both runs) in Python at ``week``."""
    model = PageModel(SCENARIO, None, "side", 0)
    for _ in range(week - 1):
        model.step()
        model.views()
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        views = [run.view() for run in model.runs]
        outcome_charts(views)
        scoreboard(views)
        pipeline_table(views)
        for v in views:
            log_rows(v)
            network_svg(v)
            in_flight(v.events, v.week)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def python_redraw_seconds(weeks: tuple[int, ...], rounds: int = 5) -> dict[int, float]:
    """Median seconds of one Step's whole redraw in Python at each of ``weeks``.

    The page is rendered in this process (no server, no browser) and its *Step one week*
    button clicked: this is the server's work per week and session.
    """
    import asyncio

    import ipyvuetify as v
    import solara

    from sim.page import app

    os.environ.setdefault("WGSIM_PAGE_RESULTS", tempfile.mkdtemp())
    os.environ["WGSIM_PAGE_FILE"] = str(SCENARIO)

    async def measure() -> dict[int, float]:
        _, rc = solara.render(app.Page(), handle_error=False)
        out, week = {}, 0

        def click() -> float:
            t0 = time.perf_counter()
            rc.find(v.Btn, children=["Step one week"]).widget.fire_event("click", {})
            return time.perf_counter() - t0

        for target in weeks:
            while week < target - 1:
                click()
                week += 1
                await asyncio.sleep(0)
            times = []
            for _ in range(rounds):
                times.append(click())
                week += 1
                await asyncio.sleep(0)
            out[target] = statistics.median(times)
        rc.close()
        return out

    return asyncio.run(measure())


def _serve(port: int) -> subprocess.Popen[bytes]:
    proc = start_server(SCENARIO, port, Path(tempfile.mkdtemp()), cwd=ROOT, source=ROOT)
    if not wait_for_page(f"http://127.0.0.1:{port}/", proc):
        proc.kill()
        raise SystemExit("the page server did not start")
    return proc


def _week(pg: Any) -> int:
    found = re.findall(r"week (\d+) of", pg.inner_text(".wgsim-header"))
    return min(int(w) for w in found)


def _open(browser: Any, url: str) -> Any:
    pg = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    pg.set_default_timeout(180_000)
    pg.bytes = received(pg)
    pg.goto(url)
    pg.get_by_text(re.compile(r"week \d+ of")).first.wait_for()
    pg.locator(".wgsim-charts svg").first.wait_for()
    return pg


def received(pg: Any) -> list[int]:
    """A counter of the bytes ``pg`` receives over its websockets (from now on)."""
    count = [0]

    def on_socket(ws: Any) -> None:
        ws.on("framereceived", lambda frame: count.__setitem__(0, count[0] + len(frame)))

    pg.on("websocket", on_socket)
    return count


def step_seconds(pg: Any, n: int) -> list[float]:
    """Click-to-updated-view seconds of ``n`` single steps."""
    out = []
    for _ in range(n):
        target = _week(pg) + 1
        pg.evaluate(WATCH)
        t0 = time.perf_counter()
        pg.get_by_role("button", name="Step one week", exact=True).click()
        try:
            pg.wait_for_function(
                "w => window.__redrawn && [...document.querySelector('.wgsim-header').innerText"
                ".matchAll(/week (\\d+) of/g)].every(m => Number(m[1]) >= w)",
                arg=target,
                polling=10,
                timeout=60_000,
            )
        except Exception:
            state = pg.evaluate(
                "() => [document.querySelector('.wgsim-header').innerText, window.__redrawn,"
                " document.querySelectorAll('.wgsim-charts').length]"
            )
            raise SystemExit(f"step to week {target} not shown after 60 s: {state}") from None
        out.append(time.perf_counter() - t0)
    return out


def reset(pg: Any) -> None:
    """Reset and wait for week 0."""
    pg.get_by_role("button", name="Reset", exact=True).click()
    pg.wait_for_function(
        "() => /week 0 of/.test(document.querySelector('.wgsim-header').innerText)"
    )


def full_run(pg: Any) -> tuple[float, int]:
    """Seconds of a whole run with Play, and the number of weeks seen on the way."""
    reset(pg)
    seen = set()
    t0 = time.perf_counter()
    pg.get_by_role("button", name="Play", exact=True).click()
    finished = pg.get_by_text("Finished: all")
    while not finished.count():
        seen.add(_week(pg))
        time.sleep(0.5)
    return time.perf_counter() - t0, len(seen)


def main() -> int:
    """Run the page benchmark and print (and optionally write) its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--class-size", type=int, default=10, help="students (0: no class)")
    parser.add_argument("--only-class", action="store_true", help="measure the class only")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    if not args.only_class:
        out["python_view_seconds_week10"] = python_view_seconds(10)
        out["python_view_seconds_week180"] = python_view_seconds(180)
        for week, seconds in python_redraw_seconds((10, 180)).items():
            out[f"python_redraw_seconds_week{week}"] = seconds
    port = free_port()
    proc = _serve(port)
    url = f"http://127.0.0.1:{port}/"
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            if args.class_size:
                out.update(class_session(browser, url, args.class_size, args.steps))
            if args.only_class:
                browser.close()
                return _report(out, args.json)
            pg = _open(browser, url)
            before = pg.bytes[0]
            steps = step_seconds(pg, args.steps)
            out["step_seconds_median"] = statistics.median(steps)
            out["step_seconds_max"] = max(steps)
            out["websocket_bytes_per_step_first_weeks"] = (pg.bytes[0] - before) // args.steps
            before = pg.bytes[0]
            seconds, weeks_seen = full_run(pg)
            out["full_run_seconds"] = seconds
            out["full_run_weeks_seen"] = weeks_seen
            out["websocket_bytes_full_run"] = pg.bytes[0] - before
            others = [_open(browser, url) for _ in range(args.sessions - 1)]
            reset(pg)
            for other in others:
                other.get_by_role("button", name="Play", exact=True).click()
            busy = step_seconds(pg, max(5, args.steps // 3))
            out["step_seconds_median_while_others_play"] = statistics.median(busy)
            out["step_seconds_max_while_others_play"] = max(busy)
            out["sessions"] = args.sessions
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return _report(out, args.json)


def _report(out: dict[str, Any], path: Path | None) -> int:
    for key, value in out.items():
        print(f"{key:42s} {value:.3f}" if isinstance(value, float) else f"{key:42s} {value}")
    if path:
        path.write_text(json.dumps(out, indent=2) + "\n")
    return 0


# --- a class session ---------------------------------------------------------------------

STUDENT = ".wgsim-student"


def _student_week(pg: Any) -> int:
    found = re.findall(r"week (\d+) of", pg.inner_text(f"{STUDENT} .wgsim-header"))
    return min(int(w) for w in found)


def _roster_week(teacher: Any, name: str) -> int:
    row = teacher.locator(".wgsim-roster tr").filter(has_text=name).first
    text = row.locator("td").nth(3).inner_text()
    return int(text.split()[0]) if text[0].isdigit() else 0


def _student_step(pg: Any) -> float:
    """Seconds from a click on *Step one week* to the student's header and charts updated."""
    target = _student_week(pg) + 1
    pg.evaluate(WATCH.replace("'.wgsim-charts'", f"'{STUDENT} .wgsim-charts'"))
    t0 = time.perf_counter()
    pg.get_by_role("button", name="Step one week", exact=True).click()
    pg.wait_for_function(
        f"w => window.__redrawn && [...document.querySelector('{STUDENT} .wgsim-header')"
        ".innerText.matchAll(/week (\\d+) of/g)].every(m => Number(m[1]) >= w)",
        arg=target,
        polling=10,
        timeout=120_000,
    )
    return time.perf_counter() - t0


def class_session(browser: Any, url: str, size: int, steps: int) -> dict[str, Any]:
    """The class figures: a teacher and ``size`` students (at least 2) in one room."""
    size = max(2, size)
    teacher = _open(browser, url)
    teacher.get_by_role("tab", name="Class session").click()
    teacher.get_by_role("button", name="Open a room").click()
    code = teacher.locator(".wgsim-code").inner_text().strip()
    students = []
    t0 = time.perf_counter()
    for k in range(1, size + 1):
        pg = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        pg.set_default_timeout(180_000)
        pg.goto(f"{url}?room={code}")
        pg.get_by_label("your name").fill(f"student {k:02d}")
        pg.get_by_role("button", name="Join the room").click()
        pg.locator(f"{STUDENT} .wgsim-charts svg").first.wait_for()
        students.append(pg)
    joined = time.perf_counter() - t0
    teacher.get_by_text(f"Students: {size}.").wait_for(timeout=60_000)
    first, runner, others = students[0], students[-1], students[1:-1]
    alone = [_student_step(first) for _ in range(5)]  # no one else playing
    for pg in others:
        pg.get_by_role("button", name="Play", exact=True).click()
    t_run = time.perf_counter()
    runner.get_by_role("button", name="Play", exact=True).click()
    step = [_student_step(first) for _ in range(steps)]
    refresh = []
    for _ in range(max(5, steps // 3)):
        target = _roster_week(teacher, "student 01") + 1
        t0 = time.perf_counter()
        first.get_by_role("button", name="Step one week", exact=True).click()
        teacher.wait_for_function(
            "([name, w]) => [...document.querySelectorAll('.wgsim-roster tr')].some(r => "
            "r.innerText.includes(name) && parseInt(r.cells[3].innerText) >= w)",
            arg=["student 01", target],
            polling=10,
            timeout=120_000,
        )
        refresh.append(time.perf_counter() - t0)
    playing = sum(1 for pg in [*others, runner] if pg.get_by_role("button", name="Pause").count())
    runner.get_by_text("Finished: all").wait_for(timeout=600_000)
    full = time.perf_counter() - t_run
    weeks = [_roster_week(teacher, f"student {k:02d}") for k in range(2, size + 1)]
    for pg in [teacher, *students]:
        pg.context.close()
    return {
        "class_size": size,
        "class_join_seconds_all": joined,
        "class_step_seconds_median_alone": statistics.median(alone),
        "class_step_seconds_median_while_others_play": statistics.median(step),
        "class_step_seconds_max_while_others_play": max(step),
        # the same run's ratio: the machine's load cancels out, mostly
        "class_step_ratio_while_others_play_to_alone": statistics.median(step)
        / statistics.median(alone),
        "class_full_run_seconds_while_others_play": full,
        "class_teacher_refresh_seconds_median": statistics.median(refresh),
        "class_teacher_refresh_seconds_max": max(refresh),
        "class_students_still_playing_after_the_steps": playing,
        "class_players_fewest_weeks_on_teacher_view": min(weeks),
    }


if __name__ == "__main__":
    sys.exit(main())
