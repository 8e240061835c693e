"""The final exam's last attempt used up without a pass, in Chromium: what the learner reads and what the LMS records.

The LMS is scorm-again (an independent SCORM runtime) for the SCORM packages, and the browser's
localStorage for the static site. Attempts, points and pass marks are read from the course model.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cmacourse.exporters import export
from cmacourse.loading import load_course
from cmacourse.player.layout import launch_layouts
from test_player import READY, answer, complete_quiz, open_player, screen

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page
    from static_http import StaticServerFactory

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "courses" / "player-mini"

#: Per SCORM version: the API's global name, scorm-again's class and the Terminate call's event name.
VERSIONS = {"scorm12": ("API", "Scorm12API", "LMSFinish"), "scorm2004": ("API_1484_11", "Scorm2004API", "Terminate")}
LMS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script src="/peers/scorm-again/dist/scorm-again.min.js"></script>
<script>
window.terminated = 0;
window.launch = function (version) {
  var names = %s[version];
  var api = new window[names[1]]({autocommit: false, lmsCommitUrl: false, logLevel: 5});
  api.on(names[2], function () { window.terminated += 1; });
  window[names[0]] = api;
  window.lms = api;
  var frame = document.createElement("iframe");
  frame.id = "sco"; frame.title = "Course"; frame.src = "pkg/index.html";
  frame.style.width = "900px"; frame.style.height = "700px";
  document.body.appendChild(frame);
};
</script></head><body></body></html>
""" % json.dumps(VERSIONS)


def exam_facts() -> dict[str, Any]:
    """The final exam's rules as the course sets them: attempts, pass mark, points, and the first question's share."""
    course = load_course(MINI)
    exam = course.final_exam
    assert exam is not None and exam.max_attempts and exam.max_attempts > 1
    layout = launch_layouts(course, "course")[0]
    mastery = layout.mastery(exam)
    first = exam.questions[0]
    percent = 100 * first.points / exam.total_points
    assert mastery is not None and percent < mastery  # one right answer is not a pass
    return {"id": exam.id, "title": exam.title, "attempts": exam.max_attempts, "mastery": mastery,
            "points": exam.total_points, "first": first.id, "first_points": first.points, "percent": percent}


def fail_every_attempt(frame: Page | Frame, facts: dict[str, Any]) -> None:
    """Pass every module, then take the final exam until no attempt is left: all wrong, and the last with the first question right."""
    screens = frame.evaluate("cmaCourse.launches['index.html'].screens")
    frame.click("[data-start]")
    for info in screens[1:]:
        if info["kind"] == "quiz" and info["assessment"] == facts["id"]:
            break
        if info["kind"] == "quiz":
            complete_quiz(frame, info["assessment"])  # type: ignore[arg-type]
        frame.click("[data-pager='next']")
    assert screen(frame) == facts["id"]  # type: ignore[arg-type]
    questions = frame.evaluate("id => cmaCourse.assessments[id].questions", facts["id"])
    for attempt in range(1, facts["attempts"] + 1):
        last = attempt == facts["attempts"]
        for q in questions:
            answer(frame, q, correct=last and q["id"] == facts["first"])  # type: ignore[arg-type]
        retry = frame.locator(f"#s-{facts['id']} [data-retry]")
        assert retry.is_visible() is not last
        if not last:
            retry.click()


def check_what_the_learner_reads(frame: Page | Frame, facts: dict[str, Any]) -> None:
    percent = round(facts["percent"])
    result = frame.inner_text(f"#s-{facts['id']} [data-quiz-score]")
    assert result == (f"You scored {facts['first_points']:g} of {facts['points']:g} points ({percent}%). You did not pass. "
                      f"The pass mark is {facts['mastery']:g}%. You have no attempts left.")
    frame.click("#menu [data-go='results']")
    summary = frame.inner_text("[data-course-status]")
    assert summary == (f"You did not pass this course: you have no attempts left at \u201c{facts['title']}\u201d. "
                       f"Your score: {percent}%; the pass mark is {facts['mastery']:g}%.")
    assert "not passed yet" not in summary and "0%" not in summary.replace(f"{percent}%", "")
    row = f"[data-results-assessment='{facts['id']}']"
    assert frame.inner_text(f"{row} [data-cell='result']") == "Not passed, no attempts left"
    assert frame.evaluate("cmaPlayer.snapshot().status") == {"completed": True, "passed": False}


@pytest.mark.parametrize("leave", ["finish-button", "pagehide"])
@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_used_up_exam_ends_the_scorm_attempt_as_failed(page: Page, page_errors: list[str], tmp_path: Path,
                                                       static_server: StaticServerFactory, peers_node_modules: Path,
                                                       version: str, leave: str) -> None:
    """After the exam's last failed attempt the LMS holds failed (2004: completed and failed), the real score and a normal exit."""
    facts = exam_facts()
    package = export(load_course(MINI), version, tmp_path / "build")
    site = tmp_path / "site"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(site / "pkg")
    (site / "lms.html").write_text(LMS_PAGE, encoding="utf-8")
    page.goto(static_server(site, mounts={"/peers/": peers_node_modules}) + "lms.html")
    page.evaluate("v => launch(v)", version)
    page.wait_for_function("() => { const f = document.getElementById('sco'); return f && f.contentWindow && f.contentWindow.cmaPlayer; }")
    frame = next(f for f in page.frames if re.search(r"pkg/index\.html(#.*)?$", f.url))
    frame.wait_for_function(READY)
    assert frame.evaluate("cmaPlayer.snapshot().adapter") == version
    fail_every_attempt(frame, facts)
    check_what_the_learner_reads(frame, facts)
    if leave == "finish-button":
        frame.get_by_role("button", name="Finish course").click()
        frame.wait_for_selector("[data-finished]", state="visible")
        assert frame.inner_text("[data-finished-title]") == "You have finished the course without passing"
    else:
        page.evaluate("document.getElementById('sco').remove()")
    page.wait_for_function("window.terminated === 1")
    cmi = page.evaluate("lms.renderCMIToJSONObject().cmi")
    # Both adapters write the raw score as a percentage (0-100), as Moodle grades it.
    percent = round(facts["percent"], 2)
    if version == "scorm12":
        core = cmi["core"]
        assert (core["lesson_status"], core["exit"]) == ("failed", "")
        assert (float(core["score"]["raw"]), float(core["score"]["max"])) == (percent, 100)
    else:
        assert (cmi["completion_status"], cmi["success_status"], cmi["exit"]) == ("completed", "failed", "normal")
        assert float(cmi["score"]["raw"]) == percent
        assert float(cmi["score"]["scaled"]) == pytest.approx(facts["first_points"] / facts["points"], abs=1e-4)
    assert page_errors == []


def test_used_up_exam_on_the_static_site(page: Page, page_errors: list[str], tmp_path: Path) -> None:
    """The standalone adapter stores the failed status and a normal exit; a reload still says no attempts are left."""
    facts = exam_facts()
    site = export(load_course(MINI), "html", tmp_path / "site")
    open_player(page, (site / "index.html").as_uri())
    fail_every_attempt(page, facts)
    check_what_the_learner_reads(page, facts)
    prefix = "cmacourse:player-mini:player-mini:"
    assert json.loads(page.evaluate("k => localStorage.getItem(k)", prefix + "status")) == {"completed": True, "passed": False}
    page.reload()
    page.wait_for_function(READY)
    check_what_the_learner_reads(page, facts)
    assert not page.is_visible(f"#s-{facts['id']} [data-retry]")
    page.get_by_role("button", name="Finish course").click()
    assert page.evaluate("k => localStorage.getItem(k)", prefix + "exit") == "normal"
    assert page_errors == []
