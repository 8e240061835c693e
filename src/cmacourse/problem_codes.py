"""The catalogue of problem codes: every code ``validate`` can report, its severity and what it means.

This is the one list of codes. ``docs/problem-codes.md`` prints it for readers, and the tests check
that every code the library's source can emit (and every JSON Schema keyword the schemas use, which
becomes ``schema.<keyword>``) is here, so a new code cannot ship undocumented.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .errors import Severity

#: code -> (severity, one-line meaning).
PROBLEM_CODES: Mapping[str, tuple[Severity, str]] = MappingProxyType({
    # Files and syntax
    "file.missing": ("error", "a file or folder the course names does not exist"),
    "file.unreadable": ("error", "a file cannot be read: a folder where a file should be, or no permission to read it"),
    "file.encoding": ("error", "a file is not UTF-8 text"),
    "file.empty": ("error", "a file or a content block holds nothing but blank lines or comments"),
    "syntax.yaml": ("error", "YAML that cannot be parsed: a file, a page's front matter or a content block's body"),
    "syntax.front-matter": ("error", "a page does not start with its '---' front matter, or never closes it"),
    "syntax.block": ("error", "a fenced content block is never closed"),
    "file.too-large": ("error", "a page, YAML or media file larger than its kind may be (the limits are in the README)"),
    # Schemas: one code per JSON Schema keyword the schemas use, and two of our own
    "schema.required": ("error", "a required key is missing"),
    "schema.unknown-key": ("error", "a key this kind of file does not have (with the nearest one it does)"),
    "schema.type": ("error", "a value of the wrong kind: text where a list belongs, a number where text does"),
    "schema.enum": ("error", "a value that is not one of those allowed"),
    "schema.const": ("error", "a value other than the one allowed"),
    "schema.pattern": ("error", "text not in the form required, such as an id or a language tag"),
    "schema.format": ("error", "text not in the format required, such as an absolute IRI"),
    "schema.minimum": ("error", "a number below the smallest allowed"),
    "schema.exclusiveMinimum": ("error", "a number not above the lower bound"),
    "schema.maximum": ("error", "a number above the largest allowed"),
    "schema.minLength": ("error", "text shorter than allowed (often: empty)"),
    "schema.maxLength": ("error", "text longer than allowed"),
    "schema.minItems": ("error", "a list with fewer items than required"),
    "schema.uniqueItems": ("error", "a list that repeats an item"),
    "schema.unknown-question-type": ("error", "a question type that is neither built in nor installed as a plugin"),
    # References between files
    "id.duplicate": ("error", "an id used more than once among its kind (modules, pages, objectives, assessments, questions, terms; blocks within a page)"),
    "ref.unknown-module": ("error", "a prerequisite names no module of the course"),
    "ref.self-prerequisite": ("error", "a module requires itself"),
    "ref.later-prerequisite": ("warning", "a module requires one that comes after it in course.yaml"),
    "ref.unknown-objective": ("error", "a page or question names an objective no module declares"),
    "ref.unknown-term": ("error", "a glossary link names no term of the glossary"),
    "ref.missing-media": ("error", "a media file the content uses does not exist"),
    "ref.outside-course": ("error", "a path that leads outside the course folder, as written or through a link"),
    "graph.cycle": ("error", "module prerequisites that form a cycle, so no module of it can be started"),
    # Questions, assessments and scores
    "question.no-correct-answer": ("error", "a choice question with no option marked correct"),
    "question.several-correct": ("error", "a single_choice question with more than one option marked correct"),
    "question.repeated": ("error", "an option, answer or item that appears twice in one question"),
    "question.tolerance": ("error", "a numeric question with a negative tolerance"),
    "assessment.kind": ("error", "an assessment whose kind does not fit where it is listed (a final_exam inside a module)"),
    "value.not-finite": ("error", "a score, answer or tolerance that is .nan or .inf"),
    "objective.unassessed": ("warning", "an objective that no question assesses"),
    "language.no-player-words": ("warning", "a course language the player has no words in: its buttons and messages show in English"),
    # Markdown and media
    "markdown.raw-html": ("warning", "HTML pasted into Markdown, which learners see as literal text (with the Markdown or block to use)"),
    "markdown.too-long": ("error", "one Markdown text (a run of prose, a prompt, a callout) longer than the limit"),
    "media.file-name": ("error", "a media file name that a URL or Windows cannot carry ('#', '?', '%', ':', a reserved name)"),
    "media.case-collision": ("error", "media file names that differ only in case, which collide when unzipped on Windows or macOS"),
    "media.type": ("error", "a media file of a type a browser runs as a page or program (HTML, XML, script, Flash)"),
    "media.active-content": ("error", "an SVG with script, event handlers, script URLs, external references or embedded pages"),
    # Accessibility
    "a11y.missing-alt": ("error", "an image without alt text"),
    # Translations (``translate import`` and ``validate --lang``), located in the XLIFF file
    "translation.syntax": ("error", "a translation file that is not well-formed XML or not XLIFF 1.2"),
    "translation.language": ("error", "a translation file with no target language, or the course's own language"),
    "translation.duplicate-unit": ("error", "a unit that is in the translation file more than once"),
    "translation.unknown-unit": ("error", "a unit the course does not have (removed or renamed since the export)"),
    "translation.missing-unit": ("error", "a unit of the course that the translation file does not have"),
    "translation.untranslated": ("error", "a unit with no translation, or one marked as still to translate"),
    "translation.partial": ("warning", "a unit the kept translation leaves untranslated (imported with --partial): it shows in the source language"),
    "translation.stale-source": ("error", "a unit whose source is no longer the course's text: the course changed since the export"),
    "translation.placeholder-lost": ("error", "a translation that dropped a tag of its source (Markdown markup, a glossary link)"),
    "translation.placeholder-altered": ("error", "a translation that changed, repeated, added or misordered a tag of its source"),
    "translation.markup": ("error", "a translation holding XLIFF markup its source does not have"),
    "translation.too-long": ("error", "a translation longer than its field allows"),
})


def catalogue_markdown() -> str:
    """The catalogue as the Markdown table of ``docs/problem-codes.md``."""
    rows = [f"| `{code}` | {severity} | {meaning} |" for code, (severity, meaning) in PROBLEM_CODES.items()]
    return "\n".join(["| code | severity | meaning |", "| --- | --- | --- |", *rows]) + "\n"
