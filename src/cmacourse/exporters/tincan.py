"""Tin Can packages: tincan.xml at the root, the whole course in one launch document, tracked through xAPI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from lxml import etree

from ..model import Course
from ..player import render_player
from . import Exporter
from ._package import PackageWriter, sub_element
from ._xapi import Iris, LaunchLike, activities, runtime_files

#: Rustici's tincan.xsd namespace, the default namespace of tincan.xml.
TINCAN_NS = "http://projecttincan.com/tincan.xsd"
NSMAP = {None: TINCAN_NS}
#: Interaction component lists of an activity definition, in the order tincan.xsd wants them.
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    return sub_element(parent, f"{{{TINCAN_NS}}}{tag}", text, **attributes)


def langstrings(parent: etree._Element, tag: str, language_map: Mapping[str, str]) -> None:
    """One element per language of an xAPI language map."""
    for lang, value in sorted(language_map.items()):
        _sub(parent, tag, value, lang=lang)


def activity(parent: etree._Element, entry: Mapping[str, Any], launch: str | None = None,
             language: str = "en") -> etree._Element:
    """An ``activity`` from the same definition the runtime puts in its statements."""
    definition = entry["definition"]
    element = _sub(parent, "activity", id=entry["id"], type=definition["type"])
    langstrings(element, "name", definition["name"])
    langstrings(element, "description", definition["description"])
    if launch is not None:
        _sub(element, "launch", launch, lang=language)
    if "interactionType" in definition:
        _sub(element, "interactionType", definition["interactionType"])
    if "correctResponsesPattern" in definition:
        patterns = _sub(element, "correctResponsePatterns")
        for pattern in definition["correctResponsesPattern"]:
            _sub(patterns, "correctResponsePattern", pattern)
    for key in COMPONENT_LISTS:
        if key in definition:
            components = _sub(element, key)
            for component in definition[key]:
                item = _sub(components, "component")
                _sub(item, "id", component["id"])
                langstrings(item, "description", component["description"])
    return element


def tincan_xml(course: Course, launch: LaunchLike, iris: Iris) -> etree._Element:
    """The ``tincan`` document: the course (the activity an LMS launches) first, then modules, assessments, questions."""
    data = activities(course, iris)
    root = etree.Element(f"{{{TINCAN_NS}}}tincan", nsmap=NSMAP)
    group = _sub(root, "activities")
    activity(group, data["course"], launch.href, data["language"])
    for kind in ("modules", "assessments", "questions"):
        for entry in data[kind].values():
            activity(group, entry)
    return root


class TincanExporter(Exporter, builtin="tincan"):
    """A Tin Can package, launched with ``?endpoint=&auth=&actor=&registration=&activity_id=``.

    Option ``base_iri`` (else ``base_iri`` in course.yaml, else ``https://cmacourse.invalid/courses/<id>``)
    roots every activity IRI.
    """

    first_entry: ClassVar[str | None] = "tincan.xml"

    def export(self, course: Course, writer: PackageWriter) -> None:
        iris = Iris.for_course(course, self.options)
        (launch,) = render_player(course, writer, runtime="tincan", scope="course")
        for path, data in runtime_files(course, iris):
            writer.add(path, data)
        writer.add_xml("tincan.xml", tincan_xml(course, launch, iris))
