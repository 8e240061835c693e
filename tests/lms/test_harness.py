"""The harness itself: what counts as a failure in Moodle is seen, and the site is the one it claims."""

from __future__ import annotations

import pytest
from moodle import Moodle, MoodleProblem


def test_a_clean_script_returns_its_result(moodle: Moodle) -> None:
    assert moodle.run("selfcheck", emit="nothing") == {"release": moodle.release}
    assert moodle.release.startswith("5.0.6+ (Build: 20260403)")


@pytest.mark.parametrize(("emit", "seen"), [
    ("warning", r"PHP error 2: Undefined array key \"key\""),
    ("deprecation", r"PHP error 8192: strlen\(\): Passing null"),
    ("debugging", r"printed: \+\+ a developer message \+\+"),
    ("die", r"stopped without its result \(exit status 0\):\nstopped"),
])
def test_php_messages_debugging_and_a_silent_stop_fail(moodle: Moodle, emit: str, seen: str) -> None:
    with pytest.raises(MoodleProblem, match=seen):
        moodle.run("selfcheck", emit=emit)
