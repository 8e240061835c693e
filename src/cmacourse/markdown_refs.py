"""References inside Markdown text: images it shows and glossary terms it links."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

import attrs

#: The link scheme that points at a glossary term: ``[GED](glossary:ged)``.
GLOSSARY_SCHEME = "glossary:"

_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_GLOSSARY = re.compile(r"\]\(" + GLOSSARY_SCHEME + r"(?P<term>[^)\s]*)\)")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@attrs.frozen
class ImageRef:
    """A Markdown image: its alt text, its target as written, and its course-relative path if it stays inside."""

    alt: str
    target: str
    resolved: str | None
    offset: int


def resolve_media(referrer: str, target: str) -> str | None:
    """The course-relative path of ``target`` written in the file ``referrer``; None if it leaves the course.

    An absolute path, a URL, or a ``..`` that climbs above the course folder all leave it.
    """
    if not target or target.startswith(("/", "\\")) or _URL.match(target) or "\\" in target:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(referrer), target))
    if joined == ".." or joined.startswith("../") or joined == ".":
        return None
    return joined


def markdown_images(text: str, referrer: str) -> Iterator[ImageRef]:
    """Every image written in Markdown text."""
    for match in _IMAGE.finditer(text):
        target = match["target"]
        yield ImageRef(match["alt"].strip(), target, resolve_media(referrer, target), match.start())


def glossary_links(text: str) -> Iterator[tuple[str, int]]:
    """Every glossary term id linked from Markdown text, with the offset of the link's opening ``[``."""
    if GLOSSARY_SCHEME not in text:
        return
    for match in _GLOSSARY.finditer(text):
        opening = text.rfind("[", 0, match.start())
        yield match["term"], opening if opening >= 0 else match.start()
