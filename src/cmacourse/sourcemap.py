"""Source files and the map from JSON pointers to lines and columns inside them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs

import yaml

from .errors import Location


def escape_pointer_token(token: object) -> str:
    """Escape one JSON pointer token as RFC 6901 requires."""
    text = str(token)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of an offset into ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def pointer(*tokens: object) -> str:
    """Join tokens into a JSON pointer."""
    if len(tokens) == 1:  # most pointers a course makes are one step into a list or a mapping
        return "/" + escape_pointer_token(tokens[0])
    return "/" + "/".join(map(escape_pointer_token, tokens)) if tokens else ""


class SourceFile:
    """The text of one YAML document (a whole file, or a part of a Markdown page) and where it sits.

    Locations are worked out only when a problem asks for one: the clean path never parses the
    YAML a second time.
    """

    def __init__(self, path: Path, display: str, text: str, first_line: int = 1, base: str = "") -> None:
        self.path = path
        self.display = display
        self.text = text
        #: Line of the real file on which ``text`` begins (a page's front matter starts on line 2).
        self.first_line = first_line
        #: JSON pointer of this document inside the larger one it belongs to (a block inside a page).
        self.base = base
        self._values: dict[str, tuple[int, int]] | None = None
        self._keys: dict[str, tuple[int, int]] = {}

    def location(self, line: int | None = None, column: int | None = None, ptr: str = "") -> Location:
        """A location in the real file from a 1-based line and column inside ``text``."""
        if line is None:
            return Location(self.display, None, None, ptr)
        return Location(self.display, line + self.first_line - 1, column, ptr)

    def locate(self, ptr: str = "", *, key: bool = False) -> Location:
        """The location of the value (or, with ``key``, of the key) at a JSON pointer.

        Falls back to the nearest ancestor that exists, because a missing key is reported at its parent.
        """
        values = self._source_map()
        probe = ptr
        while True:
            if key and probe in self._keys:
                line, col = self._keys[probe]
                break
            if probe in values:
                line, col = values[probe]
                break
            if len(probe) <= len(self.base):
                return self.location(1, 1, ptr)
            probe = probe.rsplit("/", 1)[0]
        return self.location(line, col, ptr)

    def _source_map(self) -> dict[str, tuple[int, int]]:
        if self._values is None:
            self._values = {}
            try:
                self._map_events(yaml.parse(self.text, Loader=yaml.CSafeLoader))
            except (yaml.YAMLError, RecursionError):
                pass  # keep what was mapped before the error: it still locates the problems above it
        return self._values

    def _map_events(self, events: Iterator[yaml.Event]) -> None:
        # PyYAML's event stream, not its composed tree: composing recurses once per nesting level,
        # and hostile input nests deeper than Python's recursion limit. Here the stack is explicit.
        values = self._values
        assert values is not None
        stack: list[_Frame] = []
        for event in events:
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                continue
            if not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                continue
            position = (event.start_mark.line + 1, event.start_mark.column + 1)
            here = self._place(stack, event, position)
            if here is not None:
                values[here] = position
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append(_Frame(here, isinstance(event, yaml.MappingStartEvent)))

    def _place(self, stack: list[_Frame], event: yaml.Event, position: tuple[int, int]) -> str | None:
        """The pointer of a node event, or None for a mapping key (whose position goes to ``_keys``)."""
        if not stack:
            return self.base
        top = stack[-1]
        if top.pointer is None:  # inside a complex key: nothing there has a pointer
            return None
        if not top.mapping:
            top.index += 1
            return f"{top.pointer}/{top.index}"
        if top.key is None:
            name = event.value if isinstance(event, yaml.ScalarEvent) else "?"
            top.key = f"{top.pointer}/{escape_pointer_token(name)}"
            self._keys[top.key] = position
            return None
        here, top.key = top.key, None
        return here


class _Frame:
    """An open mapping or sequence while the event stream is walked."""

    __slots__ = ("index", "key", "mapping", "pointer")

    def __init__(self, pointer: str | None, mapping: bool) -> None:
        self.pointer = pointer
        self.mapping = mapping
        self.index = -1
        self.key: str | None = None


@attrs.frozen(kw_only=True)
class SourceRef:
    """Where a model object came from; resolved to a line and column only when a problem needs one."""

    file: SourceFile = attrs.field(eq=False, repr=False)
    pointer: str = ""
    #: Set for Markdown text, whose line is known without composing any YAML.
    line: int | None = None
    #: With ``line``, the 1-based column of something inside the text (a link); else its first column.
    column: int | None = None

    def location(self, extra: str = "", *, key: bool = False) -> Location:
        """The location of this object, or of ``extra`` (a JSON pointer suffix) inside it."""
        if self.line is not None:
            return self.file.location(self.line, self.column or 1, self.pointer + extra)
        return self.file.locate(self.pointer + extra, key=key)

    def child(self, *tokens: object) -> SourceRef:
        """A reference to a value inside this one."""
        return SourceRef(file=self.file, pointer=self.pointer + pointer(*tokens), line=self.line, column=self.column)
