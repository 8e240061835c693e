"""cmi5 and Tin Can packages played in headless Chromium against a real Ralph LRS, the LMS side written here."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Page
from ralph_lrs import RalphLRS
from xapi_checks import SESSION_ID, all_problems, cmi5_session_problems
from xapi_lms import Cmi5Launch, XapiLms
from translator import LANGUAGES
from xapi_ui import (  # noqa: F401 - browser_pages and make_lms are fixtures
    answer,
    au,
    au_only,
    browser_pages,
    course_activity,
    in_time_order,
    language_maps,
    learner,
    make_lms,
    next_screen,
    open_player,
    queue_length,
    screen,
    session_statements,
    unpack,
    unpack_in,
    verbs,
    wait_until,
    walk_to,
)

from cmacourse import Course, load_course
from cmacourse.questions import Question

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "course_content"
EVERY_TYPE = ROOT / "tests" / "courses" / "xapi-every-type"
#: What a click may cost the page while the LRS is down or slow: the learner never waits for the network.
RESPONSIVE_S = 0.25


@pytest.fixture(scope="module")
def cmi5_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship course's cmi5 package, extracted."""
    return unpack(FLAGSHIP, "cmi5", tmp_path_factory.mktemp("cmi5"))


def cmi5_launch(lms: XapiLms, module_id: str, *, actor: dict[str, Any] | None = None, registration: str | None = None,
                **overrides: Any) -> Cmi5Launch:
    """Launch an AU the way the LMS imported it from cmi5.xml, unless ``overrides`` change its LaunchData."""
    info = au(lms.root, module_id)
    options = {"move_on": info["move_on"], "mastery": info["mastery"], **overrides}
    return lms.cmi5_launch(info["href"], info["publisher_id"], actor or learner(), registration or str(uuid.uuid4()),
                           **options)


def check_cmi5(statements: list[dict[str, Any]], launch: Cmi5Launch, mastery: float | None) -> None:
    """Valid xAPI 1.0.3, and one cmi5 session of ``launch`` by the cmi5 rules."""
    assert all_problems(statements) == []
    assert cmi5_session_problems(au_only(statements), activity_id=launch.activity_id, publisher_id=launch.publisher_id,
                                 registration=launch.registration, session_id=launch.session_id, mastery=mastery) == []


@pytest.fixture(scope="module", params=LANGUAGES)
def cmi5_in_language(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Course]:
    """The flagship course's cmi5 package in each language, extracted, and the course as built."""
    return unpack_in(FLAGSHIP, "cmi5", tmp_path_factory.mktemp("cmi5-" + request.param), request.param)


def module_one(course: Course | None = None) -> tuple[str, str, list[Question], Question]:
    """Step 1: its id, its knowledge check, the questions, and the one answered wrongly (worth least: mastery holds)."""
    module = (course or load_course(FLAGSHIP)).modules[0]
    questions = list(module.assessments[0].questions)
    return module.id, module.assessments[0].id, questions, min(questions, key=lambda q: q.points)


# ----------------------------------------------------------------------------- cmi5 sessions

def test_cmi5_session_reaches_mastery_with_conformant_statements(page: Page, make_lms: Callable[[Path], XapiLms],
                                                                  cmi5_in_language: tuple[Path, Course], lrs: RalphLRS) -> None:
    """A learner reads module 1, in English or in Spanish, and answers right and wrong: initialized first, answered,
    completed, passed, terminated last; what Ralph stored names the course's activities in the package's languages."""
    cmi5_root, course = cmi5_in_language
    module_id, check_id, questions, wrong = module_one(course)
    lms = make_lms(cmi5_root)
    launch = cmi5_launch(lms, module_id)
    lms.preferences[("account", "https://lms.example.test", launch.actor["account"]["name"])] = {
        "languagePreference": "en-US", "audioPreference": "on"}
    open_player(page, launch.url)
    shown = walk_to(page, check_id)
    for q in questions:
        answer(page, q, q is not wrong)
    wait_until(lambda: queue_length(page, lms.endpoint, launch.registration) == 0, what="the queue to empty")
    page.goto("about:blank")
    found = session_statements(lrs, launch.registration)
    check_cmi5(found, launch, mastery=0.8)
    assert verbs(found) == (["launched", "initialized"] + ["experienced"] * (len(shown) + 1)
                            + ["answered"] * len(questions) + ["completed", "passed", "terminated"])
    answered = [s for s in found if s["verb"]["id"].endswith("/answered")]
    assert [s["object"]["id"].rsplit("/", 1)[1] for s in answered] == [q.id for q in questions]
    assert [s["result"]["success"] for s in answered] == [q is not wrong for q in questions]
    assert all(s["object"]["definition"]["correctResponsesPattern"] for s in answered)
    total = sum(q.points for q in questions)
    assert found[-2]["result"]["score"]["scaled"] == pytest.approx((total - wrong.points) / total, abs=1e-4)
    requests = lms.xapi_requests()
    assert requests and all(r.headers.get("x-experience-api-version") == "1.0.3" for r in requests)
    assert len(lms.fetch_calls) == 1
    assert any(r.path == "/xAPI/agents/profile" for r in requests)
    saved = lms.state(launch.activity_id, launch.actor, launch.registration, "cmacourse")
    assert saved["bookmark"] == check_id and saved["sent"] == {"completed": True, "passed": True}
    assert_package_languages(found, course)


def assert_package_languages(found: list[dict[str, Any]], course: Course) -> None:
    """Every activity the package defines is named in its language and, for a translation, in the source's; the
    player's own screens (home, results) in the package's language."""
    expected = tuple(sorted({course.language, (course.translated_from or course).language}))
    maps = language_maps(found)
    course_activities = {a: langs for a, langs in maps.items() if "/screens/" not in a}
    assert course_activities and all(langs == {expected} for langs in course_activities.values()), course_activities
    assert all(langs == {(course.language,)} for a, langs in maps.items() if "/screens/" in a)


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_browse_and_review_send_no_completion_statements(page: Page, make_lms: Callable[[Path], XapiLms],
                                                         cmi5_root: Path, lrs: RalphLRS, mode: str) -> None:
    """In Browse and Review modes the AU sends initialized, allowed statements and terminated, and saves no state."""
    module_id, check_id, questions, _ = module_one()
    lms = make_lms(cmi5_root)
    launch = cmi5_launch(lms, module_id, mode=mode)
    open_player(page, launch.url)
    walk_to(page, check_id)
    if mode == "Browse":
        for q in questions:
            answer(page, q, True)
    else:
        assert page.locator(f"#q-{questions[0].id} input").first.is_disabled()
    page.goto("about:blank")
    found = au_only(session_statements(lrs, launch.registration))
    check_cmi5(found, launch, mastery=0.8)
    assert not {"completed", "passed", "failed"} & set(verbs(found))
    assert verbs(found).count("answered") == (len(questions) if mode == "Browse" else 0)
    assert lms.state(launch.activity_id, launch.actor, launch.registration, "cmacourse") is None


def test_lms_mastery_score_decides_and_failed_comes_at_the_end(page: Page, make_lms: Callable[[Path], XapiLms],
                                                               cmi5_root: Path, lrs: RalphLRS) -> None:
    """With LaunchData masteryScore 0.95 a learner the player passes is failed, once, just before terminated."""
    module_id, check_id, questions, wrong = module_one()
    lms = make_lms(cmi5_root)
    launch = cmi5_launch(lms, module_id, mastery=0.95)
    open_player(page, launch.url)
    walk_to(page, check_id)
    for q in questions:
        answer(page, q, q is not wrong)
    page.goto("about:blank")
    found = au_only(session_statements(lrs, launch.registration))
    check_cmi5(found, launch, mastery=0.95)
    assert verbs(found)[-4:] == ["answered", "completed", "failed", "terminated"]
    assert "passed" not in verbs(found) and found[-2]["result"]["score"]["scaled"] < 0.95


def test_exit_button_sends_terminated_last_then_returns_to_the_lms(page: Page, make_lms: Callable[[Path], XapiLms],
                                                                   cmi5_root: Path, lrs: RalphLRS) -> None:
    """Exit course in a cmi5 launch: completed and passed, terminated last and once, then the browser goes to returnURL."""
    module_id, check_id, questions, wrong = module_one()
    lms = make_lms(cmi5_root)
    back = lms.base + "lms/course-page"
    launch = cmi5_launch(lms, module_id, return_url=back)
    open_player(page, launch.url)
    shown = walk_to(page, check_id)
    for q in questions:
        answer(page, q, q is not wrong)
    page.get_by_role("button", name="Exit course").click()
    page.wait_for_url(back)
    # The queue was drained before the browser left: terminated is already stored, and it is the last statement.
    found = lrs.statements(registration=launch.registration, limit=0)
    check_cmi5(found, launch, mastery=0.8)
    assert verbs(found) == (["launched", "initialized"] + ["experienced"] * (len(shown) + 1)
                            + ["answered"] * len(questions) + ["completed", "passed", "terminated"])
    assert lms.state(launch.activity_id, launch.actor, launch.registration, "cmacourse")["bookmark"] == check_id


def test_a_second_session_resumes_and_repeats_no_completion(browser_pages: Callable[[], Page],
                                                           make_lms: Callable[[Path], XapiLms],
                                                           cmi5_root: Path, lrs: RalphLRS) -> None:
    """Relaunched in another browser, the AU resumes at the bookmark with answers shown; completed and passed stay single."""
    module_id, check_id, questions, wrong = module_one()
    lms = make_lms(cmi5_root)
    first = cmi5_launch(lms, module_id)
    page = browser_pages()
    open_player(page, first.url)
    walk_to(page, check_id)
    for q in questions:
        answer(page, q, q is not wrong)
    page.goto("about:blank")
    session_statements(lrs, first.registration)
    second = cmi5_launch(lms, module_id, actor=dict(first.actor), registration=first.registration)
    page = browser_pages()
    open_player(page, second.url)
    assert screen(page) == check_id
    assert page.locator(".question.answered").count() == len(questions)
    page.goto("about:blank")
    found = au_only(session_statements(lrs, first.registration, count_terminated=2))
    assert verbs(found).count("completed") == 1 and verbs(found).count("passed") == 1
    later = [s for s in found if s["context"]["extensions"][SESSION_ID] == second.session_id]
    assert verbs(later) == ["initialized", "experienced", "terminated"]
    check_cmi5(later, second, mastery=0.8)


# ----------------------------------------------------------------------------- nothing lost

def test_lrs_outage_mid_session_loses_and_duplicates_nothing(page: Page, make_lms: Callable[[Path], XapiLms],
                                                             cmi5_root: Path, lrs: RalphLRS) -> None:
    """Ralph stops mid-session; the learner goes on unhindered; when it returns every statement arrives once, in order."""
    module_id, check_id, questions, wrong = module_one()
    lms = make_lms(cmi5_root)
    launch = cmi5_launch(lms, module_id)
    open_player(page, launch.url)
    page.click("[data-start]")
    wait_until(lambda: queue_length(page, lms.endpoint, launch.registration) == 0, what="the first statements")
    lrs.stop()
    clicks = []
    while screen(page) != check_id:
        clicks.append(next_screen(page))
    for q in questions:
        clicks.append(answer(page, q, q is not wrong))
    waiting = queue_length(page, lms.endpoint, launch.registration)
    assert waiting >= len(questions) + 2  # every answer, completed, passed
    assert max(clicks) < RESPONSIVE_S, clicks
    refused = [r for r in lms.xapi_requests() if r.path == "/xAPI/statements" and r.status == 502]
    assert refused, "the LRS was down but no request failed"
    lrs.start()
    lms.lose_answers = 1  # the first write after the outage is stored, but its answer is lost
    wait_until(lambda: queue_length(page, lms.endpoint, launch.registration) == 0, timeout=40, what="the queue to drain")
    page.goto("about:blank")
    found = session_statements(lrs, launch.registration)
    check_cmi5(found, launch, mastery=0.8)
    assert lms.lose_answers == 0, "no answer was lost after the outage"
    ids = [s["id"] for s in found]
    assert len(ids) == len(set(ids))
    experienced = 1 + len(load_course(FLAGSHIP).modules[0].pages) + 1  # home, the pages, the check
    assert verbs(found) == (["launched", "initialized"] + ["experienced"] * experienced
                            + ["answered"] * len(questions) + ["completed", "passed", "terminated"])


def test_statements_of_a_closed_page_are_sent_at_the_next_launch(browser_pages: Callable[[], Page],
                                                                 make_lms: Callable[[Path], XapiLms],
                                                                 cmi5_root: Path, lrs: RalphLRS) -> None:
    """The page closes while the LRS is down: its statements wait in localStorage and go first at the next launch."""
    module_id, check_id, questions, wrong = module_one()
    lms = make_lms(cmi5_root)
    first = cmi5_launch(lms, module_id)
    page = browser_pages()
    open_player(page, first.url)
    lrs.stop()
    walk_to(page, check_id)
    answer(page, questions[0], True)
    page.goto("about:blank")
    lrs.start()
    assert not [s for s in lrs.statements(registration=first.registration, limit=0)
                if s["verb"]["id"].endswith(("/terminated", "/answered"))]
    second = cmi5_launch(lms, module_id, actor=dict(first.actor), registration=first.registration)
    page.goto(second.url)  # the same browser: its localStorage holds the first session's queue
    page.wait_for_function("(document.documentElement && document.documentElement.classList.contains('player-ready'))")
    wait_until(lambda: queue_length(page, lms.endpoint, first.registration) == 0, timeout=40, what="the old queue")
    page.goto("about:blank")
    found = au_only(session_statements(lrs, first.registration, count_terminated=2))
    sessions = [s["context"]["extensions"][SESSION_ID] for s in found]
    assert sessions == sorted(sessions, key=[first.session_id, second.session_id].index)
    one = [s for s in found if s["context"]["extensions"][SESSION_ID] == first.session_id]
    assert verbs(one)[-2:] == ["answered", "terminated"] and verbs(one)[0] == "initialized"
    assert len({s["id"] for s in found}) == len(found)
    check_cmi5(one, first, mastery=0.8)


def test_a_refused_statement_is_dropped_loudly_and_the_rest_go_on(page: Page, make_lms: Callable[[Path], XapiLms],
                                                                  cmi5_root: Path, lrs: RalphLRS) -> None:
    """A 4xx answer is not retried: the statement is dropped with a console error and later ones still arrive."""
    module_id, check_id, questions, wrong = module_one()
    lms = make_lms(cmi5_root)
    lms.refuse_verbs = {"/experienced"}
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    launch = cmi5_launch(lms, module_id)
    open_player(page, launch.url)
    shown = walk_to(page, check_id)
    for q in questions[:2]:
        answer(page, q, True)
    wait_until(lambda: queue_length(page, lms.endpoint, launch.registration) == 0, what="the queue to empty")
    page.goto("about:blank")
    found = au_only(session_statements(lrs, launch.registration))
    assert verbs(found) == ["initialized", "answered", "answered", "terminated"]
    refused = [e for e in errors if "refused" in e and "HTTP 400" in e]
    assert len(refused) == len(shown) + 1
    tries = [r for r in lms.xapi_requests() if r.path == "/xAPI/statements" and r.status == 400]
    assert len(tries) <= 2 * (len(shown) + 1)  # at most the batch and then the statement alone


def test_a_slow_lrs_never_blocks_the_learner(page: Page, make_lms: Callable[[Path], XapiLms],
                                             cmi5_root: Path, lrs: RalphLRS) -> None:
    """Each statement takes the LRS 1.5 s; pages and answers still respond at once and nothing is lost on leaving."""
    module_id, check_id, questions, wrong = module_one()
    lms = make_lms(cmi5_root)
    launch = cmi5_launch(lms, module_id)
    open_player(page, launch.url)
    lms.statement_delay = 1.5
    page.click("[data-start]")
    clicks = []
    while screen(page) != check_id:
        clicks.append(next_screen(page))
    for q in questions:
        clicks.append(answer(page, q, q is not wrong))
    assert max(clicks) < RESPONSIVE_S, clicks
    page.goto("about:blank")  # keepalive requests carry what waits
    found = au_only(session_statements(lrs, launch.registration))
    assert verbs(found)[-3:] == ["completed", "passed", "terminated"]
    assert verbs(found).count("answered") == len(questions)
    check_cmi5(found, launch, mastery=0.8)


# ----------------------------------------------------------------------------- Tin Can

@pytest.fixture(scope="module")
def tincan_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flagship course's Tin Can package, extracted."""
    return unpack(FLAGSHIP, "tincan", tmp_path_factory.mktemp("tincan"))


def tincan_definitions(root: Path) -> dict[str, dict[str, Any]]:
    """The interactions of tincan.xml by activity id: what the LMS imported."""
    ns = {"t": "http://projecttincan.com/tincan.xsd"}
    found = {}
    for element in etree.parse(str(root / "tincan.xml")).iterfind("t:activities/t:activity", ns):
        if element.find("t:interactionType", ns) is not None:
            found[element.get("id")] = {
                "interactionType": element.findtext("t:interactionType", namespaces=ns),
                "correctResponsesPattern": [p.text for p in element.iterfind("t:correctResponsePatterns/t:correctResponsePattern", ns)]}
    return found


@pytest.fixture(scope="module", params=LANGUAGES)
def tincan_in_language(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Course]:
    """The flagship course's Tin Can package in each language, extracted, and the course as built."""
    return unpack_in(FLAGSHIP, "tincan", tmp_path_factory.mktemp("tincan-" + request.param), request.param)


def test_tincan_statements_and_state_resume_the_learner(browser_pages: Callable[[], Page], make_lms: Callable[[Path], XapiLms],
                                                        tincan_in_language: tuple[Path, Course], lrs: RalphLRS) -> None:
    """Launched with endpoint, auth, actor, registration and activity_id, the course (in English or in Spanish) reports
    and resumes from the State API; what Ralph stored names the course's activities in the package's languages."""
    tincan_root, course = tincan_in_language
    module_id, check_id, questions, wrong = module_one(course)
    lms = make_lms(tincan_root)
    mbox = f"mailto:pat-{uuid.uuid4().hex[:8]}@example.org"
    actor = {"name": ["Pat Learner"], "mbox": [mbox]}  # Tin Can's launch form, arrays and all
    registration, activity_id = str(uuid.uuid4()), course_activity(tincan_root)
    url = lms.tincan_launch("index.html", actor, registration, activity_id)
    page = browser_pages()
    open_player(page, url)
    shown = walk_to(page, check_id)
    for q in questions[:3]:
        answer(page, q, q is not questions[1])
    page.goto("about:blank")
    found = session_statements(lrs, registration)
    assert all_problems(found) == []
    assert verbs(found) == ["initialized"] + ["experienced"] * (len(shown) + 1) + ["answered"] * 3 + ["terminated"]
    assert {json.dumps(s["actor"], sort_keys=True) for s in found} == {
        json.dumps({"objectType": "Agent", "name": "Pat Learner", "mbox": mbox}, sort_keys=True)}
    assert {s["context"]["registration"] for s in found} == {registration}
    assert found[0]["object"]["id"] == found[-1]["object"]["id"] == activity_id
    imported = tincan_definitions(tincan_root)
    for s in found[-4:-1]:
        definition = s["object"]["definition"]
        assert imported[s["object"]["id"]] == {k: definition[k] for k in ("interactionType", "correctResponsesPattern")}
    assert [s["result"]["success"] for s in found[-4:-1]] == [True, False, True]
    assert_package_languages(found, course)
    saved = lms.state(activity_id, {"mbox": mbox}, registration, "cmacourse")
    assert saved["bookmark"] == check_id and saved["state"]
    page = browser_pages()  # another browser: nothing in its storage, all from the State API
    open_player(page, url)
    assert screen(page) == check_id
    assert page.locator(".question.answered").count() == 3
    page.goto("about:blank")  # at once: the page's experienced may still be on its way when terminated leaves
    found = in_time_order(session_statements(lrs, registration, count_terminated=2))
    assert verbs(found)[-3:] == ["initialized", "experienced", "terminated"]


def test_tincan_completion_failed_then_passed_with_every_interaction(page: Page, make_lms: Callable[[Path], XapiLms],
                                                                     tmp_path: Path, lrs: RalphLRS) -> None:
    """Every question type answered in the player gives a well-formed response; failed, then passed and completed once."""
    root = unpack(EVERY_TYPE, "tincan", tmp_path)
    course = load_course(EVERY_TYPE)
    check, exam = course.modules[0].assessments[0], course.final_exam
    assert exam is not None
    lms = make_lms(root)
    registration = str(uuid.uuid4())
    url = lms.tincan_launch("index.html", {"mbox": "mailto:every@example.org", "objectType": "Agent"}, registration,
                            course_activity(root))
    open_player(page, url)
    walk_to(page, check.id)
    wrong = {"q-ordering", "q-fill"}
    for q in check.questions:
        answer(page, q, q.id not in wrong)
    page.click("[data-pager='next']")
    answer(page, exam.questions[0], False)
    page.click(f"[data-assessment='{exam.id}'] [data-retry]")
    answer(page, exam.questions[0], True)
    page.goto("about:blank")
    found = session_statements(lrs, registration)
    assert all_problems(found) == []
    tail = verbs(found)[-6:]
    assert tail == ["answered", "failed", "answered", "completed", "passed", "terminated"]
    answered = [s for s in found if s["verb"]["id"].endswith("/answered")]
    kinds = {s["object"]["definition"]["interactionType"] for s in answered}
    assert kinds == {"choice", "true-false", "matching", "sequencing", "fill-in", "numeric"}
    assert [s["result"]["success"] for s in answered] == [q.id not in wrong for q in check.questions] + [False, True]
    responses = {s["object"]["id"].rsplit("/", 1)[1]: s["result"]["response"] for s in answered[:len(check.questions)]}
    assert responses["q-single"] == "right" and responses["q-multiple"] == "a[,]c"
    assert responses["q-matching"] == "0[.]0[,]1[.]1" and responses["q-numeric-range"] == "2.2"
    assert responses["q-fill"] == "not an answer" and responses["q-true-false"] == "false"
    assert verbs(found).count("completed") == 1
    assert found[-2]["result"]["score"]["scaled"] == 1 and found[verbs(found).index("failed")]["result"]["score"]["scaled"] == 0


def test_cmi5_every_question_type_in_the_player(page: Page, make_lms: Callable[[Path], XapiLms], tmp_path: Path,
                                                lrs: RalphLRS) -> None:
    """Every question type answered in a cmi5 AU: well-formed responses and one cmi5 session (and, as for every
    statement the tests send, valid by Ralph's xAPI models)."""
    root = unpack(EVERY_TYPE, "cmi5", tmp_path)
    course = load_course(EVERY_TYPE)
    module = course.modules[0]
    check = module.assessments[0]
    lms = make_lms(root)
    launch = cmi5_launch(lms, module.id)
    open_player(page, launch.url)
    walk_to(page, check.id)
    wrong = {"q-ordering", "q-fill"}
    for q in check.questions:
        answer(page, q, q.id not in wrong)
    page.goto("about:blank")
    found = au_only(session_statements(lrs, launch.registration))
    check_cmi5(found, launch, mastery=au(root, module.id)["mastery"])
    answered = [s for s in found if s["verb"]["id"].endswith("/answered")]
    assert {s["object"]["definition"]["interactionType"] for s in answered} == {
        "choice", "true-false", "matching", "sequencing", "fill-in", "numeric"}
    assert [s["result"]["success"] for s in answered] == [q.id not in wrong for q in check.questions]
