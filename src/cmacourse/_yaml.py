"""A fast, strict YAML reader: plain JSON-like data, no duplicate keys, no aliases, no timestamps.

Clean files are parsed by yaml-rs (YAML 1.2, in Rust: about ten times faster than PyYAML here).
Only a file that fails is parsed again by PyYAML, whose errors carry a line and column for every
kind of problem; PyYAML also maps pointers to lines for the schema errors (see sourcemap.py).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from typing import Any

import yaml
import yaml_rs

# Refuse aliases outright: they let a small file expand into an enormous document, and authors never need them.
_NO_ALIASES = yaml_rs.AliasLimits(max_total_replayed_events=0)
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?:[ \t]|$)", re.MULTILINE)
_RS_POSITION = re.compile(r"at line (\d+), column (\d+)")

# libyaml's parser when it is there; the pure-Python one otherwise. Both share the constructor below.
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YAMLSyntaxError(Exception):
    """The text is not YAML that a course can hold; line and column are 1-based."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _StrictLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A node met twice is an alias. Aliases let a small file expand into an enormous document,
        # and authors never need them, so refuse them outright.
        if node in self.constructed_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "YAML anchors and aliases (&name, *name) are not supported here; write the value out", node.start_mark
            )
        return super().construct_object(node, deep)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
    data: dict[Any, Any] = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(None, None, "a key must be plain text", key_node.start_mark)
        if key in data:
            raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} appears twice in this mapping", key_node.start_mark)
        data[key] = loader.construct_object(value_node, deep=True)


def _construct_timestamp_as_text(loader: _StrictLoader, node: yaml.ScalarNode) -> str:
    # A date in a course is text to show, never a datetime object that JSON Schema cannot type.
    return str(loader.construct_scalar(node))


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


def load_yaml(text: str) -> Any:
    """Parse one YAML document into plain data.

    Raises:
        YAMLSyntaxError: the text is not valid YAML, holds several documents, or uses a feature refused above.
    """
    # yaml-rs returns a list for several documents, which a top-level list would look like, and reads
    # a NUL as an empty value: let the careful path see any text with a document marker or a NUL.
    if "\x00" not in text and not _DOCUMENT_MARKER.search(text):
        try:
            return yaml_rs.loads(text, parse_datetime=False, alias_limits=_NO_ALIASES)
        except yaml_rs.YAMLDecodeError as exc:
            fast_error = str(exc)
        except RecursionError:
            raise YAMLSyntaxError("the document is nested too deeply", None, None) from None
        _load_located(text)  # raises the located error when PyYAML finds one too
        raise _from_fast_error(fast_error)
    return _load_located(text)


def _from_fast_error(message: str) -> YAMLSyntaxError:
    position = _RS_POSITION.search(message)
    lines = [line for line in message.splitlines() if line.strip() and not line.lstrip().startswith(("|", "^")) and not re.match(r"^\s*\d+\s*\|", line)]
    text = lines[-1].strip() if lines else message
    if position:
        return YAMLSyntaxError(text, int(position[1]), int(position[2]))
    return YAMLSyntaxError(text, None, None)


def _load_located(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if mark is None:
            raise YAMLSyntaxError(message, None, None) from None
        raise YAMLSyntaxError(message, mark.line + 1, mark.column + 1) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        raise YAMLSyntaxError(f"unacceptable character #x{exc.character:04x} in the text", line, column) from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(str(exc), None, None) from None
    except RecursionError:
        raise YAMLSyntaxError("the document is nested too deeply", None, None) from None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1
