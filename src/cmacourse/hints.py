"""Suggestions for a word that is nearly right: a format id, an option key, a schema key, a file name."""

from __future__ import annotations

import difflib
import os
import posixpath
from collections.abc import Iterable
from pathlib import Path


def close_matches(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """The choices closest to ``word``, ignoring case (``SCORM12`` is ``scorm12``), best first."""
    by_folded = {choice.casefold(): choice for choice in choices}
    if word.casefold() in by_folded:
        return [by_folded[word.casefold()]]
    found = difflib.get_close_matches(word.casefold(), list(by_folded), n=n, cutoff=0.6)
    return [by_folded[folded] for folded in found]


def did_you_mean(word: str, choices: Iterable[str], n: int = 1) -> str | None:
    """A hint naming the closest choice (or the ``n`` closest), if one is close."""
    close = close_matches(word, choices, n)
    if not close:
        return None
    return f"did you mean {' or '.join(repr(c) for c in close)}?"


def similar_file(name: str, names: Iterable[str], folder: str) -> tuple[str | None, dict[str, str]]:
    """A problem's hint naming the file in the course path ``folder`` whose name is nearest to ``name``, and its path.

    The hint quotes the name to write (``did you mean 'page.md'``) and names, as ``{similar}``, the file it is.
    """
    close = close_matches(name, names)
    if not close:
        return None, {}
    written = repr(close[0]).replace("{", "{{").replace("}", "}}")  # a name's braces are not a path's place
    return f"did you mean {written} ({{similar}})?", {"similar": posixpath.join(folder, close[0])}


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as every message names it: relative to where the command runs when it lies below it."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        return absolute
    return absolute if relative == ".." or relative.startswith(".." + os.sep) else Path(relative).as_posix()

