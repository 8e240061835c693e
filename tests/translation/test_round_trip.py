"""The translator's round trip through the command line: export, translate every unit, import, re-export."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree
from translate.storage import factory
from translator import NS, edit_unit, spanish, translate, unit_id
from xmlschemas import compile_schema

from cmacourse.cli import main
from cmacourse.translation.inline import Code, protect
from cmacourse.translation.units import course_units

COURSE = Path(__file__).parents[1] / "courses" / "i18n-clinic"
XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    target = tmp_path / "course"
    shutil.copytree(COURSE, target)
    return target


@pytest.fixture(scope="module")
def xliff_schema(spec_dir: Path) -> etree.XMLSchema:
    folder = spec_dir / "xliff12"
    return compile_schema({XLIFF_NS: folder / "xliff-core-1.2-strict.xsd"}, {"xml.xsd": folder / "xml.xsd"})


def export(course: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["translate", "export", str(course), "--lang", "es", "--out", str(out)]) == 0
    capsys.readouterr()
    return out / "i18n-clinic.es.xlf"


def expected_target(text: str, kind: str) -> str:
    """The plain text the stand-in translator makes of a source text."""
    return "".join(piece.text if isinstance(piece, Code) else spanish(piece) for piece in protect(text, kind))


def peer_units(path: Path) -> dict[str, object]:
    """Units as translate-toolkit reads them, by our unit id (it prefixes each with the file's name)."""
    store = factory.getobject(str(path))
    return {unit.getid().split("\x04", 1)[1]: unit for unit in store.units if unit.istranslatable()}


def assert_schema_valid(schema: etree.XMLSchema, path: Path) -> None:
    document = etree.parse(str(path))
    assert schema.validate(document), "\n".join(f"line {e.line}: {e.message}" for e in schema.error_log)


def test_export_is_strict_xliff_12_that_translate_toolkit_reads_unit_by_unit(course, tmp_path, capsys, xliff_schema):
    """Every translatable string is one unit; translate-toolkit reads each back with the course's exact text."""
    path = export(course, tmp_path / "out", capsys)
    assert_schema_valid(xliff_schema, path)
    _, units = course_units(str(course))
    read = peer_units(path)
    assert list(read) == [unit.id for unit in units]
    for unit in units:
        assert read[unit.id].source == unit.text
    kinds = {unit.id for unit in units}
    # A block is named by its id, else by its kind and a hash of its text (the README says why).
    prose, listed, transcript = (unit_id(course, file, at) for file, at in (
        ("intake/greeting.md", "/blocks/0"), ("intake/greeting.md", "/blocks/1/items/1"), ("intake/measuring.md", "/blocks/3/transcript")))
    assert re.fullmatch(r"page:greeting/blocks/text:[0-9a-f]{8}", prose)
    assert re.fullmatch(r"page:greeting/blocks/list:[0-9a-f]{8}/items/1", listed)
    for expected in ("course:i18n-clinic/title", "module:intake/objectives/list-steps/text", "module:intake/reflection",
                     "module:intake/links/0/title", prose, listed, transcript,
                     "page:measuring/blocks/thermometer/alt", "page:measuring/blocks/thermometer/caption",
                     "page:measuring/blocks/readings/rows/1/1", "assessment:intake-check/questions/q-first/options/0/feedback",
                     "assessment:intake-check/questions/q-match/pairs/1/match", "assessment:intake-check/questions/q-degrees/unit",
                     "glossary/terms/intake/definition"):
        assert expected in kinds
    title = read["course:i18n-clinic/title"]
    assert any("At most 200 characters" in note for note in title.getnotes().split("\n"))


def test_markdown_markup_and_glossary_links_are_tags_around_translatable_words(course, tmp_path, capsys):
    """A glossary link's words are text between two tags; its target and the line markup are inside tags."""
    path = export(course, tmp_path / "out", capsys)
    root = etree.parse(str(path))
    source = next(u for u in root.iterfind(".//x:trans-unit", NS) if u.get("id") == unit_id(course, "intake/greeting.md", "/blocks/0")).find("x:source", NS)
    codes = [(child.tag.split("}")[1], child.text) for child in source]
    assert ("ph", "## ") in codes and ("bpt", "**") in codes and ("ept", "](glossary:vital-signs)") in codes
    assert ("ph", "`room 2`") in codes
    words = (source.text or "") + "".join(child.tail or "" for child in source)
    assert "glossary:" not in words and "vital signs" in words and "**" not in words


def test_every_unit_translated_is_imported_and_kept_beside_the_course(course, tmp_path, capsys, xliff_schema):
    """The whole course translated, imported: the kept file is valid XLIFF whose targets translate-toolkit reads."""
    path = export(course, tmp_path / "out", capsys)
    delivered = tmp_path / "delivered.xlf"
    delivered.write_bytes(translate(path.read_bytes()))
    assert main(["translate", "import", str(delivered), str(course)]) == 0
    kept = course / "locales" / "es" / "translation.xlf"
    assert capsys.readouterr().out.strip() == str(kept)
    assert_schema_valid(xliff_schema, kept)
    _, units = course_units(str(course))
    read = peer_units(kept)
    assert len(read) == len(units)
    for unit in units:
        assert read[unit.id].target == expected_target(unit.text, unit.kind)


def import_problems(course: Path, document: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                    *options: str) -> list[str]:
    """The problems an import refuses the document with, one line each (hint lines left out)."""
    delivered = tmp_path / "delivered.xlf"
    delivered.write_bytes(document)
    assert main(["translate", "import", str(delivered), str(course), *options]) == 1
    assert not (course / "locales").exists()
    return [line for line in capsys.readouterr().out.splitlines() if not line.startswith("    hint: ")]


def line_of(document: bytes, unit_id: str) -> int:
    return next(u.sourceline for u in etree.fromstring(document).iterfind(".//x:trans-unit", NS) if u.get("id") == unit_id)


def test_a_lost_or_altered_placeholder_is_refused_at_its_unit(course, tmp_path, capsys):
    """Dropping a tag or changing what one holds names the file, the line and the unit; nothing is written."""
    translated = translate(export(course, tmp_path / "out", capsys).read_bytes())

    def damage(unit: etree._Element) -> None:
        target = unit.find("x:target", NS)
        link_end = next(c for c in target if c.text == "](glossary:vital-signs)")
        link_end.text = "](glossary:signos)"
        bold_end = next(c for c in target if c.tag.endswith("ept") and c.text == "**")
        target.remove(bold_end)  # its words and tail go with it: what a careless edit does

    prose = unit_id(course, "intake/greeting.md", "/blocks/0")
    broken = edit_unit(translated, prose, damage)
    line = line_of(broken, prose)
    out = import_problems(course, broken, tmp_path, capsys)
    where = f"{tmp_path / 'delivered.xlf'}:"
    assert any(o.startswith(where) and "error[translation.placeholder-lost]" in o and f"'{prose}'" in o for o in out)
    altered = [o for o in out if "error[translation.placeholder-altered]" in o]
    assert altered and "'](glossary:signos)'" in altered[0]
    assert all(int(o.split(":")[1]) > line for o in out if o.startswith(where))


def test_a_source_changed_since_export_is_refused_and_re_export_marks_only_that_unit(course, tmp_path, capsys):
    """An import against a changed course is refused; after a good import, re-export keeps every other translation."""
    exported = export(course, tmp_path / "out", capsys).read_bytes()
    translated = translate(exported)
    module = course / "intake" / "module.yaml"
    original = module.read_text()
    module.write_text(original.replace("How a visit begins.", "How every visit begins."))
    out = import_problems(course, translated, tmp_path, capsys)
    assert len(out) == 1 and "error[translation.stale-source]" in out[0] and "'module:intake/summary'" in out[0]
    assert f":{line_of(translated, 'module:intake/summary')}:1:" in out[0]

    module.write_text(original)
    (tmp_path / "good.xlf").write_bytes(translated)
    assert main(["translate", "import", str(tmp_path / "good.xlf"), str(course)]) == 0
    module.write_text(original.replace("How a visit begins.", "How every visit begins."))
    again = export(course, tmp_path / "again", capsys)
    units = etree.parse(str(again)).findall(".//x:trans-unit", NS)
    untranslated = [u.get("id") for u in units if u.find("x:target", NS) is None]
    assert untranslated == ["module:intake/summary"]
    changed = next(u for u in units if u.get("id") == "module:intake/summary")
    assert changed.find("x:alt-trans/x:target", NS).text == spanish("How a visit begins.")
    assert all(u.find("x:target", NS).get("state") == "translated" for u in units if u.get("id") != "module:intake/summary")


def test_missing_unknown_untranslated_and_too_long_units_are_each_named(course, tmp_path, capsys):
    """Each kind of incomplete delivery is its own located problem."""
    translated = translate(export(course, tmp_path / "out", capsys).read_bytes())
    root = etree.fromstring(translated)
    units = {u.get("id"): u for u in root.iterfind(".//x:trans-unit", NS)}
    units["glossary/terms/intake/term"].getparent().remove(units["glossary/terms/intake/term"])
    units["module:intake/summary"].set("id", "module:intake/abstract")
    units["page:measuring/title"].find("x:target", NS).text = "M" * 201
    untranslated = units["assessment:final/title"]
    untranslated.remove(untranslated.find("x:target", NS))
    out = import_problems(course, etree.tostring(root, xml_declaration=True, encoding="UTF-8"), tmp_path, capsys)
    codes = sorted(o.split("error[")[1].split("]")[0] for o in out)
    # The renamed unit is unknown, and the unit it was is missing, as is the removed one.
    assert codes == ["translation.missing-unit", "translation.missing-unit", "translation.too-long", "translation.unknown-unit", "translation.untranslated"]
    too_long = next(o for o in out if "too-long" in o)
    assert "201 characters" in too_long and "at most 200" in too_long
    # A missing unit names the course file it comes from as every path is named: from the working folder.
    named = [o.split(" (", 1)[1].split(" ", 1)[0] for o in out if "missing-unit" in o]
    assert f"{course / 'intake' / 'module.yaml'}" in named and all(Path(path).is_file() for path in named)


def test_export_is_byte_identical_and_ids_follow_item_ids_not_positions(course, tmp_path, capsys):
    """The same course gives the same bytes; a new objective does not rename the units of the others."""
    first = export(course, tmp_path / "a", capsys).read_bytes()
    assert export(course, tmp_path / "b", capsys).read_bytes() == first
    module = course / "intake" / "module.yaml"
    module.write_text(module.read_text().replace("objectives:\n", "objectives:\n  - id: greet\n    text: Greet a patient.\n", 1))
    ids = [u.get("id") for u in etree.parse(str(export(course, tmp_path / "c", capsys))).iterfind(".//x:trans-unit", NS)]
    assert "module:intake/objectives/list-steps/text" in ids and "module:intake/objectives/greet/text" in ids


def test_a_file_that_is_not_xliff_is_one_located_problem(course, tmp_path, capsys):
    """A broken delivery is reported at its line, not as a traceback."""
    out = import_problems(course, b"<?xml version='1.0'?>\n<xliff version='1.2'>\n<file>", tmp_path, capsys)
    assert len(out) == 1 and "error[translation.syntax]" in out[0] and out[0].startswith(f"{tmp_path / 'delivered.xlf'}:")


@pytest.mark.parametrize("language, message", [("en", "the course is written in en"), ("es_ES!", "not a language tag")])
def test_export_into_the_source_language_or_a_bad_tag_is_a_usage_error(course, tmp_path, capsys, language, message):
    """Nothing is written for a language the course is already in, or a tag that is not one."""
    assert main(["translate", "export", str(course), "--lang", language, "--out", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_entities_in_a_delivery_are_never_expanded(course, tmp_path, capsys):
    """A file that declares entities (a 'billion laughs', an external file) gets no further than one problem."""
    hostile = (b'<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
               b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="course.yaml"'
               b' source-language="en" target-language="es" datatype="plaintext"><body><trans-unit id="course:i18n-clinic/title">'
               b'<source>A first day at the clinic</source><target>&secret;</target></trans-unit></body></file></xliff>')
    out = import_problems(course, hostile, tmp_path, capsys)
    assert "root:" not in "\n".join(out)
    # The entity stays unexpanded, so the target is empty: that unit is untranslated (and the others missing).
    assert any("error[translation.untranslated]" in o and "'course:i18n-clinic/title'" in o for o in out)
