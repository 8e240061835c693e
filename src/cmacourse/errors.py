"""The exceptions and problem reports that cmacourse raises and returns."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, Literal

import attrs

from .hints import did_you_mean, shown_path

Severity = Literal["error", "warning"]


@attrs.frozen
class Location:
    """Where something is in the course: a file, a 1-based line and column, and a JSON pointer."""

    file: str
    line: int | None = None
    column: int | None = None
    pointer: str = ""

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@attrs.frozen
class Problem:
    """One thing wrong with a course, with a stable code that tools can filter on."""

    code: str
    message: str
    location: Location
    severity: Severity = "error"
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}[{self.code}]: {self.message}"
        if self.location.pointer:
            text += f" ({self.location.pointer})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.file, loc.line or 0, loc.column or 0, self.code, self.message)

    def to_json(self) -> dict[str, object]:
        loc = self.location
        return {
            "file": loc.file,
            "line": loc.line,
            "column": loc.column,
            "pointer": loc.pointer,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


#: A course file named in a message or hint, unquoted (a quoted name is what the author wrote or should
#: write, and stays as it is): a path of authored ``.yaml``/``.md`` files, perhaps with ``:line:column``.
_COURSE_FILE_IN_TEXT = re.compile(r"(?<![\w./'\"-])((?:[\w-][\w.-]*/)*[\w-][\w.-]*\.(?:yaml|md))(?=[:\s,;)]|$)")


def problems_as_typed(problems: Sequence[Problem], course_root: str | os.PathLike[str]) -> list[Problem]:
    """Problems with every file they name written from where the command runs, so editors and terminals can open them.

    The library names files from the course folder; the command line, like every message it prints, names
    paths from the working directory: the problem's own file, and the course files its message and hint
    mention (``m2/module.yaml does not exist``, ``first used at m1/module.yaml:3:5``).
    """
    base = Path(shown_path(course_root))
    if base == Path("."):
        return list(problems)

    def typed(text: str | None) -> str | None:
        if not text:
            return text
        return _COURSE_FILE_IN_TEXT.sub(lambda match: (base / match[1]).as_posix(), text)

    return [attrs.evolve(p, location=attrs.evolve(p.location, file=(base / p.location.file).as_posix()),
                         message=typed(p.message), hint=typed(p.hint)) for p in problems]


class CmaCourseError(Exception):
    """Base of every error cmacourse raises on purpose."""

    category: ClassVar[str] = "error"


class ContentError(CmaCourseError):
    """The course content cannot be used."""

    category = "content"


class InvalidCourseError(ContentError):
    """The course has problems; ``problems`` lists every one of them, sorted."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        errors = sum(1 for p in problems if p.severity == "error")
        first = next((p for p in problems if p.severity == "error"), None)
        summary = f"the course has {errors} error{'s' if errors != 1 else ''}"
        super().__init__(f"{summary}; first: {first}" if first else summary)


class ExporterError(CmaCourseError):
    """An export format cannot be found, loaded or run."""

    category = "exporter"


class UnknownExporterError(ExporterError, LookupError):
    """No export format has that name."""

    def __init__(self, name: str, available: tuple[str, ...]) -> None:
        self.name = name
        self.available = available
        hint = did_you_mean(name, available, n=2)
        super().__init__(f"unknown format {name!r}; {hint + ' ' if hint else ''}available: {', '.join(available) or 'none'}")


class PluginLoadError(ExporterError):
    """A plugin's entry point cannot be imported or is not what its group expects."""

    def __init__(self, group: str, name: str, detail: str) -> None:
        self.group = group
        self.name = name
        super().__init__(f"plugin {name!r} in {group}: {detail}")


class BuildError(CmaCourseError):
    """A package cannot be built from a valid course, for example state that cannot fit a standard's limit."""

    category = "build"


class UsageError(CmaCourseError):
    """A caller asked for something that cannot be done as asked (a missing folder, a bad option)."""

    category = "usage"


#: What a user can do about each way writing can fail, by errno.
_OUTPUT_ADVICE = {
    errno.ENOSPC: "free some space or write somewhere else",
    errno.EDQUOT: "free some space or write somewhere else",
    errno.EFBIG: "the file system refuses a file this large; write somewhere else",
    errno.EACCES: "choose a folder you can write to",
    errno.EPERM: "choose a folder you can write to",
    errno.EROFS: "the file system is read-only; choose a folder you can write to",
    errno.ENOTDIR: "a part of that path is a file, not a folder; choose another folder",
    errno.EISDIR: "a folder is in the way; remove it or choose another folder",
    errno.ENOENT: "no folder can be made there; choose another folder",
    errno.ENAMETOOLONG: "the path is too long for the file system; choose a shorter one",
}


class OutputError(UsageError):
    """A package cannot be written where it was asked to go: a one-line reason naming the path, and what to do."""

    def __init__(self, path: str | os.PathLike[str], reason: str, advice: str) -> None:
        self.path = os.fspath(path)
        super().__init__(f"cannot write {shown_path(path)}: {reason}; {advice}")

    @classmethod
    def from_os_error(cls, exc: OSError, path: str | os.PathLike[str]) -> OutputError:
        """The error for an ``OSError`` met while writing at (or below) ``path``."""
        advice = _OUTPUT_ADVICE.get(exc.errno or 0, "check the folder and try again")
        return cls(path, exc.strerror or str(exc), advice)
