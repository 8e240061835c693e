"""JSON pointers to lines and columns: nesting, keys and values, escaping, page and block offsets, laziness."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cmacourse import Location, Problem, read_course
from cmacourse.pagesource import split_page
from cmacourse.plugins import block_types
from cmacourse.sourcemap import SourceFile, SourceRef, escape_pointer_token, pointer
from coursebuilder import MINIMAL, edit, position, write_course

NESTED = """\
# a comment first
course:
  modules:
    - id: one
      pages:
        - a.md
        - b.md
    - id: two
      pages: [c.md, d.md]
  text: |
    Two lines
    of prose.
"""


def source(text: str, first_line: int = 1, base: str = "") -> SourceFile:
    return SourceFile(Path("f.yaml"), "f.yaml", text, first_line=first_line, base=base)


def where(src: SourceFile, ptr: str, *, key: bool = False) -> tuple[int | None, int | None]:
    location = src.locate(ptr, key=key)
    assert location.pointer == ptr and location.file == "f.yaml"
    return location.line, location.column


@pytest.mark.parametrize(("token", "escaped"), [("plain", "plain"), ("a/b", "a~1b"), ("a~b", "a~0b"), ("~1", "~01"), ("/~", "~1~0"), (3, "3")])
def test_escape_pointer_token(token: object, escaped: str) -> None:
    """Tokens escape ~ as ~0 before / as ~1, as RFC 6901 requires, so ~1 in a key stays distinguishable from /."""
    assert escape_pointer_token(token) == escaped


def test_pointer_joins_escaped_tokens() -> None:
    """A pointer is each escaped token after a slash; no tokens is the whole document."""
    assert pointer("pages", 0, "a/b") == "/pages/0/a~1b"
    assert pointer() == ""


@pytest.mark.parametrize(("ptr", "needle"), [
    ("", "course:"),
    ("/course", "modules:"),
    ("/course/modules", "- id: one"),
    ("/course/modules/0", "id: one"),
    ("/course/modules/0/id", "one"),
    ("/course/modules/0/pages/1", "b.md"),
    ("/course/modules/1/pages", "[c.md"),
    ("/course/modules/1/pages/1", "d.md"),
    ("/course/text", "|"),
])
def test_values_in_nested_mappings_and_sequences(ptr: str, needle: str) -> None:
    """A pointer locates the start of its value: a scalar, a flow or block sequence, a nested mapping, a block scalar."""
    assert where(source(NESTED), ptr) == position({"f": NESTED}, "f", needle)


@pytest.mark.parametrize(("ptr", "needle"), [("/course", "course:"), ("/course/modules/1/pages", "pages: [c.md"), ("/course/text", "text: |")])
def test_keys_are_located_apart_from_values(ptr: str, needle: str) -> None:
    """Asked for the key, a pointer locates the key's own first character, not its value's."""
    assert where(source(NESTED), ptr, key=True) == position({"f": NESTED}, "f", needle)


def test_key_of_a_sequence_item_falls_back_to_its_value() -> None:
    """A list item has no key, so asking for one gives the item itself."""
    assert where(source(NESTED), "/course/modules/0/pages/0", key=True) == position({"f": NESTED}, "f", "a.md")


def test_missing_pointer_falls_back_to_nearest_ancestor() -> None:
    """A pointer to something absent (a missing key) is located at the nearest ancestor that exists, keeping the full pointer."""
    src = source(NESTED)
    assert where(src, "/course/modules/0/summary") == where(src, "/course/modules/0")
    assert where(src, "/course/modules/7/id") == where(src, "/course/modules")
    assert where(src, "/nothing/here") == where(src, "")


def test_escaped_keys() -> None:
    """Keys holding / and ~ are found through their escaped pointer tokens."""
    text = 'paths:\n  a/b: 1\n  c~d: 2\n  "~1": 3\n  /: 4\n'
    src = source(text)
    assert where(src, "/paths/a~1b") == (2, 8)
    assert where(src, "/paths/c~0d") == (3, 8)
    assert where(src, "/paths/~01") == (4, 9)
    assert where(src, "/paths/~1") == (5, 6)
    assert where(src, "/paths/c~0d", key=True) == (3, 3)


def test_first_line_offsets_every_location() -> None:
    """A document that starts on line 2 of its file (front matter after '---') reports file lines."""
    assert where(source("id: x\ntitle: T\n", first_line=2), "/title") == (3, 8)
    assert source("id: x\n", first_line=2).location(1, 5) == Location("f.yaml", 2, 5, "")


def test_base_pointer_of_a_block() -> None:
    """A block's document lives at /blocks/N of its page; its pointers carry that base and its lines the block's offset."""
    src = source("src: a.png\nalt: An image.\n", first_line=12, base="/blocks/3")
    assert where(src, "/blocks/3/alt") == (13, 6)
    assert where(src, "/blocks/3") == (12, 1)
    assert where(src, "/blocks") == (12, 1)


def test_broken_yaml_locates_at_its_first_line() -> None:
    """Text that fails to parse keeps the locations mapped before the error, rather than raising."""
    assert where(source("a: [unclosed\n", first_line=5), "/a/0") == (5, 5)
    assert where(source("a: 1\nb: [\n", first_line=1), "/a") == (1, 4)
    assert where(source(""), "/x") == (1, 1)


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    """Nesting deeper than a recursive walk could take is mapped exactly; deeper than the parser allows, still located."""
    depth = 900  # past Python's recursion limit for a walk that recursed per level, under libyaml's own limit of 1000
    src = source("a: " + "[" * depth + "]" * depth + "\n")
    deepest = "/a" + "/0" * (depth - 1)
    assert where(src, deepest) == (1, 3 + depth)
    hostile = source("a: " + "[" * 5000 + "]" * 5000 + "\n")
    line, column = where(hostile, "/a" + "/0" * 4999)
    assert line == 1 and 4 <= column <= 5003


def test_source_ref_children_and_markdown_lines() -> None:
    """A SourceRef extends its pointer for children; a Markdown ref keeps its line and column without composing YAML."""
    src = source("pages:\n  - a.md\n")
    ref = SourceRef(file=src)
    assert ref.child("pages", 0).location() == Location("f.yaml", 2, 5, "/pages/0")
    prose = SourceRef(file=source("not: [yaml", first_line=1), pointer="/blocks/0", line=7, column=3)
    assert prose.location() == Location("f.yaml", 7, 3, "/blocks/0")
    assert prose.child("x").location() == Location("f.yaml", 7, 3, "/blocks/0/x")


def test_page_front_matter_and_block_offsets() -> None:
    """Splitting a page keeps the line on which its front matter (2) and each block's body begin."""
    text = MINIMAL["m1/intro.md"]
    assert isinstance(text, str)
    parts = split_page(text, block_types())
    assert parts.front_matter.startswith("id: intro\n")
    kinds = [(segment.kind, segment.line) for segment in parts.segments]
    assert kinds == [(None, position(MINIMAL, "m1/intro.md", "The first step")[0]),
                     ("figure", position(MINIMAL, "m1/intro.md", "src: ../media")[0])]


def test_loader_locates_front_matter_and_block_problems_in_file_lines(tmp_path: Path) -> None:
    """Through the loader, a front-matter value and a block value are located at their lines in the page file."""
    files = edit(MINIMAL, "m1/intro.md", "title: Introduction", "title: 7")
    files = edit(files, "m1/intro.md", "alt: Six steps in a row.", "alt: 8")
    problems = read_course(write_course(tmp_path / "c", files)).problems
    assert [(p.location.line, p.location.column, p.location.pointer) for p in problems] == [
        (*position(files, "m1/intro.md", "7"), "/title"),
        (*position(files, "m1/intro.md", "8"), "/blocks/1/alt"),
    ]


def test_clean_course_never_composes_yaml_for_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a clean course parses each file once, fast, and never builds a source map or uses PyYAML."""
    import cmacourse._yaml
    import cmacourse.sourcemap

    root = write_course(tmp_path / "c")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the clean path used PyYAML")

    monkeypatch.setattr(cmacourse.sourcemap.yaml, "compose", refuse)
    monkeypatch.setattr(cmacourse._yaml.yaml, "load", refuse)
    report = read_course(root)
    assert report.problems == () and report.course is not None


def test_only_files_with_problems_are_mapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a problem in one file, that file's source map is built once and no other file's."""
    import cmacourse.sourcemap

    files = edit(edit(MINIMAL, "m2/quiz.yaml", "tolerance: 0.1", "tolerance: -1"), "m2/quiz.yaml", "answer: 2", "answer: x")
    composed: list[str] = []
    real = yaml.parse

    def counting(text: str, Loader: type) -> object:  # noqa: N803 - PyYAML's own parameter name
        composed.append(text)
        return real(text, Loader=Loader)

    monkeypatch.setattr(cmacourse.sourcemap.yaml, "parse", counting)
    problems = read_course(write_course(tmp_path / "c", files)).problems
    assert [p.code for p in problems] == ["schema.type", "schema.minimum"]
    assert composed == [files["m2/quiz.yaml"]]


def test_location_and_problem_text() -> None:
    """A location prints as file:line:col (or less when unknown); a problem adds severity, code, pointer and hint."""
    assert str(Location("a.yaml", 3, 7, "/x")) == "a.yaml:3:7"
    assert str(Location("a.yaml", 3)) == "a.yaml:3"
    assert str(Location("a.yaml")) == "a.yaml"
    problem = Problem(code="schema.type", message="expected text", location=Location("a.yaml", 3, 7, "/x"), hint="quote it")
    assert str(problem) == "a.yaml:3:7: error[schema.type]: expected text (/x)\n    hint: quote it"
    assert str(Problem(code="file.empty", message="the file is empty", location=Location("b.yaml", 1, 1))) == (
        "b.yaml:1:1: error[file.empty]: the file is empty")
