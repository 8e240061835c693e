"""One number formatter: Python and the player's JavaScript give the same outputs from one table."""

from __future__ import annotations

import json
import math
import shutil
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from cmacourse.numbers import number_text, points_text, shown_number
from cmacourse.player.words import number_marks

ROOT = Path(__file__).resolve().parents[1]
VECTORS = json.loads((ROOT / "tests" / "numbers.json").read_text())


@pytest.mark.parametrize("case", VECTORS["format"], ids=lambda c: f"{c['value']!r}/{c['places']}")
def test_python_formats_every_vector(case: dict) -> None:
    """number_text gives the table's text for each value and number of places."""
    assert number_text(case["value"], case["places"]) == case["text"]


@pytest.mark.parametrize("case", VECTORS["shown"], ids=lambda c: f"{c['language']}/{c['value']!r}/{c['places']}")
def test_python_shows_every_vector_with_the_languages_marks(case: dict) -> None:
    """shown_number writes the table's text with the marks Babel gives the vector's language."""
    marks = number_marks(case["language"])
    assert (marks.decimal, marks.group) == (case["decimal"], case["group"])
    assert shown_number(case["value"], case["decimal"], case["group"], case["places"]) == case["text"]


@pytest.mark.parametrize("language", sorted(VECTORS["marks"]))
def test_reading_marks_are_babels(language: str) -> None:
    """The marks the JavaScript reading vectors are read with are those Babel gives the course data."""
    marks = number_marks(language)
    assert VECTORS["marks"][language] == {"decimal": marks.decimal, "group": marks.group}


def test_never_an_exponent() -> None:
    """The largest, smallest and most awkward doubles are written as plain decimals."""
    for value in (1.7976931348623157e308, 5e-324, -1e-300, 1e100, 123e-20):
        text = number_text(value)
        assert re.fullmatch(r"-?\d+(\.\d+)?", text), text
        assert abs(Decimal(text) - Decimal(value)) <= abs(Decimal(value)) * Decimal("1e-14")


def test_points_read_as_people_write_them() -> None:
    """Points on the page: no float noise, no exponent, singular for one."""
    assert points_text(1) == "1 point"
    assert points_text(0.1 + 0.2) == "0.3 points"
    assert points_text(1234567.5) == "1234567.5 points"


def test_refuses_what_is_not_a_number() -> None:
    """NaN and infinities have no decimal form."""
    for value in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            number_text(value)


def test_javascript_gives_the_same_outputs() -> None:
    """The player's numbers.js passes its Node tests, which read the same table (and the number-reading tests)."""
    node = shutil.which("node")
    assert node, "node is needed to test the player's JavaScript"
    result = subprocess.run([node, "--test", *sorted(str(p) for p in (ROOT / "tests" / "js").glob("*.test.js"))],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
