"""The translator's round trip: export a course's strings, check a translation, keep it beside the source.

A translation lives in ``<course>/locales/<lang>/translation.xlf``: the XLIFF the agency sent back,
checked and rewritten with the source as it was translated. Exporting again carries every unit whose
source is unchanged over with its translation and marks the changed ones as needing translation.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import attrs

from ..errors import InvalidCourseError, Location, OutputError, Problem, UsageError
from ..hints import shown_path
from ..loading import course_root
from .checks import check_units, is_translated, translated_text
from .inline import protect
from .units import Unit, course_units
from .xliff import TRANSLATED_STATES, InUnit, OutUnit, XliffSyntaxError, read_xliff, write_xliff

#: Folder of a course that holds its translations, one subfolder per language.
LOCALES_FOLDER = "locales"
#: The file in a language's folder that holds its translation.
TRANSLATION_FILE = "translation.xlf"
#: A language tag as BCP 47 writes the common ones: ``es``, ``es-MX``, ``zh-Hant``.
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def translation_path(root: Path, language: str) -> Path:
    """Where the translation of the course at ``root`` into ``language`` is kept."""
    return root / LOCALES_FOLDER / language / TRANSLATION_FILE


def check_language(language: str) -> str:
    """The language tag, if it is one.

    Raises:
        UsageError: it is not a BCP 47 language tag.
    """
    if not _LANGUAGE.match(language):
        raise UsageError(f"{language!r} is not a language tag; use a BCP 47 tag such as es or es-MX")
    return language


@attrs.frozen
class ExportSummary:
    """What an export wrote: the file, and how many units are translated, changed or new."""

    path: Path
    translated: int
    changed: int
    new: int


def export_translation(path: str | os.PathLike[str], language: str, out_dir: str | os.PathLike[str]) -> ExportSummary:
    """Write ``<course id>.<language>.xlf`` into ``out_dir`` with every translatable string of the course.

    Raises:
        UsageError: not a course folder, or not a language tag.
        InvalidCourseError: the course, or its stored translation, has errors.
    """
    check_language(language)
    course, units = course_units(os.fspath(path))
    if language == course.language:
        raise UsageError(f"the course is written in {language}; name the language to translate it into")
    kept = list(_stored_units(course.root, language))
    stored = {unit.id: unit for unit in kept}
    # A block without an id is named by a hash of its text (units.block_names), so rewording one of its
    # strings renames its others too: a kept unit that is gone keeps serving a unit of the same file
    # whose source is exactly its source.
    current = {unit.id for unit in units}
    renamed: dict[tuple[str, str], InUnit] = {}
    for unit in kept:
        if unit.id not in current and unit.target is not None:
            renamed.setdefault((unit.file, translated_text(unit.source)), unit)
    counts = {"translated": 0, "changed": 0, "new": 0}
    files: dict[str, list[OutUnit]] = defaultdict(list)
    for unit in units:
        out, status = _export_unit(unit, stored.get(unit.id) or renamed.get((unit.file, unit.text)))
        counts[status] += 1
        files[unit.file].append(out)
    data = write_xliff(course.language, language, files.items())
    target = Path(out_dir) / f"{course.id}.{language}.xlf"
    write_atomically(target, data)
    return ExportSummary(target, **counts)


def _export_unit(unit: Unit, stored: InUnit | None) -> tuple[OutUnit, str]:
    notes = [_context(unit)]
    if unit.max_length is not None:
        notes.append(f"At most {unit.max_length} characters.")
    source = protect(unit.text, unit.kind)
    common = {"id": unit.id, "source": source, "max_length": unit.max_length, "resname": unit.pointer}
    if stored is None or stored.target is None:
        return OutUnit(**common, notes=tuple(notes)), "new"
    if translated_text(stored.source) == unit.text:
        return OutUnit(**common, target=stored.target, state=stored.state or "translated", notes=tuple(notes)), "translated"
    notes.append("The source text changed since this unit was translated; the previous translation is kept as an alternative.")
    return OutUnit(**common, previous=(stored.source, stored.target), notes=tuple(notes)), "changed"


def _context(unit: Unit) -> str:
    what = "Markdown text: keep the tags where the words they mark go" if unit.kind == "markdown" else "Plain text"
    where = f"In {unit.file} at {unit.pointer or '/'}."
    return " ".join(part for part in (where, unit.description, f"{what}.") if part)


@attrs.frozen
class ImportSummary:
    """What an import kept: where, in which language, how many units, and how many of them are not translated yet."""

    path: Path
    language: str
    units: int
    untranslated: int = 0


def import_translation(file: str | os.PathLike[str], path: str | os.PathLike[str], *, partial: bool = False) -> ImportSummary:
    """Check a translated XLIFF file against the course and keep it in ``locales/<lang>/``.

    With ``partial``, units left untranslated are accepted (a delivery in batches): they show in the
    source language until a later delivery translates them, and ``validate --lang`` names them as
    warnings. Every other problem (a unit missing or unknown, a tag lost or altered, a stale source)
    still refuses the file.

    Raises:
        UsageError: the file cannot be read, or ``path`` is not a course folder.
        InvalidCourseError: the translation has problems; nothing is written then.
    """
    file = Path(file)
    shown = shown_path(file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {shown}: {exc.strerror or exc}") from None
    root = course_root(path)
    course, units = course_units(os.fspath(root))
    language, found = _read(data, shown)
    if language is None:
        raise InvalidCourseError((Problem(code="translation.language", location=_at(shown, 1),
                                          message="the <file> elements name no target-language; set it to the language of the translation"),))
    check_language(language)
    problems = sorted(check_units(found, units, shown, course.language, language, partial=partial), key=Problem.sort_key)
    if any(problem.severity == "error" for problem in problems):
        raise InvalidCourseError(tuple(problems))
    by_id = {unit.id: unit for unit in found}
    files: dict[str, list[OutUnit]] = defaultdict(list)
    untranslated = 0
    for unit in units:
        given = by_id[unit.id]
        out = OutUnit(id=unit.id, source=protect(unit.text, unit.kind), max_length=unit.max_length, resname=unit.pointer)
        if is_translated(given):
            out = attrs.evolve(out, target=given.target, state=given.state if given.state in TRANSLATED_STATES else "translated")
        else:
            untranslated += 1
        files[unit.file].append(out)
    target = translation_path(root, language)
    write_atomically(target, write_xliff(course.language, language, files.items()))
    return ImportSummary(target, language, len(units), untranslated)


def _read(data: bytes, shown: str) -> tuple[str | None, list[InUnit]]:
    try:
        language, units = read_xliff(data)
        return language, list(units)
    except XliffSyntaxError as exc:
        raise InvalidCourseError((Problem(code="translation.syntax", message=exc.message, location=_at(shown, exc.line)),)) from None


def _at(file: str, line: int | None) -> Location:
    return Location(file, line, None if line is None else 1)


def _stored_units(root: Path, language: str) -> Iterator[InUnit]:
    stored = translation_path(root, language)
    try:
        data = stored.read_bytes()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"cannot read {shown_path(stored)}: {exc.strerror or exc}") from None
    yield from _read(data, stored.relative_to(root).as_posix())[1]


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` whole or not at all.

    Raises:
        OutputError: the file cannot be written there.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        raise OutputError.from_os_error(exc, target) from None
