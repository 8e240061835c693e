"""Load-and-validate benchmark: generates synthetic courses and prints time and peak memory per size.

Usage: python benchmarks/validate.py [--modules 200] [--pages 20] [--questions 10] [--scales 1,4,16]

The base size is modules × pages pages, with ``questions`` questions per page gathered into one
assessment per module (200 × 20 × 10 = 40,000 questions). Each scale multiplies the module count.
Goal: the base size in under 2 s on one core; time grows linearly with size.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from cmacourse import read_course

QUESTION_KINDS = ("single_choice", "true_false", "multiple_response", "numeric", "fill_blank", "matching", "ordering")


def write_course(root: Path, modules: int, pages: int, questions_per_page: int) -> int:
    """Write a valid synthetic course; returns its number of questions."""
    folders = [f"m{m:04d}" for m in range(modules)]
    (root / "course.yaml").write_text(
        "id: synthetic\ntitle: Synthetic course\nmodules:\n" + "".join(f"  - {f}\n" for f in folders), encoding="utf-8"
    )
    total = 0
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
        for q in range(pages * questions_per_page):
            lines.append(_question(f"m{m}-q{q}", QUESTION_KINDS[q % len(QUESTION_KINDS)], f"m{m}-o1"))
            total += 1
        (mod / "check.yaml").write_text("".join(lines), encoding="utf-8")
    return total


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


def measure(modules: int, pages: int, questions: int) -> tuple[int, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        total = write_course(root, modules, pages, questions)
        read_course(root)  # warm the schema validators and the file cache, as a second run would be
        gc.collect()
        start = time.perf_counter()
        report = read_course(root)
        elapsed = time.perf_counter() - start
        if report.errors:
            sys.exit(f"synthetic course has problems: {report.errors[0]}")
        tracemalloc.start()
        read_course(root)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return total, elapsed, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10, help="questions per page")
    parser.add_argument("--scales", default="1,4,16", help="multiples of --modules to measure")
    args = parser.parse_args()
    print(f"{'scale':>5} {'modules':>8} {'questions':>10} {'seconds':>8} {'µs/question':>12} {'peak MiB':>9}")
    for scale in (int(s) for s in args.scales.split(",")):
        total, seconds, peak = measure(args.modules * scale, args.pages, args.questions)
        print(f"{scale:>5} {args.modules * scale:>8} {total:>10} {seconds:>8.2f} {seconds / total * 1e6:>12.1f} {peak:>9.1f}")


if __name__ == "__main__":
    main()
