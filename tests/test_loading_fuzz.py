"""Random text, bytes and data in every kind of course file give problems, never another exception."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmacourse import CourseReport, Problem, UsageError, read_course
from cmacourse._yaml import YAMLSyntaxError, load_yaml
from cmacourse.cli import main
from cmacourse.errors import problems_as_typed
from cmacourse.sourcemap import SourceFile
from coursebuilder import MINIMAL, write_course

FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: One file of each kind the loader reads, and how a YAML document becomes that file's text.
FILE_KINDS = {
    "course.yaml": "{}",
    "m1/module.yaml": "{}",
    "m1/check.yaml": "{}",
    "glossary.yaml": "{}",
    "final-exam.yaml": "{}",
    "m2/lesson.md": "---\n{}---\nSome prose.\n",
    "m1/intro.md": "---\nid: intro\ntitle: Introduction\n---\n```figure\n{}```\n",
}

#: Pieces that YAML, Markdown and our page format give a meaning to, so random text often hits a rule.
TOKENS = [
    "id: ", "title: ", "kind: ", "modules:", "pages:", "questions:", "terms:", "type: ", "options:", "correct: true",
    "- ", "-", ":", ": ", "\n", "\n  ", "\n    ", "\t", " ", "[", "]", "{", "}", ",", "#", "&a ", "*a", "!!int ", "!tag ",
    "|", ">", "'", '"', "%YAML 1.2", "---", "...", "? ", "@", "`", "\\", "~", "null", ".nan", "-.inf", "1e999",
    "0x1F", "2024-01-01", "yes", "\x00", "\x07", "\ufeff", "\u2028", "é", "```", "```callout\n", "~~~", "glossary:",
    "](glossary:x)", "![", "](../x.png)", "../", "/etc/passwd", "m1", "intro.md", "check.yaml", "single_choice", "numeric",
]

yamlish_text = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), max_size=40).map("".join)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.integers(250, 400).map("n".__mul__),
    st.sampled_from(["intro.md", "check.yaml", "m1", "one", "obj-one", "single_choice", "../x", "/abs"]),
)
keys = st.one_of(st.text(max_size=8), st.integers(-3, 3), st.booleans(), st.none(), st.sampled_from([
    "id", "title", "kind", "modules", "pages", "objectives", "questions", "type", "prompt", "options", "text", "correct",
    "feedback", "answer", "tolerance", "terms", "term", "definition", "src", "alt", "caption", "requires", "completion",
    "mastery_score", "glossary", "final_exam", "assessments", "credentials", "pairs", "items", "answers",
]))
json_like = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=25)


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the minimal course; each example swaps one file and puts it back."""
    return write_course(tmp_path_factory.mktemp("fuzz") / "course_content")


@contextlib.contextmanager
def replaced(root: Path, rel: str, content: bytes) -> Iterator[None]:
    """The course at ``root`` with one file's bytes replaced for the duration."""
    original = MINIMAL[rel]
    (root / rel).write_bytes(content)
    try:
        yield
    finally:
        (root / rel).write_bytes(original.encode() if isinstance(original, str) else original)


def check_report(report: CourseReport) -> None:
    """What every report promises, whatever the input: located, printable problems, and a course or an error."""
    assert isinstance(report, CourseReport)
    for problem in report.problems:
        assert isinstance(problem, Problem)
        assert problem.severity in ("error", "warning")
        assert problem.location.file and not Path(problem.location.file).is_absolute()
        assert problem.location.line is None or problem.location.line >= 1
        assert problem.location.column is None or problem.location.column >= 1
        assert problem.location.pointer == "" or problem.location.pointer.startswith("/")
        str(problem)
        problem.to_json()
    if report.course is None:
        assert report.errors
    assert list(report.problems) == sorted(report.problems, key=Problem.sort_key)


def run_everything(root: Path) -> None:
    """Read the course through the API and the command line; neither may raise, and both report the same."""
    report = read_course(root)
    check_report(report)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main(["validate", str(root), "--json"])
    assert status == (1 if report.errors else 0)
    expected = [p.to_json() for p in problems_as_typed(report.problems, root)]
    assert [p["file"] for p in expected] == [(root / p.location.file).as_posix() for p in report.problems]
    assert json.loads(out.getvalue())["problems"] == expected


def as_document(rel: str, yaml_text: str) -> str:
    return FILE_KINDS[rel].replace("{}", yaml_text)


@pytest.mark.parametrize("rel", sorted(FILE_KINDS))
@FUZZ
@given(text=yamlish_text)
def test_random_yamlish_text(course_dir: Path, rel: str, text: str) -> None:
    """Text made of YAML's and Markdown's special pieces, in any kind of file, gives problems and no exception."""
    with replaced(course_dir, rel, as_document(rel, text).encode("utf-8", "surrogatepass")):
        run_everything(course_dir)


@pytest.mark.parametrize("rel", sorted(FILE_KINDS))
@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(course_dir: Path, rel: str, data: bytes) -> None:
    """Arbitrary bytes as any kind of file give problems and no exception."""
    with replaced(course_dir, rel, data):
        run_everything(course_dir)


@pytest.mark.parametrize("rel", sorted(FILE_KINDS))
@FUZZ
@given(value=json_like)
def test_random_structures(course_dir: Path, rel: str, value: Any) -> None:
    """Any JSON-like structure written as YAML, as any kind of file, gives problems and no exception."""
    dumped = yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    with replaced(course_dir, rel, as_document(rel, dumped).encode("utf-8", "surrogatepass")):
        run_everything(course_dir)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*here, index))


def _set(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = document
    for token in path[:-1]:
        parent = parent[token]
    parent[path[-1]] = value
    return document


YAML_FILES = sorted(rel for rel in FILE_KINDS if rel.endswith(".yaml"))


@pytest.mark.parametrize("rel", YAML_FILES)
@FUZZ
@given(data=st.data())
def test_valid_files_with_one_value_replaced(course_dir: Path, rel: str, data: st.DataObject) -> None:
    """A valid file with any one value replaced by random data gets past the schema in ways that must still not raise."""
    document = yaml.safe_load(MINIMAL[rel])
    path = data.draw(st.sampled_from(list(_paths(document))), label="path")
    document = _set(document, path, data.draw(json_like, label="value"))
    with replaced(course_dir, rel, yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")):
        run_everything(course_dir)


@FUZZ
@given(name=st.one_of(st.text(max_size=20), st.text(alphabet="ab./\x00~", max_size=300), st.integers(200, 5000).map("n".__mul__)))
def test_any_path_reads_a_course_or_raises_usage_error(course_dir: Path, name: str) -> None:
    """Whatever path is asked for, reading gives a report or UsageError (no course there), nothing else."""
    try:
        report = read_course(course_dir.parent / name)
    except UsageError as exc:
        assert str(exc)
    else:
        check_report(report)


@FUZZ
@given(text=yamlish_text)
def test_yaml_reader_raises_only_its_syntax_error(text: str) -> None:
    """The YAML reader returns data or raises YAMLSyntaxError with a 1-based position, nothing else."""
    try:
        load_yaml(text)
    except YAMLSyntaxError as exc:
        assert exc.message
        assert exc.line is None or exc.line >= 1
        assert exc.column is None or exc.column >= 1


@FUZZ
@given(text=yamlish_text, tokens=st.lists(st.one_of(st.text(max_size=5), st.integers(0, 5)), max_size=4))
def test_locating_any_pointer_in_any_text_never_raises(text: str, tokens: list[object]) -> None:
    """Asking where any pointer is in any text gives a location in that text's file."""
    source = SourceFile(Path("x.yaml"), "x.yaml", text, first_line=2)
    location = source.locate("".join(f"/{t}" for t in tokens))
    assert location.file == "x.yaml"
    assert location.line is not None and location.line >= 2

