"""The built wheel ships the schemas byte for byte and the library loads them from there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from this checkout, without network access or build isolation."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (found,) = out.glob("cmacourse-*.whl")
    return found


def test_wheel_schemas_equal_the_source_schemas(wheel: Path) -> None:
    """Every schema in schemas/ is in the wheel at cmacourse/schemas/, with identical bytes."""
    with zipfile.ZipFile(wheel) as archive:
        packaged = {Path(n).name: archive.read(n) for n in archive.namelist() if n.startswith("cmacourse/schemas/")}
        assert "cmacourse/py.typed" in archive.namelist()
    source = {p.name: p.read_bytes() for p in (ROOT / "schemas").glob("*.json")}
    assert packaged == source


def test_installed_wheel_validates_from_package_data(wheel: Path, tmp_path: Path) -> None:
    """Unpacked alone on sys.path, the wheel's package loads its schemas and validates the flagship course."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "site")
    code = (
        "import cmacourse, sys; from cmacourse.jsonschemas import validator;"
        "assert cmacourse.__file__.startswith(sys.argv[1]), cmacourse.__file__;"
        "validator('assessment'); print(len(cmacourse.validate(sys.argv[2])))"
    )
    env_path = str(tmp_path / "site")
    result = subprocess.run([sys.executable, "-c", code, env_path, str(ROOT / "course_content")],
                            capture_output=True, text=True, env={"PYTHONPATH": env_path, "PATH": ""}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


def test_wheel_ships_the_players_catalogs(wheel: Path, tmp_path: Path) -> None:
    """The gettext catalogs and their template are in the wheel, and a Spanish course reads Spanish words from there."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert {"cmacourse/locale/player.pot", "cmacourse/locale/en/LC_MESSAGES/player.po",
            "cmacourse/locale/es/LC_MESSAGES/player.po"} <= names
    code = ("import cmacourse, sys; from cmacourse.player.words import words_for;"
            "assert cmacourse.__file__.startswith(sys.argv[1]), cmacourse.__file__;"
            "print(words_for('es').gettext('Next'), words_for('es').points(2))")
    site = str(tmp_path / "site")
    result = subprocess.run([sys.executable, "-c", code, site], capture_output=True, text=True,
                            env={"PYTHONPATH": site, "PATH": ""}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Siguiente 2 puntos"
