"""cmacourse: write a training course as plain text files and export it to the standards LMSs import.

The public names are imported when first used (PEP 562), so that ``cmacourse --version`` and any
command start without loading the schemas, the model or the player they do not need.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .errors import (
        BuildError,
        CmaCourseError,
        ContentError,
        ExporterError,
        InvalidCourseError,
        Location,
        OutputError,
        PluginLoadError,
        Problem,
        UnknownExporterError,
        UsageError,
    )
    from .exporters import export
    from .loading import CourseReport, load_course, read_course
    from .model import MODULE_KINDS, Course, Module, Objective, Page
    from .serialize import dump_course

#: Each public name and the module that defines it.
_PUBLIC = {
    **dict.fromkeys(("BuildError", "CmaCourseError", "ContentError", "ExporterError", "InvalidCourseError", "Location",
                     "OutputError", "PluginLoadError", "Problem", "UnknownExporterError", "UsageError"), "errors"),
    **dict.fromkeys(("CourseReport", "load_course", "read_course"), "loading"),
    **dict.fromkeys(("MODULE_KINDS", "Course", "Module", "Objective", "Page"), "model"),
    "export": "exporters",
    "dump_course": "serialize",
}


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'cmacourse' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value  # the next lookup is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def validate(path: str | os.PathLike[str]) -> tuple[Problem, ...]:
    """Every problem (errors and warnings) of the course at ``path``, sorted by file and line.

    Raises:
        UsageError: ``path`` is not a course folder.
    """
    return __getattr__("read_course")(path).problems  # type: ignore[no-any-return]


__all__ = sorted([*_PUBLIC, "__version__", "validate"])
