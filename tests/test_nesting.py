"""Deeply nested YAML anywhere in a course is a located problem, never a RecursionError."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmacourse import read_course
from cmacourse._yaml import MAX_DEPTH
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
