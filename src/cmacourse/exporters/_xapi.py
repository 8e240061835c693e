"""What the cmi5 and Tin Can exporters share: IRIs, language maps, activity definitions, AU rules and the runtime files."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Protocol

import attrs

from ..errors import UsageError
from ..iri import DESCRIPTION as IRI_RULE
from ..iri import is_absolute_iri
from ..model import Course, GlossaryTerm
from ..player import XAPI_DATA_SCRIPT
from ..player.data import script_json
from ..player.rendering import MarkdownRenderer
from ..interactions import interaction
from ..questions import Question

#: The base IRI when neither ``-O base_iri=`` nor ``base_iri`` in course.yaml gives one. The reserved
#: ``.invalid`` domain (RFC 2606) keeps it stable per course id while showing that nobody owns it.
DEFAULT_BASE_IRI = "https://cmacourse.invalid/courses/{course_id}"

#: ADL and Activity Streams activity types (xAPI vocabulary) for each kind of activity.
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "page": "http://activitystrea.ms/schema/1.0/page",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "objective": "http://adlnet.gov/expapi/activities/objective",
}

#: The course's activity data the xAPI adapters read; the player ships their core (``runtime/xapi/``).
RUNTIME_DATA = XAPI_DATA_SCRIPT


class LaunchLike(Protocol):
    """What an exporter needs of a launch document (``cmacourse.player.Launch`` has it)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def href(self) -> str: ...
    @property
    def module_ids(self) -> tuple[str, ...]: ...
    @property
    def assessment_ids(self) -> tuple[str, ...]: ...
    @property
    def mastery_score(self) -> float | None: ...


@attrs.frozen
class Iris:
    """Every activity IRI of a course, under one base; flat per kind because ids are unique course-wide."""

    base: str

    @classmethod
    def for_course(cls, course: Course, options: Mapping[str, Any]) -> Iris:
        """The IRIs from ``-O base_iri=``, else ``course.base_iri``, else DEFAULT_BASE_IRI.

        Raises:
            UsageError: the option is not an absolute IRI.
        """
        option = options.get("base_iri")
        base = str(option).strip() if option else course.base_iri or DEFAULT_BASE_IRI.format(course_id=course.id)
        if not is_absolute_iri(base):
            raise UsageError(f"base_iri {base!r} is not {IRI_RULE}")
        return cls(base.rstrip("/"))

    def course(self) -> str:
        """The course's own IRI: the base itself."""
        return self.base

    def module(self, module_id: str) -> str:
        """The IRI of the module with that id."""
        return f"{self.base}/modules/{module_id}"

    def page(self, page_id: str) -> str:
        """The IRI of the page with that id."""
        return f"{self.base}/pages/{page_id}"

    def assessment(self, assessment_id: str) -> str:
        """The IRI of the assessment with that id."""
        return f"{self.base}/assessments/{assessment_id}"

    def question(self, question_id: str) -> str:
        """The IRI of the question with that id."""
        return f"{self.base}/questions/{question_id}"

    def objective(self, objective_id: str) -> str:
        """The IRI of the objective with that id."""
        return f"{self.base}/objectives/{objective_id}"

    def launch(self, launch: LaunchLike) -> str:
        """A launch document's IRI: its module's when it plays exactly one module."""
        if len(launch.module_ids) == 1:
            return self.module(launch.module_ids[0])
        return f"{self.base}/launches/{launch.id}"


def lang_map(course: Course, markdown: str) -> dict[str, str]:
    """An xAPI language map of the text, as a learner reads it without markup, in the course's language."""
    return {course.language: _renderer(course.glossary).plain(markdown)}


@functools.lru_cache(maxsize=4)
def _renderer(glossary: tuple[GlossaryTerm, ...]) -> MarkdownRenderer:
    return MarkdownRenderer(glossary)


def scaled(percent: float) -> Decimal:
    """A 0–100 percentage as a 0–1 decimal with at most 4 places (cmi5 masteryScore)."""
    return (Decimal(str(percent)) / 100).quantize(Decimal("0.0001")).normalize()


def _components(pairs: Iterable[tuple[str, str]], course: Course) -> list[dict[str, Any]]:
    return [{"id": cid, "description": lang_map(course, text)} for cid, text in pairs]


def interaction_fields(question: Question, course: Course) -> dict[str, Any]:
    """The interaction part of a question's activity definition (``cmacourse.interactions``), texts as language maps."""
    found = interaction(question)
    fields: dict[str, Any] = {"interactionType": found.type}
    if found.patterns:
        fields["correctResponsesPattern"] = list(found.patterns)
    for name in ("choices", "source", "target"):
        if getattr(found, name):
            fields[name] = _components(getattr(found, name), course)
    return fields


def definition(kind: str, course: Course, name: str, description: str | None = None) -> dict[str, Any]:
    """An activity definition: type, name and description (Tin Can requires both texts)."""
    return {"type": ACTIVITY_TYPES[kind], "name": lang_map(course, name),
            "description": lang_map(course, description or name)}


def activities(course: Course, iris: Iris) -> dict[str, Any]:
    """Every activity of the course by kind and id: the one source for tincan.xml and for the runtime's statements."""
    def entry(iri: str, defn: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {"id": iri, "definition": defn, **extra}

    modules = {m.id: entry(iris.module(m.id), definition("module", course, m.title, m.summary)) for m in course.modules}
    pages = {p.id: entry(iris.page(p.id), definition("page", course, p.title), module=m.id)
             for m in course.modules for p in m.pages}
    assessments = {a.id: entry(iris.assessment(a.id), definition("assessment", course, a.title, a.introduction))
                   for a in course.assessments}
    questions = {
        q.id: entry(iris.question(q.id), {**definition("question", course, q.prompt), **interaction_fields(q, course)},
                    assessment=a.id, objectives=[iris.objective(o) for o in q.objectives])
        for a, q in course.questions()
    }
    return {
        "language": course.language,
        "course": entry(iris.course(), definition("course", course, course.title, course.description)),
        "modules": modules, "pages": pages, "assessments": assessments, "questions": questions,
    }


def runtime_files(course: Course, iris: Iris) -> Iterable[tuple[str, bytes]]:
    """The course's activity data, as the script the launch documents load before the xAPI core."""
    yield RUNTIME_DATA, f"window.cmaXapiActivities = {script_json(activities(course, iris))};\n".encode()


@attrs.frozen
class AuRules:
    """When an LMS may move a learner on from a launch: cmi5 ``moveOn`` and ``masteryScore`` (0–1)."""

    move_on: str
    mastery_score: Decimal | None


def au_rules(course: Course, launch: LaunchLike) -> AuRules:
    """moveOn and masteryScore of a launch document, from the content's completion rules.

    Pages that must all be viewed make ``Completed``; assessments judged against the launch's pass mark
    (the player's ``Launch.mastery_score``) make ``Passed``; both make ``CompletedAndPassed``; a launch
    with neither (a course document with no final exam) is ``NotApplicable``.
    """
    pages = any(m.completion.view_all_pages and m.pages for m in map(course.module, launch.module_ids))
    judged = bool(launch.assessment_ids) and launch.mastery_score is not None
    move_on = {(True, True): "CompletedAndPassed", (False, True): "Passed",
               (True, False): "Completed", (False, False): "NotApplicable"}[(pages, judged)]
    return AuRules(move_on, scaled(launch.mastery_score) if judged and launch.mastery_score is not None else None)
