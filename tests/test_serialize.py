"""Models round-trip: model -> authored data that passes the schemas -> files -> an equal model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cmacourse import load_course, read_course
from cmacourse.jsonschemas import fast_validator, validator
from cmacourse.serialize import assessment_to_raw, block_to_raw, course_to_raw, dump_course, module_to_raw, question_to_raw


COURSES = Path(__file__).resolve().parent / "courses"


@pytest.fixture(scope="module")
def flagship(flagship_dir: Path):  # type: ignore[no-untyped-def]
    """The flagship course, loaded once."""
    return load_course(flagship_dir)


def _assert_valid(ref: str, data: object) -> None:
    errors = [e.message for e in validator(ref).iter_errors(data)]
    assert not errors
    assert fast_validator(ref).is_valid(data)


def test_course_and_module_data_pass_their_schemas(flagship) -> None:  # type: ignore[no-untyped-def]
    """course.yaml and every module.yaml made from the model pass their schemas."""
    _assert_valid("course", course_to_raw(flagship))
    for module in flagship.modules:
        _assert_valid("module", module_to_raw(module))


def test_assessment_and_question_data_pass_their_schemas(flagship) -> None:  # type: ignore[no-untyped-def]
    """Every assessment made from the model passes the assessment schema, question by question."""
    for assessment in flagship.assessments:
        _assert_valid("assessment", assessment_to_raw(assessment))
        for question in assessment.questions:
            _assert_valid(f"assessment#/$defs/{question.type_name}", question_to_raw(question))


def test_block_data_pass_their_schemas(flagship) -> None:  # type: ignore[no-untyped-def]
    """Every non-text block made from the model passes its block schema."""
    seen = set()
    for module in flagship.modules:
        for page in module.pages:
            for block in page.blocks:
                if block.type_name != "text":
                    _assert_valid(block.schema, block_to_raw(block, page.path))
                    seen.add(block.type_name)
    assert {"callout", "table", "figure"} <= seen


def test_dumped_course_loads_back_equal(flagship, flagship_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Writing the model out and loading it again gives an equal course with no problems."""
    written = dump_course(flagship, str(tmp_path))
    assert {tmp_path / media for media in flagship.media_files()} <= set(written)
    report = read_course(tmp_path)
    assert report.problems == ()
    assert report.course == flagship


@pytest.mark.parametrize("case", sorted(p.name for p in COURSES.iterdir() if (p / "course.yaml").is_file()))
def test_every_test_course_round_trips_with_its_media(case: str, tmp_path: Path) -> None:
    """load -> dump -> load gives an equal model for every test course, its media copied by dump_course itself."""
    course = load_course(COURSES / case)
    dump_course(course, tmp_path / "copy")
    again = read_course(tmp_path / "copy")
    assert [p for p in again.problems if p.severity == "error"] == []
    assert again.course == course
    for media in course.media_files():
        assert (tmp_path / "copy" / media).read_bytes() == (COURSES / case / media).read_bytes()


def test_round_trip_detects_a_change(flagship, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Equality is real: a course with one changed feedback text is not equal after the round trip."""
    import attrs

    module = flagship.modules[0]
    check = module.assessments[0]
    question = check.questions[0]
    changed_question = attrs.evolve(question, prompt=question.prompt + " (changed)")
    changed = attrs.evolve(
        flagship,
        modules=(attrs.evolve(module, assessments=(attrs.evolve(check, questions=(changed_question, *check.questions[1:])),)),
                 *flagship.modules[1:]),
    )
    assert changed != flagship
    _assert_valid("assessment", assessment_to_raw(changed.modules[0].assessments[0]))
