"""The player's rules module under Node's own test runner, on hand-made data and on the data real builds write."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cmacourse.exporters._package import PackageWriter
from cmacourse.loading import load_course
from cmacourse.player import DATA_SCRIPT, render_player

ROOT = Path(__file__).resolve().parents[2]
JS_TESTS = Path(__file__).parent / "js"
COURSES = {"flagship": ROOT / "course_content", "player-mini": ROOT / "tests" / "courses" / "player-mini"}


def node() -> str:
    """The Node executable (v18 or later has ``node --test``); its absence fails the test, never skips it."""
    path = shutil.which("node")
    if path is None:
        pytest.fail("Node.js is not on PATH: install Node 18 or later (Debian: apt-get install nodejs)", pytrace=False)
    return path


def course_data(tmp_path: Path) -> list[Path]:
    """Each test course's player/course.js, as the build writes it, under <tmp>/<course>/player/."""
    scripts = []
    for name, source in COURSES.items():
        writer = PackageWriter()
        render_player(load_course(source), writer, runtime="standalone")
        writer.write_folder(tmp_path / name)
        scripts.append(tmp_path / name / DATA_SCRIPT)
    return scripts


def test_node_tests_of_the_rules_pass(tmp_path: Path) -> None:
    """Every test in tests/player/js passes under ``node --test``; a failing one fails this test with Node's report."""
    files = sorted(str(p) for p in JS_TESTS.glob("*.test.js"))
    assert len(files) >= 2
    env = dict(os.environ, CMACOURSE_COURSE_DATA=os.pathsep.join(str(p) for p in course_data(tmp_path)))
    result = subprocess.run([node(), "--test", *files], capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # Node prints its totals last; a run that found no test would also exit 0.
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout
