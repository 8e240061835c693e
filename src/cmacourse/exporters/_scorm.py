"""What the SCORM 1.2 and SCORM 2004 exporters share: options, XML identifiers, the SCO list and the file list."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from lxml import etree

from ..errors import BuildError, UsageError
from ..model import Course, Module
from ..player import Launch, worst_case_state_size
from ..player.layout import Scope
from . import Exporter
from ._package import PackageWriter, sub_element

#: The manifest's path: SCORM requires it at the root of the package (CAM, Content Packaging).
MANIFEST = "imsmanifest.xml"

SCOPES: tuple[Scope, ...] = ("course", "module")

logger = logging.getLogger(__name__)
# Quiet unless an application (the cmacourse command) listens: the library itself never prints.
logger.addHandler(logging.NullHandler())

_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off", ""})
# xs:ID is an NCName: no colon, no space, and only these characters after a leading letter or underscore.
_NOT_IN_NCNAME = re.compile(r"[^A-Za-z0-9._-]")


@attrs.frozen
class ScormOptions:
    """The ``-O key=value`` options of the SCORM formats.

    ``sco``: ``course`` (one SCO for the whole course, what Moodle plays best) or ``module`` (one SCO
    per module); left out, the build takes ``course`` when the learner state fits the standard and
    ``module`` when it does not (``choose_scope``). ``map_info`` (SCORM 2004 only): write ``imsss:mapInfo``
    so that a conformant LMS enforces module prerequisites; Moodle cannot import such a manifest.
    """

    sco: Scope | None = None
    map_info: bool = False

    @classmethod
    def parse(cls, options: Mapping[str, Any], *, format_name: str, keys: Sequence[str]) -> ScormOptions:
        """Read the options a format accepts (``keys``), rejecting any other.

        Raises:
            UsageError: an unknown option or a value out of its vocabulary.
        """
        unknown = sorted(set(options) - set(keys))
        if unknown:
            raise UsageError(f"{format_name} has no option {', '.join(unknown)}; its options: {', '.join(keys)}")
        if options.get("sco") is None:
            return cls(map_info=_flag(options.get("map_info", False), f"{format_name}: map_info"))
        sco = str(options["sco"]).strip().lower()
        if sco not in SCOPES:
            raise UsageError(f"{format_name}: sco={sco!r} is not valid; use sco=course or sco=module")
        return cls(sco=sco, map_info=_flag(options.get("map_info", False), f"{format_name}: map_info"))  # type: ignore[arg-type]


def _flag(value: Any, what: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise UsageError(f"{what}={value!r} is not a boolean; use true or false")


def xml_id(prefix: str, content_id: str) -> str:
    """A valid XML ID (an NCName) derived from a content id: ``PREFIX-content-id``.

    Content ids are already lower-case words joined by hyphens; anything else a plugin may
    produce becomes ``_``. The prefix starts with a letter and keeps each kind of identifier
    (organization, item, resource) apart, so ids stay unique within the manifest.
    """
    return f"{prefix}-{_NOT_IN_NCNAME.sub('_', content_id)}"


@attrs.frozen
class Sco:
    """One launchable item of the manifest: a launch document and what it covers."""

    launch: Launch
    item_id: str
    resource_id: str
    modules: tuple[Module, ...]
    #: Item ids of the SCOs holding the modules this SCO's modules require, in course order.
    requires: tuple[str, ...] = ()

    @property
    def mastery_score(self) -> float | None:
        """The pass mark (0-100) of the launch document, by the player's rule, or None."""
        return self.launch.mastery_score


def scos(course: Course, launches: Sequence[Launch], scope: Scope) -> tuple[Sco, ...]:
    """The SCOs of the package, one per launch document the player wrote, in its order.

    With ``scope="module"`` the player writes one document per module plus the course's own
    ``index.html`` (home, final exam, results), which becomes the last SCO. The final exam opens
    only once every module is complete (the player's rule within one document), so that SCO
    requires every module's SCO.

    Raises:
        BuildError: the player wrote no launch document, or two with the same id.
    """
    ids = [launch.id for launch in launches]
    if not ids or len(set(ids)) != len(ids):
        raise BuildError(f"{course.id}: the player's launch documents for sco={scope} have no unique ids: {ids}")
    home = {m_id: xml_id("ITEM", launch.id) for launch in launches for m_id in launch.module_ids}
    result = []
    for launch in launches:
        modules = tuple(course.module(m_id) for m_id in launch.module_ids)
        needed = {r for m in modules for r in m.requires if r not in launch.module_ids and r in home}
        if not modules and course.final_exam is not None and course.final_exam.id in launch.assessment_ids:
            needed = set(home)
        requires = tuple(dict.fromkeys(home[m.id] for m in course.modules if m.id in needed))
        result.append(Sco(launch=launch, item_id=xml_id("ITEM", launch.id), resource_id=xml_id("RES", launch.id),
                          modules=modules, requires=requires))
    return tuple(result)


def package_files(writer: PackageWriter) -> list[str]:
    """Every file of the package but the manifest, sorted: what the resources must declare."""
    return [path for path in writer.paths() if path != MANIFEST]


def resources(course: Course, items: Sequence[Sco], files: Sequence[str], *,
              cp: Callable[[str], str], scorm_type: str) -> etree._Element:
    """One SCO resource per item; with several, the files they share go in one asset resource.

    Args:
        cp: the qualified name of a content-packaging element of the standard's version.
        scorm_type: the qualified name of its ``adlcp`` SCORM-type attribute.
    """
    def resource(identifier: str, kind: str, href: str | None, paths: Sequence[str]) -> etree._Element:
        element = etree.Element(cp("resource"), identifier=identifier, type="webcontent")
        element.set(scorm_type, kind)
        if href is not None:
            element.set("href", href)
        for path in paths:
            sub_element(element, cp("file"), href=path)
        return element

    element = etree.Element(cp("resources"))
    if len(items) == 1:
        element.append(resource(items[0].resource_id, "sco", items[0].launch.href, files))
        return element
    shared_id = xml_id("SHARED", course.id)
    launch_files = {sco.launch.href for sco in items}
    for sco in items:
        sco_resource = resource(sco.resource_id, "sco", sco.launch.href, [sco.launch.href])
        sub_element(sco_resource, cp("dependency"), identifierref=shared_id)
        element.append(sco_resource)
    element.append(resource(shared_id, "asset", None, [f for f in files if f not in launch_files]))
    return element


class ScormExporter(Exporter):
    """What both SCORM exporters share: the notes a build makes about what it chose."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        #: What the build chose by itself, one line each; also logged as warnings.
        self.notes: list[str] = []

    def note(self, text: str) -> None:
        self.notes.append(text)
        logger.warning("%s: %s", self.name, text)


def choose_scope(course: Course, asked: Scope | None, limit: int, standard: str) -> tuple[Scope, str | None]:
    """The SCO scope of a build, and a one-line note when the build chose it.

    The scope asked for is kept (and checked); with none, one SCO for the course when its worst-case
    state fits ``limit``, else one SCO per module, each with its own state.

    Raises:
        BuildError: the state cannot fit even in one SCO per module (or in the scope asked for).
    """
    if asked is not None:
        check_state_size(course, worst_case_state_size(course, asked), limit, standard, asked)
        return asked, None
    whole = worst_case_state_size(course, "course")
    if whole <= limit or len(course.modules) < 2:
        check_state_size(course, whole, limit, standard, "course")
        return "course", None
    check_state_size(course, worst_case_state_size(course, "module"), limit, standard, "module")
    return "module", (f"{course.id}: one SCO per module (sco=module): one SCO for the whole course could need {whole}"
                      f" characters of learner state, and {standard} suspend data holds {limit}")


def check_state_size(course: Course, size: int, limit: int, standard: str, scope: Scope) -> None:
    """Fail the build when the longest state the player can save cannot fit the standard's suspend data.

    Raises:
        BuildError: ``size`` exceeds ``limit``.
    """
    if size > limit:
        hint = " Try -O sco=module, which keeps one state per module." if scope == "course" and len(course.modules) > 1 else ""
        raise BuildError(
            f"{course.id}: the learner state can reach {size} characters, but {standard} suspend data holds"
            f" at most {limit} (sco={scope}); shorten the course or split it.{hint}"
        )
