"""The course data script: the rules and answer keys the player needs, as one JSON blob safe to load from a file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..interactions import interaction
from ..model import Course
from ..questions import Assessment, Question, player_question
from .layout import LaunchLayout
from .rendering import MarkdownRenderer
from .state import StateLayout, worst_case_length
from .words import words_for

#: The global the data script defines; the player reads nothing else from the build.
DATA_GLOBAL = "cmaCourse"

# Characters that would end a <script> element or a JavaScript string if this JSON were ever inlined.
_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: Any) -> str:
    """Compact JSON with no character that could close a script element or break a JavaScript string."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # One str.replace per character: a pass in C each, where mapping every character costs a call.
    # No escape contains a character of the table, so the order of the passes does not matter.
    for char, escape in _SCRIPT_SAFE.items():
        text = text.replace(char, escape)
    return text


def data_script(course: Course, layouts: tuple[LaunchLayout, ...], renderer: MarkdownRenderer) -> Iterator[str]:
    """The JavaScript file that defines ``window.cmaCourse`` for every launch document of a package, in pieces:
    an assessment or a launch at a time, so that a large course's data is never held whole."""
    head = {
        "format": 1,
        "id": course.id,
        "title": course.title,
        "language": course.language,
        "words": words_for(course.language).script_data(),
        "finalExam": course.final_exam.id if course.final_exam else None,
        "modules": {m.id: {"title": m.title, "requires": list(m.requires), "viewAll": m.completion.view_all_pages,
                           "pages": [p.id for p in m.pages], "assessments": [a.id for a in m.assessments]}
                    for m in course.modules},
    }
    def assessments() -> Iterator[tuple[str, dict[str, Any]]]:
        # Every assessment is in one launch only (layout.launch_layouts), so no key repeats.
        for layout in layouts:
            for assessment in layout.assessments:
                yield assessment.id, assessment_data(layout, assessment, renderer)

    def launches() -> Iterator[tuple[str, dict[str, Any]]]:
        for layout in layouts:
            yield layout.launch.href, launch_data(layout)

    yield f"window.{DATA_GLOBAL} = "
    yield from script_json_parts(head, {"assessments": assessments(), "launches": launches()})
    yield ";\n"


def script_json_parts(head: Mapping[str, Any], groups: Mapping[str, Iterable[tuple[str, Any]]]) -> Iterator[str]:
    """:func:`script_json` of ``head`` with one more member per group, an object given member by member, in
    pieces: a large object is never held whole. The same text as one ``script_json`` of the whole, since
    compact JSON joins members with "," alone."""
    yield script_json(head)[:-1] if head else "{"
    separator = "," if head else ""
    for name, members in groups.items():
        yield f"{separator}{script_json(name)}:{{"
        separator = ","
        for index, (key, value) in enumerate(members):
            yield ("," if index else "") + script_json(key) + ":" + script_json(value)
        yield "}"
    yield "}"


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
        "seeded": assessment.seeded,
        "points": sum(q.points for q in assessment.questions if player_question(q).scored),
        "questions": [question_data(q, renderer) for q in assessment.questions],
    }


def question_data(question: Question, renderer: MarkdownRenderer) -> dict[str, Any]:
    """What the player needs to show, grade and report a question: its type's ``player_data()`` and the common fields.

    A type the player does not show is played as its ``player_question()``; ``type`` is then the type played.
    """
    played = player_question(question)
    slot = played.answer_slot()
    recorded = interaction(played)
    return {"id": question.id, "type": played.type_name, "points": played.points if played.scored else 0,
            "scored": played.scored, "objectives": list(question.objectives), "text": renderer.plain(question.prompt),
            "slot": {"codec": slot.codec, "size": slot.size, "places": slot.places},
            "interaction": {"type": recorded.type, "pattern": list(recorded.patterns)},
            **played.player_data(renderer.plain)}
