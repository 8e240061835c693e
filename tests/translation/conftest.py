"""Fixtures of the translation tests: a fresh copy of the course written to be translated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

COURSE = Path(__file__).parents[1] / "courses" / "i18n-clinic"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of tests/courses/i18n-clinic that a test may change and translate."""
    target = tmp_path / "course"
    shutil.copytree(COURSE, target)
    return target
