"""The xAPI adapters driven through the tracking contract by a hand-written page: the queue, cmi5 launch rules."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page
from ralph_lrs import RalphLRS
from lrs_faults import statements_of
from xapi_checks import RalphModels, all_problems, cmi5_session_problems
from xapi_lms import XapiLms
from xapi_ui import (  # noqa: F401 - browser_pages and make_lms are fixtures
    au,
    au_only,
    browser_pages,
    conformance_problems,
    course_activity,
    learner,
    make_lms,
    queue_length,
    session_statements,
    unpack,
    verbs,
    wait_until,
)

from cmacourse.player import DATA_SCRIPT, PLAYER_SCRIPTS, launch_scripts

pytestmark = pytest.mark.browser

EVERY_TYPE = Path(__file__).resolve().parents[2] / "tests" / "courses" / "xapi-every-type"



def contract_page(runtime: str) -> str:
    """A page with the adapter and what loads before it in a launch document, but not the player."""
    scripts = [s for s in launch_scripts(runtime) if s not in PLAYER_SCRIPTS and s != DATA_SCRIPT]
    tags = "".join(f'<script src="{s}"></script>' for s in scripts)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>adapter</title></head><body>{tags}</body></html>"""


def test_adapter_contract_queue_against_ralph_directly(page: Page, static_server: Any, tmp_path: Path, lrs: RalphLRS,
                                                      ralph_models: RalphModels) -> None:
    """Driven through the contract straight at Ralph: browser-made UUIDs, the version header, retries after refused connections, nothing after terminated."""
    root = unpack(EVERY_TYPE, "tincan", tmp_path)
    (root / "contract.html").write_text(contract_page("tincan"), encoding="utf-8")
    base = static_server(root)
    lrs.allow_origins(base)
    registration = str(uuid.uuid4())
    query = {"endpoint": lrs.endpoint, "auth": lrs.auth_header, "actor": json.dumps({"mbox": "mailto:contract@example.org"}),
             "registration": registration, "activity_id": course_activity(root)}
    sent: list[Any] = []
    page.on("request", lambda r: sent.append(r) if r.url.startswith(lrs.endpoint) else None)
    page.goto(base + "contract.html?" + "&".join(f"{k}={quote(v)}" for k, v in query.items()))
    started = page.evaluate("""async () => {
        window.logs = [];
        window.adapter = window.cmaTracking({courseId: "xapi-every-type", courseTitle: "t", launchId: "xapi-every-type",
                                             masteryScore: 75, log: (m) => window.logs.push(m)});
        return await window.adapter.start();
    }""")
    assert started == {"state": None, "bookmark": None, "mode": "normal", "learnerName": None}
    page.evaluate("adapter.pageViewed({id: 'read-first', title: 'Read this first', index: 1, moduleId: 'all-types'})")
    wait_until(lambda: queue_length(page, lrs.endpoint, registration) == 0, what="the first statements")
    lrs.stop()
    took = page.evaluate("""() => {
        const t = performance.now();
        adapter.answered({id: "q-matching", type: "matching", response: ["0.1", "1.0"], result: "incorrect", points: 0, maxPoints: 1, latencyMs: 1200});
        adapter.answered({id: "q-ordering", type: "ordering", response: ["i1", "i2", "i3"], result: "correct", points: 1, maxPoints: 1, latencyMs: 800});
        adapter.answered({id: "q-numeric-range", type: "numeric", response: [2.15], result: "correct", points: 1, maxPoints: 1, latencyMs: 61000});
        return performance.now() - t;
    }""")
    assert took < 50
    made = wait_until(lambda: page.evaluate("k => JSON.parse(localStorage.getItem(k) || '[]').map(op => op.id)",
                                            f"cmacourse.xapi.queue:{lrs.endpoint}|{registration}"), what="queued ids")
    wait_until(lambda: len([r for r in sent if r.method == "POST"]) >= 3, what="failed attempts while the LRS is down")
    lrs.start()
    wait_until(lambda: queue_length(page, lrs.endpoint, registration) == 0, timeout=40, what="the queue to drain")
    page.evaluate("adapter.finish('normal')")
    page.evaluate("adapter.answered({id: 'q-true-false', type: 'true_false', response: ['false'], result: 'correct', points: 1, maxPoints: 1})")
    wait_until(lambda: queue_length(page, lrs.endpoint, registration) == 0, what="terminated to go")
    found = session_statements(lrs, registration)
    assert all_problems(found) == []
    assert verbs(found) == ["initialized", "experienced", "answered", "answered", "answered", "terminated"]
    assert [s["id"] for s in found[2:5]] == made
    assert [s["result"]["response"] for s in found[2:5]] == ["0[.]1[,]1[.]0", "i1[,]i2[,]i3", "2.15"]
    assert found[4]["result"]["duration"] == "PT1M1S"
    assert any("after terminated" in m for m in page.evaluate("window.logs"))
    assert sent and all(r.all_headers().get("x-experience-api-version") == "1.0.3" for r in sent)
    written = [s for r in sent if r.method in ("POST", "PUT") and "/statements" in r.url for s in statements_of(r.post_data_buffer or b"")]
    assert {s["id"] for s in written} == {s["id"] for s in found}
    assert conformance_problems(written, ralph_models) == []


START = """async () => {
    window.logs = [];
    window.adapter = window.cmaTracking({courseId: "xapi-every-type", courseTitle: "t", launchId: "all-types",
                                         masteryScore: 60, log: (m) => window.logs.push(m)});
    return await window.adapter.start();
}"""


def test_cmi5_adapter_judges_by_the_lms_mastery_and_returns_to_the_lms(page: Page, make_lms: Callable[[Path], XapiLms],
                                                                      tmp_path: Path, lrs: RalphLRS) -> None:
    """Passed waits for a score at the LMS's mastery, each verb goes once, and terminating sends the learner to returnURL."""
    root = unpack(EVERY_TYPE, "cmi5", tmp_path)
    (root / "contract.html").write_text(contract_page("cmi5"), encoding="utf-8")
    lms = make_lms(root)
    unit = au(root, "all-types")
    back = lms.base + "lms/course-page"
    launch = lms.cmi5_launch("contract.html", unit["publisher_id"], learner(), str(uuid.uuid4()),
                             move_on=unit["move_on"], mastery=0.7, return_url=back)
    page.goto(launch.url)
    started = page.evaluate(START)
    assert started == {"state": None, "bookmark": None, "mode": "normal", "learnerName": "Pat Learner",
                       "masteryScore": 70, "moveOn": "CompletedAndPassed", "preferences": None}
    page.evaluate("""() => {
        adapter.status({completed: true, passed: null});
        adapter.scored({raw: 1, min: 0, max: 2, scaled: 0.5});
        adapter.status({completed: true, passed: true});   // the player's own rule: not the LMS's 0.7
        adapter.scored({raw: 3, min: 0, max: 4, scaled: 0.75});
        adapter.status({completed: true, passed: true});
        adapter.finish("normal");
    }""")
    page.wait_for_url(back)
    found = au_only(session_statements(lrs, launch.registration))
    assert all_problems(found) == []
    assert cmi5_session_problems(found, activity_id=launch.activity_id, publisher_id=launch.publisher_id,
                                 registration=launch.registration, session_id=launch.session_id, mastery=0.7) == []
    assert verbs(found) == ["initialized", "completed", "passed", "terminated"]
    assert found[2]["result"]["score"] == {"scaled": 0.75, "raw": 3, "min": 0, "max": 4}


def test_cmi5_fetch_url_is_used_once(browser_pages: Callable[[], Page], make_lms: Callable[[Path], XapiLms], tmp_path: Path,
                                     lrs: RalphLRS) -> None:
    """A reload keeps the token and sends nothing after terminated; another browser gets fetch error 1 and plays untracked."""
    root = unpack(EVERY_TYPE, "cmi5", tmp_path)
    (root / "contract.html").write_text(contract_page("cmi5"), encoding="utf-8")
    lms = make_lms(root)
    unit = au(root, "all-types")
    launch = lms.cmi5_launch("contract.html", unit["publisher_id"], learner(), str(uuid.uuid4()),
                             move_on=unit["move_on"], mastery=unit["mastery"])
    page = browser_pages()
    page.goto(launch.url)
    page.evaluate(START)
    page.evaluate("adapter.finish('suspend')")
    found = session_statements(lrs, launch.registration)
    page.reload()
    assert page.evaluate(START)["mode"] == "normal"
    page.evaluate("adapter.pageViewed({id: 'read-first', title: 'Read this first', index: 1, moduleId: 'all-types'})")
    assert any("session has ended" in m for m in page.evaluate("window.logs"))
    other = browser_pages()
    other.goto(launch.url)
    assert other.evaluate(START) == {"state": None, "bookmark": None, "mode": "normal", "learnerName": None}
    assert any("error 1" in m for m in other.evaluate("window.logs"))
    assert len(lms.fetch_calls) == 2  # the first page once (not again on reload), the other browser once
    assert lrs.statements(registration=launch.registration, limit=0) == found


def test_cmi5_attempts_used_up_send_failed_then_terminated(page: Page, make_lms: Callable[[Path], XapiLms],
                                                           tmp_path: Path, lrs: RalphLRS) -> None:
    """The player's end of a final exam with no attempt left (completed, not passed, a normal finish): failed, then
    terminated, and no completed, since the learner has not completed the AU as cmi5 means it (9.3.3)."""
    root = unpack(EVERY_TYPE, "cmi5", tmp_path)
    (root / "contract.html").write_text(contract_page("cmi5"), encoding="utf-8")
    lms = make_lms(root)
    unit = au(root, "all-types")
    launch = lms.cmi5_launch("contract.html", unit["publisher_id"], learner(), str(uuid.uuid4()),
                             move_on=unit["move_on"], mastery=unit["mastery"])
    page.goto(launch.url)
    page.evaluate(START)
    page.evaluate("""() => {
        adapter.status({completed: false, passed: null});
        adapter.scored({raw: 1, min: 0, max: 4, scaled: 0.25});
        adapter.status({completed: true, passed: false});
        adapter.finish("normal");
    }""")
    found = au_only(session_statements(lrs, launch.registration))
    assert verbs(found) == ["initialized", "failed", "terminated"]
    assert found[1]["result"]["success"] is False and found[1]["result"]["score"]["scaled"] == 0.25
    assert cmi5_session_problems(found, activity_id=launch.activity_id, publisher_id=launch.publisher_id,
                                 registration=launch.registration, session_id=launch.session_id, mastery=unit["mastery"]) == []


def test_ralph_models_refuse_empty_values_that_the_adapters_leave_out(ralph_models: RalphModels) -> None:
    """The checker the browser tests use fails where Ralph's models do: an empty contextActivities is refused."""
    statement = {"id": str(uuid.uuid4()), "actor": {"objectType": "Agent", "mbox": "mailto:a@example.org"},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/initialized", "display": {"en-US": "initialized"}},
                 "object": {"objectType": "Activity", "id": "https://example.org/course"},
                 "context": {"contextActivities": {}}, "timestamp": "2026-01-01T00:00:00.000Z"}
    assert any("empty values" in p for p in ralph_models.problems(statement))
    del statement["context"]
    assert ralph_models.problems(statement) == []


def test_an_answer_the_package_does_not_define_uses_the_interaction_of_the_build(page: Page,
                                                                                make_lms: Callable[[Path], XapiLms],
                                                                                tmp_path: Path, lrs: RalphLRS) -> None:
    """An open answer (a plugin question played by its fallback) is not in the package's activity data: its statement
    carries the answer's own interaction type and patterns, and stays valid by Ralph's models."""
    root = unpack(EVERY_TYPE, "cmi5", tmp_path)
    (root / "contract.html").write_text(contract_page("cmi5"), encoding="utf-8")
    lms = make_lms(root)
    unit = au(root, "all-types")
    launch = lms.cmi5_launch("contract.html", unit["publisher_id"], learner(), str(uuid.uuid4()),
                             move_on=unit["move_on"], mastery=unit["mastery"])
    page.goto(launch.url)
    page.evaluate(START)
    page.evaluate("""() => {
        adapter.answered({id: "q-plugin-open", type: "open_answer", description: "Describe your role", response: ["I greet patients"],
                          correctPattern: [], result: "incorrect", points: 0, maxPoints: 1, latencyMs: 5000, choices: null,
                          interaction: "other", pattern: []});
        adapter.answered({id: "q-plugin-pick", type: "single_choice", description: "Pick one", response: ["b"],
                          correctPattern: ["b"], result: "correct", points: 1, maxPoints: 1, latencyMs: 900,
                          choices: [{id: "a", text: "A"}, {id: "b", text: "B"}], interaction: "choice", pattern: ["b"]});
        adapter.finish("suspend");
    }""")
    found = au_only(session_statements(lrs, launch.registration))
    assert verbs(found) == ["initialized", "answered", "answered", "terminated"]
    open_answer, pick = found[1], found[2]
    assert open_answer["object"]["definition"]["interactionType"] == "other"
    assert "correctResponsesPattern" not in open_answer["object"]["definition"]
    assert open_answer["result"]["response"] == "I greet patients"
    assert pick["object"]["definition"]["correctResponsesPattern"] == ["b"] and pick["result"]["response"] == "b"
