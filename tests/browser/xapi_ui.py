"""Driving a cmacourse player in Chromium and reading what the LRS stored: the steps the xAPI browser tests share."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Browser, Page
from ralph_lrs import RalphLRS
from translator import course_in
from xapi_checks import RalphModels, all_problems
from xapi_lms import XapiLms

from cmacourse import Course, load_course
from cmacourse.exporters import export
from cmacourse.questions import FillBlank, Matching, MultipleResponse, Numeric, Ordering, Question, SingleChoice, TrueFalse

CMI5_NS = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
QUEUE_KEY = "cmacourse.xapi.queue:"


def unpack(course_dir: Path, fmt: str, out: Path) -> Path:
    """Build a package with the library and extract it, as an LMS does on import."""
    return unpack_in(course_dir, fmt, out, load_course(course_dir).language)[0]


def unpack_in(course_dir: Path, fmt: str, out: Path, language: str) -> tuple[Path, Course]:
    """Build a package of the course in ``language`` (``translator.LANGUAGES``) and extract it; the course as built."""
    with course_in(course_dir, language, out / "translation") as course:
        package = export(course, fmt, out / "zip")
    with zipfile.ZipFile(package) as archive:
        archive.extractall(out / fmt)
    return out / fmt, course


def language_maps(statements: list[dict[str, Any]]) -> dict[str, set[tuple[str, ...]]]:
    """The languages (sorted) of every language map in the statements' activity definitions, by activity id."""
    found: dict[str, set[tuple[str, ...]]] = {}

    def walk(value: Any, activity: str | None) -> None:
        if isinstance(value, dict):
            if value.get("objectType") == "Activity" or ("id" in value and "definition" in value):
                activity = value["id"]
            for key, item in value.items():
                if key in ("name", "description") and isinstance(item, dict) and activity is not None:
                    found.setdefault(activity, set()).add(tuple(sorted(item)))
                elif key not in ("verb", "extensions"):
                    walk(item, activity)
        elif isinstance(value, list):
            for item in value:
                walk(item, activity)

    for statement in statements:
        walk(statement, None)
    return found


def au(root: Path, module_id: str | None) -> dict[str, Any]:
    """An AU of the package's cmi5.xml, as the LMS imported it: url, publisher id, moveOn, masteryScore."""
    structure = etree.parse(str(root / "cmi5.xml"))
    href = f"modules/{module_id}/index.html" if module_id else "index.html"
    element = next(a for a in structure.iterfind("c:au", CMI5_NS) if a.findtext("c:url", namespaces=CMI5_NS) == href)
    mastery = element.get("masteryScore")
    return {"href": href, "publisher_id": element.get("id"), "move_on": element.get("moveOn"),
            "mastery": float(mastery) if mastery else None}


def learner() -> dict[str, Any]:
    """A new learner, as a cmi5 LMS names one: an Agent with an account."""
    return {"objectType": "Agent", "name": "Pat Learner",
            "account": {"homePage": "https://lms.example.test", "name": f"learner-{uuid.uuid4().hex[:8]}"}}


def open_player(page: Page, url: str) -> None:
    """Open a launch URL and wait until the player has started its adapter."""
    page.goto(url)
    page.wait_for_function("(document.documentElement && document.documentElement.classList.contains('player-ready'))", timeout=20000)


def screen(page: Page) -> str:
    """The id of the screen the player shows."""
    return str(page.evaluate("window.cmaPlayer.snapshot().screen"))


def walk_to(page: Page, screen_id: str) -> list[str]:
    """Start, then Next until ``screen_id`` shows; the screens shown on the way."""
    page.click("[data-start]")
    shown = [screen(page)]
    while shown[-1] != screen_id:
        page.click("[data-pager='next']")
        shown.append(screen(page))
        assert len(shown) < 60, f"{screen_id} never shows"
    return shown


def answer(page: Page, q: Question, right: bool) -> float:
    """Answer one question through its form, rightly or wrongly, and check it; the check's handling time."""
    if isinstance(q, TrueFalse):
        page.check(f"#o-{q.id}-{'t' if q.answer == right else 'f'}")
    elif isinstance(q, SingleChoice):  # and MultipleResponse
        picks = [i for i, o in enumerate(q.options) if o.correct == right]
        for i in picks[:1] if not right or not isinstance(q, MultipleResponse) else picks:
            page.check(f"#o-{q.id}-{i}")
    elif isinstance(q, Matching):
        for i in range(len(q.pairs)):
            page.select_option(f"#m-{q.id}-{i}", str(i if right else (i + 1) % len(q.pairs)))
    elif isinstance(q, Ordering) and right:
        for target in range(len(q.items)):  # the Up buttons, as a keyboard user would
            for _ in range(len(q.items)):
                items = page.locator(f"#q-{q.id} [data-order] > [data-item]")
                at = [items.nth(k).get_attribute("data-item") for k in range(items.count())].index(str(target))
                if at == target:
                    break
                items.nth(at).locator("[data-move='-1']").click()
    elif isinstance(q, FillBlank):
        page.fill(f"#f-{q.id}", q.answers[0] if right else "not an answer")
    elif isinstance(q, Numeric):
        typed = repr(q.answer) if right else repr(q.answer + q.tolerance + 1000)
        page.fill(f"#f-{q.id}", typed.replace(".", decimal_mark(page)))
    took = click_timed(page, f"#q-{q.id} [data-check]")
    page.wait_for_selector(f"#q-{q.id}.answered")
    return took


def decimal_mark(page: Page) -> str:
    """The decimal mark of the course's language, as a learner of that language types numbers."""
    script = ("() => new Intl.NumberFormat(document.documentElement.lang || 'en')"
              ".formatToParts(1.5).find((p) => p.type === 'decimal').value")
    return str(page.evaluate(script))


def click_timed(page: Page, selector: str) -> float:
    """Click in the page and return how long the page's own handling took, in seconds.

    The time is measured inside the page (the click handler runs synchronously): it is what the
    learner waits for, without Playwright's waits for scrolling to settle.
    """
    script = "s => { const t = performance.now(); document.querySelector(s).click(); return performance.now() - t; }"
    return float(page.evaluate(script, selector)) / 1000


def next_screen(page: Page) -> float:
    """Press Next; how long the page took to show the next screen, in seconds."""
    return click_timed(page, "[data-pager='next']")


def queue_length(page: Page, endpoint: str, key: str) -> int:
    """How many statements and state writes wait in the page's durable queue."""
    return int(page.evaluate("k => JSON.parse(localStorage.getItem(k) || '[]').length", f"{QUEUE_KEY}{endpoint}|{key}"))


def wait_until(condition: Callable[[], Any], timeout: float = 30, what: str = "the condition") -> Any:
    """Poll ``condition`` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen in {timeout}s")


def session_statements(lrs: RalphLRS, registration: str, count_terminated: int = 1) -> list[dict[str, Any]]:
    """The registration's statements once ``count_terminated`` sessions have ended, in the LRS's order."""
    def ended() -> list[dict[str, Any]] | None:
        found = lrs.statements(registration=registration, limit=0)
        return found if sum(s["verb"]["id"].endswith("/terminated") for s in found) >= count_terminated else None
    return wait_until(ended, what=f"{count_terminated} terminated statement(s)")


def in_time_order(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Statements in the order they happened: their timestamps' (the LRS's for equal ones).

    A learner who leaves at once sends what is left in a keepalive request that may reach the LRS before
    one already on its way, and an LRS may store concurrent requests in either order.
    """
    return sorted(statements, key=lambda s: datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00")))


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    """The last segment of each statement's verb id."""
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]


def au_only(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Without the LMS's launched statements."""
    return [s for s in statements if not s["verb"]["id"].endswith("/launched")]


def course_activity(root: Path) -> str:
    """The id of tincan.xml's launchable activity, which the LMS passes as activity_id."""
    return str(etree.parse(str(root / "tincan.xml")).getroot()[0][0].get("id"))


def conformance_problems(statements: list[dict[str, Any]], models: RalphModels) -> list[str]:
    """What Ralph's xAPI models and the xAPI 1.0.3 rules of xapi_checks find wrong with ``statements``."""
    return models.all_problems(statements) + all_problems(statements)


@pytest.fixture
def make_lms(lrs: RalphLRS, ralph_models: RalphModels) -> Iterator[Callable[[Path], XapiLms]]:
    """Start test LMSs in front of the session's Ralph; all stopped at the end.

    At the end, every statement the browser sent to them (stored, refused or lost on the way) is checked
    against Ralph's xAPI models and the xAPI 1.0.3 rules: a problem fails the test.
    """
    started: list[XapiLms] = []

    def make(root: Path) -> XapiLms:
        started.append(XapiLms(root, lrs))
        started[-1].start()
        return started[-1]

    yield make
    for lms in started:
        lms.stop()
    sent = [s for lms in started for s in lms.sent_statements()]
    assert conformance_problems(sent, ralph_models) == []


@pytest.fixture
def browser_pages(chromium_browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages, each in a browser context of its own (no shared storage)."""
    contexts = []

    def new_page() -> Page:
        contexts.append(chromium_browser.new_context())
        return contexts[-1].new_page()

    yield new_page
    for context in contexts:
        context.close()
