"""Source files and the map from JSON pointers to lines and columns inside them."""

from __future__ import annotations

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


def pointer(*tokens: object) -> str:
    """Join tokens into a JSON pointer."""
    return "".join(["/" + escape_pointer_token(t) for t in tokens])


class SourceFile:
    """The text of one YAML document (a whole file, or a part of a Markdown page) and where it sits.

    Locations are worked out only when a problem asks for one: the clean path never composes the
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
                node = yaml.compose(self.text, Loader=yaml.CSafeLoader)
            except (yaml.YAMLError, RecursionError):
                node = None
            if node is not None:
                self._walk(node, self.base)
        return self._values

    def _walk(self, root: yaml.Node, ptr: str) -> None:
        # An explicit stack, because hostile input may nest deeper than Python's recursion limit.
        stack = [(root, ptr)]
        seen: set[int] = set()
        while stack:
            node, here = stack.pop()
            self._values[here] = (node.start_mark.line + 1, node.start_mark.column + 1)  # type: ignore[index]
            if id(node) in seen:  # an alias: its children are mapped already
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    child = f"{here}/{escape_pointer_token(key_node.value)}"
                    self._keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                    stack.append((value_node, child))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    stack.append((item, f"{here}/{index}"))


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
