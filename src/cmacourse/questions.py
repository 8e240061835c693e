"""Assessments and their question types."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from .sourcemap import SourceRef


@attrs.frozen(kw_only=True)
class Feedback:
    """What a learner reads after a right or a wrong answer."""

    correct: str
    incorrect: str

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any] | None) -> Feedback | None:
        return cls(correct=raw["correct"], incorrect=raw["incorrect"]) if raw else None


@attrs.frozen(kw_only=True)
class Question:
    """Fields every question has. A plugin question type subclasses it and sets ``type_name`` and ``schema``."""

    type_name: ClassVar[str]
    #: A JSON Schema, or ``"assessment#/$defs/<name>"`` for a packaged one.
    schema: ClassVar[str | Mapping[str, Any]]

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

    def markdown(self) -> tuple[str, ...]:
        """Every Markdown text of the question, for link checks."""
        return (self.prompt,)


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
        Option(id=item.get("id", _letter(index)), text=item["text"], feedback=item["feedback"], correct=item.get("correct", False))
        for index, item in enumerate(raw["options"])
    )


def _letter(index: int) -> str:
    letters = string.ascii_lowercase
    return letters[index] if index < len(letters) else f"o{index + 1}"


@attrs.frozen(kw_only=True)
class SingleChoice(Question):
    """Pick the one correct option."""

    type_name: ClassVar[str] = "single_choice"
    schema: ClassVar[str] = "assessment#/$defs/single_choice"
    options: tuple[Option, ...]

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> SingleChoice:
        return cls(**cls.common(raw, source), options=_options(raw))

    def markdown(self) -> tuple[str, ...]:
        return (self.prompt, *(text for o in self.options for text in (o.text, o.feedback)))


@attrs.frozen(kw_only=True)
class MultipleResponse(SingleChoice):
    """Pick every correct option."""

    type_name: ClassVar[str] = "multiple_response"
    schema: ClassVar[str] = "assessment#/$defs/multiple_response"


@attrs.frozen(kw_only=True)
class TrueFalse(Question):
    """Judge a statement true or false."""

    type_name: ClassVar[str] = "true_false"
    schema: ClassVar[str] = "assessment#/$defs/true_false"
    answer: bool
    feedback: Feedback | None = None

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> TrueFalse:
        return cls(**cls.common(raw, source), answer=raw["answer"], feedback=Feedback.from_raw(raw.get("feedback")))


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
    pairs: tuple[Pair, ...]
    distractors: tuple[str, ...] = ()
    feedback: Feedback | None = None

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Matching:
        pairs = tuple(Pair(prompt=p["prompt"], match=p["match"]) for p in raw["pairs"])
        return cls(**cls.common(raw, source), pairs=pairs, distractors=tuple(raw.get("distractors", ())),
                   feedback=Feedback.from_raw(raw.get("feedback")))


@attrs.frozen(kw_only=True)
class Ordering(Question):
    """Put items in order; ``items`` holds the correct order."""

    type_name: ClassVar[str] = "ordering"
    schema: ClassVar[str] = "assessment#/$defs/ordering"
    items: tuple[str, ...]
    feedback: Feedback | None = None

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Ordering:
        return cls(**cls.common(raw, source), items=tuple(raw["items"]), feedback=Feedback.from_raw(raw.get("feedback")))


@attrs.frozen(kw_only=True)
class FillBlank(Question):
    """Type a short answer that matches one of ``answers``."""

    type_name: ClassVar[str] = "fill_blank"
    schema: ClassVar[str] = "assessment#/$defs/fill_blank"
    answers: tuple[str, ...]
    case_sensitive: bool = False
    feedback: Feedback | None = None

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> FillBlank:
        return cls(**cls.common(raw, source), answers=tuple(raw["answers"]),
                   case_sensitive=raw.get("case_sensitive", False), feedback=Feedback.from_raw(raw.get("feedback")))


@attrs.frozen(kw_only=True)
class Numeric(Question):
    """Type a number; any value within ``tolerance`` of ``answer`` is correct."""

    type_name: ClassVar[str] = "numeric"
    schema: ClassVar[str] = "assessment#/$defs/numeric"
    answer: float
    tolerance: float = 0
    unit: str | None = None
    feedback: Feedback | None = None

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Numeric:
        return cls(**cls.common(raw, source), answer=raw["answer"], tolerance=raw.get("tolerance", 0),
                   unit=raw.get("unit"), feedback=Feedback.from_raw(raw.get("feedback")))


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


#: The question types every installation has, by the ``type`` authors write.
BUILTIN_QUESTIONS: dict[str, type[Question]] = {
    cls.type_name: cls for cls in (SingleChoice, MultipleResponse, TrueFalse, Matching, Ordering, FillBlank, Numeric)
}
