"""Export formats: the Exporter base class, the registry, and the one function that builds a package."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .. import collector
from ..errors import OutputError
from ..outputs import OutputFolder
from ..packaging import Layout, PackageWriter
from ..registry import EXPORTERS_GROUP, Registry
from .options import Option, parse_options

if TYPE_CHECKING:  # annotations only: listing the formats needs no model
    from ..model import Course

__all__ = ["BUILTIN_EXPORTERS", "Declaration", "Exporter", "Option", "declaration", "export", "exporters", "output_name",
           "output_path", "stage_package"]


@attrs.frozen
class Declaration:
    """What a format says of itself before it runs: its one-line description and the options it takes."""

    description: str
    options: tuple[Option, ...] = ()


_SCO = Option("sco", "choice", "one SCO for the whole course (what Moodle plays best) or one per module; left out, "
              "one for the course when its learner state fits the standard, else one per module", choices=("course", "module"))
_BASE_IRI = Option("base_iri", "text", "the base of every activity IRI (else course.yaml's base_iri)")

#: The formats cmacourse ships: where each class lives (``module:class``) and its declaration, so that
#: listing them (``cmacourse formats``) imports no format, and so no player. Each class takes its
#: declaration from here through ``class ...(Exporter, builtin="<name>")``.
BUILTIN_DECLARATIONS: dict[str, tuple[str, Declaration]] = {
    "html": ("cmacourse.exporters.html:HtmlExporter", Declaration(
        "static HTML site: open index.html from disk or any web server; progress stays in the browser")),
    "scorm12": ("cmacourse.exporters.scorm12:Scorm12Exporter", Declaration(
        "SCORM 1.2 package (zip) that every LMS plays, Moodle included", (_SCO,))),
    "scorm2004": ("cmacourse.exporters.scorm2004:Scorm2004Exporter", Declaration(
        "SCORM 2004 4th Edition package (zip) with sequencing",
        (_SCO, Option("map_info", "flag", "global objectives so a conformant LMS enforces prerequisites (never for Moodle)",
                      default=False)))),
    "cmi5": ("cmacourse.exporters.cmi5:Cmi5Exporter", Declaration(
        "cmi5 course package (cmi5.xml, one AU per module) for xAPI LMSs", (_BASE_IRI,))),
    "tincan": ("cmacourse.exporters.tincan:TincanExporter", Declaration(
        "Tin Can (xAPI) package with tincan.xml, for LRS-backed LMSs", (_BASE_IRI,))),
    "imscc": ("cmacourse.exporters.imscc:ImsccExporter", Declaration(
        "IMS Common Cartridge 1.1 with QTI quizzes: native pages, quizzes and modules in Canvas and Moodle",
        (Option("canvas", "flag", "add Canvas's own settings files (module order and locks, quiz settings)", default=True),
         Option("version", "choice", "the Common Cartridge version", default="1.1", choices=("1.1",))))),
    "moodlexml": ("cmacourse.exporters.moodlexml:MoodleXmlExporter", Declaration(
        "Moodle XML question bank: every question in a category per module")),
}

#: The formats cmacourse ships, as ``module:class`` so that listing them imports nothing.
BUILTIN_EXPORTERS: dict[str, str] = {name: target for name, (target, _) in BUILTIN_DECLARATIONS.items()}


class Exporter:
    """One export format. Subclasses set the class variables and implement ``export``.

    Third-party formats register a subclass under the entry point group ``cmacourse.exporters``
    with the same name as their ``name``, and declare ``description`` and ``declared_options``.
    """

    #: Format id: the ``--format`` value, the entry point name and the module name.
    name: ClassVar[str]
    #: One line for ``cmacourse formats``.
    description: ClassVar[str]
    #: The ``-O key=value`` options the format takes; any other key is refused before the build starts.
    declared_options: ClassVar[tuple[Option, ...]] = ()
    #: What the output is named after ``<course-id>-<name>``: ``.zip``, ``.imscc``, ``.xml``, or ``""`` for a folder.
    suffix: ClassVar[str] = ".zip"
    #: ``zip``: an archive; ``folder``: a tree of files; ``file``: the package's single file.
    layout: ClassVar[Layout] = "zip"
    #: The first entry of the archive (the manifest), where a format needs one first.
    first_entry: ClassVar[str | None] = None

    def __init_subclass__(cls, builtin: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if builtin is not None:
            declared = BUILTIN_DECLARATIONS[builtin][1]
            cls.name, cls.description, cls.declared_options = builtin, declared.description, declared.options

    def __init__(self, **options: Any) -> None:
        """Raises: UsageError: an option the format does not declare, or a value its type refuses."""
        #: The options given, each typed as declared (a flag is a bool); options not given are absent.
        self.options: dict[str, Any] = parse_options(self.name, self.declared_options, options)

    def export(self, course: Course, writer: PackageWriter) -> None:
        """Add every file of the package to ``writer``."""
        raise NotImplementedError


exporters: Registry[Exporter] = Registry(EXPORTERS_GROUP, BUILTIN_EXPORTERS, Exporter, lambda cls: cls.name)


def declaration(name: str) -> Declaration:
    """A format's description and options: a built-in's without importing it, a plugin's from its class.

    Raises:
        UnknownExporterError: no format has that name.
        PluginLoadError: a plugin cannot be loaded.
    """
    if name in BUILTIN_DECLARATIONS and exporters.infos()[name].distribution == "cmacourse":
        return BUILTIN_DECLARATIONS[name][1]
    cls = exporters.get(name)
    return Declaration(cls.description, tuple(cls.declared_options))


def output_name(course: Course, exporter: type[Exporter]) -> str:
    """What a format's package for a course is called: ``<course-id>-<format><suffix>``."""
    return f"{course.id}-{exporter.name}{exporter.suffix}"


def output_path(course: Course, exporter: type[Exporter], out_dir: str | os.PathLike[str]) -> Path:
    """Where a format's package for a course goes: ``<out>/<course-id>-<format><suffix>``."""
    return Path(out_dir) / output_name(course, exporter)


def stage_package(folder: OutputFolder, course: Course, format_name: str, options: Mapping[str, Any] | None = None) -> Path:
    """Build a format's package for a course into the output folder's staging, each file written as it is
    made; it is published with the folder's other packages at ``commit``. Returns where it will be.

    Raises:
        UnknownExporterError: no format has that name.
        UsageError: an option the format does not take.
        BuildError: the course cannot be expressed in that format.
        OutputError: staging cannot be written.
    """
    cls = exporters.get(format_name)
    exporter = cls(**dict(options or {}))
    name = output_name(course, cls)
    writer = folder.writer(name, cls.layout, cls.first_entry)
    with collector.sparing_what_exists():  # the course and the imports, which a build never frees
        try:
            exporter.export(course, writer)
        except OSError as exc:  # reading the course raises BuildError; an OSError here is from writing staging
            raise OutputError.from_os_error(exc, folder.path / name) from None
        return folder.stage(name, writer, cls.layout)


def export(course: Course, format_name: str, out_dir: str | os.PathLike[str], **options: Any) -> Path:
    """Build one package and move it into place only when it is complete.

    Args:
        course: a valid course.
        format_name: a format id, as ``cmacourse formats`` lists them.
        out_dir: the folder to write into (a ``str`` or any path-like); created if missing.
        **options: the format's options, as ``-O key=value`` gives them.

    Returns:
        The path of the package written.

    Raises:
        UnknownExporterError: no format has that name.
        BuildError: the course cannot be expressed in that format.
        UsageError: an unknown option or value.
        OutputError: ``out_dir`` cannot be created or written (a ``UsageError``).
    """
    exporters.get(format_name)(**options)  # an unknown format or option fails before the output folder is touched
    with OutputFolder(out_dir) as folder:
        stage_package(folder, course, format_name, options)
        return folder.commit()[0]
