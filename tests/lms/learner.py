"""A learner in Chromium: logs in to Moodle, opens a SCORM activity in Moodle's player, takes the course."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from moodle import LEARNER_PASSWORD, PHP_MESSAGE
from xapi_ui import answer

from cmacourse.model import Course
from cmacourse.questions import Assessment

#: Where Moodle serves a SCORM package's files: the player's frame has this in its URL.
PACKAGE_URL_PART = "/mod_scorm/content/"
#: How each assessment is answered: the question's index -> right or wrong.
Answering = Callable[[Assessment, int], bool]


def everything_right(_assessment: Assessment, _index: int) -> bool:
    return True


def log_in(page: Any, site: str, username: str) -> None:
    page.goto(f"{site}/login/index.php")
    page.fill("#username", username)
    page.fill("#password", LEARNER_PASSWORD)
    page.click("#loginbtn")
    page.wait_for_url(f"{site}/my/**")


def open_activity(page: Any, site: str, cmid: int) -> Any:
    """Open the activity's page, press Enter as a learner does, and return the package's frame once the player runs."""
    page.goto(f"{site}/mod/scorm/view.php?id={cmid}")
    assert_no_php_messages(page)
    page.get_by_role("button", name="Enter").click()
    page.wait_for_url(f"{site}/mod/scorm/player.php**")
    assert_no_php_messages(page)
    frame = None
    for _ in range(200):
        frame = next((f for f in page.frames if PACKAGE_URL_PART in f.url), None)
        if frame is not None:
            break
        page.wait_for_timeout(100)
    assert frame is not None, "Moodle's player never loaded the package"
    frame.wait_for_function("(document.documentElement && document.documentElement.classList.contains('player-ready'))", timeout=30000)
    return frame


def assert_no_php_messages(page: Any) -> None:
    """A Moodle page shows no PHP message and no debugging message (Moodle's debugging box)."""
    html = page.content()
    assert not PHP_MESSAGE.search(html) and "debuggingmessage" not in html, f"{page.url} shows a PHP or debugging message"


def screen(frame: Any) -> str:
    return str(frame.evaluate("() => cmaPlayer.snapshot().screen"))


def take_course(frame: Any, course: Course, answering: Answering = everything_right, stop_at: str | None = None) -> dict[str, list[bool]]:
    """Start, then page with Next to the end (or to screen ``stop_at``), answering each assessment met."""
    quizzes = {a.id: a for a in course.assessments}
    taken: dict[str, list[bool]] = {}
    if screen(frame) == "home":
        frame.click("[data-start]")
    for _ in range(200):
        shown = screen(frame)
        if shown == stop_at:
            return taken
        quiz = frame.evaluate(f"() => document.querySelector('#s-{shown} [data-assessment]')?.dataset.assessment || null")
        if quiz and quiz not in taken:
            assessment = quizzes[quiz]
            taken[quiz] = [answering(assessment, i) for i in range(len(assessment.questions))]
            for question, right in zip(assessment.questions, taken[quiz]):
                answer(frame, question, right)
        if frame.evaluate("() => document.querySelector('[data-pager=next]').disabled"):
            return taken
        frame.click("[data-pager=next]")
        frame.wait_for_function(f"() => cmaPlayer.snapshot().screen !== {json.dumps(shown)}")
    raise AssertionError("the player never reached the end")
