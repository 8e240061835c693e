"""Build benchmark: synthetic courses into SCORM 1.2 and every format, beside zipping the same output and starting the command.

Usage: python benchmarks/build.py [--sizes 200,800,3200,12800] [--runs 3] [--profile 3200] [--no-validate] [--no-player]

Each size is a synthetic course (synthetic.py) of 20-page modules with 10 questions each: 3,200 pages
are 160 modules and 1,600 questions. It is built with the ``cmacourse`` command into SCORM 1.2 with
the default options and with ``--format all``, and the flagship course_content/ with ``--format all``.

The package is compiled to bytecode first, as an installed wheel is. Every figure is one whole
process, timed from outside and measured by the operating system's accounting of the finished child
(CPU seconds and peak resident memory from ``wait4``). A round runs the build, then ``zip -X -r`` of
the build's own output unpacked (the floor: the cost of writing those bytes into an archive), then
``cmacourse --version`` (the floor of any command); ratios are taken round by round and their median
printed, so they hold while a shared machine's speed drifts. One warm-up round is not counted. Where
the default options refuse a course, the build is measured with ``-O sco=module`` (and, for every
format, one command per format) and the output says so.

``--profile PAGES`` runs the SCORM 1.2 build of that size under cProfile, imports included, and
prints the functions that take the most time.
"""

from __future__ import annotations

import argparse
import compileall
import math
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import player as player_benchmark
import validate as validate_benchmark
from synthetic import write_course

ROOT = Path(__file__).resolve().parents[1]
PAGES_PER_MODULE = 20
QUESTIONS_PER_MODULE = 10
#: The workaround the SCORM formats offer when one SCO cannot hold a course's state.
FALLBACK_OPTIONS = ("-O", "sco=module")

GOAL_SCORM12_OVER_ZIP = 3.0
GOAL_FLAGSHIP_OVER_VERSION = 3.0
GOAL_VERSION_SECONDS = 0.1
GOAL_PEAK_MIB = 150.0
GOAL_PEAK_PAGES = 12_800
GOAL_ZIP_PAGES = 3_200


#: The fixed piece of pure-Python work that says how fast this machine runs Python, best of three.
YARDSTICK_ADDITIONS = 10_000_000


def machine_seconds() -> float:
    """CPU seconds this process takes to add up ``YARDSTICK_ADDITIONS`` numbers in a loop, best of three."""
    best = math.inf
    for _ in range(3):
        start = time.process_time()
        total = 0
        for number in range(YARDSTICK_ADDITIONS):
            total += number
        best = min(best, time.process_time() - start)
    return best


@dataclass(frozen=True)
class Run:
    """One finished process: wall and CPU seconds, peak resident memory, exit status, what it wrote on stderr."""

    wall: float
    cpu: float
    peak_mib: float
    status: int
    stderr: str


def run(argv: Sequence[str], cwd: Path | None = None) -> Run:
    """Run a command to its end, its output discarded, and measure it as the kernel accounted it."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    # ru_maxrss is in KiB on Linux.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode, stderr)


@dataclass
class Job:
    """A figure of the table: one or more commands run in turn each round (a step may prepare outside the timing)."""

    commands: list[list[str]]
    cwd: Path | None = None
    prepare: Callable[[], None] = lambda: None
    runs: list[Run] = field(default_factory=list)

    def measure(self) -> Run:
        self.prepare()
        parts = [run(argv, self.cwd) for argv in self.commands]
        failed = next((p for p in parts if p.status), None)
        if failed is not None:
            sys.exit(f"benchmark command failed ({failed.status}): {failed.stderr.strip()[:2000]}")
        return Run(sum(p.wall for p in parts), sum(p.cpu for p in parts), max(p.peak_mib for p in parts), 0, "")

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_mib(self) -> float:
        return max(r.peak_mib for r in self.runs)

    def over(self, other: Job) -> float:
        """The median, round by round, of this job's wall time over the other's."""
        return statistics.median(a.wall / b.wall for a, b in zip(self.runs, other.runs, strict=True))


def rounds(jobs: Sequence[Job], runs: int) -> None:
    """One warm-up round, then ``runs`` counted rounds in which every job runs once, in turn."""
    for counted in [False] + [True] * runs:
        for job in jobs:
            result = job.measure()
            if counted:
                job.runs.append(result)


def cmacourse() -> list[str]:
    """The ``cmacourse`` command of the interpreter running this benchmark, as users start it."""
    script = Path(sys.executable).with_name("cmacourse")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "cmacourse"]


def byte_compile() -> None:
    """Compile the package's modules to bytecode, as pip does when it installs a wheel: without it, a
    checkout run with ``PYTHONDONTWRITEBYTECODE`` set compiles every module from source in every process."""
    import cmacourse as package

    compileall.compile_dir(Path(package.__file__).parent, quiet=1)


def last_message(text: str) -> str:
    """The first clause of the last line a command printed on stderr: where it says why it stopped."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].removeprefix("cmacourse: ").split("; ")[0] if lines else "(no message)"


def build_commands(course: Path, format_name: str, out: Path) -> tuple[list[list[str]], str]:
    """The command(s) that build ``course`` into ``format_name`` (or ``all``), and a note if the defaults refused it.

    Tries the default options first; where they fail, ``-O sco=module``; for ``all``, where that is no
    option of every format, one command per format, each with the defaults or else ``-O sco=module``.
    """
    base = [*cmacourse(), "build", str(course), "--format", format_name, "--out", str(out)]
    refused = run(base)
    if not refused.status:
        said = [line.removeprefix("cmacourse: ") for line in refused.stderr.splitlines() if "SCO" in line]
        return [base], f"default options: {said[0]}" if said else ""
    note = f"the default refused ({last_message(refused.stderr)})"
    fallback = [*base, *FALLBACK_OPTIONS]
    if not run(fallback).status:
        return [fallback], f"{note}; measured with {' '.join(FALLBACK_OPTIONS)}"
    if format_name != "all":
        sys.exit(f"cannot build {course} into {format_name}: {refused.stderr.strip()[:2000]}")
    from cmacourse.exporters import exporters

    commands, fell_back = [], []
    for name in exporters.names():
        single, single_note = build_commands(course, name, out)
        commands += single
        if single_note:
            fell_back.append(name)
    return commands, f"{note}; measured as one command per format, {', '.join(fell_back)} with {' '.join(FALLBACK_OPTIONS)}"


def unpack(out: Path, floor: Path) -> None:
    """The build's output as plain files: every archive unpacked into a folder of its name, the rest copied."""
    shutil.rmtree(floor, ignore_errors=True)
    floor.mkdir()
    for entry in sorted(out.iterdir()):
        if entry.is_dir():
            shutil.copytree(entry, floor / entry.name)
        elif zipfile.is_zipfile(entry):
            with zipfile.ZipFile(entry) as archive:
                archive.extractall(floor / entry.stem)
        else:
            shutil.copy(entry, floor / entry.name)


@dataclass
class Row:
    label: str
    pages: int
    questions: int
    build: Job
    zip_floor: Job
    version: Job
    note: str


def measure_build(label: str, course: Path, pages: int, questions: int, format_name: str, work: Path, runs: int) -> Row:
    """Build, zip floor and ``--version`` of one course and one target, side by side."""
    out = work / f"out-{format_name}"
    shutil.rmtree(out, ignore_errors=True)
    commands, note = build_commands(course, format_name, out)
    floor = work / f"floor-{format_name}"
    unpack(out, floor)
    archive = work / f"floor-{format_name}.zip"
    zip_floor = Job([["zip", "-X", "-r", "-q", str(archive), "."]], cwd=floor, prepare=lambda: archive.unlink(missing_ok=True))
    row = Row(label, pages, questions, Job(commands), zip_floor, Job([[*cmacourse(), "--version"]]), note)
    rounds([row.build, row.zip_floor, row.version], runs)
    return row


HEADER = (f"{'course':<26}{'pages':>7}{'quest.':>7}{'build s':>9}{'cpu s':>7}{'peak MiB':>9}"
          f"{'zip s':>8}{'×zip':>7}{'version s':>10}{'×version':>9}")


def print_row(row: Row) -> None:
    b = row.build
    print(f"{row.label:<26}{row.pages:>7,}{row.questions:>7,}{b.wall:>9.2f}{b.cpu:>7.2f}{b.peak_mib:>9.0f}"
          f"{row.zip_floor.wall:>8.2f}{b.over(row.zip_floor):>7.1f}{row.version.wall:>10.3f}{b.over(row.version):>9.1f}"
          f"{'  (' + str(len(b.commands)) + ' commands)' if len(b.commands) > 1 else ''}", flush=True)
    if row.note:
        print(f"  note: {row.note}", flush=True)


def growth(rows: Sequence[Row]) -> str:
    """The exponent of CPU time above start-up, from the smallest course of at least 800 pages to the largest."""
    sized = sorted((r for r in rows if r.pages >= 800), key=lambda r: r.pages)
    if len(sized) < 2:
        return "needs two sizes of at least 800 pages"
    low, high = sized[0], sized[-1]

    def work(row: Row) -> float:
        return max(row.build.cpu - len(row.build.commands) * row.version.cpu, 1e-3)

    exponent = math.log(work(high) / work(low)) / math.log(high.pages / low.pages)
    return f"{exponent:.2f} from {low.pages:,} to {high.pages:,} pages (1.00 is linear)"


def profile(pages: int, work: Path, lines: int = 25) -> None:
    """The SCORM 1.2 build of a synthetic course under cProfile, start-up imports included."""
    course = synthetic(work, pages)
    out, stats = work / "out-profile", work / "build.prof"
    commands, note = build_commands(course, "scorm12", out)
    argv = commands[0]
    run([sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "cmacourse", *argv[len(cmacourse()):]])
    print(f"\nprofile: {pages:,}-page course into SCORM 1.2{' (' + note + ')' if note else ''}")
    report = pstats.Stats(str(stats))
    print(f"total {report.total_tt:.2f} s under cProfile")  # type: ignore[attr-defined]
    report.sort_stats("cumulative").print_stats(lines)
    report.sort_stats("tottime").print_stats(lines)


def synthetic(work: Path, pages: int) -> Path:
    root = work / f"course-{pages}"
    if not root.exists():
        root.mkdir()
        write_course(root, pages // PAGES_PER_MODULE, PAGES_PER_MODULE, QUESTIONS_PER_MODULE)
    return root


def course_size(folder: Path) -> tuple[int, int]:
    """Pages and questions of a course folder."""
    from cmacourse.loading import load_course

    course = load_course(folder)
    return sum(len(m.pages) for m in course.modules), sum(1 for _ in course.questions())


def refused(row: Row) -> bool:
    """Whether the default options refused the course, so that the figure is of a workaround."""
    return row.note.startswith("the default refused")


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,800,3200,12800", help="pages of the synthetic courses (multiples of 20)")
    parser.add_argument("--runs", type=int, default=3, help="counted rounds per figure (after one warm-up)")
    parser.add_argument("--version-runs", type=int, default=10, help="counted rounds of the flagship against --version")
    parser.add_argument("--profile", type=int, default=0, metavar="PAGES", help="also profile the SCORM 1.2 build of this size")
    parser.add_argument("--no-validate", action="store_true", help="skip the 40,000-question validation figure")
    parser.add_argument("--no-player", action="store_true", help="skip the first-page figure in Chromium")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]

    byte_compile()
    version = subprocess.run([*cmacourse(), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"{version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; medians of {args.runs} rounds; "
          "×zip and ×version are the build's wall time over theirs, round by round")
    print(f"this machine's speed: {machine_seconds():.2f} s of CPU for {YARDSTICK_ADDITIONS:,} additions in a Python loop "
          "(compare absolute figures between machines by it)")
    print(HEADER)
    scorm12: dict[int, Row] = {}
    every: dict[int, Row] = {}
    with tempfile.TemporaryDirectory(prefix="cmacourse-bench-") as tmp:
        work = Path(tmp)
        pages, questions = course_size(ROOT / "course_content")
        flagship = measure_build("flagship, all formats", ROOT / "course_content", pages, questions, "all", work,
                                 args.version_runs)
        print_row(flagship)
        for pages in sizes:
            course = synthetic(work, pages)
            questions = pages // PAGES_PER_MODULE * QUESTIONS_PER_MODULE
            scorm12[pages] = measure_build("synthetic, scorm12", course, pages, questions, "scorm12", work, args.runs)
            print_row(scorm12[pages])
            every[pages] = measure_build("synthetic, all formats", course, pages, questions, "all", work, args.runs)
            print_row(every[pages])
            shutil.rmtree(course)
        print(f"growth, SCORM 1.2: {growth(list(scorm12.values()))}")
        print(f"growth, all formats: {growth(list(every.values()))}")
        if args.profile:
            profile(args.profile, work)

    print("\ngoals")
    if GOAL_ZIP_PAGES in scorm12:
        row = scorm12[GOAL_ZIP_PAGES]
        ratio = row.build.over(row.zip_floor)
        print(f"  {GOAL_ZIP_PAGES:,} pages into SCORM 1.2, default options, ≤ {GOAL_SCORM12_OVER_ZIP:g}× zip: {ratio:.1f}×"
              f"{', and the default refused' if refused(row) else ''}: {verdict(ratio <= GOAL_SCORM12_OVER_ZIP and not refused(row))}")
    ratio = flagship.build.over(flagship.version)
    print(f"  flagship into all seven formats ≤ {GOAL_FLAGSHIP_OVER_VERSION:g}× --version: {ratio:.1f}×: "
          f"{verdict(ratio <= GOAL_FLAGSHIP_OVER_VERSION)}")
    seconds = flagship.version.wall
    print(f"  cmacourse --version ≤ {GOAL_VERSION_SECONDS:g} s: {seconds:.3f} s: {verdict(seconds <= GOAL_VERSION_SECONDS)}")
    if GOAL_PEAK_PAGES in scorm12:
        peak = max(scorm12[GOAL_PEAK_PAGES].build.peak_mib, every[GOAL_PEAK_PAGES].build.peak_mib)
        print(f"  peak memory at {GOAL_PEAK_PAGES:,} pages ≤ {GOAL_PEAK_MIB:g} MiB: {peak:.0f} MiB: {verdict(peak <= GOAL_PEAK_MIB)}")
    if not args.no_validate:
        total, seconds, _ = validate_benchmark.measure(200, 20, 10)
        goal = validate_benchmark.GOAL_SECONDS
        print(f"  {total:,} questions loaded and validated ≤ {goal:g} s: {seconds:.2f} s: {verdict(seconds <= goal)}")
    if not args.no_player:
        first_page(args.chromium)
    return 0


def first_page(chromium: str) -> None:
    """The flagship's first page in headless Chromium, median of 10 (benchmarks/player.py)."""
    from cmacourse.exporters import export
    from cmacourse.loading import load_course

    goal = player_benchmark.GOAL_FIRST_PAGE_MS
    with tempfile.TemporaryDirectory() as tmp:
        site = export(load_course(ROOT / "course_content"), "html", Path(tmp))
        paint, ready = player_benchmark.first_page(site, 10, chromium)
    print(f"  flagship first page ≤ {goal:g} ms (median of 10): painted {paint:.0f} ms, ready {ready:.0f} ms: "
          f"{verdict(max(paint, ready) <= goal)}")


if __name__ == "__main__":
    sys.exit(main())
