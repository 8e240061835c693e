"""The exceptions and problem reports that cmacourse raises and returns."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable, Mapping, Sequence
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


#: ``{name}`` in a problem's message or hint: where the path ``name`` goes; ``{{`` and ``}}`` are literal braces.
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _path_pairs(paths: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> tuple[tuple[str, str], ...]:
    items = paths.items() if isinstance(paths, Mapping) else (paths or ())
    return tuple(sorted((str(name), os.fspath(path)) for name, path in items))


def literal(text: str) -> str:
    """``text`` to put into a message that names paths, its braces kept as they are (an author's words, a file's content)."""
    return text.replace("{", "{{").replace("}", "}}")


def placed(name: str, location: Location) -> str:
    """Message text for a place in a file named by the path ``name``: ``{name}:3:5``."""
    return "{" + name + "}" + str(attrs.evolve(location, file=""))


@attrs.frozen
class Problem:
    """One thing wrong with a course, with a stable code that tools can filter on.

    A message or hint that names files or folders says where each goes with ``{name}`` and gives its
    path in ``paths``, relative to the course folder like ``location.file``. So every reader writes the
    paths from where it stands: the library from the course folder, the command line from where it runs
    (:meth:`seen_from`), and the words stay one text::

        Problem(code="file.missing", message="{missing} does not exist", paths={"missing": "m2/module.yaml"},
                location=Location("course.yaml", 5, 5, "/modules/1"))
    """

    code: str
    #: The message as given, ``{name}`` standing for each path; :attr:`message` is the text.
    message_template: str = attrs.field(alias="message")
    location: Location
    severity: Severity = "error"
    hint_template: str | None = attrs.field(default=None, alias="hint")
    #: The paths the message and hint name, as ``(name, path)`` pairs sorted by name (pass a dict).
    paths: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_path_pairs)

    @property
    def message(self) -> str:
        """What is wrong, with every path it names written out."""
        return self._written(self.message_template)

    @property
    def hint(self) -> str | None:
        """What to do about it, if something helps, with every path it names written out."""
        return None if self.hint_template is None else self._written(self.hint_template)

    def _written(self, template: str) -> str:
        if not self.paths:  # a message naming no path is its own text, braces and all
            return template
        named = dict(self.paths)

        def path(match: re.Match[str]) -> str:
            if match[1] is None:
                return match[0][0]
            return named.get(match[1], match[0])

        return _PLACEHOLDER.sub(path, template)

    def seen_from(self, course_root: str | os.PathLike[str], *, location: bool = True) -> Problem:
        """This problem with every path it names written from where the command runs, so editors and terminals open them.

        Args:
            course_root: the course folder the paths are relative to, as the command was given it.
            location: False when ``location.file`` is not in the course (a translation file being imported).
        """
        base = Path(course_root)
        where = attrs.evolve(self.location, file=shown_path(base / self.location.file)) if location else self.location
        return attrs.evolve(self, location=where, paths={name: shown_path(base / path) for name, path in self.paths})

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}[{self.code}]: {self.message}"
        if self.location.pointer:
            text += f" ({self.location.pointer})"
        hint = self.hint
        if hint:
            text += f"\n    hint: {hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.file, loc.line or 0, loc.column or 0, self.code, self.message)

    def to_json(self) -> dict[str, object]:
        """The problem as ``validate --json`` prints it; README.md lists the fields, which only ever grow."""
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
            "paths": dict(self.paths),
        }


def problems_as_typed(problems: Sequence[Problem], course_root: str | os.PathLike[str], *,
                      location: bool = True) -> list[Problem]:
    """Problems with every path they name written from where the command runs (see :meth:`Problem.seen_from`)."""
    return [problem.seen_from(course_root, location=location) for problem in problems]


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
