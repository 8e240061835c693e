"""Fixtures of the Moodle suite: the installed site, the flagship packages, Chromium on Moodle's pages.

Run by ``bash scripts/test-lms.sh``, which sets Moodle up first; a missing piece fails (never skips).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from moodle import Moodle, MoodleProblem

from cmacourse import load_course
from cmacourse.exporters import export
from cmacourse.model import Course

FLAGSHIP = Path(__file__).resolve().parents[2] / "course_content"
CHROMIUM = Path(os.environ.get("CMACOURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync")


@pytest.fixture(scope="session")
def moodle() -> Moodle:
    """The Moodle scripts/setup-moodle.sh installed."""
    try:
        return Moodle()
    except MoodleProblem as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def course() -> Course:
    """The flagship course, as the library reads it."""
    return load_course(FLAGSHIP)


@pytest.fixture(scope="session")
def package(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Build the flagship course in a format (with ``-O`` options), once per session; returns the file."""
    built: dict[tuple[str, tuple[tuple[str, str], ...]], Path] = {}

    def build(fmt: str, **options: str) -> Path:
        key = (fmt, tuple(sorted(options.items())))
        if key not in built:
            out = tmp_path_factory.mktemp(f"{fmt}-{'-'.join(options.values()) or 'default'}")
            built[key] = export(course, fmt, out, **options)
        return built[key]

    return build


@pytest.fixture(scope="session")
def moodle_site(moodle: Moodle) -> Iterator[str]:
    """Moodle's web server for the session; its URL."""
    with moodle.web_server() as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: set CMACOURSE_CHROMIUM", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS))
        yield browser
        browser.close()
