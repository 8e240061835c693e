"""An installed wheel carries the whole player as package data and builds the static site from there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAYER = ROOT / "src" / "cmacourse" / "player"


def test_wheel_builds_the_site_from_package_data(tmp_path: Path) -> None:
    """Unpacked alone on sys.path, the wheel renders the flagship course with byte-identical runtime files."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(tmp_path / "wheel"), str(ROOT)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "wheel").glob("cmacourse-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    for folder in ("static", "runtime", "templates", "preview"):
        for file in (PLAYER / folder).glob("*.*"):
            assert f"cmacourse/player/{folder}/{file.name}" in names, file
    code = ("import sys, cmacourse; from pathlib import Path; from cmacourse.exporters import export;"
            "assert cmacourse.__file__.startswith(sys.argv[1]);"
            "print(export(cmacourse.load_course(sys.argv[2]), 'html', Path(sys.argv[3])))")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "site"), str(ROOT / "course_content"), str(tmp_path / "out")],
                            capture_output=True, text=True, env={"PYTHONPATH": str(tmp_path / "site"), "PATH": ""}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = Path(result.stdout.strip())
    assert (site / "index.html").is_file()
    for name in ("player.js", "questions.js", "state.js", "rules.js", "navigation.js", "player.css"):
        assert (site / "player" / name).read_bytes() == (PLAYER / "static" / name).read_bytes()
    assert (site / "player" / "lms.js").read_bytes() == (PLAYER / "runtime" / "standalone.js").read_bytes()
