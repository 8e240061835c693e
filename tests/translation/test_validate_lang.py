"""``validate --lang``: the translated course is checked as the source is, with problems located in the translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree
from translator import NS, edit_unit, translate, unit_id

from cmacourse.cli import main
from cmacourse.translation.overlay import load_translation, translated_folder
from cmacourse.loading import load_course

COURSE = Path(__file__).parents[1] / "courses" / "i18n-clinic"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    target = tmp_path / "course"
    shutil.copytree(COURSE, target)
    return target


def imported(course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], change=None) -> bytes:
    assert main(["translate", "export", str(course), "--lang", "es", "--out", str(tmp_path / "out")]) == 0
    delivered = translate((tmp_path / "out" / "i18n-clinic.es.xlf").read_bytes())
    if change is not None:
        delivered = change(delivered)
    (tmp_path / "delivered.xlf").write_bytes(delivered)
    assert main(["translate", "import", str(tmp_path / "delivered.xlf"), str(course)]) == 0
    capsys.readouterr()
    return (course / "locales" / "es" / "translation.xlf").read_bytes()


def test_a_complete_translation_validates_and_every_string_is_in_the_translated_course(course, tmp_path, capsys):
    """The translated course loads with each text translated and its markup, ids and media as in the source."""
    imported(course, tmp_path, capsys)
    assert main(["validate", str(course), "--lang", "es"]) == 0
    assert "valid in es" in capsys.readouterr().err
    translation = load_translation(course, "es")
    with translated_folder(translation) as folder:
        spanish = load_course(folder)
    english = load_course(course)
    assert spanish.title == "ES(A first day at the clinic)"
    assert [m.id for m in spanish.modules] == [m.id for m in english.modules]
    greeting = spanish.modules[0].pages[0]
    assert greeting.title == "ES(Greeting the patient)"
    prose = greeting.blocks[0].text
    assert "[ES(vital signs)](glossary:vital-signs)" in prose and "**ES(intake)**" in prose and "`room 2`" in prose
    check = spanish.modules[0].assessments[0]
    assert check.questions[0].options[0].feedback == "ES(Yes, a )**ES(greeting)**ES( comes first.)"
    assert [q.id for q in check.questions] == [q.id for q in english.modules[0].assessments[0].questions]
    assert spanish.media_files() == english.media_files()


def test_a_problem_in_a_translated_string_is_located_at_its_unit_in_the_translation(course, tmp_path, capsys):
    """A glossary link typed into a translation that names no term is reported at that unit's target line."""
    prose = unit_id(course, "intake/measuring.md", "/blocks/0")

    def new_link(document: bytes) -> bytes:
        def add(unit: etree._Element) -> None:
            unit.find("x:target", NS).text = "Mida [la temperatura](glossary:temperatura) con calma."
        return edit_unit(document, prose, add)

    kept = imported(course, tmp_path, capsys, new_link)
    line = next(u.find("x:target", NS).sourceline for u in etree.fromstring(kept).iterfind(".//x:trans-unit", NS)
                if u.get("id") == prose)
    assert main(["validate", str(course), "--lang", "es"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].startswith(f"{course / 'locales' / 'es' / 'translation.xlf'}:{line}:1: error[ref.unknown-term]: in the translation of '{prose}'")


def test_a_translation_the_course_has_outgrown_is_reported_unit_by_unit(course, tmp_path, capsys):
    """After the source changes, the kept translation's stale unit is named, as import would."""
    imported(course, tmp_path, capsys)
    glossary = course / "glossary.yaml"
    glossary.write_text(glossary.read_text().replace("term: Vital signs", "term: Vital sign"))
    assert main(["validate", str(course), "--lang", "es"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "error[translation.stale-source]" in out[0] and "'glossary/terms/vital-signs/term'" in out[0]


def test_a_language_with_no_translation_is_a_usage_error(course, capsys):
    """Asking for a language the course has no translation into says how to add one."""
    assert main(["validate", str(course), "--lang", "fr"]) == 2
    assert "no translation into fr" in capsys.readouterr().err
