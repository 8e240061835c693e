"""A minimal valid course as text files, and helpers to change one thing in it and write it out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from cmacourse import CourseReport, Problem, read_course

#: A course as files: course-relative path -> text (or bytes, for files that are not text).
Files = Mapping[str, "str | bytes"]
#: A problem as tests compare it: (severity, code, file, line, column, pointer).
Found = tuple[str, str, str, "int | None", "int | None", str]

#: A small course that validates with no errors and no warnings: two modules, a glossary, a final
#: exam, every built-in way of pointing at a medium, and one question of each kind a rule looks at.
MINIMAL: Mapping[str, str | bytes] = MappingProxyType({
    "course.yaml": """\
id: mini
title: Mini course
modules:
  - m1
  - m2
final_exam: final-exam.yaml
glossary: glossary.yaml
completion:
  view_all_pages: true
  mastery_score: 80
credentials:
  - id: cma
    name: Certified Medical Assistant
    awarding_body: AAMA
    recertification_months: 60
""",
    "glossary.yaml": """\
terms:
  - id: ged
    term: GED
    definition: A high school equivalency credential.
  - id: cma
    term: CMA
    definition: A Certified Medical Assistant.
""",
    "final-exam.yaml": """\
id: final
title: Final exam
kind: final_exam
mastery_score: 80
questions:
  - id: q-final
    type: true_false
    prompt: A diploma comes before a program.
    objectives: [obj-one, obj-two]
    answer: true
""",
    "m1/module.yaml": """\
id: one
title: Step one
kind: diploma
objectives:
  - id: obj-one
    text: Name the first step.
pages:
  - intro.md
assessments:
  - check.yaml
""",
    "m1/intro.md": """\
---
id: intro
title: Introduction
objectives: [obj-one]
---
The first step is a [GED](glossary:ged).

![A pathway of six steps](../media/pic.svg)

```figure
src: ../media/pic.svg
alt: Six steps in a row.
caption: The pathway.
```
""",
    "m1/check.yaml": """\
id: check-one
title: Check one
kind: knowledge_check
questions:
  - id: q-one
    type: single_choice
    prompt: What comes first?
    objectives: [obj-one]
    options:
      - text: A diploma
        correct: true
        feedback: Right.
      - text: The exam
        feedback: Not yet.
""",
    "m2/module.yaml": """\
id: two
title: Step two
kind: program
requires: [one]
objectives:
  - id: obj-two
    text: Work out a dose.
pages:
  - lesson.md
assessments:
  - quiz.yaml
completion:
  mastery_score: 70
""",
    "m2/lesson.md": """\
---
id: lesson
title: Doses
objectives: [obj-two]
---
A [CMA](glossary:cma) checks every dose.
""",
    "m2/quiz.yaml": """\
id: quiz-two
title: Quiz two
kind: module_quiz
questions:
  - id: q-dose
    type: numeric
    prompt: How many mL is 250 mg at 125 mg per mL?
    objectives: [obj-two]
    answer: 2
    tolerance: 0.1
    unit: mL
  - id: q-duties
    type: multiple_response
    prompt: Which are duties of a CMA?
    objectives: [obj-two]
    options:
      - text: Taking vital signs
        correct: true
        feedback: Yes.
      - text: Diagnosing
        feedback: No.
""",
    "media/pic.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
})


def edit(files: Files, path: str, old: str, new: str) -> dict[str, str | bytes]:
    """A copy of ``files`` with ``old`` replaced by ``new`` in one file, where ``old`` must occur exactly once.

    Raises:
        AssertionError: ``old`` occurs no time or several times, so the change would not be the one meant.
    """
    text = files[path]
    assert isinstance(text, str)
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    return {**files, path: text.replace(old, new)}


def with_files(files: Files, **changes: str | bytes | None) -> dict[str, str | bytes]:
    """A copy of ``files`` with whole files added, replaced or (with None) removed; ``__`` in a name stands for ``/``."""
    result = dict(files)
    for name, content in changes.items():
        path = name.replace("__", "/")
        if content is None:
            result.pop(path, None)
        else:
            result[path] = content
    return result


def add_module(files: Files, folder: str, module_id: str, requires: str = "[]") -> dict[str, str | bytes]:
    """A copy of ``files`` with one more module at the end of the course: a page, and an objective the final exam assesses.

    The module's page and objective ids derive from ``folder``, so only ``module_id`` can clash with another module.
    """
    files = edit(files, "course.yaml", "  - m2\n", f"  - m2\n  - {folder}\n")
    files = edit(files, "final-exam.yaml", "[obj-one, obj-two]", f"[obj-one, obj-two, obj-{folder}]")
    return with_files(files, **{
        f"{folder}/module.yaml": f"""\
id: {module_id}
title: Another step
kind: externship
requires: {requires}
objectives:
  - id: obj-{folder}
    text: Do one more thing.
pages:
  - page.md
""",
        f"{folder}/page.md": f"---\nid: page-{folder}\ntitle: One more page\n---\nMore prose.\n",
    })


def write_course(root: Path, files: Files = MINIMAL) -> Path:
    """Write ``files`` under ``root`` (created if needed) and return ``root``."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def position(files: Files, path: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """The 1-based line and column where ``needle`` starts in a file (its n-th occurrence).

    Tests use it to say where a problem is in the text they wrote, independently of the loader.
    """
    text = files[path]
    assert isinstance(text, str)
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def read(tmp_path: Path, files: Files) -> CourseReport:
    """The report on ``files`` written as the folder ``course_content`` under ``tmp_path``."""
    return read_course(write_course(tmp_path / "course_content", files))


def located(problem: Problem) -> Found:
    """A problem as tests compare it."""
    loc = problem.location
    return (problem.severity, problem.code, loc.file, loc.line, loc.column, loc.pointer)


def found(tmp_path: Path, files: Files) -> list[Found]:
    """Every problem of ``files`` as tests compare them, in the order reported."""
    return [located(p) for p in read(tmp_path, files).problems]


def only(tmp_path: Path, files: Files) -> Problem:
    """The single problem of a course that has exactly one."""
    problems = read(tmp_path, files).problems
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def at(files: Files, path: str, before: str, target: str, occurrence: int = 1) -> tuple[str, int, int]:
    """Where ``target`` is in a file the test wrote, found as the ``before + target`` it follows."""
    line, column = position(files, path, before + target, occurrence)
    return path, line, column + len(before)


def error(code: str, where: tuple[str, int, int], pointer: str) -> Found:
    """An error as tests compare it, at ``where`` (from ``at``)."""
    return ("error", code, *where, pointer)


def warning(code: str, where: tuple[str, int, int], pointer: str) -> Found:
    """A warning as tests compare it, at ``where`` (from ``at``)."""
    return ("warning", code, *where, pointer)
