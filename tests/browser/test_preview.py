"""`cmacourse preview` in Chromium: live tracking data beside the course, rebuilds on edit, problems in the browser, clean Ctrl-C."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "courses" / "player-mini"
READY = "(document.documentElement && document.documentElement.classList.contains('player-ready'))"


class Preview:
    """A running ``cmacourse preview`` process and the URL it printed."""

    def __init__(self, course: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cmacourse", "preview", course.name, "--port", "0", "--no-browser"],
            cwd=course.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+/)", first)
        assert match, first + self.process.stderr.read() if self.process.stderr else first
        self.url = match[1]

    def stop(self) -> tuple[int, str]:
        """Send Ctrl-C (SIGINT) and return the exit status and the rest of the output."""
        self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=10)
        return self.process.returncode, out


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A copy of the small test course that the test may edit."""
    target = tmp_path / "course"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def preview(course_copy: Path) -> Iterator[Preview]:
    running = Preview(course_copy)
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.communicate()


def course_frame(page: Page) -> Frame:
    """The course's frame once its player is ready."""
    page.wait_for_function("(() => { const d = document.querySelector('[data-course]').contentDocument;"
                           " return Boolean(d && d.documentElement && d.documentElement.classList.contains('player-ready')); })()")
    frame = page.frame(url=re.compile(r"/course/index\.html(#.*)?$"))
    assert frame is not None
    return frame


def panel(page: Page, name: str) -> str:
    return page.inner_text(f"[data-field='{name}']")


def test_panel_shows_what_an_lms_would_record(page: Page, page_errors: list[str], preview: Preview) -> None:
    """Moving and answering in the course updates status, score, bookmark, state size and answers in the panel."""
    page.goto(preview.url)
    frame = course_frame(page)
    page.wait_for_function("document.querySelector(\"[data-field='bookmark']\").textContent === 'home'")
    assert panel(page, "status") == "incomplete"
    assert re.fullmatch(r"\d+ characters \(at most \d+\)", panel(page, "stateSize"))
    frame.click("[data-start]")
    page.wait_for_function("document.querySelector(\"[data-field='bookmark']\").textContent === 'first'")
    frame.click("[data-pager='next']")
    frame.click("[data-pager='next']")
    frame.check("#o-mini-single-1")
    frame.click("#q-mini-single [data-check]")
    page.wait_for_selector("[data-answers] tr")
    assert page.inner_text("[data-answers] tr").split("\t") == ["mini-single", "b", "incorrect"]
    state = frame.evaluate("cmaPlayer.snapshot().state")
    assert panel(page, "state") == state
    assert panel(page, "stateSize").startswith(f"{len(state)} characters")
    assert "answered" in page.inner_text("[data-calls]")
    assert page_errors == []


def test_rebuilds_on_edit_and_shows_problems(page: Page, preview: Preview, course_copy: Path) -> None:
    """Saving a page reloads the course at the same place; a broken file shows its located problem; fixing it recovers."""
    page.goto(preview.url)
    frame = course_frame(page)
    frame.click("[data-start]")
    page_file = course_copy / "01-basics" / "first.md"
    page_file.write_text(page_file.read_text().replace("## Vital signs", "## Vital signs, edited"))
    page.wait_for_function("(() => { const d = document.querySelector('[data-course]').contentDocument;"
                           " return Boolean(d && d.body && d.body.innerText.includes('Vital signs, edited')); })()", timeout=10_000)
    frame = course_frame(page)
    assert frame.evaluate("cmaPlayer.snapshot().screen") == "first"
    assert frame.is_visible("text=Vital signs, edited")

    course_file = course_copy / "course.yaml"
    good = course_file.read_text()
    course_file.write_text(good.replace("id: player-mini", "id: [broken"))
    page.wait_for_function("(() => { const d = document.querySelector('[data-course]').contentDocument;"
                           " return Boolean(d && d.querySelector('[data-problem]')); })()", timeout=10_000)
    problem = page.frame(url=re.compile(r"/course/index\.html(#.*)?$")).inner_text("[data-problem]")  # type: ignore[union-attr]
    assert problem.startswith("course/course.yaml:1:") and "error[syntax.yaml]" in problem  # as the terminal names it
    page.wait_for_selector(".build.has-problems")
    assert "problem" in page.inner_text("[data-build]")

    course_file.write_text(good)
    page.wait_for_function("!document.querySelector('.build').classList.contains('has-problems')", timeout=10_000)
    assert course_frame(page).evaluate("cmaPlayer.snapshot().screen") == "first"


def test_ctrl_c_stops_cleanly(preview: Preview) -> None:
    """SIGINT ends the server with status 0 and a last message, and the port is released."""
    status, out = preview.stop()
    assert status == 0
    assert "Preview stopped." in out
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(preview.url, timeout=2)
