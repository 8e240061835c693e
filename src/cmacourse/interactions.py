"""Questions as the interactions SCORM 2004 and xAPI record: type, correct-response patterns and components.

Both standards share one vocabulary (SCORM 2004 RTE 4.2.9; xAPI 1.0.3 took it over): the interaction
types and the pattern syntax with ``[,]`` between items, ``[.]`` inside a matching pair and ``[:]``
between the bounds of a numeric range. xAPI activity definitions and the player's data for the
tracking adapters both come from this one table; SCORM 1.2's adapter rewrites the delimiters.
"""

from __future__ import annotations

import functools
from decimal import Decimal

import attrs

from .numbers import number_text
from .questions import FillBlank, Matching, Numeric, Ordering, Question, SingleChoice, TrueFalse

#: A component of an interaction: its id and its Markdown text.
Component = tuple[str, str]


@attrs.frozen
class Interaction:
    """How a standard records a question."""

    #: ``choice``, ``true-false``, ``matching``, ``sequencing``, ``fill-in``, ``numeric``, ``other``…
    type: str
    #: Every correct response, in the pattern syntax above; empty when nothing is right or wrong.
    patterns: tuple[str, ...] = ()
    #: The options of a choice or sequencing interaction.
    choices: tuple[Component, ...] = ()
    #: The prompts and the answers of a matching interaction.
    source: tuple[Component, ...] = ()
    target: tuple[Component, ...] = ()


@functools.singledispatch
def interaction(question: Question) -> Interaction:
    """The interaction of a question: one writer a type (``interaction.register``).

    A type with none is recorded as its ``fallback()``, else as ``other`` with no pattern, so that the
    LMS or LRS still gets the prompt and the learner's response.
    """
    fallback = question.fallback()
    return interaction(fallback) if fallback is not None else Interaction("other")


@interaction.register
def _choice(question: SingleChoice) -> Interaction:
    # Multiple response too: "[,]" joins every correct option.
    return Interaction("choice", ("[,]".join(o.id for o in question.options if o.correct),),
                       choices=tuple((o.id, o.text) for o in question.options))


@interaction.register
def _true_false(question: TrueFalse) -> Interaction:
    return Interaction("true-false", ("true" if question.answer else "false",))


@interaction.register
def _matching(question: Matching) -> Interaction:
    # Component ids are the player's: 0-based positions of the prompts and of its target list.
    return Interaction("matching", ("[,]".join(f"{i}[.]{i}" for i in range(len(question.pairs))),),
                       source=tuple((str(i), p.prompt) for i, p in enumerate(question.pairs)),
                       target=tuple((str(i), text) for i, text in enumerate(question.targets)))


@interaction.register
def _ordering(question: Ordering) -> Interaction:
    ids = [question.item_id(i) for i in range(len(question.items))]
    return Interaction("sequencing", ("[,]".join(ids),), choices=tuple(zip(ids, question.items)))


@interaction.register
def _fill_blank(question: FillBlank) -> Interaction:
    prefix = "{case_matters=true}" if question.case_sensitive else ""
    return Interaction("fill-in", tuple(prefix + a for a in question.answers))


@interaction.register
def _numeric(question: Numeric) -> Interaction:
    if not question.tolerance:
        return Interaction("numeric", (number_text(question.answer),))
    answer, tolerance = Decimal(str(question.answer)), Decimal(str(question.tolerance))
    return Interaction("numeric", (f"{number_text(answer - tolerance)}[:]{number_text(answer + tolerance)}",))
