"""The player's rules in Chromium on small courses: every question type, locks, retries, shuffles, hostile text, adapters."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cmacourse.exporters import export
from cmacourse.exporters._package import PackageWriter
from cmacourse.loading import load_course
from cmacourse.player import render_player
from cmacourse.player.layout import launch_layouts
from cmacourse.player.state import AssessmentState, Snapshot, StateLayout, decode_state, encode_state
from test_player import READY, answer, assessment, complete_quiz, next_screen, open_player, order, screen

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from static_http import StaticServerFactory

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "courses" / "player-mini"
HOSTILE = ROOT / "tests" / "courses" / "player-hostile"

# A tracking adapter that records every call in the frame above, as an LMS page would see them.
RECORDING_ADAPTER = """
window.cmaTracking = function (context) {
  const calls = window.parent.recorded;
  const record = (name) => function () { calls.push([name].concat(Array.prototype.slice.call(arguments))); };
  return {
    name: "recording", stateLimit: 4096,
    start() { calls.push(["start", context]); return Promise.resolve(window.parent.resume || {state: null, bookmark: null, mode: "normal"}); },
    pageViewed: record("pageViewed"), bookmark: record("bookmark"), answered: record("answered"), scored: record("scored"),
    saveState: record("saveState"), status: record("status"), commit: record("commit"), finish: record("finish"),
  };
};
"""
LMS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script>window.recorded = []; window.resume = null;</script></head>
<body><iframe id="sco" title="Course" style="width:900px;height:700px" {sandbox}></iframe></body></html>"""


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(load_course(MINI), "html", tmp_path_factory.mktemp("mini"))


def finish_basics(page: Page) -> None:
    """View both pages of module 1 and pass its check."""
    page.click("[data-start]")
    next_screen(page)
    next_screen(page)
    complete_quiz(page, "basics-check")


def test_every_question_type_marks_wrong_and_right_answers(page: Page, page_errors: list[str], mini_site: Path) -> None:
    """Each type shows "Incorrect" with its feedback for a wrong answer and "Correct" with its points for a right one."""
    open_player(page, (mini_site / "index.html").as_uri())
    finish_basics(page)
    page.click("[data-pager='next']")
    next_screen(page)
    assert screen(page) == "practice-quiz"
    for q in assessment(page, "practice-quiz")["questions"]:
        answer(page, q, correct=False)
        assert page.inner_text(f"#q-{q['id']} [data-result]").startswith("Incorrect. You earn 0 of"), q["id"]
    assert page.locator("#q-mini-truefalse [data-fb='incorrect']").is_visible()
    assert page.locator("#q-mini-matching .mark-incorrect").count() == 2
    assert "You have 1 attempt left." in page.inner_text("#s-practice-quiz [data-quiz-score]")
    page.click("#s-practice-quiz [data-retry]")
    for q in assessment(page, "practice-quiz")["questions"]:
        answer(page, q)
        assert page.inner_text(f"#q-{q['id']} [data-result]") == "Correct. You earn 1 of 1 point.", q["id"]
    assert page.locator("#q-mini-matching .mark-correct").count() == 2
    assert page.inner_text("#s-practice-quiz [data-quiz-score]") == "You scored 4 of 4 points (100%). You passed. The pass mark is 100%."
    # The two-point multiple response question of module 1 counted double.
    assert "You scored 4 of 4 points" in page.inner_text("#s-basics-check [data-quiz-score]")
    assert page_errors == []


def test_inputs_are_checked_before_they_count(page: Page, mini_site: Path) -> None:
    """An empty, non-numeric or ambiguous answer is refused with a message and records nothing; "5.0" counts as 5."""
    open_player(page, (mini_site / "index.html").as_uri())
    finish_basics(page)
    page.click("[data-go='practice-quiz']")
    page.click("#q-mini-matching [data-check]")
    assert page.inner_text("#q-mini-matching [data-error]") == "Choose a match for every item."
    page.fill("#f-mini-numeric", "five")
    page.click("#q-mini-numeric [data-check]")
    assert page.inner_text("#q-mini-numeric [data-error]") == "Type the number in years, for example 12,500 or 3.5."
    layout = StateLayout.from_layout(launch_layouts(load_course(MINI), "course")[0])
    assert decode_state(layout, page.evaluate("cmaPlayer.snapshot().state")).assessments[1].attempt == 0
    # English: a comma groups thousands, so "5,0" could be 5 or a slip; it is explained, never marked wrong.
    page.fill("#f-mini-numeric", " 5,0 ")
    page.click("#q-mini-numeric [data-check]")
    assert "could be read two ways" in page.inner_text("#q-mini-numeric [data-error]")
    page.fill("#f-mini-numeric", " 5.0 ")
    page.click("#q-mini-numeric [data-check]")
    assert page.inner_text("#q-mini-numeric [data-result]").startswith("Correct.")
    assert not page.locator("#q-mini-numeric [data-error]").is_visible()


def test_locks_and_the_retry_limit(page: Page, mini_site: Path) -> None:
    """Module 2 stays locked until module 1 is complete; two failed attempts leave no retry, keep the exam locked and fail the launch."""
    open_player(page, (mini_site / "index.html").as_uri())
    assert page.get_attribute("[data-go='practice-page']", "aria-disabled") == "true"
    page.click("#menu [data-go='practice-page']", force=True)  # aria-disabled, but a learner can still click it
    assert screen(page) == "home"
    assert page.inner_text("[data-locked-note]") == "\u201cPractice page\u201d opens when you complete \u201cModule 1: Basics\u201d."
    assert page.evaluate("document.querySelector(\"#menu [data-go='practice-page']\").parentNode.contains(document.querySelector('[data-locked-note]'))")
    assert page.inner_text("#menu [data-module-status='practice']") == "Locked until you complete Module 1: Basics."
    finish_basics(page)
    assert page.get_attribute("[data-go='practice-page']", "aria-disabled") is None
    assert page.get_attribute("[data-go='mini-exam']", "aria-disabled") == "true"
    page.click("[data-go='practice-quiz']")
    for attempt in (1, 2):
        for q in assessment(page, "practice-quiz")["questions"]:
            answer(page, q, correct=q["type"] != "numeric")
        assert page.is_visible("#s-practice-quiz [data-retry]") is (attempt == 1)
        if attempt == 1:
            page.click("#s-practice-quiz [data-retry]")
    assert page.inner_text("#s-practice-quiz [data-quiz-score]").endswith("You did not pass. The pass mark is 100%. You have no attempts left.")
    page.click("#menu [data-go='results']")
    assert page.inner_text("[data-results-assessment='practice-quiz'] [data-cell='result']") == "Not passed, no attempts left"
    assert page.get_attribute("[data-go='mini-exam']", "aria-disabled") == "true"
    # The module can never be completed now, so neither can the course: it ends as failed, not left open.
    assert page.evaluate("cmaPlayer.snapshot().status") == {"completed": True, "passed": False}


def test_shuffled_exam_keeps_order_and_answers_after_reload(page: Page, mini_site: Path) -> None:
    """A shuffled exam's order is fixed once answering starts, saved with the attempt and restored with its answers."""
    open_player(page, (mini_site / "index.html").as_uri())
    finish_basics(page)
    page.click("[data-go='practice-page']")
    page.click("[data-go='practice-quiz']")
    complete_quiz(page, "practice-quiz")
    page.click("[data-go='mini-exam']")
    shown = page.evaluate("Array.from(document.querySelectorAll('#s-mini-exam .question')).map(li => li.id)")
    numbers = page.evaluate("Array.from(document.querySelectorAll('#s-mini-exam [data-number]')).map(s => s.textContent)")
    assert numbers == ["Question 1 of 4", "Question 2 of 4", "Question 3 of 4", "Question 4 of 4"]
    exam = assessment(page, "mini-exam")["questions"]
    answer(page, exam[1])
    page.reload()
    page.wait_for_function(READY)
    assert screen(page) == "mini-exam"
    assert page.evaluate("Array.from(document.querySelectorAll('#s-mini-exam .question')).map(li => li.id)") == shown
    assert page.is_checked("#o-exam-two-0") and page.is_disabled("#o-exam-two-0")
    for q in exam:
        if q["id"] != "exam-two":
            answer(page, q, correct=q["id"] != "exam-four")  # case-sensitive "CMA": "not this" is wrong
    assert page.evaluate("cmaPlayer.snapshot().score") == {"raw": 3, "min": 0, "max": 4, "scaled": 0.75}
    assert page.evaluate("cmaPlayer.snapshot().status") == {"completed": True, "passed": True}


def test_hostile_author_text_never_runs(page: Page, page_errors: list[str], tmp_path: Path) -> None:
    """Script, handlers and script links written by authors stay text on every screen; nothing runs."""
    site = export(load_course(HOSTILE), "html", tmp_path)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_player(page, (site / "index.html").as_uri())
    assert page.title() == "Title </script><script>window.__pwned=7</script> & \"quotes\""
    for info in page.evaluate("cmaCourse.launches['index.html'].screens"):
        page.evaluate("id => { window.cmaPlayer.go(id); }", info["id"])
        for link in page.locator(f"#s-{info['id']} a:not([target])").all():
            if link.is_visible():
                link.click()
    page.click("[data-go='check']")
    page.fill("#f-q-blank", "</script><script>window.__pwned=8</script>")
    page.click("#q-q-blank [data-check]")
    assert page.inner_text("#q-q-blank [data-result]").startswith("Correct.")
    assert "<script>window.__pwned=1</script>" in page.inner_text("#s-check .lead")
    assert page.evaluate("window.__pwned") is None
    assert dialogs == [] and page_errors == []


def test_adapter_contract_inside_an_lms_frame(page: Page, page_errors: list[str], mini_site: Path,
                                              static_server: StaticServerFactory, tmp_path: Path) -> None:
    """In an LMS iframe the player calls start first, then the documented members with the documented data, and finish once."""
    site = tmp_path / "lms"
    shutil.copytree(mini_site, site / "course")
    (site / "course" / "player" / "lms.js").write_text(RECORDING_ADAPTER)
    (site / "lms.html").write_text(LMS_PAGE.format(sandbox=""))
    page.goto(static_server(site) + "lms.html")
    page.evaluate("document.getElementById('sco').src = 'course/index.html'")
    page.wait_for_function("window.recorded.some(c => c[0] === 'status')")
    course = page.frame_locator("#sco")
    frame = next(f for f in page.frames if f.url.endswith("course/index.html"))
    course.locator("[data-start]").click()
    course.locator("[data-pager='next']").click()
    course.locator("[data-pager='next']").click()
    for q in frame.evaluate("cmaCourse.assessments['basics-check'].questions"):
        answer(frame, q)  # type: ignore[arg-type]
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.recorded.some(c => c[0] === 'finish')")
    calls = page.evaluate("window.recorded")
    names = [c[0] for c in calls]
    assert names[0] == "start" and names.count("start") == 1 and names.count("finish") == 1
    assert calls[0][1]["courseId"] == "player-mini" and calls[0][1]["launchId"] == "player-mini"
    assert calls[0][1]["masteryScore"] == 75
    assert names[-2:] == ["commit", "finish"] and calls[-1][1] == "suspend"
    viewed = [c[1] for c in calls if c[0] == "pageViewed"]
    assert viewed[:3] == [{"id": "home", "title": "Player test course", "index": 0, "moduleId": None},
                          {"id": "first", "title": "The first page", "index": 1, "moduleId": "basics"},
                          {"id": "second", "title": "The second page", "index": 2, "moduleId": "basics"}]
    assert [c[1] for c in calls if c[0] == "bookmark"][:3] == ["home", "first", "second"]
    answers = {c[1]["id"]: c[1] for c in calls if c[0] == "answered"}
    multiple = answers["mini-multiple"]
    assert {k: multiple[k] for k in ("type", "description", "objectiveIds", "correctPattern", "response", "result",
                                     "points", "maxPoints", "assessmentId", "attempt")} == {
        "type": "multiple_response", "description": "Which are vital signs? Select all that apply.",
        "objectiveIds": ["name-signs"], "correctPattern": ["a", "b"], "response": ["a", "b"], "result": "correct",
        "points": 2, "maxPoints": 2, "assessmentId": "basics-check", "attempt": 1}
    assert multiple["choices"] == [{"id": "a", "text": "Blood pressure"}, {"id": "b", "text": "Weight"}, {"id": "c", "text": "Shoe size"}]
    assert answers["mini-order"]["correctPattern"] == ["i1", "i2", "i3"] == answers["mini-order"]["response"]
    assert isinstance(multiple["latencyMs"], int) and multiple["timestamp"].endswith("Z")
    statuses = [c[1] for c in calls if c[0] == "status"]
    assert statuses[0] == {"completed": False, "passed": None} and statuses[-1] == {"completed": False, "passed": None}
    assert "scored" not in names  # the exam, which the course launch scores, is not taken yet
    states = [c[1] for c in calls if c[0] == "saveState"]
    assert len(states) == len(set(states)) and all(len(s) <= 4096 for s in states)
    assert page_errors == []


def test_runs_in_a_sandboxed_frame_without_storage(page: Page, mini_site: Path, static_server: StaticServerFactory) -> None:
    """A frame without same-origin rights has no localStorage; the course still runs from memory."""
    (mini_site.parent / "sandbox.html").write_text(LMS_PAGE.format(sandbox='sandbox="allow-scripts allow-forms"'))
    base = static_server(mini_site.parent)
    page.goto(base + "sandbox.html")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.evaluate(f"document.getElementById('sco').src = {json.dumps(mini_site.name + '/index.html')}")
    page.wait_for_timeout(50)
    course = page.frames[1]
    course.wait_for_function(READY)
    assert course.evaluate("cmaPlayer.snapshot().adapter") == "standalone"
    course.click("[data-start]")
    assert course.evaluate("cmaPlayer.snapshot().screen") == "first"
    assert errors == []


def test_no_request_leaves_the_package(page: Page, mini_site: Path, static_server: StaticServerFactory) -> None:
    """Served over HTTP, the player fetches only its own files: no CDN, no fetch of data, nothing fails."""
    base = static_server(mini_site)
    requests: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    open_player(page, base + "index.html")
    for info in page.evaluate("cmaCourse.launches['index.html'].screens"):
        page.evaluate("id => cmaPlayer.go(id)", info["id"])
    assert requests and all(url.startswith(base) for url in requests)
    assert not [url for url in requests if url.endswith(".json")]
    assert failed == []


def test_javascript_and_python_codecs_agree(page: Page, mini_site: Path) -> None:
    """Random snapshots encode to the same string in the browser and in Python, and decode back in the browser."""
    open_player(page, (mini_site / "index.html").as_uri())
    layout = StateLayout.from_layout(launch_layouts(load_course(MINI), "course")[0])
    rng = random.Random(7)
    cases = []
    for _ in range(40):
        assessments = []
        for slot in layout.assessments:
            attempt = rng.choice([0, 1, 2])
            answers: list[Any] = []
            for q in slot.questions:
                value: Any = {"index": lambda: rng.randrange(q.size),
                              "bits": lambda: tuple(sorted(rng.sample(range(q.size), rng.randint(1, q.size)))),
                              "boolean": lambda: rng.random() < 0.5,
                              "indexes": lambda: tuple(rng.randrange(q.size) for _ in range(q.places)),
                              "text": lambda: "".join(rng.choice("ab%|,~<>\"'&\\\té ") for _ in range(rng.randint(1, 12))),
                              "number": lambda: repr(rng.uniform(-1e6, 1e6))}[q.codec]()
                answers.append(value if attempt and rng.random() < 0.8 else None)
            seed = rng.randrange(36**4) if attempt and slot.seeded else None
            assessments.append(AssessmentState(attempt=attempt, seed=seed, responses=tuple(answers) if attempt else (None,) * len(answers)))
        snapshot = Snapshot(viewed=frozenset(rng.sample(range(layout.pages), rng.randint(0, layout.pages))),
                            bookmark=rng.choice([None, rng.randrange(layout.screens)]), assessments=tuple(assessments))
        cases.append((snapshot, encode_state(layout, snapshot)))
    script = """([layout, cases]) => cases.map(([snap, text]) => {
      const lib = window.cmaPlayerLib.state;
      const js = {viewed: new Set(snap.viewed), bookmark: snap.bookmark, assessments: snap.assessments};
      const encoded = lib.encode(layout, js);
      const back = lib.decode(layout, text);
      return [encoded, {viewed: Array.from(back.viewed).sort((a, b) => a - b), bookmark: back.bookmark, assessments: back.assessments}];
    })"""
    js_layout = {"fingerprint": layout.fingerprint, "pages": layout.pages, "screens": layout.screens,
                 "assessments": [{"maxAttempts": s.max_attempts, "seeded": s.seeded,
                                  "questions": [{"codec": q.codec, "size": q.size, "places": q.places} for q in s.questions]}
                                 for s in layout.assessments]}
    payload = [[{"viewed": sorted(s.viewed), "bookmark": s.bookmark,
                 "assessments": [{"attempt": a.attempt, "seed": a.seed, "responses": [list(r) if isinstance(r, tuple) else r for r in a.responses]}
                                 for a in s.assessments]}, text] for s, text in cases]
    results = page.evaluate(script, [js_layout, payload])
    for (snapshot_json, text), (encoded, decoded) in zip(payload, results):
        assert encoded == text
        assert decoded == snapshot_json


def test_relaunch_resumes_from_what_the_adapter_returns(page: Page, mini_site: Path, static_server: StaticServerFactory,
                                                        tmp_path: Path) -> None:
    """A relaunch given the saved state and bookmark (as an LMS gives them back) shows that page with the answers locked in."""
    site = tmp_path / "lms"
    shutil.copytree(mini_site, site / "course")
    (site / "course" / "player" / "lms.js").write_text(RECORDING_ADAPTER)
    (site / "lms.html").write_text(LMS_PAGE.format(sandbox=""))
    page.goto(static_server(site) + "lms.html")
    page.evaluate("document.getElementById('sco').src = 'course/index.html'")
    page.wait_for_function("window.recorded.some(c => c[0] === 'status')")
    frame = next(f for f in page.frames if f.url.endswith("course/index.html"))
    frame.click("[data-start]")
    frame.click("[data-pager='next']")
    frame.click("[data-pager='next']")
    questions = frame.evaluate("cmaCourse.assessments['basics-check'].questions")
    answer(frame, questions[0], correct=False)  # type: ignore[arg-type]
    answer(frame, questions[2])  # type: ignore[arg-type]
    frame.click("[data-pager='prev']")
    calls = page.evaluate("window.recorded")
    state = [c[1] for c in calls if c[0] == "saveState"][-1]
    bookmark = [c[1] for c in calls if c[0] == "bookmark"][-1]
    assert bookmark == "second"

    page.evaluate("([state, bookmark]) => { window.recorded = []; window.resume = {state, bookmark, mode: 'normal'};"
                  " document.getElementById('sco').src = 'course/index.html?relaunch'; }", [state, bookmark])
    page.wait_for_function("window.recorded.some(c => c[0] === 'status')")
    frame = next(f for f in page.frames if f.url.endswith("?relaunch"))
    frame.wait_for_function(READY)
    assert frame.evaluate("cmaPlayer.snapshot().screen") == "second"
    frame.click("[data-go='basics-check']")
    assert frame.is_checked("#o-mini-single-1") and frame.is_disabled("#o-mini-single-1")
    assert order(frame, "mini-order") == [0, 1, 2]  # type: ignore[arg-type]
    assert frame.is_enabled("#o-mini-multiple-0")  # unanswered, still open
    assert frame.inner_text("#q-mini-single [data-result]").startswith("Incorrect.")
    names = [c[0] for c in page.evaluate("window.recorded")]
    assert names[:2] == ["start", "pageViewed"] and "answered" not in names  # restoring is not answering again


def test_review_mode_is_read_only(page: Page, mini_site: Path, static_server: StaticServerFactory, tmp_path: Path) -> None:
    """In review mode the questions are locked and nothing is saved."""
    site = tmp_path / "lms"
    shutil.copytree(mini_site, site / "course")
    (site / "course" / "player" / "lms.js").write_text(RECORDING_ADAPTER)
    (site / "lms.html").write_text(LMS_PAGE.format(sandbox="").replace("window.resume = null", "window.resume = {mode: 'review'}"))
    page.goto(static_server(site) + "lms.html")
    page.evaluate("document.getElementById('sco').src = 'course/index.html'")
    page.wait_for_function("window.recorded.some(c => c[0] === 'pageViewed')")
    frame = next(f for f in page.frames if f.url.endswith("course/index.html"))
    frame.wait_for_function(READY)
    frame.click("[data-go='basics-check']")
    assert frame.is_disabled("#o-mini-single-0") and not frame.is_visible("#q-mini-single [data-check]")
    names = [c[0] for c in page.evaluate("window.recorded")]
    assert "saveState" not in names and "status" not in names


def test_glossary_link_and_back(page: Page, mini_site: Path) -> None:
    """A glossary link opens the term on the glossary screen, focused, and Back returns to the page."""
    open_player(page, (mini_site / "index.html").as_uri())
    page.click("[data-start]")
    link = page.locator("#s-first a.gloss")
    assert link.get_attribute("title") == "Vital signs: Blood pressure, weight, and temperature."
    link.click()
    assert screen(page) == "glossary"
    assert page.evaluate("document.activeElement.id") == "g-vital-signs"
    page.click("[data-back]")
    assert screen(page) == "first"


def test_phone_menu_opens_and_closes_from_the_keyboard(chromium_browser: Any, mini_site: Path) -> None:
    """At 375 px the menu folds behind a button whose state is announced; Escape closes it and returns focus."""
    context = chromium_browser.new_context(viewport={"width": 375, "height": 700})
    page = context.new_page()
    open_player(page, (mini_site / "index.html").as_uri())
    assert not page.is_visible("#menu")
    page.focus(".menu-toggle")
    page.keyboard.press("Enter")
    assert page.is_visible("#menu") and page.get_attribute(".menu-toggle", "aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not page.is_visible("#menu") and page.get_attribute(".menu-toggle", "aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    page.click(".menu-toggle")
    page.click("#menu [data-go='first']")
    assert screen(page) == "first" and not page.is_visible("#menu")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_module_scope_launches_run_on_their_own(page: Page, page_errors: list[str], tmp_path: Path) -> None:
    """With scope=module a module's document, two folders down, runs and completes that module alone."""
    writer = PackageWriter()
    launches = render_player(load_course(MINI), writer, runtime="standalone", scope="module")
    writer.write_folder(tmp_path)
    assert [l.href for l in launches] == ["modules/basics/index.html", "modules/practice/index.html", "index.html"]
    open_player(page, (tmp_path / "modules" / "practice" / "index.html").as_uri())
    assert page.evaluate("cmaPlayer.snapshot().screen") == "home"
    page.click("[data-start]")  # not locked: the LMS sequences modules across launches
    next_screen(page)
    complete_quiz(page, "practice-quiz")
    assert page.evaluate("cmaPlayer.snapshot()")["status"] == {"completed": True, "passed": True}
    assert page.evaluate("cmaPlayer.snapshot().score") == {"raw": 4, "min": 0, "max": 4, "scaled": 1}
    assert page_errors == []
