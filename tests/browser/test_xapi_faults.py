"""The flagship cmi5 and Tin Can packages against an LRS front that answers as strict or troubled LRSs do.

For each behaviour of lrs_faults, a learner goes through Step 1 and answers its knowledge check (one
answer wrong), and the test checks in Ralph that the statements stored are the statements the browser
made: none missing, none twice, in the order made, and by the cmi5 rules. The figures of each run
(statements, requests, time to recover) are printed (``pytest -s`` shows them).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from lrs_faults import Fault, batches, carries, larger_than, statements_of
from playwright.sync_api import Page
from ralph_lrs import RalphLRS
from test_xapi_runtime import check_cmi5, cmi5_launch, module_one
from xapi_lms import Cmi5Launch, XapiLms
from cmacourse import load_course
from xapi_ui import (  # noqa: F401 - browser_pages and make_lms are fixtures
    answer,
    au_only,
    browser_pages,
    course_activity,
    make_lms,
    open_player,
    queue_length,
    session_statements,
    unpack,
    verbs,
    wait_until,
    walk_to,
)

pytestmark = pytest.mark.browser

FLAGSHIP = Path(__file__).resolve().parents[2] / "course_content"
#: A body limit that one statement of the flagship course fits in and a batch of several does not.
BODY_LIMIT = 3000


@pytest.fixture(scope="module")
def cmi5_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpack(FLAGSHIP, "cmi5", tmp_path_factory.mktemp("cmi5-faults"))


@pytest.fixture(scope="module")
def tincan_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpack(FLAGSHIP, "tincan", tmp_path_factory.mktemp("tincan-faults"))


def expected_verbs(pages: int, questions: int, tracked: bool = True) -> list[str]:
    """A session of Step 1: home, its pages and the check seen, every question answered, then the verdict."""
    tail = ["completed", "passed", "terminated"] if tracked else ["terminated"]
    return ["initialized"] + ["experienced"] * (pages + 2) + ["answered"] * questions + tail


def learn_step_one(page: Page) -> list[float]:
    """Read Step 1 and answer its check, the least valuable question wrongly; the page's handling time of each click."""
    module_id, check_id, questions, wrong = module_one()
    walk_to(page, check_id)
    return [answer(page, q, q is not wrong) for q in questions]


def figures(name: str, lms: XapiLms, stored: Sequence[dict[str, Any]], faults: Sequence[Fault], **extra: Any) -> None:
    """Print what a run cost: statements stored, requests by method and answer, the faults' hits."""
    writes = lms.statement_writes()
    by_answer: dict[str, int] = {}
    for request in writes:
        key = f"{request.method} {request.status or 'dropped'}"
        by_answer[key] = by_answer.get(key, 0) + 1
    probes = [r for r in lms.xapi_requests() if r.method == "GET" and r.path.endswith("/statements")]
    hits = {f.name: f.hits for f in faults}
    carrying = {verb: sum(any(s["verb"]["id"].endswith("/" + verb) for s in statements_of(r.body)) for r in writes)
                for verb in ("initialized", "terminated")}
    print(f"\n[{name}] stored {len(stored)} statements; writes {by_answer}; GET probes {len(probes)}; "
          f"requests carrying {carrying}; fault hits {hits}; " + "; ".join(f"{k} {v}" for k, v in extra.items()))


def assert_stored_as_made(lms: XapiLms, stored: Sequence[dict[str, Any]], *, dropped: Sequence[str] = ()) -> None:
    """What the LRS holds is what the browser made (less the statements the LRS refused for good), once, in order."""
    made = [s["id"] for s in lms.sent_statements() if s["id"] not in dropped]
    ids = [s["id"] for s in stored]
    assert len(ids) == len(set(ids)), "a statement is stored twice"
    assert ids == made


def cmi5_run(page: Page, lms: XapiLms, *, close: bool = True) -> tuple[Cmi5Launch, float]:
    """A cmi5 session of Step 1 with the faults installed; returns the launch and when the learner was done."""
    module_id = module_one()[0]
    launch = cmi5_launch(lms, module_id)
    open_player(page, launch.url)
    learn_step_one(page)
    done = time.monotonic()
    if close:
        page.goto("about:blank")
    return launch, done


CMI5_FAULTS: dict[str, Callable[[], list[Fault]]] = {
    # A batch holding a statement the LRS has already: 409 for the batch, the statements go one PUT each.
    "409 for a batch with a known id": lambda: [Fault("known id", prestore=True, answer=409, when=batches(2), times=1)],
    "401 for 4 s": lambda: [Fault("401", answer=401, seconds=4, resources=("statements", "activities/state"))],
    "403 for 4 s": lambda: [Fault("403", answer=403, seconds=4, resources=("statements", "activities/state"))],
    "413 over 3000 bytes, 1 s answers": lambda: [Fault("413", answer=413, when=larger_than(BODY_LIMIT)),
                                                 Fault("slow 1 s", delay=1.0)],
    "429 with Retry-After": lambda: [Fault("429", answer=429, retry_after=1, times=3)],
    "5xx": lambda: [Fault("500", answer=500, times=2), Fault("502", answer=502, times=2), Fault("503", answer=503, times=2)],
    "5 s answers": lambda: [Fault("slow 5 s", delay=5.0)],
    "dropped connections": lambda: [Fault("dropped before", drop="before", times=2),
                                    Fault("dropped after storing", drop="after", times=2)],
}


@pytest.mark.parametrize("behaviour", list(CMI5_FAULTS))
def test_cmi5_statements_stored_equal_statements_made(page: Page, make_lms: Callable[[Path], XapiLms], cmi5_root: Path,
                                                      lrs: RalphLRS, behaviour: str) -> None:
    """Whatever the LRS front answers for a while, every statement of the session is stored once, in order."""
    _, _, questions, _ = module_one()
    pages = len(load_course(FLAGSHIP).modules[0].pages)
    lms = make_lms(cmi5_root)
    faults = [lms.faults.add(f) for f in CMI5_FAULTS[behaviour]()]
    slow = behaviour == "5 s answers"
    launch, done = cmi5_run(lms=lms, page=page, close=slow)  # a slow LRS: the learner leaves at once
    if not slow:
        wait_until(lambda: queue_length(page, lms.endpoint, launch.registration) == 0, timeout=60, what="the queue to drain")
        drained = time.monotonic()
        page.goto("about:blank")
    found = au_only(session_statements(lrs, launch.registration))
    settled = time.monotonic()
    assert verbs(found) == expected_verbs(pages, len(questions))
    assert_stored_as_made(lms, found)
    check_cmi5(found, launch, mastery=0.8)
    assert all(f.hits for f in faults), "a fault never hit"
    terminated = [r for r in lms.statement_writes() if any(s["verb"]["id"].endswith("/terminated") for s in statements_of(r.body))]
    if behaviour in ("5 s answers", "401 for 4 s", "403 for 4 s", "429 with Retry-After"):
        assert len(terminated) == 1  # nothing is in doubt at the end: terminated goes in one request
    last = max(f.last_hit or 0 for f in faults)
    figures(behaviour, lms, found, faults, **{
        "recovered after the last fault (s)": round((drained if not slow else settled) - last, 2),
        "learner done to all stored (s)": round(settled - done, 2)})


def test_cmi5_a_bad_statement_is_dropped_by_id_and_the_rest_of_its_batch_delivered(
        page: Page, make_lms: Callable[[Path], XapiLms], cmi5_root: Path, lrs: RalphLRS) -> None:
    """The LRS answers 400 to any request holding the second answer: the batch is halved until that one statement is left."""
    _, _, questions, _ = module_one()
    pages = len(load_course(FLAGSHIP).modules[0].pages)
    lms = make_lms(cmi5_root)
    bad = carries("answered", 2)
    faults = [lms.faults.add(Fault("400", answer=400, when=bad)), lms.faults.add(Fault("slow 1 s", delay=1.0))]
    logged: list[str] = []
    page.on("console", lambda m: logged.append(m.text) if m.type == "error" else None)
    launch, _ = cmi5_run(page, lms, close=False)
    wait_until(lambda: queue_length(page, lms.endpoint, launch.registration) == 0, timeout=60, what="the queue to drain")
    page.goto("about:blank")
    found = au_only(session_statements(lrs, launch.registration))
    (bad_id,) = bad.seen[1:2]
    assert_stored_as_made(lms, found, dropped=[bad_id])
    expected = expected_verbs(pages, len(questions))
    expected.remove("answered")
    assert verbs(found) == expected
    assert [m for m in logged if bad_id in m and "HTTP 400" in m], logged
    refused = [r for r in lms.statement_writes() if r.status == 400]
    batch_sizes = [len(statements_of(r.body)) for r in refused]
    assert batch_sizes[-1] == 1 and any(n > 1 for n in batch_sizes), batch_sizes  # halved down to the bad one
    figures("400 for one statement", lms, found, faults, **{"refused request sizes": batch_sizes})


# ----------------------------------------------------------------------------- Tin Can, across launches

def tincan_launch_url(lms: XapiLms, root: Path, actor: dict[str, Any], registration: str) -> str:
    return lms.tincan_launch("index.html", actor, registration, course_activity(root))


@pytest.mark.parametrize("behaviour", ["down", "401", "403"])
def test_tincan_statements_of_a_launch_the_lrs_refused_arrive_at_the_next(browser_pages: Callable[[], Page],
                                                                          make_lms: Callable[[Path], XapiLms],
                                                                          tincan_root: Path, lrs: RalphLRS,
                                                                          behaviour: str) -> None:
    """Down (no answer at all) or refusing the credentials for a whole launch: the next launch, with fresh
    credentials, delivers that launch's statements first, each once, in order, then its own."""
    _, _, questions, _ = module_one()
    pages = len(load_course(FLAGSHIP).modules[0].pages)
    lms = make_lms(tincan_root)
    everything = ("statements", "activities/state")
    all_methods = ("GET", "POST", "PUT")
    fault = Fault(behaviour, drop="before", resources=everything, methods=all_methods) if behaviour == "down" else \
        Fault(behaviour, answer=int(behaviour), resources=everything, methods=("POST", "PUT"))
    lms.faults.add(fault)
    actor = {"objectType": "Agent", "mbox": f"mailto:pat-{uuid.uuid4().hex[:8]}@example.org", "name": "Pat"}
    registration = str(uuid.uuid4())
    page = browser_pages()
    open_player(page, tincan_launch_url(lms, tincan_root, actor, registration))
    learn_step_one(page)
    page.goto("about:blank")
    assert lrs.statements(registration=registration, limit=0) == []
    lms.faults.clear()
    back = time.monotonic()
    page.goto(tincan_launch_url(lms, tincan_root, actor, registration))  # the same browser, new credentials
    page.wait_for_function("(document.documentElement && document.documentElement.classList.contains('player-ready'))")
    found = session_statements(lrs, registration)  # the first launch's terminated
    first = time.monotonic() - back
    page.goto("about:blank")
    found = session_statements(lrs, registration, count_terminated=2)
    sessions = [i for i, v in enumerate(verbs(found)) if v == "initialized"]
    one = found[:sessions[1]]
    assert verbs(one) == [v for v in expected_verbs(pages, len(questions)) if v not in ("completed", "passed")]
    assert verbs(found[sessions[1]:])[0] == "initialized" and verbs(found)[-1] == "terminated"
    assert_stored_as_made(lms, found)
    # The second launch resumed from the copy of the state the browser kept.
    assert verbs(found[sessions[1]:]).count("experienced") == 1
    figures(f"Tin Can, {behaviour} for a whole launch", lms, found, [fault],
            **{"next launch start to first launch's statements stored (s)": round(first, 2)})


# ----------------------------------------------------------------------------- every way of leaving

def leave(page: Page, how: str) -> None:
    if how in ("Exit", "Finish"):
        if how == "Finish":
            page.evaluate("window.cmaPlayer.go('results')")
            page.get_by_role("button", name="Finish course").click()
        else:
            page.get_by_role("button", name="Exit course").click()
        page.wait_for_selector("[data-finished]:not([hidden])")
        page.wait_for_timeout(300)
        page.goto("about:blank")
    elif how == "reload":
        page.reload()
        page.wait_for_function("(document.documentElement && document.documentElement.classList.contains('player-ready'))")
        page.goto("about:blank")
    elif how == "navigate":
        page.goto("about:blank")
    elif how == "close":
        page.close(run_before_unload=True)


@pytest.mark.parametrize("fmt", ["cmi5", "tincan"])
@pytest.mark.parametrize("how", ["Exit", "Finish", "reload", "navigate", "close"])
def test_one_initialized_and_one_terminated_however_the_learner_leaves(browser_pages: Callable[[], Page],
                                                                     make_lms: Callable[[Path], XapiLms],
                                                                     cmi5_root: Path, tincan_root: Path, lrs: RalphLRS,
                                                                     how: str, fmt: str) -> None:
    """Each way of ending a launch of the course document: one request carries initialized and one carries
    terminated, which is stored last. A reload ends the session; Tin Can then starts another, and cmi5 plays
    the reloaded page untracked (nothing may follow terminated in a cmi5 session)."""
    root = cmi5_root if fmt == "cmi5" else tincan_root
    lms = make_lms(root)
    registration = str(uuid.uuid4())
    if fmt == "cmi5":
        url = cmi5_launch(lms, None, registration=registration).url
    else:
        url = tincan_launch_url(lms, root, {"mbox": f"mailto:{uuid.uuid4().hex[:8]}@example.org"}, registration)
    page = browser_pages()
    open_player(page, url)
    page.click("[data-start]")
    # The learner reads before leaving: no request is on its way (the 5 s answers above leave with one).
    wait_until(lambda: queue_length(page, lms.endpoint, registration) == 0, what="the queue to empty")
    leave(page, how)
    sessions = 2 if how == "reload" and fmt == "tincan" else 1
    session_statements(lrs, registration, count_terminated=sessions)
    time.sleep(1.0)  # anything sent twice would arrive by now
    found = au_only(lrs.statements(registration=registration, limit=0))
    carrying = {verb: [r for r in lms.statement_writes() if any(s["verb"]["id"].endswith("/" + verb) for s in statements_of(r.body))]
                for verb in ("initialized", "terminated")}
    assert [len(carrying["initialized"]), len(carrying["terminated"])] == [sessions, sessions], [
        (r.method, r.status, [s["verb"]["id"].rsplit("/", 1)[1] for s in statements_of(r.body)], r.query) for r in lms.xapi_requests()]
    assert verbs(found).count("terminated") == sessions and verbs(found)[-1] == "terminated"
    if sessions == 2:
        assert verbs(found).index("terminated") < [i for i, v in enumerate(verbs(found)) if v == "initialized"][1]
    assert_stored_as_made(lms, found)
    figures(f"{fmt}: leaving by {how}", lms, found, [])
