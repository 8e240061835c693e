"""The LMS side of cmi5 and Tin Can for browser tests: package files, fetch URLs, State API, profiles, statements to Ralph.

Ralph implements only the Statement API (tests/peers/README.md), so this server plays the LMS in front
of it: it serves an extracted package, hands out one-time auth tokens (cmi5 section 8.2), keeps state
documents (LMS.LaunchData and the course's own) and learner preferences, and forwards statement
requests to Ralph with Ralph's credentials once the browser's token checks out. It records every
request it answers, and can be told to delay statements, lose answers or refuse a verb; as the LRS
front, it injects the faults of its ``faults`` plan (lrs_faults) into any xAPI request.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import http.server
import json
import secrets
import threading
import time
import urllib.parse
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from lrs_faults import Fault, FaultPlan, statements_of
from ralph_lrs import RalphLRS
from static_http import QuietHandler

CMI5 = "https://w3id.org/xapi/cmi5/context/"
CMI5_CATEGORY = CMI5 + "categories/cmi5"
SESSION_ID = CMI5 + "extensions/sessionid"


@attrs.frozen
class Seen:
    """One request the LMS answered."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]  #: lower-case names
    status: int
    body: bytes


@attrs.frozen
class Cmi5Launch:
    """What the LMS made for one AU launch."""

    url: str
    registration: str
    session_id: str
    activity_id: str  #: LMS-generated, unlike the publisher id of cmi5.xml (section 8.1)
    publisher_id: str
    actor: Mapping[str, Any]


def agent_key(agent: Any) -> tuple[str, ...]:
    """An agent's identity, whatever the JSON spelling (and Tin Can's 0.9 arrays)."""
    data = json.loads(agent) if isinstance(agent, str) else agent
    one = (lambda v: v[0] if isinstance(v, list) else v)
    if data.get("account"):
        account = one(data["account"])
        return ("account", account.get("homePage") or account.get("accountServiceHomePage"),
                account.get("name") or account.get("accountName"))
    for key in ("mbox", "mbox_sha1sum", "openid"):
        if data.get(key):
            return (key, str(one(data[key])))
    raise ValueError(f"agent without identifier: {agent!r}")


class XapiLms:
    """A test LMS on 127.0.0.1 serving ``root`` (an extracted package) with Ralph as its LRS."""

    def __init__(self, root: Path, lrs: RalphLRS) -> None:
        self.root = root
        self.lrs = lrs
        self.lock = threading.RLock()
        self.tokens: dict[str, str] = {}            # token -> registration
        self.fetch_urls: dict[str, str | None] = {}  # key -> token, None once used
        self.fetch_calls: list[str] = []
        self.states: dict[tuple[Any, ...], bytes] = {}
        self.preferences: dict[tuple[str, ...], dict[str, str]] = {}
        self.seen: list[Seen] = []
        # Statement bodies as they arrive, before the LRS sees them: a request is recorded in ``seen`` only
        # once answered, which can be after a reader already finds its statements stored.
        self.statement_bodies: list[bytes] = []
        #: Seconds to wait before forwarding each statement request (a slow LRS).
        self.statement_delay = 0.0
        #: This many statement writes that Ralph stored are answered 502, as if the answer were lost.
        self.lose_answers = 0
        #: Statements with a verb ending in one of these are refused with 400 and never reach Ralph.
        self.refuse_verbs: set[str] = set()
        #: What the LRS front answers badly (lrs_faults).
        self.faults = FaultPlan()
        self.server: http.server.ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    @property
    def endpoint(self) -> str:
        return self.base + "xAPI/"

    def start(self) -> str:
        handler = functools.partial(type("LmsHandler", (LmsHandler,), {"lms": self}), directory=str(self.root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, name="xapi-lms", daemon=True).start()
        return self.base

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # ------------------------------------------------------------------ launching

    def new_token(self, registration: str) -> str:
        token = secrets.token_urlsafe(18)
        with self.lock:
            self.tokens[token] = registration
        return token

    def cmi5_launch(self, href: str, publisher_id: str, actor: Mapping[str, Any], registration: str, *,
                    move_on: str, mastery: float | None, mode: str = "Normal",
                    return_url: str | None = None) -> Cmi5Launch:
        """Register a session for one AU: LaunchData, a one-time fetch URL, the launched statement; the launch URL."""
        activity_id = "https://lms.example.test/au/" + hashlib.sha256(publisher_id.encode()).hexdigest()[:16]
        session_id = str(uuid.uuid4())
        key = secrets.token_urlsafe(12)
        with self.lock:
            self.fetch_urls[key] = self.new_token(registration)
        template = {"contextActivities": {"grouping": [{"objectType": "Activity", "id": publisher_id}]},
                    "extensions": {SESSION_ID: session_id}}
        launch_data: dict[str, Any] = {"contextTemplate": template, "launchMode": mode, "moveOn": move_on}
        if mastery is not None:
            launch_data["masteryScore"] = mastery
        if return_url:
            launch_data["returnURL"] = return_url
        self.put_state(activity_id, actor, registration, "LMS.LaunchData", json.dumps(launch_data).encode())
        extensions: dict[str, Any] = {SESSION_ID: session_id, CMI5 + "extensions/launchmode": mode,
                                      CMI5 + "extensions/launchurl": self.base + href, CMI5 + "extensions/moveon": move_on}
        if mastery is not None:
            extensions[CMI5 + "extensions/masteryscore"] = mastery
        self.lrs.post_statements({
            "id": str(uuid.uuid4()), "actor": dict(actor),
            "verb": {"id": "http://adlnet.gov/expapi/verbs/launched", "display": {"en-US": "launched"}},
            "object": {"objectType": "Activity", "id": activity_id},
            "context": {"registration": registration, "extensions": extensions,
                        "contextActivities": {"grouping": template["contextActivities"]["grouping"],
                                              "category": [{"objectType": "Activity", "id": CMI5_CATEGORY}]}},
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000Z",
        })
        params = {"endpoint": self.endpoint, "fetch": f"{self.base}lms/fetch/{key}", "actor": json.dumps(actor),
                  "registration": registration, "activityId": activity_id}
        return Cmi5Launch(f"{self.base}{href}?{urllib.parse.urlencode(params)}", registration, session_id,
                          activity_id, publisher_id, actor)

    def tincan_launch(self, href: str, actor: Any, registration: str | None, activity_id: str) -> str:
        """The Tin Can launch URL: endpoint, auth, actor, registration, activity_id."""
        params = {"endpoint": self.endpoint, "auth": "Basic " + self.new_token(registration or ""),
                  "actor": json.dumps(actor), "activity_id": activity_id}
        if registration:
            params["registration"] = registration
        return f"{self.base}{href}?{urllib.parse.urlencode(params)}"

    # ------------------------------------------------------------------ documents

    def state_key(self, activity_id: str, agent: Any, registration: str | None, state_id: str) -> tuple[Any, ...]:
        return (activity_id, agent_key(agent), registration or None, state_id)

    def put_state(self, activity_id: str, agent: Any, registration: str | None, state_id: str, body: bytes) -> None:
        with self.lock:
            self.states[self.state_key(activity_id, agent, registration, state_id)] = body

    def state(self, activity_id: str, agent: Any, registration: str | None, state_id: str) -> Any:
        """A state document as JSON, or None."""
        with self.lock:
            body = self.states.get(self.state_key(activity_id, agent, registration, state_id))
        return None if body is None else json.loads(body)

    def xapi_requests(self) -> list[Seen]:
        """Every request the browser made to the xAPI endpoint."""
        with self.lock:
            return [s for s in self.seen if s.path.startswith("/xAPI/")]

    def statement_writes(self) -> list[Seen]:
        """The browser's POST and PUT requests to the Statement API, whatever their answer."""
        return [s for s in self.xapi_requests() if s.path.rstrip("/") == "/xAPI/statements" and s.method in ("POST", "PUT")]

    def sent_statements(self) -> list[dict[str, Any]]:
        """Every statement the browser sent, once each, in the order first sent."""
        found: dict[str, dict[str, Any]] = {}
        with self.lock:
            bodies = list(self.statement_bodies)
        for body in bodies:
            for statement in statements_of(body):
                found.setdefault(statement["id"], statement)
        return list(found.values())


class LmsHandler(QuietHandler):
    """Routes /lms/fetch/, the State and Agent Profile APIs and /xAPI/statements; serves package files otherwise."""

    lms: XapiLms

    def do_GET(self) -> None:
        self.route("GET")

    def do_POST(self) -> None:
        self.route("POST")

    def do_PUT(self) -> None:
        self.route("PUT")

    def do_DELETE(self) -> None:
        self.route("DELETE")

    def route(self, method: str) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path.startswith("/lms/fetch/") and method == "POST":
            status, answer = self.fetch(url.path.rsplit("/", 1)[1])
        elif url.path.startswith("/xAPI/"):
            resource = url.path[len("/xAPI/"):].rstrip("/")
            if resource == "statements" and method in ("POST", "PUT"):
                with self.lms.lock:
                    self.lms.statement_bodies.append(body)
            fault = self.lms.faults.decide(method, resource, body)
            if fault is not None:
                self.faulty(fault, method, resource, query, body)
                return
            status, answer = self.xapi(method, resource, query, body)
        elif method == "GET":
            super().do_GET()
            return
        else:
            status, answer = 405, b""
        self.answer(method, query, body, status, answer)

    def answer(self, method: str, query: Mapping[str, str], body: bytes, status: int, answer: bytes,
               extra: Mapping[str, str] | None = None) -> None:
        self.record(method, query, body, status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.send_header("X-Experience-API-Version", "1.0.3")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer)

    def record(self, method: str, query: Mapping[str, str], body: bytes, status: int) -> None:
        """Remember the request; status 0 for a connection closed without an answer."""
        with self.lms.lock:
            self.lms.seen.append(Seen(method, urllib.parse.urlsplit(self.path).path, query,
                                      {k.lower(): v for k, v in self.headers.items()}, status, body))

    def faulty(self, fault: Fault, method: str, resource: str, query: Mapping[str, str], body: bytes) -> None:
        """Answer as ``fault`` says (lrs_faults)."""
        time.sleep(fault.delay)
        if fault.drop == "before":
            self.record(method, query, body, 0)
            self.close_connection = True
            return
        if fault.prestore:
            self.forward("POST", {}, json.dumps(statements_of(body)[:1]).encode())
        if fault.answer is not None:
            extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after else None
            self.answer(method, query, body, fault.answer, json.dumps({"error": f"injected: {fault.name}"}).encode(), extra)
            return
        status, answer = self.xapi(method, resource, query, body)
        if fault.drop == "after":
            self.record(method, query, body, 0)
            self.close_connection = True
            return
        self.answer(method, query, body, status, answer)

    def fetch(self, key: str) -> tuple[int, bytes]:
        """cmi5 8.2: the token once, then error 1; always HTTP 200."""
        with self.lms.lock:
            self.lms.fetch_calls.append(key)
            token = self.lms.fetch_urls.get(key)
            if key in self.lms.fetch_urls:
                self.lms.fetch_urls[key] = None
        if token is None:
            return 200, json.dumps({"error-code": "1", "error-text": "The authorization token has already been returned."}).encode()
        return 200, json.dumps({"auth-token": token}).encode()

    def xapi(self, method: str, resource: str, query: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        auth = self.headers.get("Authorization", "")
        with self.lms.lock:
            known = auth.startswith("Basic ") and auth[6:] in self.lms.tokens
        if not known:
            return 401, b'{"error": "unknown token"}'
        if resource == "statements":
            return self.statements(method, query, body)
        if resource == "activities/state":
            return self.state(method, query, body)
        if resource == "agents/profile" and method == "GET":
            prefs = self.lms.preferences.get(agent_key(query["agent"]))
            return (200, json.dumps(prefs).encode()) if prefs else (404, b"")
        return 404, b""

    def state(self, method: str, query: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        key = self.lms.state_key(query["activityId"], query["agent"], query.get("registration"), query["stateId"])
        with self.lms.lock:
            if method == "GET":
                found = self.lms.states.get(key)
                return (200, found) if found is not None else (404, b"")
            if method == "DELETE":
                self.lms.states.pop(key, None)
            elif method == "POST" and key in self.lms.states:
                self.lms.states[key] = json.dumps({**json.loads(self.lms.states[key]), **json.loads(body)}).encode()
            else:
                self.lms.states[key] = body
        return 204, b""

    def statements(self, method: str, query: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        if method in ("POST", "PUT") and self.lms.refuse_verbs:
            sent = json.loads(body)
            if any(s["verb"]["id"].endswith(tuple(self.lms.refuse_verbs)) for s in (sent if isinstance(sent, list) else [sent])):
                return 400, b'{"error": "refused by the test LMS"}'
        time.sleep(self.lms.statement_delay)
        status, answer = self.forward(method, query, body)
        with self.lms.lock:
            lose = method in ("POST", "PUT") and status < 300 and self.lms.lose_answers > 0
            if lose:
                self.lms.lose_answers -= 1
        return (502, b'{"error": "answer lost"}') if lose else (status, answer)

    def forward(self, method: str, query: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        """A statements request sent on to Ralph with Ralph's credentials; 502 when Ralph is down."""
        path = "/xAPI/statements" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        headers = {"Authorization": self.lms.lrs.auth_header, "Content-Type": "application/json",
                   "X-Experience-API-Version": self.headers.get("X-Experience-API-Version", "")}
        connection = http.client.HTTPConnection("127.0.0.1", self.lms.lrs.port, timeout=30)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            status, answer = response.status, response.read()
        except OSError as exc:
            return 502, json.dumps({"error": f"LRS unreachable: {exc}"}).encode()
        finally:
            connection.close()
        return status, answer
