"""The compact state string: exact round trips, stable fingerprints and a known worst-case size."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmacourse.loading import load_course
from cmacourse.model import Course
from cmacourse.player import worst_case_state_size
from cmacourse.player.layout import launch_layouts
from cmacourse.questions import AnswerSlot
from cmacourse.player.state import (
    ATTEMPT_CAP,
    SEED_LIMIT,
    AssessmentState,
    Snapshot,
    StateError,
    StateLayout,
    decode_state,
    encode_state,
    worst_case_length,
    worst_case_snapshot,
)

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "courses" / "player-mini"


@pytest.fixture(scope="module")
def flagship() -> Course:
    return load_course(ROOT / "course_content")


@pytest.fixture(scope="module")
def mini() -> Course:
    return load_course(MINI)


def responses(slot: AnswerSlot) -> st.SearchStrategy:
    """Any response a learner can give to a question of this slot, or none."""
    kind = slot.codec
    if kind == "index":
        answer = st.integers(0, slot.size - 1)
    elif kind == "bits":
        answer = st.sets(st.integers(0, slot.size - 1), min_size=1).map(lambda s: tuple(sorted(s)))
    elif kind == "boolean":
        answer = st.booleans()
    elif kind == "indexes" and slot.places < slot.size:
        answer = st.lists(st.integers(0, slot.size - 1), min_size=slot.places, max_size=slot.places).map(tuple)
    elif kind == "indexes":
        answer = st.permutations(range(slot.size)).map(tuple)
    elif kind == "text":
        answer = st.text(min_size=1, max_size=slot.max_length).filter(lambda t: t.strip() == t and t)
    else:
        answer = st.floats(allow_nan=False, allow_infinity=False).map(lambda f: repr(f).replace("inf", "1"))
    return st.none() | answer


def snapshots(layout: StateLayout) -> st.SearchStrategy[Snapshot]:
    """Any snapshot the player can hold for a layout."""
    def assessment(slot):  # type: ignore[no-untyped-def]
        answered = st.tuples(*(responses(q) for q in slot.questions)) if slot.questions else st.just(())
        return st.builds(
            lambda attempt, seed, rs: AssessmentState(attempt=attempt, seed=seed if attempt and slot.seeded else None,
                                                      responses=rs if attempt else (None,) * len(slot.questions)),
            st.integers(0, slot.max_attempts or ATTEMPT_CAP), st.integers(0, SEED_LIMIT - 1), answered)
    return st.builds(
        Snapshot,
        viewed=st.frozensets(st.integers(0, max(layout.pages - 1, 0)), max_size=layout.pages),
        bookmark=st.none() | st.integers(0, layout.screens - 1),
        assessments=st.tuples(*(assessment(slot) for slot in layout.assessments)),
    )


def test_flagship_layout_round_trips(flagship: Course) -> None:
    """Random learner states of the flagship course survive encoding and decoding exactly."""
    layout = StateLayout.from_layout(launch_layouts(flagship, "course")[0])

    @settings(max_examples=150, deadline=None)
    @given(snapshots(layout))
    def check(snapshot: Snapshot) -> None:
        text = encode_state(layout, snapshot)
        assert decode_state(layout, text) == snapshot
        assert "\n" not in text and "<" not in text and '"' not in text
        assert len(text) <= worst_case_length(layout)

    check()


def test_typed_text_with_delimiters_round_trips(mini: Course) -> None:
    """Text answers containing the format's delimiters and escapes come back unchanged."""
    layout = StateLayout.from_layout(launch_layouts(mini, "course")[0])
    practice = layout.assessments[1]
    tricky = "50%|a,b%7C~é"
    state = AssessmentState(attempt=2, responses=(False, (0, 1), tricky, "4.95"))
    empty = AssessmentState(responses=(None,) * len(layout.assessments[0].questions))
    snapshot = Snapshot(viewed=frozenset({0, 2}), bookmark=4, assessments=(empty, state, AssessmentState(responses=(None,) * 4)))
    text = encode_state(layout, snapshot)
    assert text.endswith("|2~f,01,50%25%7Ca%2Cb%257C~é,4.95")
    assert decode_state(layout, text).assessments[1] == state
    assert len(practice.questions) == 4


def test_empty_state_is_short(mini: Course) -> None:
    """A learner who has seen nothing yet costs a few characters: version, fingerprint and two empty parts."""
    layout = StateLayout.from_layout(launch_layouts(mini, "course")[0])
    assert encode_state(layout, Snapshot(assessments=tuple(AssessmentState() for _ in layout.assessments))) == f"1{layout.fingerprint}||"


def test_state_of_another_structure_is_refused(mini: Course) -> None:
    """A state saved before a question was added does not decode into the new structure."""
    before = StateLayout.from_layout(launch_layouts(mini, "course")[0])
    quiz = mini.modules[1].assessments[0]
    grown = attrs.evolve(quiz, questions=(*quiz.questions, attrs.evolve(quiz.questions[0], id="extra")))
    changed = attrs.evolve(mini, modules=(mini.modules[0], attrs.evolve(mini.modules[1], assessments=(grown,))))
    after = StateLayout.from_layout(launch_layouts(changed, "course")[0])
    assert after.fingerprint != before.fingerprint
    text = encode_state(before, worst_case_snapshot(before))
    with pytest.raises(StateError, match="not version 1 of this launch"):
        decode_state(after, text)


def test_fingerprint_ignores_wording(mini: Course) -> None:
    """Fixing a typo in a prompt keeps saved progress valid: the fingerprint follows structure, not text."""
    quiz = mini.modules[1].assessments[0]
    reworded = attrs.evolve(quiz, questions=(attrs.evolve(quiz.questions[0], prompt="Reworded."), *quiz.questions[1:]))
    changed = attrs.evolve(mini, modules=(mini.modules[0], attrs.evolve(mini.modules[1], assessments=(reworded,))))
    assert (StateLayout.from_layout(launch_layouts(changed, "course")[0]).fingerprint
            == StateLayout.from_layout(launch_layouts(mini, "course")[0]).fingerprint)


@pytest.mark.parametrize("text", ["2abcd||", "1zzzz||", "1{fp}|!|", "1{fp}||zz|x~1", "1{fp}||0|1~q", "1{fp}||||||||"])
def test_malformed_states_raise_state_error(mini: Course, text: str) -> None:
    """Broken or foreign strings raise StateError, never another exception."""
    layout = StateLayout.from_layout(launch_layouts(mini, "course")[0])
    with pytest.raises(StateError):
        decode_state(layout, text.format(fp=layout.fingerprint))


def test_worst_case_is_the_longest_encoding(flagship: Course) -> None:
    """The worst case decodes, is what worst_case_state_size reports, and fits SCORM 1.2's 4096 characters."""
    layouts = [StateLayout.from_layout(layout) for layout in launch_layouts(flagship, "course")]
    worst = worst_case_snapshot(layouts[0])
    text = encode_state(layouts[0], worst)
    assert decode_state(layouts[0], text) == worst
    size = worst_case_state_size(flagship)
    assert size == len(text)
    module_size = worst_case_state_size(flagship, "module")
    assert module_size < size
    print(f"\nflagship worst-case state: {size} characters (scope=course), {module_size} (largest launch, scope=module)")
    assert size <= 4096


def test_worst_case_grows_with_the_course(mini: Course) -> None:
    """Every extra question and page lengthens the worst case, so a limit check cannot be fooled."""
    base = worst_case_state_size(mini)
    quiz = mini.modules[1].assessments[0]
    grown = attrs.evolve(quiz, questions=(*quiz.questions, attrs.evolve(quiz.questions[2], id="another-blank")))
    changed = attrs.evolve(mini, modules=(mini.modules[0], attrs.evolve(mini.modules[1], assessments=(grown,))))
    assert worst_case_state_size(changed) >= base + 3 * 30 + 1


def test_shuffled_answers_keep_a_seed_counted_in_the_worst_case(mini: Course) -> None:
    """An assessment whose questions shuffle their answers saves a seed per attempt; with shuffle: false everywhere, none."""
    layout = launch_layouts(mini, "course")[0]
    state = StateLayout.from_layout(layout)
    assert all(slot.seeded == (a.shuffle or any(q.shuffled for q in a.questions))
               for slot, a in zip(state.assessments, layout.assessments))
    assert any(slot.seeded and not a.shuffle for slot, a in zip(state.assessments, layout.assessments))
    fixed = attrs.evolve(mini, modules=tuple(attrs.evolve(m, assessments=tuple(
        attrs.evolve(a, shuffle=False, questions=tuple(attrs.evolve(q, shuffle=False) if q.shuffled else q for q in a.questions))
        for a in m.assessments)) for m in mini.modules),
        final_exam=attrs.evolve(mini.final_exam, shuffle=False, questions=tuple(
            attrs.evolve(q, shuffle=False) if q.shuffled else q for q in mini.final_exam.questions)))
    unseeded = StateLayout.from_layout(launch_layouts(fixed, "course")[0])
    assert not any(slot.seeded for slot in unseeded.assessments)
    seeds = sum(slot.seeded for slot in state.assessments)
    assert worst_case_length(state) - worst_case_length(unseeded) == seeds * len("." + "z" * 4)
