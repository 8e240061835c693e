"""The preview server without a browser: rebuilds, problems as data, and what each URL serves."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cmacourse.cli import main
from cmacourse.errors import UsageError
from cmacourse.preview import PreviewSite, listen, serve

MINI = Path(__file__).resolve().parents[1] / "courses" / "player-mini"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[PreviewSite]:
    """A preview of an editable copy of the small course, built once."""
    shutil.copytree(MINI, tmp_path / "course")
    preview = PreviewSite(tmp_path / "course")
    preview.rebuild()
    yield preview
    preview.close()


@pytest.fixture
def base_url(site: PreviewSite) -> Iterator[str]:
    """The preview's handler on a free port of 127.0.0.1."""
    server = listen(site, 0, print)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_rebuild_replaces_the_previous_build(site: PreviewSite) -> None:
    """Each rebuild goes into a new folder and drops the old one."""
    first = site.build_dir
    assert first is not None and (first / "index.html").is_file() and (first / "player" / "lms.js").is_file()
    page = site.root / "01-basics" / "first.md"
    page.write_text(page.read_text() + "\nOne more line.\n")
    site.rebuild()
    assert site.version == 2 and site.build_dir != first and not first.exists()
    assert "One more line." in (site.build_dir / "index.html").read_text()  # type: ignore[operator]


def test_broken_course_becomes_problems(site: PreviewSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """A content error leaves no build and lists each located problem, named from where the preview runs as the
    terminal names it; fixing it builds again."""
    monkeypatch.chdir(site.root.parent)
    module = site.root / "02-practice" / "module.yaml"
    good = module.read_text()
    module.write_text(good.replace("requires: [basics]", "requires: [nowhere]"))
    site.rebuild()
    assert site.build_dir is None
    assert any(p.startswith("course/02-practice/module.yaml:") and "nowhere" in p for p in site.problems)
    assert site.report().splitlines()[1:] == "\n".join(site.problems).splitlines()
    assert site.note.startswith("Build 2: the course has")
    module.write_text(good)
    site.rebuild()
    assert site.build_dir is not None and site.problems == []


def test_warnings_are_listed_and_counted_as_validate_counts_them(site: PreviewSite, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A course with warnings only builds, and the terminal lists the warnings and counts them as `validate` does."""
    monkeypatch.chdir(site.root.parent)
    module = site.root / "02-practice" / "module.yaml"
    module.write_text(module.read_text().replace("objectives:\n", "objectives:\n  - id: never-assessed\n    text: Something.\n", 1))
    site.rebuild()
    assert main(["validate", "course", "--strict"]) == 1
    out = capsys.readouterr().out
    assert site.build_dir is not None
    assert site.note == "Build 2: up to date (0 errors, 1 warning)."
    assert site.report() == "\n".join([site.note, out.rstrip("\n")])
    assert "warning[objective.unassessed]" in site.problems[0] and site.problems[0].startswith("course/02-practice/module.yaml:")


def test_urls(site: PreviewSite, base_url: str) -> None:
    """The page, its files, the build status and the course are served; nothing outside the build is."""
    status, kind, body = get(base_url + "/")
    assert status == 200 and kind.startswith("text/html") and b'src="/course/index.html"' in body
    status, kind, body = get(base_url + "/__preview__/version")
    assert json.loads(body) == {"version": 1, "ok": True, "note": "Build 1: up to date.", "problems": []}
    assert get(base_url + "/__preview__/shell.js")[0] == 200
    status, kind, body = get(base_url + "/course/player/lms.js")
    assert status == 200 and b"preview" in body
    assert get(base_url + "/course/index.html")[2].count(b'class="screen ') == 9
    assert get(base_url + "/course/../../../etc/passwd")[0] == 404
    assert get(base_url + "/course/%2e%2e/%2e%2e/course.yaml")[0] == 404
    assert get(base_url + "/nothing")[0] == 404


def test_problems_page_escapes_what_it_shows(site: PreviewSite, base_url: str) -> None:
    """The problems page shows each problem as text, even one quoting markup."""
    (site.root / "course.yaml").write_text("id: <script>alert(1)</script>\n")
    site.rebuild()
    status, _, body = get(base_url + "/course/index.html")
    assert status == 200 and b"<script>alert" not in body and b"data-problem" in body


def test_serve_refuses_a_folder_that_is_not_a_course(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """serve raises UsageError for a folder without course.yaml; the command exits with status 2."""
    with pytest.raises(UsageError):
        serve(tmp_path, port=0, open_browser=False)
    assert main(["preview", str(tmp_path), "--port", "0", "--no-browser"]) == 2
    assert "has no course.yaml" in capsys.readouterr().err
