"""A course in another language: the source folder with each translated string put in its place.

The translated course is written to a temporary folder with the same files and structure as the
source, so it is read and checked by the very loader and checks the source goes through. A problem
that lies in a translated string is then located in the translation file, at that unit's target.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import yaml

from .._yaml import load_yaml
from ..errors import Location, Problem, UsageError
from ..hints import shown_path
from ..loading import COURSE_FILE, CourseReport, course_root, read_course
from ..pagesource import split_page
from ..plugins import block_types
from .checks import check_units, is_translated, translated_text
from .units import Unit, course_units, document_tokens
from .workflow import LOCALES_FOLDER, TRANSLATION_FILE, check_language, translation_path
from .xliff import InUnit, XliffSyntaxError, read_xliff


@attrs.frozen
class Translation:
    """A course's units and, for each, its translation as kept in ``locales/<lang>/``."""

    root: Path
    language: str
    units: tuple[Unit, ...]
    found: tuple[InUnit, ...]
    display: str  #: the translation file, relative to the course folder
    problems: tuple[Problem, ...]

    def texts(self) -> dict[str, str]:
        """The translated text of each translated unit, by unit id (one imported with --partial may lack some)."""
        return {unit.id: translated_text(unit.target) for unit in self.found if unit.target is not None and is_translated(unit)}


def load_translation(path: str | os.PathLike[str], language: str) -> Translation:
    """The kept translation of a course into ``language``, checked against the course as it is now.

    Raises:
        UsageError: not a course folder, or no translation into that language.
        InvalidCourseError: the source course has errors.
    """
    check_language(language)
    root = course_root(path)
    course, units = course_units(os.fspath(root))
    stored = translation_path(root, language)
    display = stored.relative_to(root).as_posix()
    try:
        data = stored.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"the course has no translation into {language}: {shown_path(stored)} does not exist;"
                         f" import one with 'cmacourse translate import FILE {shown_path(root)}'") from None
    except OSError as exc:
        raise UsageError(f"cannot read {shown_path(stored)}: {exc.strerror or exc}") from None
    try:
        _, read = read_xliff(data)
        found = tuple(read)
    except XliffSyntaxError as exc:
        problem = Problem(code="translation.syntax", message=exc.message, location=Location(display, exc.line, 1))
        return Translation(root, language, units, (), display, (problem,))
    # Only an import with --partial keeps untranslated units, so here they are warnings.
    problems = tuple(check_units(found, units, display, course.language, language, partial=True))
    return Translation(root, language, units, found, display, problems)


def validate_translation(path: str | os.PathLike[str], language: str) -> CourseReport:
    """Every problem of the course in ``language``: its translation file's, then the translated course's.

    Raises:
        UsageError: not a course folder, or no translation into that language.
        InvalidCourseError: the source course has errors.
    """
    translation = load_translation(path, language)
    if any(problem.severity == "error" for problem in translation.problems):
        return CourseReport(None, tuple(sorted(translation.problems, key=Problem.sort_key)), False)
    source = read_course(translation.root)
    with translated_folder(translation) as folder:
        report = read_course(folder)
    translated = set(translation.texts())
    problems = [*translation.problems, *(_relocated(p, translation, translated, source.problems) for p in report.problems)]
    return CourseReport(report.course, tuple(sorted(problems, key=Problem.sort_key)), report.complete)


def _relocated(problem: Problem, translation: Translation, translated: set[str], source_problems: Sequence[Problem]) -> Problem:
    where = problem.location
    by_id = {unit.id: unit for unit in translation.found}
    for unit in translation.units:
        if unit.id in translated and unit.file == where.file and (where.pointer == unit.pointer or where.pointer.startswith(unit.pointer + "/")):
            given = by_id[unit.id]
            return attrs.evolve(problem, message=f"in the translation of {unit.id!r}: {problem.message_template}",
                                location=Location(translation.display, given.target_line, 1))
    # Not in a translated string: the same problem the source has, so show it where the source has it.
    twin = next((p for p in source_problems if (p.code, p.location.file, p.location.pointer, p.message)
                 == (problem.code, where.file, where.pointer, problem.message)), None)
    return twin or problem


@contextlib.contextmanager
def translated_folder(translation: Translation) -> Iterator[Path]:
    """A temporary copy of the course folder with every string translated; removed on leaving."""
    texts = translation.texts()
    by_file: dict[str, list[tuple[Unit, str]]] = defaultdict(list)
    for unit in translation.units:
        if unit.id in texts:  # an untranslated unit keeps the source's text
            by_file[unit.file].append((unit, texts[unit.id]))
    with tempfile.TemporaryDirectory(prefix="cmacourse-translated-") as temporary:
        folder = Path(temporary) / translation.root.name
        shutil.copytree(translation.root, folder, ignore=_ignore_locales(translation.root))
        for rel, replacements in by_file.items():
            text = (translation.root / rel).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
            (folder / rel).write_text(_translated_file(rel, text, replacements), encoding="utf-8")
        _use_language_media(translation, folder)
        _set_language(folder, translation.language)
        yield folder


def _use_language_media(translation: Translation, folder: Path) -> None:
    # A file kept under locales/<lang>/ at a media file's course-relative path (a translated diagram,
    # a dubbed recording) replaces that file in this language; every other file is shared.
    own = translation_path(translation.root, translation.language).parent
    for file in sorted(own.rglob("*")):
        rel = file.relative_to(own)
        if file.is_file() and rel.as_posix() != TRANSLATION_FILE and (folder / rel).is_file():
            shutil.copyfile(file, folder / rel)


def _set_language(folder: Path, language: str) -> None:
    course_file = folder / COURSE_FILE
    data = load_yaml(course_file.read_text(encoding="utf-8-sig"))
    data["language"] = language
    course_file.write_text(_dump(data), encoding="utf-8")


def _ignore_locales(root: Path) -> Any:
    def ignore(directory: str, names: list[str]) -> list[str]:
        return [LOCALES_FOLDER] if Path(directory) == root and LOCALES_FOLDER in names else []
    return ignore


def _translated_file(rel: str, text: str, replacements: Sequence[tuple[Unit, str]]) -> str:
    if not rel.endswith(".md"):
        data = load_yaml(text)
        for unit, translated in replacements:
            _set(data, document_tokens(unit.pointer), translated)
        return _dump(data)
    blocks = block_types()
    parts = split_page(text, blocks)
    front = load_yaml(parts.front_matter)
    segments: list[Any] = [s.text.rstrip("\n") if s.kind is None else load_yaml(s.text) for s in parts.segments]
    for unit, translated in replacements:
        tokens = document_tokens(unit.pointer)
        if tokens[:1] != ["blocks"]:
            _set(front, tokens, translated)
        elif len(tokens) == 2:
            segments[int(tokens[1])] = translated
        else:
            _set(segments[int(tokens[1])], tokens[2:], translated)
    body = [value if segment.kind is None else _fenced(segment.kind, _dump(value))
            for segment, value in zip(parts.segments, segments)]
    return "---\n" + _dump(front) + "---\n\n" + "\n\n".join(body) + "\n"


def _fenced(kind: str, body: str) -> str:
    longest = max((len(run) for run in body.split() if set(run) == {"`"}), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{kind}\n{body}{fence}"


def _set(data: Any, tokens: list[str], value: str) -> None:
    for token in tokens[:-1]:
        data = data[int(token)] if isinstance(data, list) else data[token]
    last = tokens[-1]
    if isinstance(data, list):
        data[int(last)] = value
    else:
        data[last] = value


def _dump(data: Mapping[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)


__all__ = ["Translation", "load_translation", "translated_folder", "validate_translation"]
