"""What a media file may be: a name every LMS and operating system can serve and unzip, and no content that runs.

SVG is XML that a browser runs as a document when it is opened directly, and an LMS serves package
files from its own site address (Moodle serves SCORM and cartridge files so): a script inside an SVG
would run with the learner's LMS session. Such files are **refused** with a located error rather
than rewritten: a build never changes an author's bytes behind their back, and an author who meant
an animation learns why it cannot ship. Formats a browser runs outright (HTML, XML, script, Flash)
are refused by their extension.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .coursefiles import MAX_MEDIA_BYTES, CourseFolder, NotRegularError, OutsideCourseError, TooLargeError, megabytes
from .errors import BuildError
from .hints import shown_path

if TYPE_CHECKING:
    from lxml import etree

#: Extensions of files a browser would run as a document or program; never packaged as media.
ACTIVE_TYPES = frozenset({".htm", ".html", ".shtml", ".xht", ".xhtml", ".xml", ".xsl", ".xslt", ".js", ".mjs",
                          ".swf", ".svgz", ".hta", ".php"})
#: Characters that break a URL (``#``, ``?``, ``%``) or a file name on Windows, where packages are unzipped too.
_FORBIDDEN = set('#?%\\:*"<>|')
#: Names Windows reserves for devices, with any extension.
_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
#: SVG elements that run script, embed another document or change attributes over time.
_ACTIVE_ELEMENTS = frozenset({"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"})
#: Elements that may embed a picture as a ``data:image/…`` URL, which browsers show as an inert image.
_IMAGE_ELEMENTS = frozenset({"image", "feImage"})
_ANIMATIONS = frozenset({"animate", "set", "animateTransform", "animateMotion"})
#: An ``url(...)`` or ``@import`` in CSS that points anywhere but at a fragment of the same file.
_CSS_EXTERNAL = re.compile(r"@import|url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_SCHEME_NOISE = re.compile(r"[\x00-\x20]+")


def name_problem(rel: str) -> str | None:
    """Why a course path cannot be a packaged file name, or None if every LMS and OS can serve it."""
    for part in rel.split("/"):
        bad = sorted({c for c in part if c in _FORBIDDEN or ord(c) < 32 or ord(c) == 127})
        if bad:
            shown = ", ".join(repr(c) for c in bad)
            return f"the name {part!r} holds {shown}, which URLs or Windows cannot carry in a file name; rename the file"
        if part.endswith((".", " ")):
            return f"the name {part!r} ends in a dot or a space, which Windows drops when it unzips; rename the file"
        if _DEVICES.match(part):
            return f"the name {part!r} is reserved for a device on Windows; rename the file"
    return None


def type_problem(rel: str) -> str | None:
    """Why a media file's type cannot be packaged (a browser would run it), or None."""
    dot = rel.rfind(".")
    extension = rel[dot:].lower() if dot > rel.rfind("/") else ""
    if extension in ACTIVE_TYPES:
        return (f"it is a {extension} file, which a browser runs as a page or program when it is opened from the LMS; "
                "packages carry images, audio, video and captions only")
    return None


def svg_problems(data: bytes) -> Iterator[tuple[int | None, str]]:
    """(line, what) for every part of an SVG that could run or fetch something; nothing for a still picture.

    Parsed with lxml, never matched as text: no entity is expanded, no DTD or network file is read.
    """
    from lxml import etree  # when an SVG is checked: importing cmacourse, or a course without SVG, never loads it

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        yield exc.lineno, f"it is not well-formed XML ({exc.msg})"
        return
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None and any(True for _ in tree.docinfo.internalDTD.iterentities()):
        yield 1, "its DOCTYPE declares entities"
    for node in (*root.itersiblings(preceding=True), *tree.iter()):
        if isinstance(node, etree._ProcessingInstruction):
            yield node.sourceline, f"the processing instruction <?{node.target}?> can load a style sheet"
            continue
        if not isinstance(node.tag, str):
            continue
        yield from _element_problems(node)


def _element_problems(node: etree._Element) -> Iterator[tuple[int | None, str]]:
    name = _local(node.tag)
    line = node.sourceline
    if name in _ACTIVE_ELEMENTS:
        yield line, f"the <{name}> element can run script or load another document"
    if name in _ANIMATIONS:
        target = (node.get("attributeName") or "").lower().rsplit(":", 1)[-1]
        if target in {"href", "src"} or target.startswith("on"):
            yield line, f"the <{name}> element changes the {target} attribute"
    if name == "style" and node.text and _CSS_EXTERNAL.search(node.text):
        yield line, "its <style> loads a file from elsewhere (url() or @import)"
    for attribute, value in node.attrib.items():
        local = _local(attribute)
        scheme = _SCHEME_NOISE.sub("", value).lower()
        if local.lower().startswith("on"):
            yield line, f"the {local} attribute of <{name}> runs script"
        elif scheme.startswith(("javascript:", "vbscript:")):
            yield line, f"the {local} attribute of <{name}> is a script URL"
        elif local in {"href", "src"} and not (value.startswith("#") or (name in _IMAGE_ELEMENTS and scheme.startswith("data:image/"))):
            yield line, f"the {local} attribute of <{name}> points at {value!r}, outside this file"
        elif local == "style" and _CSS_EXTERNAL.search(value):
            yield line, f"the style attribute of <{name}> loads a file from elsewhere (url() or @import)"


def _local(name: str) -> str:
    """A tag or attribute name without its namespace: ``{http://www.w3.org/1999/xlink}href`` is ``href``."""
    return name.rsplit("}", 1)[-1]


def content_problems(rel: str, data: bytes) -> Iterator[tuple[int | None, str]]:
    """(line in the media file, what) for everything in a media file that could run; SVG is the one type looked into."""
    if rel.lower().endswith(".svg"):
        yield from svg_problems(data)


def read_media(root: Path, rel: str) -> bytes:
    """The bytes of a media file for a package, whatever the format.

    Raises:
        BuildError: the file leaves the course folder, is too large, is not a file, cannot be read, or
            has a name, type or content that :func:`name_problem`, :func:`type_problem` or :func:`content_problems` refuses.
    """
    shown = shown_path(root / rel)  # an error's paths, like every message's, are written from where the command runs
    try:
        data = CourseFolder(root).read_bytes(rel, MAX_MEDIA_BYTES)
    except OutsideCourseError as exc:
        template, paths = exc.problem_text("it")
        raise BuildError(f"cannot package media file {shown}: " + template.format(**{name: shown_path(root / path)
                                                                                    for name, path in paths.items()})) from None
    except TooLargeError as exc:
        raise BuildError(f"cannot package media file {shown}: it is {megabytes(exc.size)}; a media file may hold at most "
                         f"{megabytes(exc.limit)}") from None
    except NotRegularError as exc:
        raise BuildError(f"cannot package media file {shown}: it is {exc.kind}, not a file") from None
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot read media file {shown}: {getattr(exc, 'strerror', None) or exc}") from None
    # Validation refuses these first; a course built without it (a model made in code) is refused here.
    refused = name_problem(rel) or type_problem(rel) or next((what for _, what in content_problems(rel, data)), None)
    if refused:
        raise BuildError(f"cannot package media file {shown}: {refused}")
    return data
