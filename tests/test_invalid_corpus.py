"""Each broken course in tests/invalid/ prints exactly the located problems its expected.txt lists."""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from cmacourse import read_course
from cmacourse.cli import main

INVALID = Path(__file__).parent / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())

#: Cases whose file must be made unreadable when the test runs: git keeps no permissions but the executable bit.
UNREADABLE = {"unreadable-file": "course_content/m1/check.yaml"}
#: Where a message or hint names a path: ``{name}``.
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def _make_unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Take read permission away; as root, where that changes nothing, make reading the file fail as it would."""
    path.chmod(0)
    if not os.access(path, os.R_OK):
        return
    original = io.open
    denied = path.resolve()

    def opened(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and Path(file).resolve() == denied:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(file))
        return original(file, *args, **kwargs)

    # Every way of opening a file reaches one of these two names.
    monkeypatch.setattr(io, "open", opened)
    monkeypatch.setattr(builtins, "open", opened)


def test_corpus_has_every_required_case() -> None:
    """The corpus holds a case for each kind of bad input the loader must explain."""
    required = {
        "yaml-unclosed-bracket", "yaml-bad-indentation", "yaml-tab", "yaml-duplicate-key", "yaml-alias",
        "wrong-type-number-as-title", "wrong-type-string-as-list", "binary-garbage", "nul-byte", "non-utf8", "empty-file",
        "empty-module-yaml", "missing-module-folder", "missing-page-file", "page-without-front-matter", "unclosed-block-fence",
        "unknown-key-hint", "wrong-enum-hint", "bad-id-pattern", "broken-objective-reference", "broken-glossary-link",
        "missing-media", "media-outside-course", "prerequisite-cycle", "no-correct-answer", "unreadable-file",
        "folder-instead-of-file",
    }
    assert required <= set(CASES)
    for case in CASES:
        assert (INVALID / case / "course_content" / "course.yaml").is_file(), case
        assert (INVALID / case / "expected.txt").read_text(encoding="utf-8").strip(), case


@pytest.mark.parametrize("case", CASES)
def test_invalid_course_reports_located_problems(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`cmacourse validate course_content` exits 1 and prints exactly the problems in expected.txt, and a count.

    A case whose problems are all warnings runs with --strict, the one way warnings fail validation.
    """
    folder = INVALID / case
    if case in UNREADABLE:
        folder = Path(shutil.copytree(folder, tmp_path / case))
        _make_unreadable(folder / UNREADABLE[case], monkeypatch)
    monkeypatch.chdir(folder)
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    lines = [line for line in expected.splitlines() if not line.startswith("    hint: ")]
    errors = sum(": error[" in line for line in lines)
    warnings = sum(": warning[" in line for line in lines)
    assert errors + warnings == len(lines) >= 1
    assert main(["validate", "course_content", *(["--strict"] if errors == 0 else [])]) == 1
    out, err = capsys.readouterr()
    assert out == expected
    assert err == f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}\n"


@pytest.mark.parametrize("case", [case for case in CASES if case not in UNREADABLE])  # readable until a test makes it not
def test_every_path_a_message_names_is_given_as_data(case: str) -> None:
    """Each path a problem's message or hint names is in its ``paths``, and each of its ``paths`` is named there,
    so the command line can write every one from where it runs."""
    for problem in read_course(INVALID / case / "course_content").problems:
        texts = [problem.message_template, problem.hint_template or ""]
        named = {name for text in texts for name in PLACEHOLDER.findall(text)}
        assert named == {name for name, _ in problem.paths}, problem
        for name, path in problem.paths:
            assert path in f"{problem.message} {problem.hint}" and not PLACEHOLDER.search(problem.message), problem
