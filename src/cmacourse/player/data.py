"""The course data script: the rules and answer keys the player needs, as one JSON blob safe to load from a file."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..model import Course
from ..questions import (
    Assessment,
    FillBlank,
    Matching,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TrueFalse,
)
from .layout import LaunchLayout
from .rendering import MarkdownRenderer
from .state import StateLayout, fill_blank_max_length, worst_case_length

#: The global the data script defines; the player reads nothing else from the build.
DATA_GLOBAL = "cmaCourse"

# Characters that would end a <script> element or a JavaScript string if this JSON were ever inlined.
_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: Any) -> str:
    """Compact JSON with no character that could close a script element or break a JavaScript string."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return "".join(_SCRIPT_SAFE.get(ch, ch) for ch in text)


def data_script(course: Course, layouts: tuple[LaunchLayout, ...], renderer: MarkdownRenderer) -> str:
    """The JavaScript file that defines ``window.cmaCourse`` for every launch document of a package."""
    data = {
        "format": 1,
        "id": course.id,
        "title": course.title,
        "language": course.language,
        "finalExam": course.final_exam.id if course.final_exam else None,
        "modules": {m.id: {"title": m.title, "requires": list(m.requires), "viewAll": m.completion.view_all_pages,
                           "pages": [p.id for p in m.pages], "assessments": [a.id for a in m.assessments]}
                    for m in course.modules},
        "assessments": {},
        "launches": {},
    }
    for layout in layouts:
        for assessment in layout.assessments:
            data["assessments"][assessment.id] = assessment_data(layout, assessment, renderer)
        data["launches"][layout.launch.href] = launch_data(layout)
    return f"window.{DATA_GLOBAL} = {script_json(data)};\n"


def launch_data(layout: LaunchLayout) -> dict[str, Any]:
    """What the player needs to run one launch document."""
    state = StateLayout.from_layout(layout)
    return {
        "id": layout.launch.id,
        "title": layout.launch.title,
        "modules": list(layout.launch.module_ids),
        "assessments": list(layout.launch.assessment_ids),
        "scored": [a.id for a in layout.scored],
        "mastery": layout.launch.mastery_score,
        "locks": layout.locks,
        "screens": [{"id": s.id, "kind": s.kind, "title": s.title, "module": s.module_id,
                     "page": s.page.id if s.page else None,
                     "assessment": s.assessment.id if s.assessment else None} for s in layout.screens],
        "fingerprint": state.fingerprint,
        "stateWorstCase": worst_case_length(state),
    }


def assessment_data(layout: LaunchLayout, assessment: Assessment, renderer: MarkdownRenderer) -> dict[str, Any]:
    """An assessment's rules (pass mark, attempts, shuffle) and its questions' keys."""
    module = layout.module_of(assessment)
    return {
        "title": assessment.title,
        "kind": assessment.kind,
        "graded": assessment.graded,
        "module": module.id if module else None,
        "mastery": layout.mastery(assessment),
        "maxAttempts": assessment.max_attempts,
        "shuffle": assessment.shuffle,
        "points": assessment.total_points,
        "questions": [question_data(q, renderer) for q in assessment.questions],
    }


def question_data(question: Question, renderer: MarkdownRenderer) -> dict[str, Any]:
    """A question's key and the descriptions adapters write into interactions, by type."""
    data: dict[str, Any] = {"id": question.id, "type": question.type_name, "points": question.points,
                            "objectives": list(question.objectives), "text": renderer.plain(question.prompt)}
    if isinstance(question, SingleChoice):  # and MultipleResponse
        data["choices"] = [{"id": o.id, "text": renderer.plain(o.text)} for o in question.options]
        data["correct"] = [i for i, o in enumerate(question.options) if o.correct]
    elif isinstance(question, TrueFalse):
        data["correct"] = question.answer
    elif isinstance(question, Matching):
        targets = matching_targets(question)
        data["sources"] = [{"id": str(i), "text": p.prompt} for i, p in enumerate(question.pairs)]
        data["targets"] = [{"id": str(j), "text": t} for j, t in enumerate(targets)]
        # Two targets with the same text are the same answer to a learner, so either is right.
        data["accept"] = [[j for j, t in enumerate(targets) if t == p.match] for p in question.pairs]
    elif isinstance(question, Ordering):
        data["choices"] = [{"id": item_id(i), "text": item} for i, item in enumerate(question.items)]
    elif isinstance(question, FillBlank):
        data["answers"] = list(question.answers)
        data["caseSensitive"] = question.case_sensitive
        data["maxLength"] = fill_blank_max_length(question)
    elif isinstance(question, Numeric):
        data["answer"] = question.answer
        data["tolerance"] = question.tolerance
        data["unit"] = question.unit
    return data


def item_id(index: int) -> str:
    """The id of an ordering item: ``i1``, ``i2``… by its place in the correct order."""
    return f"i{index + 1}"


def matching_targets(question: Matching) -> list[str]:
    """The answers a matching question offers, by index: each pair's match, then the distractors."""
    return [p.match for p in question.pairs] + list(question.distractors)


def scrambled(question_id: str, texts: list[str]) -> list[int]:
    """A fixed order of indexes that is not the given one (when there are two or more).

    It depends only on the question and its texts, so builds stay reproducible; the player
    never shows an ordering question already solved.
    """
    order = sorted(range(len(texts)), key=lambda i: hashlib.sha256(f"{question_id}\0{i}\0{texts[i]}".encode()).digest())
    if len(order) > 1 and order == list(range(len(order))):
        order = order[1:] + order[:1]
    return order
