"""Building a course in its translations: every package of each language, from the same ids."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..building import build_formats
from ..errors import InvalidCourseError, Problem
from ..loading import course_root, load_course
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
    source_language = source.language
    languages = (source_language, *course_languages(path)) if language == ALL_LANGUAGES else (check_language(language),)
    problems: list[Problem] = []
    for each in languages:
        if each != source_language:
            problems.extend(p for p in validate_translation(path, each).problems if p.severity == "error")
    if problems:
        raise InvalidCourseError(tuple(problems))
    written: list[Path] = []
    options = list(option_pairs)
    for each in languages:
        out = Path(out_dir) / each
        if each == source_language:
            written.extend(build_formats(path, format_name, out, options))
            continue
        with translated_folder(load_translation(path, each)) as folder:
            written.extend(build_formats(folder, format_name, out, options, translated_from=source))
    return written
