"""A stand-in for a CAT tool in tests: it fills every target by copying the source's tags and rewording its text.

``course_in`` gives a test course in each language the packages are checked in: as written (English),
or translated into Spanish by this stand-in, imported and loaded as ``build --lang es`` loads it.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree

from cmacourse import Course, load_course
from cmacourse.translation import export_translation, import_translation
from cmacourse.translation.building import translated_course
from cmacourse.translation.units import course_units

#: The languages every package is checked in: the test courses' own, and a translation.
LANGUAGES = ("en", "es")

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


def translate_course(course_dir: Path, work: Path) -> Path:
    """A copy of the course in ``work`` whose every unit is translated into Spanish and imported into locales/es/."""
    folder = work / course_dir.name
    shutil.copytree(course_dir, folder)
    exported = export_translation(folder, "es", work / "to-agency").path
    delivered = work / "from-agency" / exported.name
    delivered.parent.mkdir()
    delivered.write_bytes(translate(exported.read_bytes()))
    import_translation(delivered, folder)
    return folder


@contextlib.contextmanager
def course_in(course_dir: Path, language: str, work: Path) -> Iterator[Course]:
    """The course in ``language`` (one of LANGUAGES), for exporting while the block runs."""
    source = load_course(course_dir)
    if language == source.language:
        yield source
        return
    assert language == "es", f"the test translator writes Spanish, not {language!r}"
    with translated_course(translate_course(course_dir, work), language) as course:
        yield course


def unit_id(course_dir: Path, file: str, pointer: str) -> str:
    """The id of the unit of the string at ``pointer`` in the course file ``file`` (a page's blocks are /blocks/<n>)."""
    _, units = course_units(str(course_dir))
    return next(unit.id for unit in units if (unit.file, unit.pointer) == (file, pointer))


def line_of_unit(document: bytes, unit_id: str) -> int:
    """The line of a unit's ``<trans-unit>`` element in an XLIFF document."""
    return next(u.sourceline for u in etree.fromstring(document).iterfind(".//x:trans-unit", NS) if u.get("id") == unit_id)
