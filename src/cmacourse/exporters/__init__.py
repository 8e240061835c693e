"""Export formats: the Exporter base class, the registry, and the one function that builds a package."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from ..errors import UsageError
from ..model import Course
from ..plugins import EXPORTERS_GROUP, Registry
from ._package import Layout, PackageWriter, publish


class Exporter:
    """One export format. Subclasses set the class variables and implement ``export``.

    Third-party formats register a subclass under the entry point group ``cmacourse.exporters``
    with the same name as their ``name``.
    """

    #: Format id: the ``--format`` value, the entry point name and the module name.
    name: ClassVar[str]
    #: One line for ``cmacourse formats``.
    description: ClassVar[str]
    #: What the output is named after ``<course-id>-<name>``: ``.zip``, ``.imscc``, ``.xml``, or ``""`` for a folder.
    suffix: ClassVar[str] = ".zip"
    #: ``zip``: an archive; ``folder``: a tree of files; ``file``: the package's single file.
    layout: ClassVar[Layout] = "zip"
    #: The first entry of the archive (the manifest), where a format needs one first.
    first_entry: ClassVar[str | None] = None

    def __init__(self, **options: Any) -> None:
        self.options = options

    def export(self, course: Course, writer: PackageWriter) -> None:
        """Add every file of the package to ``writer``."""
        raise NotImplementedError


#: The formats cmacourse ships, as ``module:class`` so that listing them imports nothing.
BUILTIN_EXPORTERS: dict[str, str] = {
    "html": "cmacourse.exporters.html:HtmlExporter",
    "scorm12": "cmacourse.exporters.scorm12:Scorm12Exporter",
    "scorm2004": "cmacourse.exporters.scorm2004:Scorm2004Exporter",
    "cmi5": "cmacourse.exporters.cmi5:Cmi5Exporter",
    "tincan": "cmacourse.exporters.tincan:TincanExporter",
    "imscc": "cmacourse.exporters.imscc:ImsccExporter",
    "moodlexml": "cmacourse.exporters.moodlexml:MoodleXmlExporter",
}

exporters: Registry[Exporter] = Registry(EXPORTERS_GROUP, BUILTIN_EXPORTERS, Exporter, lambda cls: cls.name)


def output_path(course: Course, exporter: type[Exporter], out_dir: Path) -> Path:
    """Where a format's package for a course goes: ``<out>/<course-id>-<format><suffix>``."""
    return out_dir / f"{course.id}-{exporter.name}{exporter.suffix}"


def export(course: Course, format_name: str, out_dir: Path, **options: Any) -> Path:
    """Build one package and move it into place only when it is complete.

    Returns:
        The path of the package written.

    Raises:
        UnknownExporterError: no format has that name.
        BuildError: the course cannot be expressed in that format.
        UsageError: ``out_dir`` exists and is not a folder.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is not a folder")
    cls = exporters.get(format_name)
    writer = PackageWriter(first_entry=cls.first_entry)
    cls(**options).export(course, writer)
    target = output_path(course, cls, out_dir)
    publish(writer, target, cls.layout)
    return target
