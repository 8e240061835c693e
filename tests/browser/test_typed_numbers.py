"""Numbers typed as people type them, in Chromium: separators, currency, units and minus signs by the course's language."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cmacourse.exporters import export
from cmacourse.loading import load_course
from test_player import open_player

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "numbers.json").read_text())


def numeric_course(root: Path, language: str) -> Path:
    """A one-module course in ``language`` with numeric questions: a salary, a price, hours with a unit, a loss."""
    (root / "m").mkdir(parents=True)
    (root / "course.yaml").write_text(f"id: figures\ntitle: Figures\nlanguage: {language}\nmodules: [m]\n")
    (root / "m" / "module.yaml").write_text(textwrap.dedent("""\
        id: m
        title: M
        kind: jobs
        objectives: [{id: o, text: Read figures.}]
        pages: [p.md]
        assessments: [check.yaml]
        """))
    (root / "m" / "p.md").write_text("---\nid: p\ntitle: P\n---\nRead.\n")
    (root / "m" / "check.yaml").write_text(textwrap.dedent("""\
        id: check
        title: Check
        kind: knowledge_check
        questions:
          - {id: q-pay, type: numeric, prompt: Median pay?, answer: 38270}
          - {id: q-jobs, type: numeric, prompt: Openings?, answer: 114600}
          - {id: q-hours, type: numeric, prompt: How long?, answer: 7.5, unit: hours}
          - {id: q-loss, type: numeric, prompt: Change?, answer: -2.5}
        """))
    return export(load_course(root), "html", root.parent / f"out-{language}")


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return numeric_course(tmp_path_factory.mktemp("en") / "course", "en")


def check(page: Page, question: str, typed: str) -> tuple[str, str]:
    """Type an answer and check it: (error shown, result shown)."""
    page.fill(f"#f-{question}", typed)
    page.click(f"#q-{question} [data-check]")
    error = page.locator(f"#q-{question} [data-error]")
    result = page.locator(f"#q-{question} [data-result]")
    return (error.inner_text() if error.is_visible() else "", result.inner_text() if result.is_visible() else "")


def test_figures_typed_with_separators_currency_units_and_minus_are_right(page: Page, english: Path) -> None:
    """114,600 and $38,270 are right where the answers are 114600 and 38270; so are "7.5 hours" and "−2.5"."""
    open_player(page, (english / "index.html").as_uri())
    page.evaluate("cmaPlayer.go('check')")
    for question, typed in (("q-pay", "$38,270"), ("q-jobs", "114,600"), ("q-hours", "7.5 hours"), ("q-loss", "\u22122.5")):
        assert check(page, question, typed)[1].startswith("Correct."), (question, typed)


def test_an_ambiguous_figure_is_explained_never_marked_wrong(page: Page, english: Path) -> None:
    """"3,5" in an English course gets a message saying how to type it, records nothing, and may be typed again."""
    open_player(page, (english / "index.html").as_uri())
    page.evaluate("cmaPlayer.go('check')")
    error, result = check(page, "q-hours", "7,5")
    assert "could be read two ways" in error and "3.5" in error and result == ""
    assert "~" not in page.evaluate("cmaPlayer.snapshot().state")  # no attempt started, nothing recorded
    assert check(page, "q-hours", "7.5")[1].startswith("Correct.")


def test_the_browser_reads_every_vector_as_node_does(page: Page, english: Path) -> None:
    """The player's numbers.js in Chromium gives every reading of tests/numbers.json (the Node tests read the same)."""
    open_player(page, (english / "index.html").as_uri())
    results = page.evaluate("cases => cases.map(c => cmaPlayerLib.numbers.parse(c.typed, {language: c.language || 'en', unit: c.unit || null}))",
                            VECTORS["parse"])
    for case, read in zip(VECTORS["parse"], results):
        if "value" in case:
            assert read == {"value": case["value"]}, case
        else:
            assert case["says"] in read["error"], (case, read)


def test_a_german_course_reads_a_comma_as_the_decimal_mark(page: Page, tmp_path: Path) -> None:
    """By the course's language: 7,5 is seven and a half in German, and 114.600 is 114600."""
    site = numeric_course(tmp_path / "course", "de")
    open_player(page, (site / "index.html").as_uri())
    page.evaluate("cmaPlayer.go('check')")
    assert check(page, "q-hours", "7,5")[1].startswith("Correct.")
    assert check(page, "q-jobs", "114.600")[1].startswith("Correct.")


def test_the_flagship_figures_are_right_as_the_course_writes_them(page: Page, tmp_path: Path) -> None:
    """In the flagship course, "114,600" and "$38,270" are right answers to the openings and median-pay questions."""
    site = export(load_course(Path(__file__).resolve().parents[2] / "course_content"), "html", tmp_path)
    open_player(page, (site / "index.html").as_uri())
    graded = page.evaluate("""(cases) => cases.map(([quiz, id, typed]) => {
      const q = cmaCourse.assessments[quiz].questions.find((x) => x.id === id);
      const item = document.getElementById("q-" + id);
      item.querySelector("input[type='text']").value = typed;
      const read = cmaPlayerLib.questions.read(item, q);
      return read.error || cmaPlayerLib.questions.grade(q, read.response);
    })""", [["step-5-check", "s5-openings", "114,600"], ["final-exam", "fx-median-salary", "$38,270"],
            ["final-exam", "fx-median-salary", "38,270 dollars"]])
    assert graded == [True, True, True]
