"""`cmacourse new`: scaffolds that validate as written and extend course.yaml in place."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmacourse import read_course
from cmacourse.cli import main


def test_new_course_validates_strictly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A new course has no errors and no warnings."""
    assert main(["new", "course", str(tmp_path / "my-course")]) == 0
    assert main(["validate", str(tmp_path / "my-course"), "--strict"]) == 0
    report = read_course(tmp_path / "my-course")
    assert report.course is not None and report.course.id == "my-course"


def test_new_module_is_appended_after_the_last_and_requires_it(tmp_path: Path) -> None:
    """`new module` adds a folder at the end of modules:, keeps course.yaml's comments, and requires the last module."""
    root = tmp_path / "c"
    assert main(["new", "course", str(root)]) == 0
    course_file = root / "course.yaml"
    course_file.write_text("# keep me\n" + course_file.read_text())
    assert main(["new", "module", "job-search", "--path", str(root), "--kind", "jobs"]) == 0
    assert main(["new", "module", "renewal", "--path", str(root)]) == 0
    text = course_file.read_text()
    assert text.startswith("# keep me\n")
    course = read_course(root).course
    assert course is not None
    assert [m.id for m in course.modules] == ["introduction", "job-search", "renewal"]
    assert course.modules[1].requires == ("introduction",)
    assert course.modules[2].requires == ("job-search",) and course.modules[2].kind == "jobs"
    assert not read_course(root).problems


@pytest.mark.parametrize(("args", "message"), [
    (["new", "module", "Bad Name"], "not a valid module id"),
    (["new", "module", "introduction"], "already has a module"),
    (["new", "module", "x-ray", "--kind", "nursing"], "unknown kind"),
])
def test_new_module_refuses_bad_requests(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    """Invalid ids, taken ids and unknown kinds exit 2 with a message and change nothing."""
    root = tmp_path / "c"
    main(["new", "course", str(root)])
    before = (root / "course.yaml").read_text()
    assert main([*args, "--path", str(root)]) == 2
    assert message in capsys.readouterr().err
    assert (root / "course.yaml").read_text() == before


def test_new_course_refuses_a_non_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Scaffolding never overwrites an existing course."""
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("mine")
    assert main(["new", "course", str(tmp_path / "c")]) == 2
    assert "not empty" in capsys.readouterr().err


def test_a_flow_style_module_list_is_named_from_where_the_command_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``modules: [...]`` list cannot be extended line by line: the refusal names course.yaml as every message
    names paths, from the working folder, and says which folder to add; nothing is written."""
    root = tmp_path / "courses" / "c"
    main(["new", "course", str(root)])
    course_file = root / "course.yaml"
    lines = course_file.read_text().splitlines()
    start = lines.index("modules:")
    end = next(n for n in range(start + 1, len(lines)) if not lines[n].startswith("  - "))
    items = [line.strip()[2:] for line in lines[start + 1:end]]
    flow = "\n".join([*lines[:start], f"modules: [{', '.join(items)}]", *lines[end:]]) + "\n"
    course_file.write_text(flow)
    assert not read_course(root).problems
    monkeypatch.chdir(tmp_path)
    assert main(["new", "module", "renewal", "--path", "courses/c"]) == 2
    err = capsys.readouterr().err
    assert "courses/c/course.yaml" in err and f"add {len(items) + 1:02d}-renewal by hand" in err
    assert course_file.read_text() == flow and not (root / f"{len(items) + 1:02d}-renewal").exists()
