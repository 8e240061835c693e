"""The browser-test peers work: Chromium, scorm-again, axe-core and the Ralph LRS."""

from __future__ import annotations

import json
import urllib.parse
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page
    from ralph_lrs import RalphLRS
    from static_http import StaticServerFactory

pytestmark = pytest.mark.browser

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
COURSE_IRI = "https://example.org/cmacourse/peers-test"
LEARNER = {"objectType": "Agent", "mbox": "mailto:learner@example.org", "name": "Learner"}

# LMS page: scorm-again loaded from the npm peers, a SCO launched in an iframe.
LMS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script src="peers/scorm-again/dist/scorm-again.min.js"></script>
<script>
function launch(version, preload) {
  const settings = {autocommit: false, lmsCommitUrl: false, logLevel: 4};
  const api = version === "1.2" ? new Scorm12API(settings) : new Scorm2004API(settings);
  if (preload) api.loadFromJSON(preload);
  window[version === "1.2" ? "API" : "API_1484_11"] = api;
  document.getElementById("sco").src = version === "1.2" ? "sco12.html" : "sco2004.html";
}
</script></head>
<body><iframe id="sco" title="SCO"></iframe></body></html>
"""

# SCO pages: find the API in a parent window, resume, record progress, finish.
SCO_12 = """<!doctype html><html><head><meta charset="utf-8"><script>
let win = window; while (!win.API && win.parent !== win) win = win.parent;
const api = win.API, report = {};
report.initialize = api.LMSInitialize("");
report.entry = api.LMSGetValue("cmi.core.entry");
report.location = api.LMSGetValue("cmi.core.lesson_location");
report.suspendData = api.LMSGetValue("cmi.suspend_data");
report.studentId = api.LMSGetValue("cmi.core.student_id");
api.LMSSetValue("cmi.core.lesson_location", "page-4");
api.LMSSetValue("cmi.suspend_data", report.suspendData + ",4");
api.LMSSetValue("cmi.core.score.raw", "85");
api.LMSSetValue("cmi.core.lesson_status", "passed");
report.invalidSet = api.LMSSetValue("cmi.core.lesson_status", "bogus");
report.invalidSetError = api.LMSGetLastError();
api.LMSSetValue("cmi.core.exit", "suspend");
report.commit = api.LMSCommit("");
report.finish = api.LMSFinish("");
win.scoReport = report;
</script></head><body>SCO 1.2</body></html>
"""

SCO_2004 = """<!doctype html><html><head><meta charset="utf-8"><script>
let win = window; while (!win.API_1484_11 && win.parent !== win) win = win.parent;
const api = win.API_1484_11, report = {};
report.initialize = api.Initialize("");
report.entry = api.GetValue("cmi.entry");
report.location = api.GetValue("cmi.location");
report.suspendData = api.GetValue("cmi.suspend_data");
report.learnerId = api.GetValue("cmi.learner_id");
report.interactionCount = api.GetValue("cmi.interactions._count");
api.SetValue("cmi.location", "page-4");
api.SetValue("cmi.suspend_data", report.suspendData + ",4");
api.SetValue("cmi.interactions.1.id", "q2");
api.SetValue("cmi.interactions.1.type", "true-false");
api.SetValue("cmi.interactions.1.learner_response", "true");
api.SetValue("cmi.interactions.1.result", "correct");
api.SetValue("cmi.score.scaled", "0.85");
api.SetValue("cmi.completion_status", "completed");
api.SetValue("cmi.success_status", "passed");
report.invalidSet = api.SetValue("cmi.success_status", "bogus");
report.invalidSetError = api.GetLastError();
api.SetValue("cmi.exit", "suspend");
report.commit = api.Commit("");
report.terminate = api.Terminate("");
win.scoReport = report;
</script></head><body>SCO 2004</body></html>
"""


def statement(verb: str, registration: str) -> dict[str, Any]:
    """A minimal valid xAPI statement with its own id, in ``registration``."""
    return {
        "id": str(uuid.uuid4()),
        "actor": LEARNER,
        "verb": {"id": ADL_VERBS + verb, "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": COURSE_IRI},
        "context": {"registration": registration},
    }


def run_sco(page: Page, base_url: str, version: str, preload: dict[str, Any]) -> dict[str, Any]:
    """Launch the SCO of ``version`` under the LMS page; return its report and the CMI."""
    page.goto(base_url + "lms.html")
    page.evaluate("([version, preload]) => launch(version, preload)", [version, preload])
    page.wait_for_function("() => window.scoReport !== undefined")
    global_name = "API" if version == "1.2" else "API_1484_11"
    return dict(page.evaluate(
        f"() => ({{report: window.scoReport,"
        f" cmi: window.{global_name}.renderCMIToJSONObject().cmi}})"
    ))


@pytest.fixture
def lms_site(
    tmp_path: Path, static_server: StaticServerFactory, peers_node_modules: Path
) -> str:
    """Base URL of a site with lms.html, the two SCOs and the npm peers under /peers/."""
    for name, text in {"lms.html": LMS_PAGE, "sco12.html": SCO_12,
                       "sco2004.html": SCO_2004}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return static_server(tmp_path, mounts={"/peers/": peers_node_modules})


def test_chromium_runs_javascript_from_static_server(
    page: Page, page_errors: list[str], tmp_path: Path, static_server: StaticServerFactory
) -> None:
    """Chromium loads a page from static_server and runs its scripts."""
    (tmp_path / "app.js").write_text(
        "document.getElementById('out').textContent = String(6 * 7);", encoding="utf-8"
    )
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>t</title><p id="out"></p><script src="app.js"></script>',
        encoding="utf-8",
    )
    base_url = static_server(tmp_path)
    response = page.goto(base_url)
    assert response is not None and response.status == 200
    assert page.text_content("#out") == "42"
    assert page.evaluate("() => navigator.userAgent").count("HeadlessChrome") == 1
    assert page_errors == []


def test_scorm12_sco_changes_lms_data(page: Page, page_errors: list[str], lms_site: str) -> None:
    """A SCORM 1.2 SCO resumes preloaded data and its writes reach the LMS object.

    LMS side (scorm-again 3.4.3, bundle dist/scorm-again.min.js):
      window.API = new Scorm12API({autocommit: false, lmsCommitUrl: false, logLevel: 4});
      API.loadFromJSON({core: {student_id, lesson_location, entry: "resume", ...},
                        suspend_data})   # before LMSInitialize: preload a relaunch
      API.renderCMIToJSONObject().cmi    # the CMI as a plain object, e.g. .core.lesson_status
    Also: API.getFlattenedCMI() -> {"cmi.core.lesson_status": ...};
    JSON.parse(JSON.stringify(API.cmi)) is the same tree as renderCMIToJSONObject().cmi.
    """
    preload = {
        "core": {"student_id": "learner-1", "student_name": "Learner, Ann",
                 "lesson_location": "page-3", "lesson_status": "incomplete",
                 "entry": "resume"},
        "suspend_data": "visited=1,2,3",
    }
    result = run_sco(page, lms_site, "1.2", preload)
    report, cmi = result["report"], result["cmi"]
    assert report == {
        "initialize": "true", "entry": "resume", "location": "page-3",
        "suspendData": "visited=1,2,3", "studentId": "learner-1",
        "invalidSet": "false", "invalidSetError": "405",
        "commit": "true", "finish": "true",
    }
    core = cmi["core"]
    assert (core["lesson_location"], core["lesson_status"], core["exit"]) == (
        "page-4", "passed", "suspend")
    assert core["score"]["raw"] == "85"
    assert cmi["suspend_data"] == "visited=1,2,3,4"
    assert page_errors == []


def test_scorm2004_sco_changes_lms_data(page: Page, page_errors: list[str], lms_site: str) -> None:
    """A SCORM 2004 SCO resumes preloaded data and its writes reach the LMS object.

    LMS side: window.API_1484_11 = new Scorm2004API({...same settings...});
    API_1484_11.loadFromJSON({learner_id, location, suspend_data, entry: "resume",
    interactions: {0: {...}}}) before Initialize; read back with
    API_1484_11.renderCMIToJSONObject().cmi (interactions keyed "0", "1", ...).
    """
    preload = {
        "learner_id": "learner-1", "learner_name": "Learner, Ann",
        "location": "page-3", "suspend_data": "visited=1,2,3", "entry": "resume",
        "completion_status": "incomplete",
        "interactions": {"0": {"id": "q1", "type": "choice",
                               "learner_response": "a", "result": "correct"}},
    }
    result = run_sco(page, lms_site, "2004", preload)
    report, cmi = result["report"], result["cmi"]
    assert report == {
        "initialize": "true", "entry": "resume", "location": "page-3",
        "suspendData": "visited=1,2,3", "learnerId": "learner-1",
        "interactionCount": "1", "invalidSet": "false", "invalidSetError": "406",
        "commit": "true", "terminate": "true",
    }
    assert (cmi["location"], cmi["completion_status"], cmi["success_status"], cmi["exit"]) == (
        "page-4", "completed", "passed", "suspend")
    assert cmi["score"]["scaled"] == "0.85"
    assert cmi["suspend_data"] == "visited=1,2,3,4"
    assert [cmi["interactions"][key]["id"] for key in ("0", "1")] == ["q1", "q2"]
    assert cmi["interactions"]["1"]["result"] == "correct"
    assert page_errors == []


def axe_violations(page: Page, axe_script: Path, html: str) -> list[str]:
    """Ids of the axe-core rules ``html`` violates."""
    page.set_content(html)
    page.add_script_tag(path=str(axe_script))
    return list(page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => v.id)"
    ))


def test_axe_reports_img_without_alt(page: Page, peer_asset: Callable[[str], Path]) -> None:
    """axe-core flags an <img> without alt and passes the same page with alt."""
    pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
    body = '<main><h1>Course</h1><img src="' + pixel + '" {alt}></main>'
    template = ('<!doctype html><html lang="en"><head><title>Course</title></head>'
                "<body>{}</body></html>")
    axe = peer_asset("axe-core")
    assert "image-alt" in axe_violations(page, axe, template.format(body.format(alt="")))
    assert axe_violations(page, axe, template.format(body.format(alt='alt="Diagram"'))) == []


def test_lrs_keeps_every_statement(lrs: RalphLRS) -> None:
    """Ralph stores single, batched and PUT statements and returns them all."""
    registration = str(uuid.uuid4())
    first, second, third, fourth = (statement(verb, registration) for verb in
                                    ("initialized", "answered", "passed", "terminated"))
    assert lrs.post_statements(first) == [first["id"]]
    assert lrs.post_statements([second, third]) == [second["id"], third["id"]]
    status, _, _ = lrs.request("PUT", f"/xAPI/statements?statementId={fourth['id']}", fourth)
    assert status == 204
    stored = lrs.statements(registration=registration)
    assert [s["id"] for s in stored] == [s["id"] for s in (first, second, third, fourth)]
    assert stored[0]["authority"]["mbox"] == lrs.authority_mbox
    assert [s["id"] for s in lrs.statements(registration=registration, limit=1)] == [
        s["id"] for s in (first, second, third, fourth)]
    passed = lrs.statements(registration=registration, verb=ADL_VERBS + "passed")
    assert [s["id"] for s in passed] == [third["id"]]


def test_lrs_survives_restart(lrs: RalphLRS) -> None:
    """stop() makes the LRS unreachable; start() brings it back with the same statements."""
    registration = str(uuid.uuid4())
    before = statement("initialized", registration)
    lrs.post_statements(before)
    endpoint = lrs.endpoint
    lrs.stop()
    with pytest.raises(OSError):
        lrs.request("GET", "/xAPI/statements", timeout=2)
    lrs.start()
    after = statement("terminated", registration)
    lrs.post_statements(after)
    assert lrs.endpoint == endpoint
    assert [s["id"] for s in lrs.statements(registration=registration)] == [
        before["id"], after["id"]]


def test_lrs_checks_auth_and_rejects_invalid_statements(lrs: RalphLRS) -> None:
    """Ralph needs Basic auth and refuses structurally invalid statements."""
    status, _, _ = lrs.request("GET", "/xAPI/statements", headers={})
    assert status == 401
    registration = str(uuid.uuid4())
    no_verb = statement("initialized", registration)
    del no_verb["verb"]
    bad_id = {**statement("initialized", registration), "id": "not-a-uuid"}
    no_ifi = {**statement("initialized", registration), "actor": {"name": "nobody"}}
    for invalid in (no_verb, bad_id, no_ifi):
        status, _, _ = lrs.request("POST", "/xAPI/statements", invalid)
        assert status in (400, 422)
    assert lrs.statements(registration=registration) == []


def test_lrs_has_no_state_api(lrs: RalphLRS) -> None:
    """Ralph 5.1.0 implements only the Statement API: the State API answers 404."""
    query = urllib.parse.urlencode({
        "activityId": COURSE_IRI, "agent": json.dumps(LEARNER),
        "registration": str(uuid.uuid4()), "stateId": "LMS.LaunchData",
    })
    url = f"/xAPI/activities/state?{query}"
    assert lrs.request("PUT", url, {"launchMode": "Normal"})[0] == 404
    assert lrs.request("GET", url)[0] == 404


BROWSER_POST = """async ([url, auth, body]) => {
  try {
    const response = await fetch(url, {method: "POST", body: JSON.stringify(body),
      headers: {"Authorization": auth, "X-Experience-API-Version": "1.0.3",
                "Content-Type": "application/json"}});
    return {status: response.status, body: await response.text()};
  } catch (error) { return {error: String(error)}; }
}"""


def test_browser_posts_to_lrs_cross_origin(
    page: Page, tmp_path: Path, static_server: StaticServerFactory, lrs: RalphLRS
) -> None:
    """After allow_origins(), a page on another port POSTs statements (CORS preflight)."""
    (tmp_path / "index.html").write_text("<!doctype html><title>player</title>", "utf-8")
    player = static_server(tmp_path)
    stranger = static_server(tmp_path)
    lrs.allow_origins(player)
    sent = statement("experienced", str(uuid.uuid4()))
    page.goto(player)
    with page.expect_request(lrs.endpoint + "statements") as request_info:
        result = page.evaluate(BROWSER_POST, [lrs.endpoint + "statements", lrs.auth_header, sent])
    assert result["status"] == 200, result
    assert request_info.value.headers["x-experience-api-version"] == "1.0.3"
    page.goto(stranger)
    refused = page.evaluate(BROWSER_POST, [lrs.endpoint + "statements", lrs.auth_header,
                                           statement("experienced", str(uuid.uuid4()))])
    assert "Failed to fetch" in refused.get("error", ""), refused
    assert [s["id"] for s in lrs.statements(statementId=sent["id"])] == [sent["id"]]


def test_browser_posts_to_lrs_through_same_origin_proxy(
    page: Page, tmp_path: Path, static_server: StaticServerFactory, lrs: RalphLRS
) -> None:
    """static_server(proxy=...) puts the LRS on the player's origin; 502 while it is down."""
    (tmp_path / "index.html").write_text("<!doctype html><title>player</title>", "utf-8")
    player = static_server(tmp_path, proxy={"/xAPI/": lrs.endpoint})
    registration = str(uuid.uuid4())
    page.goto(player)
    url = player + "xAPI/statements"
    sent = statement("experienced", registration)
    assert page.evaluate(BROWSER_POST, [url, lrs.auth_header, sent])["status"] == 200
    lrs.stop()
    down = page.evaluate(BROWSER_POST, [url, lrs.auth_header, statement("failed", registration)])
    assert down["status"] == 502
    lrs.start()
    assert [s["id"] for s in lrs.statements(registration=registration)] == [sent["id"]]
