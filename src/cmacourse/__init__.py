"""cmacourse: write a training course as plain text files and export it to the standards LMSs import."""

from ._version import __version__
from .errors import (
    BuildError,
    CmaCourseError,
    ContentError,
    ExporterError,
    InvalidCourseError,
    Location,
    PluginLoadError,
    Problem,
    UnknownExporterError,
    UsageError,
)
from .loading import CourseReport, load_course, read_course
from .model import MODULE_KINDS, Course, Module, Objective, Page


def validate(path: str) -> tuple[Problem, ...]:
    """Every problem (errors and warnings) of the course at ``path``, sorted by file and line.

    Raises:
        UsageError: ``path`` is not a course folder.
    """
    return read_course(path).problems


__all__ = [
    "MODULE_KINDS",
    "BuildError",
    "CmaCourseError",
    "ContentError",
    "Course",
    "CourseReport",
    "ExporterError",
    "InvalidCourseError",
    "Location",
    "Module",
    "Objective",
    "Page",
    "PluginLoadError",
    "Problem",
    "UnknownExporterError",
    "UsageError",
    "__version__",
    "load_course",
    "read_course",
    "validate",
]
