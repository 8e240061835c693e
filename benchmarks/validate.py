"""Load-and-validate benchmark: generates synthetic courses and prints time and peak memory per size.

Usage: python benchmarks/validate.py [--modules 200] [--pages 20] [--questions 10] [--scales 1,4,16] [--runs 3]

The base size is modules × pages pages, with ``questions`` questions per page gathered into one
assessment per module (200 × 20 × 10 = 40,000 questions). Each scale multiplies the module count.
Goal: the base size in at most 1 s; time grows linearly with size. Each time is the best of ``--runs``
warm runs: on a shared machine one run can take twice as long as the next.
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
from synthetic import write_course

#: Seconds to load and validate the base size (40,000 questions).
GOAL_SECONDS = 1.0


def measure(modules: int, pages: int, questions: int, runs: int = 3) -> tuple[int, float, float]:
    """Questions, seconds of the best of ``runs`` warm loads-and-validations, and one's peak traced memory in MiB."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        total = write_course(root, modules, pages, pages * questions)
        read_course(root)  # warm the schema validators and the file cache, as a second run would be
        elapsed = float("inf")
        for _ in range(runs):
            gc.collect()
            start = time.perf_counter()
            report = read_course(root)
            elapsed = min(elapsed, time.perf_counter() - start)
            if report.errors:
                sys.exit(f"synthetic course has problems: {report.errors[0]}")
            del report
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
    parser.add_argument("--runs", type=int, default=3, help="warm runs per size; the best is printed")
    args = parser.parse_args()
    print(f"{'scale':>5} {'modules':>8} {'questions':>10} {'seconds':>8} {'µs/question':>12} {'peak MiB':>9}")
    for scale in (int(s) for s in args.scales.split(",")):
        total, seconds, peak = measure(args.modules * scale, args.pages, args.questions, args.runs)
        print(f"{scale:>5} {args.modules * scale:>8} {total:>10} {seconds:>8.2f} {seconds / total * 1e6:>12.1f} {peak:>9.1f}")


if __name__ == "__main__":
    main()
