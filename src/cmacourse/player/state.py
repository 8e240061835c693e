"""The compact state string the player saves: its format, a codec mirroring player/state.js, and its worst-case size.

Grammar (every number in base 36 unless said otherwise)::

    state      = "1" fingerprint "|" pages "|" bookmark *( "|" assessment )   ; trailing empty parts dropped
    fingerprint= 4 characters that change when the launch's structure changes
    pages      = the viewed-pages bit set, 6 pages a character of BITS (page i is bit i % 6 of character i // 6)
    bookmark   = index of the current screen, or empty
    assessment = "" | attempt [ "." seed ] "~" response *( "," response )   ; trailing empty responses dropped;
                 a seed when the questions or some question's answers are shuffled
    response   = "" (not answered) | the answer, by the codec of the question type's ``answer_slot()``:
                 index: base 36 (single_choice); bits: a bit set in BITS (multiple_response); boolean: "t" / "f";
                 indexes: one index a place, each WIDTH characters of BITS (matching: a target a prompt;
                 ordering: an item a position); text: the characters in ESCAPED written %XX (fill_blank,
                 open answers); number: the number as JavaScript prints it (numeric)
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from typing import Union

import attrs

from ..questions import AnswerSlot, player_question
from .layout import LaunchLayout

#: The first character of every state string; bump it when the grammar changes.
STATE_VERSION = "1"
#: 64 characters none of which is a delimiter: bit sets and fixed-width indexes use them.
BITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
#: Characters of typed text written as ``%XX``: the delimiters, markup and quote characters, and controls,
#: so that a state string is safe in any LMS field, JSON document or attribute as it is.
ESCAPED = frozenset('%|,<>"\'&\\\x7f') | frozenset(chr(c) for c in range(0x20))
_UNESCAPE = re.compile(r"%([0-9A-F]{2})")
#: A stored attempt counter never exceeds this when attempts are unlimited (two base-36 digits).
ATTEMPT_CAP = 36 * 36 - 1
#: Shuffle seeds are below 36**4, so at most four characters.
SEED_LIMIT = 36**4
#: The longest text JavaScript's ``String(number)`` gives, e.g. ``-2.2250738585072014e-308``.
NUMERIC_MAX = 24

Response = Union[int, bool, str, tuple[int, ...]]


class StateError(ValueError):
    """A state string that does not belong to this launch or is not well formed."""


def width(slot: AnswerSlot) -> int:
    """Characters of one index in an ``indexes`` answer."""
    return 1 if slot.size <= len(BITS) else 2


@attrs.frozen(kw_only=True)
class AssessmentSlot:
    """What the state format needs to know about one assessment."""

    questions: tuple[AnswerSlot, ...]
    max_attempts: int | None = None
    #: Whether each attempt keeps a seed, from which the player orders questions and answers.
    seeded: bool = False


@attrs.frozen(kw_only=True)
class StateLayout:
    """The shape of one launch's state, from which strings are encoded, decoded and bounded."""

    fingerprint: str
    pages: int
    screens: int
    assessments: tuple[AssessmentSlot, ...]

    @classmethod
    def from_layout(cls, layout: LaunchLayout) -> StateLayout:
        """The state layout of a launch document; its fingerprint hashes ids and shapes, never wording."""
        slots = tuple(AssessmentSlot(questions=tuple(player_question(q).answer_slot() for q in a.questions),
                                     max_attempts=a.max_attempts, seeded=a.seeded) for a in layout.assessments)
        structure = [[s.id for s in layout.screens], [p.id for p in layout.pages],
                     [[a.id, *[[q.id, attrs.asdict(slot)] for q, slot in zip(a.questions, s.questions)]]
                      for a, s in zip(layout.assessments, slots)]]
        digest = hashlib.sha256(json.dumps(structure, sort_keys=True).encode()).digest()
        fingerprint = _base36(int.from_bytes(digest[:8], "big")).rjust(4, "0")[:4]
        return cls(fingerprint=fingerprint, pages=len(layout.pages), screens=len(layout.screens), assessments=slots)


@attrs.frozen(kw_only=True)
class AssessmentState:
    """One assessment's current attempt (0: never started), its shuffle seed and a response per question."""

    attempt: int = 0
    seed: int | None = None
    responses: tuple[Response | None, ...] = ()


@attrs.frozen(kw_only=True)
class Snapshot:
    """Everything a state string holds, decoded."""

    viewed: frozenset[int] = frozenset()
    bookmark: int | None = None
    assessments: tuple[AssessmentState, ...] = ()


# -- encoding ----------------------------------------------------------------------------------------


def encode_state(layout: StateLayout, snapshot: Snapshot) -> str:
    """The state string of a snapshot, exactly as the player writes it."""
    parts = [STATE_VERSION + layout.fingerprint, _bits(snapshot.viewed, layout.pages, minimum=0),
             "" if snapshot.bookmark is None else _base36(snapshot.bookmark)]
    for slot, state in zip(layout.assessments, snapshot.assessments):
        parts.append(_encode_assessment(slot, state))
    while len(parts) > 3 and not parts[-1]:
        parts.pop()
    return "|".join(parts)


def _encode_assessment(slot: AssessmentSlot, state: AssessmentState) -> str:
    if state.attempt == 0:
        return ""
    head = _base36(min(state.attempt, slot.max_attempts or ATTEMPT_CAP))
    if slot.seeded and state.seed is not None:
        head += "." + _base36(state.seed)
    answers = ["" if r is None else _encode_response(q, r) for q, r in zip(slot.questions, state.responses)]
    while answers and not answers[-1]:
        answers.pop()
    return head + "~" + ",".join(answers)


def _encode_response(slot: AnswerSlot, response: Response) -> str:
    codec = slot.codec
    if codec == "index":
        return _base36(int(response))  # type: ignore[arg-type]
    if codec == "bits":
        return _bits(response, slot.size, minimum=1)  # type: ignore[arg-type]
    if codec == "boolean":
        return "t" if response else "f"
    if codec == "indexes":
        return "".join(_fixed(i, width(slot)) for i in response)  # type: ignore[union-attr]
    if codec == "text":
        return "".join(f"%{ord(ch):02X}" if ch in ESCAPED else ch for ch in str(response))
    return str(response)


def _bits(members: Sequence[int] | frozenset[int], size: int, *, minimum: int) -> str:
    chars = [0] * math.ceil(size / 6)
    for index in members:
        chars[index // 6] |= 1 << (index % 6)
    while len(chars) > minimum and chars[-1] == 0:
        chars.pop()
    return "".join(BITS[c] for c in chars)


def _fixed(value: int, width: int) -> str:
    return BITS[value] if width == 1 else BITS[value // len(BITS)] + BITS[value % len(BITS)]


def _base36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        value, rest = divmod(value, 36)
        text = digits[rest] + text
        if not value:
            return text


# -- decoding ----------------------------------------------------------------------------------------


def decode_state(layout: StateLayout, text: str) -> Snapshot:
    """The snapshot a state string holds.

    Raises:
        StateError: the string was written for another course structure or is malformed.
    """
    parts = text.split("|")
    if parts[0] != STATE_VERSION + layout.fingerprint:
        raise StateError(f"state {parts[0]!r} is not version {STATE_VERSION} of this launch ({layout.fingerprint})")
    if len(parts) < 3 or len(parts) > 3 + len(layout.assessments):
        raise StateError(f"state has {len(parts)} parts")
    try:
        viewed = frozenset(i for i in range(layout.pages) if _bit(parts[1], i))
        bookmark = _number(parts[2], layout.screens) if parts[2] else None
        states = tuple(_decode_assessment(slot, parts[3 + i] if 3 + i < len(parts) else "")
                       for i, slot in enumerate(layout.assessments))
    except (ValueError, IndexError) as exc:
        raise StateError(f"malformed state: {exc}") from exc
    return Snapshot(viewed=viewed, bookmark=bookmark, assessments=states)


def _bit(chars: str, index: int) -> bool:
    position = index // 6
    return position < len(chars) and bool(BITS.index(chars[position]) >> (index % 6) & 1)


def _decode_assessment(slot: AssessmentSlot, text: str) -> AssessmentState:
    if not text:
        return AssessmentState(responses=(None,) * len(slot.questions))
    head, _, body = text.partition("~")
    attempt, _, seed = head.partition(".")
    answers = body.split(",") if body else []
    if len(answers) > len(slot.questions):
        raise ValueError("more answers than questions")
    answers += [""] * (len(slot.questions) - len(answers))
    responses = tuple(_decode_response(q, a) if a else None for q, a in zip(slot.questions, answers))
    return AssessmentState(attempt=_number(attempt, ATTEMPT_CAP + 1), seed=_number(seed, SEED_LIMIT) if seed else None,
                           responses=responses)


def _number(text: str, limit: int) -> int:
    """A base-36 number below ``limit``."""
    if not text.isalnum() or not text.isascii() or text != text.lower():
        raise ValueError(f"{text!r} is not a base-36 number")
    value = int(text, 36)
    if value >= limit:
        raise ValueError(f"{value} is out of range")
    return value


def _decode_response(slot: AnswerSlot, text: str) -> Response:
    codec = slot.codec
    if codec == "index":
        return _number(text, slot.size)
    if codec == "bits":
        return tuple(i for i in range(slot.size) if _bit(text, i))
    if codec == "boolean":
        if text not in ("t", "f"):
            raise ValueError(f"{text!r} is not t or f")
        return text == "t"
    if codec == "indexes":
        w = width(slot)
        values = tuple(sum(BITS.index(c) * len(BITS) ** (w - 1 - k) for k, c in enumerate(text[i:i + w]))
                       for i in range(0, len(text), w))
        if len(values) != slot.places or any(v >= slot.size for v in values):
            raise ValueError(f"{text!r} is not {slot.places} indexes below {slot.size}")
        return values
    if codec == "text":
        return _UNESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    if not math.isfinite(float(text)):
        raise ValueError(f"{text!r} is not a finite number")
    return text


# -- the worst case ----------------------------------------------------------------------------------


def worst_case_snapshot(layout: StateLayout) -> Snapshot:
    """The snapshot with the longest state string: every page viewed, every question answered at length."""
    return Snapshot(
        viewed=frozenset(range(layout.pages)), bookmark=max(layout.screens - 1, 0),
        assessments=tuple(AssessmentState(attempt=slot.max_attempts or ATTEMPT_CAP,
                                          seed=SEED_LIMIT - 1 if slot.seeded else None,
                                          responses=tuple(_longest(q) for q in slot.questions))
                          for slot in layout.assessments),
    )


def _longest(slot: AnswerSlot) -> Response:
    codec = slot.codec
    if codec == "index":
        return slot.size - 1
    if codec == "bits":
        return tuple(range(slot.size))
    if codec == "boolean":
        return True
    if codec == "indexes":
        return (slot.size - 1,) * slot.places
    if codec == "text":
        return "|" * slot.max_length  # every character escaped to three
    return "-" + "1" * (NUMERIC_MAX - 1)


def worst_case_length(layout: StateLayout) -> int:
    """Characters of the longest state string this layout can produce."""
    return len(encode_state(layout, worst_case_snapshot(layout)))
