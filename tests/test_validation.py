"""Validation rules that a broken course in tests/invalid/ cannot show: valid edge values, warnings-only courses, models built in code.

Each rule's broken course, with the exact problems it must print, is a case of tests/invalid/ (see test_invalid_corpus.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cmacourse import read_course
from coursebuilder import MINIMAL, edit, read

INVALID = Path(__file__).parent / "invalid"
WARNINGS_ONLY = sorted(p.parent.name for p in INVALID.glob("*/expected.txt") if ": error[" not in p.read_text(encoding="utf-8"))


def test_minimal_course_is_clean(tmp_path: Path) -> None:
    """The course the invalid cases were made from has no problem at all, so each case's problems come from its one change."""
    report = read(tmp_path, MINIMAL)
    assert report.problems == ()
    assert report.course is not None and [m.id for m in report.course.modules] == ["one", "two"]


@pytest.mark.parametrize("value", ["0", "100", "99.5"])
def test_mastery_score_bounds_are_allowed(tmp_path: Path, value: str) -> None:
    """0 and 100 themselves, and fractions between, are valid mastery scores."""
    assert read(tmp_path, edit(MINIMAL, "course.yaml", "mastery_score: 80", f"mastery_score: {value}")).problems == ()


def test_zero_tolerance_is_allowed(tmp_path: Path) -> None:
    """A numeric question may ask for the exact answer: the minimum tolerance, 0, is valid."""
    assert read(tmp_path, edit(MINIMAL, "m2/quiz.yaml", "tolerance: 0.1", "tolerance: 0")).problems == ()


def test_multiple_response_with_two_correct_options_is_allowed(tmp_path: Path) -> None:
    """Several correct options are what multiple_response is for."""
    two = edit(MINIMAL, "m2/quiz.yaml", "        feedback: No.\n", "        feedback: No.\n        correct: true\n")
    assert read(tmp_path, two).problems == ()


def test_some_invalid_cases_hold_only_warnings() -> None:
    """The corpus keeps warnings-only cases (a later prerequisite, an unassessed objective), run there with --strict."""
    assert {"prerequisite-later-in-order", "unassessed-objective"} <= set(WARNINGS_ONLY)


@pytest.mark.parametrize("case", WARNINGS_ONLY)
def test_a_course_with_only_warnings_still_loads(case: str) -> None:
    """Warnings do not stop the course from loading: the report has the course and no errors."""
    report = read_course(INVALID / case / "course_content")
    assert report.course is not None and report.errors == () and report.warnings


def test_negative_tolerance_in_a_model_built_by_code(tmp_path: Path) -> None:
    """A model built through the API rather than from files is checked too: a negative tolerance is an error."""
    import attrs

    from cmacourse.questions import Numeric
    from cmacourse.validation import iter_problems

    course = read(tmp_path, MINIMAL).course
    assert course is not None
    module = course.modules[1]
    quiz = module.assessments[0]
    assert isinstance(quiz.questions[0], Numeric)
    numeric = attrs.evolve(quiz.questions[0], tolerance=-1)
    changed = attrs.evolve(course, modules=(course.modules[0], attrs.evolve(
        module, assessments=(attrs.evolve(quiz, questions=(numeric, *quiz.questions[1:])),))))
    assert [(p.code, p.location.pointer) for p in iter_problems(changed)] == [("question.tolerance", "/questions/0/tolerance")]
