"""A class session in headless Chromium (issue 31): a teacher's room, two students' runs.

One ``wgsim serve`` and one browser with three contexts (a teacher, two students: separate
sessions, as separate machines would be). Waits are on what the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.page.browser import CHROMIUM, ServerDidNotStart, launch, serving

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "results" / "test-artifacts"
WAIT = 90_000  # ms: the machine is shared
HOSTILE = "<img src=x onerror=pwned=1>{{7*191}}"  # within NAME_LENGTH


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    base = tmp_path_factory.mktemp("class")
    with (base / "server.log").open("w") as log:
        try:
            with serving(ROOT / "scenarios/historical.yaml", base, log, cwd=ROOT) as url:
                yield url
        except ServerDidNotStart as exc:
            pytest.fail(str(exc))


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


def _page(browser, url: str):
    pg = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    pg.set_default_timeout(WAIT)
    pg.bad = []
    pg.on("pageerror", lambda e: pg.bad.append(f"page error: {e}"))
    pg.goto(url)
    return pg


def _tab(pg) -> None:
    pg.get_by_role("tab", name="Class session").click()


def _join(pg, code: str, name: str) -> None:
    pg.get_by_label("room code").first.fill(code)
    pg.get_by_label("your name").fill(name)
    pg.get_by_role("button", name="Join the room").click()


def _wait_row(teacher, name: str, week: int) -> None:
    """Until the teacher's row of ``name`` shows ``week`` or later."""
    teacher.wait_for_function(
        "([name, w]) => [...document.querySelectorAll('.wgsim-roster tr')].some(r => "
        "r.innerText.includes(name) && parseInt(r.cells[3].innerText) >= w)",
        arg=[name, week],
    )


def _roster_week(teacher, name_cell: str) -> str:
    row = teacher.locator(".wgsim-roster tr").filter(has_text=name_cell)
    return row.locator("td").nth(3).inner_text()


def test_a_class_joins_a_room_and_the_teacher_sees_a_student_step(browser, server):
    teacher = _page(browser, server)
    _tab(teacher)
    teacher.get_by_role("button", name="Open a room").click()
    code = teacher.locator(".wgsim-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    assert "No student has joined yet" in teacher.inner_text(".wgsim-roster")

    ada = _page(browser, f"{server}?room={code}")  # a link with the code opens the tab
    ada.get_by_label("your name").fill("Ada")
    ada.get_by_role("button", name="Join the room").click()
    ada.get_by_text(f"Room {code}: Ada's run").wait_for()

    bo = _page(browser, server)
    _tab(bo)
    _join(bo, "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY", "Bo")  # a wrong code
    bo.get_by_text("No open room has this code").wait_for()
    assert bo.get_by_role("button", name="Step one week").count() == 0
    # the code does not open the teacher view: the teacher key does
    bo.get_by_label("room code").nth(1).fill(code)
    bo.get_by_label("teacher key").fill(code)
    bo.get_by_role("button", name="Open the teacher view").click()
    bo.get_by_text("teacher key does not open").wait_for()
    assert bo.locator(".wgsim-roster").count() == 0
    _join(bo, code.lower(), HOSTILE)
    bo.get_by_role("button", name="Step one week").wait_for()

    roster = teacher.locator(".wgsim-roster")
    roster.get_by_text("Ada").wait_for()
    roster.get_by_text(HOSTILE).wait_for()  # the name as text, not an image or a template
    assert _roster_week(teacher, "Ada") == "joined"

    for week in (1, 2):
        ada.get_by_role("button", name="Step one week").click()
        ada.locator(".wgsim-header").get_by_text(f"week {week} of").first.wait_for()
        _wait_row(teacher, "Ada", week)
    assert _roster_week(teacher, HOSTILE[:10]) == "joined"  # Bo has not stepped
    # the address keeps the room and Ada's seat: a reload takes her back to her run
    assert f"room={code}" in ada.url and "seat=" in ada.url, ada.url
    ada.reload()
    ada.locator(".wgsim-student .wgsim-header").get_by_text("week 2 of").first.wait_for()
    ada.get_by_role("button", name="Step one week").click()
    _wait_row(teacher, "Ada", 3)
    assert teacher.locator(".wgsim-roster tr").filter(has_text="Ada").count() == 1
    forged = _page(browser, f"{server}?room={code}&seat=forged")  # a seat not given
    _tab(forged)  # opens on the tab: the warning, and the join form with the code
    forged.locator(".wgsim-resume-problem").get_by_text("not in this room").wait_for()
    assert forged.get_by_role("button", name="Step one week").count() == 0
    assert forged.get_by_label("room code").first.input_value() == code
    forged.context.close()
    bo.get_by_role("button", name="Play", exact=True).click()  # Bo plays, then jumps
    _wait_row(teacher, HOSTILE[:10], 3)
    bo.get_by_role("button", name="Pause", exact=True).click()
    bo.get_by_role("button", name="Run to the end").click()
    bo.get_by_text("Finished: all 186 weeks").wait_for()
    _wait_row(teacher, HOSTILE[:10], 186)
    assert _roster_week(teacher, "Ada") == "3 of 186"
    assert teacher.evaluate("() => window.pwned") is None
    assert "1337" not in teacher.inner_text(".wgsim-roster")

    # the teacher key: hidden until asked for (the view is often projected); it reopens
    # the teacher view after a reload
    assert "Teacher key" not in teacher.inner_text(".wgsim-teacher")
    teacher.get_by_role("button", name="Show the teacher key").click()
    shown = teacher.get_by_text(re.compile(r"Teacher key .*: [A-Z2-9]{10}$"))
    key = shown.inner_text().rsplit(" ", 1)[-1]
    assert f"room={code}" in teacher.url and "seat=" not in teacher.url  # never the key
    teacher.reload()
    _tab(teacher)
    assert teacher.get_by_label("room code").nth(1).input_value() == code  # from the address
    teacher.get_by_label("teacher key").fill(key)
    teacher.get_by_role("button", name="Open the teacher view").click()
    teacher.locator(".wgsim-roster").get_by_text("Ada").wait_for()
    assert _roster_week(teacher, "Ada") == "3 of 186"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    teacher.screenshot(path=str(ARTIFACTS / "class_teacher.png"), full_page=True)
    ada.screenshot(path=str(ARTIFACTS / "class_student.png"))
    teacher.get_by_role("button", name="Close the room").click()
    ada.get_by_role("button", name="Step one week").click()
    ada.get_by_text("Your run goes on, but your teacher no longer sees it").wait_for()
    for pg in (teacher, ada, bo):
        assert pg.bad == [], pg.bad
        pg.context.close()


def _choose(pg, label: str, option: str) -> None:
    box = pg.locator(".v-select").filter(has=pg.locator("label", has_text=label)).first
    box.click()
    pg.get_by_role("option", name=option, exact=True).click()
    pg.locator(".menuable__content__active").wait_for(state="detached")


def _answers(teacher) -> int:
    cells = teacher.locator(".wgsim-ministries tbody tr td:nth-child(4)").all_inner_texts()
    return sum(int(c) for c in cells if c.isdigit())


def _week(teacher) -> int:
    return int(re.search(r"Week (\d+) of", teacher.inner_text(".wgsim-turn")).group(1))


def test_a_class_plays_one_shared_run_a_ministry_each(browser, server):
    teacher = _page(browser, server)
    _tab(teacher)
    _choose(teacher, "runs", "one shared run, a ministry each")
    teacher.get_by_role("button", name="Open a room").click()
    code = teacher.locator(".wgsim-code").inner_text().strip()
    teacher.locator(".wgsim-turn").get_by_text("No ministry is taken yet").wait_for()

    ada = _page(browser, f"{server}?room={code}")
    _join(ada, code, "Ada")
    ada.get_by_role("button", name="Take the Blue House").click()
    ada.get_by_text("the Blue House: Ada (you)").wait_for()
    bo = _page(browser, f"{server}?room={code}")
    _join(bo, code, "Bo")
    bo.get_by_text("the Blue House: Ada;").wait_for()
    assert bo.get_by_role("button", name="Take the Blue House").count() == 0  # taken
    bo.get_by_role("button", name="Take the State Department").click()
    bo.get_by_text("the State Department: Bo (you)").wait_for()
    table = teacher.locator(".wgsim-ministries")
    table.get_by_text("Ada").wait_for()
    table.get_by_text("Bo").wait_for()

    pages = {"Ada": ada, "Bo": bo}
    start, played = _week(teacher), set()
    for n in range(20):
        turn = teacher.inner_text(".wgsim-turn")
        who = re.search(r"Waiting for .* \((Ada|Bo)\)\.", turn).group(1)
        other = "Bo" if who == "Ada" else "Ada"
        mine, theirs = pages[who], pages[other]
        mine.locator(".wgsim-decision .wgsim-choice").first.wait_for()
        ministry = turn.split("Waiting for ", 1)[1].rstrip(".")
        theirs.locator(".wgsim-waiting").get_by_text(f"Waiting for {ministry}").wait_for()
        assert theirs.locator(".wgsim-decision").count() == 0  # no card out of turn
        if n == 0:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            mine.screenshot(path=str(ARTIFACTS / "class_shared_card.png"), full_page=True)
        mine.locator(".wgsim-decision .wgsim-choice").first.click()
        played.add(who)
        teacher.wait_for_function(
            "n => [...document.querySelectorAll('.wgsim-ministries tbody tr td:nth-child(4)')]"
            ".map(c => parseInt(c.innerText) || 0).reduce((a, b) => a + b, 0) > n",
            arg=n,
        )
        if played == {"Ada", "Bo"} and _week(teacher) > start:
            break
    assert played == {"Ada", "Bo"} and _week(teacher) > start, (played, start)
    assert _answers(teacher) == n + 1
    # Bo reloads: the address's seat gives him his ministry back
    bo.reload()
    bo.get_by_text("the State Department: Bo (you)").wait_for()
    # then Bo leaves for good: the teacher gives State back to the model and the run,
    # which waits only for Ada now, goes on
    teacher.get_by_role("button", name="Give the State Department back to the model").click()
    table.get_by_text("the model (given back)").wait_for()
    bo.locator(".wgsim-given-back").wait_for()
    for _ in range(6):
        turn = teacher.inner_text(".wgsim-turn")
        if "ended" in turn:
            break
        assert "(Ada)" in turn, turn
        moves = _answers(teacher)
        ada.locator(".wgsim-decision .wgsim-choice").first.click()
        teacher.wait_for_function(
            "n => [...document.querySelectorAll('.wgsim-ministries tbody tr td:nth-child(4)')]"
            ".map(c => parseInt(c.innerText) || 0).reduce((a, b) => a + b, 0) > n",
            arg=moves,
        )
    assert bo.locator(".wgsim-decision").count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    teacher.screenshot(path=str(ARTIFACTS / "class_shared_teacher.png"), full_page=True)
    ada.screenshot(path=str(ARTIFACTS / "class_shared_student.png"), full_page=True)
    for pg in (teacher, ada, bo):
        assert pg.bad == [], pg.bad
        pg.context.close()
