"""Reading a course folder into the model, collecting every problem on the way."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from . import collector, jsonschemas
from ._yaml import YAMLSyntaxError, load_yaml
from .blocks import MEDIA_KEYS, Block, Text
from .coursefiles import (MAX_TEXT_BYTES, CourseFolder, NotRegularError, OutsideCourseError, TooLargeError, link_target_path,
                          megabytes, relative_path)
from .errors import InvalidCourseError, Location, Problem, UsageError, literal
from .hints import similar_file
from .model import Completion, Course, Credential, GlossaryTerm, Link, Module, Objective, Page
from .pagesource import PageSyntaxError, split_page
from .questions import Assessment, Question
from .plugins import block_types, question_types
from .sourcemap import SourceFile, SourceRef, line_column, pointer

#: The file at the root of every course folder.
COURSE_FILE = "course.yaml"
#: The file in every module folder.
MODULE_FILE = "module.yaml"


@attrs.frozen
class CourseReport:
    """The result of reading a course: the model (None if it could not be built) and every problem found."""

    course: Course | None
    problems: tuple[Problem, ...]
    #: False when some file failed to load, so checks that need the whole course are not run.
    complete: bool = True

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


def course_root(path: str | os.PathLike[str]) -> Path:
    """The course folder for a path that names it or its course.yaml.

    Raises:
        UsageError: there is no course there.
    """
    path = Path(path)
    try:
        if path.is_file() and path.name == COURSE_FILE:
            path = path.parent
        is_dir, has_course = path.is_dir(), (path / COURSE_FILE).is_file()
    except OSError as exc:  # a name the file system refuses, such as one too long
        raise UsageError(f"no course folder at {path}: {exc.strerror or exc}") from None
    if not is_dir:
        raise UsageError(f"no course folder at {path}")
    if not has_course:
        raise UsageError(f"{path} is not a course folder: it has no {COURSE_FILE}")
    return path


def read_course(path: str | os.PathLike[str]) -> CourseReport:
    """Read and check a course folder; never raises for bad content, only for a missing folder.

    Raises:
        UsageError: ``path`` is not a course folder.
    """
    from .validation import iter_problems

    reader = _Reader(course_root(path))
    with collector.paused():
        course = reader.course()
    problems = list(reader.problems)
    if course is not None:
        with collector.sparing_what_exists():
            problems.extend(iter_problems(course, complete=not reader.failed))
    problems.sort(key=Problem.sort_key)
    return CourseReport(course, tuple(problems), not reader.failed)


def load_course(path: str | os.PathLike[str]) -> Course:
    """Read a course folder into the model.

    Raises:
        UsageError: ``path`` is not a course folder.
        InvalidCourseError: the course has errors; warnings alone do not raise.
    """
    report = read_course(path)
    if report.errors or report.course is None:
        raise InvalidCourseError(report.problems)
    return report.course


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = CourseFolder(root)
        self.problems: list[Problem] = []
        self.failed = False
        self.blocks = block_types()
        self.questions = question_types()

    # -- files ------------------------------------------------------------------------------

    def problem(self, code: str, message: str, location: Location, hint: str | None = None,
                paths: Mapping[str, str] | None = None) -> None:
        self.problems.append(Problem(code=code, message=message, location=location, hint=hint, paths=paths))
        self.failed = True

    def read_text(self, rel: str, referrer: SourceRef | None) -> str | None:
        data = self.read_bytes(rel, referrer)
        if data is None:
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            # Count characters, not bytes: the text before the bad byte is valid UTF-8.
            before = data[: exc.start].decode("utf-8-sig")
            line, column = line_column(before, len(before))
            self.problem("file.encoding", f"byte 0x{data[exc.start]:02x} is not UTF-8 text; save the file as UTF-8", Location(rel, line, column))
            return None
        if not text.strip():
            self.problem("file.empty", "the file is empty", Location(rel, 1, 1))
            return None
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def read_bytes(self, rel: str, referrer: SourceRef | None) -> bytes | None:
        try:
            return self.folder.read_bytes(rel, MAX_TEXT_BYTES)
        except OutsideCourseError as exc:
            message, paths = exc.problem_text("{file}")
            self.problem("ref.outside-course", message, _where(rel, referrer),
                         hint="copy the file into the course folder instead of linking to it", paths={"file": rel, **paths})
        except TooLargeError as exc:
            self.problem("file.too-large", f"{{file}} is {megabytes(exc.size)}; a page or YAML file may hold at most {megabytes(exc.limit)}",
                         _where(rel, referrer), hint="split it into several pages or files", paths={"file": rel})
        except NotRegularError as exc:
            self.problem("file.unreadable", f"{{file}} is {exc.kind}, not a file", _where(rel, referrer), paths={"file": rel})
        except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in the name
            link = _link_target(self.root / rel)
            if link is not None:
                self.problem("file.missing", "{file} is a link to {target}, which does not exist", _where(rel, referrer),
                             paths={"file": rel, "target": link_target_path(rel, link)})
            else:
                hint, similar = self._similar_file(rel)
                self.problem("file.missing", "{file} does not exist", _where(rel, referrer), hint=hint,
                             paths={"file": rel, **similar})
        except OSError as exc:
            self.problem("file.unreadable", f"cannot read {{file}}: {literal(exc.strerror or str(exc))}", _where(rel, referrer),
                         paths={"file": rel})
        return None

    def _similar_file(self, rel: str) -> tuple[str | None, dict[str, str]]:
        """A hint naming the file (or module folder) nearest to a missing one, and the path it names."""
        folder = (self.root / rel).parent
        try:
            if folder.is_dir():
                name = Path(rel).name
                return similar_file(name, sorted(p.name for p in folder.iterdir() if p.name != name), posixpath.dirname(rel))
            # The folder itself is missing, as when a module folder's name is misspelt in course.yaml.
            siblings = sorted(p.name for p in folder.parent.iterdir() if p.is_dir())
        except (OSError, ValueError):
            return None, {}
        parent, name = posixpath.split(posixpath.dirname(rel))
        hint, paths = similar_file(name, siblings, parent)
        return hint, {"similar": posixpath.join(paths["similar"], posixpath.basename(rel))} if paths else {}

    def parse(self, source: SourceFile, schema: str | Mapping[str, Any], salvage: _Salvage | None = None) -> Any:
        """YAML data that passed its schema, or None after recording why not.

        ``salvage`` is given a mapping that failed its schema, so the files it names are read for their problems too.
        """
        try:
            data = load_yaml(source.text)
        except YAMLSyntaxError as exc:
            self.problem("syntax.yaml", exc.message, source.location(exc.line, exc.column))
            return None
        if data is None:
            self.problem("file.empty", "there is nothing here but blank lines or comments", source.location(1, 1, source.base))
            return None
        found = list(jsonschemas.check(data, schema, source))
        self.problems.extend(found)
        if found:
            self.failed = True
            if salvage is not None and isinstance(data, Mapping):
                salvage(data, SourceRef(file=source), {p.location.pointer for p in found})
            return None
        return data

    def yaml_file(self, rel: str, schema: str, referrer: SourceRef | None, salvage: _Salvage | None = None) -> tuple[Any, SourceRef] | None:
        text = self.read_text(rel, referrer)
        if text is None:
            return None
        source = SourceFile(self.root / rel, rel, text)
        data = self.parse(source, schema, salvage)
        return None if data is None else (data, SourceRef(file=source))

    # -- the course -------------------------------------------------------------------------

    def course(self) -> Course | None:
        loaded = self.yaml_file(COURSE_FILE, "course", None, self._course_parts)
        if loaded is None:
            return None
        raw, ref = loaded
        modules = tuple(m for i, folder in enumerate(raw["modules"]) if (m := self.module(folder, ref.child("modules", i))))
        final_exam = self.assessment(raw["final_exam"], ref.child("final_exam")) if "final_exam" in raw else None
        glossary = self.glossary(raw["glossary"], ref.child("glossary")) if "glossary" in raw else ()
        return Course(
            id=raw["id"], title=raw["title"], modules=modules, description=raw.get("description"),
            language=raw.get("language", "en"), version=raw.get("version", "1.0.0"), publisher=raw.get("publisher"),
            base_iri=raw.get("base_iri"), final_exam=final_exam, glossary=glossary,
            completion=_completion(raw.get("completion")),
            credentials=tuple(Credential(**c) for c in raw.get("credentials", ())),
            root=self.root, source=ref,
        )

    def relative(self, referrer: SourceRef, target: str) -> str | None:
        resolved = relative_path(referrer.file.display, target)
        if resolved is None:
            self.problem("ref.outside-course", f"{target!r} leaves the course folder; use a path inside it, relative to this file",
                         referrer.location())
        return resolved

    # A course.yaml or module.yaml with a problem cannot be built, but the files it names still can be
    # read, so that one pass reports every file's problems rather than one file's at a time.

    def _course_parts(self, raw: Mapping[str, Any], ref: SourceRef, bad: set[str]) -> None:
        for index, folder in _usable(raw, "modules", bad):
            self.module(folder, ref.child("modules", index))
        for key, read in (("final_exam", self.assessment), ("glossary", self.glossary)):
            if isinstance(raw.get(key), str) and not _touched(pointer(key), bad):
                read(raw[key], ref.child(key))

    def _module_parts(self, raw: Mapping[str, Any], ref: SourceRef, bad: set[str]) -> None:
        for index, name in _usable(raw, "pages", bad):
            self.page(name, ref.child("pages", index))
        for index, name in _usable(raw, "assessments", bad):
            self.assessment(name, ref.child("assessments", index))

    def module(self, folder: str, ref: SourceRef) -> Module | None:
        loaded = self.yaml_file(f"{folder}/{MODULE_FILE}", "module", ref, self._module_parts)
        if loaded is None:
            return None
        raw, mref = loaded
        pages = tuple(p for i, name in enumerate(raw["pages"]) if (p := self.page(name, mref.child("pages", i))))
        assessments = tuple(
            a for i, name in enumerate(raw.get("assessments", ())) if (a := self.assessment(name, mref.child("assessments", i)))
        )
        return Module(
            id=raw["id"], title=raw["title"], kind=raw["kind"], pages=pages, assessments=assessments,
            objectives=tuple(Objective(id=o["id"], text=o["text"], source=mref.child("objectives", i)) for i, o in enumerate(raw["objectives"])),
            requires=tuple(raw.get("requires", ())), summary=raw.get("summary"), reflection=raw.get("reflection"),
            links=tuple(Link(title=link["title"], url=link["url"]) for link in raw.get("links", ())),
            completion=_completion(raw.get("completion")), folder=folder, source=mref,
        )

    def glossary(self, name: str, ref: SourceRef) -> tuple[GlossaryTerm, ...]:
        rel = self.relative(ref, name)
        loaded = self.yaml_file(rel, "glossary", ref) if rel else None
        if loaded is None:
            return ()
        raw, gref = loaded
        return tuple(GlossaryTerm(id=t["id"], term=t["term"], definition=t["definition"], source=gref.child("terms", i))
                     for i, t in enumerate(raw["terms"]))

    def assessment(self, name: str, ref: SourceRef) -> Assessment | None:
        rel = self.relative(ref, name)
        loaded = self.yaml_file(rel, "assessment", ref) if rel else None
        if loaded is None:
            return None
        raw, aref = loaded
        questions = tuple(q for i, item in enumerate(raw["questions"]) if (q := self.question(item, aref.child("questions", i))))
        if len(questions) != len(raw["questions"]):
            return None
        return Assessment(
            id=raw["id"], title=raw["title"], kind=raw["kind"], questions=questions, introduction=raw.get("introduction"),
            mastery_score=raw.get("mastery_score"), max_attempts=raw.get("max_attempts"), shuffle=raw.get("shuffle", False),
            source=aref,
        )

    def question(self, raw: Mapping[str, Any], ref: SourceRef) -> Question | None:
        cls = self.questions.get(raw["type"])
        if cls is None:
            names = sorted(self.questions)
            self.problem("schema.unknown-question-type", f"unknown question type {raw['type']!r}; known types: {', '.join(names)}",
                         ref.location("/type"), hint=jsonschemas.did_you_mean(raw["type"], names))
            return None
        if not isinstance(cls.schema, str):  # a plugin's own schema, which the file's schema could not apply
            found = list(jsonschemas.check(raw, cls.schema, ref.file, at=ref.pointer))
            if found:
                self.problems.extend(found)
                self.failed = True
                return None
        return cls.from_raw(raw, ref)

    # -- pages ------------------------------------------------------------------------------

    def page(self, name: str, ref: SourceRef) -> Page | None:
        rel = self.relative(ref, name)
        text = self.read_text(rel, ref) if rel else None
        if rel is None or text is None:
            return None
        whole = SourceFile(self.root / rel, rel, text)
        try:
            parts = split_page(text, self.blocks)
        except PageSyntaxError as exc:
            self.problem(exc.code, exc.message, whole.location(exc.line, 1))
            return None
        front = SourceFile(whole.path, rel, parts.front_matter, first_line=2)
        meta = self.parse(front, "page")
        blocks: list[Block] = []
        block_ids: list[str | None] = []
        ok = meta is not None
        for index, segment in enumerate(parts.segments):
            base = pointer("blocks", index)
            if segment.kind is None:
                blocks.append(Text(text=segment.text, source=SourceRef(file=whole, pointer=base, line=segment.line)))
                block_ids.append(None)
                continue
            found = self.block(segment.kind, SourceFile(whole.path, rel, segment.text, first_line=segment.line, base=base))
            ok = ok and found is not None
            if found is not None:
                blocks.append(found[0])
                block_ids.append(found[1])
        if not ok:
            return None
        return Page(id=meta["id"], title=meta["title"], objectives=tuple(meta.get("objectives", ())), blocks=tuple(blocks),
                    path=rel, source=SourceRef(file=front), block_ids=tuple(block_ids) if any(block_ids) else ())

    def block(self, kind: str, source: SourceFile) -> tuple[Block, str | None] | None:
        """The block in ``source`` and the ``id`` its body gives it, if any."""
        cls = self.blocks[kind]
        raw = self.parse(source, cls.schema)
        if raw is None:
            return None
        ref = SourceRef(file=source, pointer=source.base)
        resolved = dict(raw)
        for key in MEDIA_KEYS:
            if key in raw:
                path = self.relative(ref.child(key), raw[key])
                if path is None:
                    return None
                resolved[key] = path
        block_id = raw.get("id")
        return cls.from_raw(resolved, ref), block_id if isinstance(block_id, str) else None


def _where(rel: str, referrer: SourceRef | None) -> Location:
    # Where a file that cannot be read is named; worked out only then, as it parses the referrer's YAML again.
    return referrer.location() if referrer else Location(rel)


def _link_target(path: Path) -> str | None:
    """What a link points at, or None if ``path`` is no link."""
    try:
        return os.readlink(path) if path.is_symlink() else None
    except (OSError, ValueError):
        return None


_Salvage = Callable[[Mapping[str, Any], SourceRef, set[str]], None]


def _touched(ptr: str, bad: set[str]) -> bool:
    """Whether a schema problem is at ``ptr`` or inside it."""
    return ptr in bad or any(p.startswith(ptr + "/") for p in bad)


def _usable(raw: Mapping[str, Any], key: str, bad: set[str]) -> list[tuple[int, str]]:
    """The file names listed under ``key`` that passed their schema (so none leaves the course folder)."""
    items, where = raw.get(key), pointer(key)
    if not isinstance(items, list) or where in bad:
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, str) and not _touched(f"{where}/{i}", bad)]


def _completion(raw: Mapping[str, Any] | None) -> Completion:
    raw = raw or {}
    return Completion(view_all_pages=raw.get("view_all_pages", True), mastery_score=raw.get("mastery_score"))

