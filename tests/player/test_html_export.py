"""The html format: registered, reproducible to the byte, and atomic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cmacourse.building import build_formats
from cmacourse.cli import main
from cmacourse.errors import BuildError, OutputError, UsageError
from cmacourse.exporters import export, exporters
from cmacourse.exporters._package import PackageWriter
from cmacourse.exporters.html import HtmlExporter
from cmacourse.loading import load_course

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "courses" / "player-mini"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_html_is_a_registered_format() -> None:
    """`--format html` finds HtmlExporter, a folder named after the course."""
    cls = exporters.get("html")
    assert cls is HtmlExporter
    assert (cls.name, cls.suffix, cls.layout) == ("html", "", "folder")


def test_cli_build_writes_the_course_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """cmacourse build --format html --out DIR writes DIR/<course-id>-html/index.html and prints its path."""
    assert main(["build", str(ROOT / "course_content"), "--format", "html", "--out", str(tmp_path)]) == 0
    target = tmp_path / "cma-pathway-html"
    assert capsys.readouterr().out.strip() == str(target)
    assert (target / "index.html").is_file() and (target / "player" / "lms.js").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cma-pathway-html"]


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    """The same course built twice, from two copies in different folders, gives identical files."""
    copy = tmp_path / "elsewhere" / "course"
    shutil.copytree(ROOT / "course_content", copy)
    first = tree(export(load_course(ROOT / "course_content"), "html", tmp_path / "one"))
    second = tree(export(load_course(copy), "html", tmp_path / "two"))
    assert first == second
    assert len(first) > 8


def test_rebuild_replaces_the_previous_site(tmp_path: Path) -> None:
    """Building again over an old site leaves exactly the new files, and no staging folder."""
    course = load_course(MINI)
    target = export(course, "html", tmp_path)
    (target / "stale.txt").write_text("old")
    export(course, "html", tmp_path)
    assert not (target / "stale.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["player-mini-html"]


def test_missing_media_fails_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A media file that vanished after loading is a BuildError naming it from the working folder, and no folder or
    staging file is left."""
    monkeypatch.chdir(tmp_path)
    course_dir = tmp_path / "course"
    shutil.copytree(MINI, course_dir)
    course = load_course(course_dir)
    (course_dir / "media" / "intake.vtt").unlink()
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="cannot read media file course/media/intake.vtt"):
        export(course, "html", out)
    assert not out.exists() or list(out.iterdir()) == []


def test_failure_while_writing_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure in the middle of writing the folder removes the partial copy; the old site stays whole."""
    course = load_course(MINI)
    target = export(course, "html", tmp_path)
    before = tree(target)
    real = PackageWriter.write_folder
    def half_then_fail(self: PackageWriter, folder: Path) -> None:
        real(self, folder)
        raise OSError("disk full")
    monkeypatch.setattr(PackageWriter, "write_folder", half_then_fail)
    with pytest.raises(OutputError, match="disk full"):
        export(course, "html", tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["player-mini-html"]
    assert tree(target) == before


def test_options_are_refused(tmp_path: Path) -> None:
    """The html format takes no -O option, and says so."""
    with pytest.raises(UsageError, match="takes no options; got sco"):
        build_formats(MINI, "html", tmp_path, ["sco=module"])
    assert not tmp_path.joinpath("player-mini-html").exists()


def test_published_site_is_readable_by_others(tmp_path: Path) -> None:
    """The site's folder is world-readable like its files, so a web server can serve it."""
    site = export(load_course(ROOT / "course_content"), "html", tmp_path)
    assert site.stat().st_mode & 0o777 == 0o755
    assert all(path.stat().st_mode & 0o005 == 0o005 for path in site.rglob("*") if path.is_dir())
