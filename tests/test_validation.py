"""Every validation rule, one small course each: the exact problem code, file, line, column and pointer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coursebuilder import MINIMAL, Files, add_module, at, edit, error, found, located, only, position, read, warning

def test_minimal_course_is_clean(tmp_path: Path) -> None:
    """The course every other test changes has no problem at all, so each problem below comes from its one change."""
    report = read(tmp_path, MINIMAL)
    assert report.problems == ()
    assert report.course is not None and [m.id for m in report.course.modules] == ["one", "two"]


# -- ids are unique -----------------------------------------------------------------------------

CREDENTIAL = "  - id: cma\n    name: Certified Medical Assistant\n    awarding_body: AAMA\n    recertification_months: 60\n"

DUPLICATES: dict[str, tuple[Callable[[Files], Files], tuple[Any, ...], tuple[Any, ...]]] = {
    # kind: (edit to the minimal course, where the second use is, where the first is)
    "module": (lambda f: add_module(f, "m3", "one"), ("m3/module.yaml", "id: ", "one"), ("m1/module.yaml", "id: ", "one")),
    "page": (lambda f: edit(f, "m2/lesson.md", "id: lesson", "id: intro"), ("m2/lesson.md", "id: ", "intro"), ("m1/intro.md", "id: ", "intro")),
    "objective": (lambda f: edit(f, "m2/module.yaml", "  - id: obj-two\n", "  - id: obj-two\n    text: Again.\n  - id: obj-one\n"),
                  ("m2/module.yaml", "  - id: ", "obj-one"), ("m1/module.yaml", "  - id: ", "obj-one")),
    "assessment": (lambda f: edit(f, "m2/quiz.yaml", "id: quiz-two", "id: check-one"), ("m2/quiz.yaml", "id: ", "check-one"),
                   ("m1/check.yaml", "id: ", "check-one")),
    "question": (lambda f: edit(f, "m2/quiz.yaml", "id: q-dose", "id: q-one"), ("m2/quiz.yaml", "id: ", "q-one"), ("m1/check.yaml", "id: ", "q-one")),
    "glossary term": (lambda f: edit(f, "glossary.yaml", "    definition: A Certified Medical Assistant.\n",
                                     "    definition: A Certified Medical Assistant.\n  - id: ged\n    term: G\n    definition: Again.\n"),
                      ("glossary.yaml", "  - id: ", "ged", 2), ("glossary.yaml", "  - id: ", "ged")),
    "option": (lambda f: edit(edit(f, "m1/check.yaml", "      - text: A diploma", "      - id: x\n        text: A diploma"),
                              "m1/check.yaml", "      - text: The exam", "      - id: x\n        text: The exam"),
               ("m1/check.yaml", "- id: ", "x", 2), ("m1/check.yaml", "- id: ", "x")),
    "credential": (lambda f: edit(f, "course.yaml", CREDENTIAL, CREDENTIAL * 2), ("course.yaml", "  - id: ", "cma", 2), ("course.yaml", "  - id: ", "cma")),
}


@pytest.mark.parametrize("kind", sorted(DUPLICATES))
def test_duplicate_ids_are_errors_at_the_second_use_with_the_first_in_the_hint(tmp_path: Path, kind: str) -> None:
    """An id used twice is an error at the second use, and the hint points at the first."""
    change, second, first = DUPLICATES[kind]
    files = change(MINIMAL)
    problem = only(tmp_path, files)
    where = at(files, *second)
    assert located(problem)[:5] == ("error", "id.duplicate", *where)
    assert problem.location.pointer.endswith("/id")
    assert problem.message == f"the {kind} id {second[2]!r} is used more than once"
    first_at = at(files, *first)
    assert problem.hint == f"first used at {first_at[0]}:{first_at[1]}:{first_at[2]}"


def test_duplicate_pointers_name_the_item(tmp_path: Path) -> None:
    """The pointer of a duplicate names the list item, so tools can tell which one."""
    files = DUPLICATES["objective"][0](MINIMAL)
    assert only(tmp_path, files).location.pointer == "/objectives/1/id"
    files = DUPLICATES["credential"][0](MINIMAL)
    assert only(tmp_path, files).location.pointer == "/credentials/1/id"


# -- references resolve -------------------------------------------------------------------------

def test_unknown_objective_on_a_page(tmp_path: Path) -> None:
    """A page naming an objective no module has is an error at that name, with the closest id as a hint."""
    files = edit(MINIMAL, "m2/lesson.md", "objectives: [obj-two]", "objectives: [obj-tow]")
    problem = only(tmp_path, files)
    assert located(problem) == error("ref.unknown-objective", at(files, "m2/lesson.md", "[", "obj-tow"), "/objectives/0")
    assert problem.message == "no objective has the id 'obj-tow'"
    assert problem.hint == "did you mean 'obj-two'?"


def test_unknown_objective_on_a_question(tmp_path: Path) -> None:
    """A question naming an unknown objective is an error at that name inside its assessment."""
    files = edit(MINIMAL, "m2/quiz.yaml", "    objectives: [obj-two]\n    answer", "    objectives: [obj-two, obj-tw]\n    answer")
    problem = only(tmp_path, files)
    assert located(problem) == error("ref.unknown-objective", at(files, "m2/quiz.yaml", "obj-two, ", "obj-tw"), "/questions/0/objectives/1")
    assert problem.hint == "did you mean 'obj-two'?"


def test_unknown_prerequisite(tmp_path: Path) -> None:
    """A prerequisite no module has is an error at its name, with a hint."""
    files = edit(MINIMAL, "m2/module.yaml", "requires: [one]", "requires: [onne]")
    problem = only(tmp_path, files)
    assert located(problem) == error("ref.unknown-module", at(files, "m2/module.yaml", "[", "onne"), "/requires/0")
    assert (problem.message, problem.hint) == ("no module has the id 'onne'", "did you mean 'one'?")


MEDIA_BLOCKS = {
    "image": ("image", "src: missing.png\nalt: A chart.\n", "src: ", "missing.png", "/src"),
    "figure": ("figure", "src: missing.png\nalt: A chart.\ncaption: A caption.\n", "src: ", "missing.png", "/src"),
    "audio": ("audio", "src: talk.mp3\ntitle: A talk\ntranscript: Words.\n", "src: ", "talk.mp3", "/src"),
    "video src": ("video", "src: clip.mp4\ntitle: A clip\ntranscript: Words.\n", "src: ", "clip.mp4", "/src"),
    "video captions": ("video", "src: ../media/pic.svg\ntitle: A clip\ntranscript: Words.\ncaptions: clip.vtt\n", "captions: ", "clip.vtt", "/captions"),
    "video poster": ("video", "src: ../media/pic.svg\ntitle: A clip\ntranscript: Words.\nposter: still.png\n", "poster: ", "still.png", "/poster"),
}


@pytest.mark.parametrize("case", sorted(MEDIA_BLOCKS))
def test_missing_media_in_every_block_kind(tmp_path: Path, case: str) -> None:
    """A block pointing at a file that does not exist is an error at that path, named as the author wrote it."""
    block, body, before, target, key = MEDIA_BLOCKS[case]
    files = edit(MINIMAL, "m2/lesson.md", "checks every dose.\n", f"checks every dose.\n\n```{block}\n{body}```\n")
    problem = only(tmp_path, files)
    assert located(problem) == error("ref.missing-media", at(files, "m2/lesson.md", before, target), f"/blocks/1{key}")
    assert problem.message == f"the media file {target!r} does not exist"


def test_missing_media_in_markdown_image(tmp_path: Path) -> None:
    """A Markdown image of a missing file is an error at the image's own line and column."""
    files = edit(MINIMAL, "m2/lesson.md", "checks every dose.\n", "checks every dose.\n\nSee this: ![A scale](scale.png)\n")
    problem = only(tmp_path, files)
    assert located(problem) == error("ref.missing-media", at(files, "m2/lesson.md", "See this: ", "![A scale]"), "/blocks/0")
    assert problem.message == "the image 'scale.png' does not exist"


def test_unknown_glossary_term_in_markdown(tmp_path: Path) -> None:
    """A glossary link to an unknown term is an error at the link's opening bracket, with a hint."""
    files = edit(MINIMAL, "m2/lesson.md", "(glossary:cma)", "(glossary:cmma)")
    problem = only(tmp_path, files)
    assert located(problem) == error("ref.unknown-term", at(files, "m2/lesson.md", "A ", "[CMA]"), "/blocks/0")
    assert (problem.message, problem.hint) == ("no glossary term has the id 'cmma'", "did you mean 'cma'?")


def test_unknown_glossary_term_on_a_later_line_of_prose(tmp_path: Path) -> None:
    """The line of a link deep in a paragraph counts the lines before it in the file."""
    files = edit(MINIMAL, "m1/intro.md", "[GED](glossary:ged).\n", "[GED](glossary:ged).\nSecond line,\nthird: [X](glossary:nope).\n")
    assert found(tmp_path, files) == [error("ref.unknown-term", at(files, "m1/intro.md", "third: ", "[X]"), "/blocks/0")]


def test_unknown_glossary_term_in_a_block_and_a_question(tmp_path: Path) -> None:
    """Links inside a YAML block or a question are found too, located at the block and at the question."""
    files = edit(MINIMAL, "m2/lesson.md", "checks every dose.\n", "checks every dose.\n\n```callout\ntext: See [X](glossary:nope).\n```\n")
    files = edit(files, "m1/check.yaml", "prompt: What comes first?", "prompt: What comes [first](glossary:frist)?")
    assert found(tmp_path, files) == [
        error("ref.unknown-term", at(files, "m1/check.yaml", "  - ", "id: q-one"), "/questions/0"),
        error("ref.unknown-term", at(files, "m2/lesson.md", "", "text: See"), "/blocks/1"),
    ]


# -- prerequisites ------------------------------------------------------------------------------

def test_module_requiring_itself(tmp_path: Path) -> None:
    """A module that requires itself is an error at that entry, and not also reported as a cycle."""
    files = edit(MINIMAL, "m2/module.yaml", "requires: [one]", "requires: [one, two]")
    problem = only(tmp_path, files)
    assert located(problem) == error("ref.self-prerequisite", at(files, "m2/module.yaml", "one, ", "two"), "/requires/1")


def test_two_module_cycle(tmp_path: Path) -> None:
    """Two modules requiring each other are one cycle error, and the later prerequisite a warning."""
    files = edit(MINIMAL, "m1/module.yaml", "kind: diploma\n", "kind: diploma\nrequires: [two]\n")
    problems = read(tmp_path, files).problems
    assert [located(p) for p in problems] == [
        error("graph.cycle", at(files, "m1/module.yaml", "requires: ", "[two]"), "/requires"),
        warning("ref.later-prerequisite", at(files, "m1/module.yaml", "[", "two"), "/requires/0"),
    ]
    assert problems[0].message == "prerequisites form a cycle: one -> two -> one"


def test_three_module_cycle(tmp_path: Path) -> None:
    """A cycle through three modules is reported once, naming all three in order."""
    files = add_module(MINIMAL, "m3", "three", requires="[two]")
    files = edit(files, "m1/module.yaml", "kind: diploma\n", "kind: diploma\nrequires: [three]\n")
    problems = read(tmp_path, files).problems
    cycles = [p for p in problems if p.code == "graph.cycle"]
    assert [located(p) for p in cycles] == [error("graph.cycle", at(files, "m1/module.yaml", "requires: ", "[three]"), "/requires")]
    assert cycles[0].message == "prerequisites form a cycle: one -> three -> two -> one"
    assert [p.code for p in problems if p not in cycles] == ["ref.later-prerequisite"]


def test_prerequisite_later_in_order_is_a_warning(tmp_path: Path) -> None:
    """Requiring a module listed after this one is a warning with a hint, not an error."""
    files = edit(MINIMAL, "m2/module.yaml", "requires: [one]\n", "")
    files = edit(files, "m1/module.yaml", "kind: diploma\n", "kind: diploma\nrequires: [two]\n")
    report = read(tmp_path, files)
    assert [located(p) for p in report.problems] == [warning("ref.later-prerequisite", at(files, "m1/module.yaml", "[", "two"), "/requires/0")]
    assert report.problems[0].hint == "reorder the modules list so prerequisites come first"
    assert report.course is not None and not report.errors


# -- questions ----------------------------------------------------------------------------------

def test_single_choice_without_a_correct_option(tmp_path: Path) -> None:
    """A single_choice question with no correct option is an error at its options."""
    files = edit(MINIMAL, "m1/check.yaml", "        correct: true\n", "")
    problem = only(tmp_path, files)
    assert located(problem) == error("question.no-correct-answer", at(files, "m1/check.yaml", "      ", "- text: A diploma"), "/questions/0/options")


def test_single_choice_with_two_correct_options(tmp_path: Path) -> None:
    """A single_choice question with two correct options is an error that suggests multiple_response."""
    files = edit(MINIMAL, "m1/check.yaml", "        feedback: Not yet.\n", "        feedback: Not yet.\n        correct: true\n")
    problem = only(tmp_path, files)
    assert located(problem) == error("question.several-correct", at(files, "m1/check.yaml", "      ", "- text: A diploma"), "/questions/0/options")
    assert problem.hint == "use type: multiple_response, or mark one option only"


def test_multiple_response_needs_at_least_one_correct_option(tmp_path: Path) -> None:
    """A multiple_response question with no correct option is an error; with two it is fine."""
    files = edit(MINIMAL, "m2/quiz.yaml", "        correct: true\n", "")
    problem = only(tmp_path, files)
    assert located(problem) == error("question.no-correct-answer", at(files, "m2/quiz.yaml", "      ", "- text: Taking vital signs"), "/questions/1/options")
    two = edit(MINIMAL, "m2/quiz.yaml", "        feedback: No.\n", "        feedback: No.\n        correct: true\n")
    assert read(tmp_path / "two", two).problems == ()


def test_negative_tolerance(tmp_path: Path) -> None:
    """A numeric question's tolerance below 0 is an error at the tolerance; 0 itself is fine."""
    files = edit(MINIMAL, "m2/quiz.yaml", "tolerance: 0.1", "tolerance: -0.5")
    problem = only(tmp_path, files)
    assert located(problem) == error("schema.minimum", at(files, "m2/quiz.yaml", "tolerance: ", "-0.5"), "/questions/0/tolerance")
    assert problem.message == "-0.5 is less than the minimum of 0"
    assert read(tmp_path / "zero", edit(MINIMAL, "m2/quiz.yaml", "tolerance: 0.1", "tolerance: 0")).problems == ()


@pytest.mark.parametrize(("key", "value", "spelled"), [("tolerance: 0.1", ".inf", ".inf (infinity)"), ("answer: 2", ".nan", ".nan (not a number)")])
def test_numeric_values_must_be_finite(tmp_path: Path, key: str, value: str, spelled: str) -> None:
    """An infinite tolerance or a NaN answer passes JSON Schema's comparisons but is still an error."""
    name = key.split(":")[0]
    files = edit(MINIMAL, "m2/quiz.yaml", key, f"{name}: {value}")
    problem = only(tmp_path, files)
    assert located(problem) == error("value.not-finite", at(files, "m2/quiz.yaml", f"{name}: ", value), f"/questions/0/{name}")
    assert problem.message == f"expected an ordinary number, found {spelled}"


MASTERY = {
    "course above 100": ("course.yaml", "mastery_score: 80", "101", "schema.maximum", "/completion/mastery_score"),
    "module below 0": ("m2/module.yaml", "mastery_score: 70", "-5", "schema.minimum", "/completion/mastery_score"),
    "assessment above 100": ("final-exam.yaml", "mastery_score: 80", "100.5", "schema.maximum", "/mastery_score"),
    "assessment NaN": ("final-exam.yaml", "mastery_score: 80", ".nan", "value.not-finite", "/mastery_score"),
    "module infinity": ("m2/module.yaml", "mastery_score: 70", ".inf", "value.not-finite", "/completion/mastery_score"),
}


@pytest.mark.parametrize("case", sorted(MASTERY))
def test_mastery_score_between_0_and_100(tmp_path: Path, case: str) -> None:
    """A mastery score outside 0..100, or not a number at all, is an error at the score."""
    path, old, value, code, pointer = MASTERY[case]
    files = edit(MINIMAL, path, old, f"mastery_score: {value}")
    assert found(tmp_path, files) == [error(code, at(files, path, "mastery_score: ", value), pointer)]


@pytest.mark.parametrize("value", ["0", "100", "99.5"])
def test_mastery_score_bounds_are_allowed(tmp_path: Path, value: str) -> None:
    """0 and 100 themselves, and fractions between, are valid mastery scores."""
    assert read(tmp_path, edit(MINIMAL, "course.yaml", "mastery_score: 80", f"mastery_score: {value}")).problems == ()


def test_unassessed_objective_is_a_warning(tmp_path: Path) -> None:
    """An objective no question assesses is a warning at its id, with a hint."""
    files = edit(MINIMAL, "final-exam.yaml", "[obj-one, obj-two]", "[obj-one]")
    files = edit(files, "m2/quiz.yaml", "    objectives: [obj-two]\n    answer", "    answer")
    files = edit(files, "m2/quiz.yaml", "    objectives: [obj-two]\n", "")
    report = read(tmp_path, files)
    assert [located(p) for p in report.problems] == [warning("objective.unassessed", at(files, "m2/module.yaml", "  - id: ", "obj-two"), "/objectives/0/id")]
    assert report.problems[0].hint == "add its id to the objectives of at least one question"
    assert report.course is not None


def test_no_whole_course_warnings_when_a_file_failed(tmp_path: Path) -> None:
    """When an assessment fails to load, objectives it would assess are not falsely reported as unassessed."""
    files = edit(MINIMAL, "final-exam.yaml", "[obj-one, obj-two]", "[obj-one]")
    files = edit(files, "m2/quiz.yaml", "kind: module_quiz", "kind: [module_quiz")
    assert [p[1] for p in found(tmp_path, files)] == ["syntax.yaml"]


# -- media stay inside the course ---------------------------------------------------------------

def test_block_media_climbing_out_of_the_course(tmp_path: Path) -> None:
    """A block's ../ path that leaves the course folder is an error at that path."""
    files = edit(MINIMAL, "m1/intro.md", "src: ../media/pic.svg", "src: ../../pic.svg")
    problem = only(tmp_path, files)
    assert located(problem) == error("ref.outside-course", at(files, "m1/intro.md", "src: ", "../../pic.svg"), "/blocks/1/src")


def test_block_media_with_an_absolute_path(tmp_path: Path) -> None:
    """An absolute path in a block is refused by the schema, with a message that says why."""
    files = edit(MINIMAL, "m1/intro.md", "src: ../media/pic.svg", "src: /srv/media/pic.svg")
    problem = only(tmp_path, files)
    assert located(problem) == error("schema.pattern", at(files, "m1/intro.md", "src: ", "/srv/media/pic.svg"), "/blocks/1/src")
    assert "no absolute path" in problem.message


@pytest.mark.parametrize("target", ["../../pic.svg", "/srv/pic.svg", "../m1/../../pic.svg"])
def test_markdown_image_outside_the_course(tmp_path: Path, target: str) -> None:
    """A Markdown image whose path leaves the course folder is an error at the image."""
    files = edit(MINIMAL, "m1/intro.md", "(../media/pic.svg)", f"({target})")
    problem = only(tmp_path, files)
    assert located(problem) == error("ref.outside-course", at(files, "m1/intro.md", "", "![A pathway"), "/blocks/0")
    assert problem.message == f"the image {target!r} leaves the course folder"


def test_assessment_outside_the_course(tmp_path: Path) -> None:
    """A final exam file named outside the course folder is an error at its name in course.yaml."""
    files = edit(MINIMAL, "course.yaml", "final_exam: final-exam.yaml", "final_exam: ../final-exam.yaml")
    assert found(tmp_path, files) == [error("ref.outside-course", at(files, "course.yaml", "final_exam: ", "../final-exam.yaml"), "/final_exam")]


# -- keys, types and kinds ----------------------------------------------------------------------

UNKNOWN_KEYS = {
    "course": ("course.yaml", "title: Mini course\n", "titel: Again\n", "titel", "did you mean 'title'?", "/titel"),
    "module": ("m1/module.yaml", "kind: diploma\n", "sumary: Text.\n", "sumary", "did you mean 'summary'?", "/sumary"),
    "page": ("m1/intro.md", "title: Introduction\n", "objectivs: []\n", "objectivs", "did you mean 'objectives'?", "/objectivs"),
    "assessment": ("m1/check.yaml", "kind: knowledge_check\n", "shufle: true\n", "shufle", "did you mean 'shuffle'?", "/shufle"),
    "question": ("m2/quiz.yaml", "    unit: mL\n", "    tolerence: 1\n", "tolerence", "did you mean 'tolerance'?", "/questions/0/tolerence"),
    "option": ("m1/check.yaml", "        feedback: Right.\n", "        feedbak: Hm.\n", "feedbak", "did you mean 'feedback'?", "/questions/0/options/0/feedbak"),
    "glossary": ("glossary.yaml", "    term: GED\n", "    defintion: x\n", "defintion", "did you mean 'definition'?", "/terms/0/defintion"),
    "block": ("m1/intro.md", "caption: The pathway.\n", "captoin: More.\n", "captoin", "did you mean 'caption'?", "/blocks/1/captoin"),
}


@pytest.mark.parametrize("kind", sorted(UNKNOWN_KEYS))
def test_unknown_key_with_did_you_mean(tmp_path: Path, kind: str) -> None:
    """An unknown key in any kind of file is an error at the key itself, with the closest allowed key as a hint."""
    path, after, added, key, hint, pointer = UNKNOWN_KEYS[kind]
    files = edit(MINIMAL, path, after, after + added)
    problem = only(tmp_path, files)
    assert located(problem) == error("schema.unknown-key", at(files, path, "", key + ":"), pointer)
    assert problem.message.startswith(f"unknown key {key!r}; allowed here: ")
    assert problem.hint == hint


def test_each_unknown_key_is_its_own_problem(tmp_path: Path) -> None:
    """Two unknown keys in one mapping are two problems, each at its own line."""
    files = edit(MINIMAL, "m1/module.yaml", "kind: diploma\n", "kind: diploma\nsumary: a\nreflexion: b\n")
    assert found(tmp_path, files) == [
        error("schema.unknown-key", at(files, "m1/module.yaml", "", "sumary"), "/sumary"),
        error("schema.unknown-key", at(files, "m1/module.yaml", "", "reflexion"), "/reflexion"),
    ]


def test_key_that_is_not_text(tmp_path: Path) -> None:
    """A number written as a key is an unknown key, not a crash."""
    files = edit(MINIMAL, "m1/module.yaml", "kind: diploma\n", "kind: diploma\n2024: a year\n")
    problem = only(tmp_path, files)
    assert (problem.code, problem.location.file, problem.location.line) == ("schema.unknown-key", "m1/module.yaml", 4)
    assert problem.message.startswith("unknown key 2024;")


def test_unknown_question_type_with_hint(tmp_path: Path) -> None:
    """An unknown question type is an error at the type, listing the known ones and suggesting the closest."""
    files = edit(MINIMAL, "m1/check.yaml", "type: single_choice", "type: single-choice")
    problem = only(tmp_path, files)
    assert located(problem) == error("schema.unknown-question-type", at(files, "m1/check.yaml", "type: ", "single-choice"), "/questions/0/type")
    assert "known types: fill_blank, matching, multiple_response, numeric, ordering, single_choice, true_false" in problem.message
    assert problem.hint == "did you mean 'single_choice'?"


def test_wrong_module_kind_with_hint(tmp_path: Path) -> None:
    """A module kind outside the six pathway steps is an error listing them, with a hint."""
    files = edit(MINIMAL, "m1/module.yaml", "kind: diploma", "kind: diplome")
    problem = only(tmp_path, files)
    assert located(problem) == error("schema.enum", at(files, "m1/module.yaml", "kind: ", "diplome"), "/kind")
    assert problem.message == "'diplome' is not allowed here; expected one of diploma, program, externship, exam, jobs, recertification"
    assert problem.hint == "did you mean 'diploma'?"


def test_final_exam_inside_a_module(tmp_path: Path) -> None:
    """An assessment of kind final_exam listed in a module is an error at its kind."""
    files = edit(MINIMAL, "m1/check.yaml", "kind: knowledge_check", "kind: final_exam")
    problem = only(tmp_path, files)
    assert located(problem) == error("assessment.kind", at(files, "m1/check.yaml", "kind: ", "final_exam"), "/kind")
    assert problem.hint == "list it as final_exam in course.yaml, or make it a module_quiz"


def test_course_final_exam_of_another_kind(tmp_path: Path) -> None:
    """The course's final exam must be of kind final_exam."""
    files = edit(MINIMAL, "final-exam.yaml", "kind: final_exam", "kind: module_quiz")
    problem = only(tmp_path, files)
    assert located(problem) == error("assessment.kind", at(files, "final-exam.yaml", "kind: ", "module_quiz"), "/kind")
    assert problem.hint == "set kind: final_exam"


@pytest.mark.parametrize("alt", ["", "  "])
def test_markdown_image_without_alt_text(tmp_path: Path, alt: str) -> None:
    """A Markdown image with empty alt text is an error at the image that shows how to write one."""
    files = edit(MINIMAL, "m1/intro.md", "![A pathway of six steps]", f"![{alt}]")
    problem = only(tmp_path, files)
    assert located(problem) == error("a11y.missing-alt", at(files, "m1/intro.md", "", "![" + alt), "/blocks/0")
    assert problem.message == "the image '../media/pic.svg' has no alt text: write ![what it shows](../media/pic.svg)"


# -- all problems at once -----------------------------------------------------------------------

def test_every_problem_is_reported_sorted_by_file_and_line(tmp_path: Path) -> None:
    """Problems in several files are all reported in one pass, sorted by file, line and column."""
    files = edit(MINIMAL, "m2/module.yaml", "requires: [one]", "requires: [onne]")
    files = edit(files, "m1/check.yaml", "kind: knowledge_check", "kind: knowledge-check")
    files = edit(files, "glossary.yaml", "    term: CMA\n", "    term: CMA\n    trem: x\n")
    files = edit(files, "m2/lesson.md", "(glossary:cma)", "(glossary:cmaa)")
    assert [(p[2], p[1]) for p in found(tmp_path, files)] == [
        ("glossary.yaml", "schema.unknown-key"),
        ("m1/check.yaml", "schema.enum"),
    ]
    # With two files failing, references are not checked (they would be false alarms); fix them and the rest appear.
    files = edit(files, "m1/check.yaml", "kind: knowledge-check", "kind: knowledge_check")
    files = edit(files, "glossary.yaml", "    trem: x\n", "")
    assert [(p[2], p[1]) for p in found(tmp_path / "again", files)] == [
        ("m2/lesson.md", "ref.unknown-term"),
        ("m2/module.yaml", "ref.unknown-module"),
    ]


def test_problems_behind_a_broken_course_yaml_are_still_reported(tmp_path: Path) -> None:
    """A course.yaml and a module.yaml with problems still have the files they name read and checked in the same pass."""
    files = edit(MINIMAL, "course.yaml", "title: Mini course", "title: [Mini course]")
    files = edit(files, "m2/module.yaml", "kind: program", "kind: programme")
    files = edit(files, "m2/quiz.yaml", "answer: 2", "answer: two")
    files = edit(files, "glossary.yaml", "term: GED", "term: 5")
    assert found(tmp_path, files) == [
        error("schema.type", at(files, "course.yaml", "title: ", "[Mini course]"), "/title"),
        error("schema.type", at(files, "glossary.yaml", "term: ", "5"), "/terms/0/term"),
        error("schema.enum", at(files, "m2/module.yaml", "kind: ", "programme"), "/kind"),
        error("schema.type", at(files, "m2/quiz.yaml", "answer: ", "two"), "/questions/0/answer"),
    ]


def test_names_that_failed_their_schema_are_not_followed(tmp_path: Path) -> None:
    """A module folder or page path the schema refused is never opened, so nothing outside the course is read."""
    outside = tmp_path / "outside"
    (outside / "evil").mkdir(parents=True)
    (outside / "evil" / "module.yaml").write_text("not: [valid\n")
    files = edit(MINIMAL, "course.yaml", "  - m2\n", "  - m2\n  - ../outside/evil\n")
    files = edit(files, "m1/module.yaml", "  - intro.md\n", "  - intro.md\n  - /etc/hostname\n")
    problems = read(tmp_path, files).problems
    assert [(p.code, p.location.file, p.location.pointer) for p in problems] == [
        ("schema.pattern", "course.yaml", "/modules/2"),
        ("schema.pattern", "m1/module.yaml", "/pages/1"),
    ]


@pytest.mark.parametrize(("question", "message"), [
    ("""  - id: q-match
    type: matching
    prompt: Match them.
    pairs:
      - {prompt: CMA, match: AAMA}
      - {prompt: CMA, match: NHA}
""", "the prompt 'CMA' appears 2 times; learners could not tell them apart"),
    ("""  - id: q-match
    type: matching
    prompt: Match them.
    pairs:
      - {prompt: CMA, match: AAMA}
      - {prompt: CCMA, match: NHA}
    distractors: [AAMA]
""", "the answer 'AAMA' appears 2 times; learners could not tell them apart"),
    ("""  - id: q-order
    type: ordering
    prompt: Order them.
    items: [Diploma, Program, Diploma]
""", "the item 'Diploma' appears 2 times; learners could not tell them apart"),
])
def test_repeated_choices_in_matching_and_ordering(tmp_path: Path, question: str, message: str) -> None:
    """A matching or ordering question that repeats a prompt, answer or item is an error at that list."""
    files = edit(MINIMAL, "final-exam.yaml", "    answer: true\n", "    answer: true\n" + question)
    problem = only(tmp_path, files)
    list_key = "items" if "ordering" in question else "pairs"
    assert (problem.code, problem.location.file, problem.location.pointer, problem.message) == (
        "question.repeated", "final-exam.yaml", f"/questions/1/{list_key}", message)
    assert problem.location.line == position(files, "final-exam.yaml", "items:" if list_key == "items" else "- {prompt: CMA")[0]


def test_negative_tolerance_in_a_model_built_by_code(tmp_path: Path) -> None:
    """A model built through the API rather than from files is checked too: a negative tolerance is an error."""
    import attrs

    from cmacourse.questions import Numeric
    from cmacourse.validation import iter_problems

    course = read(tmp_path, MINIMAL).course
    assert course is not None
    module = course.modules[1]
    quiz = module.assessments[0]
    assert isinstance(quiz.questions[0], Numeric)
    numeric = attrs.evolve(quiz.questions[0], tolerance=-1)
    changed = attrs.evolve(course, modules=(course.modules[0], attrs.evolve(
        module, assessments=(attrs.evolve(quiz, questions=(numeric, *quiz.questions[1:])),))))
    assert [(p.code, p.location.pointer) for p in iter_problems(changed)] == [("question.tolerance", "/questions/0/tolerance")]


def test_names_too_long_for_the_file_system_are_located_problems(tmp_path: Path) -> None:
    """A page or image name longer than the file system allows is a problem at that name, not a crash."""
    long_page, long_image = "p" * 300 + ".md", "i" * 300 + ".png"
    files = edit(MINIMAL, "m1/module.yaml", "  - intro.md\n", f"  - intro.md\n  - {long_page}\n")
    files = edit(files, "m2/lesson.md", "checks every dose.\n", f"checks every dose. ![A scale]({long_image})\n")
    problems = read(tmp_path, files).problems
    assert [located(p) for p in problems] == [
        error("file.unreadable", at(files, "m1/module.yaml", "  - ", long_page), "/pages/1"),
        error("ref.missing-media", at(files, "m2/lesson.md", "dose. ", "![A scale]"), "/blocks/0"),
    ]
    assert problems[0].message == f"cannot read m1/{long_page}: File name too long"
