"""Checking a translation against the course: every unit there, translated, current, its markup intact, in bounds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from ..errors import Location, Problem
from .inline import Code, codes, plain, protect
from .units import Unit
from .xliff import TRANSLATED_STATES, InUnit

#: Target states that say a unit is not translated yet, whatever its target holds.
UNTRANSLATED_STATES = ("new", "needs-translation")


def translated_text(pieces: Sequence[str | Code]) -> str:
    """The text a unit's pieces stand for."""
    return plain(pieces)


def check_units(found: Sequence[InUnit], units: Sequence[Unit], file: str, source_language: str,
                target_language: str, *, partial: bool = False) -> Iterator[Problem]:
    """Every problem of the translated units ``found`` in ``file`` against the course's ``units``.

    With ``partial``, a unit left untranslated is a warning (``translation.partial``: it shows in the
    source language), not an error; every other problem is the same.
    """
    expected = {unit.id: unit for unit in units}
    if target_language == source_language:
        yield Problem(code="translation.language", location=Location(file, 1, 1),
                      message=f"the target language is {target_language!r}, the language the course is written in")
    counts = Counter(unit.id for unit in found)
    seen: set[str] = set()
    for given in found:
        where = Location(file, given.line, 1, "")
        if given.id in seen:
            continue
        seen.add(given.id)
        if counts[given.id] > 1:
            yield _problem("translation.duplicate-unit", f"the unit {given.id!r} is in the file {counts[given.id]} times; keep one", where)
        unit = expected.get(given.id)
        if unit is None:
            yield _problem("translation.unknown-unit", f"the course has no unit {given.id!r}: it was removed or renamed since the export;"
                           " export again and translate the new file", where)
            continue
        yield from _check_unit(given, unit, file, partial)
    first_line = {given.file: given.line for given in reversed(found)}
    for unit in units:
        if unit.id not in seen:
            yield _problem("translation.missing-unit", f"the unit {unit.id!r} ({{source}} {unit.pointer}) is missing from the translation",
                           Location(file, first_line.get(unit.file, 1), 1), paths={"source": unit.file})


def is_translated(given: InUnit) -> bool:
    """Whether a unit holds a translation: a target with text, not marked as still to translate."""
    return given.target is not None and bool(translated_text(given.target).strip()) and given.state not in UNTRANSLATED_STATES


def _check_unit(given: InUnit, unit: Unit, file: str, partial: bool) -> Iterator[Problem]:
    where = Location(file, given.line, 1)
    if translated_text(given.source) != unit.text:
        yield _problem("translation.stale-source", f"the source of {given.id!r} is not the course's text any more (the course changed"
                       " since the export); export again: unchanged units keep their translation", where)
        return
    if not is_translated(given):
        if partial:
            yield Problem(code="translation.partial", severity="warning", location=where,
                          message=f"the unit {given.id!r} is not translated yet: it shows in the source language")
        else:
            yield Problem(code="translation.untranslated", location=where, message=f"the unit {given.id!r} has no translation",
                          hint="to keep a translation delivered in batches, import it with --partial")
        return
    at_target = Location(file, given.target_line, 1)
    for name in given.foreign:
        yield _problem("translation.markup", f"the translation of {given.id!r} holds <{name}>, which the source does not;"
                       " keep only the source's tags", at_target)
    yield from _check_codes(given, unit, at_target)
    text = translated_text(given.target)
    if unit.max_length is not None and len(text) > unit.max_length:
        yield _problem("translation.too-long", f"the translation of {given.id!r} is {len(text)} characters long;"
                       f" this field takes at most {unit.max_length}", at_target)


def _check_codes(given: InUnit, unit: Unit, where: Location) -> Iterator[Problem]:
    assert given.target is not None
    source = codes(protect(unit.text, unit.kind))
    target = [piece for piece in given.target if isinstance(piece, Code)]
    names = Counter((code.role, code.id) for code in target)
    for key, code in source.items():
        if names[key] == 0:
            yield _problem("translation.placeholder-lost", f"the translation of {given.id!r} lost the tag <{code.role} id=\"{code.id}\">"
                           f" ({code.text!r}); put it back where it belongs", where)
        elif names[key] > 1:
            yield _problem("translation.placeholder-altered", f"the translation of {given.id!r} has the tag <{code.role} id=\"{code.id}\">"
                           f" {names[key]} times; the source has it once", where)
    opened: set[str] = set()
    for code in _once(target):
        original = source.get((code.role, code.id))
        if original is None:
            yield _problem("translation.placeholder-altered", f"the translation of {given.id!r} has a tag <{code.role} id=\"{code.id}\">"
                           " the source does not have; remove it", where)
        elif code.text != original.text:
            yield _problem("translation.placeholder-altered", f"the translation of {given.id!r} changed the tag <{code.role} id=\"{code.id}\">"
                           f" from {original.text!r} to {code.text!r}; tags are copied as they are", where)
        elif code.role == "bpt":
            opened.add(code.id)
        elif code.role == "ept" and code.id not in opened and ("bpt", code.id) in source:
            yield _problem("translation.placeholder-altered", f"in the translation of {given.id!r} the tag pair {code.id} ends before it"
                           " begins; put the words it marks between its two tags", where)


def _once(target: Iterable[Code]) -> Iterator[Code]:
    seen: set[tuple[str, str]] = set()
    for code in target:
        if (code.role, code.id) not in seen:
            seen.add((code.role, code.id))
            yield code


def _problem(code: str, message: str, where: Location, paths: dict[str, str] | None = None) -> Problem:
    return Problem(code=code, message=message, location=where, paths=paths)


__all__ = ["TRANSLATED_STATES", "check_units", "is_translated", "translated_text"]
