"""Writing packages through the real `cmacourse` command: every failing place or file system is one line, never a
traceback; concurrent, killed and terminated builds leave a whole output folder."""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from coursebuilder import MINIMAL, write_course

#: The console script the virtualenv installed, as a user runs it.
CMACOURSE = str(Path(sys.executable).with_name("cmacourse"))
ROOT = Path(__file__).resolve().parents[1]
COURSES = ROOT / "tests" / "courses"


def cmacourse(*args: str, cwd: Path | None = None, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CMACOURSE, *args], capture_output=True, text=True, cwd=cwd, timeout=120, **kwargs)  # type: ignore[call-overload,no-any-return]


def one_line_error(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    """The single line the command printed for a failure; asserts it is the only output and no traceback."""
    assert result.returncode == status, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cmacourse: "), result.stderr
    return lines[0]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return write_course(tmp_path / "course_content")


@contextlib.contextmanager
def mounted_tmpfs(where: Path, options: str) -> Iterator[bool]:
    """A tmpfs mounted at ``where`` with ``options`` when this process may mount (root); yields whether it did."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                                                  capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.parametrize(("out", "words"), [
    ("/proc/x", ["/proc/x", "No such file or directory", "choose another folder"]),
    ("/sys/kernel", ["/sys/kernel", "choose a folder you can write to"]),
])
def test_out_where_nothing_can_be_written(course: Path, out: str, words: list[str]) -> None:
    """`--out` in /proc or /sys is one line naming the path and what to do, exit status 2."""
    line = one_line_error(cmacourse("build", str(course), "--format", "scorm12", "--out", out))
    assert all(word in line for word in words), line


def test_out_below_a_file(course: Path, tmp_path: Path) -> None:
    """`--out some-file/sub` says a part of the path is a file, naming the path as typed (relative to the working folder)."""
    (tmp_path / "some-file").write_text("x")
    line = one_line_error(cmacourse("build", "course_content", "--format", "html", "--out", "some-file/sub", cwd=tmp_path))
    assert line.startswith("cmacourse: cannot write some-file/sub:") and "a part of that path is a file" in line


def test_out_that_is_a_file(course: Path, tmp_path: Path) -> None:
    """`--out` naming a file is refused before anything is written."""
    (tmp_path / "notes.txt").write_text("mine")
    line = one_line_error(cmacourse("build", "course_content", "--format", "html", "--out", "notes.txt", cwd=tmp_path))
    assert "notes.txt" in line and "not a folder" in line
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_target_package_that_is_a_folder(course: Path, tmp_path: Path) -> None:
    """A folder named like the zip is in the way: one line, and the folder is left as it was."""
    blocker = tmp_path / "out" / "mini-scorm12.zip"
    (blocker / "inside").mkdir(parents=True)
    line = one_line_error(cmacourse("build", "course_content", "--format", "scorm12", "--out", "out", cwd=tmp_path))
    assert "out/mini-scorm12.zip" in line and "a folder of that name is in the way" in line
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["mini-scorm12.zip"] and (blocker / "inside").is_dir()


def test_read_only_output_folder(course: Path, tmp_path: Path) -> None:
    """A read-only output folder (a read-only mount as root, else a folder without write permission) is one line."""
    out = tmp_path / "out"
    with mounted_tmpfs(out, "ro,size=1m") as mounted:
        if not mounted:
            out.chmod(0o555)
        try:
            line = one_line_error(cmacourse("build", "course_content", "--format", "scorm12", "--out", "out", cwd=tmp_path))
        finally:
            out.chmod(0o755) if not mounted else None
    assert line.startswith("cmacourse: cannot write out:")
    assert "choose a folder you can write to" in line, line


def _limit_file_size() -> None:
    # A file larger than 16 KiB fails with EFBIG, as on a full disk; SIGXFSZ would kill the process instead.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))


def test_full_disk(course: Path, tmp_path: Path) -> None:
    """A disk that fills while writing (a 64 KiB tmpfs as root, else a file size limit) is one line; nothing is left."""
    out = tmp_path / "out"
    with mounted_tmpfs(out, "size=64k") as mounted:
        result = cmacourse("build", "course_content", "--format", "html", "--out", "out", cwd=tmp_path,
                           preexec_fn=None if mounted else _limit_file_size)
        line = one_line_error(result)
        assert line.startswith("cmacourse: cannot write out/mini-html:"), line
        assert ("No space left on device" in line and "free some space" in line) or "File too large" in line
        assert list(out.iterdir()) == []


def test_all_formats_publish_all_or_none(tmp_path: Path) -> None:
    """`--format all` on a course one format cannot hold (state beyond SCORM 1.2) publishes nothing, and keeps the old packages."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "oversize-html").mkdir()
    (out / "oversize-html" / "index.html").write_text("previous")
    # Only part-a, each typed answer four times as long: no SCO layout can hold its state in SCORM 1.2.
    source = shutil.copytree(COURSES / "scorm-oversize", tmp_path / "course")
    (source / "course.yaml").write_text((source / "course.yaml").read_text().replace("  - part-b\n", ""))
    check = source / "part-a" / "check.yaml"
    check.write_text(re.sub(r'(      - ")([^"]*)"', lambda m: m[1] + m[2] * 4 + '"', check.read_text()))
    result = cmacourse("build", str(source), "--format", "all", "--out", str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "4096" in result.stderr
    assert [p.name for p in out.iterdir()] == ["oversize-html"]
    assert (out / "oversize-html" / "index.html").read_text() == "previous"


def test_all_formats_publish_every_package(course: Path, tmp_path: Path) -> None:
    """`--format all` writes one package per format and nothing else into the folder."""
    result = cmacourse("build", "course_content", "--format", "all", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(result.stdout.replace("out/", "").split())
    assert len(result.stdout.split()) == 7


def test_concurrent_builds_into_one_folder(tmp_path: Path) -> None:
    """Two processes building the flagship site into one folder both succeed; the site is whole and nothing else is left."""
    out = tmp_path / "out"
    command = [CMACOURSE, "build", str(ROOT / "course_content"), "--format", "html", "--out", str(out)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]  # type: ignore[union-attr]
    assert [status for status, _ in results] == [0, 0], results
    assert [p.name for p in out.iterdir()] == ["cma-pathway-html"]
    reference = tmp_path / "reference"
    assert cmacourse("build", str(ROOT / "course_content"), "--format", "html", "--out", str(reference)).returncode == 0
    assert tree(out / "cma-pathway-html") == tree(reference / "cma-pathway-html")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


#: A build that sends itself a signal once every package is staged, just before publishing.
SIGNALLED_BUILD = textwrap.dedent("""\
    import os, signal, sys
    from cmacourse import outputs
    from cmacourse.cli import main
    def commit(self):
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        raise AssertionError("still running")
    outputs.OutputFolder.commit = commit
    sys.exit(main(sys.argv[2:]))
""")


def signalled_rebuild(tmp_path: Path, signal_name: str) -> tuple[subprocess.CompletedProcess[str], Path, bytes]:
    """Build the SCORM 1.2 package, then rebuild it in a process that signals itself just before publishing.

    Returns the second build's result, the package and the package's bytes from the first build.
    """
    assert cmacourse("build", "course_content", "--format", "scorm12", "--out", "out", cwd=tmp_path).returncode == 0
    package = tmp_path / "out" / "mini-scorm12.zip"
    before = package.read_bytes()
    result = subprocess.run([sys.executable, "-c", SIGNALLED_BUILD, signal_name, "build", "course_content", "--format",
                             "scorm12", "--out", "out"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    return result, package, before


def test_killed_build_leaves_staging_that_the_next_build_removes(course: Path, tmp_path: Path) -> None:
    """SIGKILL before publishing leaves the previous package and a staging folder; the next build removes the staging."""
    killed, package, before = signalled_rebuild(tmp_path, "SIGKILL")
    assert killed.returncode == -signal.SIGKILL
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(left) == 2 and left[0].startswith(".cmacourse-staging-") and package.read_bytes() == before
    assert cmacourse("build", "course_content", "--format", "html", "--out", "out", cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["mini-html", "mini-scorm12.zip"]


def test_sigterm_cleans_up(course: Path, tmp_path: Path) -> None:
    """SIGTERM before publishing removes the staging folder, keeps the previous package, and exits 143 with one line."""
    stopped, package, before = signalled_rebuild(tmp_path, "SIGTERM")
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert "Traceback" not in stopped.stderr and "stopped (SIGTERM)" in stopped.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["mini-scorm12.zip"] and package.read_bytes() == before


def test_deleted_working_folder(course: Path, tmp_path: Path) -> None:
    """Run from a folder that was deleted meanwhile, the command says so in one line."""
    gone = tmp_path / "gone"
    gone.mkdir()
    process = subprocess.Popen(["sh", "-c", f'cd "{gone}" && rmdir "{gone}" && exec "{CMACOURSE}" validate "{course}"'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = process.communicate(timeout=60)
    line = one_line_error(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    assert "the current folder no longer exists" in line


def test_output_to_a_full_device(course: Path) -> None:
    """`validate --json > /dev/full` fails with one line and status 2 instead of losing the report silently."""
    with open("/dev/full", "w") as full:
        result = subprocess.run([CMACOURSE, "validate", str(course), "--json"], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == ("cmacourse: cannot write the output: No space left on device; "
                                     "check where it goes (a full disk, a closed terminal)")


def test_a_reader_that_stops_early(tmp_path: Path) -> None:
    """`cmacourse validate | head -c 1` on a course with thousands of problems ends quietly with SIGPIPE's status."""
    unknown = "".join(f"unknown_key_{n}: {n}\n" for n in range(3000))
    course = write_course(tmp_path / "course_content", {**MINIMAL, "course.yaml": str(MINIMAL["course.yaml"]) + unknown})
    result = subprocess.run(f'"{CMACOURSE}" validate "{course}" | head -c 1; exit ${{PIPESTATUS[0]}}',
                            shell=True, executable="bash", capture_output=True, text=True, timeout=60)
    assert len(result.stdout) == 1 and result.stderr == ""
    assert result.returncode == 128 + signal.SIGPIPE


def test_a_build_waits_for_the_one_holding_the_folder(course: Path, tmp_path: Path) -> None:
    """While another build holds the output folder, a build says it is waiting, writes nothing, then publishes."""
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    holder = os.open(out, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        waiting = subprocess.Popen([CMACOURSE, "build", "course_content", "--format", "scorm12", "--out", "out"],
                                   cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert waiting.stderr is not None
        assert waiting.stderr.readline() == "cmacourse: waiting for another build into out to finish\n"
        assert list(out.iterdir()) == [] and waiting.poll() is None
    finally:
        os.close(holder)
    assert waiting.wait(timeout=60) == 0
    assert [p.name for p in out.iterdir()] == ["mini-scorm12.zip"]


def test_a_rename_failing_part_way_puts_every_previous_package_back(course: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """If publishing fails after some packages moved in, those are taken out again and the previous ones restored."""
    from cmacourse import outputs
    from cmacourse.building import build_formats
    from cmacourse.errors import OutputError

    out = tmp_path / "out"
    first = build_formats(course, "all", out)
    before = {path.name: tree(path) if path.is_dir() else path.read_bytes() for path in first}
    page = next(course.rglob("*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\nA new line.\n", encoding="utf-8")
    real = os.replace
    published: list[str] = []
    failed: list[str] = []

    def fail_on_the_fourth_package(src: str | Path, dst: str | Path) -> None:
        new_package = ".cmacourse-staging-" in str(src) and ".previous" not in str(src) and Path(dst).parent == out
        if new_package and len(published) == 3 and not failed:
            failed.append(Path(dst).name)
            raise OSError(28, "No space left on device")
        if new_package:
            published.append(Path(dst).name)
        real(src, dst)

    monkeypatch.setattr(outputs.os, "replace", fail_on_the_fourth_package)
    with pytest.raises(OutputError, match="No space left on device"):
        build_formats(course, "all", out)
    monkeypatch.setattr(outputs.os, "replace", real)
    after = {path.name: tree(path) if path.is_dir() else path.read_bytes() for path in sorted(out.iterdir())}
    assert failed and len(published) == 3
    assert after == before
