"""Fixtures shared by every test: the official specification files and the course folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "course_content"
SPEC = ROOT / "tests" / "spec"


@pytest.fixture(scope="session")
def spec_dir() -> Path:
    """The official XSDs: $CMACOURSE_SPEC_DIR, else the repository's copy in tests/spec; never skipped."""
    configured = os.environ.get("CMACOURSE_SPEC_DIR")
    path = Path(configured) if configured else SPEC
    if not (path / "README.md").is_file():
        pytest.fail(f"specification folder not found at {path}: set CMACOURSE_SPEC_DIR")
    return path


@pytest.fixture(scope="session")
def flagship_dir() -> Path:
    """The flagship course folder."""
    return FLAGSHIP
