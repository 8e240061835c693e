"""The flagship Moodle XML bank imported by Moodle's own importer: native types, categories, every question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from moodle import Moodle

from cmacourse.exporters.moodlexml import category_name
from cmacourse.model import Course

#: The Moodle question type each of our types imports as.
NATIVE_TYPES = {"single_choice": "multichoice", "multiple_response": "multichoice", "true_false": "truefalse",
                "matching": "match", "ordering": "ordering", "fill_blank": "shortanswer", "numeric": "numerical"}


@pytest.fixture(scope="module")
def imported(moodle: Moodle, package: Callable[..., Path]) -> dict[str, Any]:
    return moodle.run("bank_import", file=package("moodlexml"), course=moodle.name("question-bank"))  # type: ignore[no-any-return]


def expected_questions(course: Course) -> list[tuple[str, str, str, float]]:
    """(ID number, Moodle type, category path, default mark) of every question, in course order."""
    top = f"top/{category_name(course.title)}"
    groups = [(m.title, m.assessments) for m in course.modules]
    groups += [(course.final_exam.title, (course.final_exam,))] if course.final_exam else []
    return [(q.id, NATIVE_TYPES[q.type_name], f"{top}/{category_name(title)}", float(q.points))
            for title, assessments in groups for a in assessments for q in a.questions]


def test_every_question_lands_in_its_category_as_a_native_type(imported: dict[str, Any], course: Course) -> None:
    found = [(q["idnumber"], q["qtype"], q["category"], q["defaultmark"]) for q in imported["questions"]]
    expected = expected_questions(course)
    assert found == expected
    assert len(found) == sum(len(a.questions) for a in course.assessments)
    assert {t for _, t, _, _ in found} == set(NATIVE_TYPES.values())


def test_the_categories_follow_the_course(imported: dict[str, Any], course: Course) -> None:
    """The course's category, then one per module and the final exam, in pathway order."""
    top = f"top/{category_name(course.title)}"
    ours = [c for c in imported["categories"] if c.startswith(top)]
    assert ours == [top, *dict.fromkeys(c for _, _, c, _ in expected_questions(course))]
