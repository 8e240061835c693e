"""A Ralph xAPI LRS subprocess for tests: start, stop, restart, query statements.

Ralph runs from its own virtualenv (.venv-lrs, made by scripts/setup-tests.sh)
through tests/peers/ralph_server.py; see tests/peers/README.md for its behaviour.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
RALPH_LAUNCHER = Path(__file__).resolve().parents[1] / "peers" / "ralph_server.py"
# Ralph 5.1.0's fs backend matches nothing for these filters: they are applied here.
LOCAL_FILTERS = ("verb", "activity", "related_activities")
Statement = dict[str, Any]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def origin_of(url: str) -> str:
    """Return the ``scheme://host:port`` origin of ``url``."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def bcrypt_hash(python: Path, password: str) -> str:
    """Hash ``password`` with the bcrypt of Ralph's virtualenv (cost 4: fast tests)."""
    script = ("import bcrypt, sys;"
              " print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())")
    done = subprocess.run([str(python), "-c", script, password],
                          check=True, capture_output=True, text=True)
    return done.stdout.strip()


class RalphLRS:
    """Ralph's LRS on 127.0.0.1 with the filesystem backend, Basic auth and optional CORS.

    Storage, credentials and port survive ``stop()``/``start()``, so a test can cut
    the LRS mid-session and bring the same one back.
    """

    username = "cmacourse-tests"
    password = "cmacourse-tests-secret"
    authority_mbox = "mailto:lrs-tests@example.org"
    start_timeout = 30.0

    def __init__(self, python: Path, root: Path, port: int) -> None:
        """Prepare storage and the auth file under ``root``; the server is not started."""
        self.python = python
        self.root = root
        self.port = port
        self.cors_origins: list[str] = []
        self._process: subprocess.Popen[bytes] | None = None
        for directory in (self.data_dir, self.app_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self._write_auth_file()

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
        """Filesystem backend directory; statements are appended to fs_lrs.jsonl."""
        return self.root / "data"

    @property
    def app_dir(self) -> Path:
        """RALPH_APP_DIR (Ralph writes history.json there)."""
        return self.root / "app"

    @property
    def auth_file(self) -> Path:
        """RALPH_AUTH_FILE: a JSON list of users with bcrypt hash, scopes and agent."""
        return self.root / "auth.json"

    @property
    def log_file(self) -> Path:
        """Ralph's stdout and stderr, appended across restarts."""
        return self.root / "ralph.log"

    def _write_auth_file(self) -> None:
        user = {
            "username": self.username,
            "hash": bcrypt_hash(self.python, self.password),
            "scopes": ["all"],
            "agent": {"mbox": self.authority_mbox, "objectType": "Agent"},
        }
        self.auth_file.write_text(json.dumps([user], indent=2), encoding="utf-8")

    def _environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("RALPH_")}
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
        """Start Ralph on ``self.port`` (cwd: ``root``, so no stray .env) and wait for it."""
        if self.is_running():
            return
        command = [str(self.python), str(RALPH_LAUNCHER), "--host", LOOPBACK,
                   "--port", str(self.port)]
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(command, cwd=self.root, env=self._environment(),
                                             stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_ready()

    def stop(self) -> None:
        """Terminate Ralph: the port stops answering, storage is kept."""
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
        """Let pages from the origins of ``urls`` call the LRS (CORS); restarts if needed.

        Ralph reads RALPH_RUNSERVER_CORS_ALLOW_ORIGINS (exact origins, no wildcard)
        only at startup, so a new origin costs a restart on the same port and storage.
        """
        missing = [origin for origin in dict.fromkeys(map(origin_of, urls))
                   if origin not in self.cors_origins]
        if missing:
            self.cors_origins.extend(missing)
            self.stop()
            self.start()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise RuntimeError(f"Ralph exited early:\n{self._log_tail()}")
            try:
                if self.request("GET", "/__lbheartbeat__", timeout=1)[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Ralph did not answer in {self.start_timeout}s:\n{self._log_tail()}")

    def _log_tail(self, lines: int = 40) -> str:
        text = self.log_file.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 10,
    ) -> tuple[int, dict[str, str], bytes]:
        """Send ``body`` as JSON to ``path`` (relative to base_url); return status, headers, body.

        Default headers: Authorization, X-Experience-API-Version 1.0.3 and JSON
        Content-Type; ``headers`` replaces them all. HTTP errors are returned,
        connection errors raised (OSError).
        """
        if headers is None:
            headers = {"Authorization": self.auth_header, "X-Experience-API-Version": "1.0.3",
                       "Content-Type": "application/json"}
        data = None if body is None else json.dumps(body).encode()
        url = urllib.parse.urljoin(self.base_url, path)
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def post_statements(self, statements: Statement | list[Statement]) -> list[str]:
        """POST one statement or a list to /xAPI/statements; return the stored ids."""
        status, _, body = self.request("POST", "/xAPI/statements", statements)
        if status != 200:
            raise AssertionError(f"LRS answered {status}: {body.decode(errors='replace')}")
        return [str(statement_id) for statement_id in json.loads(body)]

    def statements(self, **params: Any) -> list[Statement]:
        """GET every statement matching xAPI query ``params``, following ``more`` links.

        Oldest first (Ralph's fs backend order). Dict values (``agent``) are sent
        as JSON, booleans as true/false; ``verb``, ``activity`` and
        ``related_activities`` are applied here (see LOCAL_FILTERS).
        """
        local = {key: params.pop(key) for key in LOCAL_FILTERS if key in params}
        url: str | None = f"{self.endpoint}statements?{query_string(params)}"
        found: list[Statement] = []
        while url is not None:
            page = self._get_json(url)
            if "statements" not in page:  # a statementId / voidedStatementId query
                found.append(page)
                break
            found.extend(page["statements"])
            more = page.get("more")
            url = urllib.parse.urljoin(self.base_url, more) if more and page["statements"] else None
        return [statement for statement in found if matches(statement, local)]

    def _get_json(self, url: str) -> Statement:
        status, _, body = self.request("GET", url)
        if status != 200:
            raise AssertionError(f"GET {url} -> {status}: {body.decode(errors='replace')}")
        return dict(json.loads(body))


def query_string(params: Mapping[str, Any]) -> str:
    """Encode xAPI query parameters (dicts and lists as JSON, booleans as true/false)."""
    encoded: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, (dict, list)):
            encoded[key] = json.dumps(value)
        elif isinstance(value, bool):
            encoded[key] = "true" if value else "false"
        else:
            encoded[key] = str(value)
    return urllib.parse.urlencode(encoded)


def activity_ids(statement: Mapping[str, Any], related: bool) -> set[str]:
    """Ids of the statement's object and, if ``related``, of its context activities."""
    ids = {str(statement.get("object", {}).get("id"))}
    if related:
        for group in statement.get("context", {}).get("contextActivities", {}).values():
            ids.update(str(activity.get("id"))
                       for activity in (group if isinstance(group, list) else [group]))
    return ids


def matches(statement: Mapping[str, Any], local: Mapping[str, Any]) -> bool:
    """Whether ``statement`` passes the client-side verb/activity filters."""
    if "verb" in local and statement.get("verb", {}).get("id") != local["verb"]:
        return False
    if "activity" in local:
        related = bool(local.get("related_activities"))
        return str(local["activity"]) in activity_ids(statement, related)
    return True
