"""Tin Can packages: tincan.xml at the root, the whole course in one launch document, tracked through xAPI."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from lxml import etree

from ..model import Course
from ..player import render_player
from . import Exporter
from ._package import PackageWriter, sub_element
from ._xapi import Activities, Iris, LaunchLike, add_runtime_files

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


def add_tincan_xml(writer: PackageWriter, activities: Activities, launch: LaunchLike) -> None:
    """``tincan.xml``: the course (the activity an LMS launches) first, then modules, assessments and questions,
    written a few activities at a time."""
    root = etree.Element(f"{{{TINCAN_NS}}}tincan", nsmap=NSMAP)
    group = _sub(root, "activities")

    def each_activity() -> Iterator[None]:
        activity(group, activities.course_entry(), launch.href, activities.language)
        yield
        for kind in ("modules", "assessments", "questions"):
            for _, entry in activities.entries(kind):
                activity(group, entry)
                yield

    writer.add_xml_stream("tincan.xml", root, group, each_activity())


class TincanExporter(Exporter, builtin="tincan"):
    """A Tin Can package, launched with ``?endpoint=&auth=&actor=&registration=&activity_id=``.

    Option ``base_iri`` (else ``base_iri`` in course.yaml, else ``https://cmacourse.invalid/courses/<id>``)
    roots every activity IRI.
    """

    first_entry: ClassVar[str | None] = "tincan.xml"

    def export(self, course: Course, writer: PackageWriter) -> None:
        iris = Iris.for_course(course, self.options)
        (launch,) = render_player(course, writer, runtime="tincan", scope="course")
        activities = Activities(course, iris)
        add_runtime_files(writer, activities)
        add_tincan_xml(writer, activities, launch)
