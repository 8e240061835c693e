"""``translate import --partial``: a delivery in batches is kept with its untranslated units in the source language."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from translator import NS, edit_unit, line_of_unit, translate

from cmacourse.cli import main

COURSE = Path(__file__).parents[1] / "courses" / "i18n-clinic"
#: The two units the first batch leaves untranslated: one with no target, one a CAT tool marked as still to do.
LEFT_OUT = ("course:i18n-clinic/description", "page:measuring/title")


@pytest.fixture
def course(tmp_path: Path) -> Path:
    target = tmp_path / "course"
    shutil.copytree(COURSE, target)
    return target


def first_batch(course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> bytes:
    """The course exported and translated except for LEFT_OUT."""
    assert main(["translate", "export", str(course), "--lang", "es", "--out", str(tmp_path / "x")]) == 0
    capsys.readouterr()
    document = translate((tmp_path / "x" / "i18n-clinic.es.xlf").read_bytes())
    document = edit_unit(document, LEFT_OUT[0], lambda unit: unit.remove(unit.find("x:target", NS)))
    return edit_unit(document, LEFT_OUT[1], lambda unit: unit.find("x:target", NS).set("state", "needs-translation"))


def deliver(course: Path, tmp_path: Path, document: bytes, *options: str) -> int:
    delivered = tmp_path / "delivered.xlf"
    delivered.write_bytes(document)
    return main(["translate", "import", str(delivered), str(course), *options])


def test_a_partial_delivery_is_kept_and_its_untranslated_units_are_warnings(course, tmp_path, capsys):
    """Refused as it is; kept with --partial; validate --lang names each untranslated unit as a warning at its line."""
    document = first_batch(course, tmp_path, capsys)
    assert deliver(course, tmp_path, document) == 1
    refused = capsys.readouterr().out
    assert refused.count("error[translation.untranslated]") == 2 and "--partial" in refused
    assert deliver(course, tmp_path, document, "--partial") == 0
    assert "2 not translated yet" in capsys.readouterr().err
    kept = course / "locales" / "es" / "translation.xlf"
    assert main(["validate", str(course), "--lang", "es"]) == 0
    out = capsys.readouterr().out.splitlines()
    warnings = [line for line in out if "warning[translation.partial]" in line]
    assert len(warnings) == 2
    for unit_id in LEFT_OUT:
        line = line_of_unit(kept.read_bytes(), unit_id)
        assert any(w.startswith(f"{kept}:{line}:1: ") and repr(unit_id) in w for w in warnings)
    assert not any("error[" in line for line in out)
    assert main(["validate", str(course), "--lang", "es", "--strict"]) == 1


def test_untranslated_fields_show_in_the_source_language_in_the_build(course, tmp_path, capsys):
    """The Spanish site shows every translated string in Spanish and the untranslated ones in English."""
    assert deliver(course, tmp_path, first_batch(course, tmp_path, capsys), "--partial") == 0
    assert main(["build", str(course), "--format", "html", "--lang", "es", "--out", str(tmp_path / "out")]) == 0
    index = (tmp_path / "out" / "es" / "i18n-clinic-html" / "index.html").read_text(encoding="utf-8")
    assert "ES(A first day at the clinic)" in index and "ES(Greeting the patient)" in index
    assert 'id="h-measuring" tabindex="-1">Measuring</h1>' in index and 'data-go="measuring">Measuring</a>' in index
    assert 'id="h-greeting" tabindex="-1">ES(Greeting the patient)</h1>' in index
    assert "A short course about a patient intake, written to be translated." in index


def test_an_untranslated_string_is_named_in_the_source_language_only_in_language_maps(course, tmp_path, capsys):
    """cmi5.xml gives the untranslated course description in en alone, not as English text labelled es."""
    assert deliver(course, tmp_path, first_batch(course, tmp_path, capsys), "--partial") == 0
    assert main(["build", str(course), "--format", "cmi5", "--lang", "es", "--out", str(tmp_path / "out")]) == 0
    with zipfile.ZipFile(tmp_path / "out" / "es" / "i18n-clinic-cmi5.zip") as archive:
        structure = etree.fromstring(archive.read("cmi5.xml"))
    cs = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"

    def texts(tag: str) -> dict[str, str]:
        return {s.get("lang"): s.text for s in structure.find(f"{cs}course/{cs}{tag}")}

    assert texts("title") == {"es": "ES(A first day at the clinic)", "en": "A first day at the clinic"}
    assert texts("description") == {"en": "A short course about a patient intake, written to be translated."}


def test_the_next_batch_completes_the_translation(course, tmp_path, capsys):
    """A re-export offers exactly the untranslated units as new; the full delivery then validates with no warnings."""
    assert deliver(course, tmp_path, first_batch(course, tmp_path, capsys), "--partial") == 0
    assert main(["translate", "export", str(course), "--lang", "es", "--out", str(tmp_path / "y")]) == 0
    assert capsys.readouterr().err.strip().endswith("0 changed since translated, 2 new")
    document = translate((tmp_path / "y" / "i18n-clinic.es.xlf").read_bytes())
    assert deliver(course, tmp_path, document) == 0
    assert main(["validate", str(course), "--lang", "es", "--strict"]) == 0


def _lose_a_tag(unit: etree._Element) -> None:
    target = unit.find("x:target", NS)
    target.remove(next(c for c in target if c.tag.endswith("ept")))


def _remove(unit: etree._Element) -> None:
    unit.getparent().remove(unit)


def _stale(unit: etree._Element) -> None:
    unit.find("x:source", NS).text = "A first day at the hospital"


@pytest.mark.parametrize(("unit_id", "change", "code"), [
    ("glossary/terms/intake/term", _remove, "translation.missing-unit"),
    ("course:i18n-clinic/title", lambda unit: unit.set("id", "course:i18n-clinic/name"), "translation.unknown-unit"),
    ("module:intake/reflection", _lose_a_tag, "translation.placeholder-lost"),
    ("course:i18n-clinic/title", _stale, "translation.stale-source"),
], ids=["missing", "unknown", "placeholder", "stale"])
def test_a_partial_delivery_is_still_refused_for_everything_else(course, tmp_path, capsys, unit_id: str,
                                                                 change: Callable[[etree._Element], None], code: str):
    """--partial forgives only untranslated units: a missing, unknown, broken or stale one refuses the file."""
    document = edit_unit(first_batch(course, tmp_path, capsys), unit_id, change)
    assert deliver(course, tmp_path, document, "--partial") == 1
    assert f"error[{code}]" in capsys.readouterr().out
    assert not (course / "locales").exists()
