"""The flagship SCORM 1.2 package played in Moodle's own SCORM player and graded by Moodle's gradebook."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from learner import log_in, open_activity, screen, take_course
from moodle import LEARNER_PASSWORD, Moodle

from cmacourse.model import Course
from cmacourse.questions import Assessment

LEARNERS = ("finisher", "failer", "leaver")
#: The final exam's questions the failing learner gets wrong, from the first.
FAILED_QUESTIONS = 16


def add_activity(moodle: Moodle, package: Path, course: str, roles: tuple[str, ...]) -> dict[str, Any]:
    """A SCORM package (sco=course) as an activity of ``course``, with a learner enrolled per role."""
    stored = moodle.run("scorm_add", package=package, course=moodle.name(course), name="Becoming a CMA")
    usernames = {moodle.name(role): role for role in roles}
    users = moodle.run("learners", course=moodle.name(course), usernames=",".join(usernames), password=LEARNER_PASSWORD)
    return {**stored, "users": {usernames[name]: user_id for name, user_id in users["users"].items()}}


@pytest.fixture(scope="module")
def activity(moodle: Moodle, package: Callable[..., Path]) -> dict[str, Any]:
    """The SCORM 1.2 package as an activity, with three enrolled learners."""
    return add_activity(moodle, package("scorm12"), "scorm12-player", LEARNERS)


@pytest.fixture
def learner_page(chromium: Any, moodle: Moodle, moodle_site: str) -> Iterator[Callable[[str], Any]]:
    """A logged-in learner's page in a browser context of its own; no PHP message logged meanwhile."""
    contexts = []
    before = len(moodle.web_problems())

    def as_learner(username: str) -> Any:
        contexts.append(chromium.new_context())
        page = contexts[-1].new_page()
        log_in(page, moodle_site, moodle.name(username))
        return page

    yield as_learner
    for context in contexts:
        context.close()
    assert moodle.web_problems()[before:] == []


def grades(moodle: Moodle, activity: dict[str, Any], username: str) -> dict[str, Any]:
    """The gradebook's grade and the tracks of the learner's attempts."""
    found = moodle.run("scorm_grades", scormid=activity["scormid"], userids=activity["users"][username])
    return {"grademax": found["grademax"], **found["learners"][str(activity["users"][username])]}


def course_sco(record: dict[str, Any]) -> dict[str, Any]:
    """The tracks of the one SCO in the learner's last attempt."""
    attempts = record["attempts"]
    (tracks,) = attempts[max(attempts, key=int)].values()
    return tracks  # type: ignore[no-any-return]


def finish(page: Any, frame: Any) -> None:
    """Press the results screen's Finish course, and wait until the player has ended the session."""
    frame.click("[data-exit]")
    frame.wait_for_function("() => document.body.classList.contains('is-finished')")
    page.wait_for_load_state("networkidle")


def test_a_learner_who_answers_everything_right_gets_100(learner_page: Callable[[str], Any], moodle: Moodle,
                                                         moodle_site: str, activity: dict[str, Any], course: Course) -> None:
    page = learner_page("finisher")
    frame = open_activity(page, moodle_site, activity["cmid"])
    taken = take_course(frame, course)
    assert set(taken) == {a.id for a in course.assessments} and all(all(v) for v in taken.values())
    finish(page, frame)
    record = grades(moodle, activity, "finisher")
    tracks = course_sco(record)
    assert (record["grade"], record["grademax"], record["shown"]) == (100.0, 100.0, "100.00")
    assert (tracks["cmi.core.lesson_status"], tracks["cmi.core.score.raw"]) == ("passed", "100")
    assert interactions(tracks) == sum(len(a.questions) for a in course.assessments)


def test_scorm2004_a_learner_who_answers_everything_right_gets_100(
        learner_page: Callable[[str], Any], moodle: Moodle, moodle_site: str, package: Callable[..., Path], course: Course) -> None:
    activity = add_activity(moodle, package("scorm2004"), "scorm2004-player", ("finisher2004",))
    page = learner_page("finisher2004")
    frame = open_activity(page, moodle_site, activity["cmid"])
    take_course(frame, course)
    finish(page, frame)
    record = grades(moodle, activity, "finisher2004")
    tracks = course_sco(record)
    assert (record["grade"], record["shown"]) == (100.0, "100.00")
    assert (tracks["cmi.completion_status"], tracks["cmi.success_status"], float(tracks["cmi.score.scaled"])) == (
        "completed", "passed", 1.0)


def test_a_learner_who_fails_the_exam_sees_moodles_grade(learner_page: Callable[[str], Any], moodle: Moodle,
                                                         moodle_site: str, activity: dict[str, Any], course: Course) -> None:
    exam = course.final_exam
    assert exam is not None

    def fail_the_exam(assessment: Assessment, index: int) -> bool:
        return assessment is not exam or index >= FAILED_QUESTIONS

    page = learner_page("failer")
    frame = open_activity(page, moodle_site, activity["cmid"])
    take_course(frame, course, fail_the_exam)
    finish(page, frame)
    record = grades(moodle, activity, "failer")
    tracks = course_sco(record)
    right = exam.total_points - sum(q.points for q in exam.questions[:FAILED_QUESTIONS])
    expected = round(100 * right / exam.total_points, 2)
    assert tracks["cmi.core.lesson_status"] == "failed"
    assert float(tracks["cmi.core.score.raw"]) == pytest.approx(expected, abs=0.01)
    assert record["grade"] == pytest.approx(expected, abs=0.01)
    assert record["shown"] == f"{expected:.2f}"
    # The activity's page shows the learner that grade as a whole percentage.
    page.goto(f"{moodle_site}/mod/scorm/view.php?id={activity['cmid']}")
    assert f"Grade reported: {round(expected)}%" in page.inner_text("body")


def test_a_learner_who_leaves_half_way_resumes_there_with_answers_kept(
        learner_page: Callable[[str], Any], moodle: Moodle, moodle_site: str, activity: dict[str, Any], course: Course) -> None:
    first, second = course.modules[0], course.modules[1]
    stop = second.pages[1].id
    page = learner_page("leaver")
    frame = open_activity(page, moodle_site, activity["cmid"])
    taken = take_course(frame, course, stop_at=stop)
    assert list(taken) == [a.id for a in first.assessments]
    answered = answers_shown(frame, first.assessments[0].id)
    # The learner leaves by Moodle's own button, as one does; the player commits as the page goes.
    page.get_by_role("link", name="Exit activity").or_(page.get_by_role("button", name="Exit activity")).first.click()
    page.wait_for_url(re.compile(r"/course/view\.php"))
    tracks = course_sco(grades(moodle, activity, "leaver"))
    assert (tracks["cmi.core.lesson_status"], tracks["cmi.core.lesson_location"]) == ("incomplete", stop)

    frame = open_activity(page, moodle_site, activity["cmid"])
    if screen(frame) == "home":  # the player offers to resume where the learner was
        frame.click("[data-start]")
    assert screen(frame) == stop
    assert answers_shown(frame, first.assessments[0].id) == answered
    assert len(grades(moodle, activity, "leaver")["attempts"]) == 1


def interactions(tracks: dict[str, Any]) -> int:
    return len({k.split(".")[1] for k in tracks if k.startswith("cmi.interactions_")})


def answers_shown(frame: Any, assessment_id: str) -> list[dict[str, Any]]:
    """Each question of an assessment as the learner sees it: answered or not, the choices and text given."""
    return frame.evaluate("""(id) => Array.from(document.querySelectorAll(`[data-assessment="${id}"] .question`)).map(li => ({
        answered: li.classList.contains("answered"),
        checked: Array.from(li.querySelectorAll("input:checked")).map(i => i.id),
        values: Array.from(li.querySelectorAll("input[type=text], select")).map(e => e.value),
        order: Array.from(li.querySelectorAll("[data-order] > li")).map(e => e.dataset.item)}))""", assessment_id)
