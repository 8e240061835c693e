"""Deeply nested YAML anywhere in a course is a located problem, never a RecursionError."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmacourse import read_course
from cmacourse._yaml import _LINE_BLOCK, MAX_DEPTH, _may_have_a_long_line
from cmacourse.cli import main

from coursebuilder import MINIMAL, edit, write_course

#: Past the limit, up to well past Python's recursion limit (1,000 frames).
DEPTHS = st.integers(min_value=MAX_DEPTH + 1, max_value=2500)
KINDS = st.lists(st.sampled_from(["seq", "map"]), min_size=1, max_size=4)


def flow(depth: int, kinds: list[str]) -> str:
    """``[{a: [...]}]``: ``depth`` levels of flow collections, their kinds cycling through ``kinds``."""
    levels = [kinds[i % len(kinds)] for i in range(depth)]
    opening = "".join("[" if kind == "seq" else "{a: " for kind in levels)
    closing = "".join("]" if kind == "seq" else "}" for kind in reversed(levels))
    return opening + "x" + closing


def block(depth: int, kinds: list[str], indent: int) -> str:
    """``depth`` levels of block collections, one line each, starting at column ``indent``."""
    lines = []
    for level in range(depth):
        kind = kinds[level % len(kinds)]
        lines.append(" " * (indent + 2 * level) + ("-" if kind == "seq" else "k:"))
    lines.append(" " * (indent + 2 * depth) + "x")
    return "\n".join(lines) + "\n"


def compact(depth: int) -> str:
    """``- - - x``: block sequences nested on one line, the 2 kB case that once overflowed the stack."""
    return "- " * depth + "x"


#: Where nested text can go: file -> (the text it replaces, the key written before it, the indentation under that key).
PLACES = {
    "glossary.yaml": ("definition: A high school equivalency credential.", "definition:", 6),
    "m1/check.yaml": ("feedback: Not yet.", "feedback:", 10),
    "m1/intro.md": ("caption: The pathway.", "caption:", 2),
    "m2/lesson.md": ("title: Doses", "title:", 2),
}


def placed(file: str, nested: str, *, own_line: bool) -> str:
    """The file with ``nested`` as the value of its key, on the key's line or (for block collections) below it."""
    old, key, indent = PLACES[file]
    value = ("\n" + " " * indent if own_line else " ") + nested
    return str(MINIMAL[file]).replace(old, key + value)


def _only_a_located_yaml_problem(tmp_path: Path, file: str, text: str) -> None:
    course_dir = write_course(tmp_path / "course_content", {**MINIMAL, file: text})
    report = read_course(course_dir)  # must not raise
    nesting = [p for p in report.errors if p.code == "syntax.yaml"]
    assert nesting, [str(p) for p in report.problems]
    assert all(p.location.file == file and p.location.line is not None for p in nesting)
    assert all("nested more than" in p.message for p in nesting)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=DEPTHS, kinds=KINDS, place=st.sampled_from(sorted(PLACES)), style=st.sampled_from(["flow", "compact"]))
def test_nesting_past_the_limit_is_a_located_problem(tmp_path: Path, depth: int, kinds: list[str], place: str, style: str) -> None:
    """Flow or compact nesting past the limit, in any file or content block, is one located syntax.yaml error."""
    nested = flow(depth, kinds) if style == "flow" else compact(depth)
    _only_a_located_yaml_problem(tmp_path, place, placed(place, nested, own_line=style == "compact"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(min_value=MAX_DEPTH + 1, max_value=600), kinds=KINDS)
def test_indented_nesting_past_the_limit_is_a_located_problem(tmp_path: Path, depth: int, kinds: list[str]) -> None:
    """Block collections indented level by level past the limit are located at the first line too deep."""
    _only_a_located_yaml_problem(tmp_path, "glossary.yaml", placed("glossary.yaml", block(depth, kinds, 6).strip(), own_line=True))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(min_value=1, max_value=MAX_DEPTH - 4), kinds=KINDS)
def test_nesting_within_the_limit_is_an_ordinary_schema_problem(tmp_path: Path, depth: int, kinds: list[str]) -> None:
    """Below the limit, nesting where text belongs is a schema.type error, as any wrong value is."""
    text = placed("glossary.yaml", flow(depth, kinds), own_line=False)
    course_dir = write_course(tmp_path / "course_content", {**MINIMAL, "glossary.yaml": text})
    assert [p.code for p in read_course(course_dir).problems] == ["schema.type"]


def test_the_2_kb_glossary_through_every_command(tmp_path: Path, capsys: object) -> None:
    """The reported case, 1,000 nested sequences in a 2 kB glossary.yaml, through validate, --json and build."""
    text = "terms:\n  " + compact(1000) + "\n"
    assert len(text) < 2100
    course_dir = write_course(tmp_path / "course_content", edit(MINIMAL, "glossary.yaml", str(MINIMAL["glossary.yaml"]), text))
    assert main(["validate", str(course_dir)]) == 1
    assert main(["validate", "--json", str(course_dir)]) == 1
    assert main(["build", str(course_dir), "--format", "html", "--out", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    document = json.loads(out[out.index("{"):out.rindex("}") + 1])
    (problem,) = document["problems"]
    assert problem["file"].endswith("glossary.yaml") and (problem["line"], problem["code"]) == (2, "syntax.yaml")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def _validate_in_a_child(course_dir: Path) -> subprocess.CompletedProcess[str]:
    # In a process of its own: a parser that overflows its native stack ends the process, not just a test.
    return subprocess.run([sys.executable, "-m", "cmacourse", "validate", "--json", str(course_dir)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("nested", [
    pytest.param("- " * 20_000 + "x", id="20,000 lists on one line"),
    pytest.param("- " * 200_000 + "x", id="200,000 lists on one line (400 kB)"),
    pytest.param("- " * 9_000 + "? " * 9_000 + "x", id="lists and complex keys"),
])
def test_nesting_past_what_the_native_parser_takes_is_a_located_problem(tmp_path: Path, nested: str) -> None:
    """Nesting deep enough to overflow yaml-rs's native stack (about 11,000 levels) is found before yaml-rs reads it."""
    text = "terms:\n  " + nested + "\n"
    course_dir = write_course(tmp_path / "course_content", edit(MINIMAL, "glossary.yaml", str(MINIMAL["glossary.yaml"]), text))
    result = _validate_in_a_child(course_dir)
    assert result.returncode == 1, result.stderr[-2000:]
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["file"].endswith("glossary.yaml") and (problem["line"], problem["code"]) == (2, "syntax.yaml")
    assert "nested more than" in problem["message"]


def test_a_long_line_after_a_syntax_error_is_never_given_to_the_native_parser(tmp_path: Path) -> None:
    """A file the careful parser cannot read through gets that parser's located error, even with a deep line after it."""
    text = 'terms:\n  - id: "unclosed\n  - ' + "- " * 20_000 + "x\n"
    course_dir = write_course(tmp_path / "course_content", edit(MINIMAL, "glossary.yaml", str(MINIMAL["glossary.yaml"]), text))
    result = _validate_in_a_child(course_dir)
    assert result.returncode == 1, result.stderr[-2000:]
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["file"].endswith("glossary.yaml") and (problem["line"], problem["code"]) == (2, "syntax.yaml")


@pytest.mark.parametrize(("key", "message"), [
    ("? [a, b]\n: c", "a key must be plain text"),
    ("? {a: 1}\n: c", "a key must be plain text"),
    ("? " + "- " * 2_000 + "x\n: c", "nested more than"),
])
def test_a_list_or_mapping_as_a_key_is_a_located_problem(tmp_path: Path, key: str, message: str) -> None:
    """yaml-rs gives such a key as a tuple, which no schema looks inside: it is refused where it is written."""
    course_dir = write_course(tmp_path / "course_content", {**MINIMAL, "course.yaml": str(MINIMAL["course.yaml"]) + key + "\n"})
    report = read_course(course_dir)  # must not raise
    (problem,) = report.problems
    last_line = str(MINIMAL["course.yaml"]).count("\n") + 1
    assert (problem.location.file, problem.location.line, problem.code) == ("course.yaml", last_line, "syntax.yaml")
    assert message in problem.message


@given(st.lists(st.integers(min_value=0, max_value=3 * _LINE_BLOCK), max_size=12))
def test_every_line_long_enough_to_nest_deep_is_seen(lengths: list[int]) -> None:
    """Lines of twice the block or longer are always seen; lines shorter than one block never are."""
    text = "\n".join("x" * n for n in lengths)
    longest = max(lengths, default=0)
    if longest >= 2 * _LINE_BLOCK - 1:
        assert _may_have_a_long_line(text)
    if longest < _LINE_BLOCK:
        assert not _may_have_a_long_line(text)
