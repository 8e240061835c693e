"""The exceptions and problem reports that cmacourse raises and returns."""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

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
        super().__init__(f"unknown format {name!r}; available: {', '.join(available) or 'none'}")


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
