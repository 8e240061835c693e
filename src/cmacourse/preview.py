"""``cmacourse preview``: the course served on 127.0.0.1, rebuilt when a file changes, beside what an LMS would record."""

from __future__ import annotations

import errno
import http.server
import json
import mimetypes
import os
import shutil
import tempfile
import threading
import traceback
import webbrowser
from collections.abc import Callable
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import watchfiles

from .errors import CmaCourseError, OutputError, UsageError, problems_as_typed
from .hints import shown_path
from .loading import course_root, read_course
from .packaging import PackageWriter
from .player import render_player
from .player.pages import environment, template_words
from .player.words import words_for

#: The quiet time, in ms, that ends a burst of file events (an editor's save is several: truncate, write,
#: rename) so that the burst gives one rebuild; and the longest a burst is gathered before a rebuild anyway.
QUIET_MS = 200
LONGEST_BURST_MS = 1600
#: How many ports above a taken one the preview tries before giving up.
PORT_TRIES = 20
#: The only interface the preview listens on: it is for the author's own browser.
HOST = "127.0.0.1"
#: URL prefix of the built course; the rest of the site is the preview page and its files.
COURSE_PREFIX = "/course/"
#: URL prefix of the preview page's own files and its build status.
PREVIEW_PREFIX = "/__preview__/"
#: The preview page's own files, by name, and their folder in the player: its script and style, and the
#: player's words and numbers, which its script shows the panel in.
PREVIEW_FILES = {"shell.js": "preview", "shell.css": "preview", "words.js": "static", "numbers.js": "static"}


class PreviewSite:
    """The latest build of a course folder, in a temporary folder, or the problems that stopped it."""

    def __init__(self, root: Path) -> None:
        # Absolute, as the paths of file events are: a relative root (the default course_content) matched none.
        self.root = root.absolute()
        self.workdir = Path(tempfile.mkdtemp(prefix="cmacourse-preview-"))
        self.lock = threading.Lock()
        self.version = 0
        self.build_dir: Path | None = None
        #: The latest build's problems as ``validate`` prints them (paths from where the command runs), for the
        #: terminal and the browser alike: what stopped it, or the warnings of a build that went through.
        self.problems: list[str] = []
        #: How many of them are errors and warnings; what stops a build that is no content problem counts as an error.
        self.errors = self.warnings = 0
        self.course_id = ""
        self.title = root.name
        #: The language of the latest build, which the preview page's words follow.
        self.language = "en"

    def rebuild(self) -> None:
        """Build the course with the preview adapter; a broken course becomes a list of problems."""
        problems: list[str] = []
        errors = warnings = 0
        target = self.workdir / f"build-{self.version + 1}"
        try:
            report = read_course(self.root)
            problems = [str(p) for p in problems_as_typed(report.problems, self.root)]
            errors, warnings = len(report.errors), len(report.warnings)
            if report.errors or report.course is None:
                errors = max(errors, 1)
            else:
                course = report.course
                writer = PackageWriter()
                render_player(course, writer, runtime="preview", scope="course")
                writer.write_folder(target)
                self.course_id, self.title, self.language = course.id, course.title, course.language
        except CmaCourseError as exc:
            problems, errors, warnings = [str(exc)], 1, 0
        except OSError as exc:  # the temporary folder is full or gone: say where, keep serving
            problems, errors, warnings = [str(OutputError.from_os_error(exc, target))], 1, 0
        except Exception:  # noqa: BLE001 - a bug must not stop the preview; the author sees it in the browser
            problems, errors, warnings = ["cmacourse failed while building the preview:\n" + traceback.format_exc()], 1, 0
        with self.lock:
            previous = self.build_dir
            self.build_dir = None if errors else target
            self.problems, self.errors, self.warnings = problems, errors, warnings
            self.version += 1
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)

    @property
    def note(self) -> str:
        """One line on the latest build, for the terminal and the preview page, counting as ``validate`` counts."""
        counted = f"{self.errors} error{'s' * (self.errors != 1)}, {self.warnings} warning{'s' * (self.warnings != 1)}"
        if self.errors:
            count = len(self.problems)
            return f"Build {self.version}: the course has {count} problem{'s' * (count != 1)} ({counted})."
        if self.warnings:
            return f"Build {self.version}: up to date ({counted})."
        return f"Build {self.version}: up to date."

    def report(self) -> str:
        """What the terminal shows after a build: the note, then every problem as ``validate`` prints it."""
        return "\n".join([self.note, *self.problems])

    def is_course_file(self, change: watchfiles.Change, path: str) -> bool:
        """Whether a file event can change the course: not editors' swap files, version control or other hidden files."""
        try:
            rel = Path(path).relative_to(self.root)
        except ValueError:
            return False
        return not any(part.startswith(".") for part in rel.parts) and _EDITOR_FILES(change, path)

    def close(self) -> None:
        """Remove every build."""
        shutil.rmtree(self.workdir, ignore_errors=True)


_EDITOR_FILES = watchfiles.DefaultFilter()


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """Serves the preview page, its files, the build status and the built course, to the author's own browser only."""

    site: PreviewSite
    #: The ``Host`` values the preview answers: its own loopback address and port. Any other name is a page
    #: elsewhere reaching it through DNS rebinding, and gets nothing.
    hosts: frozenset[str] = frozenset()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Stay quiet: the terminal shows rebuilds, not every request."""

    def do_GET(self) -> None:
        """``/`` the preview page, ``/__preview__/`` its files and status, ``/course/`` the built course."""
        if self.headers.get("Host", "") not in self.hosts:
            self._send(421, "text/plain; charset=utf-8", b"this server answers only requests for its own loopback address")
            return
        path = unquote(urlsplit(self.path).path)
        if path == "/":
            self._send(200, "text/html; charset=utf-8", self._page("preview.html.jinja", title=self.site.title,
                                                                course_id=self.site.course_id,
                                                                version=self.site.version, build_note=self.site.note))
        elif path == PREVIEW_PREFIX + "version":
            info = {"version": self.site.version, "ok": not self.site.errors, "note": self.site.note,
                    "problems": self.site.problems}
            self._send(200, "application/json", json.dumps(info).encode())
        elif path[len(PREVIEW_PREFIX):] in PREVIEW_FILES:
            name = path[len(PREVIEW_PREFIX):]
            data = (resources.files("cmacourse.player") / PREVIEW_FILES[name] / name).read_bytes()
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
        words = template_words(words_for(self.site.language))
        return environment().get_template(template).render(**words, **context).encode()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def serve(path: str | os.PathLike[str], port: int = 8000, open_browser: bool = True,
          say: Callable[[str], None] | None = None) -> int:
    """Serve the course at ``path`` on 127.0.0.1 until Ctrl-C, rebuilding it once after each change.

    Args:
        path: the course folder (or its course.yaml).
        port: the port to listen on; 0 picks a free one; a taken one gives the next free one above it.
        open_browser: open the preview in the default browser.
        say: where the lines for the author go (default: stdout).

    Returns:
        The exit status: 0 when stopped with Ctrl-C.

    Raises:
        UsageError: ``path`` is not a course folder, or no port near ``port`` can be listened on.
    """
    tell = say or (lambda line: print(line, flush=True))
    site = PreviewSite(course_root(path))
    stop = threading.Event()
    try:
        site.rebuild()
        server = listen(site, port, tell)
        watcher = threading.Thread(target=_watch, args=(site, stop, tell), name="cmacourse-preview-watch", daemon=True)
        url = f"http://{HOST}:{server.server_port}/"
        try:
            tell(f"Previewing {shown_path(site.root)} at {url} (press Ctrl-C to stop)")
            tell(site.report())
            watcher.start()
            if open_browser:
                webbrowser.open(url)
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            tell("Preview stopped.")
        finally:
            stop.set()
            server.server_close()
            if watcher.is_alive():
                watcher.join(timeout=2)
    finally:
        site.close()
    return 0


def listen(site: PreviewSite, port: int, tell: Callable[[str], None]) -> http.server.ThreadingHTTPServer:
    """A server on ``port``, or on the next free port above it when it is taken (and the author is told which).

    Raises:
        UsageError: no port can be listened on.
    """
    for candidate in [port] if port == 0 else range(port, min(port + PORT_TRIES, 65536)):
        try:
            server = http.server.ThreadingHTTPServer((HOST, candidate), _bound_handler(site))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE and port != 0:
                continue
            raise UsageError(f"cannot listen on {HOST}:{candidate}: {exc.strerror or exc}; choose another port with --port") from None
        server.daemon_threads = True
        server.RequestHandlerClass.hosts = frozenset({f"{HOST}:{server.server_port}", f"localhost:{server.server_port}"})  # type: ignore[attr-defined]
        if candidate != port:
            tell(f"Port {port} is in use; previewing on port {candidate} instead (choose one with --port).")
        return server
    raise UsageError(f"ports {port} to {port + PORT_TRIES - 1} on {HOST} are all in use; choose a free one with --port (0 picks any)")


def _bound_handler(site: PreviewSite) -> type[PreviewHandler]:
    return type("BoundPreviewHandler", (PreviewHandler,), {"site": site})


def _watch(site: PreviewSite, stop: threading.Event, tell: Callable[[str], None]) -> None:
    """Rebuild once per burst of file events from the operating system, until ``stop`` is set.

    Where the system cannot deliver events (inotify's watch limit reached, a network file system), the
    watcher says so and falls back to watchfiles' polling, which still rebuilds once per burst.
    """
    polling = False
    while not stop.is_set():
        try:
            for _changes in watchfiles.watch(site.root, watch_filter=site.is_course_file, debounce=LONGEST_BURST_MS,
                                             step=QUIET_MS, stop_event=stop, raise_interrupt=False, force_polling=polling):
                site.rebuild()
                tell(site.report())
            return
        except Exception as exc:  # noqa: BLE001 - the preview must keep serving whatever the watcher meets
            if polling or not site.root.is_dir():
                tell(f"cmacourse: stopped watching {shown_path(site.root)}: {exc}; restart the preview to rebuild")
                return
            tell(f"cmacourse: file events are not available here ({exc}); watching by polling instead")
            polling = True
