"""Problems as values: the paths their messages name, written from the course folder or from where the command runs."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from cmacourse.errors import Location, Problem, literal, placed

MISSING = Problem(code="file.missing", message="{file} does not exist", paths={"file": "m2/module.yaml"},
                  location=Location("course.yaml", 5, 5, "/modules/1"))


def test_the_library_names_paths_from_the_course_folder() -> None:
    """``message`` and ``hint`` are the words with the course-relative paths written in; the templates stay as given."""
    problem = attrs.evolve(MISSING, paths={"file": "m2/module.yaml", "similar": "m1/module.yaml", "first": "m1/intro.md"},
                           hint="did you mean 'm1' ({similar})?; first used at " + placed("first", Location("m1/intro.md", 2, 5)))
    assert problem.message == "m2/module.yaml does not exist"
    assert problem.hint == "did you mean 'm1' (m1/module.yaml)?; first used at m1/intro.md:2:5"
    assert problem.message_template == "{file} does not exist"
    assert problem.paths == (("file", "m2/module.yaml"), ("first", "m1/intro.md"), ("similar", "m1/module.yaml"))


def test_seen_from_writes_every_path_from_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The location and each named path are written from the working folder; outside it, absolutely."""
    monkeypatch.chdir(tmp_path)
    seen = MISSING.seen_from("a/course")
    assert str(seen) == "a/course/course.yaml:5:5: error[file.missing]: a/course/m2/module.yaml does not exist (/modules/1)"
    assert seen.to_json()["paths"] == {"file": "a/course/m2/module.yaml"}
    (tmp_path / "a" / "course" / "m2").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "course" / "m2")
    inside = MISSING.seen_from("..")
    assert inside.message == "module.yaml does not exist" and inside.location.file == str(tmp_path / "a" / "course" / "course.yaml")
    kept = MISSING.seen_from("..", location=False)
    assert kept.location == MISSING.location and kept.message == "module.yaml does not exist"


def test_braces_that_are_no_path_stay_as_they_are() -> None:
    """A message that names no path is its own text; in one that does, ``literal`` keeps an author's braces."""
    plain = Problem(code="syntax.yaml", message="found {file} and {{x}}", location=Location("a.yaml"))
    assert plain.message == "found {file} and {{x}}"
    named = Problem(code="media.active-content", message="{media}: " + literal("points at '{x}' and {media}"),
                    paths={"media": "media/a.svg"}, location=Location("a.md"))
    assert named.message == "media/a.svg: points at '{x}' and {media}"


def test_a_problem_is_a_frozen_hashable_value() -> None:
    """Problems compare by value, hash, cannot be changed in place, and ``evolve`` takes the constructor's names."""
    again = Problem(code="file.missing", message="{file} does not exist", paths=[("file", "m2/module.yaml")],
                    location=Location("course.yaml", 5, 5, "/modules/1"))
    assert again == MISSING and hash(again) == hash(MISSING) and len({again, MISSING}) == 1
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        MISSING.code = "x"  # type: ignore[misc]
    assert attrs.evolve(MISSING, message="still {file}").message == "still m2/module.yaml"
    assert attrs.evolve(MISSING, hint="see {file}").hint == "see m2/module.yaml"
