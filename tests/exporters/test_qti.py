"""QTI items, question by question: the Common Cartridge 1.1 profile (XSD-checked) and Canvas's flavour."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import ClassVar

import attrs
import pytest
from lxml import etree

from cmacourse.exporters._canvas import canvas_quiz
from cmacourse.exporters._lmstext import QuestionTexts, lms_html, question_name
from cmacourse.exporters._qti import QTI_NS, accepted_numbers, arrangements, cc_assessment
from cmacourse.numbers import number_text
from cmacourse.loading import load_course
from cmacourse.model import Course
from cmacourse.questions import Assessment, Numeric, Question
from xmlschemas import assert_valid, compile_schema

COURSES = Path(__file__).resolve().parents[1] / "courses"
NS = {"q": QTI_NS}
#: Namespace and XSD of each kind of file a cartridge holds, in the CC 1.1 schema set.
CC11 = {
    "manifest": {"http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1": "ccv1p1_imscp_v1p2_v1p0.xsd",
                 "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest": "ccv1p1_lommanifest_v1p0.xsd",
                 "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource": "ccv1p1_lomresource_v1p0.xsd"},
    "qti": {QTI_NS: "ccv1p1_qtiasiv1p2p1_v1p0.xsd"},
    "discussion": {"http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1": "ccv1p1_imsdt_v1p1.xsd"},
    "weblink": {"http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1": "ccv1p1_imswl_v1p1.xsd"},
}


@functools.lru_cache(maxsize=None)
def cc11_schema(spec_dir: Path, kind: str) -> etree.XMLSchema:
    """A wrapper schema importing the CC 1.1 XSDs of one kind of file, compiled offline once."""
    folder = spec_dir / "imscc11"
    return compile_schema({ns: folder / xsd for ns, xsd in CC11[kind].items()}, {"xml.xsd": folder / "xml.xsd"})


@pytest.fixture(scope="module")
def course() -> Course:
    """The edge-case course with every question type."""
    return load_course(COURSES / "imscc-alltypes")


@pytest.fixture(scope="module")
def check(course: Course) -> Assessment:
    """Its knowledge check, which holds one question of each type."""
    return course.modules[0].assessments[0]


@pytest.fixture(scope="module")
def cc_items(course: Course, check: Assessment) -> dict[str, etree._Element]:
    """The CC profile items of the knowledge check, read back from their bytes."""
    root, _ = cc_assessment(check, "quiz_check-one", QuestionTexts(course, check, "base/"))
    return _items(etree.tostring(root))


@pytest.fixture(scope="module")
def canvas_items(course: Course, check: Assessment) -> dict[str, etree._Element]:
    """The Canvas-flavoured items of the knowledge check, read back from their bytes."""
    root, _ = canvas_quiz(check, "quiz_check-one", QuestionTexts(course, check, "base/"))
    return _items(etree.tostring(root))


def _items(data: bytes) -> dict[str, etree._Element]:
    return {i.get("ident"): i for i in etree.fromstring(data).iterfind(".//q:item", NS)}


def _field(item: etree._Element, label: str) -> str:
    return item.findtext(f".//q:qtimetadatafield[q:fieldlabel='{label}']/q:fieldentry", namespaces=NS)


def _feedback(item: etree._Element, ident: str) -> str:
    return item.findtext(f"q:itemfeedback[@ident='{ident}']/q:flow_mat/q:material/q:mattext", namespaces=NS)


def _scored(item: etree._Element) -> list[etree._Element]:
    """The conditions that set the score to 100."""
    return item.xpath(".//q:respcondition[q:setvar='100']", namespaces=NS)


def _labels(item: etree._Element) -> dict[str, str]:
    return {label.get("ident"): label.findtext("q:material/q:mattext", namespaces=NS)
            for label in item.iterfind(".//q:response_label", NS)}


def test_cc_assessment_is_valid_against_the_cc11_qti_schema(spec_dir: Path, course: Course) -> None:
    """Every assessment of the course, every item type included, validates against ccv1p1_qtiasiv1p2p1_v1p0.xsd."""
    schema = cc11_schema(spec_dir, "qti")
    for assessment in course.assessments:
        root, _ = cc_assessment(assessment, f"quiz_{assessment.id}", QuestionTexts(course, assessment, "base/"))
        assert_valid(schema, etree.tostring(root))


def test_cc_single_choice_scores_the_right_option_and_keeps_each_feedback(cc_items: dict[str, etree._Element]) -> None:
    """A single choice is cc.multiple_choice with its points, the right option scored, and every option's feedback."""
    item = cc_items["q-single"]
    assert _field(item, "cc_profile") == "cc.multiple_choice.v0p1"
    assert _field(item, "cc_weighting") == "2"
    assert item.find(".//q:response_lid", NS).get("rcardinality") == "Single"
    assert [c.findtext(".//q:varequal", namespaces=NS) for c in _scored(item)] == ["a"]
    assert "Right, a diploma." in _feedback(item, "a_fb")
    assert "Not yet, the exam is step four." in _feedback(item, "b_fb")
    condition = item.xpath(".//q:respcondition[q:conditionvar/q:varequal='b']", namespaces=NS)[0]
    assert condition.find("q:displayfeedback", NS).get("linkrefid") == "b_fb"


def test_cc_multiple_response_requires_exactly_the_right_options(cc_items: dict[str, etree._Element]) -> None:
    """A multiple response ands the right options (case="Yes", as Moodle reads them) and nots the wrong ones."""
    item = cc_items["q-multi"]
    assert _field(item, "cc_profile") == "cc.multiple_response.v0p1"
    (scored,) = _scored(item)
    pattern = scored.find("q:conditionvar/q:and", NS)
    assert [v.text for v in pattern.iterfind("q:varequal", NS)] == ["a", "b"]
    assert all(v.get("case") == "Yes" for v in pattern.iterfind("q:varequal", NS))
    assert [v.text for v in pattern.iterfind("q:not/q:varequal", NS)] == ["c", "d", "e"]
    for ident, text in {"a": "Yes, vital signs.", "c": "No, never diagnosing.", "e": "No, never interpreting."}.items():
        assert text in _feedback(item, f"{ident}_fb")
    # Per-option feedback must not continue, or Moodle would show it to everyone as general feedback.
    feedback_conditions = item.xpath(".//q:respcondition[q:displayfeedback]", namespaces=NS)
    assert len(feedback_conditions) == 5 and all(c.get("continue") == "No" for c in feedback_conditions)


def test_cc_true_false_uses_the_true_and_false_idents(cc_items: dict[str, etree._Element]) -> None:
    """A true/false item answers "false" here, with the right and wrong feedback on the right labels."""
    item = cc_items["q-true"]
    assert _field(item, "cc_profile") == "cc.true_false.v0p1"
    assert _labels(item) == {"true": "True", "false": "False"}
    assert [c.findtext(".//q:varequal", namespaces=NS) for c in _scored(item)] == ["false"]
    assert "Right, CMAs are not nurses." in _feedback(item, "false_fb")
    assert "No, CMAs are not nurses." in _feedback(item, "true_fb")


def test_cc_fill_blank_accepts_every_answer_with_its_case_rule(cc_items: dict[str, etree._Element]) -> None:
    """A fill in the blank accepts each listed answer, case-sensitively here, with both feedbacks."""
    item = cc_items["q-blank"]
    assert _field(item, "cc_profile") == "cc.fib.v0p1"
    assert item.find(".//q:response_str/q:render_fib", NS) is not None
    (scored,) = _scored(item)
    tests = scored.findall("q:conditionvar/q:varequal", NS)
    assert [(v.text, v.get("case")) for v in tests] == [("GED", "Yes"), ("G.E.D.", "Yes")]
    assert "Yes, the GED." in _feedback(item, "correct_fb")
    assert "The answer is GED." in _feedback(item, "general_incorrect_fb")


def test_cc_numeric_becomes_a_fill_blank_listing_every_number_in_range(cc_items: dict[str, etree._Element]) -> None:
    """2.5 ± 0.1 is accepted as 2.4, 2.5 and 2.6 (and 2.50...), never 2.7."""
    item = cc_items["q-number"]
    assert _field(item, "cc_profile") == "cc.fib.v0p1"
    accepted = {v.text for v in _scored(item)[0].iterfind("q:conditionvar/q:varequal", NS)}
    assert {"2.4", "2.5", "2.6"} <= accepted
    assert "2.7" not in accepted and "2.3" not in accepted
    assert "250 divided by 100 is 2.5." in _feedback(item, "general_incorrect_fb")


def test_cc_numeric_with_a_wide_tolerance_becomes_a_hand_graded_essay(cc_items: dict[str, etree._Element]) -> None:
    """1500 ± 500 is too many numbers to list: an essay whose feedback tells the grader the answer."""
    item = cc_items["q-wide"]
    assert _field(item, "cc_profile") == "cc.essay.v0p1"
    assert _field(item, "qmd_computerscored") == "No"
    assert "Correct answer: 1500, give or take 500." in _feedback(item, "general_fb")


def test_cc_matching_becomes_a_choice_of_complete_sets_of_matches(cc_items: dict[str, etree._Element]) -> None:
    """The right option lists every right pair; the others are distinct wrong sets; feedback follows."""
    item = cc_items["q-match"]
    assert _field(item, "cc_profile") == "cc.multiple_choice.v0p1"
    labels = _labels(item)
    (right,) = [c.findtext(".//q:varequal", namespaces=NS) for c in _scored(item)]
    assert labels[right] == "<ul><li>CMA → AAMA</li><li>CCMA → NHA</li><li>RMA → AMT</li></ul>"
    assert 2 <= len(labels) <= 4 and len(set(labels.values())) == len(labels)
    assert any("BLS" in html for html in labels.values())  # the distractor appears in a wrong set
    assert "All matched." in _feedback(item, f"{right}_fb")
    wrong = next(ident for ident in labels if ident != right)
    assert "CMA: AAMA; CCMA: NHA; RMA: AMT." in _feedback(item, f"{wrong}_fb")


def test_cc_ordering_becomes_a_choice_of_complete_orders(cc_items: dict[str, etree._Element]) -> None:
    """The right option is the items in the written order."""
    item = cc_items["q-order"]
    labels = _labels(item)
    (right,) = [c.findtext(".//q:varequal", namespaces=NS) for c in _scored(item)]
    assert labels[right] == "<ol><li>Diploma</li><li>Program</li><li>Externship</li><li>Exam</li></ol>"
    assert len(labels) == 4


def test_canvas_types_and_points(canvas_items: dict[str, etree._Element]) -> None:
    """Each question carries Canvas's question_type and its points."""
    types = {ident: _field(item, "question_type") for ident, item in canvas_items.items()}
    assert types == {"q-single": "multiple_choice_question", "q-multi": "multiple_answers_question",
                     "q-true": "true_false_question", "q-blank": "short_answer_question",
                     "q-number": "numerical_question", "q-wide": "numerical_question",
                     "q-match": "matching_question", "q-order": "matching_question"}
    assert _field(canvas_items["q-single"], "points_possible") == "2"


def test_canvas_choices_score_the_right_answers(canvas_items: dict[str, etree._Element]) -> None:
    """Canvas's single, multiple and true/false items test the right answers and keep each feedback."""
    single, multi, truth = canvas_items["q-single"], canvas_items["q-multi"], canvas_items["q-true"]
    assert [c.findtext(".//q:varequal", namespaces=NS) for c in _scored(single)] == ["a"]
    assert "Right, a diploma." in _feedback(single, "a_fb")
    pattern = _scored(multi)[0].find("q:conditionvar/q:and", NS)
    assert [v.text for v in pattern.iterfind("q:varequal", NS)] == ["a", "b"]
    assert [v.text for v in pattern.iterfind("q:not/q:varequal", NS)] == ["c", "d", "e"]
    assert [c.findtext(".//q:varequal", namespaces=NS) for c in _scored(truth)] == ["false"]
    assert "Right, CMAs are not nurses." in _feedback(truth, "correct_fb")


def test_canvas_numeric_keeps_the_tolerance(canvas_items: dict[str, etree._Element]) -> None:
    """2.5 ± 0.1 is "equal to 2.5, or between 2.4 and 2.6", as Canvas writes a margin."""
    item = canvas_items["q-number"]
    either = _scored(item)[0].find("q:conditionvar/q:or", NS)
    assert either.findtext("q:varequal", namespaces=NS) == "2.5"
    assert either.findtext("q:and/q:vargte", namespaces=NS) == "2.4"
    assert either.findtext("q:and/q:varlte", namespaces=NS) == "2.6"
    assert item.find(".//q:render_fib", NS).get("fibtype") == "Decimal"


def test_canvas_matching_maps_each_prompt_to_its_match(canvas_items: dict[str, etree._Element]) -> None:
    """Each prompt is a response_lid whose scored label is the text of its match; the distractor is offered."""
    item = canvas_items["q-match"]
    answers = _canvas_pairs(item)
    assert answers == {"CMA": "AAMA", "CCMA": "NHA", "RMA": "AMT"}
    offered = {l.findtext(".//q:mattext", namespaces=NS) for l in item.find(".//q:response_lid", NS).iterfind(".//q:response_label", NS)}
    assert offered == {"AAMA", "NHA", "AMT", "BLS"}
    assert "All matched." in _feedback(item, "correct_fb")


def test_canvas_ordering_is_a_matching_of_positions(canvas_items: dict[str, etree._Element]) -> None:
    """Ordering has no Canvas type: Position n is matched with the n-th item."""
    assert _canvas_pairs(canvas_items["q-order"]) == {
        "Position 1": "Diploma", "Position 2": "Program", "Position 3": "Externship", "Position 4": "Exam"}


def _canvas_pairs(item: etree._Element) -> dict[str, str]:
    pairs = {}
    for lid in item.iterfind(".//q:presentation/q:response_lid", NS):
        label_text = {l.get("ident"): l.findtext(".//q:mattext", namespaces=NS) for l in lid.iterfind(".//q:response_label", NS)}
        right = item.xpath(f".//q:varequal[@respident='{lid.get('ident')}']", namespaces=NS)[0].text
        pairs[lid.findtext("q:material/q:mattext", namespaces=NS)] = label_text[right]
    return pairs


def test_conversions_are_reported_never_silent(course: Course, check: Assessment) -> None:
    """Every question not written as its own type is named with what it became, for each flavour."""
    texts = QuestionTexts(course, check, "base/")
    _, cc = cc_assessment(check, "quiz_check-one", texts)
    _, canvas = canvas_quiz(check, "quiz_check-one", texts)
    assert {c.question_id for c in cc} == {"q-number", "q-wide", "q-match", "q-order"}
    # check-one: Canvas shuffles a quiz's answers all or none, and q-multi keeps its written order.
    assert {c.question_id for c in canvas} == {"check-one", "q-blank", "q-order"}
    assert any("essay" in c.change for c in cc if c.question_id == "q-wide")
    exam = course.final_exam
    assert exam is not None
    _, exam_notes = cc_assessment(exam, "quiz_final", QuestionTexts(course, exam, "base/"))
    assert [c.question_id for c in exam_notes] == ["fx-order", "final"]  # its ordering question, and its shuffle
    half = attrs.evolve(check, questions=(attrs.evolve(check.questions[0], points=1.5),))
    _, half_notes = cc_assessment(half, "quiz_half", texts)
    assert [c.change for c in half_notes] == ["fractional points → Moodle's Common Cartridge import keeps whole points only"]


@attrs.frozen(kw_only=True)
class Rating(Question):
    """A question type a plugin might add, which no LMS format knows."""

    type_name: ClassVar[str] = "rating"
    schema: ClassVar[str] = "assessment#/$defs/rating"


def test_plugin_question_types_become_reported_essays(course: Course) -> None:
    """A question type of no known kind is an essay in both flavours, and reported as such."""
    assessment = Assessment(id="plugin", title="Plugin", kind="knowledge_check", questions=(Rating(id="q-rate", prompt="Rate it."),))
    texts = QuestionTexts(course, assessment, "base/")
    cc_root, cc = cc_assessment(assessment, "quiz_plugin", texts)
    canvas_root, canvas = canvas_quiz(assessment, "quiz_plugin", texts)
    assert _field(_items(etree.tostring(cc_root))["q-rate"], "cc_profile") == "cc.essay.v0p1"
    assert _field(_items(etree.tostring(canvas_root))["q-rate"], "question_type") == "essay_question"
    assert [c.question_id for c in cc] == [c.question_id for c in canvas] == ["q-rate"]


def test_shuffled_assessment_is_one_canvas_group_when_points_agree(course: Course) -> None:
    """The final exam (all 1 point, shuffled) is one group picking every question; mixed points are reported."""
    exam = course.final_exam
    assert exam is not None
    root, conversions = canvas_quiz(exam, "quiz_final", QuestionTexts(course, exam, "base/"))
    group = root.find(".//q:section/q:section", NS)
    assert group.findtext(".//q:selection_number", namespaces=NS) == "2"
    assert group.findtext(".//q:points_per_item", namespaces=NS) == "1"
    assert len(group.findall("q:item", NS)) == 2
    assert [c.question_id for c in conversions] == ["fx-order"]  # the ordering question, not the shuffle
    quiz = course.modules[1].assessments[0]
    root, conversions = canvas_quiz(quiz, "quiz_two", QuestionTexts(course, quiz, "base/"))
    assert root.find(".//q:section/q:section", NS) is None
    assert [c.question_id for c in conversions] == ["quiz-two"]


def test_images_in_questions_point_at_the_media_root(course: Course, check: Assessment, cc_items: dict[str, etree._Element]) -> None:
    """An image in a prompt is written under the given root and collected for packaging."""
    texts = QuestionTexts(course, check, "$IMS-CC-FILEBASE$/../web_resources/")
    assert 'src="$IMS-CC-FILEBASE$/../web_resources/assets/media/pic.svg"' in texts.prompt(check.questions[0])
    assert texts.media == {"media/pic.svg"}


def test_glossary_links_in_quizzes_keep_their_definition_but_not_the_link(course: Course, check: Assessment) -> None:
    """A glossary link becomes a span titled with the definition; screen-reader text gets Canvas's class too."""
    prompt = QuestionTexts(course, check, "").prompt(check.questions[2])
    assert '<span class="gloss" title="CMA: A Certified Medical Assistant.">CMA</span>' in prompt
    assert "href" not in prompt
    assert lms_html('<p>a<span class="sr-only">b</span></p>') == '<p>a<span class="sr-only screenreader-only">b</span></p>'
    assert lms_html("<p>plain</p>") == "<p>plain</p>"


@pytest.mark.parametrize(("answer", "tolerance", "expected"), [
    (114600, 0, ("114600", "114,600")),
    (2, 1, ("2", "1", "3")),
    (0.5, 0, ("0.5",)),
])
def test_accepted_numbers(answer: float, tolerance: float, expected: tuple[str, ...]) -> None:
    """The accepted texts of a numeric answer: the answer first, thousands separators, every step in range."""
    question = Numeric(id="n", prompt="?", answer=answer, tolerance=tolerance)
    assert accepted_numbers(question) == expected


def test_accepted_numbers_gives_up_past_the_limit() -> None:
    """More than 25 numbers in range is no fair fill in the blank."""
    assert accepted_numbers(Numeric(id="n", prompt="?", answer=100, tolerance=13)) is None
    assert accepted_numbers(Numeric(id="n", prompt="?", answer=100, tolerance=12)) is not None


def test_arrangements_start_right_and_never_repeat() -> None:
    """The right arrangement comes first, then up to three distinct wrong ones; distractors take a place."""
    assert arrangements(1, 1) == [(0,)]
    assert arrangements(2, 2) == [(0, 1), (1, 0)]
    four = arrangements(4, 4)
    assert four[0] == (0, 1, 2, 3) and len(four) == 4 and len(set(four)) == 4
    assert (0, 5) in arrangements(2, 6, wrong=10)


def test_number_text_and_question_name() -> None:
    """Numbers read as typed; long prompts are cut at a word for question-bank names."""
    assert [number_text(v) for v in (2.0, 2.5, 114600, 1e-7)] == ["2", "2.5", "114600", "0.0000001"]
    question = Numeric(id="n", prompt="**Bold** words " + "and more words " * 10, answer=1)
    name = question_name(question)
    assert name.startswith("Bold words and more") and name.endswith("…") and len(name) <= 80


def test_choices_ask_the_lms_to_shuffle_unless_the_question_keeps_its_order(course: Course, check: Assessment) -> None:
    """render_choice shuffle="Yes" on choice items whose answers are shuffled; "No" for shuffle: false and true/false."""
    texts = QuestionTexts(course, check, "base/")
    for root in (cc_assessment(check, "quiz_check-one", texts)[0], canvas_quiz(check, "quiz_check-one", texts)[0]):
        shuffle = {i.get("ident"): i.find(".//q:render_choice", NS).get("shuffle")
                   for i in root.iterfind(".//q:item", NS) if i.find(".//q:render_choice", NS) is not None}
        assert shuffle["q-single"] == "Yes" and shuffle["q-multi"] == "No" and shuffle["q-true"] == "No"
        if root.find(".//q:item[@ident='q-order']//q:response_lid[@rcardinality]", NS) is not None:
            assert shuffle["q-order"] == "No" and shuffle["q-match"] == "Yes"  # the CC profile's multiple-choice stand-ins


def test_canvas_shuffles_a_quiz_only_when_every_question_may(course: Course) -> None:
    """Canvas's quiz-wide shuffle_answers is on for a quiz of shuffled questions, off when one keeps its order."""
    from cmacourse.exporters._canvas import shuffle_answers

    check, quiz_two = course.modules[0].assessments[0], course.modules[1].assessments[0]
    assert not shuffle_answers(check) and shuffle_answers(quiz_two)
    assert not shuffle_answers(attrs.evolve(quiz_two, questions=tuple(q for q in quiz_two.questions if q.shuffled is None)))
