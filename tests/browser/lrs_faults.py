"""Faults the test LMS's LRS front (xapi_lms.XapiLms, on 127.0.0.1 in front of Ralph) injects, as strict or troubled LRSs answer.

A fault hits the xAPI requests it matches (by resource, method and what the request carries) for a number of
requests or a number of seconds after its first hit, and then stops. What it does instead of, or on top of,
forwarding the request to Ralph:

- ``answer``: an HTTP status (400, 401, 403, 413, 429, 500, 503...) without forwarding, with ``Retry-After``
  when ``retry_after`` is set;
- ``delay``: seconds of wait before forwarding (a slow LRS);
- ``drop``: close the connection without an answer, ``"before"`` forwarding (nothing stored) or ``"after"``
  (stored, the answer lost);
- ``prestore``: store the first statement of the request on its own first (as if an earlier answer had been
  lost); with ``answer=409`` the front then refuses the batch as a strict LRS does for a known id (Ralph
  itself skips a statement it holds identically).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs

Statement = dict[str, Any]
#: What a fault may look at: the request's statements and its body.
Matcher = Callable[[Sequence[Statement], bytes], bool]


def statements_of(body: bytes) -> list[Statement]:
    """The statements a statements request carries (none for a GET or a state document)."""
    if not body:
        return []
    try:
        data = json.loads(body)
    except ValueError:
        return []
    return [s for s in (data if isinstance(data, list) else [data]) if isinstance(s, dict) and "verb" in s]


@attrs.define
class Fault:
    """One way of answering badly (see the module docstring)."""

    name: str
    answer: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    drop: str | None = None
    prestore: bool = False
    times: int | None = None
    seconds: float | None = None
    resources: tuple[str, ...] = ("statements",)
    methods: tuple[str, ...] = ("POST", "PUT")
    when: Matcher | None = None
    hits: int = 0
    first_hit: float | None = None
    last_hit: float | None = None

    def over(self, now: float) -> bool:
        if self.times is not None and self.hits >= self.times:
            return True
        return self.seconds is not None and self.first_hit is not None and now - self.first_hit >= self.seconds

    def matches(self, method: str, resource: str, statements: Sequence[Statement], body: bytes) -> bool:
        if method not in self.methods or resource not in self.resources:
            return False
        return self.when is None or self.when(statements, body)


class FaultPlan:
    """The faults of one test LMS, consulted for every xAPI request, first match wins."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()

    def decide(self, method: str, resource: str, body: bytes) -> Fault | None:
        """The fault that hits this request, counted as a hit; None to answer normally."""
        statements = statements_of(body) if resource == "statements" else []
        now = time.monotonic()
        with self.lock:
            for fault in self.faults:
                if fault.over(now) or not fault.matches(method, resource, statements, body):
                    continue
                fault.hits += 1
                fault.first_hit = now if fault.first_hit is None else fault.first_hit
                fault.last_hit = now
                return fault
        return None


def carries(verb: str, nth: int = 1) -> Matcher:
    """Requests holding the ``nth`` statement with this verb that the front sees (the same id every time)."""
    seen: list[str] = []

    def match(statements: Sequence[Statement], body: bytes) -> bool:
        for s in statements:
            if s["verb"]["id"].endswith("/" + verb) and s["id"] not in seen:
                seen.append(s["id"])
        return len(seen) >= nth and any(s["id"] == seen[nth - 1] for s in statements)

    match.seen = seen  # type: ignore[attr-defined]
    return match


def batches(minimum: int = 2) -> Matcher:
    """Requests carrying at least ``minimum`` statements."""
    return lambda statements, body: len(statements) >= minimum


def larger_than(limit: int) -> Matcher:
    """Requests whose body is over ``limit`` bytes (an LRS's request size limit)."""
    return lambda statements, body: len(body) > limit
