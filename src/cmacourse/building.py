"""Building packages for the command line: one format or all, from a course folder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError
from .exporters import export, exporters
from .loading import load_course

#: The ``--format`` value that builds every installed format.
ALL_FORMATS = "all"


def parse_options(pairs: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings as a dict.

    Raises:
        UsageError: a pair has no ``=``.
    """
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"option {pair!r} is not KEY=VALUE")
        options[key.strip().replace("-", "_")] = value.strip()
    return options


def build_formats(path: str | Path, format_name: str, out_dir: Path, option_pairs: Iterable[str] = ()) -> list[Path]:
    """Load the course once and export it to one format, or to every installed one.

    Raises:
        InvalidCourseError: the course has errors (nothing is written).
        UnknownExporterError: no format has that name.
    """
    options = parse_options(option_pairs)
    names = list(exporters.names()) if format_name == ALL_FORMATS else [format_name]
    for name in names:
        exporters.get(name)  # fail on an unknown name before any work
    course = load_course(path)
    return [export(course, name, out_dir, **options) for name in names]
