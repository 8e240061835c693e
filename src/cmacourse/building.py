"""Building packages for the command line: one format or all, from a course folder, published all or none."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError
from .exporters import declaration, exporters, stage_package
from .exporters.options import parse_options as check_options
from .hints import did_you_mean
from .loading import load_course
from .model import Course
from .outputs import OutputFolder
from .player import shared_renders

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
        if not sep or not key.strip():
            raise UsageError(f"option {pair!r} is not KEY=VALUE")
        options[key.strip().replace("-", "_")] = value.strip()
    return options


def options_for(names: list[str], options: dict[str, str]) -> dict[str, dict[str, str]]:
    """The options each format is given: for one format, all of them (it refuses keys it does not take);
    for ``all``, each format gets the keys it declares, and a key no format declares is refused.

    Raises:
        UsageError: an option no selected format takes.
    """
    declared = {name: declaration(name).options for name in names}
    given = {names[0]: options} if len(names) == 1 else _spread({n: [o.key for o in d] for n, d in declared.items()}, options)
    for name, chosen in given.items():
        check_options(name, declared[name], chosen)
    return given


def _spread(declared: dict[str, list[str]], options: dict[str, str]) -> dict[str, dict[str, str]]:
    known = sorted({key for keys in declared.values() for key in keys})
    for key in options:
        if key not in known:
            hint = did_you_mean(key, known)
            raise UsageError(f"no format takes the option {key!r}; {hint + ' ' if hint else ''}options: {', '.join(known)}")
    return {name: {k: v for k, v in options.items() if k in keys} for name, keys in declared.items()}


def build_formats(path: str | os.PathLike[str] | Course, format_name: str, out_dir: str | os.PathLike[str],
                  option_pairs: Iterable[str] = ()) -> list[Path]:
    """Load the course once (unless ``path`` is a course already loaded), build every package asked for,
    then publish them all, or none if one fails.

    Raises:
        InvalidCourseError: the course has errors (nothing is written).
        UnknownExporterError: no format has that name.
        UsageError: an option no format asked for takes, or a value it refuses (nothing is written).
        BuildError: a format cannot express the course (nothing is written).
        OutputError: the packages cannot be written into ``out_dir`` (the previous ones stay).
    """
    names = list(exporters.names()) if format_name == ALL_FORMATS else [format_name]
    given = options_for(names, parse_options(option_pairs))  # an unknown format or option fails before any work
    course = path if isinstance(path, Course) else load_course(path)
    with OutputFolder(out_dir) as folder, shared_renders():  # formats that carry the same player pages render them once
        for name in names:
            stage_package(folder, course, name, given[name])
        return folder.commit()

