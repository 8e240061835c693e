"""The course model: frozen attrs classes built from validated content."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs

from .blocks import Block
from .markdown import course_texts, references
from .questions import Assessment, Question
from .sourcemap import SourceRef

#: The six steps of the pathway, in order; a module's ``kind`` is one of them.
MODULE_KINDS = ("diploma", "program", "externship", "exam", "jobs", "recertification")


@attrs.frozen(kw_only=True)
class Objective:
    """A measurable learning objective."""

    id: str
    text: str
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Completion:
    """When a learner has completed a module or the course."""

    view_all_pages: bool = True
    mastery_score: float | None = None


@attrs.frozen(kw_only=True)
class Page:
    """One page of a module: a title and its blocks in reading order."""

    id: str
    title: str
    blocks: tuple[Block, ...]
    objectives: tuple[str, ...] = ()
    path: str = ""  #: course-relative path of the page's file
    #: The ``id`` each block was given, by position (None where it has none; prose has none), or () for none at all.
    block_ids: tuple[str | None, ...] = ()
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Link:
    """A web page a module cites."""

    title: str
    url: str


@attrs.frozen(kw_only=True)
class Module:
    """One step of the pathway."""

    id: str
    title: str
    kind: str
    objectives: tuple[Objective, ...]
    pages: tuple[Page, ...]
    assessments: tuple[Assessment, ...] = ()
    requires: tuple[str, ...] = ()
    summary: str | None = None
    reflection: str | None = None
    links: tuple[Link, ...] = ()
    completion: Completion = Completion()
    folder: str = ""  #: course-relative folder of the module
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class GlossaryTerm:
    """A term and its definition."""

    id: str
    term: str
    definition: str
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Credential:
    """A credential the course prepares for."""

    id: str
    name: str
    awarding_body: str
    abbreviation: str | None = None
    recertification_months: int | None = None


@attrs.frozen(kw_only=True)
class Course:
    """A whole course, ready to validate further or export."""

    id: str
    title: str
    modules: tuple[Module, ...]
    description: str | None = None
    language: str = "en"
    version: str = "1.0.0"
    publisher: str | None = None
    base_iri: str | None = None
    final_exam: Assessment | None = None
    glossary: tuple[GlossaryTerm, ...] = ()
    completion: Completion = Completion()
    credentials: tuple[Credential, ...] = ()
    root: Path = attrs.field(default=Path("."), eq=False, repr=False)
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)
    #: The course in the language it is written in, when this one is a translation of it (same ids).
    translated_from: Course | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def assessments(self) -> tuple[Assessment, ...]:
        """Every assessment: the modules' in order, then the final exam."""
        found = tuple(a for m in self.modules for a in m.assessments)
        return found + ((self.final_exam,) if self.final_exam else ())

    def questions(self) -> Iterator[tuple[Assessment, Question]]:
        """Every question with the assessment that holds it."""
        for assessment in self.assessments:
            for question in assessment.questions:
                yield assessment, question

    @property
    def objectives(self) -> tuple[Objective, ...]:
        return tuple(o for m in self.modules for o in m.objectives)

    def module(self, module_id: str) -> Module:
        """The module with that id.

        Raises:
            KeyError: there is none.
        """
        for module in self.modules:
            if module.id == module_id:
                return module
        raise KeyError(module_id)

    def media_files(self) -> tuple[str, ...]:
        """Course-relative paths of every media file the content uses, sorted, each once."""
        paths = {path for m in self.modules for p in m.pages for b in p.blocks for path, _ in b.media()}
        paths.update(image.resolved for text in course_texts(self) for image in references(text.text, text.referrer).images
                     if image.resolved)
        return tuple(sorted(paths))
