"""A stand-in for a CAT tool in tests: it fills every target by copying the source's tags and rewording its text."""

from __future__ import annotations

import copy
from collections.abc import Callable

from lxml import etree

NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def spanish(text: str) -> str:
    """A recognisable 'translation' of a run of words; whitespace-only runs stay as they are."""
    return f"ES({text})" if text.strip() else text


def translate(document: bytes, reword: Callable[[str], str] = spanish) -> bytes:
    """The document with a target in every unit, as a translator would deliver it."""
    root = etree.fromstring(document)
    for unit in root.iterfind(".//x:trans-unit", NS):
        for old in unit.findall("x:target", NS) + unit.findall("x:alt-trans", NS):
            unit.remove(old)
        source = unit.find("x:source", NS)
        target = copy.deepcopy(source)
        target.tag = f"{{{NS['x']}}}target"
        target.set(XML_LANG, "es")
        target.set("state", "translated")
        target.text = reword(target.text or "") or None
        for child in target:
            child.tail = reword(child.tail or "") or None
        source.addnext(target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def targets(document: bytes) -> dict[str, etree._Element]:
    """Each unit's target element by unit id."""
    root = etree.fromstring(document)
    return {unit.get("id"): unit.find("x:target", NS) for unit in root.iterfind(".//x:trans-unit", NS)}


def edit_unit(document: bytes, unit_id: str, change: Callable[[etree._Element], None]) -> bytes:
    """The document after ``change`` is applied to one unit's element."""
    root = etree.fromstring(document)
    unit = next(u for u in root.iterfind(".//x:trans-unit", NS) if u.get("id") == unit_id)
    change(unit)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
