"""A fast, strict YAML reader: plain JSON-like data, no duplicate keys, no aliases, no timestamps.

Every value comes from yaml-rs (YAML 1.2, in Rust: about ten times faster than PyYAML here), so a
file means the same whatever it starts with. PyYAML parses only to find fault: a file that yaml-rs
refuses, and any text with a document marker or a NUL, which yaml-rs would read as several documents
or an empty value. Its errors carry a line and column for every kind of problem; it also maps
pointers to lines for the schema errors (see sourcemap.py).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from functools import cache
from typing import Any

import jsonschema_rs
import yaml
import yaml_rs

from .sourcemap import line_column

# Refuse aliases outright: they let a small file expand into an enormous document, and authors never need them.
_NO_ALIASES = yaml_rs.AliasLimits(max_total_replayed_events=0)
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?:[ \t]|$)", re.MULTILINE)
_RS_POSITION = re.compile(r"at line (\d+), column (\d+)")

#: How deep lists and mappings may nest in a course file. The deepest the schemas allow is about eight
#: (a question's options' feedback); beyond this, validators and serialisers would recurse without end.
MAX_DEPTH = 32
_TOO_DEEP = f"the lists and mappings here are nested more than {MAX_DEPTH} levels deep; no course file needs that: flatten it"

#: yaml-rs parses recursively in native code: nesting some ten thousand levels deep overflows its stack and
#: ends the process. In block style at most two collections start in each column (a mapping, and a list as
#: one of its values), and the parser refuses flow collections nested more than 255 deep, so a text whose
#: lines are all shorter than twice this many characters nests at most about 2,300 levels: safe. A text
#: with a longer line is measured by libyaml's parser, which keeps its own stack, before yaml-rs reads it.
_LINE_BLOCK = 512

#: A plain whole number longer than 18 digits (beyond a 64-bit integer): no bound in the schemas
#: comes near one, and Python refuses to print one of more than 4,300 digits.
_LONG_NUMBER = re.compile(r"[-+]?(?:0x[0-9a-fA-F]{16,}|0o[0-7]{22,}|[0-9]{19,})")
#: Text that may hold such a number: found five times faster, because every match starts with a digit.
_MAYBE_LONG_NUMBER = re.compile(r"[0-9](?:[0-9]{18}|x[0-9a-fA-F]{16}|o[0-7]{22})")
#: Every ASCII digit as a 0: in the text so translated, a run of 19 digits is a plain substring, found
#: seven times faster than by the pattern (which is left for the rare text with a 0x or 0o).
_DIGITS_AS_ZEROS = str.maketrans("123456789", "0" * 9)
_DECIMAL_RUN = "0" * 19

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
        try:
            return super().construct_object(node, deep)
        except (ArithmeticError, LookupError, TypeError, ValueError):
            # PyYAML's constructors fail with plain exceptions on an explicit tag whose value does not
            # fit it (``!!int x``, ``!!bool maybe``): that is a problem in the text, located at the node.
            tag = node.tag.rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, f"this value does not fit its tag !!{tag}; remove the tag or correct the value", node.start_mark
            ) from None


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
    if _may_hold_a_long_number(text):
        _check_numbers(text)
    if _may_have_a_long_line(text):
        _measure_depth_first(text)
    if "\x00" in text or (("---" in text or "..." in text) and _DOCUMENT_MARKER.search(text)):
        # yaml-rs returns a list for several documents, which a top-level list would look like, and reads
        # a NUL as an empty value: the careful parser first makes sure this is one document of YAML text.
        # Its data is not used: PyYAML reads YAML 1.1 (``no`` is false, ``1:30`` is 90), and a ``---``
        # line must not change what the values mean.
        _check_depth(text)
        _load_located(text)
    try:
        data = yaml_rs.loads(text, parse_datetime=False, alias_limits=_NO_ALIASES)
    except yaml_rs.YAMLDecodeError as exc:
        fast_error = str(exc)
    except RecursionError:
        fast_error = _TOO_DEEP
    else:
        if not _plainly_shaped(data):
            _check_depth(text)
            _load_located(text)  # raises for a key that is a list or a mapping
            raise YAMLSyntaxError(_TOO_DEEP, None, None)  # too deep, past a place libyaml could not read
        return data
    _check_depth(text)
    _load_located(text)  # raises the located error when PyYAML finds one too
    raise _locate_fast_error(_from_fast_error(fast_error), text)


def _may_hold_a_long_number(text: str) -> bool:
    zeros = text.translate(_DIGITS_AS_ZEROS)
    return _DECIMAL_RUN in zeros or (("0x" in zeros or "0o" in zeros) and _MAYBE_LONG_NUMBER.search(text) is not None)


def _check_numbers(text: str) -> None:
    """Raise the located error for a plain whole number too long for a course, before any parser converts it."""
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if (isinstance(event, yaml.ScalarEvent) and not event.style and event.implicit[0]
                    and _LONG_NUMBER.fullmatch(event.value)):
                raise YAMLSyntaxError(
                    f"this whole number has {len(event.value.lstrip('+-'))} characters, more than any course needs: "
                    "write a smaller number, or put it in quotes if it is text",
                    event.start_mark.line + 1, event.start_mark.column + 1)
    except yaml.YAMLError:
        pass  # a syntax error is reported by the parse that follows


def _may_have_a_long_line(text: str) -> bool:
    """Whether a line may be ``2 * _LINE_BLOCK - 1`` characters or longer: such a line holds a whole aligned
    block of ``_LINE_BLOCK`` characters with no line break in it, and there are few blocks to look at."""
    if len(text) < 2 * _LINE_BLOCK - 1:
        return False
    find = text.find
    return any(find("\n", start, start + _LINE_BLOCK) < 0 for start in range(0, len(text) - _LINE_BLOCK + 1, _LINE_BLOCK))


def _measure_depth_first(text: str) -> None:
    """Raise the located error for nesting too deep, or for text libyaml cannot read through, before yaml-rs sees it."""
    error, read_whole = _depth_scan(text)
    if error is not None:
        raise error
    if not read_whole:
        _load_located(text)  # raises the located syntax error
        raise YAMLSyntaxError("this text is not YAML that a course can hold", None, None)


@cache
def _depth_limit() -> jsonschema_rs.Validator:
    """A schema that lets lists and mappings nest ``MAX_DEPTH`` levels and no deeper: jsonschema-rs walks the
    data in native code, without recursing on Python's stack, several times faster than a walk in Python."""
    levels: dict[str, Any] = {
        f"level{n}": {"items": {"$ref": f"#/$defs/level{n + 1}"}, "additionalProperties": {"$ref": f"#/$defs/level{n + 1}"}}
        for n in range(MAX_DEPTH)
    }
    levels[f"level{MAX_DEPTH}"] = {"not": {"type": ["array", "object"]}}
    return jsonschema_rs.validator_for({"$ref": "#/$defs/level0", "$defs": levels})


def _plainly_shaped(data: Any) -> bool:
    """Nested at most ``MAX_DEPTH`` levels, with no list or mapping as a key."""
    try:
        return bool(_depth_limit().is_valid(data))
    except ValueError:  # a key that is not text (``1:``, ``? [a, b]``), which jsonschema-rs refuses to look at
        return _plainly_shaped_walk(data)


def _plainly_shaped_walk(data: Any) -> bool:
    # Level by level, without recursion: a key may be nested deeper than Python's recursion limit.
    level = [data] if type(data) is dict or type(data) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return False
        below: list[Any] = []
        for value in level:
            if type(value) is dict:
                if any(isinstance(key, (tuple, frozenset)) for key in value):
                    return False
                value = value.values()
            below += [child for child in value if type(child) is dict or type(child) is list]
        level = below
    return True


def _check_depth(text: str) -> None:
    """Raise the located error for text nested deeper than ``MAX_DEPTH``, before any parser recurses into it."""
    error = _depth_scan(text)[0]
    if error is not None:
        raise error


def _depth_scan(text: str) -> tuple[YAMLSyntaxError | None, bool]:
    """The error at the first list or mapping nested past the limit, if any, and whether libyaml read the whole text."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return YAMLSyntaxError(_TOO_DEEP, event.start_mark.line + 1, event.start_mark.column + 1), False
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None, False  # a syntax error before the limit is reported as such
    return None, True


def _from_fast_error(message: str) -> YAMLSyntaxError:
    position = _RS_POSITION.search(message)
    lines = [line for line in message.splitlines() if line.strip() and not line.lstrip().startswith(("|", "^")) and not re.match(r"^\s*\d+\s*\|", line)]
    text = lines[-1].strip() if lines else message
    if position:
        return YAMLSyntaxError(text, int(position[1]), int(position[2]))
    return YAMLSyntaxError(text, None, None)


def _locate_fast_error(error: YAMLSyntaxError, source: str) -> YAMLSyntaxError:
    # Some yaml-rs errors ("Invalid tag: '!!timestamp'") carry no position; the token they quote does.
    quoted = re.search(r"'([^'\n]+)'", error.message)
    offset = source.find(quoted[1]) if quoted and error.line is None else -1
    if offset < 0:
        return error
    message = error.message
    if message.startswith("Invalid tag") and quoted:
        message = f"the YAML tag {quoted[1]} is not supported here; remove the tag and write a plain value"
    return YAMLSyntaxError(message, *line_column(source, offset))


def _load_located(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        message, mark = _explain(exc, text)
        if mark is None:
            raise YAMLSyntaxError(message, None, None) from None
        raise YAMLSyntaxError(message, mark.line + 1, mark.column + 1) from None
    except yaml.reader.ReaderError as exc:
        line, column = line_column(text, exc.position)
        raise YAMLSyntaxError(f"the control character #x{exc.character:04x} cannot appear in YAML text; remove it (is this a text file?)",
                              line, column) from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(str(exc), None, None) from None
    except RecursionError:
        raise YAMLSyntaxError(_TOO_DEEP, None, None) from None


_TAB_INDENT = "a tab is used for indentation here; YAML indents with spaces only"
_INDENTATION = "this line is indented differently from the lines before it; line up keys (and the '- ' of list items) at one level with spaces"


def _explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, Any]:
    """A message a course author understands, and the mark it is about, for one of libyaml's errors.

    libyaml names its parser's states ("while parsing a flow sequence"); say instead what is wrong
    in the text. Where something opened is never closed, the place it opened is the useful one.
    """
    context, problem = exc.context or "", exc.problem or ""
    here = exc.problem_mark or exc.context_mark
    opened = exc.context_mark or here
    if context.startswith("while parsing a flow sequence"):
        return "the list opened with '[' here is never closed: end it with ']', and put ',' between its items", opened
    if context.startswith("while parsing a flow mapping"):
        return "the mapping opened with '{' here is never closed: end it with '}', and put ',' between its entries", opened
    if context.startswith("while scanning a quoted scalar") and "end of stream" in problem:
        return "the quoted text that starts here is never closed: add the closing quote", opened
    if "exceeded maximum nesting depth" in context or "exceeded maximum nesting depth" in problem:
        return _TOO_DEEP, here
    if context.startswith("while parsing a flow node"):
        return ("a list in [...] or a mapping in {...} has an empty entry here: remove the extra ',', "
                "or write the item out (a '- ' item cannot stand inside brackets)"), here
    if context.startswith("while parsing a block node") and "expected node content" in problem:
        return f"a value cannot start with {_char_at(text, here)!r}: put the text in quotes", here
    if context.startswith("while scanning a block scalar"):
        return ("only an indentation number and '-' or '+' may follow '|' or '>' on its line: "
                "start the text on the next line, indented"), here
    if context.startswith("while scanning an alias") or context.startswith("while scanning an anchor"):
        return f"a value cannot start with {_char_at(text, opened)!r}: put the text in quotes", opened
    if problem.startswith("block sequence entries are not allowed"):
        return "a list item ('- ') cannot start on the line of its key: put it on the next line, indented, or put the text in quotes", here
    if problem.startswith("mapping keys are not allowed"):
        return "a '?' cannot start a value here: put the text in quotes", here
    if problem.startswith("did not find expected key") and _closed_before(text, here):
        return "text follows the closing quote or bracket on this line: put the whole value in quotes", here
    if context.startswith("while scanning a simple key"):
        return "this line is not a key followed by ':' (nor a list item starting with '- '): add the ':' or join it to the line above", opened
    if "tab character" in problem or ("cannot start any token" in problem and _char_at(text, here) == "\t"):
        return _TAB_INDENT, here
    if "cannot start any token" in problem:
        return f"a value cannot start with {_char_at(text, here)!r}: put the text in quotes", here
    if problem.startswith("mapping values are not allowed"):
        return "a ':' is not allowed here: check this line's indentation, or put text containing ': ' in quotes", here
    if "expected '-' indicator" in problem or "expected key" in problem or "expected <block end>" in problem:
        return _INDENTATION, here
    if context.startswith("expected a single document"):
        return "a second YAML document starts here; a file holds one document: remove the '---' line and what follows, or merge them", here
    if problem.startswith("YAML anchors and aliases"):
        return problem, _first_alias(text, here)
    if "undefined alias" in problem:
        return "YAML anchors and aliases (&name, *name) are not supported here; write the value out", here
    if "expected <document start>" in problem:
        return "nothing may follow the end-of-document line ('...') in a file", here
    if "constructor for the tag" in problem:
        return "YAML tags such as !name are not supported here; remove the tag and write a plain value", here
    return " ".join(part for part in (context, problem) if part) or "invalid YAML", here


def _first_alias(text: str, anchor_mark: Any) -> Any:
    # libyaml resolves an alias to its anchor's node, so the error's mark is the anchor (&name).
    # The author is better served by the first place that uses it (*name).
    lines = text.split("\n")
    anchor = re.match(r"&([^\s,\[\]{}]+)", lines[anchor_mark.line][anchor_mark.column:]) if anchor_mark.line < len(lines) else None
    use = re.search(r"\*" + re.escape(anchor[1]) + r"(?![^\s,\[\]{}])", text) if anchor else None
    if use is None:
        return anchor_mark
    line, column = line_column(text, use.start())
    return yaml.Mark("<text>", use.start(), line - 1, column - 1, None, None)


def _closed_before(text: str, mark: Any) -> bool:
    """Whether the text before ``mark`` on its line ends with a closing quote or bracket (``'a' b``)."""
    lines = text.split("\n")
    before = lines[mark.line][: mark.column].rstrip() if mark is not None and mark.line < len(lines) else ""
    return before.endswith(("'", '"', "]", "}"))


def _char_at(text: str, mark: Any) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column] if mark.column < len(line) else ""

