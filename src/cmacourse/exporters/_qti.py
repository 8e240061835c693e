"""QTI 1.2 builders (elements, response processing), shared with Canvas's QTI, and the Common Cartridge 1.1 profile's items."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal

from lxml import etree

from ..numbers import number_text
from ..questions import Assessment, Feedback, FillBlank, Matching, Numeric, Ordering, Question, SingleChoice, TrueFalse, scrambled
from ._lmstext import Conversion, QuestionTexts, points_text, question_name
from ._package import sub_element

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: QTI_NS, "xsi": XSI_NS}
#: Where IMS publishes the CC 1.1 profile of QTI 1.2.1, and the full QTI 1.2.1 that Canvas's files follow.
CC_QTI_LOCATION = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"
FULL_QTI_LOCATION = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"

#: ``cc_profile`` of each item type the CC 1.1 QTI profile defines.
MULTIPLE_CHOICE = "cc.multiple_choice.v0p1"
MULTIPLE_RESPONSE = "cc.multiple_response.v0p1"
TRUE_FALSE = "cc.true_false.v0p1"
FILL_IN_BLANK = "cc.fib.v0p1"
ESSAY = "cc.essay.v0p1"

#: The one response of a single-response item, as the CC implementation guide names it.
RESPONSE = "response1"


def q(tag: str) -> str:
    """A QTI element name in Clark notation."""
    return f"{{{QTI_NS}}}{tag}"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A QTI child element; an attribute written ``continue_`` loses its underscore (a Python keyword)."""
    return sub_element(parent, q(tag), text, **{k.rstrip("_"): v for k, v in attributes.items()})


def questestinterop(location: str) -> etree._Element:
    root = etree.Element(q("questestinterop"), nsmap=NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {location}")
    return root


def metadata_field(parent: etree._Element, label: str, entry: str) -> None:
    field = sub(parent, "qtimetadatafield")
    sub(field, "fieldlabel", label)
    sub(field, "fieldentry", entry)


def material(parent: etree._Element, text: str, texttype: str = "text/html") -> etree._Element:
    """``material/mattext``: HTML by default, as both Canvas and Moodle read it."""
    element = sub(parent, "material")
    sub(element, "mattext", text, texttype=texttype)
    return element


def item(parent: etree._Element, question: Question, fields: Sequence[tuple[str, str]]) -> etree._Element:
    element = sub(parent, "item", ident=question.id, title=question_name(question))
    meta = sub(sub(element, "itemmetadata"), "qtimetadata")
    for label, entry in fields:
        metadata_field(meta, label, entry)
    return element


def choices(presentation: etree._Element, labels: Sequence[tuple[str, str]], cardinality: str = "Single",
            ident: str = RESPONSE, *, shuffle: bool = False) -> etree._Element:
    """``response_lid`` with one ``response_label`` per (ident, HTML) choice, in the order given; with ``shuffle``,
    the LMS is asked to show them in an order of each learner's own (``render_choice shuffle="Yes"``)."""
    lid = sub(presentation, "response_lid", ident=ident, rcardinality=cardinality)
    render = sub(lid, "render_choice", shuffle="Yes" if shuffle else "No")
    for label, html in labels:
        material(sub(render, "response_label", ident=label), html)
    return lid


def typed_answer(presentation: etree._Element, fibtype: str = "String", rows: str | None = None) -> None:
    """``response_str`` with a ``render_fib`` box: an answer the learner types."""
    string = sub(presentation, "response_str", ident=RESPONSE, rcardinality="Single")
    render = sub(string, "render_fib", fibtype=fibtype, **({"rows": rows} if rows else {}))
    sub(render, "response_label", ident="answer1", rshuffle="No")


def resprocessing(element: etree._Element) -> etree._Element:
    processing = sub(element, "resprocessing")
    sub(sub(processing, "outcomes"), "decvar", varname="SCORE", vartype="Decimal", minvalue="0", maxvalue="100")
    return processing


def respcondition(processing: etree._Element, *, score: str | None = None, feedback: str | None = None,
                  continue_: bool = False) -> etree._Element:
    """A ``respcondition``; returns its ``conditionvar`` for the caller to fill (it stays before setvar)."""
    condition = sub(processing, "respcondition", continue_="Yes" if continue_ else "No")
    test = sub(condition, "conditionvar")
    if score is not None:
        sub(condition, "setvar", score, varname="SCORE", action="Set")
    if feedback is not None:
        sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=feedback)
    return test


def varequal(parent: etree._Element, value: str, *, respident: str = RESPONSE, case: bool = False) -> None:
    sub(parent, "varequal", value, respident=respident, **({"case": "Yes"} if case else {}))


def itemfeedback(element: etree._Element, ident: str, html: str) -> None:
    material(sub(sub(element, "itemfeedback", ident=ident), "flow_mat"), html)


def prompt_presentation(element: etree._Element, texts: QuestionTexts, question: Question) -> etree._Element:
    presentation = sub(element, "presentation")
    material(presentation, texts.prompt(question))
    return presentation


def arrangements(size: int, targets: int, wrong: int = 3) -> list[tuple[int, ...]]:
    """The right arrangement ``(0, 1, ... size-1)``, then up to ``wrong`` wrong ones, always the same.

    An arrangement gives, for each place (an ordering's position, a matching's prompt), the index of
    what goes there; indexes from ``size`` up stand for a matching's distractors.
    """
    right = tuple(range(size))
    # Near misses first (two neighbours swapped, a distractor in the last place), then bigger mix-ups.
    swaps = [_swap(right, 0, 1), _swap(right, size - 2, size - 1), right[::-1]] if size >= 2 else []
    extras = [right[:-1] + (extra,) for extra in range(size, targets)] if size >= 1 else []
    candidates = swaps[:1] + extras[:1] + swaps[1:] + [right[k:] + right[:k] for k in range(1, size)] + extras[1:]
    found = [right]
    found += [c for n, c in enumerate(candidates) if c != right and c not in candidates[:n]]
    return found[: wrong + 1]


def _swap(values: tuple[int, ...], i: int, j: int) -> tuple[int, ...]:
    out = list(values)
    out[i], out[j] = out[j], out[i]
    return tuple(out)


def ordering_arrangements(question: Ordering, texts: QuestionTexts) -> list[str]:
    """The HTML of the right order of an ordering's items, then of up to three wrong orders."""
    items = [texts.inline(text) for text in question.items]
    return ["<ol>" + "".join(f"<li>{items[i]}</li>" for i in layout) + "</ol>"
            for layout in arrangements(len(items), len(items))]


def matching_arrangements(question: Matching, texts: QuestionTexts) -> list[str]:
    """The HTML of the right set of a matching's matches, then of up to three wrong sets."""
    targets, answer_of = question.unique_targets()
    # Slots: each pair's own answer, then every target that is no pair's answer (the distractors).
    slots = answer_of + [t for t in range(len(targets)) if t not in answer_of]
    prompts = [texts.inline(p.prompt) for p in question.pairs]
    shown = [texts.inline(t) for t in targets]
    mapped = [tuple(slots[k] for k in layout) for layout in arrangements(len(prompts), len(slots))]
    mapped = [m for n, m in enumerate(mapped) if m not in mapped[:n]]
    return ["<ul>" + "".join(f"<li>{prompts[i]} → {shown[t]}</li>" for i, t in enumerate(m)) + "</ul>" for m in mapped]


def arrangement_options(question_id: str, htmls: Sequence[str]) -> list[tuple[str, str, bool]]:
    """(ident, HTML, right) of each choice of the multiple-choice equivalent of a matching or ordering.

    ``htmls`` holds the right arrangement first; the choices come in a fixed order shuffled the way the
    player shuffles, so that the right one is not always first.
    """
    order = scrambled(question_id, htmls)
    return [(f"c{n}", htmls[i], i == 0) for n, i in enumerate(order, start=1)]


# --- The Common Cartridge 1.1 profile -----------------------------------------------------------


def cc_assessment(assessment: Assessment, ident: str, texts: QuestionTexts) -> tuple[etree._Element, list[Conversion]]:
    """``assessment_qti.xml``: the assessment in the CC profile, one section, one item per question.

    Returns the document and the questions written as another type than their own.
    """
    root = questestinterop(CC_QTI_LOCATION)
    test = sub(root, "assessment", ident=ident, title=assessment.title)
    meta = sub(test, "qtimetadata")
    attempts = str(assessment.max_attempts) if assessment.max_attempts else "unlimited"
    for label, entry in (("cc_profile", "cc.exam.v0p1"), ("qmd_assessmenttype", "Examination"),
                         ("qmd_scoretype", "Percentage"), ("qmd_feedbackpermitted", "Yes"),
                         ("qmd_hintspermitted", "No"), ("qmd_solutionspermitted", "Yes"), ("cc_maxattempts", attempts)):
        metadata_field(meta, label, entry)
    if assessment.introduction:
        material(sub(sub(test, "presentation_material"), "flow_mat"), texts.block(assessment.introduction))
    section = sub(test, "section", ident="root_section", title=assessment.title)
    found = [cc_item(question, section, texts) for question in assessment.questions]
    # Moodle's importer reads ``cc_weighting`` as a whole number, dropping any fraction of a point.
    found += [Conversion(question.id, "fractional points → Moodle's Common Cartridge import keeps whole points only")
              for question in assessment.questions if not float(question.points).is_integer()]
    if assessment.shuffle:
        found.append(Conversion(assessment.id, "questions in a random order → the CC profile cannot ask for it: "
                                               "turn shuffling on in the LMS's quiz settings"))
    return root, [c for c in found if c is not None]


@functools.singledispatch
def cc_item(question: Question, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    """Write one question as a CC profile item; returns what it became when that is not its own type.

    One writer a question type (``cc_item.register``); a type with none is written as its ``fallback()``,
    else as an essay graded by hand.
    """
    fallback = question.fallback()
    if fallback is not None:
        cc_item(fallback, section, texts)
        return Conversion(question.id, f"{question.type_name} (a plugin type) → {fallback.type_name}")
    _cc_essay(section, question, texts, None)
    return Conversion(question.id, f"{question.type_name} (a plugin type) → essay graded by hand")


def _weight(question: Question) -> tuple[str, str]:
    return ("cc_weighting", points_text(question.points))


@cc_item.register
def _cc_choice(question: SingleChoice, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    multiple = question.multiple
    element = item(section, question, [("cc_profile", MULTIPLE_RESPONSE if multiple else MULTIPLE_CHOICE), _weight(question)])
    choices(prompt_presentation(element, texts, question), [(o.id, texts.inline(o.text)) for o in question.options],
            "Multiple" if multiple else "Single", shuffle=question.shuffle)
    options = [(o.id, o.correct, texts.block(o.feedback)) for o in question.options]
    (_cc_multiple_response if multiple else _cc_single_choice)(element, options)
    return None


@cc_item.register
def _cc_true_false(question: TrueFalse, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    element = item(section, question, [("cc_profile", TRUE_FALSE), _weight(question)])
    # Moodle's CC importer tells the two answers apart by these idents only.
    choices(prompt_presentation(element, texts, question), [("true", "True"), ("false", "False")])
    right, wrong = ("true", "false") if question.answer else ("false", "true")
    fb = question.feedback
    _cc_single_choice(element, [(right, True, texts.block(fb.correct) if fb else None),
                                (wrong, False, texts.block(fb.incorrect) if fb else None)])
    return None


@cc_item.register
def _cc_fill_in(question: FillBlank, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    _cc_fill_blank(section, question, texts, question.answers, question.case_sensitive, question.feedback)
    return None


@cc_item.register
def _cc_numeric(question: Numeric, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    accepted = accepted_numbers(question)
    if accepted is not None:
        _cc_fill_blank(section, question, texts, accepted, False, question.feedback)
        return Conversion(question.id, "numeric → fill in the blank that accepts every number within the "
                                       "tolerance, written plainly or with thousands separators")
    _cc_essay(section, question, texts, texts.answer_key(question))
    return Conversion(question.id, "numeric with a tolerance too wide to list → essay graded by hand, "
                                   "with the answer and tolerance as its feedback")


@cc_item.register
def _cc_matching(question: Matching, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    _cc_arrangement(question, section, texts, matching_arrangements(question, texts), shuffle=question.shuffle)
    return Conversion(question.id, "matching → multiple choice: pick the complete correct set of matches "
                                   "among it and up to three wrong ones")


@cc_item.register
def _cc_ordering(question: Ordering, section: etree._Element, texts: QuestionTexts) -> Conversion | None:
    _cc_arrangement(question, section, texts, ordering_arrangements(question, texts), shuffle=False)
    return Conversion(question.id, "ordering → multiple choice: pick the complete correct order "
                                   "among it and up to three wrong ones")


def _cc_arrangement(question: Matching | Ordering, section: etree._Element, texts: QuestionTexts, htmls: Sequence[str],
                    *, shuffle: bool) -> None:
    element = item(section, question, [("cc_profile", MULTIPLE_CHOICE), _weight(question)])
    options = arrangement_options(question.id, htmls)
    choices(prompt_presentation(element, texts, question), [(ident, html) for ident, html, _ in options], shuffle=shuffle)
    fb = question.feedback
    _cc_single_choice(element, [(ident, right, texts.block(fb.correct if right else fb.incorrect) if fb else None)
                                for ident, _, right in options])


def _cc_single_choice(element: etree._Element, options: Sequence[tuple[str, bool, str | None]]) -> None:
    # One condition per choice, the right one setting the score: Moodle's importer reads a choice's
    # score and feedback from the conditions whose first test is that choice.
    processing = resprocessing(element)
    for ident, correct, html in options:
        varequal(respcondition(processing, score="100" if correct else None, feedback=f"{ident}_fb" if html else None), ident)
    for ident, _, html in options:
        if html:
            itemfeedback(element, f"{ident}_fb", html)


def _cc_multiple_response(element: etree._Element, options: Sequence[tuple[str, bool, str | None]]) -> None:
    processing = resprocessing(element)
    # The whole pattern in one ``and`` (the profile has no ``or``); ``case="Yes"`` marks the right choices,
    # which is how Moodle's importer finds them. It continues so that per-choice feedback is shown too.
    pattern = sub(respcondition(processing, score="100", continue_=True), "and")
    for ident, correct, _ in options:
        varequal(pattern if correct else sub(pattern, "not"), ident, case=correct)
    # Per-choice feedback does not continue: Moodle would show a continuing condition's feedback to
    # every learner as general feedback, giving the other choices away.
    for ident, _, html in options:
        if html:
            varequal(respcondition(processing, feedback=f"{ident}_fb"), ident)
    for ident, _, html in options:
        if html:
            itemfeedback(element, f"{ident}_fb", html)


def _cc_fill_blank(section: etree._Element, question: Question, texts: QuestionTexts, answers: Sequence[str],
                   case: bool, fb: Feedback | None) -> None:
    element = item(section, question, [("cc_profile", FILL_IN_BLANK), _weight(question)])
    typed_answer(prompt_presentation(element, texts, question))
    processing = resprocessing(element)
    # Several tests directly under one conditionvar: any one matching sets the score.
    test = respcondition(processing, score="100", feedback="correct_fb" if fb else None)
    for answer in answers:
        varequal(test, answer, case=case)
    if fb:
        sub(respcondition(processing, feedback="general_incorrect_fb"), "other")
        itemfeedback(element, "correct_fb", texts.block(fb.correct))
        itemfeedback(element, "general_incorrect_fb", texts.block(fb.incorrect))


def _cc_essay(section: etree._Element, question: Question, texts: QuestionTexts, key: str | None) -> None:
    element = item(section, question, [("cc_profile", ESSAY), ("qmd_computerscored", "No"), _weight(question)])
    typed_answer(prompt_presentation(element, texts, question), rows="5")
    sub(respcondition(resprocessing(element), feedback="general_fb" if key else None), "other")
    if key:
        itemfeedback(element, "general_fb", key)


def accepted_numbers(question: Numeric, limit: int = 25) -> tuple[str, ...] | None:
    """Every text a fill-in-the-blank must accept to grade like the numeric question; None past ``limit`` numbers.

    The numbers run from ``answer - tolerance`` to ``answer + tolerance`` in steps of the finest decimal
    either is written with, the answer first.
    """
    answer, tolerance = Decimal(number_text(question.answer)), Decimal(number_text(question.tolerance))
    places = max(_places(answer), _places(tolerance))
    step = Decimal(1).scaleb(-places)
    if int(2 * tolerance / step) + 1 > limit:
        return None
    values = [answer] + [answer - tolerance + i * step for i in range(int(2 * tolerance / step) + 1)]
    found: dict[str, None] = {}
    for value in values:
        for text in (number_text(float(value)), f"{value:.{places}f}", f"{value:,.{places}f}"):
            found.setdefault(text, None)
    return tuple(found)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
