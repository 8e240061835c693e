"""The packaged JSON Schemas: complete, self-consistent, and the single source of the file formats."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from referencing.exceptions import Unresolvable

from cmacourse.jsonschemas import SCHEMA_NAMES, fast_validator, load_schema, registry, validator

ROOT = Path(__file__).resolve().parents[1]


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_every_schema_file_is_packaged() -> None:
    """Every file in schemas/ is one of the names the library loads, and the reverse."""
    on_disk = sorted(p.name.removesuffix(".schema.json") for p in (ROOT / "schemas").glob("*.schema.json"))
    assert on_disk == sorted(SCHEMA_NAMES)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_has_metadata_and_valid_examples(name: str) -> None:
    """Each schema is draft 2020-12 with $id, title, description and examples that it accepts."""
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{name}.schema.json"
    assert schema["title"] and schema["description"] and schema["examples"]
    if name not in ("common", "blocks"):
        for example in schema["examples"]:
            assert not list(validator(name).iter_errors(example))
            assert fast_validator(name).is_valid(example)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_ref_resolves_through_importlib_resources(name: str) -> None:
    """Every $ref in every packaged schema resolves in the registry built from package data."""
    text = (resources.files("cmacourse") / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    resolver = registry().resolver(base_uri=schema["$id"])
    for ref in _refs(schema):
        try:
            resolver.lookup(ref)
        except Unresolvable as exc:  # pragma: no cover - the assertion message is the point
            pytest.fail(f"{name}: {ref} does not resolve: {exc}")


@pytest.mark.parametrize("block", ["callout", "image", "figure", "table", "list", "audio", "video"])
def test_block_examples_are_valid(block: str) -> None:
    """Each block definition's examples pass its own schema, in both validators."""
    definition = load_schema("blocks")["$defs"][block]
    for example in definition["examples"]:
        assert not list(validator(f"blocks#/$defs/{block}").iter_errors(example))
        assert fast_validator(f"blocks#/$defs/{block}").is_valid(example)


def test_question_examples_are_valid() -> None:
    """Each question type's example is a valid question inside an assessment."""
    schema = load_schema("assessment")
    for name in ("single_choice", "multiple_response", "true_false", "matching", "ordering", "fill_blank", "numeric"):
        example = schema["$defs"][name]["examples"][0]
        document = {"id": "a", "title": "A", "kind": "knowledge_check", "questions": [example]}
        assert not list(validator("assessment").iter_errors(document)), name
