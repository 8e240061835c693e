"""Checks beyond the schemas: unique ids, references that resolve, answers that exist, objectives assessed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from .catalogs import catalog_for, catalog_languages
from .contentchecks import content_problems
from .errors import Location, Problem, Severity, placed
from .jsonschemas import did_you_mean
from .loading import COURSE_FILE
from .model import Course, Module
from .questions import not_finite
from .sourcemap import SourceRef


def iter_problems(course: Course, *, complete: bool = True) -> Iterator[Problem]:
    """Every problem of a loaded course that its schemas cannot see.

    Args:
        course: the course, perhaps missing the parts that failed to load.
        complete: False when some part failed to load; checks that would then report false
            unknown references or unassessed objectives are skipped.
    """
    yield from _unique_ids(course)
    yield from _prerequisites(course, complete)
    yield from _objective_refs(course, complete)
    yield from _questions(course)
    yield from _scores(course)
    yield from _assessment_kinds(course)
    yield from content_problems(course, complete)
    yield from _player_language(course)
    if complete:
        yield from _unassessed_objectives(course)


def _player_language(course: Course) -> Iterator[Problem]:
    # The course still builds: its own text is in its language, only the player's words fall back.
    if catalog_for(course.language) is None:
        yield _problem("language.no-player-words",
                       f"the player has no words in {course.language!r}: its buttons and messages (Next, Check answer, "
                       "the results) will show in English", course.source, "/language", severity="warning",
                       hint=f"the player's words ship in {', '.join(catalog_languages())}; README, \"Translating a "
                            "course\", says how to add a catalog")


def _problem(code: str, message: str, ref: SourceRef | None, extra: str = "", *, severity: Severity = "error",
             hint: str | None = None, key: bool = False, paths: dict[str, str] | None = None) -> Problem:
    location = ref.location(extra, key=key) if ref else Location(COURSE_FILE)
    return Problem(code=code, message=message, location=location, severity=severity, hint=hint, paths=paths)


def _first_use(where: Location | None) -> tuple[str | None, dict[str, str] | None]:
    """The hint of a duplicate, where it was first used, and the path that names."""
    if where is None:
        return None, None
    return f"first used at {placed('first', where)}", {"first": where.file}


def _duplicates(kind: str, items: Iterable[tuple[str, SourceRef | None]]) -> Iterator[Problem]:
    items = list(items)
    counts = Counter(item_id for item_id, _ in items)
    first: dict[str, SourceRef | None] = {}
    for item_id, ref in items:
        if counts[item_id] < 2:
            continue
        if item_id not in first:
            first[item_id] = ref
            continue
        earlier = first[item_id]
        where = earlier.location("/id") if earlier else None
        hint, paths = _first_use(where)
        yield _problem("id.duplicate", f"the {kind} id {item_id!r} is used more than once", ref, "/id", hint=hint, paths=paths)


def _unique_ids(course: Course) -> Iterator[Problem]:
    yield from _duplicates("module", ((m.id, m.source) for m in course.modules))
    yield from _duplicates("page", ((p.id, p.source) for m in course.modules for p in m.pages))
    yield from _duplicates("objective", ((o.id, o.source) for o in course.objectives))
    yield from _duplicates("assessment", ((a.id, a.source) for a in course.assessments))
    yield from _duplicates("question", ((q.id, q.source) for _, q in course.questions()))
    yield from _duplicates("glossary term", ((t.id, t.source) for t in course.glossary))
    for page in (p for m in course.modules for p in m.pages):  # a block's id is unique within its page
        yield from _duplicates("block", ((block_id, getattr(block, "source", None))
                                         for block_id, block in zip(page.block_ids, page.blocks) if block_id))
    yield from _duplicates("credential", ((c.id, course.source.child("credentials", i) if course.source else None)
                                          for i, c in enumerate(course.credentials)))


def _prerequisites(course: Course, complete: bool) -> Iterator[Problem]:
    position: dict[str, int] = {}
    for index, module in enumerate(course.modules):
        position.setdefault(module.id, index)  # a duplicate id is reported once; its first use is where it is
    for module in course.modules:
        for index, required in enumerate(module.requires):
            where = f"/requires/{index}"
            if required == module.id:
                yield _problem("ref.self-prerequisite", f"module {module.id!r} requires itself", module.source, where)
            elif required not in position:
                if complete:
                    yield _problem("ref.unknown-module", f"no module has the id {required!r}", module.source, where,
                                   hint=_closest(required, position))
            elif position[required] > position[module.id]:
                yield _problem("ref.later-prerequisite", f"{module.id!r} requires {required!r}, which comes after it in {{course}}",
                               module.source, where, severity="warning", hint="reorder the modules list so prerequisites come first",
                               paths={"course": COURSE_FILE})
    yield from _cycles(course.modules)


def _cycles(modules: tuple[Module, ...]) -> Iterator[Problem]:
    graph = {m.id: [r for r in m.requires if r != m.id] for m in modules}
    by_id = {m.id: m for m in modules}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[frozenset[str]] = set()
    for start in graph:
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, edge = stack.pop()
            if edge == 0:
                if state.get(node) == 2:
                    continue
                state[node] = 1
                path.append(node)
            targets = [t for t in graph.get(node, []) if t in graph]
            if edge < len(targets):
                stack.append((node, edge + 1))
                target = targets[edge]
                if state.get(target) == 1:
                    cycle = path[path.index(target):] + [target]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        yield _problem("graph.cycle", f"prerequisites form a cycle: {' -> '.join(cycle)}", by_id[target].source, "/requires")
                elif state.get(target) != 2:
                    stack.append((target, 0))
            else:
                state[node] = 2
                path.pop()


def _objective_refs(course: Course, complete: bool) -> Iterator[Problem]:
    if not complete:
        return
    known = {o.id for o in course.objectives}
    for module in course.modules:
        for page in module.pages:
            for index, objective in enumerate(page.objectives):
                if objective not in known:
                    yield _problem("ref.unknown-objective", f"no objective has the id {objective!r}", page.source,
                                   f"/objectives/{index}", hint=_closest(objective, known))
    for _, question in course.questions():
        for index, objective in enumerate(question.objectives):
            if objective not in known:
                yield _problem("ref.unknown-objective", f"no objective has the id {objective!r}", question.source,
                               f"/objectives/{index}", hint=_closest(objective, known))


def _questions(course: Course) -> Iterator[Problem]:
    # Each question type checks itself (Question.check); here its findings are located in the file.
    for _, question in course.questions():
        ref = question.source
        for finding in question.check():
            first = ref.location(finding.first) if ref and finding.first else None
            hint, paths = _first_use(first) if first else (finding.hint, None)
            yield _problem(finding.code, finding.message, ref, finding.where, severity=finding.severity, hint=hint, paths=paths)


def _scores(course: Course) -> Iterator[Problem]:
    yield from _not_finite(course.completion.mastery_score, course.source, "/completion/mastery_score")
    for module in course.modules:
        yield from _not_finite(module.completion.mastery_score, module.source, "/completion/mastery_score")
    for assessment in course.assessments:
        yield from _not_finite(assessment.mastery_score, assessment.source, "/mastery_score")


def _not_finite(value: object, ref: SourceRef | None, where: str) -> Iterator[Problem]:
    for finding in not_finite(value, where):
        yield _problem(finding.code, finding.message, ref, where)


def _assessment_kinds(course: Course) -> Iterator[Problem]:
    for module in course.modules:
        for assessment in module.assessments:
            if assessment.kind == "final_exam":
                yield _problem("assessment.kind", f"{assessment.id!r} is a final_exam inside module {module.id!r}",
                               assessment.source, "/kind", hint="list it as final_exam in {course}, or make it a module_quiz",
                               paths={"course": COURSE_FILE})
    exam = course.final_exam
    if exam is not None and exam.kind != "final_exam":
        yield _problem("assessment.kind", f"{{course}}'s final_exam {exam.id!r} has kind {exam.kind!r}", exam.source, "/kind",
                       hint="set kind: final_exam", paths={"course": COURSE_FILE})


def _unassessed_objectives(course: Course) -> Iterator[Problem]:
    assessed = {o for _, q in course.questions() for o in q.objectives}
    for objective in course.objectives:
        if objective.id not in assessed:
            yield _problem("objective.unassessed", f"no question assesses the objective {objective.id!r}", objective.source,
                           "/id", severity="warning", hint="add its id to the objectives of at least one question")


def _closest(word: str, choices: Iterable[str]) -> str | None:
    return did_you_mean(word, sorted(choices))
