"""The ``cmacourse`` command: validate, build, preview, formats, new."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import attrs

from ._version import __version__
from .errors import CmaCourseError, InvalidCourseError, Problem
from .loading import course_root, read_course

DEFAULT_PATH = "course_content"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cmacourse",
        description="Write a training course as plain text files; validate it, preview it, and export it to the standards LMSs import.",
        epilog="Exit status: 0 success, 1 the course has errors, 2 a usage or plugin error.",
    )
    parser.add_argument("--version", action="version", version=f"cmacourse {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser("validate", help="check a course and list every problem with its file, line and column")
    validate.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"the course folder (default: {DEFAULT_PATH})")
    validate.add_argument("--json", action="store_true", help="print problems as one JSON document, for editors and CI")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.set_defaults(handler=_validate)

    build = commands.add_parser("build", help="export a course as a package for an LMS")
    build.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"the course folder (default: {DEFAULT_PATH})")
    build.add_argument("--format", "-f", dest="format", required=True, metavar="ID", help="a format id from 'cmacourse formats', or 'all'")
    build.add_argument("--out", "-o", required=True, type=Path, metavar="DIR", help="the folder to write packages into")
    build.add_argument("--option", "-O", action="append", default=[], metavar="KEY=VALUE",
                       help="a format option, e.g. -O sco=module (repeatable; see the README for each format's options)")
    build.set_defaults(handler=_build)

    preview = commands.add_parser("preview", help="serve the course on 127.0.0.1 and rebuild it when a file changes")
    preview.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"the course folder (default: {DEFAULT_PATH})")
    preview.add_argument("--port", type=int, default=8000, help="the port to listen on (default: 8000; 0 picks a free one)")
    preview.add_argument("--no-browser", action="store_true", help="do not open a browser")
    preview.set_defaults(handler=_preview)

    formats = commands.add_parser("formats", help="list the export formats installed")
    formats.set_defaults(handler=_formats)

    new = commands.add_parser("new", help="scaffold a course or a module that validates")
    kinds = new.add_subparsers(dest="what", metavar="WHAT", required=True)
    new_course = kinds.add_parser("course", help="a new course folder with one module")
    new_course.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"the folder to create (default: {DEFAULT_PATH})")
    new_course.add_argument("--id", default=None, help="the course id (default: from the folder name)")
    new_course.set_defaults(handler=_new_course)
    new_module = kinds.add_parser("module", help="a new module folder, added to the end of course.yaml's modules")
    new_module.add_argument("name", help="the module id, e.g. job-search")
    new_module.add_argument("--path", default=DEFAULT_PATH, help=f"the course folder (default: {DEFAULT_PATH})")
    new_module.add_argument("--kind", default=None, help="the pathway step (default: the previous module's kind)")
    new_module.set_defaults(handler=_new_module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except InvalidCourseError as exc:
        _print_problems(_as_typed(exc.problems, getattr(args, "path", None)))
        return 1
    except CmaCourseError as exc:
        print(f"cmacourse: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _as_typed(problems: Sequence[Problem], course_path: str | None) -> list[Problem]:
    """Problems with file paths as seen from where the command runs, so editors and terminals can open them."""
    if course_path is None:
        return list(problems)
    root = course_root(course_path)
    if root == Path("."):
        return list(problems)
    return [attrs.evolve(p, location=attrs.evolve(p.location, file=(root / p.location.file).as_posix())) for p in problems]


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    report = read_course(args.path)
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    problems = _as_typed(report.problems, args.path)
    if args.json:
        json.dump({"valid": not failed, "problems": [p.to_json() for p in problems]}, sys.stdout, indent=2)
        print()
    elif problems:
        _print_problems(problems)
    else:
        course = report.course
        assert course is not None
        questions = sum(1 for _ in course.questions())
        pages = sum(len(m.pages) for m in course.modules)
        print(f"{args.path}: valid: {len(course.modules)} modules, {pages} pages, {questions} questions", file=sys.stderr)
    return 1 if failed else 0


def _build(args: argparse.Namespace) -> int:
    from .building import build_formats

    # Exporters log what they converted or could not carry (e.g. a question type a format lacks) as
    # warnings of the ``cmacourse`` logger; the command shows them on stderr as it builds.
    notes = logging.StreamHandler(sys.stderr)
    notes.setFormatter(logging.Formatter("cmacourse: %(message)s"))
    notes.setLevel(logging.WARNING)
    logger = logging.getLogger("cmacourse")
    logger.addHandler(notes)
    try:
        for path in build_formats(args.path, args.format, args.out, args.option):
            print(path)
    finally:
        logger.removeHandler(notes)
    return 0


def _preview(args: argparse.Namespace) -> int:
    from .preview import serve

    return serve(args.path, port=args.port, open_browser=not args.no_browser)


def _formats(args: argparse.Namespace) -> int:
    from .exporters import exporters

    infos = exporters.infos()
    width = max((len(name) for name in infos), default=0)
    for name, info in infos.items():
        cls = exporters.get(name)
        origin = "" if info.distribution == "cmacourse" else f"  [{info.distribution}]"
        print(f"{name:<{width}}  {cls.description}{origin}")
    return 0


def _new_course(args: argparse.Namespace) -> int:
    from .scaffold import new_course

    for path in new_course(Path(args.path), args.id):
        print(f"created {path}")
    return 0


def _new_module(args: argparse.Namespace) -> int:
    from .scaffold import new_module

    for path in new_module(Path(args.path), args.name, args.kind):
        print(f"created {path}")
    return 0
