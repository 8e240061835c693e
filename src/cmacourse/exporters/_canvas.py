"""Canvas's own files inside a cartridge: its flavour of QTI, quiz settings and module settings, as its importer reads them.

Canvas imports a cartridge with its own converter when the manifest lists ``course_settings/canvas_export.txt``.
That converter reads modules (prerequisites, completion requirements) from ``module_meta.xml``,
quizzes from ``non_cc_assessments/<id>.xml.qti`` and their settings from ``<id>/assessment_meta.xml``;
it ignores the organization and the CC profile QTI, which other LMSs read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

import attrs
from lxml import etree

from ..numbers import number_text
from ..questions import Assessment, Feedback, FillBlank, Matching, Numeric, Ordering, Question, SingleChoice, TrueFalse, scrambled
from ._lmstext import Conversion, QuestionTexts, points_text
from ._package import PackageWriter
from ._qti import (
    FULL_QTI_LOCATION,
    RESPONSE,
    choices,
    item,
    itemfeedback,
    material,
    metadata_field,
    prompt_presentation,
    questestinterop,
    resprocessing,
    respcondition,
    sub,
    typed_answer,
    varequal,
)

CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
CANVAS_XSD = "https://canvas.instructure.com/xsd/cccv1p0.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: Folder of Canvas's full-QTI quiz files; the file extension Canvas gives them.
NON_CC_FOLDER = "non_cc_assessments"
QTI_EXTENSION = ".xml.qti"
#: The file whose listing in the manifest makes Canvas read the cartridge as one of its own exports.
EXPORT_FLAG = "course_settings/canvas_export.txt"
MODULE_META = "course_settings/module_meta.xml"
#: What ``canvas_export.txt`` says; Canvas only checks that the manifest lists it.
EXPORT_FLAG_TEXT = (
    "This Common Cartridge carries Canvas's own settings files (course_settings/module_meta.xml,\n"
    "non_cc_assessments/ and assessment_meta.xml), so that Canvas keeps module prerequisites,\n"
    "completion requirements and quiz settings. Other LMSs read the standard Common Cartridge parts.\n"
)

#: Canvas's ``question_type`` for each of our types; ordering has none and is written as a matching.
CANVAS_TYPES = {
    "single_choice": "multiple_choice_question", "multiple_response": "multiple_answers_question",
    "true_false": "true_false_question", "fill_blank": "short_answer_question", "numeric": "numerical_question",
    "matching": "matching_question", "ordering": "matching_question",
}
CANVAS_ESSAY = "essay_question"



@attrs.frozen
class ModuleItem:
    """One entry of a module: an organization item, and the Canvas module item made from it."""

    identifier: str
    title: str
    #: The resource the item shows.
    resource: str
    #: Canvas's content type: ``WikiPage``, ``Quizzes::Quiz``, ``DiscussionTopic`` or ``ExternalUrl``.
    content_type: str
    url: str | None = None
    #: Canvas's completion requirement: ``must_view``, ``must_submit``, ``min_score`` or None.
    requirement: str | None = None
    min_score: float | None = None


@attrs.frozen
class ModuleFolder:
    """One module: a folder of the organization, and a Canvas module."""

    identifier: str
    title: str
    items: tuple[ModuleItem, ...]
    #: (identifier, title) of every module to complete first.
    prerequisites: tuple[tuple[str, str], ...] = ()


def canvas_element(tag: str, text: str | None = None, parent: etree._Element | None = None, **attributes: str) -> etree._Element:
    name = f"{{{CANVAS_NS}}}{tag}"
    element = etree.Element(name, attributes, nsmap={None: CANVAS_NS, "xsi": XSI_NS}) if parent is None \
        else etree.SubElement(parent, name, attributes)
    if parent is None:
        element.set(f"{{{XSI_NS}}}schemaLocation", f"{CANVAS_NS} {CANVAS_XSD}")
    if text is not None:
        element.text = text
    return element


def add_module_meta(writer: PackageWriter, path: str, folders: Sequence[ModuleFolder]) -> None:
    """``course_settings/module_meta.xml``: modules in order, their prerequisites, items and requirements,
    written a few modules at a time."""
    root = canvas_element("modules")

    def each_module() -> Iterator[None]:
        for position, folder in enumerate(folders, start=1):
            _module(root, position, folder)
            yield

    writer.add_xml_stream(path, root, root, each_module())


def _module(root: etree._Element, position: int, folder: ModuleFolder) -> None:
    module = canvas_element("module", parent=root, identifier=folder.identifier)
    for tag, text in (("title", folder.title), ("workflow_state", "active"), ("position", str(position)),
                      ("require_sequential_progress", "false")):
        canvas_element(tag, text, module)
    if folder.prerequisites:
        prerequisites = canvas_element("prerequisites", parent=module)
        for identifier, title in folder.prerequisites:
            prerequisite = canvas_element("prerequisite", parent=prerequisites, type="context_module")
            canvas_element("title", title, prerequisite)
            canvas_element("identifierref", identifier, prerequisite)
    items = canvas_element("items", parent=module)
    for index, entry in enumerate(folder.items, start=1):
        node = canvas_element("item", parent=items, identifier=entry.identifier)
        for tag, text in (("content_type", entry.content_type), ("workflow_state", "active"), ("title", entry.title),
                          ("identifierref", entry.resource), ("url", entry.url), ("position", str(index)),
                          ("new_tab", "true" if entry.url else "false"), ("indent", "0")):
            if text is not None:
                canvas_element(tag, text, node)
    required = [entry for entry in folder.items if entry.requirement]
    if required:
        requirements = canvas_element("completionRequirements", parent=module)
        for entry in required:
            requirement = canvas_element("completionRequirement", parent=requirements, type=str(entry.requirement))
            if entry.min_score is not None:
                canvas_element("min_score", number_text(entry.min_score), requirement)
            # A requirement names the module item, not the resource it shows.
            canvas_element("identifierref", entry.identifier, requirement)


def shuffle_answers(assessment: Assessment) -> bool:
    """Canvas's quiz-wide ``shuffle_answers``: on when every question with answers to order lets them be shuffled."""
    return {q.shuffled for q in assessment.questions} - {None} == {True}


def assessment_meta(assessment: Assessment, ident: str, description: str) -> etree._Element:
    """``<ident>/assessment_meta.xml``: the quiz settings Canvas's QTI cannot carry.

    Graded assessments become graded quizzes with an assignment in the gradebook; knowledge checks
    become practice quizzes.
    """
    root = canvas_element("quiz", identifier=ident)
    points = points_text(assessment.total_points)
    settings = [
        ("title", assessment.title), ("description", description),
        ("shuffle_answers", "true" if shuffle_answers(assessment) else "false"),
        ("scoring_policy", "keep_highest"), ("quiz_type", "assignment" if assessment.graded else "practice_quiz"),
        ("points_possible", points), ("show_correct_answers", "true"),
        ("allowed_attempts", str(assessment.max_attempts) if assessment.max_attempts else "-1"),
        ("one_question_at_a_time", "false"), ("cant_go_back", "false"), ("available", "true"),
        ("one_time_results", "false"), ("show_correct_answers_last_attempt", "false"),
        ("only_visible_to_overrides", "false"), ("module_locked", "false"),
    ]
    for tag, text in settings:
        canvas_element(tag, text, root)
    if assessment.graded:
        assignment = canvas_element("assignment", parent=root, identifier=f"assignment_{assessment.id}")
        for tag, text in (("title", assessment.title), ("points_possible", points), ("grading_type", "points"),
                          ("submission_types", "online_quiz"), ("workflow_state", "published"),
                          ("quiz_identifierref", ident)):
            canvas_element(tag, text, assignment)
    canvas_element("assignment_overrides", parent=root)
    return root


def canvas_quiz(assessment: Assessment, ident: str, texts: QuestionTexts) -> tuple[etree._Element, list[Conversion]]:
    """``non_cc_assessments/<ident>.xml.qti``: every question as Canvas's own quiz types.

    Canvas shuffles questions only inside a question group, whose questions share one point value;
    a shuffled assessment whose questions are all worth the same becomes one group that picks them all.
    """
    root = questestinterop(FULL_QTI_LOCATION)
    test = sub(root, "assessment", ident=ident, title=assessment.title)
    metadata_field(sub(test, "qtimetadata"), "cc_maxattempts",
                   str(assessment.max_attempts) if assessment.max_attempts else "unlimited")
    section = sub(test, "section", ident="root_section")
    conversions: list[Conversion] = []
    points = {q.points for q in assessment.questions}
    if assessment.shuffle and len(points) == 1:
        section = sub(section, "section", ident=f"{ident}_group", title=assessment.title)
        selection = sub(sub(section, "selection_ordering"), "selection")
        sub(selection, "selection_number", str(len(assessment.questions)))
        sub(sub(selection, "selection_extension"), "points_per_item", points_text(points.pop()))
    elif assessment.shuffle:
        conversions.append(Conversion(assessment.id, "questions in a random order, worth different points → "
                                                      "Canvas shows them in the written order"))
    if {q.shuffled for q in assessment.questions} >= {True, False}:
        conversions.append(Conversion(assessment.id, "answers shuffled in some questions and not in others → Canvas "
                                                      "shuffles a whole quiz's answers or none: written order for all"))
    for question in assessment.questions:
        conversion = canvas_item(question, section, texts)
        if conversion is not None:
            conversions.append(conversion)
    return root, conversions


def _fields(question: Question, kind: str | None = None) -> list[tuple[str, str]]:
    return [("question_type", kind or CANVAS_TYPES.get(question.type_name, CANVAS_ESSAY)),
            ("points_possible", points_text(question.points))]


@functools.singledispatch
def canvas_item(question: Question, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    """Write one question the way Canvas exports and imports its classic quiz questions.

    One writer a question type (``canvas_item.register``); a type with none is written as its
    ``fallback()``, else as an essay graded by hand.
    """
    fallback = question.fallback()
    if fallback is not None:
        canvas_item(fallback, section, texts)
        return Conversion(question.id, f"{question.type_name} (a plugin type) → {fallback.type_name}")
    element = item(section, question, _fields(question, CANVAS_ESSAY))
    typed_answer(prompt_presentation(element, texts, question), rows="5")
    sub(respcondition(resprocessing(element)), "other")
    return Conversion(question.id, f"{question.type_name} (a plugin type) → Canvas essay graded by hand")


@canvas_item.register
def _choice(question: SingleChoice, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    element = item(section, question, _fields(question) + [("original_answer_ids", ",".join(o.id for o in question.options))])
    multiple = question.multiple
    choices(prompt_presentation(element, texts, question), [(o.id, texts.inline(o.text)) for o in question.options],
            "Multiple" if multiple else "Single", shuffle=question.shuffle)
    processing = resprocessing(element)
    for option in question.options:
        varequal(respcondition(processing, feedback=f"{option.id}_fb", continue_=True), option.id)
    if multiple:
        pattern = sub(respcondition(processing, score="100"), "and")
        for option in question.options:
            varequal(pattern if option.correct else sub(pattern, "not"), option.id)
    else:
        varequal(respcondition(processing, score="100"), next(o.id for o in question.options if o.correct))
    for option in question.options:
        itemfeedback(element, f"{option.id}_fb", texts.block(option.feedback))
    return None


@canvas_item.register
def _true_false(question: TrueFalse, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    element = item(section, question, _fields(question) + [("original_answer_ids", "true,false")])
    choices(prompt_presentation(element, texts, question), [("true", "True"), ("false", "False")])
    _canvas_scored(element, question.feedback, texts, lambda test: varequal(test, "true" if question.answer else "false"))
    return None


@canvas_item.register
def _fill_blank(question: FillBlank, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    element = item(section, question, _fields(question))
    typed_answer(prompt_presentation(element, texts, question))
    _canvas_scored(element, question.feedback, texts, lambda test: [varequal(test, a) for a in question.answers])
    if question.case_sensitive:
        return Conversion(question.id, "case-sensitive fill in the blank → Canvas short answer, which ignores case")
    return None


@canvas_item.register
def _numeric(question: Numeric, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    element = item(section, question, _fields(question))
    typed_answer(prompt_presentation(element, texts, question), fibtype="Decimal")
    _canvas_scored(element, question.feedback, texts, lambda test: _canvas_range(test, question))
    return None


@canvas_item.register
def _matching(question: Matching, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    targets, answer_of = question.unique_targets()
    _canvas_matching(section, question, texts, [texts.inline(p.prompt) for p in question.pairs], targets, answer_of)
    return None


@canvas_item.register
def _ordering(question: Ordering, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    prompts = [f"Position {n}" for n in range(1, len(question.items) + 1)]
    _canvas_matching(section, question, texts, prompts, list(question.items), list(range(len(question.items))))
    return Conversion(question.id, "ordering → Canvas matching (classic quizzes have no ordering type): "
                                   "each position is matched with the item that belongs there")


def _canvas_scored(element: etree._Element, fb: Feedback | None, texts: QuestionTexts,
                   tests: Callable[[etree._Element], object]) -> None:
    """The right answer sets the score and shows ``correct_fb``; anything else shows ``general_incorrect_fb``."""
    processing = resprocessing(element)
    tests(respcondition(processing, score="100", feedback="correct_fb" if fb else None))
    if fb:
        sub(respcondition(processing, feedback="general_incorrect_fb", continue_=True), "other")
        itemfeedback(element, "correct_fb", texts.block(fb.correct))
        itemfeedback(element, "general_incorrect_fb", texts.block(fb.incorrect))


def _canvas_range(test: etree._Element, question: Numeric) -> None:
    # Canvas writes an exact answer with a margin as "equal, or between the bounds"; its importer reads it back so.
    if not question.tolerance:
        varequal(test, number_text(question.answer))
        return
    either = sub(test, "or")
    varequal(either, number_text(question.answer))
    bounds = sub(either, "and")
    answer, tolerance = Decimal(number_text(question.answer)), Decimal(number_text(question.tolerance))
    sub(bounds, "vargte", number_text(float(answer - tolerance)), respident=RESPONSE)
    sub(bounds, "varlte", number_text(float(answer + tolerance)), respident=RESPONSE)


def _canvas_matching(section: etree._Element, question: Matching | Ordering, texts: QuestionTexts,
                     prompts: list[str], targets: list[str], answer_of: list[int]) -> None:
    ids = [f"p{n}" for n in range(1, len(prompts) + 1)]
    # Answers are listed in the player's fixed shuffle: in written order they would give an ordering away.
    shown = scrambled(question.id, targets)
    element = item(section, question, _fields(question) + [("original_answer_ids", ",".join(ids))])
    presentation = prompt_presentation(element, texts, question)
    for ident, prompt in zip(ids, prompts):
        lid = sub(presentation, "response_lid", ident=f"response_{ident}")
        material(lid, prompt)
        render = sub(lid, "render_choice")
        for index in shown:
            material(sub(render, "response_label", ident=f"m{index + 1}"), texts.plain(targets[index]), texttype="text/plain")
    processing = resprocessing(element)
    # Canvas gives a share of the points for each right pair ("Add"), as its own export does.
    share = f"{100 / len(prompts):.2f}"
    for ident, target in zip(ids, answer_of):
        condition = sub(processing, "respcondition")
        varequal(sub(condition, "conditionvar"), f"m{target + 1}", respident=f"response_{ident}")
        sub(condition, "setvar", share, varname="SCORE", action="Add")
    if question.feedback:
        itemfeedback(element, "correct_fb", texts.block(question.feedback.correct))
        itemfeedback(element, "general_incorrect_fb", texts.block(question.feedback.incorrect))
