"""``cmacourse new``: a starter course or module that validates, with comments that teach the format."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from string import Template

from .errors import OutputError, UsageError
from .hints import shown_path
from .loading import COURSE_FILE, MODULE_FILE, load_course
from .model import MODULE_KINDS

_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

COURSE_TEMPLATE = Template("""\
# The course: its id (package names derive from it: keep it once published), title and modules in order.
id: $course_id
title: $title
description: What learners will be able to do after this course.
language: en
version: "1.0.0"
modules:
  - $folder
glossary: glossary.yaml
completion:
  view_all_pages: true
  mastery_score: 80
""")

GLOSSARY_TEMPLATE = """\
# Terms used in the course. Link one from a page with [its text](glossary:term-id).
terms:
  - id: module
    term: Module
    definition: One step of the course, with its pages and its knowledge check.
"""

MODULE_TEMPLATE = Template("""\
# A module: one step of the pathway ($kinds).
id: $module_id
title: $title
kind: $kind
$requires# What learners can do afterwards: one measurable verb each, 2 to 4 of them.
objectives:
  - id: $module_id-explain
    text: Explain the main idea of this module.
# Pages in reading order, then assessments.
pages:
  - introduction.md
assessments:
  - knowledge-check.yaml
completion:
  view_all_pages: true
  mastery_score: 80
""")

PAGE_TEMPLATE = Template("""\
---
id: $module_id-introduction
title: Introduction
objectives: [$module_id-explain]
---
Write the page in Markdown. A [glossary term](glossary:module) links to the glossary.

```callout
style: tip
title: Content blocks
text: |
  A fenced section named callout, image, figure, table, list, audio or video is a content block
  whose body is YAML. Everything else is Markdown.
```
""")

CHECK_TEMPLATE = Template("""\
id: $module_id-check
title: Check your understanding
kind: knowledge_check
mastery_score: 80
questions:
  - id: $module_id-q1
    type: true_false
    prompt: Every page of a course is written in Markdown.
    objectives: [$module_id-explain]
    answer: true
    feedback:
      correct: Right. Structure is YAML, prose is Markdown.
      incorrect: Pages are Markdown files with YAML front matter.
""")


def new_course(root: str | os.PathLike[str], course_id: str | None = None) -> list[Path]:
    """Create a course folder with one module.

    Raises:
        UsageError: the folder exists and is not empty, or the id is not valid.
        OutputError: the folder cannot be written.
    """
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UsageError(f"{shown_path(root)} already exists and is not empty; choose a new or empty folder")
    course_id = course_id or _as_id(root.resolve().name)
    if not _ID.match(course_id):
        raise UsageError(f"{course_id!r} is not a valid course id: use lower-case letters, digits and hyphens")
    folder = "01-introduction"
    with _writing(root):
        root.mkdir(parents=True, exist_ok=True)
        written = [
            _write(root / COURSE_FILE, COURSE_TEMPLATE.substitute(course_id=course_id, title=course_id.replace("-", " ").capitalize(), folder=folder)),
            _write(root / "glossary.yaml", GLOSSARY_TEMPLATE),
        ]
        return written + _module_files(root / folder, "introduction", "Introduction", MODULE_KINDS[0], None)


def new_module(root: str | os.PathLike[str], module_id: str, kind: str | None = None) -> list[Path]:
    """Add a module at the end of a course; it requires the last module and validates as written.

    Raises:
        UsageError: the id is invalid or taken, the kind is unknown, or course.yaml's module list cannot be extended.
        InvalidCourseError: the course has errors already.
        OutputError: the course folder cannot be written.
    """
    root = Path(root)
    if not _ID.match(module_id):
        raise UsageError(f"{module_id!r} is not a valid module id: use lower-case letters, digits and hyphens, e.g. job-search")
    course = load_course(root)
    if any(m.id == module_id for m in course.modules):
        raise UsageError(f"the course already has a module {module_id!r}")
    last = course.modules[-1] if course.modules else None
    kind = kind or (last.kind if last else MODULE_KINDS[0])
    if kind not in MODULE_KINDS:
        raise UsageError(f"unknown kind {kind!r}; use one of {', '.join(MODULE_KINDS)}")
    folder = f"{len(course.modules) + 1:02d}-{module_id}"
    course_file = root / COURSE_FILE
    title = module_id.replace("-", " ").capitalize()
    with _writing(root):
        course_file.write_text(_append_module(course_file, folder), encoding="utf-8")
        return [course_file, *_module_files(root / folder, module_id, title, kind, last.id if last else None)]


@contextlib.contextmanager
def _writing(root: Path) -> Iterator[None]:
    """Turn a failure to write the scaffold into a one-line error naming the folder."""
    try:
        yield
    except OSError as exc:
        raise OutputError.from_os_error(exc, root) from None


def _module_files(folder: Path, module_id: str, title: str, kind: str, requires: str | None) -> list[Path]:
    if folder.exists():
        raise UsageError(f"{shown_path(folder)} already exists; choose another module id")
    values = {"module_id": module_id, "title": title, "kind": kind, "kinds": ", ".join(MODULE_KINDS),
              "requires": f"requires: [{requires}]\n" if requires else ""}
    folder.mkdir(parents=True)
    return [
        _write(folder / MODULE_FILE, MODULE_TEMPLATE.substitute(values)),
        _write(folder / "introduction.md", PAGE_TEMPLATE.substitute(values)),
        _write(folder / "knowledge-check.yaml", CHECK_TEMPLATE.substitute(values)),
    ]


def _append_module(course_file: Path, folder: str) -> str:
    """The text of course.yaml with ``folder`` added to the end of its block-style ``modules:`` list, comments kept."""
    lines = course_file.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^modules:\s*(#.*)?$", line)), None)
    if start is None:
        raise UsageError(f"the modules in {shown_path(course_file)} are not a block list ('modules:' then '  - folder' "
                         f"lines); add {folder} by hand")
    end = start + 1
    item_indent = "  "
    while end < len(lines) and (lines[end].startswith((" ", "\t", "-")) or not lines[end].strip()):
        if lines[end].lstrip().startswith("- "):
            item_indent = lines[end][: len(lines[end]) - len(lines[end].lstrip())]
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    if end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    lines.insert(end, f"{item_indent}- {folder}\n")
    return "".join(lines)


def _as_id(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return cleaned if cleaned and cleaned[0].isalpha() else f"course-{cleaned}".strip("-")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
