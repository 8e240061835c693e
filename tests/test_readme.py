"""Every Python block of the README runs as written, in a fresh interpreter beside a copy of the flagship course."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"^```python\n(.*?)^```$", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S | re.M)


def test_the_readme_has_python_blocks() -> None:
    """The README shows the Python API (this test would pass vacuously otherwise)."""
    assert len(BLOCKS) >= 3 and any("dump_course" in block for block in BLOCKS)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_python_block_runs(index: int, tmp_path: Path) -> None:
    """The block exits 0 with no error output, run from a folder that holds course_content/ as a reader's would."""
    shutil.copytree(ROOT / "course_content", tmp_path / "course_content")
    result = subprocess.run([sys.executable, "-c", BLOCKS[index]], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
