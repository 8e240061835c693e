"""The player in headless Chromium: feedback, scoring, mastery, resume, keyboard use and axe-core on the flagship course."""

from __future__ import annotations

from collections.abc import Callable
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from translator import LANGUAGES, course_in

from cmacourse.exporters import export
from cmacourse.loading import load_course
from cmacourse.player.layout import launch_layouts
from cmacourse.player.state import StateLayout, decode_state

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from static_http import StaticServerFactory

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "course_content"
MINI = ROOT / "tests" / "courses" / "player-mini"
READY = "(document.documentElement && document.documentElement.classList.contains('player-ready'))"

# Appended to the html build's player/lms.js (the standalone adapter): every call is recorded in the frame above.
RECORD_STANDALONE = """
(function () {
  const real = window.cmaTracking;
  window.cmaTracking = function (context) {
    const adapter = real(context);
    const calls = window.parent.recorded;
    Object.keys(adapter).forEach((name) => {
      const member = adapter[name];
      if (typeof member !== "function") return;
      adapter[name] = function () { calls.push([name].concat(Array.from(arguments))); return member.apply(adapter, arguments); };
    });
    return adapter;
  };
})();
"""
LMS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script>window.recorded = [];</script></head>
<body><iframe id="sco" title="Course" style="width:375px;height:700px"></iframe></body></html>"""


@pytest.fixture(scope="module")
def flagship_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship course built with --format html."""
    return export(load_course(FLAGSHIP), "html", tmp_path_factory.mktemp("flagship"))


def open_player(page: Page, url: str) -> None:
    """Load a launch document and wait until the player has started and resumed."""
    page.goto(url)
    page.wait_for_function(READY)


def screen(page: Page) -> str:
    """The id of the screen on show."""
    return str(page.evaluate("cmaPlayer.snapshot().screen"))


def assessment(page: Page, assessment_id: str) -> dict[str, Any]:
    """An assessment's entry in the course data."""
    return page.evaluate("id => cmaCourse.assessments[id]", assessment_id)


def answer(page: Page, q: dict[str, Any], correct: bool = True) -> None:
    """Answer one question with the mouse, right or wrong, and check it."""
    item = f"#q-{q['id']}"
    kind = q["type"]
    if kind in ("single_choice", "multiple_response"):
        wrong = [i for i in range(len(q["choices"])) if i not in q["correct"]]
        for index in (q["correct"] if correct else wrong[:1]):
            page.check(f"{item} input[value='{index}']")
    elif kind == "true_false":
        page.check(f"{item} input[value='{'t' if q['correct'] == correct else 'f'}']")
    elif kind == "matching":
        for i, accepted in enumerate(q["accept"]):
            target = accepted[0] if correct else next(j for j in range(len(q["targets"])) if j not in accepted)
            page.select_option(f"{item} select[data-prompt='{i}']", str(target))
    elif kind == "ordering":
        wanted = list(range(len(q["choices"]))) if correct else list(reversed(range(len(q["choices"]))))
        for position, index in enumerate(wanted):
            while order(page, q["id"]).index(index) > position:
                page.click(f"{item} [data-item='{index}'] [data-move='-1']")
    elif kind == "fill_blank":
        page.fill(f"{item} input[type=text]", q["answers"][0] if correct else "not this")
    elif kind == "numeric":
        page.fill(f"{item} input[type=text]", f"{q['answer']:g}" if correct else f"{q['answer'] + q['tolerance'] + 10:g}")
    page.click(f"{item} [data-check]")


def order(page: Page, question_id: str) -> list[int]:
    """The item indexes of an ordering question, as shown."""
    return page.evaluate("id => Array.from(document.querySelectorAll('#q-' + id + ' [data-item]')).map(li => Number(li.dataset.item))",
                         question_id)


def next_screen(page: Page) -> None:
    page.click("[data-pager='next']")


def complete_quiz(page: Page, assessment_id: str) -> None:
    """Answer every question of the assessment on show correctly."""
    for q in assessment(page, assessment_id)["questions"]:
        answer(page, q)


def walk_course(page: Page, on_screen: Callable[[str, dict[str, Any]], None] | None = None) -> None:
    """Go through every screen with Next, passing every assessment; calls ``on_screen`` on each."""
    screens = page.evaluate("cmaCourse.launches[document.body.dataset.launch].screens")
    for index, info in enumerate(screens):
        assert screen(page) == info["id"]
        if on_screen:
            on_screen("shown", info)
        if info["kind"] == "quiz":
            complete_quiz(page, info["assessment"])
            if on_screen:
                on_screen("answered", info)
        if index < len(screens) - 1:
            next_screen(page)


def saved_state(page: Page) -> str:
    return str(page.evaluate("cmaPlayer.snapshot().state"))


# ------------------------------------------------------------------------------------- flagship


def test_check_gives_feedback_score_and_mastery_then_resumes(page: Page, page_errors: list[str], flagship_site: Path) -> None:
    """Wrong and right answers show feedback and points; a failed check is retried to mastery; a reload resumes with answers."""
    open_player(page, (flagship_site / "index.html").as_uri())
    assert page.locator("#s-home").is_visible() and not page.locator("#s-welcome").is_visible()
    page.click("[data-start]")
    for _ in range(4):
        next_screen(page)
    assert screen(page) == "step-1-check"
    check = assessment(page, "step-1-check")
    questions = check["questions"]

    # One wrong answer: the option's own feedback and no points. Which option is right comes from the course model.
    first_question = load_course(FLAGSHIP).modules[0].assessments[0].questions[0]
    key = next(i for i, option in enumerate(first_question.options) if option.correct)
    wrong = next(i for i, option in enumerate(first_question.options) if not option.correct)
    answer(page, questions[0], correct=False)
    item = page.locator(f"#q-{questions[0]['id']}")
    assert item.locator("[data-result]").inner_text() == "Incorrect. You earn 0 of 1 point."
    assert item.locator(f"[data-fb='o{wrong}']").is_visible() and not item.locator(f"[data-fb='o{key}']").is_visible()
    assert first_question.options[wrong].feedback in item.locator(f"[data-fb='o{wrong}']").inner_text()
    # Options come in the learner's own order: the mark beside the wrong option, wherever it is shown.
    assert item.locator(f"input[value='{wrong}'] ~ [data-mark]").inner_text() == "Incorrect"
    assert item.locator("input").first.is_disabled()

    # Two more wrong, the rest right: 5 of 8 is under the 80% pass mark, so the check asks for another try.
    answer(page, questions[1], correct=False)
    answer(page, questions[2], correct=False)
    for q in questions[3:]:
        answer(page, q)
    result = page.locator("#s-step-1-check [data-quiz-score]")
    assert result.inner_text() == ("You scored 5 of 8 points (63%). You have not passed yet. The pass mark is 80%. "
                                   "Try again when you are ready.")
    assert page.locator("#q-s1-first-step [data-result]").inner_text() == "Correct. You earn 1 of 1 point."
    assert page.locator("#q-s1-first-step [data-fb='correct']").is_visible()
    assert page.get_attribute("[data-go='finding-a-program']", "aria-disabled") == "true"
    assert page.is_disabled("[data-pager='next']")
    assert "opens when you complete" in page.inner_text("[data-lock-note]")

    # Second attempt, all right: mastery, the module completes and the next one opens.
    page.click("#s-step-1-check [data-retry]")
    assert page.inner_text("#s-step-1-check [data-attempt]") == "Attempt 2."
    assert not page.locator(f"#q-{questions[0]['id']} [data-result]").is_visible()
    complete_quiz(page, "step-1-check")
    assert result.inner_text().startswith("You scored 8 of 8 points (100%). You passed.")
    assert page.inner_text("#menu [data-module-status='step-1-high-school']") == "Complete."
    assert page.get_attribute("[data-go='finding-a-program']", "aria-disabled") is None
    next_screen(page)
    next_screen(page)
    assert screen(page) == "basic-math"
    state = saved_state(page)

    # Reload: back on the same page, with every answer of the check restored and locked.
    page.reload()
    page.wait_for_function(READY)
    assert screen(page) == "basic-math" and page.locator("#s-basic-math").is_visible()
    assert saved_state(page) == state
    page.click("[data-go='step-1-check']")
    assert result.inner_text().startswith("You scored 8 of 8 points (100%). You passed.")
    assert page.is_checked(f"#o-s1-cma-definition-{key}") and page.is_disabled(f"#o-s1-cma-definition-{key}")
    assert page.input_value("#f-s1-first-step") == "GED"
    assert page.locator("#q-s1-two-sides [data-fb='correct']").is_visible()
    assert page.inner_text("#s-step-1-check [data-attempt]") == "Attempt 2."

    # The browser's state string decodes in Python to exactly those answers.
    layout = StateLayout.from_layout(launch_layouts(load_course(FLAGSHIP), "course")[0])
    snapshot = decode_state(layout, state)
    first = snapshot.assessments[0]
    assert first.attempt == 2 and first.responses[0] == key and first.responses[6] == "GED"
    assert snapshot.viewed == frozenset(range(6))
    assert page_errors == []


@pytest.fixture(scope="module", params=LANGUAGES)
def flagship_in_language(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The flagship course built with --format html in each language: (language, site)."""
    work = tmp_path_factory.mktemp(f"flagship-{request.param}")
    with course_in(FLAGSHIP, request.param, work) as course:
        return request.param, export(course, "html", work / "site")


def test_every_page_passes_axe_on_a_phone(chromium_browser: Any, peer_asset: Callable[[str], Path],
                                          flagship_in_language: tuple[str, Path]) -> None:
    """At 375 px, every screen of the flagship, in English and in Spanish, before and after answering, has zero axe-core
    violations and no sideways scroll."""
    language, flagship_site = flagship_in_language
    context = chromium_browser.new_context(viewport={"width": 375, "height": 740}, reduced_motion="reduce")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_player(page, (flagship_site / "index.html").as_uri())
    assert page.evaluate("document.documentElement.lang") == language
    page.add_script_tag(path=str(peer_asset("axe-core")))
    findings: dict[str, list[str]] = {}
    checked: list[str] = []

    def run_axe(moment: str, info: dict[str, Any]) -> None:
        violations = page.evaluate("axe.run(document).then(r => r.violations.map(v => v.id + ': ' + "
                                   "v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))")
        if violations:
            findings[f"{info['id']} ({moment})"] = violations
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{info['id']} ({moment}) is {width} px wide"
        checked.append(info["id"])

    page.click(".menu-toggle")
    run_axe("menu open", {"id": "home"})
    page.click(".menu-toggle")
    walk_course(page, run_axe)
    context.close()
    assert findings == {}
    screens = len(launch_layouts(load_course(FLAGSHIP), "course")[0].screens)
    assert len(set(checked)) == screens
    assert errors == []


def test_keyboard_alone_finishes_the_course(page: Page, page_errors: list[str], flagship_site: Path) -> None:
    """With only Tab, Space, Enter and arrow keys a learner completes and passes the whole flagship course."""
    keys = KeyboardLearner(page)
    open_player(page, (flagship_site / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    keys.tab_to("[data-start]")
    keys.press("Enter")
    screens = page.evaluate("cmaCourse.launches['index.html'].screens")
    for index, info in enumerate(screens[1:], start=1):
        assert screen(page) == info["id"]
        assert page.evaluate("document.activeElement.id") == f"h-{info['id']}"
        if info["kind"] == "quiz":
            for q in keys.questions_in_view(info["assessment"]):
                keys.answer(q)
        if index < len(screens) - 1:
            keys.tab_to("[data-pager='next']")
            assert keys.focus_is_visible()
            keys.press("Enter")
    status = page.evaluate("cmaPlayer.snapshot().status")
    assert status == {"completed": True, "passed": True}
    assert page.inner_text("#s-results [data-course-status]") == "You have completed this course. Your score: 100%, passed."
    assert page_errors == []


class KeyboardLearner:
    """Drives the player with key presses only; ``tab_to`` fails if Tab never reaches an element."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def focused(self, selector: str) -> bool:
        return bool(self.page.evaluate("s => document.activeElement === document.querySelector(s)", selector))

    def tab_to(self, selector: str, limit: int = 150) -> None:
        for _ in range(limit):
            if self.focused(selector):
                return
            self.press("Tab")
        raise AssertionError(f"Tab never reached {selector}")

    def focus_is_visible(self) -> bool:
        return bool(self.page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()"))

    def questions_in_view(self, assessment_id: str) -> list[dict[str, Any]]:
        """The assessment's questions in the order the page shows them (a shuffled exam differs)."""
        questions = {q["id"]: q for q in assessment(self.page, assessment_id)["questions"]}
        shown = self.page.evaluate("id => Array.from(document.querySelectorAll(`[data-assessment='${id}'] .question`)).map(li => li.id.slice(2))",
                                   assessment_id)
        return [questions[i] for i in shown]

    def answer(self, q: dict[str, Any]) -> None:
        item = f"#q-{q['id']}"
        kind = q["type"]
        if kind in ("single_choice", "true_false"):
            target = q["correct"][0] if kind == "single_choice" else (0 if q["correct"] else 1)
            self.tab_to(f"{item} input[type=radio]")
            self.press("Space")
            # Options come in the learner's own order: arrow down until the right one is chosen.
            for _ in range(len(q.get("choices") or (0, 1))):
                if self.page.eval_on_selector(f"{item} input:checked", "i => i.value") == str(target if kind == "single_choice" else "tf"[target]):
                    break
                self.press("ArrowDown")
        elif kind == "multiple_response":
            shown = self.page.eval_on_selector_all(f"{item} input[type=checkbox]", "all => all.map(i => Number(i.value))")
            for index in shown:
                self.tab_to(f"{item} input[value='{index}']")
                if index in q["correct"]:
                    self.press("Space")
        elif kind == "matching":
            for i, accepted in enumerate(q["accept"]):
                select = f"{item} select[data-prompt='{i}']"
                self.tab_to(select)
                values = self.page.evaluate("s => Array.from(document.querySelector(s).options).map(o => o.value)", select)
                for _ in range(values.index(str(accepted[0]))):
                    self.press("ArrowDown")
                assert self.page.input_value(select) == str(accepted[0])
        elif kind == "ordering":
            for position in range(len(q["choices"])):
                moves = order(self.page, q["id"]).index(position) - position
                if moves:
                    self.tab_to(f"{item} [data-item='{position}'] [data-move='-1']")
                    for _ in range(moves):
                        self.press("Enter")
        else:
            self.tab_to(f"{item} input[type=text]")
            self.page.keyboard.type(q["answers"][0] if kind == "fill_blank" else f"{q['answer']:g}")
            self.press("Enter")
            assert self.page.locator(f"{item}.answered").count() == 1
            return
        self.tab_to(f"{item} [data-check]")
        self.press("Enter")
        assert self.page.locator(f"{item}.answered").count() == 1, q["id"]
        assert self.page.inner_text(f"{item} [data-result]").startswith("Correct."), q["id"]


def test_page_reads_without_javascript(chromium_browser: Any, flagship_site: Path) -> None:
    """With scripting off every screen's text shows, in order, and nothing that needs script does."""
    context = chromium_browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((flagship_site / "index.html").as_uri())
    sections = page.locator("section.screen")
    assert sections.count() == len(launch_layouts(load_course(FLAGSHIP), "course")[0].screens)
    for i in range(sections.count()):
        assert sections.nth(i).is_visible()
    assert page.locator("#menu").is_visible()
    assert not page.locator("[data-pager='next']").is_visible() and not page.locator("[data-check]").first.is_visible()
    text = page.inner_text("main")
    assert "Answering questions and saving your progress need JavaScript." in text
    assert "Step 6: Staying certified" in text and "Which statement best describes a Certified Medical Assistant" in text
    context.close()


def test_exit_button_finishes_once_with_the_standalone_adapter(chromium_browser: Any, peer_asset: Callable[[str], Path],
                                                               static_server: StaticServerFactory, tmp_path: Path) -> None:
    """At 375 px, Exit course after completing calls commit then finish("normal") once; nothing is tracked after it."""
    site = tmp_path / "lms"
    shutil.copytree(export(load_course(MINI), "html", tmp_path / "mini"), site / "course")
    lms_js = site / "course" / "player" / "lms.js"
    lms_js.write_text(lms_js.read_text(encoding="utf-8") + RECORD_STANDALONE, encoding="utf-8")
    (site / "lms.html").write_text(LMS_PAGE, encoding="utf-8")
    context = chromium_browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(static_server(site) + "lms.html")
    page.evaluate("document.getElementById('sco').src = 'course/index.html'")
    page.wait_for_function("window.recorded.some(c => c[0] === 'status')")
    frame = next(f for f in page.frames if f.url.endswith("course/index.html"))
    frame.wait_for_function(READY)
    exit_button = frame.get_by_role("button", name="Exit course")
    assert exit_button.count() == 1 and exit_button.is_visible()
    assert frame.evaluate("document.documentElement.scrollWidth") <= 375
    walk_course(frame)  # type: ignore[arg-type]
    assert frame.evaluate("cmaPlayer.snapshot().status") == {"completed": True, "passed": True}
    frame.evaluate("cmaPlayer.go('results')")
    assert frame.get_by_role("button", name="Finish course").is_visible()

    # Keyboard: Tab from the Menu button reaches Exit course with a visible focus ring; Enter presses it.
    frame.focus(".menu-toggle")
    page.keyboard.press("Tab")
    assert frame.evaluate("document.activeElement.textContent") == "Exit course"
    assert frame.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()")
    page.keyboard.press("Enter")
    frame.wait_for_selector("[data-finished]", state="visible")
    frame.wait_for_function("document.querySelector('[data-finished-text]').textContent.includes('You can close this window')")
    assert frame.evaluate("document.activeElement.hasAttribute('data-finished')")
    assert not exit_button.is_visible() and not frame.locator("#s-results").is_visible()
    calls = page.evaluate("window.recorded")
    names = [c[0] for c in calls]
    assert names.count("finish") == 1 and names[-2:] == ["commit", "finish"] and calls[-1][1] == "normal"
    assert frame.evaluate("localStorage.getItem('cmacourse:player-mini:player-mini:exit')") == "normal"
    frame.add_script_tag(path=str(peer_asset("axe-core")))
    assert frame.evaluate("axe.run(document).then(r => r.violations.map(v => v.id))") == []

    # Nothing after finishing reaches the adapter: not navigation, not leaving the page.
    frame.evaluate("cmaPlayer.go('home')")
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("!document.getElementById('sco').contentWindow.cmaPlayer")
    page.wait_for_timeout(100)
    assert page.evaluate("window.recorded.length") == len(calls)
    context.close()
    assert errors == []
