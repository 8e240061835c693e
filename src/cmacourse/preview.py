"""``cmacourse preview``: the course served on 127.0.0.1, rebuilt when a file changes, beside what an LMS would record."""

from __future__ import annotations

import http.server
import json
import mimetypes
import shutil
import tempfile
import threading
import traceback
import webbrowser
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import CmaCourseError
from .exporters._package import PackageWriter
from .loading import course_root, read_course

#: How often the course folder is checked for changes, in seconds.
POLL_SECONDS = 0.4
#: The only interface the preview listens on: it is for the author's own browser.
HOST = "127.0.0.1"
#: URL prefix of the built course; the rest of the site is the preview page and its files.
COURSE_PREFIX = "/course/"
#: URL prefix of the preview page's own files and its build status.
PREVIEW_PREFIX = "/__preview__/"


class PreviewSite:
    """The latest build of a course folder, in a temporary folder, or the problems that stopped it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.workdir = Path(tempfile.mkdtemp(prefix="cmacourse-preview-"))
        self.lock = threading.Lock()
        self.version = 0
        self.build_dir: Path | None = None
        self.problems: list[str] = []
        self.course_id = ""
        self.title = root.name
        self._signature: tuple[tuple[str, int, int], ...] | None = None

    def signature(self) -> tuple[tuple[str, int, int], ...]:
        """Every file of the course with its modification time and size: any edit changes it."""
        found = []
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if any(part.startswith(".") for part in rel.parts):
                continue  # editors' swap files and version control
            try:
                stat = path.stat()
            except OSError:
                continue  # deleted while we looked
            if path.is_file():
                found.append((rel.as_posix(), stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def refresh(self) -> bool:
        """Rebuild when a file changed since the last build; returns whether it rebuilt."""
        signature = self.signature()
        if signature == self._signature:
            return False
        self._signature = signature
        self.rebuild()
        return True

    def rebuild(self) -> None:
        """Build the course with the preview adapter; a broken course becomes a list of problems."""
        from .player import render_player

        problems: list[str] = []
        target = self.workdir / f"build-{self.version + 1}"
        try:
            report = read_course(self.root)
            if report.errors or report.course is None:
                problems = [str(p) for p in report.problems]
            else:
                course = report.course
                writer = PackageWriter()
                render_player(course, writer, runtime="preview", scope="course")
                writer.write_folder(target)
                self.course_id, self.title = course.id, course.title
        except CmaCourseError as exc:
            problems = [str(exc)]
        except Exception:  # noqa: BLE001 - a bug must not stop the preview; the author sees it in the browser
            problems = ["cmacourse failed while building the preview:\n" + traceback.format_exc()]
        with self.lock:
            previous = self.build_dir
            self.build_dir = None if problems else target
            self.problems = problems
            self.version += 1
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)

    @property
    def note(self) -> str:
        """One line on the latest build, for the terminal and the preview page."""
        count = len(self.problems)
        if count:
            return f"Build {self.version}: the course has {count} problem{'s' if count != 1 else ''}."
        return f"Build {self.version}: up to date."

    def close(self) -> None:
        """Remove every build."""
        shutil.rmtree(self.workdir, ignore_errors=True)


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """Serves the preview page, its files, the build status and the built course."""

    site: PreviewSite

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Stay quiet: the terminal shows rebuilds, not every request."""

    def do_GET(self) -> None:
        """``/`` the preview page, ``/__preview__/`` its files and status, ``/course/`` the built course."""
        path = unquote(urlsplit(self.path).path)
        if path == "/":
            self._send(200, "text/html; charset=utf-8", self._page("preview.html.jinja", title=self.site.title,
                                                                course_id=self.site.course_id,
                                                                version=self.site.version, build_note=self.site.note))
        elif path == PREVIEW_PREFIX + "version":
            info = {"version": self.site.version, "ok": not self.site.problems, "note": self.site.note,
                    "problems": self.site.problems}
            self._send(200, "application/json", json.dumps(info).encode())
        elif path in (PREVIEW_PREFIX + "shell.js", PREVIEW_PREFIX + "shell.css"):
            name = path[len(PREVIEW_PREFIX):]
            data = (resources.files("cmacourse.player") / "preview" / name).read_bytes()
            self._send(200, "text/javascript" if name.endswith(".js") else "text/css", data)
        elif path.startswith(COURSE_PREFIX):
            self._course_file(path[len(COURSE_PREFIX):])
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found")

    def _course_file(self, rel: str) -> None:
        with self.site.lock:
            build_dir, problems = self.site.build_dir, list(self.site.problems)
        if build_dir is None:
            self._send(200, "text/html; charset=utf-8", self._page("problems.html.jinja", problems=problems))
            return
        clean = PurePosixPath(rel or "index.html")
        file = build_dir.joinpath(*clean.parts)
        if clean.is_absolute() or ".." in clean.parts or not file.is_file():
            self._send(404, "text/plain; charset=utf-8", b"not found")
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self._send(200, kind + ("; charset=utf-8" if kind.startswith("text/") else ""), file.read_bytes())

    def _page(self, template: str, **context: Any) -> bytes:
        from .player.pages import environment

        return environment().get_template(template).render(**context).encode()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def serve(path: str | Path, port: int = 8000, open_browser: bool = True) -> int:
    """Serve the course at ``path`` on 127.0.0.1 until Ctrl-C, rebuilding it whenever a file changes.

    Args:
        path: the course folder (or its course.yaml).
        port: the port to listen on; 0 picks a free one.
        open_browser: open the preview in the default browser.

    Returns:
        The exit status: 0 when stopped with Ctrl-C.

    Raises:
        UsageError: ``path`` is not a course folder.
    """
    site = PreviewSite(course_root(path))
    site.refresh()
    handler = type("BoundPreviewHandler", (PreviewHandler,), {"site": site})
    server = http.server.ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(POLL_SECONDS):
            if site.refresh():
                print(site.note, flush=True)

    watcher = threading.Thread(target=watch, name="cmacourse-preview-watch", daemon=True)
    url = f"http://{HOST}:{server.server_port}/"
    try:
        print(f"Previewing {site.root} at {url} (press Ctrl-C to stop)", flush=True)
        print(site.note, flush=True)
        watcher.start()
        if open_browser:
            webbrowser.open(url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("Preview stopped.", flush=True)
    finally:
        stop.set()
        server.server_close()
        if watcher.is_alive():
            watcher.join(timeout=2)
        site.close()
    return 0
