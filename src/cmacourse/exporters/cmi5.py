"""cmi5 course packages: cmi5.xml at the root and one assignable unit (AU) per module, played by the xAPI runtime."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from lxml import etree

from ..model import Course
from ..player import render_player
from . import Exporter
from ._package import PackageWriter
from ..numbers import number_text
from ._xapi import ACTIVITY_TYPES, Activities, Editions, Iris, LaunchLike, add_runtime_files, au_rules

#: The course structure namespace (cmi5 section 13.2), the default namespace of cmi5.xml.
CMI5_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
NSMAP = {None: CMI5_NS}
#: cmi5 section 13.1.4: "AnyWindow" lets the LMS play the AU in a frame, a new window or a redirect,
#: and the player works in all of them.
LAUNCH_METHOD = "AnyWindow"


def _el(tag: str, **attributes: str) -> etree._Element:
    return etree.Element(f"{{{CMI5_NS}}}{tag}", attributes, nsmap=NSMAP)


def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CMI5_NS}}}{tag}", attributes)


def text(parent: etree._Element, tag: str, language_map: Mapping[str, str]) -> etree._Element:
    """A ``title`` or ``description``: one ``langstring`` per language of the map (13.1.1 allows several)."""
    element = _sub(parent, tag)
    for lang, value in language_map.items():
        _sub(element, "langstring", lang=lang).text = value
    return element


def course_element(parent: etree._Element, course: Course, iris: Iris, editions: Editions) -> etree._Element:
    """The ``course`` element: id, title and description (13.1.1)."""
    element = _sub(parent, "course", id=iris.course())
    text(element, "title", editions.lang_map("course", course.id, "title"))
    text(element, "description", editions.lang_map("course", course.id, "description", "title"))
    return element


def objectives(parent: etree._Element, course: Course, iris: Iris, editions: Editions) -> etree._Element | None:
    """Every learning objective, declared once for the AUs to reference (13.1.3)."""
    if not course.objectives:
        return None
    element = _sub(parent, "objectives")
    for objective in course.objectives:
        item = _sub(element, "objective", id=iris.objective(objective.id))
        text(item, "title", editions.lang_map("objective", objective.id, "text"))
        text(item, "description", editions.lang_map("objective", objective.id, "text"))
    return element


def au(parent: etree._Element, course: Course, launch: LaunchLike, iris: Iris, editions: Editions) -> etree._Element:
    """One AU for a launch document (13.1.4): moveOn and masteryScore from the content's completion rules."""
    rules = au_rules(course, launch)
    attributes = {"id": iris.launch(launch), "moveOn": rules.move_on, "launchMethod": LAUNCH_METHOD}
    if rules.mastery_score is not None:
        attributes["masteryScore"] = number_text(rules.mastery_score)
    modules = [course.module(module_id) for module_id in launch.module_ids]
    attributes["activityType"] = ACTIVITY_TYPES["module" if modules else "course"]
    element = _sub(parent, "au", **attributes)
    # A module's AU is titled and described as its module; the course's AU (final exam, results) as the course.
    if len(modules) == 1:
        text(element, "title", editions.lang_map("module", modules[0].id, "title"))
        text(element, "description", editions.lang_map("module", modules[0].id, "summary", "title"))
    else:
        text(element, "title", editions.lang_map("course", course.id, "title"))
        text(element, "description", editions.lang_map("course", course.id, "description", "title"))
    ids = [o.id for m in modules for o in m.objectives]
    if ids:
        refs = _sub(element, "objectives")
        for objective_id in ids:
            _sub(refs, "objective", idref=iris.objective(objective_id))
    # Relative to cmi5.xml at the package root, as 13.1.4 allows; the LMS appends the launch parameters.
    _sub(element, "url").text = launch.href
    return element


def course_structure(course: Course, launches: Sequence[LaunchLike], iris: Iris) -> etree._Element:
    """The ``courseStructure`` document: the course, its objectives and one AU per launch, in order."""
    root = _el("courseStructure")
    editions = Editions.of(course)
    course_element(root, course, iris, editions)
    objectives(root, course, iris, editions)
    for launch in launches:
        au(root, course, launch, iris, editions)
    return root


class Cmi5Exporter(Exporter, builtin="cmi5"):
    """A cmi5 course package: each module is an AU launched with ``?endpoint=&fetch=&actor=&registration=&activityId=``.

    Option ``base_iri`` (else ``base_iri`` in course.yaml, else ``https://cmacourse.invalid/courses/<id>``)
    roots every activity IRI.
    """

    first_entry: ClassVar[str | None] = "cmi5.xml"

    def export(self, course: Course, writer: PackageWriter) -> None:
        iris = Iris.for_course(course, self.options)
        # The module documents come first; the course document (final exam, results, glossary) last.
        launches = render_player(course, writer, runtime="cmi5", scope="module")
        add_runtime_files(writer, Activities(course, iris))
        writer.add_xml("cmi5.xml", course_structure(course, launches, iris))
