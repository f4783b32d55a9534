"""The tutorial's screenshots of the page, taken again: ``python benchmarks/screenshots.py``.

Starts ``wgsim serve scenarios/historical.yaml`` on a free port, drives headless Chromium
(``/usr/bin/chromium``, through Playwright) to the states docs/tutorial.md shows and writes
the PNGs into docs/img (``--out`` elsewhere):

- ``page-one-run.png``: the page at 1366×768 after 40 weeks, with and without the WG;
- ``page-1920x1080.png``: the same at 1920×1080;
- ``page-1024x768.png``: the same at 1024×768 (a projector: the charts in two narrower
  columns);
- ``page-network-pipeline.png``: the actor networks and the pipeline at week 40;
- ``page-log.png``: the event log at week 40 (meetings and contacts hidden);
- ``page-about.png``: the "About this model" tab;
- ``page-many-seeds.png``: the many-seeds view after *Run 50 seeds*;
- ``page-roleplay.png``: the "Role-play" tab playing the Blue House, at its first decision;
- ``summary-seedN.png`` (N the seed): the *Printable summary* of the run at its end
  (downloaded from the page, opened in Chromium with the print style, its first printed
  page's height).

Each run is the page's starting seed (the first showcase seed,
``sim/page/showcase.json``) of the default comparison, stepped to exactly week 40, so the
shots show what the tutorial's text quotes. About two minutes.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.page.browser import (  # noqa: E402
    CHROMIUM,
    free_port,
    launch,
    start_server,
    wait_for_page,
)

SCENARIO = ROOT / "scenarios" / "historical.yaml"
WEEK = 40
WAIT = 180_000  # ms


def _weeks(pg: Any) -> list[int]:
    return [int(w) for w in re.findall(r"week (\d+) of", pg.inner_text(".wgsim-header"))]


def _to_week(pg: Any, week: int) -> None:
    """Play most of the way, then step: the page stops at exactly ``week``."""
    pg.get_by_role("button", name="Play", exact=True).click()
    pg.wait_for_function(
        "w => [...document.querySelector('.wgsim-header').innerText"
        ".matchAll(/week (\\d+) of/g)].every(m => Number(m[1]) >= w)",
        arg=week - 8,
    )
    pg.get_by_role("button", name="Pause", exact=True).click()
    pg.get_by_role("button", name="Play", exact=True).wait_for()
    while min(_weeks(pg)) < week:
        target = min(_weeks(pg)) + 1
        pg.get_by_role("button", name="Step one week", exact=True).click()
        pg.wait_for_function(
            "w => [...document.querySelector('.wgsim-header').innerText"
            ".matchAll(/week (\\d+) of/g)].every(m => Number(m[1]) >= w)",
            arg=target,
        )
    if _weeks(pg) != [week, week]:
        raise SystemExit(f"the page went past week {week}: {_weeks(pg)}")
    pg.locator(".wgsim-charts svg").first.wait_for()
    pg.wait_for_timeout(1500)  # the charts' last redraw (the widget waits 100 ms) and fonts


def _scroll_to(pg: Any, selector: str) -> None:
    """Scroll so that ``selector`` starts near the top of the window."""
    pg.locator(selector).evaluate("e => e.scrollIntoView({block: 'start'})")  # any scroller
    pg.wait_for_timeout(500)


def _settle(pg: Any) -> None:
    """Back to the top, the pointer out of the way, the tab's slide-in finished."""
    pg.mouse.move(5, 760)
    pg.locator(".wgsim-page").evaluate("e => e.scrollIntoView({block: 'start'})")
    pg.wait_for_timeout(1500)


def _open(browser: Any, url: str, width: int, height: int) -> Any:
    pg = browser.new_context(viewport={"width": width, "height": height}).new_page()
    pg.set_default_timeout(WAIT)
    pg.goto(url)
    pg.get_by_text(re.compile(r"week \d+ of")).first.wait_for()
    return pg


def _summary(pg: Any, out: Path) -> Path:
    """The run's printable summary at the end of the run, as printed (one page)."""
    pg.get_by_role("tab", name="The run").click()
    pg.get_by_role("button", name="Run to the end", exact=True).click()
    pg.get_by_text("Finished").first.wait_for()
    with pg.expect_download() as got:
        pg.get_by_role("button", name="Printable summary").click()
    html = Path(got.value.path()).read_text()
    paper = pg.context.browser.new_page(viewport={"width": 794, "height": 1123})  # A4, 96 dpi
    paper.set_content(html)
    paper.emulate_media(media="print")
    path = out / f"summary-seed{_seed(html)}.png"
    paper.screenshot(path=str(path), full_page=True)
    paper.close()
    return path


def _seed(html: str) -> str:
    found = re.search(r"seed (\d+)</title>", html)
    return found.group(1) if found else "unknown"


def shoot(url: str, out: Path, browser: Any) -> list[Path]:
    """Every screenshot of the tutorial, into ``out``; returns their paths."""
    done = []
    sizes = (
        (1366, 768, "page-one-run"),
        (1920, 1080, "page-1920x1080"),
        (1024, 768, "page-1024x768"),
    )
    for width, height, name in sizes:
        pg = _open(browser, url, width, height)
        _to_week(pg, WEEK)
        done.append(out / f"{name}.png")
        pg.screenshot(path=str(done[-1]))
        if width == 1366:
            for selector, shot in (
                (".wgsim-network", "page-network-pipeline"),
                (".wgsim-log", "page-log"),
            ):
                _scroll_to(pg, selector)
                done.append(out / f"{shot}.png")
                pg.screenshot(path=str(done[-1]))
            pg.get_by_role("tab", name="About this model").click()
            pg.get_by_text("What is the working group?").wait_for()
            _settle(pg)
            done.append(out / "page-about.png")
            pg.screenshot(path=str(done[-1]))
            pg.get_by_role("tab", name="Many seeds").click()
            pg.get_by_role("button", name="Run 50 seeds", exact=True).click()
            pg.get_by_text("Recommended teaching seed").wait_for()
            _settle(pg)
            done.append(out / "page-many-seeds.png")
            pg.screenshot(path=str(done[-1]))
            pg.get_by_role("tab", name="Role-play").click()
            pg.get_by_role("button", name="Play the Blue House", exact=True).click()
            pg.locator(".wgsim-decision").wait_for()
            _settle(pg)
            done.append(out / "page-roleplay.png")
            pg.screenshot(path=str(done[-1]))
            done.append(_summary(pg, out))
        pg.context.close()
    return done


def main() -> int:
    """Start the page, take the screenshots, stop the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start_server(SCENARIO, port, Path(tempfile.mkdtemp()), cwd=ROOT, source=ROOT)
    try:
        if not wait_for_page(url, proc):
            raise SystemExit("the page server did not start")
        with sync_playwright() as pw:
            browser = launch(pw)
            for path in shoot(url, args.out, browser):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
