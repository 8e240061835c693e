"""What the cmi5 and Tin Can exporters share: IRIs, language maps, activity definitions, AU rules and the runtime files."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Protocol

import attrs

from ..errors import UsageError
from ..iri import DESCRIPTION as IRI_RULE
from ..iri import is_absolute_iri
from ..model import Course, GlossaryTerm
from ..packaging import PackageWriter
from ..player import XAPI_DATA_SCRIPT
from ..player.data import script_json_parts
from ..player.layout import own_screen_title
from ..player.rendering import MarkdownRenderer
from ..player.words import words_for
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

    def screen(self, screen_id: str) -> str:
        """The IRI of one of the player's own screens (results, glossary), as the runtime names it."""
        return f"{self.base}/screens/{screen_id}"

    def objective(self, objective_id: str) -> str:
        """The IRI of the objective with that id."""
        return f"{self.base}/objectives/{objective_id}"

    def launch(self, launch: LaunchLike) -> str:
        """A launch document's IRI: its module's when it plays exactly one module."""
        if len(launch.module_ids) == 1:
            return self.module(launch.module_ids[0])
        return f"{self.base}/launches/{launch.id}"


@attrs.frozen
class Editions:
    """The course and, when it is a translation, the course it was translated from: the languages its maps carry.

    xAPI 1.0.3 (section 4.1.11) lets a language map hold the same text in several languages. A package
    built in the source language carries that language; one built from a translation carries its own
    and the source's, so an LRS, which keys activities on their ids (the same in both), holds one
    activity with its name in both. Other translations are left out: they may be stale or missing, and
    a package never changes because another language was added.
    """

    courses: tuple[Course, ...]
    items: tuple[Mapping[tuple[str, str], Any], ...]

    @classmethod
    def of(cls, course: Course) -> Editions:
        """The editions of ``course``: itself first, then the source of its translation, if any."""
        courses = (course,) if course.translated_from is None else (course, course.translated_from)
        return cls(courses, tuple(_items(each) for each in courses))

    def lang_map(self, kind: str, item_id: str, *fields: str) -> dict[str, str]:
        """The first of ``fields`` the item of that kind and id sets, in each edition's language, without markup."""
        found: dict[str, str] = {}
        for course, items in zip(self.courses, self.items):
            item = items.get((kind, item_id))
            text = next((getattr(item, field) for field in fields if getattr(item, field, None)), None)
            if text is not None:
                found.setdefault(course.language, _renderer(course.glossary).plain(text))
        return _without_copies(found)

    def own_words(self, screen_id: str) -> dict[str, str]:
        """The title of one of the player's own screens in the player's words of each edition's language."""
        return _without_copies({course.language: own_screen_title(screen_id, words_for(course.language))
                                for course in self.courses})

    def components(self, question_id: str) -> dict[str, list[dict[str, Any]]]:
        """The interaction components of a question (choices, source, target), each described in every edition."""
        texts: list[tuple[Course, dict[str, dict[str, str]]]] = []
        for course, items in zip(self.courses, self.items):
            found = interaction(items[("question", question_id)])
            texts.append((course, {name: dict(getattr(found, name)) for name in ("choices", "source", "target")}))
        first = texts[0][1]

        def described(name: str, cid: str) -> dict[str, str]:
            return _without_copies({course.language: _renderer(course.glossary).plain(each[name][cid])
                                    for course, each in texts if cid in each[name]})

        return {name: [{"id": cid, "description": described(name, cid)} for cid in first[name]] for name in first if first[name]}


def _without_copies(language_map: dict[str, str]) -> dict[str, str]:
    """The map without a translation that is the source's text itself (a unit not translated yet, imported with
    --partial, or a name that stays as it is): a language's entry is text in that language."""
    if len(language_map) == 2:
        (_, text), (source, original) = language_map.items()
        if text == original:
            return {source: original}
    return language_map


def _items(course: Course) -> dict[tuple[str, str], Any]:
    """Every item of the course a language map names, by (kind, id): ids are unique course-wide per kind."""
    items: dict[tuple[str, str], Any] = {("course", course.id): course}
    for module in course.modules:
        items[("module", module.id)] = module
        items.update((("page", page.id), page) for page in module.pages)
        items.update((("objective", objective.id), objective) for objective in module.objectives)
    for assessment in course.assessments:
        items[("assessment", assessment.id)] = assessment
        items.update((("question", question.id), question) for question in assessment.questions)
    return items


@functools.lru_cache(maxsize=4)
def _renderer(glossary: tuple[GlossaryTerm, ...]) -> MarkdownRenderer:
    return MarkdownRenderer(glossary)


def scaled(percent: float) -> Decimal:
    """A 0–100 percentage as a 0–1 decimal with at most 4 places (cmi5 masteryScore)."""
    return (Decimal(str(percent)) / 100).quantize(Decimal("0.0001")).normalize()


def interaction_fields(question: Question, editions: Editions) -> dict[str, Any]:
    """The interaction part of a question's activity definition (``cmacourse.interactions``), texts as language maps."""
    found = interaction(question)
    fields: dict[str, Any] = {"interactionType": found.type}
    if found.patterns:
        fields["correctResponsesPattern"] = list(found.patterns)
    fields.update(editions.components(question.id))
    return fields


def definition(kind: str, editions: Editions, item_id: str, name: str, description: str | None = None) -> dict[str, Any]:
    """An activity definition: type, and the item's ``name`` and ``description`` fields as language maps.

    Tin Can requires both texts, so an item without a description is described by its name.
    """
    descriptions = (description, name) if description else (name,)
    return {"type": ACTIVITY_TYPES[kind], "name": editions.lang_map(kind, item_id, name),
            "description": editions.lang_map(kind, item_id, *descriptions)}


class Activities:
    """Every activity of the course by kind and id: the one source for tincan.xml and for the runtime's statements.

    Made kind by kind as they are read, so that the definitions of a large course are never all held.
    """

    #: The kinds of activity by id, in the order the runtime's data lists them after the course.
    KINDS = ("modules", "pages", "assessments", "questions", "screens")

    def __init__(self, course: Course, iris: Iris) -> None:
        self.course, self.iris = course, iris
        self.editions = Editions.of(course)

    @property
    def language(self) -> str:
        return self.course.language

    def course_entry(self) -> dict[str, Any]:
        """The course's own activity."""
        return _entry(self.iris.course(), definition("course", self.editions, self.course.id, "title", "description"))

    def entries(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """The activities of one of ``KINDS``, by id, in course order."""
        course, iris, editions = self.course, self.iris, self.editions
        if kind == "modules":
            for m in course.modules:
                yield m.id, _entry(iris.module(m.id), definition("module", editions, m.id, "title", "summary"))
        elif kind == "pages":
            for m in course.modules:
                for p in m.pages:
                    yield p.id, _entry(iris.page(p.id), definition("page", editions, p.id, "title"), module=m.id)
        elif kind == "assessments":
            for a in course.assessments:
                yield a.id, _entry(iris.assessment(a.id), definition("assessment", editions, a.id, "title", "introduction"))
        elif kind == "questions":
            for a, q in course.questions():
                defn = {**definition("question", editions, q.id, "prompt"), **interaction_fields(q, editions)}
                yield q.id, _entry(iris.question(q.id), defn, assessment=a.id, objectives=[iris.objective(o) for o in q.objectives])
        elif kind == "screens":
            for s in ("results", "glossary"):
                if s == "results" or course.glossary:
                    yield s, _entry(iris.screen(s), {"type": ACTIVITY_TYPES["page"], "name": editions.own_words(s)})
        else:
            raise ValueError(f"no activities of the kind {kind!r}")

    def script(self) -> Iterator[str]:
        """``window.cmaXapiActivities = {...};``, an activity at a time: ``language``, ``course``, then each kind by id."""
        yield "window.cmaXapiActivities = "
        yield from script_json_parts({"language": self.language, "course": self.course_entry()},
                                     {kind: self.entries(kind) for kind in self.KINDS})
        yield ";\n"


def _entry(iri: str, defn: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": iri, "definition": defn, **extra}


def add_runtime_files(writer: PackageWriter, activities: Activities) -> None:
    """The course's activity data, as the script the launch documents load before the xAPI core."""
    writer.add_parts(RUNTIME_DATA, activities.script())


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
