"""What one launch document holds: its screens in reading order, its assessments and the rules that score them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

from ..model import Course, Module, Page
from ..questions import Assessment
from .words import Words, words_for

ScreenKind = Literal["home", "page", "quiz", "results", "glossary"]
Scope = Literal["course", "module"]

#: Screen ids the player keeps for itself; a page or assessment with one of these ids is renamed.
RESERVED_SCREENS = ("home", "results", "glossary")


@attrs.frozen(kw_only=True)
class Launch:
    """One launch document of a package, as exporters name it in their manifests.

    ``mastery_score`` (0–100 or None) is the pass mark of the launch's score, which a SCORM 1.2
    ``masteryscore`` or a 2004 ``minNormalizedMeasure`` carries; ``assessment_ids`` are the
    assessments the document holds (a module's, and the final exam in the launch that has it).
    """

    id: str
    title: str
    href: str
    module_ids: tuple[str, ...]
    assessment_ids: tuple[str, ...] = ()
    mastery_score: float | None = None


@attrs.frozen(kw_only=True)
class Screen:
    """One screen of the player: the unit of navigation, bookmarks and ``pageViewed``."""

    id: str
    kind: ScreenKind
    title: str
    module_id: str | None = None
    page: Page | None = attrs.field(default=None, eq=False, repr=False)
    assessment: Assessment | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def dom_id(self) -> str:
        """The id of the screen's section element."""
        return f"s-{self.id}"


@attrs.frozen(kw_only=True)
class LaunchLayout:
    """The modules, screens and assessments of one launch document, and the rules that apply inside it."""

    course: Course = attrs.field(eq=False, repr=False)
    launch: Launch
    modules: tuple[Module, ...]
    assessments: tuple[Assessment, ...]
    screens: tuple[Screen, ...]
    #: Whether module prerequisites lock modules here: only when every module shares the document.
    locks: bool
    #: Path from the launch document back to the package root ("" or "../../").
    root: str = ""

    @property
    def pages(self) -> tuple[Page, ...]:
        """The content pages, in order: the pages whose viewing counts."""
        return tuple(s.page for s in self.screens if s.page is not None)

    @property
    def final_exam(self) -> Assessment | None:
        """The course's final exam when this launch holds it."""
        exam = self.course.final_exam
        return exam if exam is not None and exam in self.assessments else None

    def module_of(self, assessment: Assessment) -> Module | None:
        """The module that holds an assessment; None for the final exam."""
        return next((m for m in self.course.modules if assessment in m.assessments), None)

    def mastery(self, assessment: Assessment) -> float | None:
        """The pass mark of an assessment: its own, else its module's, else the course's."""
        module = self.module_of(assessment)
        for score in (assessment.mastery_score, module.completion.mastery_score if module else None,
                      self.course.completion.mastery_score):
            if score is not None:
                return score
        return None

    @property
    def scored(self) -> tuple[Assessment, ...]:
        """The assessments the launch's score adds up: the final exam, else the graded ones, else all."""
        if self.final_exam is not None:
            return (self.final_exam,)
        graded = tuple(a for a in self.assessments if a.graded)
        return graded or self.assessments


def launch_layouts(course: Course, scope: Scope) -> tuple[LaunchLayout, ...]:
    """The launch documents of a course: one for the whole course, or one per module plus the course's.

    With ``scope="module"`` the course document ``index.html`` keeps the home screen, the final exam,
    the results and the glossary, so that every assessment lives in exactly one launch.
    """
    if scope == "course":
        return (_layout(course, course.modules, course.assessments, "index.html", course.id, course.title),)
    if scope != "module":
        raise ValueError(f"scope must be 'course' or 'module', not {scope!r}")
    layouts = [_layout(course, (m,), m.assessments, f"modules/{m.id}/index.html", m.id, m.title, module_launch=True)
               for m in course.modules]
    exam = (course.final_exam,) if course.final_exam else ()
    layouts.append(_layout(course, (), exam, "index.html", course.id, course.title))
    return tuple(layouts)


def _layout(course: Course, modules: tuple[Module, ...], assessments: Iterable[Assessment], href: str,
            launch_id: str, title: str, *, module_launch: bool = False) -> LaunchLayout:
    assessments = tuple(assessments)
    names = _ScreenNames()
    screens = [Screen(id="home", kind="home", title=title)]
    for module in modules:
        screens += [Screen(id=names.take(p.id, "page"), kind="page", title=p.title, module_id=module.id, page=p)
                    for p in module.pages]
        screens += [Screen(id=names.take(a.id, "quiz"), kind="quiz", title=a.title, module_id=module.id, assessment=a)
                    for a in module.assessments]
    if course.final_exam is not None and course.final_exam in assessments:
        exam = course.final_exam
        screens.append(Screen(id=names.take(exam.id, "quiz"), kind="quiz", title=exam.title, assessment=exam))
    words = words_for(course.language)
    screens.append(Screen(id="results", kind="results", title=own_screen_title("results", words)))
    if course.glossary:
        screens.append(Screen(id="glossary", kind="glossary", title=own_screen_title("glossary", words)))
    layout = LaunchLayout(course=course, launch=Launch(id=launch_id, title=title, href=href, module_ids=()),
                          modules=modules, assessments=assessments, screens=tuple(screens),
                          locks=not module_launch and bool(modules), root="../" * href.count("/"))
    # A module's launch passes by the module's rule; the course's by the course's, which the final
    # exam's own pass mark stands in for when the course sets none.
    chain = ([modules[0].completion.mastery_score] if module_launch else []) + [course.completion.mastery_score]
    chain += [layout.mastery(a) for a in layout.scored if len(layout.scored) == 1]
    launch = Launch(id=launch_id, title=title, href=href, module_ids=tuple(m.id for m in modules),
                    assessment_ids=tuple(a.id for a in assessments),
                    mastery_score=next((m for m in chain if m is not None), None))
    return attrs.evolve(layout, launch=launch)


def own_screen_title(screen_id: str, words: Words) -> str:
    """The title of one of the player's own screens that every launch shows alike (results, glossary)."""
    titles = {"results": words.gettext("Results"), "glossary": words.gettext("Glossary")}
    return titles[screen_id]


class _ScreenNames:
    """Unique screen ids: the content id when it is free, else the id with a kind prefix."""

    def __init__(self) -> None:
        self.used: set[str] = set(RESERVED_SCREENS)

    def take(self, wanted: str, kind: str) -> str:
        """``wanted`` if no screen has it yet, else ``<kind>-wanted`` (repeated until free)."""
        name = wanted
        while name in self.used:
            name = f"{kind}-{name}"
        self.used.add(name)
        return name
