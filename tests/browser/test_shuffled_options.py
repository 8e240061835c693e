"""Shuffled answers in Chromium: an order of each learner's own, the same after a reload, the written one on request."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cmacourse.exporters import export
from cmacourse.loading import load_course
from test_player import READY, answer, assessment, open_player

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

QUIZ = """\
id: check
title: Check
kind: knowledge_check
questions:
  - id: q-pick
    type: single_choice
    prompt: Which one?
    options:
{options}
  - id: q-all
    type: multiple_response
    prompt: Which apply?
    shuffle: false
    options:
{options}
      - {{text: All of the above, feedback: Not quite.}}
  - id: q-match
    type: matching
    prompt: Match them.
    pairs:
{pairs}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-module course: a six-option choice, a multiple response with shuffle: false, a five-pair matching."""
    root = tmp_path_factory.mktemp("shuffle") / "course"
    (root / "m").mkdir(parents=True)
    (root / "course.yaml").write_text("id: shuffles\ntitle: Shuffles\nmodules: [m]\n")
    (root / "m" / "module.yaml").write_text(textwrap.dedent("""\
        id: m
        title: M
        kind: diploma
        objectives: [{id: o, text: Choose.}]
        pages: [p.md]
        assessments: [check.yaml]
        """))
    (root / "m" / "p.md").write_text("---\nid: p\ntitle: P\n---\nRead.\n")
    options = "\n".join(f"      - {{text: Option {n}, feedback: Fine., correct: {str(n == 0).lower()}}}" for n in range(6))
    pairs = "\n".join(f"      - {{prompt: Prompt {n}, match: Match {n}}}" for n in range(5))
    (root / "m" / "check.yaml").write_text(QUIZ.format(options=options, pairs=pairs))
    return export(load_course(root), "html", root.parent / "out")


def shown(page: Page) -> dict[str, list[str]]:
    """The option values of each question in the order the learner sees them."""
    return page.evaluate("""() => ({
      pick: Array.from(document.querySelectorAll('#q-q-pick input')).map(i => i.value),
      all: Array.from(document.querySelectorAll('#q-q-all input')).map(i => i.value),
      match: Array.from(document.querySelectorAll('#q-q-match select'), s => Array.from(s.options).map(o => o.value))})""")


def learner(browser: Browser, site: Path) -> tuple[Page, dict[str, list[str]]]:
    """A new learner (own browser storage) on the check, with the order they are shown."""
    page = browser.new_context().new_page()
    open_player(page, (site / "index.html").as_uri())
    page.evaluate("cmaPlayer.go('check')")
    return page, shown(page)


def test_each_learner_sees_an_order_of_their_own(chromium_browser: Browser, site: Path) -> None:
    """Four learners: the shuffled questions differ between them; shuffle: false keeps the written order for all."""
    orders = []
    for _ in range(4):
        page, order = learner(chromium_browser, site)
        orders.append(order)
        page.context.close()
    assert len({tuple(o["pick"]) for o in orders}) > 1
    assert len({tuple(o["match"][0]) for o in orders}) > 1
    for order in orders:
        assert sorted(order["pick"]) == [str(n) for n in range(6)]
        assert order["all"] == [str(n) for n in range(7)]
        assert order["match"][0][0] == "" and all(s == order["match"][0] for s in order["match"])


def test_the_order_survives_a_reload_and_grading_does_not_change(chromium_browser: Browser, site: Path) -> None:
    """Once answering starts the order is saved with the attempt; a reload shows it again with the answer, graded."""
    page, before = learner(chromium_browser, site)
    questions = assessment(page, "check")["questions"]
    answer(page, questions[0])
    assert page.inner_text("#q-q-pick [data-result]").startswith("Correct.")
    assert page.is_visible("#q-q-pick [data-fb='o0']")
    page.reload()
    page.wait_for_function(READY)
    page.evaluate("cmaPlayer.go('check')")
    assert shown(page) == before
    assert page.is_checked("#o-q-pick-0") and page.inner_text("#q-q-pick [data-result]").startswith("Correct.")
    answer(page, questions[2])
    assert page.inner_text("#q-q-match [data-result]").startswith("Correct.")
    page.context.close()
