"""Block names in unit ids: an authored ``id``, else kind and text hash, so translations survive blocks added around them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree
from translator import NS, translate

from cmacourse.cli import main
from cmacourse.translation import export_translation, import_translation
from cmacourse.translation.units import course_units

COURSE = Path(__file__).parents[1] / "courses" / "i18n-clinic"
NEW_CALLOUT = "```callout\nstyle: note\ntext: Wash your hands before you start.\n```\n\n"


@pytest.fixture
def translated(tmp_path: Path) -> Path:
    """A copy of the test course with every unit translated and imported."""
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    exported = export_translation(course, "es", tmp_path / "first").path
    (tmp_path / "delivered.xlf").write_bytes(translate(exported.read_bytes()))
    import_translation(tmp_path / "delivered.xlf", course)
    return course


def units_of(path: Path) -> dict[str, etree._Element]:
    return {u.get("id"): u for u in etree.parse(str(path)).iterfind(".//x:trans-unit", NS)}


def target_text(unit: etree._Element) -> str | None:
    target = unit.find("x:target", NS)
    return None if target is None else etree.tostring(target, method="c14n").decode().split(">", 1)[1].rsplit("<", 1)[0]


def insert_before(page: Path, marker: str, text: str) -> None:
    body = page.read_text(encoding="utf-8")
    assert marker in body
    page.write_text(body.replace(marker, text + marker, 1), encoding="utf-8")


def test_blocks_inserted_above_keep_every_other_translation(translated: Path, tmp_path: Path) -> None:
    """A callout added at the top of one page and a prose paragraph between two blocks of another: on re-export every
    other unit keeps its translation, only the new blocks' units are new, and validate --lang names just those."""
    before = {u.id for u in course_units(str(translated))[1]}
    kept = units_of(translated / "locales" / "es" / "translation.xlf")
    insert_before(translated / "intake" / "greeting.md", "## Before the visit", NEW_CALLOUT)
    insert_before(translated / "intake" / "measuring.md", "```table", "Each value has a normal range.\n\n")
    after = {u.id for u in course_units(str(translated))[1]}
    added = after - before
    assert before <= after and len(added) == 2  # the callout's text and the new paragraph; nothing else renamed
    summary = export_translation(translated, "es", tmp_path / "second")
    assert (summary.translated, summary.changed, summary.new) == (len(before), 0, len(added))
    again = units_of(summary.path)
    for unit_id in before:
        assert target_text(again[unit_id]) == target_text(kept[unit_id]) and target_text(kept[unit_id])
        assert again[unit_id].find("x:target", NS).get("state") == "translated"
    assert all(again[unit_id].find("x:target", NS) is None for unit_id in added)


def test_validate_lang_after_an_insertion_names_only_the_new_units(translated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The kept translation is still good for every unit but the inserted block's: those are the only problems."""
    insert_before(translated / "intake" / "greeting.md", "## Before the visit", NEW_CALLOUT)
    (new,) = {u.id for u in course_units(str(translated))[1]} - set(units_of(translated / "locales" / "es" / "translation.xlf"))
    assert main(["validate", str(translated), "--lang", "es"]) == 1
    out = [line for line in capsys.readouterr().out.splitlines() if "error[" in line]
    assert len(out) == 1 and "error[translation.missing-unit]" in out[0] and repr(new) in out[0]


def test_rewording_one_string_of_a_block_keeps_the_translation_of_the_others(translated: Path, tmp_path: Path) -> None:
    """A callout without an id is renamed when its title changes; its unchanged text keeps its translation."""
    page = translated / "intake" / "greeting.md"
    page.write_text(page.read_text(encoding="utf-8").replace("title: Remember", "title: Remember this"), encoding="utf-8")
    kept = units_of(translated / "locales" / "es" / "translation.xlf")
    summary = export_translation(translated, "es", tmp_path / "second")
    again = units_of(summary.path)
    title, text = (next(i for i in again if i.startswith("page:greeting/blocks/callout:") and i.endswith(f"/{field}"))
                   for field in ("title", "text"))
    assert title not in kept and again[title].find("x:target", NS) is None
    old_text = next(i for i in kept if i.startswith("page:greeting/blocks/callout:") and i.endswith("/text"))
    assert text != old_text and target_text(again[text]) == target_text(kept[old_text])
    assert (summary.changed, summary.new) == (0, 1)


def test_a_block_with_an_id_keeps_its_units_when_reworded(translated: Path, tmp_path: Path) -> None:
    """The figure has ``id: thermometer``: its caption, reworded, is the same unit, marked changed with its old translation."""
    page = translated / "intake" / "measuring.md"
    page.write_text(page.read_text(encoding="utf-8").replace("read at eye level", "read with the eyes level"), encoding="utf-8")
    summary = export_translation(translated, "es", tmp_path / "second")
    caption = units_of(summary.path)["page:measuring/blocks/thermometer/caption"]
    assert caption.find("x:target", NS) is None and caption.find("x:alt-trans", NS) is not None
    assert (summary.changed, summary.new) == (1, 0)


def test_identical_blocks_are_numbered(tmp_path: Path) -> None:
    """Two identical callouts without ids on one page get distinct names, the second with a number."""
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    page = course / "intake" / "greeting.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n" + NEW_CALLOUT + NEW_CALLOUT, encoding="utf-8")
    names = [u.id for u in course_units(str(course))[1] if u.file == "intake/greeting.md" and "Wash" in u.text]
    assert len(names) == 2 and names[1] == names[0].replace("/text", ":2/text")
