"""Moodle XML: every question of the course for a Moodle question bank, one category per module."""

from __future__ import annotations

import base64
import functools
import logging
import posixpath
from collections.abc import Iterator
from typing import Any, ClassVar

from lxml import etree

from ..errors import UsageError
from ..media import read_media
from ..model import Course
from ..numbers import number_text
from ..player.rendering import MarkdownRenderer, asset_path, asset_url
from ..player.words import words_for
from ..questions import FillBlank, Matching, Numeric, Ordering, Question, SingleChoice, TrueFalse
from . import Exporter
from ._package import Layout, PackageWriter
from ._lmstext import QuestionTexts, lms_html, points_text, question_name

#: The package's one file.
QUESTIONS = "questions.xml"
#: Images in question text are embedded in the file and referred to through Moodle's file token.
FILE_TOKEN = "@@PLUGINFILE@@/"
#: The grades Moodle accepts for an answer, in percent; its importer refuses others by default.
FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
             12.5, 11.11111, 10, 5, 0)

logger = logging.getLogger(__name__)
# Quiet unless an application (the cmacourse command) listens: the library itself never prints.
logger.addHandler(logging.NullHandler())


class MoodleXmlExporter(Exporter, builtin="moodlexml"):
    """``cmacourse build --format moodlexml``: ``<course-id>-moodlexml.xml`` for Question bank → Import → Moodle XML.

    Categories are ``$course$/<course title>/<module title>`` (and the final exam's title); question
    types are Moodle's own: multichoice, truefalse, match, ordering, numerical and shortanswer.
    """

    suffix: ClassVar[str] = ".xml"
    layout: ClassVar[Layout] = "file"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        #: What the build converted or could not carry, one line each; also logged as warnings.
        self.notes: list[str] = []

    def export(self, course: Course, writer: PackageWriter) -> None:
        """Add ``questions.xml`` to ``writer``.

        Raises:
            UsageError: an option was given; this format takes none.
            BuildError: an image a question shows cannot be read.
        """
        if self.options:
            raise UsageError(f"the moodlexml format takes no options; got {', '.join(sorted(self.options))}")
        root = etree.Element("quiz")
        writer.add_xml_stream(QUESTIONS, root, root, self._questions(course, root))

    def _questions(self, course: Course, root: etree._Element) -> Iterator[None]:
        """Each category and question, appended to ``root`` one at a time: the course's, then each module's and the exam's."""
        top = "$course$/" + category_name(course.title)
        category(root, top, CategoryInfo(course, course.description, "course.yaml"), course.id)
        yield
        groups = [(m.title, m.summary, f"{m.folder}/module.yaml", m.id, m.assessments) for m in course.modules]
        if course.final_exam is not None:
            exam = course.final_exam
            groups.append((exam.title, None, "", exam.id, (exam,)))
        for title, summary, referrer, identifier, assessments in groups:
            if not any(a.questions for a in assessments):
                continue
            category(root, f"{top}/{category_name(title)}", CategoryInfo(course, summary, referrer), identifier)
            yield
            for assessment in assessments:
                texts = QuestionTexts(course, assessment, FILE_TOKEN)
                for question in assessment.questions:
                    write_question(question, QuestionWriter(self, course, texts, root))
                    yield

    def note(self, text: str) -> None:
        self.notes.append(text)
        logger.warning("%s: %s", self.name, text)


def category_name(title: str) -> str:
    """A title as one level of a Moodle category path, where ``/`` separates levels and ``//`` is a slash."""
    return " ".join(title.split()).replace("/", "//")


class CategoryInfo:
    """A category's description: the author's Markdown rendered as every other HTML field is, raw HTML escaped."""

    def __init__(self, course: Course, markdown: str | None, referrer: str) -> None:
        renderer = MarkdownRenderer(course.glossary, root=FILE_TOKEN, words=words_for(course.language))
        self.html = lms_html(str(renderer.block(markdown, referrer))).strip() if markdown else ""
        self.course, self.media = course, renderer.media


def category(root: etree._Element, path: str, info: CategoryInfo, identifier: str) -> None:
    node = etree.SubElement(root, "question", type="category")
    _text(etree.SubElement(node, "category"), path)
    info_node = etree.SubElement(node, "info", format="html")
    _text(info_node, info.html)
    embed_files(info_node, info.html, info.media, info.course)
    etree.SubElement(node, "idnumber").text = identifier


def embed_files(node: etree._Element, html: str, media: set[str], course: Course) -> None:
    """Beside an HTML ``text``, every image it shows as a base64 ``file``, which Moodle reads with it."""
    for path in sorted(media):
        target = asset_path(path)
        if FILE_TOKEN + asset_url(path) not in html:
            continue
        file = etree.SubElement(node, "file", name=posixpath.basename(target),
                                path=f"/{posixpath.dirname(target)}/", encoding="base64")
        file.text = base64.b64encode(read_media(course.root, path)).decode("ascii")


def moodle_fraction(percent: float) -> tuple[str, bool]:
    """The grade Moodle accepts nearest to ``percent`` (sign kept), and whether it is exact."""
    nearest = min(FRACTIONS, key=lambda f: abs(f - abs(percent)))
    text = points_text(nearest if percent >= 0 else -nearest)
    return text, abs(nearest - abs(percent)) < 1e-4


def _text(parent: etree._Element, value: str) -> etree._Element:
    etree.SubElement(parent, "text").text = value
    return parent


class QuestionWriter:
    """What a question's writer writes with: the header every Moodle question starts with, texts and answers."""

    def __init__(self, exporter: MoodleXmlExporter, course: Course, texts: QuestionTexts, root: etree._Element) -> None:
        self.exporter, self.course, self.texts, self.root = exporter, course, texts, root

    def note(self, text: str) -> None:
        """Say what the build converted or could not carry."""
        self.exporter.note(text)

    def header(self, question: Question, qtype: str, general_feedback: str = "") -> etree._Element:
        node = etree.SubElement(self.root, "question", type=qtype)
        _text(etree.SubElement(node, "name"), question_name(question))
        self.html(node, "questiontext", self.texts.prompt(question))
        self.html(node, "generalfeedback", general_feedback)
        for tag, text in (("defaultgrade", points_text(question.points)), ("penalty", "0.3333333"), ("hidden", "0"),
                          ("idnumber", question.id)):
            etree.SubElement(node, tag).text = text
        if question.objectives:
            tags = etree.SubElement(node, "tags")
            for objective in question.objectives:
                _text(etree.SubElement(tags, "tag"), objective)
        return node

    def html(self, parent: etree._Element, tag: str, html: str) -> etree._Element:
        """An HTML text field."""
        node = etree.SubElement(parent, tag, format="html")
        self.fill(node, html)
        return node

    def fill(self, node: etree._Element, html: str) -> None:
        """``text`` and, beside it, every image the HTML shows, embedded as a ``file`` (Moodle reads both so)."""
        _text(node, html)
        embed_files(node, html, self.texts.media, self.course)

    def answer(self, parent: etree._Element, fraction: str, text: str, feedback: str, *, html: bool = True) -> etree._Element:
        node = etree.SubElement(parent, "answer", fraction=fraction, format="html" if html else "plain_text")
        if html:
            self.fill(node, text)
        else:
            _text(node, text)
        self.html(node, "feedback", feedback)
        return node

    def combined_feedback(self, node: etree._Element, question: Matching | Ordering) -> None:
        fb = question.feedback
        right, wrong = (self.texts.block(fb.correct), self.texts.block(fb.incorrect)) if fb else ("", "")
        for tag, text in (("correctfeedback", right), ("partiallycorrectfeedback", wrong), ("incorrectfeedback", wrong)):
            self.html(node, tag, text)
        etree.SubElement(node, "shownumcorrect")


@functools.singledispatch
def write_question(question: Question, out: QuestionWriter) -> None:
    """Write one question as Moodle's own type; a plugin type registers its writer with ``write_question.register``.

    A type with no writer is written as its ``fallback()``, else as an essay graded by hand; either is noted.
    """
    fallback = question.fallback()
    if fallback is not None:
        out.note(f"{question.type_name} (a plugin type) → {fallback.type_name}: {question.id}")
        write_question(fallback, out)
        return
    node = out.header(question, "essay")
    for tag, text in (("responseformat", "editor"), ("responserequired", "1"), ("responsefieldlines", "10"),
                      ("attachments", "0"), ("attachmentsrequired", "0")):
        etree.SubElement(node, tag).text = text
    out.html(node, "graderinfo", "")
    out.note(f"{question.type_name} (a plugin type) → essay graded by hand: {question.id}")


@write_question.register
def _multichoice(question: SingleChoice, out: QuestionWriter) -> None:
    node = out.header(question, "multichoice")
    multiple = question.multiple
    for tag, text in (("single", "false" if multiple else "true"), ("shuffleanswers", "true" if question.shuffle else "false"),
                      ("answernumbering", "abc"), ("showstandardinstruction", "0")):
        etree.SubElement(node, tag).text = text
    right = sum(o.correct for o in question.options)
    wrong = len(question.options) - right
    # Multiple response: the right choices share 100%; each wrong one takes back an equal share,
    # so that ticking every box scores nothing.
    shares = {True: 100 / right if multiple else 100, False: -100 / wrong if multiple and wrong else 0}
    grades = {correct: moodle_fraction(share) for correct, share in shares.items()}
    for correct, (fraction, exact) in grades.items():
        if not exact and any(o.correct == correct for o in question.options):
            out.note(f"multiple response: {shares[correct]:.6g}% is not a grade Moodle accepts, "
                     f"written as {fraction}%: {question.id}")
    for option in question.options:
        out.answer(node, grades[option.correct][0], out.texts.inline(option.text), out.texts.block(option.feedback))


@write_question.register
def _truefalse(question: TrueFalse, out: QuestionWriter) -> None:
    node = out.header(question, "truefalse")
    fb = question.feedback
    for value in (True, False):
        right = value == question.answer
        feedback = (out.texts.block(fb.correct if right else fb.incorrect)) if fb else ""
        out.answer(node, "100" if right else "0", "true" if value else "false", feedback, html=False)


@write_question.register
def _shortanswer(question: FillBlank, out: QuestionWriter) -> None:
    node = out.header(question, "shortanswer")
    etree.SubElement(node, "usecase").text = "1" if question.case_sensitive else "0"
    fb = question.feedback
    for answer in question.answers:
        out.answer(node, "100", answer, out.texts.block(fb.correct) if fb else "", html=False)
    if fb:
        out.answer(node, "0", "*", out.texts.block(fb.incorrect), html=False)


@write_question.register
def _numerical(question: Numeric, out: QuestionWriter) -> None:
    node = out.header(question, "numerical")
    fb = question.feedback
    right = out.answer(node, "100", number_text(question.answer), out.texts.block(fb.correct) if fb else "", html=False)
    etree.SubElement(right, "tolerance").text = number_text(question.tolerance)
    if fb:
        etree.SubElement(out.answer(node, "0", "*", out.texts.block(fb.incorrect), html=False), "tolerance").text = "0"
    if question.unit:
        # The unit is optional: learners may type it after the number or leave it out.
        unit = etree.SubElement(etree.SubElement(node, "units"), "unit")
        etree.SubElement(unit, "multiplier").text = "1"
        etree.SubElement(unit, "unit_name").text = question.unit
    for tag, text in (("unitgradingtype", "0"), ("unitpenalty", "0"), ("showunits", "0" if question.unit else "3"),
                      ("unitsleft", "0")):
        etree.SubElement(node, tag).text = text


@write_question.register
def _match(question: Matching, out: QuestionWriter) -> None:
    node = out.header(question, "matching")
    etree.SubElement(node, "shuffleanswers").text = "true" if question.shuffle else "false"
    out.combined_feedback(node, question)
    targets, answer_of = question.unique_targets()
    for pair, target in zip(question.pairs, answer_of):
        sub = out.html(node, "subquestion", out.texts.inline(pair.prompt))
        _text(etree.SubElement(sub, "answer"), out.texts.plain(targets[target]))
    for index in sorted(set(range(len(targets))) - set(answer_of)):
        # A distractor is a subquestion with no text: an answer no prompt takes.
        sub = out.html(node, "subquestion", "")
        _text(etree.SubElement(sub, "answer"), out.texts.plain(targets[index]))


@write_question.register
def _ordering(question: Ordering, out: QuestionWriter) -> None:
    node = out.header(question, "ordering")
    # All or nothing, every item shown, as the player grades it.
    for tag, text in (("layouttype", "VERTICAL"), ("selecttype", "ALL"), ("selectcount", str(len(question.items))),
                      ("gradingtype", "ALL_OR_NOTHING"), ("showgrading", "SHOW"), ("numberingstyle", "none")):
        etree.SubElement(node, tag).text = text
    out.combined_feedback(node, question)
    for position, text in enumerate(question.items, start=1):
        out.answer(node, str(position), out.texts.inline(text), "")

