"""Every format of one build shares the player pages it carries, and each package is the same bytes as built alone."""

from __future__ import annotations

from pathlib import Path

import pytest

import cmacourse.player as player
from cmacourse.building import build_formats
from cmacourse.exporters import export, exporters
from cmacourse.loading import load_course


def test_all_formats_render_each_launch_once_and_match_separate_builds(flagship_dir: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    course = load_course(flagship_dir)
    alone = {path.name: path for path in (export(course, name, tmp_path / "alone") for name in exporters.names())}

    rendered: list[tuple[str, ...]] = []
    original = player._write_launch_documents

    def counting(course, layouts, scripts, writer):  # type: ignore[no-untyped-def]
        rendered.append(tuple(layout.launch.href for layout in layouts))
        return original(course, layouts, scripts, writer)

    monkeypatch.setattr(player, "_write_launch_documents", counting)
    together = build_formats(flagship_dir, "all", tmp_path / "together")

    # Five formats carry the player. html, scorm12, scorm2004 and tincan have one launch for the whole course
    # (rendered once; each package ends it with its own runtime's scripts), cmi5 one per module.
    assert len(rendered) == len(set(rendered)) == 2
    assert {len(hrefs) for hrefs in rendered} == {1, len(course.modules) + 1}
    assert len(together) == len(alone) == 7
    for path in together:
        if path.is_dir():
            files = sorted(p.relative_to(path) for p in path.rglob("*") if p.is_file())
            assert files == sorted(p.relative_to(alone[path.name]) for p in alone[path.name].rglob("*") if p.is_file())
            assert all((path / f).read_bytes() == (alone[path.name] / f).read_bytes() for f in files)
        else:
            assert path.read_bytes() == alone[path.name].read_bytes(), path.name


def test_nothing_is_kept_outside_a_build(flagship_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    course = load_course(flagship_dir)
    calls: list[int] = []
    original = player._write_launch_documents
    monkeypatch.setattr(player, "_write_launch_documents", lambda *args: calls.append(1) or original(*args))
    export(course, "scorm12", tmp_path)
    export(course, "scorm12", tmp_path)
    assert len(calls) == 2
