"""The one Markdown reader: markdown-it tokens that rendering, validation and the media list all share.

Validation asks what a text *is* (the images it shows, the glossary terms it links, the raw HTML an
author pasted), rendering turns the same tokens into HTML. Both read CommonMark through the parser
made here, so a code span such as ```` `![](chart.png)` ```` is code to both, and a reference-style
image (``![alt][ref]``) or a ``<...>``-bracketed path is an image to both.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import attrs

from .coursefiles import relative_path
from .sourcemap import SourceRef

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

    from .model import Course  # the model lists its media through this module

#: The link scheme that points at a glossary term: ``[GED](glossary:ged)``.
GLOSSARY_SCHEME = "glossary:"
#: The longest one Markdown text (a run of prose, a prompt, a callout) may be, in characters. CommonMark
#: parsers take time quadratic in the length of some hostile texts (100,000 '[' take seconds); the
#: flagship's longest text is under 4,000 characters.
MAX_MARKDOWN_CHARS = 64 * 1024
#: Characters left as they are when a course path becomes a URL: the path separator and RFC 3986's unreserved set.
_URL_SAFE = "/-._~"
#: Inline rules whose tokens are given the offset in the inline source at which they start, by the token type they make.
_LOCATED_RULES = {"link": "link_open", "image": "image", "html_inline": "html_inline"}


def new_parser(*, html: bool = False) -> MarkdownIt:
    """The CommonMark parser (with tables) every reader of Markdown uses.

    Args:
        html: whether raw HTML is recognised as HTML tokens. Rendering never does (authors' HTML is
            escaped as text); only the check that warns about pasted HTML does.
    """
    from markdown_it import MarkdownIt  # on first use: listing formats or printing the version never needs a parser

    md = MarkdownIt("commonmark", {"html": html}).enable("table")
    for name, token_type in _LOCATED_RULES.items():
        rule = next(r.fn for r in md.inline.ruler.__rules__ if r.name == name)
        md.inline.ruler.at(name, _located(rule, token_type))
    return md


def _located(rule: Callable[[StateInline, bool], bool], token_type: str) -> Callable[[StateInline, bool], bool]:
    # markdown-it gives block tokens a line map but inline tokens none; the offset where an inline
    # rule matched is the one fact needed to point an author at the image or link itself.
    def run(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent:
            # Text before the match is flushed into a token of its own first: mark the rule's token.
            made = next((t for t in state.tokens[count:] if t.type == token_type), None)
            if made is not None:
                made.meta["offset"] = start
        return matched

    return run


def course_path(src: str, referrer: str) -> str | None:
    """The course-relative file an image's ``src`` (as markdown-it normalised it) names, or None if it leaves the course.

    markdown-it percent-encodes a destination (``café.svg`` becomes ``caf%C3%A9.svg``); the file on
    disk has the decoded name. A ``%2e%2e`` decodes to ``..`` here, before the containment check.
    """
    return relative_path(referrer, unquote(src))


def path_url(path: str) -> str:
    """A course-relative path written as a URL path: spaces and non-ASCII letters percent-encoded."""
    return quote(path, safe=_URL_SAFE)


@attrs.frozen
class ImageRef:
    """A Markdown image: its alt text, its target as written, its course path (None if it leaves the course) and place."""

    alt: str
    target: str
    resolved: str | None
    #: 1-based line and column inside the Markdown text.
    line: int
    column: int


@attrs.frozen
class LinkRef:
    """A Markdown link: its destination as markdown-it normalised it, and its place in the text."""

    href: str
    line: int
    column: int


@attrs.frozen
class RawHtml:
    """HTML an author wrote into Markdown: the tag as written (``<b>``, ``</div>``) and its place."""

    tag: str
    line: int
    column: int

    @property
    def name(self) -> str:
        """The element name in lower case (``b`` for ``</B>``); empty for a comment or declaration."""
        body = self.tag.lstrip("<").lstrip("/")
        word = ""
        for char in body:
            if not (char.isalnum() or char == "-"):
                break
            word += char
        return word.lower()


@attrs.frozen
class References:
    """Everything inside one Markdown text that points somewhere."""

    images: tuple[ImageRef, ...]
    links: tuple[LinkRef, ...]

    def glossary_terms(self) -> Iterator[LinkRef]:
        """Links to a glossary term, whose id is ``link.href`` after the scheme."""
        return (link for link in self.links if link.href.startswith(GLOSSARY_SCHEME))


@functools.cache
def _parser(*, html: bool) -> MarkdownIt:
    return new_parser(html=html)


@functools.lru_cache(maxsize=4096)
def references(text: str, referrer: str) -> References:
    """The images and links of a Markdown text written in the file ``referrer`` (a course-relative path)."""
    if "[" not in text:  # every image and link has one; most texts have none, and parsing is the cost
        return References((), ())
    images: list[ImageRef] = []
    links: list[LinkRef] = []
    lines = text.split("\n")
    for token, line, column in _inline_tokens(_parser(html=False).parse(text), lines):
        if token.type == "image":
            src = str(token.attrGet("src") or "")
            images.append(ImageRef(token.content.strip(), unquote(src), course_path(src, referrer), line, column))
        elif token.type == "link_open":
            links.append(LinkRef(str(token.attrGet("href") or ""), line, column))
    return References(tuple(images), tuple(links))


#: The elements of HTML (WHATWG HTML, section 4, and the obsolete ones authors still paste). A tag of
#: another name (``<angle brackets>``, ``<name@example.org>``) is text an author meant to show.
HTML_ELEMENTS = frozenset("""
a abbr acronym address area article aside audio b base bdi bdo big blink blockquote body br button canvas caption
center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed fieldset figcaption
figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label
legend li link main map mark marquee math menu meta meter nav noscript object ol optgroup option output p param
picture pre progress q rp rt ruby s samp script search section select slot small source span strike strong style
sub summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr
""".split())


def raw_html(text: str) -> Iterator[RawHtml]:
    """Every piece of raw HTML in a Markdown text, as CommonMark would let it through if HTML were allowed.

    Comments and tags of HTML elements count; a tag-like text of another name does not.
    """
    if "<" not in text:
        return
    lines = text.split("\n")
    tokens = _parser(html=True).parse(text)
    found: list[RawHtml] = []
    for token in tokens:
        if token.type == "html_block" and token.map:
            first = lines[token.map[0]]
            found.append(RawHtml(_first_tag(first.strip()), token.map[0] + 1, len(first) - len(first.lstrip()) + 1))
    found += [RawHtml(token.content, line, column) for token, line, column in _inline_tokens(tokens, lines)
              if token.type == "html_inline"]
    for tag in found:
        if tag.name in HTML_ELEMENTS or tag.tag.startswith("<!--"):
            yield tag


def _first_tag(text: str) -> str:
    end = text.find(">")
    return text[: end + 1] if end >= 0 else text


def _inline_tokens(tokens: list[Token], lines: list[str]) -> Iterator[tuple[Token, int, int]]:
    """Each inline child token that records an offset, with its 1-based line and column in the text."""
    for block in tokens:
        if block.type != "inline" or not block.children or block.map is None:
            continue
        content_lines = block.content.split("\n")
        starts = [0]
        for content_line in content_lines[:-1]:
            starts.append(starts[-1] + len(content_line) + 1)
        shifts: dict[int, int] = {}
        for child in _walk(block.children):
            offset = child.meta.get("offset")
            if offset is None:
                continue
            index = bisect.bisect_right(starts, offset) - 1
            if index not in shifts:
                shifts[index] = _shift(lines, block.map[0] + index, content_lines[index])
            yield child, block.map[0] + index + 1, shifts[index] + offset - starts[index] + 1


def _shift(lines: list[str], line: int, content: str) -> int:
    # The inline source is the line without its container markers ("> ", "- ", indentation):
    # find where it sits in the line as written.
    source_line = lines[line] if line < len(lines) else ""
    return max(source_line.find(content.rstrip()), 0) if content.strip() else 0


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children and token.type != "image":  # an image's children are its alt text, offsets inside it
            yield from _walk(token.children)


@attrs.frozen
class MarkdownText:
    """One Markdown text of a course, the file its paths are relative to, and where it is written."""

    text: str
    #: Course-relative path of the file that holds the text; image paths are relative to it.
    referrer: str
    #: The value, block or question that holds the text.
    holder: SourceRef | None
    #: The block or question whose fields hold the text, when its place among them is worked out only if asked.
    fields_of: object = None

    @property
    def source(self) -> SourceRef | None:
        """Where the text is written: its own value inside a block or question written in YAML, else its holder.

        Worked out on demand, from the models' fields, because only a text with a problem needs it.
        """
        if self.fields_of is None or self.holder is None:
            return self.holder
        where = _pointers(self.fields_of, {self.text})
        return self.holder.child(*where[self.text]) if self.text in where else self.holder

    def at(self, line: int, column: int) -> SourceRef | None:
        """Where something at a 1-based line and column of the text is, as exactly as the source knows it.

        A page's prose knows its first line, and its text is the file's lines as written; text held
        in YAML (a callout, a prompt) is located at the value that holds it.
        """
        ref = self.source
        if ref is not None and ref.line is not None:
            return SourceRef(file=ref.file, pointer=ref.pointer, line=ref.line + line - 1, column=column)
        return ref


def course_texts(course: Course, only: Callable[[str], bool] | None = None) -> Iterator[MarkdownText]:
    """Every Markdown text of a course, in course order: what validation checks and every format renders.

    ``only`` keeps the texts it is true for: a check that applies to few texts (those with a link)
    is spared making an object for each of the hundreds of thousands of a large course. It must be
    true of several texts joined by a newline whenever it is true of one of them (as "holds a
    character" and "is longer than" are).
    """
    def kept(text: str | None) -> bool:
        return bool(text) and (only is None or only(text))  # type: ignore[arg-type]

    if kept(course.description):
        yield MarkdownText(course.description, "course.yaml", course.source.child("description") if course.source else None)
    for module in course.modules:
        module_file = f"{module.folder}/module.yaml" if module.folder else "module.yaml"
        for key in ("summary", "reflection"):
            text = getattr(module, key)
            if kept(text):
                yield MarkdownText(text, module_file, module.source.child(key) if module.source else None)
        for page in module.pages:
            for block in page.blocks:
                ref = getattr(block, "source", None)
                # Prose knows its lines; a block written in YAML is located at the field that holds the text.
                fields_of = block if ref is not None and ref.line is None else None
                for text in block.markdown():
                    if only is None or only(text):
                        yield MarkdownText(text, page.path, ref, fields_of)
    for assessment in course.assessments:
        ref = assessment.source
        referrer = ref.file.display if ref else ""
        if kept(assessment.introduction):
            yield MarkdownText(assessment.introduction, referrer, ref.child("introduction") if ref else None)
        for question in assessment.questions:
            texts = dict.fromkeys((*question.markdown(), *_feedback(question)))
            # One test of all of a question's texts together first: true of them joined if true of any one
            # for the tests that matter (a character in it, a length over a limit), and false for most.
            if only is not None and not only("\n".join(texts)):
                continue
            for text in texts:
                if only is None or only(text):
                    yield MarkdownText(text, referrer, question.source, question)
    for term in course.glossary:
        if only is None or only(term.definition):
            ref = term.source
            yield MarkdownText(term.definition, ref.file.display if ref else "glossary.yaml", ref.child("definition") if ref else None)


def _pointers(item: object, texts: set[str]) -> dict[str, tuple[object, ...]]:
    """Where inside a block or question each of its Markdown texts is, as pointer tokens (``("options", 1, "text")``).

    The models' attribute names are the keys authors write, so the path to a text among the attributes
    is its place in the YAML. The first place wins for a text written twice.
    """
    found: dict[str, tuple[object, ...]] = {}
    stack: list[tuple[object, tuple[object, ...]]] = [(item, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if value in texts:
                found.setdefault(value, path)
        elif isinstance(value, tuple):
            # Pushed in reverse, so that they come off the stack in the order they are written.
            stack.extend((child, (*path, index)) for index, child in reversed(list(enumerate(value))))
        elif attrs.has(type(value)):
            fields = [f.name for f in attrs.fields(type(value)) if f.name != "source"]
            stack.extend((getattr(value, name), (*path, name)) for name in reversed(fields))
    return found


def _feedback(question: object) -> tuple[str, ...]:
    feedback = getattr(question, "feedback", None)
    texts = (getattr(feedback, "correct", None), getattr(feedback, "incorrect", None))
    return tuple(t for t in texts if isinstance(t, str) and t)
