"""The flagship Common Cartridge restored by Moodle's imscc11 converter: sections, activities, quizzes."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from moodle import Moodle

from cmacourse.model import Course
from cmacourse.questions import FillBlank, Matching, MultipleResponse, Numeric, Ordering, Question, SingleChoice, TrueFalse

#: What Moodle's converter writes into every quiz it restores (backup/cc/sheets/course_modules_mod_quiz.xml).
MOODLE_QUIZ_SUMGRADES, MOODLE_QUIZ_GRADE = 4.0, 10.0


@pytest.fixture(scope="module")
def restored(moodle: Moodle, package: Callable[..., Path]) -> dict[str, Any]:
    return moodle.run("cc_restore", file=package("imscc"), course=moodle.name("cartridge"))  # type: ignore[no-any-return]


def plain(text: str) -> str:
    """Text without HTML tags, entities, Markdown emphasis or extra spaces, to compare Moodle's with ours."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(re.sub(r"[*_`]", "", text).split())


def before_blank(prompt: str) -> str:
    """A prompt up to its first blank, which Moodle shows as the word "blank" for screen readers."""
    return re.split(r"\{|_{3,}", prompt)[0]


def folders(course: Course) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each module (then the final exam) with the activities Moodle should make of it, in order."""
    found = []
    for module in course.modules:
        activities = [("page", p.title) for p in module.pages] + [("url", link.title) for link in module.links]
        activities += [("quiz", a.title) for a in module.assessments]
        activities += [("forum", f"Reflection: {module.title}")] if module.reflection else []
        found.append((module.title, activities))
    if course.final_exam is not None:
        found.append((course.final_exam.title, [("quiz", course.final_exam.title)]))
    return found


def test_one_section_per_module_in_order_with_its_activities(restored: dict[str, Any], course: Course) -> None:
    assert restored["format"] == "imscc11"
    general, *sections = restored["sections"]
    # Section 0 keeps the course's title; Moodle's restore adds its shared question bank there.
    assert plain(general["summary"]) == course.title
    assert [m["modname"] for m in general["modules"]] == ["qbank"]
    assert [(plain(s["summary"]), [(m["modname"], m["name"]) for m in s["modules"]]) for s in sections] == folders(course)


def test_section_titles_arrive_as_summaries_because_moodle_has_no_name_field(restored: dict[str, Any]) -> None:
    """Moodle 1.9's section format, which the converter writes, has no name: the README shows the code."""
    assert {(s["name"], s["shown_as"]) for s in restored["sections"][1:]} == {(None, "New section")}


def test_every_question_arrives_with_its_correct_answer_and_marks(restored: dict[str, Any], course: Course) -> None:
    quizzes = {m["name"]: m["quiz"] for s in restored["sections"] for m in s["modules"] if m["modname"] == "quiz"}
    assert set(quizzes) == {a.title for a in course.assessments}
    for assessment in course.assessments:
        quiz = quizzes[assessment.title]
        assert len(quiz["slots"]) == len(assessment.questions), assessment.id
        for question, slot in zip(assessment.questions, quiz["slots"]):
            assert plain(slot["questiontext"]).startswith(plain(before_blank(question.prompt))[:40]), question.id
            assert slot["defaultmark"] == question.points and slot["maxmark"] == question.points, question.id
            assert_correct_answers(question, slot)
        # The slots add up to the quiz's points, as Moodle's Questions page recomputes on any mark
        # change; the quiz's own total and maximum are the converter's constants (README).
        assert sum(s["maxmark"] for s in quiz["slots"]) == assessment.total_points
        assert (quiz["sumgrades"], quiz["grade"]) == (MOODLE_QUIZ_SUMGRADES, MOODLE_QUIZ_GRADE)


def assert_correct_answers(question: Question, slot: dict[str, Any]) -> None:
    """Moodle's answers with credit are the question's right answers, in the type Moodle made of it."""
    credited = {plain(a["answer"]): a["fraction"] for a in slot["answers"] if a["fraction"] > 0}
    if isinstance(question, SingleChoice):  # and MultipleResponse
        assert slot["qtype"] == "multichoice", question.id
        assert set(credited) == {plain(o.text) for o in question.options if o.correct}, question.id
        assert sum(credited.values()) == pytest.approx(1), question.id
        assert isinstance(question, MultipleResponse) or list(credited.values()) == [1.0], question.id
    elif isinstance(question, TrueFalse):
        assert (slot["qtype"], credited) == ("truefalse", {"True" if question.answer else "False": 1.0}), question.id
    elif isinstance(question, FillBlank):
        assert slot["qtype"] == "shortanswer" and set(credited) == set(question.answers), question.id
    elif isinstance(question, Numeric):
        assert slot["qtype"] == "shortanswer", question.id
        assert f"{question.answer:g}" in credited, (question.id, credited)
    elif isinstance(question, (Matching, Ordering)):
        # Moodle's CC importer has no such type: one choice of the right set or order gets the credit.
        (right,) = credited
        parts = [p for pair in question.pairs for p in (pair.prompt, pair.match)] if isinstance(question, Matching) \
            else list(question.items)
        positions = [right.find(plain(p)) for p in parts]
        assert -1 not in positions and positions == sorted(positions), (question.id, right)
    else:
        pytest.fail(f"{question.id}: no check for {type(question).__name__} in Moodle")
