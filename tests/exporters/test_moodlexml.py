"""The Moodle XML question bank: categories per module and each question type as Moodle imports it."""

from __future__ import annotations

import base64
from pathlib import Path

import attrs
import pytest
from lxml import etree

from cmacourse.cli import main
from cmacourse.errors import UsageError
from cmacourse.exporters import export
from cmacourse.exporters._package import PackageWriter
from cmacourse.exporters.moodlexml import MoodleXmlExporter, category_name, moodle_fraction
from cmacourse.loading import load_course
from cmacourse.model import Course
from cmacourse.questions import Assessment, MultipleResponse, Option
from test_qti import COURSES, Rating


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> etree._Element:
    """The edge-case course's question bank, written to disk and parsed back."""
    path = export(load_course(COURSES / "imscc-alltypes"), "moodlexml", tmp_path_factory.mktemp("moodle"))
    assert path.name == "imscc-alltypes-moodlexml.xml"
    return etree.fromstring(path.read_bytes())


def question(bank: etree._Element, identifier: str) -> etree._Element:
    """The question whose idnumber is a question id of the course."""
    (found,) = bank.xpath(f"question[idnumber='{identifier}']")
    return found


def answers(node: etree._Element) -> list[tuple[str, str, str]]:
    """(fraction, text, feedback) of each answer."""
    return [(a.get("fraction"), a.findtext("text"), a.findtext("feedback/text")) for a in node.iterfind("answer")]


def test_categories_follow_the_course_and_its_modules(bank: etree._Element) -> None:
    """The course, then each module and the final exam, as $course$/<course title>/<module title>; slashes doubled."""
    paths = [q.findtext("category/text") for q in bank.iterfind("question[@type='category']")]
    top = "$course$/Every question type // every part"
    assert paths == [top, f"{top}/Step one: diplomas & GEDs", f"{top}/Step two", f"{top}/Final exam"]
    categories = [q.get("type") == "category" for q in bank]
    # Each category comes before the questions it holds: 1 course, module one with 8, module two with 2, exam with 2.
    assert [n for n, c in enumerate(categories) if c] == [0, 1, 10, 13]


def test_multichoice_single(bank: etree._Element) -> None:
    """A single choice is multichoice, single, 100% for the right option, each option's feedback kept."""
    node = question(bank, "q-single")
    assert node.get("type") == "multichoice" and node.findtext("single") == "true"
    assert node.findtext("defaultgrade") == "2"
    assert [(f, t) for f, t, _ in answers(node)] == [("100", "A diploma"), ("0", "The exam")]
    assert "Not yet, the exam is step four." in answers(node)[1][2]
    assert '<img src="@@PLUGINFILE@@/assets/media/pic.svg" alt="A pathway">' in node.findtext("questiontext/text")


def test_images_are_embedded_in_the_file(bank: etree._Element) -> None:
    """The image a prompt shows travels inside the question text, where @@PLUGINFILE@@ finds it."""
    (file,) = question(bank, "q-single").findall("questiontext/file")
    assert (file.get("name"), file.get("path"), file.get("encoding")) == ("pic.svg", "/assets/media/", "base64")
    assert base64.b64decode(file.text) == (COURSES / "imscc-alltypes/media/pic.svg").read_bytes()


def test_multiple_response_fractions(bank: etree._Element) -> None:
    """Right options share 100%; wrong ones take back -100% between them; feedback per option."""
    node = question(bank, "q-multi")
    assert node.findtext("single") == "false"
    fractions = [float(f) for f, _, _ in answers(node)]
    assert fractions == [50, 50, -33.33333, -33.33333, -33.33333]
    assert sum(f for f in fractions if f > 0) == 100
    assert sum(f for f in fractions if f < 0) == pytest.approx(-100, abs=1e-4)
    assert "No, never diagnosing." in answers(node)[2][2]


def test_truefalse(bank: etree._Element) -> None:
    """True/false answers are "true" and "false"; the right one scores and carries the right feedback."""
    node = question(bank, "q-true")
    assert node.get("type") == "truefalse"
    (true, false) = answers(node)
    assert true[:2] == ("0", "true") and "No, CMAs are not nurses." in true[2]
    assert false[:2] == ("100", "false") and "Right, CMAs are not nurses." in false[2]
    assert '<span class="gloss" title="CMA: A Certified Medical Assistant.">CMA</span>' in node.findtext("questiontext/text")


def test_shortanswer_for_fill_blank(bank: etree._Element) -> None:
    """Every accepted answer is 100%, case kept as the author asked; anything else gets the explanation."""
    node = question(bank, "q-blank")
    assert node.get("type") == "shortanswer" and node.findtext("usecase") == "1"
    assert [(f, t) for f, t, _ in answers(node)] == [("100", "GED"), ("100", "G.E.D."), ("0", "*")]
    assert "The answer is GED." in answers(node)[2][2]


def test_numerical_keeps_tolerance_and_unit(bank: etree._Element) -> None:
    """A numeric question is numerical with its tolerance; the unit is optional to type."""
    node = question(bank, "q-number")
    assert node.get("type") == "numerical"
    right = node.find("answer[@fraction='100']")
    assert (right.findtext("text"), right.findtext("tolerance")) == ("2.5", "0.1")
    assert "Yes, 2.5 mL." in right.findtext("feedback/text")
    assert node.findtext("units/unit/unit_name") == "mL" and node.findtext("units/unit/multiplier") == "1"
    assert node.findtext("unitgradingtype") == "0"
    wide = question(bank, "q-wide").find("answer")
    assert (wide.findtext("text"), wide.findtext("tolerance")) == ("1500", "500")


def test_matching_subquestions(bank: etree._Element) -> None:
    """Each pair is a subquestion with its answer; the distractor is an answer with no subquestion text."""
    node = question(bank, "q-match")
    assert node.get("type") == "matching"
    pairs = [(s.findtext("text"), s.findtext("answer/text")) for s in node.iterfind("subquestion")]
    assert pairs == [("CMA", "AAMA"), ("CCMA", "NHA"), ("RMA", "AMT"), ("", "BLS")]
    assert "All matched." in node.findtext("correctfeedback/text")
    assert "CMA: AAMA; CCMA: NHA; RMA: AMT." in node.findtext("incorrectfeedback/text")


def test_ordering_is_moodles_ordering_type(bank: etree._Element) -> None:
    """Ordering uses Moodle's ordering type, items in the right order, all or nothing like the player."""
    node = question(bank, "q-order")
    assert node.get("type") == "ordering"
    assert [t for _, t, _ in answers(node)] == ["Diploma", "Program", "Externship", "Exam"]
    assert [f for f, _, _ in answers(node)] == ["1", "2", "3", "4"]
    assert (node.findtext("selecttype"), node.findtext("gradingtype")) == ("ALL", "ALL_OR_NOTHING")
    assert "That is the order." in node.findtext("correctfeedback/text")


def test_flagship_has_every_question_once_in_its_module(flagship_dir: Path, tmp_path: Path) -> None:
    """All 79 questions of the flagship course, each under its module's (or the exam's) category."""
    course = load_course(flagship_dir)
    bank = etree.fromstring(export(course, "moodlexml", tmp_path).read_bytes())
    where: dict[str, str] = {}
    current = ""
    for node in bank:
        if node.get("type") == "category":
            current = node.findtext("category/text").rsplit("/", 1)[-1]
        else:
            where[node.findtext("idnumber")] = current
    expected = {q.id: m.title for m in course.modules for a in m.assessments for q in a.questions}
    expected |= {q.id: course.final_exam.title for q in course.final_exam.questions}
    assert len(where) == 79 and where == expected
    types = {node.get("type") for node in bank if node.get("type") != "category"}
    assert types == {"multichoice", "truefalse", "matching", "ordering", "numerical", "shortanswer"}


def test_rebuilds_are_byte_identical(flagship_dir: Path, tmp_path: Path) -> None:
    """The same course gives the same bytes."""
    first = export(load_course(flagship_dir), "moodlexml", tmp_path / "one").read_bytes()
    assert export(load_course(flagship_dir), "moodlexml", tmp_path / "two").read_bytes() == first


def test_grades_moodle_cannot_take_are_reported(course_with_eleven: Course) -> None:
    """Eleven right options need 9.09%, which Moodle does not accept: the nearest grade is used and reported."""
    exporter = MoodleXmlExporter()
    writer = PackageWriter()
    exporter.export(course_with_eleven, writer)
    bank = etree.fromstring(writer.read("questions.xml"))
    fractions = [a.get("fraction") for a in bank.iterfind("question/answer")]
    assert fractions[:11] == ["10"] * 11 and fractions[11] == "-100"
    assert exporter.notes == ["multiple response: 9.09091% is not a grade Moodle accepts, written as 10%: many"]


@pytest.fixture()
def course_with_eleven() -> Course:
    """A course whose only question has eleven right options and a wrong one."""
    options = tuple(Option(id=f"o{n}", text=f"Option {n}", feedback="Yes.", correct=n < 11) for n in range(12))
    quiz = Assessment(id="quiz", title="Quiz", kind="knowledge_check",
                      questions=(MultipleResponse(id="many", prompt="Pick them.", options=options),))
    base = load_course(COURSES / "imscc-minimal")
    module = base.modules[0]
    return attrs.evolve(base, modules=(attrs.evolve(module, assessments=(quiz,)),))


def test_plugin_types_become_reported_essays(tmp_path: Path) -> None:
    """A question type Moodle XML cannot express is an essay, and the build says so."""
    base = load_course(COURSES / "imscc-minimal")
    quiz = Assessment(id="quiz", title="Quiz", kind="knowledge_check", questions=(Rating(id="q-rate", prompt="Rate it."),))
    course = attrs.evolve(base, modules=(attrs.evolve(base.modules[0], assessments=(quiz,)),))
    exporter = MoodleXmlExporter()
    writer = PackageWriter()
    exporter.export(course, writer)
    node = question(etree.fromstring(writer.read("questions.xml")), "q-rate")
    assert node.get("type") == "essay" and node.findtext("responseformat") == "editor"
    assert exporter.notes == ["rating (a plugin type) → essay graded by hand: q-rate"]


def test_helpers() -> None:
    """Category levels double their slashes; fractions snap to Moodle's list and say whether they had to."""
    assert category_name("A/B  C") == "A//B C"
    assert moodle_fraction(100 / 3) == ("33.33333", True)
    assert moodle_fraction(-25) == ("-25", True)
    assert moodle_fraction(100 / 11) == ("10", False)


def test_options_are_refused_and_the_command_writes_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The format takes no options; `cmacourse build --format moodlexml` writes <course-id>-moodlexml.xml."""
    with pytest.raises(UsageError):
        export(load_course(COURSES / "imscc-minimal"), "moodlexml", tmp_path, sco="module")
    assert main(["build", str(COURSES / "imscc-minimal"), "--format", "moodlexml", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "imscc-minimal-moodlexml.xml")
    bank = etree.fromstring((tmp_path / "imscc-minimal-moodlexml.xml").read_bytes())
    assert [q.get("type") for q in bank] == ["category"]  # a course with no questions: its category only
    assert sorted(p.name for p in tmp_path.iterdir()) == ["imscc-minimal-moodlexml.xml"]


def test_answers_shuffle_unless_the_question_keeps_its_order(bank: etree._Element) -> None:
    """shuffleanswers is true for choice and matching questions, false where the author wrote shuffle: false."""
    assert question(bank, "q-single").findtext("shuffleanswers") == "true"
    assert question(bank, "q-multi").findtext("shuffleanswers") == "false"
    assert question(bank, "q-match").findtext("shuffleanswers") == "true"
