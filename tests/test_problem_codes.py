"""The problem-code catalogue: every code the library can emit is in it, with its severity, and the docs print it."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from cmacourse import read_course
from cmacourse.problem_codes import PROBLEM_CODES, catalogue_markdown

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "cmacourse"
CODE = re.compile(r"^[a-z][a-z0-9]*\.[a-z][a-zA-Z0-9-]*$")
#: A call that makes a problem: Problem(...), a ``problem``/``_problem`` helper, or a syntax error that carries a code.
EMITTER = re.compile(r"(?i)problem|syntaxerror")
#: JSON Schema 2020-12 keywords that can refuse a value on their own (the applicators report their branches' errors).
ASSERTIONS = {"type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
              "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
              "maxProperties", "minProperties", "required", "dependentRequired", "format", "not", "oneOf",
              "propertyNames", "contains", "unevaluatedProperties", "unevaluatedItems", "additionalProperties"}
#: Keywords whose refusal has a code of its own.
RENAMED = {"additionalProperties": "schema.unknown-key"}


def _callee(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def emitted_in_source() -> dict[str, set[str]]:
    """Every literal code the source passes to an emitter, with the severities it is given (default: error)."""
    found: dict[str, set[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            code = keywords.get("code") or (node.args[0] if node.args and EMITTER.search(_callee(node.func)) else None)
            if isinstance(code, ast.Constant) and isinstance(code.value, str) and CODE.match(code.value):
                severity = keywords.get("severity")
                found.setdefault(code.value, set()).add(severity.value if isinstance(severity, ast.Constant) else "error")
    return found


def schema_keywords() -> set[str]:
    """The assertion keywords the packaged schemas use, each a ``schema.<keyword>`` code."""
    used: set[str] = set()

    def walk(node: object, in_names: bool = False) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if not in_names and key in ASSERTIONS:
                    used.add(key)
                walk(value, in_names=key in ("properties", "$defs", "patternProperties", "dependentSchemas"))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for schema in sorted((ROOT / "schemas").glob("*.schema.json")):
        walk(json.loads(schema.read_text(encoding="utf-8")))
    return {RENAMED.get(key, f"schema.{key}") for key in used}


def test_the_scan_finds_the_emitters() -> None:
    """The source scan sees codes from the loader, the validator, the schema layer and the page reader, and warnings as warnings."""
    found = emitted_in_source()
    assert {"syntax.yaml", "ref.unknown-module", "schema.required", "syntax.block"} <= set(found)
    assert found["objective.unassessed"] == {"warning"}


def test_every_code_in_the_source_is_catalogued_with_its_severity() -> None:
    """A code a module emits is in the catalogue, with the severity it is emitted with."""
    found = emitted_in_source()
    missing = sorted(set(found) - set(PROBLEM_CODES))
    assert not missing, f"add these to src/cmacourse/problem_codes.py and docs/problem-codes.md: {missing}"
    wrong = {code: sorted(severities) for code, severities in found.items() if severities != {PROBLEM_CODES[code][0]}}
    assert not wrong, wrong


def test_every_schema_keyword_is_catalogued() -> None:
    """Each assertion keyword the schemas use can become ``schema.<keyword>``, and each is catalogued."""
    missing = sorted(schema_keywords() - set(PROBLEM_CODES))
    assert not missing, f"add these to src/cmacourse/problem_codes.py and docs/problem-codes.md: {missing}"


def test_the_catalogue_holds_nothing_that_cannot_happen() -> None:
    """Every catalogued code is emitted somewhere: by a literal in the source or by a keyword of the schemas."""
    possible = set(emitted_in_source()) | schema_keywords()
    assert sorted(set(PROBLEM_CODES) - possible) == []


@pytest.mark.parametrize("case", sorted(p.name for p in (ROOT / "tests" / "invalid").iterdir() if p.is_dir()))
def test_every_code_the_invalid_corpus_produces_is_catalogued(case: str) -> None:
    """Reading each invalid course, and its expected output, gives only catalogued codes."""
    folder = ROOT / "tests" / "invalid" / case
    expected = (folder / "expected.txt").read_text(encoding="utf-8") if (folder / "expected.txt").is_file() else ""
    codes = set(re.findall(r"(?:error|warning)\[([^\]]+)\]", expected))
    course = folder / "course_content"
    if (course / "course.yaml").is_file():
        codes |= {p.code for p in read_course(course).problems}
    assert codes - set(PROBLEM_CODES) == set()


def test_the_docs_print_the_catalogue() -> None:
    """docs/problem-codes.md holds the catalogue's table exactly."""
    doc = (ROOT / "docs" / "problem-codes.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in doc.splitlines() if line.startswith("|")) + "\n"
    assert table == catalogue_markdown()
