"""Markdown to HTML for the player: CommonMark with authors' raw HTML escaped, glossary links and packaged images."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from markdown_it.token import Token
from markupsafe import Markup

from ..markdown import GLOSSARY_SCHEME, course_path, new_parser, path_url
from ..model import GlossaryTerm
from .words import FALLBACK, Words, words_for

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

#: Where media files go inside a package, under their course-relative path.
ASSETS = "assets/"

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_EXTERNAL = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
# Text that CommonMark reads as nothing but text: no character that can open inline syntax (code,
# emphasis, links, images, escapes, entities, raw HTML) and no line break, tab or other control or
# space character but the plain space. Most options, feedback, titles and callout texts are such
# one-liners, and a full parse costs far more than escaping them.
_PLAIN_TEXT = re.compile(r"(?:[^\s\x00-\x1f\x7f`*_\[\]\\<>&~|#!]| )*")
# A plain line that starts with a letter cannot open a block (heading, list, quote, code, table).
_PLAIN_PARAGRAPH = re.compile(r"[^\W\d_](?:[^\s\x00-\x1f\x7f`*_\[\]\\<>&~|#!]| )*")
# Prose as designers write most of it: paragraphs and ATX headings of one line each, one blank line
# apart, plain but for ``**strong**`` words. A ``**`` after a space and before a letter or digit can
# only open, one after a letter or digit and before a space, the end or . , ; : ? ) can only close
# (CommonMark's flanking rules), so each such pair is <strong> and nothing else.
_CHAR = r"[^\s\x00-\x1f\x7f`*_\[\]\\<>&~|#!]"
_STRONG = re.compile(rf"(?<= )\*\*([A-Za-z0-9](?:(?:{_CHAR}| )*[A-Za-z0-9])?)\*\*(?=[ .,;:?)]|\Z)")
_STRONG_PARAGRAPH = re.compile(rf"[^\W\d_](?:{_CHAR}| |{_STRONG.pattern})*")
_STRONG_HTML = r"<strong>\1</strong>"
_PLAIN_HEADING = re.compile(rf"(#{{1,6}}) ({_CHAR}(?:(?:{_CHAR}| )*{_CHAR})?)")


def asset_path(path: str) -> str:
    """The package path of a course-relative media file."""
    return ASSETS + path


def asset_url(path: str) -> str:
    """The package path of a course-relative media file as written in HTML: percent-encoded where a URL needs it."""
    return path_url(asset_path(path))


def glossary_anchor(term_id: str) -> str:
    """The element id of a glossary term on the glossary screen."""
    return f"g-{term_id}"


class MarkdownRenderer:
    """Renders authors' Markdown for one launch document.

    Raw HTML is escaped (``html: False``), so authors' text never runs as script; markdown-it's own
    link check already refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` targets.
    ``media`` collects the course-relative path of every image rendered.
    """

    def __init__(self, glossary: Sequence[GlossaryTerm], root: str = "", words: Words | None = None) -> None:
        self.root = root
        #: The player's words the rendered Markdown adds (what screen readers hear about a link).
        self.words = words or words_for(FALLBACK)
        self.terms: Mapping[str, GlossaryTerm] = {t.id: t for t in glossary}
        self.media: set[str] = set()
        self._md = _rendering_parser()

    def _env(self, referrer: str) -> dict[str, Any]:
        return {"renderer": self, "referrer": referrer, "links": []}

    def block(self, text: str, referrer: str = "") -> Markup:
        """Block-level HTML (paragraphs, lists, tables) for a Markdown text."""
        line = text.rstrip(" \n").lstrip("\n")  # CommonMark skips blank lines before and after
        if _PLAIN_PARAGRAPH.fullmatch(line):
            return Markup(f"<p>{_escape_text(line)}</p>\n")  # noqa: S704 - escaped as markdown-it escapes text
        simple = _simple_prose(line)
        if simple is not None:
            return Markup(simple)  # noqa: S704 - escaped as markdown-it escapes text
        return Markup(self._md.render(text, self._env(referrer)))  # noqa: S704 - escaped by markdown-it

    def inline(self, text: str, referrer: str = "") -> Markup:
        """Phrasing HTML for a short Markdown text (an option, a table cell): no paragraph around it."""
        line = " ".join(text.split("\n")).strip()
        if _PLAIN_TEXT.fullmatch(line):
            return Markup(_escape_text(line))  # noqa: S704 - escaped as markdown-it escapes text
        return Markup(self._md.renderInline(line, self._env(referrer)))  # noqa: S704

    def plain(self, text: str) -> str:
        """The text a learner reads, without markup: for titles of interactions and tooltips."""
        line = " ".join(text.split("\n"))
        if _PLAIN_TEXT.fullmatch(line):
            return _SPACE.sub(" ", line).strip()
        rendered = self._md.renderInline(line, {"renderer": None, "referrer": "", "links": []})
        return _SPACE.sub(" ", html.unescape(_TAG.sub("", rendered))).strip()

    def term_title(self, term_id: str) -> str | None:
        """``Term: definition`` in plain text for a link's tooltip; None for an unknown term."""
        term = self.terms.get(term_id)
        return f"{term.term}: {self.plain(term.definition)}" if term else None


@functools.cache
def _rendering_parser() -> MarkdownIt:
    # One parser for every renderer: the rules below find the renderer (its glossary, media root and
    # media set) in the environment of each call, so nothing of one launch leaks into another.
    md = new_parser()
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.add_render_rule("image", _image)
    return md


def _simple_prose(text: str) -> str | None:
    """The HTML of one-line headings and paragraphs with ``**strong**`` words, as markdown-it writes it; None for other text."""
    html_parts = []
    for chunk in text.split("\n\n"):
        heading = _PLAIN_HEADING.fullmatch(chunk)
        if heading is not None:
            level = len(heading[1])
            html_parts.append(f"<h{level}>{_escape_text(heading[2])}</h{level}>\n")
        elif _STRONG_PARAGRAPH.fullmatch(chunk) and not chunk.endswith(" "):
            html_parts.append(f"<p>{_STRONG.sub(_STRONG_HTML, _escape_text(chunk))}</p>\n")
        else:
            return None
    return "".join(html_parts)


def _escape_text(text: str) -> str:
    # What markdown-it writes for a text token: & < > and " as entities (plain text holds only ").
    return text.replace('"', "&quot;")


def _link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    renderer: MarkdownRenderer | None = env.get("renderer")
    kind = "plain"
    if href.startswith(GLOSSARY_SCHEME) and renderer is not None:
        term = href[len(GLOSSARY_SCHEME):]
        token.attrSet("href", "#" + glossary_anchor(term))
        token.attrSet("class", "gloss")
        token.attrSet("data-term", term)
        title = renderer.term_title(term)
        if title:
            token.attrSet("title", title)
    elif _EXTERNAL.match(href) and renderer is not None:
        # Inside an LMS frame a followed link would replace the course, so outside links open a tab.
        token.attrSet("target", "_blank")
        token.attrSet("rel", "noopener noreferrer")
        kind = "external"
    env["links"].append(kind)
    return str(self.renderToken(tokens, idx, options, env))


def _link_close(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    kind = env["links"].pop() if env["links"] else "plain"
    renderer: MarkdownRenderer | None = env.get("renderer")
    note = ""
    if kind == "external" and renderer is not None:
        words = renderer.words.gettext(" (opens in a new tab)")
        note = f'<span class="sr-only">{html.escape(words)}</span>'
    return note + str(self.renderToken(tokens, idx, options, env))


def _image(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    renderer: MarkdownRenderer | None = env.get("renderer")
    resolved = course_path(str(token.attrGet("src") or ""), env.get("referrer", ""))
    if renderer is None or resolved is None:
        # Only packaged files are shown: a remote image would be a network request, and the rule is none.
        return html.escape(alt)
    renderer.media.add(resolved)
    title = token.attrGet("title")
    title_attr = f' title="{html.escape(str(title))}"' if title else ""
    return f'<img src="{html.escape(renderer.root + asset_url(resolved))}" alt="{html.escape(alt)}"{title_attr}>'
