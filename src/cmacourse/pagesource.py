"""Splitting a page's Markdown file into front matter, prose and fenced content blocks."""

from __future__ import annotations

import re
from collections.abc import Container

import attrs

_FENCE_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\s`]*)[^`]*$")
_FRONT_MATTER_END = ("---", "...")


@attrs.frozen
class Segment:
    """A run of prose (``kind`` is None) or a fenced block's YAML body; ``line`` is its first line in the file."""

    kind: str | None
    text: str
    line: int


@attrs.frozen
class PageText:
    """A page file taken apart: front matter text and the segments of its body."""

    front_matter: str
    segments: tuple[Segment, ...]


class PageSyntaxError(Exception):
    """The page's layout is broken; ``line`` is 1-based."""

    def __init__(self, code: str, message: str, line: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line


def split_page(text: str, block_types: Container[str]) -> PageText:
    """Split a page into front matter and segments; a fence whose info string is a block type is a block.

    Raises:
        PageSyntaxError: no front matter, front matter never closed, or a block fence never closed.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise PageSyntaxError("syntax.front-matter", "a page must start with front matter: a line '---', YAML keys such as id and title, and another '---'", 1)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in _FRONT_MATTER_END), None)
    if end is None:
        raise PageSyntaxError("syntax.front-matter", "the front matter is never closed: add a line '---' after its last key", 1)
    return PageText("\n".join(lines[1:end]) + "\n", tuple(_segments(lines, end + 1, block_types)))


def _segments(lines: list[str], start: int, block_types: Container[str]) -> list[Segment]:
    segments: list[Segment] = []
    prose_start = start
    i = start
    while i < len(lines):
        opening = _FENCE_OPEN.match(lines[i])
        if not opening:
            i += 1
            continue
        fence = opening["fence"]
        close = _closing_fence(lines, i + 1, fence)
        if opening["info"] not in block_types:
            # Ordinary fenced code stays in the prose, closed or not, as CommonMark treats it.
            i = (close if close is not None else len(lines)) + 1
            continue
        if close is None:
            raise PageSyntaxError("syntax.block", f"the {opening['info']} block opened here is never closed with {fence}", i + 1)
        _add_prose(segments, lines, prose_start, i)
        segments.append(Segment(opening["info"], "\n".join(lines[i + 1 : close]) + "\n", i + 2))
        i = prose_start = close + 1
    _add_prose(segments, lines, prose_start, len(lines))
    return segments


def _closing_fence(lines: list[str], start: int, fence: str) -> int | None:
    for j in range(start, len(lines)):
        stripped = lines[j].strip()
        if stripped and stripped[0] == fence[0] and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            return j
    return None


def _add_prose(segments: list[Segment], lines: list[str], start: int, end: int) -> None:
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    if start < end:
        segments.append(Segment(None, "\n".join(lines[start:end]) + "\n", start + 1))
