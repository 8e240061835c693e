"""The packaged JSON Schemas: one registry, one validator per schema, and designer-friendly messages.

Two validators share the schemas: jsonschema-rs answers "valid or not" fast, and is all a clean course
needs; jsonschema explains each problem precisely and is imported (and its validators compiled) only when
a document has problems, so validating a clean course never pays for it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from . import iri
from .errors import Problem
from .hints import did_you_mean
from .sourcemap import SourceFile, pointer

if TYPE_CHECKING:
    import jsonschema
    from referencing import Registry

__all__ = ["check", "did_you_mean", "load_schema", "not_finite_message", "registry", "schema_text", "validator"]

#: The ``format`` keywords the schemas use, each enforced by one function (JSON Schema only annotates them by default).
FORMATS: dict[str, Any] = {"iri": iri.is_absolute_iri}
#: What a value of each format is, for the message when one is not.
_FORMAT_WORDS = {"iri": iri.DESCRIPTION}

#: Schema names, one per kind of authored file or fragment: ``schemas/<name>.schema.json``.
SCHEMA_NAMES = ("common", "course", "module", "page", "assessment", "glossary", "blocks")


def schema_text(name: str) -> str:
    """The text of a packaged schema."""
    return (resources.files("cmacourse") / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A packaged schema, parsed."""
    return json.loads(schema_text(name))  # type: ignore[no-any-return]


@cache
def registry() -> Registry:
    """Every packaged schema keyed by its ``$id``; nothing is ever fetched from the network."""
    from referencing import Registry, Resource  # the detailed path only: see the module's docstring

    resources_ = [Resource.from_contents(load_schema(name)) for name in SCHEMA_NAMES]
    return Registry().with_resources((r.id(), r) for r in resources_ if r.id())  # type: ignore[misc]


@cache
def validator(ref: str) -> jsonschema.protocols.Validator:
    """A validator for a schema, or a definition inside one: ``"module"`` or ``"blocks#/$defs/table"``."""
    import jsonschema  # the detailed path only: see the module's docstring

    name, _, fragment = ref.partition("#")
    schema: Mapping[str, Any] = load_schema(name)
    if fragment:
        schema = {"$ref": f"{name}.schema.json#{fragment}"}
    cls = jsonschema.validators.validator_for(load_schema("common"))
    return cls(schema, registry=registry(), format_checker=_format_checker())  # type: ignore[no-any-return]


@cache
def _format_checker() -> jsonschema.FormatChecker:
    import jsonschema  # the detailed path only: see the module's docstring

    checker = jsonschema.FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return checker


@cache
def _rust_registry() -> jsonschema_rs.Registry:
    return jsonschema_rs.Registry([(s["$id"], s) for s in map(load_schema, SCHEMA_NAMES)])


@cache
def fast_validator(ref: str) -> jsonschema_rs.Validator:
    """The jsonschema-rs twin of ``validator(ref)``: it answers valid or not, fast, and nothing more."""
    name, _, fragment = ref.partition("#")
    schema: Mapping[str, Any] = load_schema(name) if not fragment else {"$ref": f"{name}.schema.json#{fragment}"}
    return jsonschema_rs.Draft202012Validator(schema, registry=_rust_registry(), validate_formats=True, formats=FORMATS)


def check(data: Any, schema: str | Mapping[str, Any], source: SourceFile, at: str = "") -> Iterator[Problem]:
    """Every way ``data`` breaks the schema, located in ``source``; ``at`` is where ``data`` sits in it.

    jsonschema-rs decides first whether the data is valid at all: on the clean path that is the only
    cost. Only a document with problems pays for jsonschema's detailed errors and for locating them.
    """
    if isinstance(schema, str):
        try:
            if fast_validator(schema).is_valid(data):
                return
        except ValueError:
            pass  # a key that is not text (``1:``, ``true:``), which jsonschema-rs refuses to look at; explain it below
        checker = validator(schema)
    else:
        checker = _plugin_validator(schema)
        if checker.is_valid(data):
            return
    errors = sorted(checker.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    for error in _leaf_errors(errors):
        yield from _problems(error, source, source.base + at)


def _plugin_validator(schema: Mapping[str, Any]) -> jsonschema.protocols.Validator:
    import jsonschema  # the detailed path only: see the module's docstring

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, registry=registry())  # type: ignore[no-any-return]


def _leaf_errors(errors: list[jsonschema.ValidationError]) -> Iterator[jsonschema.ValidationError]:
    # A failed if/then reports the branch's own errors: pass those through, never the wrapper.
    for error in errors:
        if error.validator in ("allOf", "anyOf", "oneOf", "$ref") and error.context:
            yield from _leaf_errors(sorted(error.context, key=lambda e: list(map(str, e.absolute_path))))
        else:
            yield error


def _problems(error: jsonschema.ValidationError, source: SourceFile, at: str) -> Iterator[Problem]:
    ptr = at + pointer(*error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        # One problem per unknown key, each at its own line: jsonschema lists them all in one error.
        allowed = sorted(schema.get("properties", {}))
        for name in sorted(set(error.instance) - set(allowed), key=str):
            yield Problem(
                code="schema.unknown-key",
                message=f"unknown key {name!r}; allowed here: {', '.join(allowed)}",
                location=source.locate(f"{ptr}{pointer(name)}", key=True),
                hint=did_you_mean(str(name), allowed),
            )
        return
    yield _problem(error, source, ptr)


def _problem(error: jsonschema.ValidationError, source: SourceFile, ptr: str) -> Problem:
    kind = str(error.validator)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return Problem(code="schema.required", message=f"missing required key {missing!r}", location=source.locate(ptr))
    if kind == "type":
        expected = schema.get("type")
        found = _describe(error.instance)
        return Problem(code="schema.type", message=f"expected {_type_words(expected)}, found {found}", location=source.locate(ptr))
    if kind in ("enum", "const"):
        choices = [str(c) for c in schema.get("enum", [schema.get("const")])]
        return Problem(
            code=f"schema.{kind}",
            message=f"{error.instance!r} is not allowed here; expected {' or '.join(choices) if len(choices) < 3 else 'one of ' + ', '.join(choices)}",
            location=source.locate(ptr),
            hint=did_you_mean(str(error.instance), choices),
        )
    if kind in _BOUNDS and isinstance(error.instance, float) and not math.isfinite(error.instance):
        return Problem(code="value.not-finite", message=not_finite_message(error.instance), location=source.locate(ptr))
    if kind == "format" and schema.get("format") in _FORMAT_WORDS:
        return Problem(code="schema.format", message=f"{error.instance!r} is not {_FORMAT_WORDS[schema['format']]}",
                       location=source.locate(ptr))
    if kind == "pattern" and "description" in schema:
        return Problem(code="schema.pattern", message=f"{error.instance!r} is not valid: {schema['description']}",
                       location=source.locate(ptr), hint=_id_hint(error.instance, schema))
    return Problem(code=f"schema.{kind}", message=error.message, location=source.locate(ptr))


_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def not_finite_message(value: float) -> str:
    """The message for YAML's ``.inf`` or ``.nan`` where a number belongs: no score or answer can be one."""
    spelled = ".nan (not a number)" if math.isnan(value) else f"{'-' if value < 0 else ''}.inf (infinity)"
    return f"expected an ordinary number, found {spelled}"


def _id_hint(value: object, schema: Mapping[str, Any]) -> str | None:
    # For an id, suggest the nearest valid one: "First_Page" -> "first-page".
    id_pattern = load_schema("common")["$defs"]["id"]["pattern"]
    if schema.get("pattern") != id_pattern or not isinstance(value, str):
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return f"did you mean {slug!r}?" if re.fullmatch(id_pattern, slug) else None


_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "array": "a list", "object": "a mapping of keys to values", "null": "nothing"}


def _type_words(expected: object) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)


def _describe(value: object) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()} (quote it if you meant text)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
