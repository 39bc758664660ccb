"""`parley web` in a real browser: Debian's headless Chromium, driven by Playwright.

The real commands run as processes (`parley serve`, `parley host`, `parley web`, on free
ports); the page is opened as a student would; what the student sees is read from the
terminal bytes the page receives (TerminalReader) and from a screenshot of the page.
Nothing is downloaded: Playwright is given the system's /usr/bin/chromium (`.ci/run` installs
it with apt-get).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_helpers import Command, TerminalReader, run_parley

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium "
                                       "(.ci/run installs it: apt-get install chromium)")


@pytest.fixture
def class_on_the_web(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A game server, a tutorial class of one room with bots in two seats, and `parley web`."""
    serve = Command(["serve", "--port", "0", "--db", str(tmp_path / "parley.db")], tmp_path,
                    r"on (ws://[\d.]+:\d+)")
    web = None
    try:
        opened = json.loads(run_parley(["host", "tutorial", "--server", serve.address, "--bots",
                                        "lowland,commission", "--start", "--json"], tmp_path))
        web = Command(["web", "--server", serve.address, "--port", "0"], tmp_path,
                      r"Parley web on (http://\S+)")
        seats = {s["delegation"]: s["code"] for s in opened["rooms"][0]["seats"]}
        yield {"url": web.address, "code": seats["upland"], "server": serve.address}
    finally:
        if web is not None:
            web.stop()
        serve.stop()


class Student:
    """One browser tab: keys and clicks in, the terminal's words out."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.reader = TerminalReader()
        page.on("websocket", self._attach)

    def _attach(self, ws: Any) -> None:
        ws.on("framereceived", self.reader.received)
        ws.on("framesent", self.reader.sent)

    def open(self, url: str, click: bool = True) -> None:
        self.reader = TerminalReader()
        self.page.goto(url)
        self.wait_for("Join code")
        if click:
            self.page.locator("textarea.xterm-helper-textarea").focus()

    def wait_for(self, words: str, timeout: float = 30, gone: bool = False) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.reader.text
            if (words in text) != gone:
                return text
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{'still' if gone else 'never'} saw {words!r}; the screen:\n{self.reader.text}")

    def type(self, text: str) -> None:
        """Type like a person, and wait until the words are on the screen."""
        self.page.keyboard.type(text, delay=20)
        self.wait_for(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def click_cell(self, column: int, row: int) -> None:
        box = self.page.locator(".xterm-screen").bounding_box()
        width = box["width"] / self.reader.screen.columns
        height = box["height"] / self.reader.screen.lines
        self.page.mouse.click(box["x"] + (column + 0.5) * width, box["y"] + (row + 0.5) * height)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium with a fresh profile (its user-data-dir in tmp_path)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800})
        try:
            yield context
        finally:
            context.close()


def test_a_student_joins_in_the_browser_tables_a_package_and_the_bots_answer(
        class_on_the_web: dict[str, Any], browser: Any, tmp_path: Path) -> None:
    """In headless Chromium: a join code, the rejoin code, a package tabled, the bots' answers on screen."""
    page = browser.new_page()
    student = Student(page)
    student.open(class_on_the_web["url"])
    student.type(class_on_the_web["code"])
    student.press("Enter")
    shown = student.wait_for("Your rejoin code")
    rejoin_code = re.search(r"(?:[2-9A-HJ-NP-Z]{5}-){7}[2-9A-HJ-NP-Z]{5}", shown)
    assert rejoin_code, shown
    student.press("Enter")
    student.wait_for("Your rejoin code", gone=True)
    student.wait_for(" negotiation ")  # the header: phase and time left
    student.wait_for("P1 ")  # the bots table their packages as the negotiation opens

    student.press("2")
    student.wait_for("Pick an option per issue")
    student.wait_for("\n Dam height ")
    package = {" Dam height ": "Reduced height  (30.00 pts)", " Water flow to Lowland ": "Guaranteed flow",
               " Compensation ": "Shared development fund"}
    for issue, option in package.items():
        student.wait_for("Dismiss menu", gone=True)
        column, row = student.reader.find(issue)
        student.click_cell(column + 40, row)  # its picker opens a menu below it
        student.wait_for("Dismiss menu")
        column, row = student.reader.find(option, below=row)
        student.click_cell(column + 2, row)
    student.wait_for("Dismiss menu", gone=True)
    student.press("t")
    student.wait_for("P3  Upland")  # tabled, and the proposals tab in front
    student.press("r")  # ready: the bots are, so the decision opens
    student.wait_for(" decision ")
    column, row = student.reader.find("P3  Upland")
    student.click_cell(column, row)  # its details below the table
    answered = re.compile(r"P3 by Upland(?:.|\n)*?(signed|declined): (Lowland|lowland)")
    deadline = time.monotonic() + 30
    while not answered.search(student.reader.text):
        assert time.monotonic() < deadline, f"no bot answered P3:\n{student.reader.text}"
        page.wait_for_timeout(200)
    shot = tmp_path / "table.png"
    page.screenshot(path=str(shot))
    inspect_table_screenshot(shot, student)

    page.reload()  # a reloaded page: the join code is spent, the rejoin code brings the seat back
    student.open(class_on_the_web["url"])
    student.type(rejoin_code.group(0))
    student.press("Enter")
    back = student.wait_for(" decision ")
    assert "· Upland ·" in back
    mine = student.wait_for("Proposals: worth to you")  # the seat's own view, with the package it tabled
    assert re.search(r" P3 -?\d", mine), mine


def inspect_table_screenshot(shot: Path, student: Student) -> None:
    """The picture a student sees: P3's row highlighted, the Sign button green, Decline red."""
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    box = student.page.locator(".xterm-screen").bounding_box()
    cell_w, cell_h = box["width"] / student.reader.screen.columns, box["height"] / student.reader.screen.lines

    def colour_at(column: int, row: int) -> tuple[int, int, int]:
        x, y = box["x"] + (column + 0.5) * cell_w, box["y"] + (row + 0.5) * cell_h
        return image.getpixel((int(x), int(y)))  # type: ignore[return-value]

    _, p3_row = student.reader.find("P3  Upland")
    red, green, blue = colour_at(30, p3_row)  # an empty cell of the highlighted row
    assert blue > 150 and blue > red + 60, f"P3's row is not highlighted: {(red, green, blue)}"
    column, row = student.reader.find("  Sign  ")
    red, green, blue = colour_at(column + 1, row)
    assert green > red + 40 and green > blue + 20, f"the Sign button is not green: {(red, green, blue)}"
    column, row = student.reader.find(" Decline ")
    red, green, blue = colour_at(column, row)
    assert red > green + 40, f"the Decline button is not red: {(red, green, blue)}"
    background = colour_at(10, p3_row + 8)
    assert max(background) < 80, f"the page is not the dark table: {background}"


def test_the_join_code_can_be_typed_as_soon_as_the_page_shows_without_a_click(
        class_on_the_web: dict[str, Any], browser: Any) -> None:
    """The page gives the terminal the keyboard once it draws: a code typed without clicking reaches the join form."""
    student = Student(browser.new_page())
    student.open(class_on_the_web["url"], click=False)
    student.page.wait_for_timeout(500)
    student.type(class_on_the_web["code"])
    student.press("Enter")
    student.wait_for("Your rejoin code")
