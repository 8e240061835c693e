"""The translatable strings of a course: found by walking each file's data with its JSON Schema.

A string is translatable where its schema says ``"x-translate": "text"`` (plain text) or
``"x-translate": "markdown"``. The mark sits on the shared definitions (a title, Markdown text) and
on the few fields that are plain strings, so a new block or question type whose schema uses them,
or marks its own fields, is translated with no change here.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from .. import jsonschemas
from .._yaml import load_yaml
from ..blocks import Text
from ..loading import COURSE_FILE, load_course
from ..model import Course
from ..pagesource import split_page
from ..plugins import block_types
from ..sourcemap import escape_pointer_token, pointer

#: The schema keyword that marks a string as translatable; its value is how the string is written.
TRANSLATE_KEYWORD = "x-translate"
#: The kinds of translatable text: plain text, or Markdown whose markup is protected.
KINDS = ("text", "markdown")
#: The schema of a page's prose between blocks: one Markdown text.
PROSE_SCHEMA = {TRANSLATE_KEYWORD: "markdown"}


@attrs.frozen(kw_only=True)
class Unit:
    """One translatable string: where it is, what it says, and what a translation of it may be."""

    id: str  #: stable: the owning file's kind and id, then the path to the field with item ids for indexes
    file: str  #: course-relative path of the file that holds it
    pointer: str  #: JSON pointer of the string in that file (a page's blocks are ``/blocks/<n>``)
    text: str
    kind: str  #: one of ``KINDS``
    max_length: int | None = None
    description: str | None = None  #: what the field is, from its schema


@attrs.frozen
class _Document:
    """A piece of a file that has one schema: a YAML file, a page's front matter or one of its blocks.

    ``base`` is where it is in the file (a page's blocks are ``/blocks/<n>``); ``name`` is how unit ids
    call it (a page's blocks are ``/blocks/<block name>``, see ``block_names``).
    """

    data: Any
    schema: str | Mapping[str, Any]
    base: str = ""
    name: str = ""


def course_units(path: str) -> tuple[Course, tuple[Unit, ...]]:
    """The course at ``path`` and every translatable string in it, in reading order.

    Raises:
        UsageError: ``path`` is not a course folder.
        InvalidCourseError: the course has errors (a course is translated only once it is valid).
    """
    course = load_course(path)
    units: list[Unit] = []
    for rel, prefix in course_files(course):
        text = (course.root / rel).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        for document in _documents(rel, text):
            units.extend(_walk_document(rel, prefix, document))
    return course, tuple(units)


def course_files(course: Course) -> Iterator[tuple[str, str]]:
    """(course-relative path, unit id prefix) of every file that may hold translatable text."""
    yield COURSE_FILE, f"course:{course.id}"
    for module in course.modules:
        if module.source is not None:
            yield module.source.file.display, f"module:{module.id}"
        for page in module.pages:
            yield page.path, f"page:{page.id}"
        for assessment in module.assessments:
            if assessment.source is not None:
                yield assessment.source.file.display, f"assessment:{assessment.id}"
    if course.final_exam is not None and course.final_exam.source is not None:
        yield course.final_exam.source.file.display, f"assessment:{course.final_exam.id}"
    if course.glossary and course.glossary[0].source is not None:
        yield course.glossary[0].source.file.display, "glossary"


def _documents(rel: str, text: str) -> Iterator[_Document]:
    if not rel.endswith(".md"):
        schema = _file_schema(rel)
        yield _Document(load_yaml(text), schema)
        return
    blocks = block_types()
    parts = split_page(text, blocks)
    yield _Document(load_yaml(parts.front_matter), "page")
    documents = [_Document(segment.text.rstrip("\n"), PROSE_SCHEMA, pointer("blocks", index)) if segment.kind is None
                 else _Document(load_yaml(segment.text), blocks[segment.kind].schema, pointer("blocks", index))
                 for index, segment in enumerate(parts.segments)]
    kinds = [segment.kind or Text.type_name for segment in parts.segments]
    for document, name in zip(documents, block_names(kinds, documents)):
        yield attrs.evolve(document, name=pointer("blocks", name))


def block_names(kinds: Sequence[str], documents: Sequence[_Document]) -> Iterator[str]:
    """The name of each block of a page in its unit ids: one that survives blocks added, removed or moved around it.

    A block that has an ``id`` is named by it. Any other block (prose always) is named by its kind and
    a hash of its translatable text, ``callout:3f2a9c1e``, the second and later of identical blocks
    numbered (``text:5d41402a:2``): only a change to its own text renames it. A position would not do:
    a block inserted above would rename every block below, and their translations would be lost.
    Authored ids cannot clash with these, as ids hold no ``:``.
    """
    seen: Counter[str] = Counter()
    for kind, document in zip(kinds, documents):
        given = document.data.get("id") if isinstance(document.data, Mapping) else None
        if isinstance(given, str):
            yield given
            continue
        texts = [text for _, _, text, _ in _SchemaWalker(document.schema).strings(document.data)]
        digest = hashlib.sha256(json.dumps([kind, texts], ensure_ascii=False).encode()).hexdigest()[:8]
        name = f"{kind}:{digest}"
        seen[name] += 1
        yield name if seen[name] == 1 else f"{name}:{seen[name]}"


def _file_schema(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    if name == COURSE_FILE:
        return "course"
    if name == "module.yaml":
        return "module"
    # Assessment and glossary files may have any name; their top-level keys tell them apart.
    return "glossary_or_assessment"


def _walk_document(rel: str, prefix: str, document: _Document) -> Iterator[Unit]:
    schema = document.schema
    if schema == "glossary_or_assessment":
        schema = "glossary" if "terms" in document.data else "assessment"
    walker = _SchemaWalker(schema)
    for ptr, id_path, text, mark in walker.strings(document.data):
        yield Unit(id=prefix + document.name + id_path, file=rel, pointer=document.base + ptr,
                   text=text, kind=mark[TRANSLATE_KEYWORD], max_length=mark.get("maxLength"), description=mark.get("description"))


def document_tokens(base: str) -> list[str]:
    """The tokens of a JSON pointer, unescaped."""
    return [t.replace("~1", "/").replace("~0", "~") for t in base.split("/")[1:]] if base else []


class _SchemaWalker:
    """Walks data beside its schema, resolving ``$ref`` and the branches the data takes."""

    def __init__(self, schema: str | Mapping[str, Any]) -> None:
        from referencing import Resource

        registry = jsonschemas.registry()
        if isinstance(schema, str):
            name, _, fragment = schema.partition("#")
            resolved = registry.resolver().lookup(f"{name}.schema.json#{fragment}")
            self.root, self.resolver = resolved.contents, resolved.resolver
        else:
            resource = Resource.from_contents(dict(schema), default_specification=_draft())
            self.root, self.resolver = schema, registry.resolver_with_root(resource)

    def strings(self, data: Any) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(pointer, id path, text, merged schema keywords) of every marked string in ``data``."""
        yield from self._walk(data, [(self.root, self.resolver)], "", "")

    def _walk(self, data: Any, schemas: list[tuple[Any, Any]], ptr: str, id_path: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        merged, subschemas = self._flatten(data, schemas)
        if isinstance(data, str):
            if merged.get(TRANSLATE_KEYWORD) in KINDS:
                yield ptr, id_path, data, merged
            return
        if isinstance(data, Mapping):
            for key, value in data.items():
                found = [(sub["properties"][key], res) for sub, res in subschemas if key in sub.get("properties", {})]
                if found:
                    token = escape_pointer_token(key)
                    yield from self._walk(value, found, f"{ptr}/{token}", f"{id_path}/{token}")
        elif isinstance(data, list):
            found = [(sub["items"], res) for sub, res in subschemas if "items" in sub]
            for index, item in enumerate(data):
                # An item with an id is named by it, so its units keep their ids when items move.
                token = escape_pointer_token(item["id"]) if isinstance(item, Mapping) and isinstance(item.get("id"), str) else str(index)
                yield from self._walk(item, found, f"{ptr}/{index}", f"{id_path}/{token}")

    def _flatten(self, data: Any, schemas: list[tuple[Any, Any]]) -> tuple[dict[str, Any], list[tuple[Mapping[str, Any], Any]]]:
        """The keywords of ``schemas`` and of every subschema the data takes, and those subschemas."""
        merged: dict[str, Any] = {}
        found: list[tuple[Mapping[str, Any], Any]] = []
        pending = list(reversed(schemas))
        while pending:
            current, current_resolver = pending.pop()
            if not isinstance(current, Mapping):
                continue
            found.append((current, current_resolver))
            for key, value in current.items():
                merged.setdefault(key, value)  # the referring schema's own words (a description) win
            if "$ref" in current:
                target = current_resolver.lookup(current["$ref"])
                pending.append((target.contents, target.resolver))
            for sub in current.get("allOf", ()):
                pending.append((sub, current_resolver))
            for keyword in ("oneOf", "anyOf"):
                chosen = next((s for s in current.get(keyword, ()) if _is_valid(data, s, current_resolver)), None)
                if chosen is not None:
                    pending.append((chosen, current_resolver))
            if "if" in current:
                branch = "then" if _is_valid(data, current["if"], current_resolver) else "else"
                if branch in current:
                    pending.append((current[branch], current_resolver))
        return merged, found


def _draft() -> Any:
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


def _is_valid(data: Any, schema: Any, resolver: Any) -> bool:
    import jsonschema

    return jsonschema.Draft202012Validator(schema, _resolver=resolver).is_valid(data)
