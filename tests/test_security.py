"""An untrusted course folder: nothing from outside it reaches a package, and no file is too large or strange to refuse."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmacourse import dump_course, load_course, read_course
from cmacourse._yaml import _MAYBE_LONG_NUMBER, _may_hold_a_long_number
from cmacourse.exporters import export
from cmacourse.cli import main
from cmacourse.coursefiles import MAX_MEDIA_BYTES, MAX_TEXT_BYTES
from cmacourse.errors import BuildError
from cmacourse.markdown import MAX_MARKDOWN_CHARS
from cmacourse.media import read_media

from coursebuilder import MINIMAL, edit, found, read, with_files, write_course

SECRET = "root:x:0:0:a secret from outside the course\n"
FORMATS = ("html", "scorm12", "scorm2004", "cmi5", "tincan", "imscc", "moodlexml")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the course with a secret file and a whole module in it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "secret.svg").write_text(SECRET)
    (folder / "media").mkdir()
    (folder / "media" / "pic.svg").write_text(SECRET)
    return folder


def _course(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    return write_course(tmp_path / "course_content", files or dict(MINIMAL))


def _codes(course_dir: Path) -> list[tuple[str, str, int | None]]:
    return [(p.code, p.location.file, p.location.line) for p in read_course(course_dir).problems]


def _no_secret_in_any_package(course_dir: Path, out: Path) -> None:
    for fmt in FORMATS:
        assert main(["build", str(course_dir), "--format", fmt, "--out", str(out)]) == 1, fmt
    for path in out.rglob("*") if out.exists() else ():
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path


def test_a_media_file_that_links_outside_is_refused_where_it_is_used(tmp_path: Path, outside: Path) -> None:
    """``media/pic.svg -> /elsewhere/secret.svg`` is a located ref.outside-course at both of its uses, and no format ships it."""
    course_dir = _course(tmp_path)
    (course_dir / "media" / "pic.svg").unlink()
    (course_dir / "media" / "pic.svg").symlink_to(outside / "secret.svg")
    problems = read_course(course_dir).problems
    assert [(p.code, p.location.file, p.location.line, p.location.pointer) for p in problems] == [
        ("ref.outside-course", "m1/intro.md", 8, "/blocks/0"),
        ("ref.outside-course", "m1/intro.md", 11, "/blocks/1/src"),
    ]
    assert "media/pic.svg is a link to" in problems[0].message
    _no_secret_in_any_package(course_dir, tmp_path / "out")


def test_a_media_folder_that_links_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    """A media folder that is a link out of the course is named as the link that leaves."""
    course_dir = _course(tmp_path)
    for name in ("pic.svg",):
        (course_dir / "media" / name).unlink()
    (course_dir / "media").rmdir()
    (course_dir / "media").symlink_to(outside / "media")
    problems = read_course(course_dir).problems
    assert {p.code for p in problems} == {"ref.outside-course"}
    assert all("media is a link to" in p.message for p in problems)
    _no_secret_in_any_package(course_dir, tmp_path / "out")


def test_a_module_folder_or_page_that_links_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    """A module folder or a page that is a link out of the course is a ref.outside-course where course.yaml or module.yaml names it."""
    course_dir = _course(tmp_path)
    (outside / "m2").mkdir()
    for name in ("module.yaml", "lesson.md", "quiz.yaml"):
        (outside / "m2" / name).write_text(str(MINIMAL[f"m2/{name}"]))
        (course_dir / "m2" / name).unlink()
    (course_dir / "m2").rmdir()
    (course_dir / "m2").symlink_to(outside / "m2")
    (course_dir / "m1" / "intro.md").unlink()
    (outside / "intro.md").write_text(str(MINIMAL["m1/intro.md"]))
    (course_dir / "m1" / "intro.md").symlink_to(outside / "intro.md")
    problems = [(p.code, p.location.file, p.location.pointer) for p in read_course(course_dir).problems]
    assert problems == [("ref.outside-course", "course.yaml", "/modules/1"), ("ref.outside-course", "m1/module.yaml", "/pages/0")]


def test_a_link_that_stays_inside_the_course_is_followed(tmp_path: Path) -> None:
    """A link from one course file to another is fine: only leaving the folder is refused."""
    course_dir = _course(tmp_path)
    (course_dir / "media" / "same.svg").symlink_to("pic.svg")
    files_page = (course_dir / "m1" / "intro.md").read_text() + "\n![The same](../media/same.svg)\n"
    (course_dir / "m1" / "intro.md").write_text(files_page)
    assert read_course(course_dir).problems == ()


def test_links_that_loop_are_named_as_a_loop_for_a_page_and_a_media_file(tmp_path: Path) -> None:
    """A page and a picture that are links in a loop (a -> b -> a) are each one located problem that says so."""
    course_dir = _course(tmp_path)
    (course_dir / "m1" / "intro.md").unlink()
    (course_dir / "m1" / "intro.md").symlink_to("other.md")
    (course_dir / "m1" / "other.md").symlink_to("intro.md")
    (course_dir / "m2" / "lesson.md").write_text((course_dir / "m2" / "lesson.md").read_text() + "\n![A loop](../media/loop.svg)\n")
    (course_dir / "media" / "loop.svg").symlink_to("loop.svg")
    problems = read_course(course_dir).problems
    assert [(p.code, p.location.file, p.location.pointer) for p in problems] == [
        ("file.unreadable", "m1/module.yaml", "/pages/0"), ("ref.missing-media", "m2/lesson.md", "/blocks/0")]
    assert problems[0].message == "m1/intro.md is a link in a loop (its links lead back to it), not a file"
    assert problems[1].message == "the image media/loop.svg is a link in a loop (its links lead back to it), not a file"


def test_a_broken_link_is_named_as_one_without_a_did_you_mean_for_itself(tmp_path: Path) -> None:
    """A page that is a link to nothing says so, and never suggests its own name."""
    course_dir = _course(tmp_path)
    (course_dir / "m1" / "intro.md").unlink()
    (course_dir / "m1" / "intro.md").symlink_to("gone.md")
    (problem,) = read_course(course_dir).problems
    assert problem.code == "file.missing" and problem.hint is None
    assert problem.message == "m1/intro.md is a link to m1/gone.md, which does not exist"
    assert problem.paths == (("file", "m1/intro.md"), ("target", "m1/gone.md"))


def test_media_read_for_a_package_is_checked_again(tmp_path: Path, outside: Path) -> None:
    """A media file swapped for an outside link after validation is refused by every reader: the player's, the cartridge's, Moodle XML's and dump_course."""
    files = edit(MINIMAL, "m1/check.yaml", "prompt: What comes first?", "prompt: 'What comes first? ![Steps](../media/pic.svg)'")
    course_dir = _course(tmp_path, files)
    course = load_course(course_dir)
    (course_dir / "media" / "pic.svg").unlink()
    (course_dir / "media" / "pic.svg").symlink_to(outside / "secret.svg")
    with pytest.raises(BuildError, match="outside the course folder"):
        read_media(course_dir, "media/pic.svg")
    for fmt in ("html", "imscc", "moodlexml"):
        with pytest.raises(BuildError, match="outside the course folder"):
            export(course, fmt, tmp_path / "out")
    with pytest.raises(BuildError, match="outside the course folder"):
        dump_course(course, tmp_path / "dumped")


def test_a_pipe_in_place_of_a_media_file_is_refused_without_waiting(tmp_path: Path) -> None:
    """Reading a named pipe would wait for ever: it is refused as not a file."""
    course_dir = _course(tmp_path)
    (course_dir / "media" / "pic.svg").unlink()
    os.mkfifo(course_dir / "media" / "pic.svg")
    problems = read_course(course_dir).problems
    assert [p.code for p in problems] == ["ref.missing-media", "ref.missing-media"]
    assert "is a device or a pipe, not a file" in problems[0].message


def test_a_page_over_the_size_limit_is_refused_quickly(tmp_path: Path) -> None:
    """A 50 MB page is a located file.too-large at once, not a minute of parsing and gigabytes of memory."""
    course_dir = _course(tmp_path)
    with (course_dir / "m2" / "lesson.md").open("a") as page:
        page.write("All work and no play. " * (50 * 1024 * 1024 // 22))
    started = time.perf_counter()
    (problem,) = read_course(course_dir).problems
    assert time.perf_counter() - started < 2
    assert (problem.code, problem.location.file, problem.location.pointer) == ("file.too-large", "m2/module.yaml", "/pages/0")
    assert problem.message == f"m2/lesson.md is 50 MB; a page or YAML file may hold at most {MAX_TEXT_BYTES // 1024} kB"


def test_a_media_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    """A media file larger than the limit is refused at its uses (a sparse file: no disk is filled)."""
    course_dir = _course(tmp_path)
    with (course_dir / "media" / "pic.svg").open("r+b") as media:
        media.truncate(MAX_MEDIA_BYTES + 1)
    assert [p.code for p in read_course(course_dir).problems] == ["file.too-large", "file.too-large"]


def test_one_markdown_text_over_the_limit_is_refused(tmp_path: Path) -> None:
    """A text longer than a CommonMark parser handles in good time is a located markdown.too-long."""
    files = with_files(MINIMAL, m2__lesson_md=None)
    files["m2/lesson.md"] = "---\nid: lesson\ntitle: Doses\nobjectives: [obj-two]\n---\n" + "[" * (MAX_MARKDOWN_CHARS + 1) + "\n"
    started = time.perf_counter()
    assert [p[1:4] for p in found(tmp_path, files)] == [("markdown.too-long", "m2/lesson.md", 6)]
    assert time.perf_counter() - started < 5


def test_points_too_large_do_not_validate(tmp_path: Path) -> None:
    """``points: 1e308`` is refused by the schema instead of validating and then crashing the build."""
    files = edit(MINIMAL, "m2/quiz.yaml", "    unit: mL\n", "    unit: mL\n    points: 1e308\n")
    assert [p[1] for p in found(tmp_path, files)] == ["schema.maximum"]


def test_the_largest_allowed_numbers_build_in_every_format(tmp_path: Path) -> None:
    """The bounds are ones every format can carry: 1000 points, 100 attempts, an answer of a billion."""
    files = edit(MINIMAL, "m2/quiz.yaml", "    answer: 2\n    tolerance: 0.1\n", "    answer: 1000000000\n    tolerance: 1000000000\n    points: 1000\n")
    files = edit(files, "m2/quiz.yaml", "kind: module_quiz\n", "kind: module_quiz\nmax_attempts: 100\n")
    course_dir = write_course(tmp_path / "course_content", files)
    assert read(tmp_path, files).errors == ()
    for fmt in FORMATS:
        assert main(["build", str(course_dir), "--format", fmt, "--out", str(tmp_path / "out")]) == 0, fmt
    with zipfile.ZipFile(tmp_path / "out" / "mini-imscc.imscc") as package:
        assert any(b"1000" in package.read(n) for n in package.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize(("value", "valid"), [
    ('javascript://x"><script>alert(1)</script>', False), ("https://example.org/a b", False),
    ("https://example.org/c?x=1", False), ("ftp://example.org/c", False), ("example.org/c", False),
    ("https://example.org/courses/cma", True), ("http://例え.jp/課程", True), ("https://example.org:8443/c/", True),
])
def test_base_iri_is_checked_as_an_iri(tmp_path: Path, value: str, valid: bool) -> None:
    """``base_iri`` must be an absolute http(s) IRI: the schema's ``format: iri`` is enforced."""
    files = edit(MINIMAL, "course.yaml", "id: mini\n", f"id: mini\nbase_iri: '{value}'\n")
    assert [p[1:3] for p in found(tmp_path, files)] == ([] if valid else [("schema.format", "course.yaml")])


@pytest.mark.parametrize("number", ["1" + "0" * 5000, "-" + "9" * 19, "0x" + "f" * 5000])
@pytest.mark.parametrize(("path", "old"), [("m1/check.yaml", "kind: knowledge_check\n"), ("m2/lesson.md", "title: Doses\n")])
def test_a_whole_number_too_long_is_a_located_problem(tmp_path: Path, number: str, path: str, old: str) -> None:
    """A number with thousands of digits, which Python cannot even print, is a syntax.yaml error at the number."""
    files = edit(MINIMAL, path, old, f"{old}max_attempts: {number}\n")
    line = str(files[path]).split("\n").index(f"max_attempts: {number}") + 1
    assert [p[1:5] for p in found(tmp_path, files)] == [("syntax.yaml", path, line, 15)]


@given(st.text(alphabet="0123456789xoabcdefABCDEF _-+:\né٣", max_size=80), st.sampled_from(["", "9" * 19, "0x" + "f" * 16, "0o" + "7" * 22]))
def test_the_quick_search_for_a_long_number_finds_what_the_pattern_finds(text: str, number: str) -> None:
    """Digits translated to zeros and a substring search stand in for the pattern; they must agree on every text."""
    for candidate in (text, text + number, number + text, text[: len(text) // 2] + number + text[len(text) // 2:]):
        assert _may_hold_a_long_number(candidate) == bool(_MAYBE_LONG_NUMBER.search(candidate))


def test_a_long_number_in_quotes_is_text(tmp_path: Path) -> None:
    """The same digits quoted are text: an ordinary schema.type problem where a number belongs, and fine where text does."""
    files = edit(MINIMAL, "m1/check.yaml", "title: Check one", f"title: '{'1' * 5000}'")
    assert [p[1] for p in found(tmp_path, files)] == ["schema.maxLength"]
