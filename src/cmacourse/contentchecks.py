"""Checks on what a course's Markdown and blocks point at: images, glossary links, pasted HTML and the media files.

Everything here reads the same Markdown tokens the formats render (:mod:`cmacourse.markdown`) and
the same file resolver the formats read media through (:mod:`cmacourse.coursefiles`), so what
validates also builds, and what builds was validated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from . import media
from .coursefiles import MAX_MEDIA_BYTES, CourseFolder, NotRegularError, OutsideCourseError, TooLargeError, megabytes
from .errors import Location, Problem, Severity, literal
from .hints import did_you_mean
from .markdown import GLOSSARY_SCHEME, MAX_MARKDOWN_CHARS, RawHtml, course_texts, raw_html, references
from .model import Course
from .sourcemap import SourceRef

#: Stands for the kind of media file ("image", "media file") in messages worked out once per file for every place that uses it.
_NOUN = "<noun>"
#: How many findings inside one media file a message lists before it says "and N more".
_SHOWN_FINDINGS = 3


@attrs.frozen
class _Use:
    """One place a media file is used: where, and what the author calls it there."""

    ref: SourceRef | None
    extra: str = ""
    #: What the author calls it: ``image`` for one in Markdown, ``media file`` for a block's file.
    noun: str = "media file"


@attrs.frozen
class _FileProblem:
    """A problem of one media file, reported at every place that uses it; ``_NOUN`` in the message stands for what that place calls it.

    The message names the file as ``{media}`` (and any link on the way as ``{link}`` and ``{target}``).
    """

    code: str
    message: str
    hint: str | None = None
    paths: dict[str, str] = attrs.field(factory=dict)


def content_problems(course: Course, complete: bool) -> Iterator[Problem]:
    """Every problem with the images, links, HTML and media files of a course."""
    uses: dict[str, list[_Use]] = {}
    yield from _markdown(course, complete, uses)
    for module in course.modules:
        for page in module.pages:
            for block in page.blocks:
                for path, where in block.media():
                    uses.setdefault(path, []).append(_Use(getattr(block, "source", None), where))
    folder = CourseFolder(course.root)
    for path, places in sorted(uses.items()):
        found = _media_file(folder, path)
        for place in places if found else ():
            yield _problem(found.code, found.message.replace(_NOUN, place.noun), place, hint=found.hint,
                           paths={"media": path, **found.paths})
    yield from _case_collisions(uses)


def _problem(code: str, message: str, use: _Use, *, severity: Severity = "error", hint: str | None = None,
             paths: dict[str, str] | None = None) -> Problem:
    location = use.ref.location(use.extra) if use.ref else Location("course.yaml")
    return Problem(code=code, message=message, location=location, severity=severity, hint=hint, paths=paths)


def _may_have_problems(text: str) -> bool:
    # Without an image, a link or HTML (most texts), only the length can be wrong.
    return "[" in text or "<" in text or len(text) > MAX_MARKDOWN_CHARS


def _markdown(course: Course, complete: bool, uses: dict[str, list[_Use]]) -> Iterator[Problem]:
    # With a glossary that failed to load, every link would look unknown: check terms only when complete.
    terms = sorted(t.id for t in course.glossary) if complete else None
    for text in course_texts(course, only=_may_have_problems):
        if len(text.text) > MAX_MARKDOWN_CHARS:
            yield _problem("markdown.too-long", f"this Markdown text is {len(text.text):,} characters long; one text may hold at most "
                           f"{MAX_MARKDOWN_CHARS:,}", _Use(text.at(1, 1)), hint="split it over several pages, "
                           "or put a content block between its parts")
            continue
        refs = references(text.text, text.referrer)
        for link in refs.glossary_terms() if terms is not None else ():
            term = link.href[len(GLOSSARY_SCHEME):]
            if term not in terms:
                yield _problem("ref.unknown-term", f"no glossary term has the id {term!r}", _Use(text.at(link.line, link.column)),
                               hint=did_you_mean(term, terms))
        for image in refs.images:
            place = _Use(text.at(image.line, image.column), noun="image")
            if image.resolved is None:
                yield _problem("ref.outside-course", f"the image {image.target!r} leaves the course folder", place)
            else:
                uses.setdefault(image.resolved, []).append(place)
            if not image.alt:
                yield _problem("a11y.missing-alt", f"the image {image.target!r} has no alt text: write ![what it shows]({image.target})",
                               place)
        opened: set[str] = set()
        for tag in raw_html(text.text):
            closing = tag.tag.startswith("</")
            if closing and tag.name in opened:
                continue  # one warning for <b>…</b>, at the opening tag
            opened.add(tag.name)
            yield _problem("markdown.raw-html", f"raw HTML {tag.tag!r} is shown to learners as literal text, not as HTML",
                           _Use(text.at(tag.line, tag.column)), severity="warning", hint=html_alternative(tag))


def _media_file(folder: CourseFolder, path: str) -> _FileProblem | None:
    """The problem of one media file, if it has one."""
    refused = media.name_problem(path)
    if refused:
        return _FileProblem("media.file-name", f"the {_NOUN} {{media}} cannot be packaged: {literal(refused)}")
    refused = media.type_problem(path)
    if refused:
        return _FileProblem("media.type", f"the {_NOUN} {{media}} cannot be packaged: {literal(refused)}")
    try:
        data = folder.read_bytes(path, MAX_MEDIA_BYTES)
    except OutsideCourseError as exc:
        message, paths = exc.problem_text(f"the {_NOUN} {{media}}")
        return _FileProblem("ref.outside-course", message, "copy the file into the course folder instead of linking to it", paths)
    except TooLargeError as exc:
        return _FileProblem("file.too-large", f"the {_NOUN} {{media}} is {megabytes(exc.size)}; a media file may hold at most "
                            f"{megabytes(exc.limit)}", "make it smaller (a lower bit rate or resolution), or link to it from a module's links")
    except NotRegularError as exc:
        return _FileProblem("ref.missing-media", f"the {_NOUN} {{media}} is {exc.kind}, not a file")
    except (OSError, ValueError):
        return _FileProblem("ref.missing-media", f"the {_NOUN} {{media}} does not exist")
    findings = list(media.content_problems(path, data))
    if not findings:
        return None
    shown = "; ".join(f"line {line}: {what}" if line else what for line, what in findings[:_SHOWN_FINDINGS])
    more = f" (and {len(findings) - _SHOWN_FINDINGS} more)" if len(findings) > _SHOWN_FINDINGS else ""
    return _FileProblem("media.active-content", f"the {_NOUN} {{media}} could run script or load files when opened from the LMS: "
                        f"{literal(shown)}{more}",
                        "save it as a plain picture: remove scripts, event attributes (onload=…), links to other files and embedded pages")


def _case_collisions(uses: dict[str, list[_Use]]) -> Iterable[Problem]:
    # Windows and macOS file systems ignore case: such names unzip into one file. Each is reported
    # where it is first used, naming the others.
    groups: dict[str, list[str]] = {}
    for path in sorted(uses):
        groups.setdefault(path.casefold(), []).append(path)
    for names in groups.values():
        if len(names) < 2:
            continue
        listed = " and ".join(f"{{media{n}}}" for n in range(1, len(names) + 1))
        paths = {f"media{n}": name for n, name in enumerate(names, 1)}
        for name in names:
            yield _problem("media.case-collision", f"the media files {listed} differ only in case; they collide when a package "
                           "is unzipped on Windows or macOS", uses[name][0], hint="rename one of them, or use one file", paths=paths)


#: What to write instead of an HTML element, by element name; the fallback names Markdown and the blocks.
HTML_ALTERNATIVES: dict[str, str] = {
    **dict.fromkeys(("b", "strong"), "write **bold** in Markdown"),
    **dict.fromkeys(("i", "em"), "write *emphasis* in Markdown"),
    "br": "end the line with a backslash (\\) for a line break, or leave a blank line for a new paragraph",
    "p": "leave a blank line between paragraphs",
    "a": "write a link as [text](https://example.org)",
    "img": "write ![what it shows](../media/file.png), or use an image or figure block",
    "table": "use a table block (```table) or a Markdown table",
    **dict.fromkeys(("ul", "ol", "li"), "write a Markdown list (- item, or 1. item), or use a list block"),
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "write a heading as ## Heading"),
    "code": "write `code` between backticks",
    "pre": "indent the text by four spaces, or fence it with ```",
    "hr": "write a line of ---, with a blank line above it",
    "blockquote": "start the lines with >",
    "audio": "use an audio block (```audio) with a transcript",
    "video": "use a video block (```video) with a transcript",
    "figure": "use a figure block (```figure)",
    "aside": "use a callout block (```callout)",
    "div": "use a callout block (```callout) for a boxed note, or plain Markdown",
    **dict.fromkeys(("script", "style", "iframe", "object", "embed", "form", "input", "button"),
                    "scripts, styles, forms and embedded pages never run in a course: remove it"),
    "": "an HTML comment shows as text too: remove it, or keep notes in a YAML comment (# ...)",
}


def html_alternative(tag: RawHtml) -> str:
    """A hint naming the Markdown or content block that does what an HTML tag was meant to do."""
    return HTML_ALTERNATIVES.get(tag.name, "learners see HTML as literal text: write Markdown, or use a content block "
                                           "(callout, image, figure, table, list, audio, video)")
