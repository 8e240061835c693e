"""Assessments and their question types: each type is one class that says how it is read, checked and played.

The protocol every consumer uses (README, *Plugins*):

- ``type_name`` and ``schema``: the ``type`` authors write and the JSON Schema of the question;
- ``from_raw``: the model from validated content;
- ``check()``: the rules a schema cannot express, as ``Finding`` values that validation locates;
- ``markdown()``: every Markdown text, for link checks;
- ``answer_slot()`` and ``player_data()``: what the player saves of an answer and what it needs to grade it;
- ``fallback()``: the built-in question that asks the same thing, for every format that has no writer
  registered for the type (each format module keeps a ``functools.singledispatch`` table of writers).
"""

from __future__ import annotations

import hashlib
import math
import string
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Literal

import attrs

from .jsonschemas import not_finite_message
from .sourcemap import SourceRef

#: How the player writes an answer into the saved state (grammar in ``cmacourse/player/state.py``).
Codec = Literal["index", "bits", "boolean", "indexes", "text", "number"]
#: Renders an author's Markdown as plain text, for descriptions the player hands to the tracking adapters.
PlainText = Callable[[str], str]
#: Longest text a learner can type into an open answer (a plugin type with no fallback).
OPEN_ANSWER_LENGTH = 200


@attrs.frozen(kw_only=True)
class Feedback:
    """What a learner reads after a right or a wrong answer."""

    correct: str
    incorrect: str

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any] | None) -> Feedback | None:
        return cls(correct=raw["correct"], incorrect=raw["incorrect"]) if raw else None


@attrs.frozen(kw_only=True)
class Finding:
    """A problem a question's own rules found, located by validation inside the question."""

    code: str
    message: str
    #: JSON pointer inside the question (``/options``), empty for the question itself.
    where: str = ""
    severity: Literal["error", "warning"] = "error"
    hint: str | None = None
    #: Pointer inside the question of the first use of a repeated value, named in the hint.
    first: str | None = None


@attrs.frozen(kw_only=True)
class AnswerSlot:
    """What the saved state needs to know about one question's answer, and how it writes it."""

    codec: Codec
    #: Options (``index``, ``bits``), targets (matching) or items (ordering).
    size: int = 0
    #: How many indexes an ``indexes`` answer holds: matching prompts, ordering items.
    places: int = 0
    #: Longest text a learner can type (``text``).
    max_length: int = 0


@attrs.frozen(kw_only=True)
class Question:
    """Fields every question has. A plugin question type subclasses it and sets ``type_name`` and ``schema``."""

    type_name: ClassVar[str]
    #: A JSON Schema, or ``"assessment#/$defs/<name>"`` for a packaged one.
    schema: ClassVar[str | Mapping[str, Any]]
    #: Whether the player shows this type itself (a template widget and a ``questions.js`` entry).
    played: ClassVar[bool] = False
    #: Whether the prompt holds blanks (``___``) that the player draws as a line.
    blanks: ClassVar[bool] = False
    #: Whether the player scores the answer; an open answer is saved and reported only.
    scored: ClassVar[bool] = True

    id: str
    prompt: str
    points: float = 1
    objectives: tuple[str, ...] = ()
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def common(cls, raw: Mapping[str, Any], source: SourceRef) -> dict[str, Any]:
        return {"id": raw["id"], "prompt": raw["prompt"], "points": raw.get("points", 1),
                "objectives": tuple(raw.get("objectives", ())), "source": source}

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Question:
        raise NotImplementedError

    def common_fields(self) -> dict[str, Any]:
        """The fields every question has, to build a ``fallback()`` that keeps id, prompt, points and objectives."""
        return {"id": self.id, "prompt": self.prompt, "points": self.points, "objectives": self.objectives,
                "source": self.source}

    def markdown(self) -> tuple[str, ...]:
        """Every Markdown text of the question, for link checks."""
        return (self.prompt,)

    def check(self) -> Iterator[Finding]:
        """The problems a schema cannot see; a subclass yields its own after ``super().check()``."""
        yield from not_finite(self.points, "/points")

    def fallback(self) -> Question | None:
        """The built-in question that asks the same thing, for formats with no writer for this type.

        None (the default) leaves each format's last resort: an essay graded by hand in LMS question
        formats, an ``other`` interaction in xAPI, an open answer that is saved but not scored in the player.
        """
        return None

    def answer_slot(self) -> AnswerSlot:
        """How the player saves an answer; only types the player shows (``played``) are asked."""
        return AnswerSlot(codec="text", max_length=OPEN_ANSWER_LENGTH)

    def player_data(self, plain: PlainText) -> dict[str, Any]:
        """What the player's ``questions.js`` entry for the type needs besides id, type, points and prompt."""
        return {"maxLength": OPEN_ANSWER_LENGTH}

    @property
    def shuffled(self) -> bool | None:
        """Whether learners see the answers in an order of their own (each attempt's seed decides it);
        None for a type whose answers have no order to shuffle."""
        return None


def player_question(question: Question) -> Question:
    """The question the player shows: itself when its type is played, else its fallback, else an open answer."""
    if question.played:
        return question
    fallback = question.fallback()
    if fallback is not None and fallback.played:
        return fallback
    return OpenAnswer(**question.common_fields())


def not_finite(value: object, where: str) -> Iterator[Finding]:
    # YAML's .nan and .inf are numbers to JSON Schema, and NaN fails no comparison, so they pass
    # minimum and maximum. No score, answer or tolerance can be one, and JSON cannot carry them.
    if isinstance(value, float) and not math.isfinite(value):
        yield Finding(code="value.not-finite", message=not_finite_message(value), where=where)


def repeated(what: str, values: Sequence[str], where: str) -> Iterator[Finding]:
    """A finding for each value that appears more than once: learners could not tell them apart."""
    for value, count in Counter(values).items():
        if count > 1:
            yield Finding(code="question.repeated", where=where,
                          message=f"the {what} {value!r} appears {count} times; learners could not tell them apart")


def scrambled(question_id: str, texts: Sequence[str]) -> list[int]:
    """A fixed order of indexes that is not the given one (when there are two or more).

    It depends only on the question and its texts, so builds stay reproducible; the player
    never shows an ordering question already solved.
    """
    order = sorted(range(len(texts)), key=lambda i: hashlib.sha256(f"{question_id}\0{i}\0{texts[i]}".encode()).digest())
    if len(order) > 1 and order == list(range(len(order))):
        order = order[1:] + order[:1]
    return order


@attrs.frozen(kw_only=True)
class Option:
    """One answer of a choice question, with the feedback shown when a learner picks it."""

    id: str
    text: str
    feedback: str
    correct: bool = False


def _options(raw: Mapping[str, Any]) -> tuple[Option, ...]:
    # Options default to a, b, c... by position: short, stable, and valid in every standard's response pattern.
    return tuple(
        Option(id=item.get("id", option_letter(index)), text=item["text"], feedback=item["feedback"], correct=item.get("correct", False))
        for index, item in enumerate(raw["options"])
    )


def option_letter(index: int) -> str:
    """The default id of the option at ``index``: ``a``, ``b``… then ``o27``, ``o28``…"""
    letters = string.ascii_lowercase
    return letters[index] if index < len(letters) else f"o{index + 1}"


@attrs.frozen(kw_only=True)
class SingleChoice(Question):
    """Pick the one correct option."""

    type_name: ClassVar[str] = "single_choice"
    schema: ClassVar[str] = "assessment#/$defs/single_choice"
    played: ClassVar[bool] = True
    #: Whether several options may be right, and learners pick every one.
    multiple: ClassVar[bool] = False
    options: tuple[Option, ...]
    #: False keeps the written order for every learner ("all of the above").
    shuffle: bool = True

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> SingleChoice:
        return cls(**cls.common(raw, source), options=_options(raw), shuffle=raw.get("shuffle", True))

    def markdown(self) -> tuple[str, ...]:
        return (self.prompt, *(text for o in self.options for text in (o.text, o.feedback)))

    @property
    def shuffled(self) -> bool | None:
        return self.shuffle

    def check(self) -> Iterator[Finding]:
        yield from super().check()
        first: dict[str, int] = {}
        for index, option in enumerate(self.options):
            if option.id in first:
                yield Finding(code="id.duplicate", message=f"the option id {option.id!r} is used more than once",
                              where=f"/options/{index}/id", first=f"/options/{first[option.id]}/id")
            first.setdefault(option.id, index)
        correct = sum(o.correct for o in self.options)
        if correct == 0:
            yield Finding(code="question.no-correct-answer", message="no option is marked correct: true", where="/options")
        elif correct > 1 and not self.multiple:
            yield Finding(code="question.several-correct", where="/options",
                          message=f"{correct} options are marked correct in a single_choice question",
                          hint="use type: multiple_response, or mark one option only")

    def answer_slot(self) -> AnswerSlot:
        return AnswerSlot(codec="bits" if self.multiple else "index", size=len(self.options))

    def player_data(self, plain: PlainText) -> dict[str, Any]:
        return {"choices": [{"id": o.id, "text": plain(o.text)} for o in self.options],
                "correct": [i for i, o in enumerate(self.options) if o.correct], "shuffle": self.shuffle}


@attrs.frozen(kw_only=True)
class MultipleResponse(SingleChoice):
    """Pick every correct option."""

    type_name: ClassVar[str] = "multiple_response"
    schema: ClassVar[str] = "assessment#/$defs/multiple_response"
    multiple: ClassVar[bool] = True


@attrs.frozen(kw_only=True)
class TrueFalse(Question):
    """Judge a statement true or false."""

    type_name: ClassVar[str] = "true_false"
    schema: ClassVar[str] = "assessment#/$defs/true_false"
    played: ClassVar[bool] = True
    answer: bool
    feedback: Feedback | None = None

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> TrueFalse:
        return cls(**cls.common(raw, source), answer=raw["answer"], feedback=Feedback.from_raw(raw.get("feedback")))

    def answer_slot(self) -> AnswerSlot:
        return AnswerSlot(codec="boolean", size=2)

    def player_data(self, plain: PlainText) -> dict[str, Any]:
        return {"correct": self.answer}


@attrs.frozen(kw_only=True)
class Pair:
    """A prompt and the answer it matches."""

    prompt: str
    match: str


@attrs.frozen(kw_only=True)
class Matching(Question):
    """Match each prompt with its answer."""

    type_name: ClassVar[str] = "matching"
    schema: ClassVar[str] = "assessment#/$defs/matching"
    played: ClassVar[bool] = True
    pairs: tuple[Pair, ...]
    distractors: tuple[str, ...] = ()
    feedback: Feedback | None = None
    #: False lists the answers in one fixed order for every learner.
    shuffle: bool = True

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Matching:
        pairs = tuple(Pair(prompt=p["prompt"], match=p["match"]) for p in raw["pairs"])
        return cls(**cls.common(raw, source), pairs=pairs, distractors=tuple(raw.get("distractors", ())),
                   feedback=Feedback.from_raw(raw.get("feedback")), shuffle=raw.get("shuffle", True))

    @property
    def shuffled(self) -> bool | None:
        return self.shuffle

    @property
    def targets(self) -> tuple[str, ...]:
        """The answers offered, by index: each pair's match, then the distractors."""
        return tuple(p.match for p in self.pairs) + self.distractors

    def unique_targets(self) -> tuple[list[str], list[int]]:
        """The answers, each text once and in this order, and the index of each pair's answer among them."""
        targets = list(dict.fromkeys(self.targets))
        return targets, [targets.index(p.match) for p in self.pairs]

    def check(self) -> Iterator[Finding]:
        yield from super().check()
        # A repeated prompt or answer would make two pairs indistinguishable for learners and LMSs alike.
        yield from repeated("prompt", [p.prompt for p in self.pairs], "/pairs")
        yield from repeated("answer", self.targets, "/pairs")

    def answer_slot(self) -> AnswerSlot:
        return AnswerSlot(codec="indexes", size=len(self.targets), places=len(self.pairs))

    def player_data(self, plain: PlainText) -> dict[str, Any]:
        targets = self.targets
        return {"sources": [{"id": str(i), "text": p.prompt} for i, p in enumerate(self.pairs)],
                "targets": [{"id": str(j), "text": t} for j, t in enumerate(targets)],
                # Two targets with the same text are the same answer to a learner, so either is right.
                "accept": [[j for j, t in enumerate(targets) if t == p.match] for p in self.pairs],
                "shuffle": self.shuffle}


@attrs.frozen(kw_only=True)
class Ordering(Question):
    """Put items in order; ``items`` holds the correct order."""

    type_name: ClassVar[str] = "ordering"
    schema: ClassVar[str] = "assessment#/$defs/ordering"
    played: ClassVar[bool] = True
    items: tuple[str, ...]
    feedback: Feedback | None = None

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Ordering:
        return cls(**cls.common(raw, source), items=tuple(raw["items"]), feedback=Feedback.from_raw(raw.get("feedback")))

    @staticmethod
    def item_id(index: int) -> str:
        """The id of an ordering item: ``i1``, ``i2``… by its place in the correct order."""
        return f"i{index + 1}"

    def check(self) -> Iterator[Finding]:
        yield from super().check()
        yield from repeated("item", self.items, "/items")

    def answer_slot(self) -> AnswerSlot:
        return AnswerSlot(codec="indexes", size=len(self.items), places=len(self.items))

    def player_data(self, plain: PlainText) -> dict[str, Any]:
        return {"choices": [{"id": self.item_id(i), "text": item} for i, item in enumerate(self.items)]}


@attrs.frozen(kw_only=True)
class FillBlank(Question):
    """Type a short answer that matches one of ``answers``."""

    type_name: ClassVar[str] = "fill_blank"
    schema: ClassVar[str] = "assessment#/$defs/fill_blank"
    played: ClassVar[bool] = True
    blanks: ClassVar[bool] = True
    answers: tuple[str, ...]
    case_sensitive: bool = False
    feedback: Feedback | None = None

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> FillBlank:
        return cls(**cls.common(raw, source), answers=tuple(raw["answers"]),
                   case_sensitive=raw.get("case_sensitive", False), feedback=Feedback.from_raw(raw.get("feedback")))

    @property
    def max_length(self) -> int:
        """The ``maxlength`` of the answer field: room for every accepted answer and a little more."""
        return max(30, max(len(a) for a in self.answers) + 10)

    def answer_slot(self) -> AnswerSlot:
        return AnswerSlot(codec="text", max_length=self.max_length)

    def player_data(self, plain: PlainText) -> dict[str, Any]:
        return {"answers": list(self.answers), "caseSensitive": self.case_sensitive, "maxLength": self.max_length}


@attrs.frozen(kw_only=True)
class Numeric(Question):
    """Type a number; any value within ``tolerance`` of ``answer`` is correct."""

    type_name: ClassVar[str] = "numeric"
    schema: ClassVar[str] = "assessment#/$defs/numeric"
    played: ClassVar[bool] = True
    #: Characters a learner may type: a long figure with separators, a sign and a unit.
    max_length: ClassVar[int] = 32
    answer: float
    tolerance: float = 0
    unit: str | None = None
    feedback: Feedback | None = None

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Numeric:
        return cls(**cls.common(raw, source), answer=raw["answer"], tolerance=raw.get("tolerance", 0),
                   unit=raw.get("unit"), feedback=Feedback.from_raw(raw.get("feedback")))

    def check(self) -> Iterator[Finding]:
        yield from super().check()
        if self.tolerance < 0:
            yield Finding(code="question.tolerance", message="the tolerance must be 0 or more", where="/tolerance")
        yield from not_finite(self.answer, "/answer")
        yield from not_finite(self.tolerance, "/tolerance")

    def answer_slot(self) -> AnswerSlot:
        return AnswerSlot(codec="number")

    def player_data(self, plain: PlainText) -> dict[str, Any]:
        return {"answer": self.answer, "tolerance": self.tolerance, "unit": self.unit}


@attrs.frozen(kw_only=True)
class OpenAnswer(Question):
    """The player's last resort for a plugin type with no fallback: a typed answer, saved and reported, not scored."""

    type_name: ClassVar[str] = "open_answer"
    schema: ClassVar[Mapping[str, Any]] = {"type": "object"}
    played: ClassVar[bool] = True
    scored: ClassVar[bool] = False


@attrs.frozen(kw_only=True)
class Assessment:
    """A knowledge check, module quiz or final exam."""

    id: str
    title: str
    kind: str
    questions: tuple[Question, ...]
    introduction: str | None = None
    mastery_score: float | None = None
    max_attempts: int | None = None
    shuffle: bool = False
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def total_points(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def graded(self) -> bool:
        """Whether the score counts: knowledge checks are practice; quizzes and exams count."""
        return self.kind != "knowledge_check"

    @property
    def seeded(self) -> bool:
        """Whether each attempt draws a seed: its questions or some question's answers come in a new order."""
        return self.shuffle or any(q.shuffled for q in self.questions)


#: The question types every installation has, by the ``type`` authors write.
BUILTIN_QUESTIONS: dict[str, type[Question]] = {
    cls.type_name: cls for cls in (SingleChoice, MultipleResponse, TrueFalse, Matching, Ordering, FillBlank, Numeric)
}
