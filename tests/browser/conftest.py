"""Fixtures for browser tests: headless Chromium, static servers, npm peers, a Ralph LRS.

Everything these fixtures need is installed by ``bash scripts/setup-tests.sh``; a
missing piece makes the fixture fail (never skip) with a hint to run it.
See tests/peers/README.md for the facts about each peer.
"""

from __future__ import annotations

import base64
import functools
import http.client
import http.server
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
PEERS_DIR = REPO_ROOT / "tests" / "peers"
NODE_MODULES = PEERS_DIR / "node_modules"
LRS_PYTHON = REPO_ROOT / ".venv-lrs" / "bin" / "python"
RALPH_LAUNCHER = PEERS_DIR / "ralph_server.py"
SETUP_HINT = "run `bash scripts/setup-tests.sh` from the repository root"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# Browser bundles of the npm peers (tests/peers/package.json), by short name.
PEER_ASSETS: dict[str, str] = {
    # Classic script defining window.Scorm12API and window.Scorm2004API.
    "scorm-again": "scorm-again/dist/scorm-again.min.js",
    # Classic scripts defining only window.Scorm12API / window.Scorm2004API.
    "scorm12": "scorm-again/dist/scorm12.min.js",
    "scorm2004": "scorm-again/dist/scorm2004.min.js",
    # Classic script defining window.axe.
    "axe-core": "axe-core/axe.min.js",
}

LOOPBACK = "127.0.0.1"
HOP_BY_HOP_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "host",
     "proxy-connection", "content-length"}
)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def origin_of(url: str) -> str:
    """Return the ``scheme://host:port`` origin of ``url``."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --------------------------------------------------------------------------- Chromium


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Path of the Chromium binary: $CMACOURSE_CHROMIUM or /usr/bin/chromium."""
    path = Path(os.environ.get("CMACOURSE_CHROMIUM", DEFAULT_CHROMIUM))
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"Chromium not found at {path}: {SETUP_HINT}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    """A started Playwright (sync API) for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(
            f"Python Playwright is missing ({exc}): install the project's test extras"
            f" and {SETUP_HINT}",
            pytrace=False,
        )
    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="session")
def chromium_browser(
    playwright_instance: Playwright, chromium_executable: Path
) -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright, shared by the session."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        browser = playwright_instance.chromium.launch(
            executable_path=str(chromium_executable),
            headless=True,
            args=list(CHROMIUM_ARGS),
        )
    except PlaywrightError as exc:
        pytest.fail(f"Chromium failed to start ({exc}): {SETUP_HINT}", pytrace=False)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    """A new page in a fresh browser context (no shared storage) for one test."""
    context = chromium_browser.new_context()
    new_page = context.new_page()
    yield new_page
    context.close()


@pytest.fixture
def page_errors(page: Page) -> list[str]:
    """Uncaught JavaScript errors of ``page``, collected as they happen."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


# ----------------------------------------------------------------------- npm peers


def peer_asset_path(name: str) -> Path:
    """Absolute path of the browser bundle ``name`` (a key of PEER_ASSETS)."""
    try:
        relative = PEER_ASSETS[name]
    except KeyError:
        raise KeyError(f"unknown peer asset {name!r}; known: {sorted(PEER_ASSETS)}")
    path = NODE_MODULES / relative
    if not path.is_file():
        pytest.fail(f"{path} is missing: {SETUP_HINT}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def peer_asset() -> Callable[[str], Path]:
    """Function mapping 'scorm-again', 'scorm12', 'scorm2004', 'axe-core' to bundles."""
    return peer_asset_path


# ------------------------------------------------------------------- static server


class StaticServerFactory(Protocol):
    """Call signature of the ``static_server`` fixture."""

    def __call__(
        self,
        directory: Path | str,
        *,
        mounts: Mapping[str, Path | str] | None = None,
        proxy: Mapping[str, str] | None = None,
        port: int = 0,
    ) -> str: ...


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging or caching; can mount dirs and proxy prefixes."""

    mounts: Mapping[str, str] = {}
    proxy: Mapping[str, str] = {}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Log nothing."""

    def end_headers(self) -> None:
        """Forbid caching so a relaunch always sees the files as they are now."""
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def translate_path(self, path: str) -> str:
        """Map URL paths under a mount prefix into that mount's directory."""
        for prefix, directory in self.mounts.items():
            if path.startswith(prefix):
                served_root = self.directory
                self.directory = directory
                try:
                    return super().translate_path("/" + path[len(prefix):])
                finally:
                    self.directory = served_root
        return super().translate_path(path)

    def do_GET(self) -> None:
        """Proxy or serve a file."""
        if not self._proxied():
            super().do_GET()

    def do_HEAD(self) -> None:
        """Proxy or serve a file's headers."""
        if not self._proxied():
            super().do_HEAD()

    def do_POST(self) -> None:
        """Proxy, or answer 405."""
        self._proxy_or_405()

    def do_PUT(self) -> None:
        """Proxy, or answer 405."""
        self._proxy_or_405()

    def do_DELETE(self) -> None:
        """Proxy, or answer 405."""
        self._proxy_or_405()

    def do_OPTIONS(self) -> None:
        """Proxy, or answer 405."""
        self._proxy_or_405()

    def _proxy_or_405(self) -> None:
        if not self._proxied():
            self.send_error(405)

    def _proxied(self) -> bool:
        """Forward the request if its path starts with a proxy prefix."""
        for prefix, upstream in self.proxy.items():
            if self.path.startswith(prefix):
                self._forward(upstream + self.path[len(prefix):])
                return True
        return False

    def _forward(self, url: str) -> None:
        """Send this request to ``url``; answer 502 when the upstream is down."""
        target = urllib.parse.urlsplit(url)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            key: value
            for key, value in self.headers.items()
            if key.lower() not in HOP_BY_HOP_HEADERS
        }
        path = target.path + (f"?{target.query}" if target.query else "")
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        try:
            connection.request(self.command, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except OSError as exc:
            self.send_error(502, f"upstream {target.netloc} unreachable: {exc}")
            return
        finally:
            connection.close()
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP_HEADERS:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


def start_static_server(
    directory: Path | str,
    *,
    mounts: Mapping[str, Path | str] | None = None,
    proxy: Mapping[str, str] | None = None,
    port: int = 0,
) -> http.server.ThreadingHTTPServer:
    """Start serving ``directory`` on 127.0.0.1 from a daemon thread."""
    handler_class = type(
        "BoundQuietHandler",
        (QuietHandler,),
        {
            "mounts": {prefix: str(path) for prefix, path in (mounts or {}).items()},
            "proxy": dict(proxy or {}),
        },
    )
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer((LOOPBACK, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def static_server() -> Iterator[StaticServerFactory]:
    """Factory serving a directory at http://127.0.0.1:<port>/; returns the base URL.

    ``mounts={"/peers/": NODE_MODULES}`` serves another directory under a prefix;
    ``proxy={"/xAPI/": lrs.endpoint}`` forwards every request under the prefix to
    the upstream URL (same-origin access to the LRS, 502 while it is down);
    ``port`` reuses a known port (e.g. to relaunch on the same origin).
    """
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(
        directory: Path | str,
        *,
        mounts: Mapping[str, Path | str] | None = None,
        proxy: Mapping[str, str] | None = None,
        port: int = 0,
    ) -> str:
        server = start_static_server(directory, mounts=mounts, proxy=proxy, port=port)
        servers.append(server)
        return f"http://{LOOPBACK}:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------------ Ralph LRS


class RalphLRS:
    """A Ralph xAPI LRS subprocess (filesystem backend) that can be stopped and restarted.

    Storage, credentials and port survive ``stop()``/``start()``, so a test can cut
    the LRS mid-session and bring the same one back.
    """

    username = "cmacourse-tests"
    password = "cmacourse-tests-secret"
    authority_mbox = "mailto:lrs-tests@example.org"
    start_timeout = 30.0

    def __init__(self, python: Path, root: Path, port: int) -> None:
        self.python = python
        self.root = root
        self.port = port
        self.cors_origins: list[str] = []
        self._process: subprocess.Popen[bytes] | None = None
        for directory in (self.data_dir, self.app_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self._write_auth_file()

    # -- addresses and credentials

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def endpoint(self) -> str:
        """The xAPI endpoint, ``http://127.0.0.1:PORT/xAPI/``."""
        return f"{self.base_url}/xAPI/"

    @property
    def auth_header(self) -> str:
        """Value of the ``Authorization`` header: ``Basic base64(user:password)``."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"

    @property
    def data_dir(self) -> Path:
        """Directory of the filesystem backend (statements in fs_lrs.jsonl)."""
        return self.root / "data"

    @property
    def app_dir(self) -> Path:
        """RALPH_APP_DIR (Ralph keeps history.json there)."""
        return self.root / "app"

    @property
    def auth_file(self) -> Path:
        """RALPH_AUTH_FILE: JSON list of users with bcrypt hashes and scopes."""
        return self.root / "auth.json"

    @property
    def log_file(self) -> Path:
        """Ralph's stdout and stderr, appended across restarts."""
        return self.root / "ralph.log"

    def _write_auth_file(self) -> None:
        hashed = subprocess.run(
            [str(self.python), "-c",
             "import bcrypt, sys;"
             " print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())",
             self.password],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        user = {
            "username": self.username,
            "hash": hashed,
            "scopes": ["all"],
            "agent": {"mbox": self.authority_mbox, "objectType": "Agent"},
        }
        self.auth_file.write_text(json.dumps([user], indent=2), encoding="utf-8")

    # -- process control

    def _environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("RALPH_")}
        env.update(
            PYTHONUNBUFFERED="1",
            RALPH_APP_DIR=str(self.app_dir),
            RALPH_AUTH_FILE=str(self.auth_file),
            RALPH_RUNSERVER_BACKEND="fs",
            RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(self.data_dir),
        )
        if self.cors_origins:
            env["RALPH_RUNSERVER_CORS_ALLOW_ORIGINS"] = json.dumps(self.cors_origins)
        return env

    def is_running(self) -> bool:
        """Whether the subprocess is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start Ralph on ``self.port`` and wait until it answers."""
        if self.is_running():
            return
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                [str(self.python), str(RALPH_LAUNCHER), "--host", LOOPBACK,
                 "--port", str(self.port)],
                cwd=self.root, env=self._environment(),
                stdout=log, stderr=subprocess.STDOUT,
            )
        self._wait_until_ready()

    def stop(self) -> None:
        """Terminate Ralph; the port stops answering, storage is kept."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def ensure_running(self) -> None:
        """Start Ralph again if a test left it stopped."""
        if not self.is_running():
            self.start()

    def allow_origins(self, *urls: str) -> None:
        """Let browser pages from these origins call the LRS (CORS); restarts if needed.

        Ralph reads RALPH_RUNSERVER_CORS_ALLOW_ORIGINS (exact origins, no
        wildcard) only at startup, so a new origin means a restart on the same
        port and storage.
        """
        missing = [origin_of(url) for url in urls if origin_of(url) not in self.cors_origins]
        if not missing:
            return
        self.cors_origins.extend(dict.fromkeys(missing))
        self.stop()
        self.start()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"Ralph exited early:\n{self._log_tail()}")
            try:
                status, _, _ = self.request("GET", "/__lbheartbeat__", timeout=1)
            except OSError:
                time.sleep(0.1)
                continue
            if status == 200:
                return
        self.stop()
        raise RuntimeError(f"Ralph did not answer within {self.start_timeout}s:\n"
                           f"{self._log_tail()}")

    def _log_tail(self, lines: int = 40) -> str:
        text = self.log_file.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    # -- HTTP

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 10,
    ) -> tuple[int, dict[str, str], bytes]:
        """Send a request (path relative to base_url, JSON body); return status, headers, body.

        Default headers: Authorization, X-Experience-API-Version 1.0.3 and a JSON
        Content-Type; pass ``headers`` to replace them. HTTP errors are returned,
        connection errors raised (OSError).
        """
        if headers is None:
            headers = {
                "Authorization": self.auth_header,
                "X-Experience-API-Version": "1.0.3",
                "Content-Type": "application/json",
            }
        data = None if body is None else json.dumps(body).encode()
        url = urllib.parse.urljoin(self.base_url, path)
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def post_statements(self, statements: dict[str, Any] | list[dict[str, Any]]) -> list[str]:
        """POST one statement or a list to /xAPI/statements; return the stored ids."""
        status, _, body = self.request("POST", "/xAPI/statements", statements)
        if status != 200:
            raise AssertionError(f"LRS answered {status}: {body.decode(errors='replace')}")
        return list(json.loads(body))

    def statements(self, **params: Any) -> list[dict[str, Any]]:
        """GET every statement matching xAPI query ``params``, following ``more`` links.

        Statements come oldest first (Ralph's fs backend order). Dict values (e.g.
        ``agent``) are sent as JSON. ``verb`` and ``activity`` (with
        ``related_activities``) are applied here: Ralph 5.1.0's fs backend matches
        nothing for them.
        """
        local = {key: params.pop(key) for key in ("verb", "activity", "related_activities")
                 if key in params}
        url: str | None = f"{self.endpoint}statements?{_query_string(params)}"
        found: list[dict[str, Any]] = []
        for _ in range(10_000):
            if url is None:
                break
            page = self._get_json(url)
            if "statements" not in page:  # statementId / voidedStatementId query
                return [page] if _matches(page, local) else []
            found.extend(page["statements"])
            more = page.get("more")
            url = urllib.parse.urljoin(self.base_url, more) if more and page["statements"] else None
        return [statement for statement in found if _matches(statement, local)]

    def _get_json(self, url: str) -> dict[str, Any]:
        status, _, body = self.request("GET", url)
        if status != 200:
            raise AssertionError(f"GET {url} -> {status}: {body.decode(errors='replace')}")
        return dict(json.loads(body))


def _query_string(params: Mapping[str, Any]) -> str:
    """Encode xAPI query parameters (dicts as JSON, booleans as true/false)."""
    encoded: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, (dict, list)):
            encoded[key] = json.dumps(value)
        elif isinstance(value, bool):
            encoded[key] = "true" if value else "false"
        else:
            encoded[key] = str(value)
    return urllib.parse.urlencode(encoded)


def _activity_ids(statement: Mapping[str, Any], related: bool) -> set[str]:
    """Ids of the statement's object and, if ``related``, of its context activities."""
    ids = {str(statement.get("object", {}).get("id"))}
    if related:
        context = statement.get("context", {}).get("contextActivities", {})
        for activities in context.values():
            for activity in activities if isinstance(activities, list) else [activities]:
                ids.add(str(activity.get("id")))
    return ids


def _matches(statement: Mapping[str, Any], local: Mapping[str, Any]) -> bool:
    """Whether ``statement`` passes the client-side verb/activity filters."""
    if "verb" in local and statement.get("verb", {}).get("id") != local["verb"]:
        return False
    if "activity" in local:
        related = bool(local.get("related_activities"))
        return local["activity"] in _activity_ids(statement, related)
    return True


@pytest.fixture(scope="session")
def lrs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphLRS]:
    """The session's Ralph LRS subprocess (from .venv-lrs), terminated at the end."""
    if not LRS_PYTHON.is_file():
        pytest.fail(f"Ralph's virtualenv {LRS_PYTHON.parent.parent} is missing: {SETUP_HINT}",
                    pytrace=False)
    server = RalphLRS(LRS_PYTHON, tmp_path_factory.mktemp("ralph-lrs"), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def lrs(lrs_server: RalphLRS) -> Iterator[RalphLRS]:
    """The session's Ralph LRS, running when the test starts; restarted if left stopped."""
    lrs_server.ensure_running()
    yield lrs_server
    lrs_server.ensure_running()
