"""Writing and reading XLIFF 1.2 documents: one ``<file>`` per course file, one ``<trans-unit>`` per string."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import attrs
from lxml import etree

from .._version import __version__
from .inline import Code

#: The XLIFF 1.2 namespace (XLIFF 1.2 specification, section 3).
XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: Where the official schema is published, for the ``xsi:schemaLocation`` hint tools use.
XLIFF_SCHEMA_LOCATION = "http://docs.oasis-open.org/xliff/v1.2/os/xliff-core-1.2-strict.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
#: Target states of a unit that holds a usable translation (XLIFF 1.2, section 2.4.6 ``state``).
TRANSLATED_STATES = ("translated", "final", "signed-off", "needs-review-translation", "needs-review-l10n", "needs-review-adaptation")
#: The tool id our notes are ``from``, so a tool that adds notes of its own leaves ours apart.
TOOL_ID = "cmacourse"

_INLINE = {"ph", "bpt", "ept", "it", "x", "bx", "ex", "g", "sub"}


def _q(name: str) -> str:
    return f"{{{XLIFF_NS}}}{name}"


@attrs.frozen(kw_only=True)
class OutUnit:
    """A unit to write: its source pieces, the target's (if translated) and the notes for the translator."""

    id: str
    source: tuple[str | Code, ...]
    target: tuple[str | Code, ...] | None = None
    state: str | None = None
    previous: tuple[tuple[str | Code, ...], tuple[str | Code, ...]] | None = None  #: (old source, old target) of a changed unit
    max_length: int | None = None
    notes: tuple[str, ...] = ()
    resname: str = ""


def write_xliff(source_language: str, target_language: str, files: Iterable[tuple[str, Sequence[OutUnit]]]) -> bytes:
    """The XLIFF 1.2 document for ``files``: (course-relative path, its units) in order."""
    root = etree.Element(_q("xliff"), nsmap={None: XLIFF_NS, "xsi": XSI_NS}, version="1.2")
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{XLIFF_NS} {XLIFF_SCHEMA_LOCATION}")
    for original, units in files:
        file = etree.SubElement(root, _q("file"), {"original": original, "source-language": source_language,
                                                  "target-language": target_language, "datatype": "x-cmacourse",
                                                  "tool-id": TOOL_ID})
        header = etree.SubElement(file, _q("header"))
        etree.SubElement(header, _q("tool"), {"tool-id": TOOL_ID, "tool-name": "cmacourse", "tool-version": __version__})
        body = etree.SubElement(file, _q("body"))
        for unit in units:
            body.append(_trans_unit(unit, source_language, target_language))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _trans_unit(unit: OutUnit, source_language: str, target_language: str) -> etree._Element:
    element = etree.Element(_q("trans-unit"), id=unit.id)
    if unit.resname:
        element.set("resname", unit.resname)
    if unit.max_length is not None:
        # size-unit="char": the limit counts characters, as the JSON Schema's maxLength does.
        element.set("maxwidth", str(unit.max_length))
        element.set("size-unit", "char")
    element.set(f"{{{XML_NS}}}space", "preserve")
    _fill(etree.SubElement(element, _q("source"), {f"{{{XML_NS}}}lang": source_language}), unit.source)
    if unit.target is not None:
        target = etree.SubElement(element, _q("target"), {f"{{{XML_NS}}}lang": target_language})
        if unit.state:
            target.set("state", unit.state)
        _fill(target, unit.target)
    if unit.previous is not None:
        old_source, old_target = unit.previous
        alt = etree.SubElement(element, _q("alt-trans"), alttranstype="previous-version")
        _fill(etree.SubElement(alt, _q("source"), {f"{{{XML_NS}}}lang": source_language}), old_source)
        _fill(etree.SubElement(alt, _q("target"), {f"{{{XML_NS}}}lang": target_language}), old_target)
    for note in unit.notes:
        etree.SubElement(element, _q("note"), {"from": TOOL_ID}).text = note
    return element


def _fill(element: etree._Element, pieces: Sequence[str | Code]) -> None:
    last: etree._Element | None = None
    for piece in pieces:
        if isinstance(piece, str):
            if last is None:
                element.text = (element.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        last = etree.SubElement(element, _q(piece.role), id=piece.id)
        if piece.ctype and piece.role != "ept":  # an <ept> takes its type from its <bpt> (XLIFF 1.2, 2.5.2)
            last.set("ctype", piece.ctype)
        last.text = piece.text


@attrs.frozen(kw_only=True)
class InUnit:
    """A unit read from an XLIFF document, with the line it is on."""

    id: str
    file: str  #: the ``original`` of its ``<file>``
    line: int
    source: tuple[str | Code, ...]
    target: tuple[str | Code, ...] | None
    target_line: int
    state: str | None
    #: Markup in the target that XLIFF allows but a course text cannot hold (``<g>``, ``<x/>``), by element name.
    foreign: tuple[str, ...] = ()


class XliffSyntaxError(Exception):
    """The document is not XLIFF 1.2 we can read; ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def read_xliff(data: bytes) -> tuple[str | None, Iterator[InUnit]]:
    """The target language and the units of an XLIFF 1.2 document.

    Raises:
        XliffSyntaxError: not well-formed XML, or not XLIFF 1.2.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise XliffSyntaxError(f"not well-formed XML: {exc.msg}", exc.lineno) from None
    if root.tag != _q("xliff") or root.get("version") != "1.2":
        raise XliffSyntaxError(f"not an XLIFF 1.2 document: the root is <{etree.QName(root).localname}"
                               f" version={root.get('version')!r}>, expected <xliff version=\"1.2\"> in {XLIFF_NS}", root.sourceline)
    files = root.findall(_q("file"))
    language = files[0].get("target-language") if files else None
    return language, _units(files)


def _units(files: list[etree._Element]) -> Iterator[InUnit]:
    for file in files:
        original = file.get("original", "")
        for element in file.iter(_q("trans-unit")):
            source = element.find(_q("source"))
            target = element.find(_q("target"))
            foreign: list[str] = []
            yield InUnit(
                id=element.get("id", ""), file=original, line=element.sourceline or 0,
                source=_pieces(source, []) if source is not None else (),
                target=_pieces(target, foreign) if target is not None else None,
                target_line=(target if target is not None else element).sourceline or 0,
                state=target.get("state") if target is not None else None, foreign=tuple(foreign),
            )


def _pieces(element: etree._Element, foreign: list[str]) -> tuple[str | Code, ...]:
    pieces: list[str | Code] = []
    _collect(element, pieces, foreign)
    merged: list[str | Code] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        elif piece != "":
            merged.append(piece)
    return tuple(merged)


def _collect(element: etree._Element, pieces: list[str | Code], foreign: list[str]) -> None:
    pieces.append(element.text or "")
    for child in element:
        if not isinstance(child.tag, str):  # a comment or processing instruction a tool left
            pieces.append(child.tail or "")
            continue
        name = etree.QName(child).localname
        if name in ("ph", "bpt", "ept"):
            pieces.append(Code(child.get("id", ""), name, "".join(child.itertext()), child.get("ctype")))
        elif name == "mrk":  # segment and term marks: their words are the text
            _collect(child, pieces, foreign)
        else:
            foreign.append(name)
        pieces.append(child.tail or "")
