"""Writing the model back out as authored files: the inverse of loading.py."""

from __future__ import annotations

import functools
import os
import posixpath
from pathlib import Path
from typing import Any

import attrs
import yaml

from .blocks import MEDIA_KEYS, Block, Text
from .errors import OutputError
from .loading import COURSE_FILE, MODULE_FILE
from .media import read_media
from .model import Completion, Course, Module, Page
from .questions import Assessment, Question, SingleChoice, option_letter


def completion_to_raw(completion: Completion) -> dict[str, Any]:
    raw: dict[str, Any] = {"view_all_pages": completion.view_all_pages}
    if completion.mastery_score is not None:
        raw["mastery_score"] = completion.mastery_score
    return raw


def _fields(obj: Any, skip: tuple[str, ...] = ("source",)) -> dict[str, Any]:
    """The attrs fields of ``obj`` that differ from their defaults, tuples as lists."""
    raw: dict[str, Any] = {}
    for field in attrs.fields(type(obj)):
        if field.name in skip:
            continue
        value = getattr(obj, field.name)
        if field.default is not attrs.NOTHING and value == field.default:
            continue
        raw[field.name] = _plain(value)
    return raw


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        return _fields(value)
    return value


@functools.singledispatch
def question_to_raw(question: Question) -> dict[str, Any]:
    """A question as authors write it: its type and every field that differs from its default.

    A plugin type whose fields are not plain values registers its own with ``question_to_raw.register``.
    """
    return {"id": question.id, "type": question.type_name, **_fields(question, skip=("source", "id"))}


@question_to_raw.register
def _choice_to_raw(question: SingleChoice) -> dict[str, Any]:
    raw = question_to_raw.dispatch(Question)(question)
    # Positional ids are the default: leave them out, as an author would.
    raw["options"] = [{k: v for k, v in _fields(o).items() if not (k == "id" and v == option_letter(i))}
                      for i, o in enumerate(question.options)]
    return raw


def assessment_to_raw(assessment: Assessment) -> dict[str, Any]:
    raw = _fields(assessment, skip=("source", "questions"))
    raw["questions"] = [question_to_raw(q) for q in assessment.questions]
    return raw


def block_to_raw(block: Block, page_path: str) -> dict[str, Any]:
    raw = _fields(block)
    for key in MEDIA_KEYS:
        if key in raw:
            raw[key] = posixpath.relpath(raw[key], posixpath.dirname(page_path) or ".")
    return raw


def page_to_text(page: Page) -> str:
    """A page as its Markdown file: front matter, then prose and fenced blocks."""
    front: dict[str, Any] = {"id": page.id, "title": page.title}
    if page.objectives:
        front["objectives"] = list(page.objectives)
    parts = ["---\n" + dump_yaml(front) + "---\n"]
    block_ids = page.block_ids or (None,) * len(page.blocks)
    for block, block_id in zip(page.blocks, block_ids):
        if isinstance(block, Text):
            parts.append(block.text)
        else:
            raw = {"id": block_id, **block_to_raw(block, page.path)} if block_id else block_to_raw(block, page.path)
            parts.append(f"```{block.type_name}\n{dump_yaml(raw)}```\n")
    return "\n".join(parts)


def module_to_raw(module: Module) -> dict[str, Any]:
    folder = module.folder or module.id
    raw: dict[str, Any] = {"id": module.id, "title": module.title, "kind": module.kind}
    if module.summary:
        raw["summary"] = module.summary
    if module.requires:
        raw["requires"] = list(module.requires)
    raw["objectives"] = [{"id": o.id, "text": o.text} for o in module.objectives]
    raw["pages"] = [posixpath.relpath(_page_path(p, folder), folder) for p in module.pages]
    if module.assessments:
        raw["assessments"] = [f"{a.id}.yaml" for a in module.assessments]
    if module.reflection:
        raw["reflection"] = module.reflection
    if module.links:
        raw["links"] = [{"title": link.title, "url": link.url} for link in module.links]
    if module.completion != Completion():
        raw["completion"] = completion_to_raw(module.completion)
    return raw


def _page_path(page: Page, folder: str) -> str:
    return page.path or f"{folder}/{page.id}.md"


def course_to_raw(course: Course) -> dict[str, Any]:
    raw: dict[str, Any] = {"id": course.id, "title": course.title}
    for name in ("description", "publisher", "base_iri"):
        if getattr(course, name):
            raw[name] = getattr(course, name)
    if course.language != "en":
        raw["language"] = course.language
    if course.version != "1.0.0":
        raw["version"] = course.version
    raw["modules"] = [m.folder or m.id for m in course.modules]
    if course.final_exam:
        raw["final_exam"] = f"{course.final_exam.id}.yaml"
    if course.glossary:
        raw["glossary"] = "glossary.yaml"
    if course.completion != Completion():
        raw["completion"] = completion_to_raw(course.completion)
    if course.credentials:
        raw["credentials"] = [_fields(c) for c in course.credentials]
    return raw


def dump_course(course: Course, root: str | os.PathLike[str]) -> list[Path]:
    """Write a course folder from a model, media included; loading it again gives an equal model.

    Args:
        course: the course; its media files are copied from ``course.root``.
        root: the folder to write (a ``str`` or any path-like); created if missing.

    Returns:
        Every file written, media last.

    Raises:
        BuildError: a media file the course uses cannot be read from ``course.root``.
        OutputError: ``root`` cannot be written.
    """
    root = Path(root)
    files: dict[str, str] = {COURSE_FILE: dump_yaml(course_to_raw(course))}
    if course.final_exam:
        files[f"{course.final_exam.id}.yaml"] = dump_yaml(assessment_to_raw(course.final_exam))
    if course.glossary:
        files["glossary.yaml"] = dump_yaml({"terms": [_fields(t) for t in course.glossary]})
    for module in course.modules:
        folder = module.folder or module.id
        files[f"{folder}/{MODULE_FILE}"] = dump_yaml(module_to_raw(module))
        for page in module.pages:
            files[_page_path(page, folder)] = page_to_text(page)
        for assessment in module.assessments:
            files[f"{folder}/{assessment.id}.yaml"] = dump_yaml(assessment_to_raw(assessment))
    written = []
    try:
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
        for rel in course.media_files():
            written.append(_copy_media(course.root, root / rel, rel))
    except OSError as exc:
        raise OutputError.from_os_error(exc, root) from None
    return written


def _copy_media(course_root: Path, target: Path, rel: str) -> Path:
    data = read_media(course_root, rel)  # read as every format reads it: inside the course, links followed
    target.parent.mkdir(parents=True, exist_ok=True)
    if not (target.exists() and os.path.samefile(course_root / rel, target)):  # dumping a course over itself
        target.write_bytes(data)
    return target


class _Dumper(yaml.SafeDumper):
    pass


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    # Multi-line Markdown reads best, and diffs best, as a literal block.
    style = "|" if "\n" in text.rstrip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_yaml(data: Any) -> str:
    """YAML as an author would write it: keys in order, Unicode as is, Markdown as literal blocks."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
