"""Question text as LMS question formats show it (Moodle XML, Common Cartridge QTI, Canvas), and their build notes."""

from __future__ import annotations

import attrs
from lxml import html as lxml_html

from ..model import Course
from ..numbers import number_text
from ..player.pages import prompt_html
from ..player.rendering import MarkdownRenderer
from ..player.words import words_for
from ..questions import Assessment, Numeric, Question

#: Longest question name, cut at a word: Moodle shows names in lists, Canvas and Moodle store 255 characters.
NAME_LENGTH = 80


@attrs.frozen
class Conversion:
    """A question written as something other than its own type, for the build report."""

    question_id: str
    #: What it became, in the same words for every question converted the same way.
    change: str


class QuestionTexts:
    """Authors' Markdown in one assessment as the HTML an LMS shows, rendered by the player's renderer.

    ``media_root`` prefixes every image path (``assets/<course path>``); ``media`` collects the
    course-relative path of each image rendered, so that the package can carry it.
    """

    def __init__(self, course: Course, assessment: Assessment, media_root: str) -> None:
        self.renderer = MarkdownRenderer(course.glossary, root=media_root, words=words_for(course.language))
        self.referrer = assessment.source.file.display if assessment.source else ""

    @property
    def media(self) -> set[str]:
        return self.renderer.media

    def prompt(self, question: Question) -> str:
        return lms_html(str(prompt_html(self.renderer, question, self.referrer)))

    def block(self, text: str) -> str:
        return lms_html(str(self.renderer.block(text, self.referrer)))

    def inline(self, text: str) -> str:
        return lms_html(str(self.renderer.inline(text, self.referrer)))

    def plain(self, text: str) -> str:
        return self.renderer.plain(text)

    @staticmethod
    def answer_key(question: Numeric) -> str:
        """The answer of a numeric question in words, for whoever grades it by hand."""
        unit = f" {question.unit}" if question.unit else ""
        within = f", give or take {number_text(question.tolerance)}" if question.tolerance else ""
        return f"<p>Correct answer: {number_text(question.answer)}{unit}{within}.</p>"


def lms_html(fragment: str, *, glossary_links: bool = False) -> str:
    """The player's HTML made to read right inside an LMS page or quiz.

    The player hides screen-reader text with ``sr-only``; Canvas calls that class ``screenreader-only``,
    so both are given. Glossary links point at the player's glossary screen, which an LMS quiz does not
    have: unless ``glossary_links``, each becomes a ``span`` that keeps the definition as its title.
    """
    if "sr-only" not in fragment and ('class="gloss"' not in fragment or glossary_links):
        return fragment
    wrapper = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in wrapper.iter():
        classes = (element.get("class") or "").split()
        if "sr-only" in classes:
            element.set("class", " ".join(classes + ["screenreader-only"]))
        if "gloss" in classes and element.tag == "a" and not glossary_links:
            element.tag = "span"
            for name in ("href", "data-term"):
                element.attrib.pop(name, None)
    text = wrapper.text or ""
    return text + "".join(lxml_html.tostring(child, encoding="unicode") for child in wrapper)


def question_name(question: Question) -> str:
    """A short plain-text name for question banks: the prompt, cut at a word."""
    text = " ".join(MarkdownRenderer(()).plain(question.prompt).split())
    if len(text) <= NAME_LENGTH:
        return text
    return text[: NAME_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def points_text(points: float) -> str:
    """Points as LMS files write them: ``1``, ``1.5``."""
    return number_text(points)
