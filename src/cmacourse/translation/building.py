"""Building a course in its translations: every package of each language, from the same ids."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

from ..building import build_formats
from ..errors import InvalidCourseError, Problem
from ..loading import course_root, load_course
from ..model import Course
from .overlay import load_translation, translated_folder, validate_translation
from .workflow import LOCALES_FOLDER, TRANSLATION_FILE, check_language

#: The ``--lang`` value that builds the source language and every translation.
ALL_LANGUAGES = "all"


def course_languages(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The languages the course has a translation into, sorted."""
    locales = course_root(path) / LOCALES_FOLDER
    if not locales.is_dir():
        return ()
    return tuple(sorted(folder.name for folder in locales.iterdir() if (folder / TRANSLATION_FILE).is_file()))


@contextlib.contextmanager
def translated_course(path: str | os.PathLike[str], language: str) -> Iterator[Course]:
    """The course in ``language``, from its kept translation, for exporting while the block runs.

    Its ``translated_from`` is the course as written, so the packages' xAPI language maps carry both
    languages. Its files (a temporary copy of the course, translated) are removed on leaving.

    Raises:
        UsageError: not a course folder, or no translation into that language.
        InvalidCourseError: the course, its translation or the translated course has errors.
    """
    source = load_course(path)
    _refuse_errors(path, (check_language(language),))
    with _translated(path, language, source) as course:
        yield course


def build_languages(path: str | os.PathLike[str], language: str, format_name: str, out_dir: str | os.PathLike[str],
                    option_pairs: Iterable[str] = ()) -> list[Path]:
    """Build ``format_name`` in ``language`` (or in every language) into ``out_dir/<language>/``.

    The translated course keeps every id of the source, so activity, interaction and SCO ids, and so
    the records an LMS or LRS keeps, are the same in every language. Every translation is checked
    before any package is built.

    Raises:
        UsageError: not a course folder, an unknown language or format, or a bad option.
        InvalidCourseError: the course or a translation has errors (nothing is written).
        BuildError, OutputError: as for ``build_formats``.
    """
    source = load_course(path)
    languages = (source.language, *course_languages(path)) if language == ALL_LANGUAGES else (check_language(language),)
    _refuse_errors(path, tuple(each for each in languages if each != source.language))
    written: list[Path] = []
    options = list(option_pairs)
    for each in languages:
        out = Path(out_dir) / each
        if each == source.language:
            written.extend(build_formats(source, format_name, out, options))
            continue
        with _translated(path, each, source) as course:
            written.extend(build_formats(course, format_name, out, options))
    return written


def _refuse_errors(path: str | os.PathLike[str], languages: tuple[str, ...]) -> None:
    problems: list[Problem] = []
    for each in languages:
        problems.extend(p for p in validate_translation(path, each).problems if p.severity == "error")
    if problems:
        raise InvalidCourseError(tuple(problems))


@contextlib.contextmanager
def _translated(path: str | os.PathLike[str], language: str, source: Course) -> Iterator[Course]:
    with translated_folder(load_translation(path, language)) as folder:
        yield attrs.evolve(load_course(folder), translated_from=source)
