"""`cmacourse preview` as a process and as a server: the Host check, a taken port, problems in the terminal,
and one rebuild per change from the operating system's file events."""

from __future__ import annotations

import http.client
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmacourse.preview import PreviewSite, _watch, listen

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "courses" / "player-mini"
CMACOURSE = str(Path(sys.executable).with_name("cmacourse"))


@pytest.fixture
def course(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "course")
    return tmp_path / "course"


@pytest.fixture
def served(course: Path) -> Iterator[tuple[PreviewSite, int]]:
    site = PreviewSite(course)
    site.rebuild()
    server = listen(site, 0, print)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site, server.server_port
    server.shutdown()
    server.server_close()
    site.close()


def request(port: int, path: str, host: str | None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.putrequest("GET", path, skip_host=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def test_answers_only_its_own_loopback_host(served: tuple[PreviewSite, int]) -> None:
    """A request whose Host is not the preview's own address and port (DNS rebinding) gets 421 and nothing of the course."""
    _, port = served
    assert request(port, "/course/index.html", f"127.0.0.1:{port}") == 200
    assert request(port, "/", f"localhost:{port}") == 200
    for host in ("attacker.example", f"attacker.example:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1", "", None):
        assert request(port, "/course/index.html", host) == 421, host
        assert request(port, "/__preview__/version", host) == 421, host


class Running:
    """A `cmacourse preview` process; its output lines are collected as they come."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.process = subprocess.Popen([CMACOURSE, "preview", *args, "--no-browser"], cwd=cwd, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 20) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if found := re.search(pattern, line):
                    return found
            time.sleep(0.05)
        raise AssertionError(f"no line matches {pattern!r}: {self.lines}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        return status


def test_taken_port_moves_to_the_next_free_one(course: Path, tmp_path: Path) -> None:
    """With the port taken, the preview says so, serves on the next free port and names it."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        running = Running("course", "--port", str(port), cwd=tmp_path)
        try:
            moved = running.wait_for(r"Port (\d+) is in use; previewing on port (\d+) instead \(choose one with --port\)")
            assert int(moved[1]) == port and int(moved[2]) > port
            running.wait_for(rf"Previewing course at http://127\.0\.0\.1:{moved[2]}/")
        finally:
            assert running.stop() == 0
    assert not any("Traceback" in line for line in running.lines)


def test_problems_are_listed_in_the_terminal(course: Path, tmp_path: Path) -> None:
    """A broken course prints the note and then each problem as `validate` does, paths from where the command runs."""
    module = course / "02-practice" / "module.yaml"
    module.write_text(module.read_text().replace("requires: [basics]", "requires: [nowhere]"))
    running = Running("course", "--port", "0", cwd=tmp_path)
    try:
        running.wait_for(r"Build 1: the course has (\d+) problems? \(\1 errors?, 0 warnings\)\.")
        listed = running.wait_for(r"^course/02-practice/module\.yaml:\d+:\d+: error\[ref\.[a-z-]+\]: .*nowhere.*$")
        validate = subprocess.run([CMACOURSE, "validate", "course"], cwd=tmp_path, capture_output=True, text=True)
        assert listed[0] in validate.stdout.splitlines()
    finally:
        assert running.stop() == 0


@pytest.mark.parametrize("named", ["absolute", "from the working folder"])
def test_one_rebuild_per_change(course: Path, named: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that touches a file several times in a burst, and a hidden swap file, give exactly one rebuild; so too
    for a course named from the working folder, as `cmacourse preview` names the default course_content."""
    monkeypatch.chdir(course.parent)
    site = PreviewSite(course if named == "absolute" else Path(course.name))
    site.rebuild()
    stop = threading.Event()
    said: list[str] = []
    watcher = threading.Thread(target=_watch, args=(site, stop, said.append), daemon=True)
    watcher.start()
    try:
        time.sleep(0.5)  # the watcher is listening
        page = course / "01-basics" / "first.md"
        text = page.read_text()
        for n in range(5):
            page.write_text(text + f"\nEdit {n}.\n")
            time.sleep(0.02)
        (course / "01-basics" / ".first.md.swp").write_text("editor state")
        deadline = time.monotonic() + 10
        while site.version < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # time for any second rebuild to show
        assert site.version == 2, said
        assert said == ["Build 2: up to date."]
        assert "Edit 4." in (site.build_dir / "index.html").read_text()  # type: ignore[operator]
        (course / "01-basics" / ".other.swp").write_text("hidden only")
        time.sleep(1.0)
        assert site.version == 2
    finally:
        stop.set()
        watcher.join(timeout=5)
        site.close()


def test_falls_back_to_polling_without_file_events(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system refuses file events (inotify's watch limit), the watcher says so and rebuilds by polling."""
    import watchfiles

    real = watchfiles.watch

    def no_events(*args: object, force_polling: bool = False, **kwargs: object) -> object:
        if not force_polling:
            raise OSError(28, "inotify watch limit reached")
        return real(*args, force_polling=True, poll_delay_ms=50, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watchfiles, "watch", no_events)
    site = PreviewSite(course)
    site.rebuild()
    stop = threading.Event()
    said: list[str] = []
    watcher = threading.Thread(target=_watch, args=(site, stop, said.append), daemon=True)
    watcher.start()
    try:
        deadline = time.monotonic() + 5
        while not said and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        page = course / "01-basics" / "first.md"
        page.write_text(page.read_text() + "\nPolled.\n")
        deadline = time.monotonic() + 10
        # The watcher tells the rebuild's report just after the rebuild counts it: wait for both.
        while (site.version < 2 or len(said) < 2) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert said[0].startswith("cmacourse: file events are not available here") and "polling" in said[0]
        assert site.version == 2 and said[1:] == ["Build 2: up to date."]
    finally:
        stop.set()
        watcher.join(timeout=5)
        site.close()
