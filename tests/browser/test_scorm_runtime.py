"""The SCORM 1.2 and 2004 adapters in headless Chromium, against scorm-again as an independent LMS runtime."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from translator import LANGUAGES, course_in

pytestmark = pytest.mark.browser

FLAGSHIP = Path(__file__).resolve().parents[2] / "course_content"
BRANCHING = Path(__file__).resolve().parents[1] / "courses" / "scorm-branching"

#: Per version: the API object, the scorm-again class and the names of its events.
VERSIONS: dict[str, dict[str, str]] = {
    "scorm12": {"api": "API", "cls": "Scorm12API", "init": "LMSInitialize", "term": "LMSFinish", "commit": "LMSCommit",
                "set": "LMSSetValue", "error": "LMSGetLastError", "refusals": {"LMSSetValue": "101", "LMSCommit": "101"}},
    "scorm2004": {"api": "API_1484_11", "cls": "Scorm2004API", "init": "Initialize", "term": "Terminate", "commit": "Commit",
                  "set": "SetValue", "error": "GetLastError", "refusals": {"SetValue": "351", "Commit": "391"}},
}

#: The LMS: scorm-again in the top window, the SCO below it in frames (or a popup), as an LMS launches it.
LMS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script src="/peers/scorm-again/dist/scorm-again.min.js"></script>
<script>
window.calls = {};
window.sent = {};  // the last value the SCO set for each element, as it wrote it
window.launch = function (version, preload, scoUrl, depth, popup) {
  var names = %s[version];
  var api = new window[names.cls]({autocommit: false, lmsCommitUrl: false, logLevel: 5});
  if (preload) api.loadFromJSON(preload);
  [names.init, names.term, names.commit].forEach(function (event) {
    window.calls[event] = 0;
    api.on(event, function () { window.calls[event] += 1; });
  });
  // window.failing = "false" or "throw": SetValue and Commit refuse (general failure) or throw, until set back to null.
  window.failing = null;
  window.refused = 0;
  var refusal = null;
  Object.keys(names.refusals).forEach(function (name) {
    var real = api[name].bind(api);
    api[name] = function (a, b) {
      refusal = null;
      if (!window.failing) {
        if (name === names.set) window.sent[a] = b;
        return real(a, b);
      }
      window.refused += 1;
      if (window.failing === "throw") throw new Error("the LMS is unavailable");
      refusal = names.refusals[name];
      return "false";
    };
  });
  var lastError = api[names.error].bind(api);
  api[names.error] = function () { return refusal || lastError(); };
  window[names.api] = api;
  window.lms = api;
  var url = depth ? "nest.html?depth=" + depth + "&sco=" + encodeURIComponent(scoUrl) : scoUrl;
  if (popup) { window.popup = window.open(url, "sco"); return; }
  var frame = document.createElement("iframe");
  frame.id = "sco"; frame.name = "sco"; frame.src = url;
  document.body.appendChild(frame);
};
</script></head><body></body></html>
""" % json.dumps(VERSIONS)

#: A frame that nests ``depth`` frames around the SCO, to exercise the bounded API search.
NEST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>frame</title></head><body><script>
var params = new URLSearchParams(location.search), depth = Number(params.get("depth")), sco = params.get("sco");
var frame = document.createElement("iframe");
frame.name = "sco-" + depth;
frame.src = depth > 1 ? "nest.html?depth=" + (depth - 1) + "&sco=" + encodeURIComponent(sco) : sco;
document.body.appendChild(frame);
</script></body></html>
"""

#: A hand-written SCO that drives the adapter through the player contract only.
SCO_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SCO</title>
<script>window.logs = [];</script>
<script src="standalone.js"></script>
<script src="scorm-api.js"></script>
<script src="lms.js"></script>
<script>
window.adapter = window.cmaTracking({courseId: "demo", courseTitle: "Demo", launchId: "demo", masteryScore: 80,
  log: function (message) { window.logs.push(message); }});
</script></head><body><main><h1>SCO</h1></main></body></html>
"""

#: The interaction type each question type of the model is recorded as, in both versions.
INTERACTION_TYPES = {"single_choice": "choice", "multiple_response": "choice", "true_false": "true-false",
                     "matching": "matching", "ordering": "sequencing", "fill_blank": "fill-in", "numeric": "numeric"}

CHOICES = [{"id": "a", "text": "Patients and providers"}, {"id": "b", "text": "Pharmacists"}, {"id": "c", "text": "Schools"}]


def answer(question_id: str, qtype: str, response: Any, pattern: Any, result: str, **extra: Any) -> dict[str, Any]:
    """One ``answered`` payload as the player sends it."""
    base = {"id": question_id, "type": qtype, "description": f"Question {question_id}", "objectiveIds": ["describe-role"],
            "correctPattern": pattern, "response": response, "result": result, "points": 1 if result == "correct" else 0,
            "maxPoints": 1, "latencyMs": 12340, "timestamp": "2026-03-04T05:06:07.890Z", "choices": []}
    base.update(extra)
    return base


#: A knowledge check answered right and wrong, one question of every type.
ANSWERS = [
    answer("q-link", "single_choice", ["a"], ["a"], "correct", choices=CHOICES),
    answer("q-duties", "multiple_response", ["a", "c"], ["a", "b"], "incorrect", choices=CHOICES),
    answer("q-nurse", "true_false", ["false"], ["true"], "incorrect"),
    answer("q-bodies", "matching", ["0.1", "1.0"], ["0.1", "1.0"], "correct"),
    answer("q-order", "ordering", ["c", "a", "b"], ["c", "a", "b"], "correct", choices=CHOICES),
    answer("q-exam", "fill_blank", ["CMA exam"], ["CMA exam", "the CMA exam"], "correct"),
    answer("q-months", "numeric", [60], {"answer": 60, "tolerance": 1.5}, "correct"),
]


@pytest.fixture
def lms_site(tmp_path: Path, static_server: Callable[..., str], peers_node_modules: Path) -> Callable[[str], str]:
    """Serve the LMS page, the nesting frame and a SCO for one adapter; returns the LMS URL."""

    def serve(version: str) -> str:
        (tmp_path / "lms.html").write_text(LMS_PAGE, encoding="utf-8")
        (tmp_path / "nest.html").write_text(NEST_PAGE, encoding="utf-8")
        sco = tmp_path / "sco"
        sco.mkdir(exist_ok=True)
        (sco / "index.html").write_text(SCO_PAGE, encoding="utf-8")
        runtimes = resources.files("cmacourse.player") / "runtime"
        (sco / "lms.js").write_bytes((runtimes / f"{version}.js").read_bytes())
        # As in a package: the standalone adapter first, as a fallback (window.cmaStandalone), then the SCORM core.
        (sco / "standalone.js").write_bytes((runtimes / "standalone.js").read_bytes())
        (sco / "scorm-api.js").write_bytes((runtimes / "scorm" / "scorm-api.js").read_bytes())
        return static_server(tmp_path, mounts={"/peers/": peers_node_modules}) + "lms.html"

    return serve


def launch(page: Any, url: str, version: str, preload: dict[str, Any] | None = None, depth: int = 0) -> Any:
    """Open the LMS page, launch the SCO in a frame and return that frame."""
    page.goto(url)
    page.evaluate("([v, p, d]) => launch(v, p, 'sco/index.html', d, false)", [version, preload, depth])
    page.wait_for_function(
        "() => { var f = document.getElementById('sco'); return f && f.contentWindow; }")
    for _ in range(200):
        frame = next((f for f in page.frames if f.url.endswith("sco/index.html")), None)
        if frame is not None:
            frame.wait_for_function("() => window.adapter !== undefined")
            return frame
        page.wait_for_timeout(25)
    raise AssertionError("the SCO frame never loaded")


#: SCORM 1.2's CMITimespan (RTE 3.4.2): hours in two to four digits, then minutes and seconds, the seconds
#: with one or two decimals or none. scorm-again keeps the time it is given as seconds and writes it back
#: with no trailing zero ("00:00:01.8" for the player's "00:00:01.80").
CMI_TIMESPAN = r"\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?"
#: What the player itself writes: always hundredths.
PLAYER_TIMESPAN = r"\d{2,4}:\d{2}:\d{2}\.\d{2}"


def sent(page: Any) -> dict[str, str]:
    """The last value the SCO set for each element, as it wrote it."""
    return page.evaluate("() => window.sent")


def cmi(page: Any) -> dict[str, Any]:
    """The CMI data the LMS holds, as a nested JSON object of strings."""
    return page.evaluate("() => lms.renderCMIToJSONObject().cmi")


def calls(page: Any) -> dict[str, int]:
    """How many times the SCO called Initialize, Commit and Terminate."""
    return page.evaluate("() => calls")


def drive(frame: Any, script: str, arg: Any = None) -> Any:
    """Run ``script`` (an async function of ``adapter`` and ``arg``) in the SCO."""
    return frame.evaluate(f"async (arg) => {{ const a = window.adapter; {script} }}", arg)


def session(frame: Any, exit_kind: str = "suspend") -> None:
    """A learner's session through the contract: pages, answers right and wrong, score, state, status, exit."""
    drive(frame, """
        const started = await a.start();
        a.pageViewed({id: "welcome", title: "Welcome", index: 0, moduleId: "m1"});
        a.bookmark("welcome");
        for (const answer of arg.answers) a.answered(answer);
        a.answered(Object.assign({}, arg.answers[1], {response: ["a", "b"], result: "correct", points: 1}));
        a.scored({raw: 6, min: 0, max: 7, scaled: 6 / 7});
        a.saveState("v1|p:111|q:a,ac,f");
        a.status({completed: true, passed: true});
        a.bookmark("the-whole-pathway");
        a.commit();
        await new Promise(r => setTimeout(r, 30));
        a.finish(arg.exit);
        a.finish("normal");
        return started;
    """, {"answers": ANSWERS, "exit": exit_kind})


def test_scorm12_session_is_recorded_by_the_lms(page: Any, lms_site: Callable[[str], str]) -> None:
    """A SCORM 1.2 session leaves status, score, interactions, location, suspend data and session time in the LMS."""
    url = lms_site("scorm12")
    frame = launch(page, url, "scorm12")
    session(frame)
    data = cmi(page)
    core = data["core"]
    assert core["lesson_status"] == "passed"
    assert (core["score"]["raw"], core["score"]["min"], core["score"]["max"]) == ("85.71", "0", "100")
    assert core["lesson_location"] == "the-whole-pathway"
    assert core["exit"] == "suspend"
    assert re.fullmatch(CMI_TIMESPAN, core["session_time"])
    assert re.fullmatch(PLAYER_TIMESPAN, sent(page)["cmi.core.session_time"])
    assert data["suspend_data"] == "v1|p:111|q:a,ac,f"
    interactions = data["interactions"]
    records = [interactions[str(n)] for n in range(len(ANSWERS))]
    assert [r["id"] for r in records] == [a["id"] for a in ANSWERS]
    assert [r["type"] for r in records] == ["choice", "choice", "true-false", "matching", "sequencing", "fill-in", "numeric"]
    assert [r["student_response"] for r in records] == ["a", "a,b", "f", "0.b,1.a", "c,a,b", "CMA exam", "60"]
    assert [r["result"] for r in records] == ["correct", "correct", "wrong", "correct", "correct", "correct", "correct"]
    assert [r["correct_responses"]["0"]["pattern"] for r in records] == ["a", "a,b", "t", "0.b,1.a", "c,a,b", "CMA exam", "60"]
    assert records[5]["correct_responses"]["1"]["pattern"] == "the CMA exam"
    assert all(r["latency"] == "00:00:12.34" and re.fullmatch(r"\d{2}:\d{2}:\d{2}", r["time"]) for r in records)
    assert records[0]["objectives"]["0"]["id"] == "describe-role"
    assert calls(page) == {"LMSInitialize": 1, "LMSCommit": 2, "LMSFinish": 1}
    assert frame.evaluate("() => window.logs") == []


def test_scorm2004_session_is_recorded_by_the_lms(page: Any, lms_site: Callable[[str], str]) -> None:
    """A SCORM 2004 session leaves both statuses, scaled score, interactions, location, suspend data and session time."""
    url = lms_site("scorm2004")
    frame = launch(page, url, "scorm2004")
    session(frame)
    data = cmi(page)
    assert (data["completion_status"], data["success_status"]) == ("completed", "passed")
    score = data["score"]
    assert (score["scaled"], score["raw"], score["min"], score["max"]) == ("0.8571", "85.71", "0", "100")
    assert data["location"] == "the-whole-pathway"
    assert data["exit"] == "suspend"
    assert re.fullmatch(r"PT(\d+H)?(\d+M)?\d+(\.\d{1,2})?S", data["session_time"])
    assert data["suspend_data"] == "v1|p:111|q:a,ac,f"
    records = [data["interactions"][str(n)] for n in range(len(ANSWERS))]
    assert [r["id"] for r in records] == [a["id"] for a in ANSWERS]
    assert [r["type"] for r in records] == ["choice", "choice", "true-false", "matching", "sequencing", "fill-in", "numeric"]
    assert [r["learner_response"] for r in records] == ["a", "a[,]b", "false", "0[.]1[,]1[.]0", "c[,]a[,]b", "CMA exam", "60"]
    assert [r["result"] for r in records] == ["correct", "correct", "incorrect", "correct", "correct", "correct", "correct"]
    patterns = [r["correct_responses"]["0"]["pattern"] for r in records]
    assert patterns == ["a", "a[,]b", "true", "0[.]1[,]1[.]0", "c[,]a[,]b", "CMA exam", "58.5[:]61.5"]
    assert records[5]["correct_responses"]["1"]["pattern"] == "the CMA exam"
    assert all(r["latency"] == "PT12.34S" and r["timestamp"] == "2026-03-04T05:06:07.89Z" for r in records)
    assert records[0]["objectives"]["0"]["id"] == "describe-role"
    assert records[0]["description"] == "{lang=en}Question q-link"  # the page's language, RTE 4.1.1.7
    assert calls(page) == {"Initialize": 1, "Commit": 2, "Terminate": 1}
    assert frame.evaluate("() => window.logs") == []


@pytest.mark.parametrize("version", sorted(VERSIONS))
@pytest.mark.parametrize("failing", ["false", "throw"])
def test_values_and_commits_an_lms_refuses_for_a_while_reach_it_later(page: Any, lms_site: Callable[[str], str], version: str,
                                                                      failing: str) -> None:
    """SetValue and Commit return false (general failure) or throw for a while: the learner's calls return at once and
    quietly, and once the LMS accepts commits again everything reaches it, in order, before the session ends."""
    frame = launch(page, lms_site(version), version)
    drive(frame, "await a.start();")
    page.evaluate("(mode) => { window.failing = mode; }", failing)
    took = drive(frame, """
        const t = performance.now();
        for (const answer of arg.answers) a.answered(answer);
        a.scored({raw: 6, min: 0, max: 7, scaled: 6 / 7});
        a.saveState("v1|p:111|q:a,ac,f");
        a.status({completed: true, passed: true});
        a.bookmark("the-whole-pathway");
        a.commit();
        return performance.now() - t;
    """, {"answers": ANSWERS})
    assert took < 50
    refused = page.evaluate("() => refused")
    assert refused >= 2
    page.wait_for_timeout(1500)  # the adapter tries again meanwhile, and is refused again
    assert page.evaluate("() => refused") > refused
    assert not cmi(page).get("suspend_data")
    page.evaluate("() => { window.failing = null; }")
    back = page.evaluate("() => performance.now()")
    page.wait_for_function("() => lms.renderCMIToJSONObject().cmi.suspend_data === 'v1|p:111|q:a,ac,f'", timeout=20000)
    recovered = (page.evaluate("() => performance.now()") - back) / 1000
    drive(frame, "a.finish('normal');")
    data = cmi(page)
    records = [data["interactions"][str(n)] for n in range(len(ANSWERS))]
    assert [r["id"] for r in records] == [a["id"] for a in ANSWERS]
    assert [r["result"] for r in records] == ["correct", "incorrect", "incorrect", "correct", "correct", "correct", "correct"] \
        if version == "scorm2004" else ["correct", "wrong", "wrong", "correct", "correct", "correct", "correct"]
    if version == "scorm12":
        assert (data["core"]["lesson_status"], data["core"]["lesson_location"], data["core"]["exit"]) == ("passed", "the-whole-pathway", "")
        assert data["core"]["score"]["raw"] == "85.71"
    else:
        assert (data["completion_status"], data["success_status"], data["location"], data["exit"]) == (
            "completed", "passed", "the-whole-pathway", "normal")
        assert data["score"]["scaled"] == "0.8571"
    assert calls(page)[VERSIONS[version]["term"]] == 1
    logs = frame.evaluate("() => window.logs")
    assert any("kept for the next commit" in m for m in logs) and not any("lost" in m for m in logs)
    print(f"\n[{version}, LMS {failing}] {refused} refused calls; data in the LMS {recovered:.2f} s after it accepted again")


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_an_open_answer_is_recorded_with_the_interaction_type_the_build_gives(page: Any, lms_site: Callable[[str], str],
                                                                              version: str) -> None:
    """A plugin question played as an open answer arrives with interaction "other": 2004 records it so, 1.2 (which has
    no "other") as fill-in, with the learner's text and no pattern."""
    frame = launch(page, lms_site(version), version)
    typed = {**answer("q-open", "open_answer", ["In my own words"], [], "incorrect", interaction="other"), "pattern": []}
    drive(frame, "await a.start(); a.answered(arg); a.commit();", typed)
    record = cmi(page)["interactions"]["0"]
    if version == "scorm12":
        assert (record["type"], record["student_response"]) == ("fill-in", "In my own words")
    else:
        assert (record["type"], record["learner_response"]) == ("other", "In my own words")
    assert record["id"] == "q-open" and frame.evaluate("() => window.logs") == []


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_attempts_used_up_end_the_launch_failed_with_a_normal_exit(page: Any, lms_site: Callable[[str], str], version: str) -> None:
    """The player's end of a final exam with no attempt left: status completed and not passed, then a normal finish."""
    frame = launch(page, lms_site(version), version)
    drive(frame, """
        await a.start();
        a.status({completed: false, passed: null});
        a.scored({raw: 2, min: 0, max: 7, scaled: 2 / 7});
        a.status({completed: true, passed: false});
        a.commit();
        a.finish("normal");
    """)
    data = cmi(page)
    if version == "scorm12":
        assert (data["core"]["lesson_status"], data["core"]["exit"]) == ("failed", "")
        assert data["core"]["score"]["raw"] == "28.57"
    else:
        assert (data["completion_status"], data["success_status"], data["exit"]) == ("completed", "failed", "normal")
        assert data["score"]["scaled"] == "0.2857"
    assert calls(page)[VERSIONS[version]["term"]] == 1
    assert frame.evaluate("() => window.logs") == []


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_relaunch_returns_saved_state_and_bookmark(page: Any, lms_site: Callable[[str], str], version: str) -> None:
    """Relaunched with the data the LMS kept, the adapter hands the player its state, bookmark and mode."""
    url = lms_site(version)
    if version == "scorm12":
        preload = {"core": {"student_id": "s1", "student_name": "Doe, Jane", "lesson_location": "scope-and-limits",
                            "lesson_status": "incomplete", "entry": "resume"}, "suspend_data": "v1|p:1|q:a"}
    else:
        preload = {"learner_id": "s1", "learner_name": "Jane Doe", "location": "scope-and-limits", "entry": "resume",
                   "suspend_data": "v1|p:1|q:a", "completion_status": "incomplete",
                   "interactions": {"0": {"id": "q-nurse", "type": "true-false", "learner_response": "false",
                                          "result": "incorrect"}}}
    frame = launch(page, url, version, preload)
    started = drive(frame, "return await a.start();")
    assert started["state"] == "v1|p:1|q:a"
    assert started["bookmark"] == "scope-and-limits"
    assert started["mode"] == "normal"
    assert started["entry"] == "resume"
    assert started["learnerName"] in ("Doe, Jane", "Jane Doe")
    if version == "scorm2004":
        drive(frame, "a.answered(arg); a.finish('normal');", ANSWERS[2] | {"response": ["true"], "result": "correct"})
        data = cmi(page)
        assert data["interactions"]["0"]["learner_response"] == "true"  # the earlier record, updated
        assert "1" not in data["interactions"]
        assert data["exit"] == "normal"


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_leaving_the_page_commits_and_terminates_once(page: Any, lms_site: Callable[[str], str], version: str) -> None:
    """Unloading the SCO frame commits, exits with suspend and terminates exactly once."""
    url = lms_site(version)
    frame = launch(page, url, version)
    drive(frame, "await a.start(); a.saveState('x1'); a.bookmark('p2');")
    page.evaluate("() => { document.getElementById('sco').src = 'about:blank'; }")
    names = VERSIONS[version]
    page.wait_for_function(f"() => calls.{names['term']} > 0")
    page.wait_for_timeout(100)
    counts = calls(page)
    assert counts[names["term"]] == 1 and counts[names["commit"]] >= 1
    data = cmi(page)
    assert data["suspend_data"] == "x1"
    exit_value = data["core"]["exit"] if version == "scorm12" else data["exit"]
    assert exit_value == "suspend"


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_values_the_standard_rejects_are_never_written(page: Any, lms_site: Callable[[str], str], version: str) -> None:
    """Overlong state, bookmarks and responses are cut or skipped, so the LMS reports no error."""
    url = lms_site(version)
    frame = launch(page, url, version)
    limit = 4096 if version == "scorm12" else 64000
    long_text = "x" * 600
    drive(frame, """
        await a.start();
        a.saveState("s".repeat(arg.limit + 1));
        a.saveState("s".repeat(arg.limit));
        a.bookmark("b".repeat(1001));
        a.answered(arg.fill);
        a.scored({raw: 12, min: 0, max: 10, scaled: 1.2});
        a.finish("normal");
    """, {"limit": limit, "fill": answer("q-long", "fill_blank", [long_text + "[,]{x}"], [long_text], "incorrect")})
    data = cmi(page)
    assert len(data["suspend_data"]) == limit
    record = data["interactions"]["0"]
    response = record["student_response"] if version == "scorm12" else record["learner_response"]
    assert 0 < len(response) <= (255 if version == "scorm12" else 250) and "[,]" not in response
    assert "0" not in record.get("correct_responses", {})  # a 600-character pattern cannot be written
    score = data["core"]["score"]["raw"] if version == "scorm12" else data["score"]["raw"]
    assert score == "100"
    logs = frame.evaluate("() => window.logs")
    assert any("exceeds" in line for line in logs) and any("bookmark" in line for line in logs)
    assert not any("error" in line for line in logs), logs


@pytest.mark.parametrize(("version", "depth", "found"), [
    ("scorm12", 6, True), ("scorm12", 7, False), ("scorm2004", 9, True),
])
def test_api_search_walks_parents_up_to_the_bound(page: Any, lms_site: Callable[[str], str], version: str,
                                                  depth: int, found: bool) -> None:
    """The API is found through nested frames up to the specification's bound, and not beyond it for 1.2."""
    url = lms_site(version)
    frame = launch(page, url, version, depth=depth)
    started = drive(frame, "const s = await a.start(); return {connected: a.connected, name: a.name, s};")
    assert started["name"] == (version if found else "standalone")
    assert started["connected"] is (True if found else None)
    assert calls(page)[VERSIONS[version]["init"]] == (1 if found else 0)


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_api_is_found_through_the_opener(page: Any, lms_site: Callable[[str], str], version: str) -> None:
    """A SCO opened in a new window finds the LMS API through window.opener."""
    url = lms_site(version)
    page.goto(url)
    with page.expect_popup() as popup_info:
        page.evaluate("(v) => launch(v, null, 'sco/index.html', 0, true)", version)
    popup = popup_info.value
    popup.wait_for_function("() => window.adapter !== undefined")
    result = popup.evaluate("async () => { await adapter.start(); adapter.finish('normal'); return adapter.connected; }")
    assert result is True
    assert calls(page)[VERSIONS[version]["term"]] == 1


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_falls_back_on_the_standalone_adapter_without_an_lms(page: Any, lms_site: Callable[[str], str], version: str) -> None:
    """Opened outside any LMS, the adapter hands over to the standalone one, and progress survives a reload."""
    page.goto(lms_site(version).replace("lms.html", "sco/index.html"))
    page.wait_for_function("() => window.adapter !== undefined")
    first = page.evaluate("""async () => {
        const s = await adapter.start();
        adapter.saveState("kept"); adapter.bookmark("p3"); adapter.status({completed: true, passed: true});
        adapter.commit();
        return {s, name: adapter.name, logs: window.logs};
    }""")
    assert first["s"]["state"] is None and first["name"] == "standalone"
    assert any("no SCORM API" in line for line in first["logs"])
    page.reload()
    page.wait_for_function("() => window.adapter !== undefined")
    started = page.evaluate("async () => adapter.start()")
    assert (started["state"], started["bookmark"]) == ("kept", "p3")


def test_runtime_files_are_package_data() -> None:
    """Both adapters and their core ship inside the cmacourse package, where the player copies them from."""
    for version in VERSIONS:
        source = resources.files("cmacourse.player") / "runtime" / f"{version}.js"
        assert "window.cmaTracking" in source.read_text(encoding="utf-8")
    core = resources.files("cmacourse.player") / "runtime" / "scorm" / "scorm-api.js"
    assert "window.cmaScorm" in core.read_text(encoding="utf-8")


# ----------------------------------------------------------- the flagship course, built, in the LMS


def learner_answer(frame: Any, question: Any, right: bool) -> None:
    """Answer one question of the player, right or wrong, from what the model says is correct."""
    from cmacourse.questions import FillBlank, Matching, MultipleResponse, Numeric, Ordering, SingleChoice, TrueFalse

    item = f"#q-{question.id}"
    if isinstance(question, SingleChoice):  # and MultipleResponse
        correct = [i for i, o in enumerate(question.options) if o.correct]
        wrong = [i for i, o in enumerate(question.options) if not o.correct][:1]
        chosen = correct if right else (wrong if isinstance(question, MultipleResponse) else wrong[:1])
        for index in chosen:
            frame.check(f"#o-{question.id}-{index}")
    elif isinstance(question, TrueFalse):
        frame.check(f"#o-{question.id}-{'t' if question.answer == right else 'f'}")
    elif isinstance(question, Matching):
        matches = [p.match for p in question.pairs]
        if not right:
            matches[0], matches[1] = matches[1], matches[0]
        for index, match in enumerate(matches):
            frame.select_option(f"#m-{question.id}-{index}", label=match)
    elif isinstance(question, Ordering):
        wanted = list(range(len(question.items))) if right else [1, 0, *range(2, len(question.items))]
        for position, item_index in enumerate(wanted):
            order = frame.eval_on_selector_all(f"{item} [data-order] > li", "els => els.map(e => Number(e.dataset.item))")
            for _ in range(order.index(item_index) - position):
                frame.click(f"{item} [data-item='{item_index}'] [data-move='-1']")
    elif isinstance(question, FillBlank):
        frame.fill(f"#f-{question.id}", question.answers[0] if right else "not the answer")
    elif isinstance(question, Numeric):
        frame.fill(f"#f-{question.id}", str(question.answer if right else question.answer + question.tolerance + 1000))
    frame.click(f"{item} [data-check]")


def take(frame: Any, assessment: Any, mastery: float) -> list[bool]:
    """Answer an assessment: its first question wrong when the pass mark still allows it, the rest right."""
    allowed = assessment.total_points * (1 - mastery / 100)
    results = []
    for index, question in enumerate(assessment.questions):
        right = not (index == 0 and question.points <= allowed)
        learner_answer(frame, question, right)
        results.append(right)
    return results


def walk(frame: Any, course: Any, done: set[str], stop_at: str | None = None) -> dict[str, list[bool]]:
    """Page through the player with Next, taking each assessment not in ``done``, until ``stop_at`` or the end."""
    quizzes = {a.id: a for a in course.assessments}
    taken: dict[str, list[bool]] = {}
    for _ in range(400):
        screen = frame.evaluate("() => cmaPlayer.snapshot().screen")
        if screen == stop_at:
            return taken
        quiz = frame.evaluate(f"() => document.querySelector('#s-{screen} [data-assessment]')?.dataset.assessment || null")
        if quiz and quiz not in done:
            assessment = quizzes[quiz]
            module = next((m for m in course.modules if assessment in m.assessments), None)
            mastery = next(v for v in (assessment.mastery_score, module.completion.mastery_score if module else None,
                                       course.completion.mastery_score, 100) if v is not None)
            taken[quiz] = take(frame, assessment, mastery)
            done.add(quiz)
        if frame.evaluate("() => document.querySelector('[data-pager=next]').disabled"):
            return taken
        frame.click("[data-pager=next]")
        frame.wait_for_function(f"() => cmaPlayer.snapshot().screen !== {json.dumps(screen)}")
    raise AssertionError("the player never reached the end")


def shown_answers(frame: Any, assessment_id: str) -> list[dict[str, Any]]:
    """What the learner sees of each answered question: checked options, fields, order and result text."""
    return frame.evaluate("""(id) => Array.from(document.querySelectorAll(`[data-assessment="${id}"] .question`)).map(li => ({
        checked: Array.from(li.querySelectorAll("input:checked")).map(i => i.id),
        values: Array.from(li.querySelectorAll("input[type=text], select")).map(e => e.value),
        order: Array.from(li.querySelectorAll("[data-order] > li")).map(e => e.dataset.item),
        result: li.querySelector("[data-result]").hidden ? "" : li.querySelector("[data-result]").textContent}))""",
                          assessment_id)


def launch_package(page: Any, url: str, version: str, preload: dict[str, Any] | None = None) -> Any:
    """Launch the built package's index.html from the LMS page and wait until the player is ready."""
    page.goto(url)
    page.evaluate("([v, p]) => launch(v, p, 'pkg/index.html', 0, false)", [version, preload])
    for _ in range(400):
        frame = next((f for f in page.frames if f.url.endswith("pkg/index.html")), None)
        if frame is not None:
            frame.wait_for_function("() => (document.documentElement && document.documentElement.classList.contains('player-ready'))")
            return frame
        page.wait_for_timeout(25)
    raise AssertionError("the package never loaded")


def close(page: Any, version: str) -> None:
    """The learner leaves: the LMS unloads the SCO frame, which must terminate."""
    page.evaluate("() => { document.getElementById('sco').remove(); }")
    page.wait_for_function(f"() => calls.{VERSIONS[version]['term']} === 1")


@pytest.fixture
def flagship_site(tmp_path: Path, static_server: Callable[..., str], peers_node_modules: Path) -> Callable[[str, str], tuple[str, Any]]:
    """Build the flagship course in one format and language, extract it under pkg/ beside the LMS page; returns the
    LMS URL and the course as built."""
    from cmacourse.exporters import export

    def serve(version: str, language: str) -> tuple[str, Any]:
        with course_in(FLAGSHIP, language, tmp_path / "translation") as course:
            package = export(course, version, tmp_path / "build")
        site = tmp_path / "site"
        with zipfile.ZipFile(package) as archive:
            archive.extractall(site / "pkg")
        (site / "lms.html").write_text(LMS_PAGE, encoding="utf-8")
        return static_server(site, mounts={"/peers/": peers_node_modules}) + "lms.html", course

    return serve


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_flagship_package_tracks_a_learner_and_resumes(page: Any, page_errors: list[str], version: str, language: str,
                                                       flagship_site: Callable[[str, str], tuple[str, Any]]) -> None:
    """The built flagship package, in English and in Spanish, launched by scorm-again: two sessions, answers right
    and wrong, resume, mastery."""
    url, course = flagship_site(version, language)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    first, second = course.modules[0], course.modules[1]
    stop = second.pages[1].id
    # Session 1: the first module with its knowledge check, then into the second module, and leave.
    frame = launch_package(page, url, version)
    assert frame.evaluate("() => document.documentElement.lang") == course.language == language
    done: set[str] = set()
    taken = walk(frame, course, done, stop_at=stop)
    check = first.assessments[0]
    assert list(taken) == [check.id] and taken[check.id][0] is False and all(taken[check.id][1:])
    saved = frame.evaluate("() => cmaPlayer.snapshot().state")
    answers_before = shown_answers(frame, check.id)
    assert all(a["result"] for a in answers_before) and any(a["checked"] for a in answers_before)
    close(page, version)
    data = cmi(page)
    records = [data["interactions"][str(n)] for n in range(len(check.questions))]
    assert [r["id"] for r in records] == [q.id for q in check.questions]
    assert str(len(check.questions)) not in data["interactions"]
    assert [r["result"] for r in records] == [("correct" if ok else ("wrong" if version == "scorm12" else "incorrect"))
                                              for ok in taken[check.id]]
    assert data["suspend_data"] == saved
    if version == "scorm12":
        core = data["core"]
        assert (core["lesson_status"], core["lesson_location"], core["exit"], core["score"]["raw"]) == ("incomplete", stop, "suspend", "")
        assert re.fullmatch(CMI_TIMESPAN, core["session_time"])
        assert re.fullmatch(PLAYER_TIMESPAN, sent(page)["cmi.core.session_time"])
        assert all(r["student_response"] for r in records)
        preload = {"core": {"student_id": "s1", "student_name": "Doe, Jane", "lesson_location": core["lesson_location"],
                            "lesson_status": core["lesson_status"], "entry": "resume"}, "suspend_data": data["suspend_data"]}
    else:
        assert (data["completion_status"], data["success_status"], data["location"], data["exit"]) == ("incomplete", "unknown", stop, "suspend")
        assert re.fullmatch(r"PT(\d+H)?(\d+M)?\d+(\.\d{1,2})?S", data["session_time"])
        assert all(r["learner_response"] and r["latency"].startswith("PT") for r in records)
        assert all(r["description"].startswith(f"{{lang={language}}}") for r in records)
        preload = {"learner_id": "s1", "learner_name": "Jane Doe", "location": data["location"], "entry": "resume",
                   "suspend_data": data["suspend_data"], "completion_status": data["completion_status"],
                   "interactions": {str(n): {k: r[k] for k in ("id", "type", "learner_response", "result")}
                                    for n, r in enumerate(records)}}
    # Session 2: the LMS relaunches with what it kept; the learner is back on the same page, answers restored.
    frame = launch_package(page, url, version, preload)
    assert frame.evaluate("() => cmaPlayer.snapshot().screen") == stop
    assert shown_answers(frame, check.id) == answers_before
    taken = walk(frame, course, done)
    assert set(taken) == {a.id for a in course.assessments} - {check.id}
    snapshot = frame.evaluate("() => cmaPlayer.snapshot()")
    assert snapshot["status"] == {"completed": True, "passed": True}
    close(page, version)
    data = cmi(page)
    percent = round(snapshot["score"]["scaled"] * 100, 2)
    assert percent >= course.completion.mastery_score
    answered = sum(len(a.questions) for a in course.assessments if a.id != check.id)
    if version == "scorm12":
        core = data["core"]
        assert (core["lesson_status"], core["exit"]) == ("passed", "")
        assert float(core["score"]["raw"]) == percent and (core["score"]["min"], core["score"]["max"]) == ("0", "100")
        assert str(answered - 1) in data["interactions"] and str(answered) not in data["interactions"]
    else:
        assert (data["completion_status"], data["success_status"], data["exit"]) == ("completed", "passed", "normal")
        assert float(data["score"]["scaled"]) == round(snapshot["score"]["scaled"], 4) and float(data["score"]["raw"]) == percent
        total = len(check.questions) + answered
        assert str(total - 1) in data["interactions"] and str(total) not in data["interactions"]
        assert data["interactions"]["0"]["id"] == check.questions[0].id
    recorded = {record["type"] for key, record in data["interactions"].items() if key.isdigit()}
    assert recorded == {INTERACTION_TYPES[q.type_name] for _, q in course.questions()}
    assert page_errors == [] and [line for line in console if version + ":" in line] == []


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_module_sco_launched_from_its_manifest_href(page: Any, version: str, tmp_path: Path,
                                                    static_server: Callable[..., str], peers_node_modules: Path) -> None:
    """With sco=module, a module's SCO, launched at the href its manifest resource names, passes on its own quiz."""
    from lxml import etree

    from cmacourse import load_course
    from cmacourse.exporters import export

    course = load_course(BRANCHING)
    package = export(course, version, tmp_path / "build", sco="module")
    site = tmp_path / "site"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(site / "pkg")
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    (site / "lms.html").write_text(LMS_PAGE, encoding="utf-8")
    url = static_server(site, mounts={"/peers/": peers_node_modules}) + "lms.html"
    href = next(r.get("href") for r in manifest.iter("{*}resource") if r.get("identifier") == "RES-math")
    page.goto(url)
    page.evaluate("([v, u]) => launch(v, null, u, 0, false)", [version, f"pkg/{href}"])
    page.wait_for_function("() => document.getElementById('sco').contentWindow.cmaPlayer !== undefined")
    frame = next(f for f in page.frames if f.url.endswith(href))
    frame.wait_for_function("() => (document.documentElement && document.documentElement.classList.contains('player-ready'))")
    math = course.module("math")
    walk(frame, course, set())
    assert frame.evaluate("() => cmaPlayer.snapshot().status") == {"completed": True, "passed": True}
    close(page, version)
    data = cmi(page)
    if version == "scorm12":
        assert (data["core"]["lesson_status"], data["core"]["score"]["raw"]) == ("passed", "100")
    else:
        assert (data["completion_status"], data["success_status"], data["score"]["scaled"]) == ("completed", "passed", "1")
    assert [data["interactions"][str(n)]["id"] for n in range(len(math.assessments[0].questions))] == \
        [q.id for q in math.assessments[0].questions]


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_exit_button_records_normal_after_completing_and_suspend_mid_course(page: Any, page_errors: list[str], version: str,
                                                                            tmp_path: Path, static_server: Callable[..., str],
                                                                            peers_node_modules: Path) -> None:
    """Exit course terminates once: exit "suspend" mid-course; after completing, a normal exit ("" in 1.2, "normal" in 2004)."""
    from cmacourse import load_course
    from cmacourse.exporters import export

    course = load_course(BRANCHING)
    package = export(course, version, tmp_path / "build")
    site = tmp_path / "site"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(site / "pkg")
    (site / "lms.html").write_text(LMS_PAGE, encoding="utf-8")
    url = static_server(site, mounts={"/peers/": peers_node_modules}) + "lms.html"
    names = VERSIONS[version]

    def exit_value() -> str:
        data = cmi(page)
        return str(data["core"]["exit"] if version == "scorm12" else data["exit"])

    def press_exit(frame: Any) -> dict[str, int]:
        frame.get_by_role("button", name="Exit course").click()
        frame.wait_for_selector("[data-finished]", state="visible")
        page.wait_for_function(f"() => calls.{names['term']} === 1")
        counts = calls(page)
        frame.evaluate("() => cmaPlayer.go('home')")  # after finishing, nothing more reaches the LMS
        close(page, version)
        page.wait_for_timeout(100)
        assert calls(page) == counts
        return counts

    # Leaving mid-course: suspend, so the LMS resumes the attempt.
    frame = launch_package(page, url, version)
    frame.click("[data-start]")
    frame.click("[data-pager=next]")
    assert press_exit(frame)[names["term"]] == 1
    assert exit_value() == "suspend"

    # Exit after completing: a normal exit, Terminate once.
    frame = launch_package(page, url, version)
    walk(frame, course, set())
    assert frame.evaluate("() => cmaPlayer.snapshot().status") == {"completed": True, "passed": True}
    counts = press_exit(frame)
    assert counts[names["init"]] == 1 and counts[names["term"]] == 1
    assert exit_value() == ("" if version == "scorm12" else "normal")
    data = cmi(page)
    if version == "scorm12":
        assert data["core"]["lesson_status"] == "passed"
    else:
        assert (data["completion_status"], data["success_status"]) == ("completed", "passed")
    assert page_errors == []


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_flagship_learner_goes_on_while_the_lms_refuses_and_the_data_arrives_later(page: Any, page_errors: list[str],
                                                                                   version: str,
                                                                                   flagship_site: Callable[[str, str], tuple[str, Any]]) -> None:
    """SetValue and Commit fail while the learner takes Step 1: nothing stops them or shows an error, and once the
    LMS accepts commits again the answers, the bookmark and the state reach it."""
    from cmacourse import load_course

    course = load_course(FLAGSHIP)
    frame = launch_package(page, flagship_site(version, "en")[0], version)
    page.evaluate("() => { window.failing = 'false'; }")
    check = course.modules[0].assessments[0]
    taken = walk(frame, course, set(), stop_at=course.modules[1].pages[0].id)
    assert list(taken) == [check.id]
    state = frame.evaluate("() => cmaPlayer.snapshot().state")
    held = cmi(page)
    assert page.evaluate("() => refused") > 0
    assert held["suspend_data"] != state and "0" not in held["interactions"]
    shown = frame.evaluate("() => document.body.innerText")
    assert "error" not in shown.lower() and "could not" not in shown.lower()
    page.evaluate("() => { window.failing = null; }")
    page.wait_for_function("(state) => lms.renderCMIToJSONObject().cmi.suspend_data === state", arg=state, timeout=20000)
    close(page, version)
    data = cmi(page)
    records = [data["interactions"][str(n)] for n in range(len(check.questions))]
    assert [r["id"] for r in records] == [q.id for q in check.questions]
    location = data["core"]["lesson_location"] if version == "scorm12" else data["location"]
    assert location == course.modules[1].pages[0].id
    assert data["suspend_data"] == state
    assert page_errors == []
