"""Conformance checks for statements: xAPI 1.0.3 (Data section 2), the cmi5 session rules, and Ralph's xAPI models.

Ralph's LRS validates laxly (tests/peers/README.md), so the tests check statements themselves: by the
rules written here, and by Ralph's strict pydantic models (``ralph.models.xapi``), which run in Ralph's
own virtualenv (``RalphModels``). Each check returns the problems it finds, as sentences, so that an
assertion shows all of them.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import urllib.parse
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

Statement = Mapping[str, Any]

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
DURATION = re.compile(r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
                      r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                     "sequencing", "likert", "numeric", "other"}
#: xAPI 1.0.3 Data 2.4.4.1: the interaction component lists each interaction type may have.
COMPONENTS = {"choice": {"choices"}, "sequencing": {"choices"}, "likert": {"scale"},
              "matching": {"source", "target"}, "performance": {"steps"}}
STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                  "version", "attachments"}

CMI5 = "https://w3id.org/xapi/cmi5/context/"
CMI5_CATEGORY = CMI5 + "categories/cmi5"
MOVEON_CATEGORY = CMI5 + "categories/moveon"
SESSION_ID = CMI5 + "extensions/sessionid"
MASTERY = CMI5 + "extensions/masteryscore"
VERBS = "http://adlnet.gov/expapi/verbs/"
CMI5_DEFINED = {VERBS + v for v in ("initialized", "completed", "passed", "failed", "terminated")}


def is_iri(value: Any) -> bool:
    """An absolute IRI: a scheme, then no white space (xAPI requires absolute IRIs throughout)."""
    if not isinstance(value, str) or any(ch.isspace() for ch in value):
        return False
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value)) and bool(urllib.parse.urlsplit(value).scheme)


def is_uuid(value: Any) -> bool:
    try:
        return str(uuid.UUID(str(value))) == str(value).lower()
    except ValueError:
        return False


def language_map(value: Any, where: str) -> list[str]:
    if not isinstance(value, dict) or not value:
        return [f"{where} is not a language map"]
    return [f"{where} has a bad language tag {k!r}" for k in value if not LANGUAGE_TAG.match(k)] + [
        f"{where}[{k}] is not a string" for k, v in value.items() if not isinstance(v, str)]


def agent(value: Any, where: str) -> list[str]:
    if not isinstance(value, dict) or value.get("objectType", "Agent") != "Agent":
        return [f"{where} is not an Agent"]
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in value]
    if len(ifis) != 1:
        return [f"{where} has {len(ifis)} identifiers"]
    if "mbox" in value and not str(value["mbox"]).startswith("mailto:"):
        return [f"{where}.mbox is not a mailto IRI"]
    if "account" in value and not (is_iri(value["account"].get("homePage")) and value["account"].get("name")):
        return [f"{where}.account needs homePage and name"]
    return []


def definition(value: Mapping[str, Any], where: str) -> list[str]:
    found: list[str] = []
    for key in ("name", "description"):
        if key in value:
            found += language_map(value[key], f"{where}.{key}")
    if "type" in value and not is_iri(value["type"]):
        found.append(f"{where}.type is not an IRI")
    kind = value.get("interactionType")
    if kind is not None and kind not in INTERACTION_TYPES:
        found.append(f"{where}.interactionType {kind!r} is unknown")
    lists = {k for k in ("choices", "scale", "source", "target", "steps") if k in value}
    if lists - COMPONENTS.get(kind or "", set()):
        found.append(f"{where} has {sorted(lists)} for interactionType {kind!r}")
    for key in lists:
        ids = [c.get("id") for c in value[key]]
        if len(set(ids)) != len(ids) or not all(isinstance(i, str) and i for i in ids):
            found.append(f"{where}.{key} ids are not unique strings")
        for i, c in enumerate(value[key]):
            found += language_map(c.get("description"), f"{where}.{key}[{i}].description")
    pattern = value.get("correctResponsesPattern")
    if pattern is not None and not (isinstance(pattern, list) and all(isinstance(p, str) for p in pattern)):
        found.append(f"{where}.correctResponsesPattern is not a list of strings")
    return found


def activity(value: Any, where: str) -> list[str]:
    if not isinstance(value, dict) or value.get("objectType", "Activity") != "Activity" or not is_iri(value.get("id")):
        return [f"{where} is not an Activity with an IRI id"]
    return definition(value["definition"], f"{where}.definition") if "definition" in value else []


def response_problems(definition_: Mapping[str, Any], response: str, where: str) -> list[str]:
    """Whether a response is in the syntax of its interaction type (xAPI 1.0.3 Data 2.4.4.1.1)."""
    kind = definition_.get("interactionType")
    ids = {key: {c["id"] for c in definition_.get(key, [])} for key in ("choices", "source", "target")}
    ok = True
    if kind == "true-false":
        ok = response in ("true", "false")
    elif kind in ("choice", "sequencing"):
        ok = all(item in ids["choices"] for item in response.split("[,]"))
    elif kind == "matching":
        pairs = [p.split("[.]") for p in response.split("[,]")]
        ok = all(len(p) == 2 and p[0] in ids["source"] and p[1] in ids["target"] for p in pairs)
    elif kind == "numeric":
        ok = all(NUMBER.match(part) for part in response.split("[:]") if part) and response.count("[:]") <= 1
    return [] if ok else [f"{where}.response {response!r} is not a {kind} response"]


def statement_problems(statement: Statement) -> list[str]:
    """Everything about one statement that xAPI 1.0.3 does not allow."""
    found = [f"unknown property {k!r}" for k in statement if k not in STATEMENT_KEYS]
    if not is_uuid(statement.get("id")):
        found.append(f"id {statement.get('id')!r} is not a UUID")
    found += agent(statement.get("actor"), "actor")
    verb = statement.get("verb", {})
    if not is_iri(verb.get("id")):
        found.append("verb.id is not an IRI")
    if "display" in verb:
        found += language_map(verb["display"], "verb.display")
    found += activity(statement.get("object"), "object")
    result = statement.get("result", {})
    score = result.get("score", {})
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        found.append("result.score.scaled is outside -1..1")
    if "raw" in score and not score.get("min", score["raw"]) <= score["raw"] <= score.get("max", score["raw"]):
        found.append("result.score.raw is outside min..max")
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            found.append(f"result.{key} is not a boolean")
    if "duration" in result and not DURATION.match(result["duration"]):
        found.append(f"result.duration {result['duration']!r} is not ISO 8601")
    if "response" in result:
        obj = statement.get("object", {}).get("definition", {})
        found += response_problems(obj, result["response"], "result") if obj.get("interactionType") else []
    context = statement.get("context", {})
    if "registration" in context and not is_uuid(context["registration"]):
        found.append("context.registration is not a UUID")
    for key, group in context.get("contextActivities", {}).items():
        if key not in ("parent", "grouping", "category", "other"):
            found.append(f"context.contextActivities.{key} is unknown")
        for i, item in enumerate(group if isinstance(group, list) else [group]):
            found += activity(item, f"context.contextActivities.{key}[{i}]")
    found += [f"context extension {k!r} is not an IRI" for k in context.get("extensions", {}) if not is_iri(k)]
    if not TIMESTAMP.match(str(statement.get("timestamp", ""))):
        found.append(f"timestamp {statement.get('timestamp')!r} is not ISO 8601 with a time zone")
    return found


def categories(statement: Statement) -> set[str]:
    return {a["id"] for a in statement.get("context", {}).get("contextActivities", {}).get("category", [])}


def cmi5_session_problems(statements: Sequence[Statement], *, activity_id: str, publisher_id: str,
                          registration: str, session_id: str, mastery: float | None) -> list[str]:
    """The AU's statements of one session against cmi5 sections 7.1, 9.3–9.6 and 9.7."""
    found: list[str] = []
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]
    if not verbs or verbs[0] != "initialized" or verbs[-1] != "terminated":
        found.append(f"the session does not run initialized ... terminated: {verbs}")
    defined = [v for s, v in zip(statements, verbs) if s["verb"]["id"] in CMI5_DEFINED]
    if len(defined) != len(set(defined)) or {"passed", "failed"} <= set(defined):
        found.append(f"cmi5-defined verbs repeat or both passed and failed: {defined}")
    times = [datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00")) for s in statements]
    if times != sorted(times):
        found.append("timestamps go back in time")
    for s, verb in zip(statements, verbs):
        where = f"{verb} {s['id']}"
        context, result = s.get("context", {}), s.get("result", {})
        if context.get("registration") != registration:
            found.append(f"{where}: registration is not the launch's")
        if context.get("extensions", {}).get(SESSION_ID) != session_id:
            found.append(f"{where}: no session id of the context template")
        if publisher_id not in {a["id"] for a in context.get("contextActivities", {}).get("grouping", [])}:
            found.append(f"{where}: the publisher id is not in contextActivities.grouping")
        is_defined = s["verb"]["id"] in CMI5_DEFINED
        if (CMI5_CATEGORY in categories(s)) != is_defined:
            found.append(f"{where}: cmi5 category {'missing' if is_defined else 'on an allowed statement'}")
        if (MOVEON_CATEGORY in categories(s)) != (is_defined and ("success" in result or "completion" in result)):
            found.append(f"{where}: moveon category wrong")
        if not is_defined:
            continue
        if s["object"]["id"] != activity_id:
            found.append(f"{where}: object is not the launch's activityId")
        allowed = {"completed": {"completion", "duration"}, "passed": {"success", "duration", "score"},
                   "failed": {"success", "duration", "score"}, "terminated": {"duration"}, "initialized": set()}[verb]
        if set(result) - allowed - {"extensions"}:
            found.append(f"{where}: result has {sorted(set(result) - allowed)}")
        if verb != "initialized" and "duration" not in result:
            found.append(f"{where}: no duration")
        if verb in ("passed", "failed") and mastery is not None:
            if context.get("extensions", {}).get(MASTERY) != mastery:
                found.append(f"{where}: no masteryscore extension {mastery}")
            scaled = result.get("score", {}).get("scaled")
            if scaled is not None and (scaled >= mastery) != (verb == "passed"):
                found.append(f"{where}: scaled score {scaled} against mastery {mastery}")
    return found


def all_problems(statements: Iterable[Statement]) -> list[str]:
    """xAPI problems of many statements, each prefixed with its verb and id."""
    return [f"{s.get('verb', {}).get('id')} {s.get('id')}: {p}" for s in statements for p in statement_problems(s)]


RALPH_MODELS = Path(__file__).resolve().parents[1] / "peers" / "ralph_models.py"


class RalphModels:
    """tests/peers/ralph_models.py as a long-lived subprocess of Ralph's interpreter: one statement in, its problems out."""

    def __init__(self, python: Path) -> None:
        self.lock = threading.Lock()
        self.process = subprocess.Popen([str(python), str(RALPH_MODELS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, encoding="utf-8")

    def problems(self, statement: Statement) -> list[str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        with self.lock:
            self.process.stdin.write(json.dumps(statement) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the Ralph model checker ended")
        return list(json.loads(line))

    def all_problems(self, statements: Iterable[Statement]) -> list[str]:
        """Ralph's problems with many statements, each prefixed with its verb and id."""
        return [f"{s.get('verb', {}).get('id')} {s.get('id')}: {p}" for s in statements for p in self.problems(s)]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)
