"""The ``cmacourse`` command: validate, build, preview, formats, new.

Start-up is part of the interface: ``cmacourse --version`` imports nothing but this module and the
version, and each command imports what it uses when it runs (so ``validate`` never loads the player
and ``formats`` no export format). That is why the handlers import inside their bodies.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from ._version import __version__

if TYPE_CHECKING:
    from .errors import Problem

DEFAULT_PATH = "course_content"
#: The exit status of a command stopped by SIGTERM, as a shell reports it (128 + the signal's number).
TERMINATED = 128 + signal.SIGTERM


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
    validate.add_argument("--lang", metavar="TAG", default=None,
                          help="check the course's translation into this language (kept in PATH/locales/TAG/) instead")
    validate.set_defaults(handler=_validate)

    build = commands.add_parser("build", help="export a course as a package for an LMS")
    build.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"the course folder (default: {DEFAULT_PATH})")
    build.add_argument("--format", "-f", dest="format", required=True, metavar="ID", help="a format id from 'cmacourse formats', or 'all'")
    build.add_argument("--out", "-o", required=True, type=_folder, metavar="DIR", help="the folder to write packages into")
    build.add_argument("--option", "-O", action="append", default=[], metavar="KEY=VALUE",
                       help="a format option, e.g. -O sco=module (repeatable; 'cmacourse formats' lists each format's options)")
    build.add_argument("--lang", metavar="TAG", default=None,
                       help="build in this language from its translation in PATH/locales/TAG/, or 'all' for every language;"
                            " packages go into DIR/TAG/")
    build.set_defaults(handler=_build)

    preview = commands.add_parser("preview", help="serve the course on 127.0.0.1 and rebuild it when a file changes")
    preview.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"the course folder (default: {DEFAULT_PATH})")
    preview.add_argument("--port", type=_port, default=8000,
                         help="the port to listen on (default: 8000; a taken port gives the next free one; 0 picks any)")
    preview.add_argument("--no-browser", action="store_true", help="do not open a browser")
    preview.set_defaults(handler=_preview)

    translate = commands.add_parser("translate", help="export a course's text for translators (XLIFF 1.2) and import their work")
    steps = translate.add_subparsers(dest="step", metavar="STEP", required=True)
    export = steps.add_parser("export", help="write one XLIFF file with every translatable string of the course")
    export.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"the course folder (default: {DEFAULT_PATH})")
    export.add_argument("--lang", required=True, metavar="TAG", help="the language to translate into, as a BCP 47 tag such as es")
    export.add_argument("--out", "-o", required=True, type=_folder, metavar="DIR", help="the folder to write the XLIFF file into")
    export.set_defaults(handler=_translate_export)
    import_ = steps.add_parser("import", help="check a translated XLIFF file and keep it in the course's locales/ folder")
    import_.add_argument("file", help="the translated XLIFF file")
    import_.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"the course folder (default: {DEFAULT_PATH})")
    import_.add_argument("--partial", action="store_true",
                         help="accept units left untranslated (a delivery in batches): they show in the source language")
    import_.set_defaults(handler=_translate_import)

    formats = commands.add_parser("formats", help="list the export formats installed, with their -O options")
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


def _folder(text: str) -> str:
    # An empty value is an unset variable in a script (`--out "$OUT"`), not a wish to write into ".".
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty folder name; give the folder to write into, e.g. --out dist")
    return text


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port: use 1 to 65535, or 0 for any free one")
    return port


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from .errors import CmaCourseError, InvalidCourseError

    try:
        os.getcwd()
    except OSError:
        print("cmacourse: the current folder no longer exists (deleted or moved); cd into a folder and run again", file=sys.stderr)
        return 2
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        status = int(args.handler(args))
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not as a lost write at exit
        return status
    except BrokenPipeError:
        # The reader stopped reading (`cmacourse validate | head -1`): end quietly with the status of a
        # process that SIGPIPE stopped, as other command-line tools do, not with a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except InvalidCourseError as exc:
        _print_problems(_typed(exc.problems, args))
        return 1
    except CmaCourseError as exc:
        print(f"cmacourse: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # Reading the course is the loader's (a located problem); writing is the outputs' (OutputError).
        # Anything the environment does besides, say in one line with the path it concerns.
        print(f"cmacourse: {_os_error_text(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except SystemExit as exc:
        if exc.code == TERMINATED:
            print("cmacourse: stopped (SIGTERM); nothing half-written is left", file=sys.stderr)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: Any) -> NoReturn:
    # Unwind like Ctrl-C does, so every ``finally`` runs: staging folders are removed and the output
    # folder's lock is released before the process ends.
    raise SystemExit(TERMINATED)


def _os_error_text(exc: OSError) -> str:
    from .hints import shown_path

    if not isinstance(exc.filename, str):
        return f"cannot write the output: {exc.strerror or exc}; check where it goes (a full disk, a closed terminal)"
    return f"cannot use {shown_path(exc.filename)}: {exc.strerror or exc}; check the path and its permissions"


def _typed(problems: Sequence[Problem], args: argparse.Namespace) -> list[Problem]:
    """Problems named from where the command runs, when the command names a course folder."""
    from .errors import problems_as_typed
    from .loading import course_root

    path = getattr(args, "path", None)
    return list(problems) if path is None else problems_as_typed(problems, course_root(path))


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    import json

    from .loading import read_course

    if args.lang:
        from .translation.overlay import validate_translation

        report = validate_translation(args.path, args.lang)
    else:
        report = read_course(args.path)
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    problems = _typed(report.problems, args)
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
        language = f" in {args.lang}" if args.lang else ""
        print(f"{args.path}: valid{language}: {len(course.modules)} modules, {pages} pages, {questions} questions", file=sys.stderr)
    return 1 if failed else 0


def _build(args: argparse.Namespace) -> int:
    import logging

    from .building import build_formats
    from .hints import shown_path

    # Exporters log what they converted or could not carry (e.g. a question type a format lacks) as
    # warnings of the ``cmacourse`` logger; the command shows them on stderr as it builds.
    notes = logging.StreamHandler(sys.stderr)
    notes.setFormatter(logging.Formatter("cmacourse: %(message)s"))
    notes.setLevel(logging.WARNING)
    logger = logging.getLogger("cmacourse")
    logger.addHandler(notes)
    try:
        if args.lang:
            from .translation.building import build_languages

            paths = build_languages(args.path, args.lang, args.format, args.out, args.option)
        else:
            paths = build_formats(args.path, args.format, args.out, args.option)
        for path in paths:
            print(shown_path(path))
    finally:
        logger.removeHandler(notes)
    return 0


def _translate_export(args: argparse.Namespace) -> int:
    from .hints import shown_path
    from .translation.workflow import export_translation

    summary = export_translation(args.path, args.lang, args.out)
    print(shown_path(summary.path))
    print(f"{summary.translated} translated, {summary.changed} changed since translated, {summary.new} new", file=sys.stderr)
    return 0


def _translate_import(args: argparse.Namespace) -> int:
    from .errors import InvalidCourseError, problems_as_typed
    from .hints import shown_path
    from .loading import course_root
    from .translation.workflow import import_translation

    try:
        summary = import_translation(args.file, args.path, partial=args.partial)
    except InvalidCourseError as exc:
        # The problems are in the translation file, named as it was typed; the course files they name are the course's.
        _print_problems(problems_as_typed(exc.problems, course_root(args.path), location=False))
        return 1
    print(shown_path(summary.path))
    waiting = f" ({summary.untranslated} not translated yet: 'validate --lang {summary.language}' lists them)" if summary.untranslated else ""
    print(f"{summary.units} units in {summary.language}{waiting}", file=sys.stderr)
    return 0


def _preview(args: argparse.Namespace) -> int:
    from .preview import serve

    return serve(args.path, port=args.port, open_browser=not args.no_browser)


def _formats(args: argparse.Namespace) -> int:
    from .exporters import declaration, exporters

    infos = exporters.infos()
    width = max((len(name) for name in infos), default=0)
    for name, info in infos.items():
        declared = declaration(name)
        origin = "" if info.distribution == "cmacourse" else f"  [{info.distribution}]"
        print(f"{name:<{width}}  {declared.description}{origin}")
        for option in declared.options:
            default = f" (default: {option.default_text()})" if option.default_text() else ""
            print(f"{'':<{width}}    -O {option.usage()}  {option.help}{default}")
    return 0


def _new_course(args: argparse.Namespace) -> int:
    from .hints import shown_path
    from .scaffold import new_course

    for path in new_course(args.path, args.id):
        print(f"created {shown_path(path)}")
    return 0


def _new_module(args: argparse.Namespace) -> int:
    from .hints import shown_path
    from .scaffold import new_module

    for path in new_module(args.path, args.name, args.kind):
        print(f"created {shown_path(path)}")
    return 0
