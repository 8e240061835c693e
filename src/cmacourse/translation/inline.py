"""Markdown markup as protected inline codes, so a translator moves it but cannot break it.

A Markdown text becomes a sequence of plain runs and codes. Joining them gives the text back exactly.
Paired markup (``**bold**``, ``[a link](glossary:ged)``, ``![alt text](chart.svg)``) becomes a begin
and an end code around the words, which stay translatable; everything else a translator must not
touch (line starts such as ``## `` or ``- ``, inline code, HTML, escapes) becomes one placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

#: One alternative per kind of markup, tried left to right at each position.
_MARKUP = re.compile(
    r"(?P<fence>(?:(?<=\n)|^)[ \t]*```[^\n]*\n(?:.*?\n)?[ \t]*```[ \t]*(?=\n|$))"
    r"|(?P<lines>[ \t]*\n(?:[ \t]*\n)*[ \t]*(?:(?:\#{1,6}|[-*+]|\d{1,9}[.)]|>)(?:[ \t]+|(?=\n)))*)"
    r"|(?P<start>^[ \t]*(?:(?:\#{1,6}|[-*+]|\d{1,9}[.)]|>)[ \t]+)+)"
    r"|(?P<code>(?P<ticks>`+)[^`].*?(?P=ticks))"
    r"|(?P<html><[A-Za-z/!][^<>\n]*>)"
    r"|(?P<escape>\\[\\`*_{}\[\]()#+\-.!<>|~])"
    r"|(?P<open>!?\[)"
    r"|(?P<close>\]\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+\"[^\"\n]*\")?\))"
    r"|(?P<emphasis>\*\*|__|\*(?![ \t\n])|(?<![ \t])\*|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))",
    re.DOTALL,
)

#: XLIFF 1.2 ``ctype`` of each placeholder kind (§ 2.4.4: values outside the list start with ``x-``).
_PLACEHOLDER_TYPES = {"fence": "x-code-block", "lines": "lb", "start": "lb", "code": "x-code", "html": "x-html",
                      "escape": "x-escape", "emphasis": "x-emphasis", "open": "x-bracket"}


@attrs.frozen
class Code:
    """A piece of markup: ``role`` is ``ph`` (standalone), ``bpt`` (begins a pair) or ``ept`` (ends it)."""

    id: str
    role: str
    text: str
    ctype: str | None = None


Piece = "str | Code"


def protect(text: str, kind: str) -> tuple[str | Code, ...]:
    """The text as plain runs and codes; plain text (``kind`` ``text``) has no codes."""
    if kind != "markdown":
        return (text,) if text else ()
    pieces: list[str | Code] = []
    openers: list[tuple[int, str]] = []  # (index in pieces, delimiter) of what may still be closed
    position = 0
    for match in _MARKUP.finditer(text):
        if not match.group():
            continue
        if match.start() > position:
            pieces.append(text[position:match.start()])
        position = match.end()
        markup, found = match.lastgroup, match.group()
        if markup == "close":
            link = next((i for i in range(len(openers) - 1, -1, -1) if openers[i][1] in ("[", "![")), None)
            if link is not None:
                start, delimiter = openers[link]
                del openers[link:]  # emphasis opened inside the link and never closed stays a placeholder
                ctype = "x-image" if delimiter == "![" else "x-glossary-link" if found.startswith("](glossary:") else "link"
                pieces[start] = ("bpt", delimiter, ctype)  # type: ignore[call-overload]
                pieces.append(("ept", found, ctype))  # type: ignore[arg-type]
                continue
            pieces.append(("ph", found, "x-link-target"))  # type: ignore[arg-type]
            continue
        if markup in ("open", "emphasis"):
            if markup == "emphasis":
                same = next((i for i in range(len(openers) - 1, -1, -1) if openers[i][1] == found), None)
                if same is not None and same == len(openers) - 1:
                    start, _ = openers.pop()
                    ctype = "bold" if len(found) == 2 else "italic"
                    pieces[start] = ("bpt", found, ctype)  # type: ignore[call-overload]
                    pieces.append(("ept", found, ctype))  # type: ignore[arg-type]
                    continue
            openers.append((len(pieces), found))
            pieces.append(("ph", found, _PLACEHOLDER_TYPES[markup]))  # type: ignore[arg-type]
            continue
        pieces.append(("ph", found, _PLACEHOLDER_TYPES[markup or "html"]))  # type: ignore[arg-type]
    if position < len(text):
        pieces.append(text[position:])
    return _numbered(pieces)


def _numbered(pieces: list[object]) -> tuple[str | Code, ...]:
    """Codes numbered in order; an end code takes its begin code's number."""
    result: list[str | Code] = []
    open_ids: list[str] = []
    counter = 0
    for piece in pieces:
        if isinstance(piece, str):
            if result and isinstance(result[-1], str):
                result[-1] += piece
            else:
                result.append(piece)
            continue
        role, text, ctype = piece  # type: ignore[misc]
        if role == "ept":
            result.append(Code(open_ids.pop(), "ept", text, ctype))
            continue
        counter += 1
        result.append(Code(str(counter), role, text, ctype))
        if role == "bpt":
            open_ids.append(str(counter))
    return tuple(result)


def plain(pieces: Sequence[str | Code]) -> str:
    """The text the pieces stand for."""
    return "".join(p if isinstance(p, str) else p.text for p in pieces)


def codes(pieces: Sequence[str | Code]) -> dict[tuple[str, str], Code]:
    """The codes of a text by (role, id)."""
    return {(p.role, p.id): p for p in pieces if isinstance(p, Code)}
