"""Synthetic courses for the benchmarks: any number of modules, pages and questions, valid as written.

Each module has ``pages`` Markdown pages (a heading, a paragraph with inline markup, a callout block)
and one knowledge check holding its questions, which cycle through every question type. Modules
require the one before them, as a pathway does.
"""

from __future__ import annotations

from pathlib import Path

QUESTION_KINDS = ("single_choice", "true_false", "multiple_response", "numeric", "fill_blank", "matching", "ordering")


def write_course(root: Path, modules: int, pages: int, questions_per_module: int) -> int:
    """Write a valid synthetic course into the empty folder ``root``; returns its number of questions."""
    folders = [f"m{m:04d}" for m in range(modules)]
    (root / "course.yaml").write_text(
        "id: synthetic\ntitle: Synthetic course\nmodules:\n" + "".join(f"  - {f}\n" for f in folders), encoding="utf-8"
    )
    for m, folder in enumerate(folders):
        mod = root / folder
        mod.mkdir()
        requires = f"requires: [m{m - 1}]\n" if m else ""
        page_names = [f"p{p:03d}.md" for p in range(pages)]
        (mod / "module.yaml").write_text(
            f"id: m{m}\ntitle: Module {m}\nkind: program\n{requires}objectives:\n  - id: m{m}-o1\n    text: Explain part {m}.\n"
            "pages:\n" + "".join(f"  - {n}\n" for n in page_names) + "assessments: [check.yaml]\n",
            encoding="utf-8",
        )
        for p, name in enumerate(page_names):
            (mod / name).write_text(
                f"---\nid: m{m}-p{p}\ntitle: Page {p}\nobjectives: [m{m}-o1]\n---\n"
                f"## Heading {p}\n\nSome **Markdown** text about topic {p}, with a paragraph of ordinary length "
                "that a designer would write for one screen of a lesson.\n\n"
                "```callout\nstyle: tip\ntitle: A tip\ntext: Remember this.\n```\n\nMore text after the callout.\n",
                encoding="utf-8",
            )
        lines = [f"id: m{m}-check\ntitle: Check {m}\nkind: knowledge_check\nmastery_score: 80\nquestions:\n"]
        lines += [_question(f"m{m}-q{q}", QUESTION_KINDS[q % len(QUESTION_KINDS)], f"m{m}-o1")
                  for q in range(questions_per_module)]
        (mod / "check.yaml").write_text("".join(lines), encoding="utf-8")
    return modules * questions_per_module


def _question(qid: str, kind: str, objective: str) -> str:
    head = f"  - id: {qid}\n    type: {kind}\n    prompt: What is the answer to {qid}?\n    objectives: [{objective}]\n"
    feedback = "    feedback:\n      correct: Right.\n      incorrect: Not quite.\n"
    if kind in ("single_choice", "multiple_response"):
        return head + "    options:\n" + "".join(
            f"      - text: Option {i}\n        correct: {str(i == 0).lower()}\n        feedback: Because {i}.\n" for i in range(4)
        )
    if kind == "true_false":
        return head + "    answer: true\n" + feedback
    if kind == "numeric":
        return head + "    answer: 2.5\n    tolerance: 0.1\n    unit: mL\n" + feedback
    if kind == "fill_blank":
        return head + "    answers: [sixty, '60']\n" + feedback
    if kind == "matching":
        return head + "    pairs:\n      - {prompt: CMA, match: AAMA}\n      - {prompt: CCMA, match: NHA}\n" + feedback
    return head + "    items: [First, Second, Third]\n" + feedback
