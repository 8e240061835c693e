"""Threaded static HTTP server for browser tests, with mounts and a same-origin proxy."""

from __future__ import annotations

import functools
import http.client
import http.server
import threading
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

LOOPBACK = "127.0.0.1"
HOP_BY_HOP_HEADERS = frozenset({
    "connection", "content-length", "host", "keep-alive", "proxy-connection", "te",
    "transfer-encoding", "upgrade",
})


class StaticServerFactory(Protocol):
    """Call signature of the ``static_server`` fixture; returns the base URL."""

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

    #: URL path prefix (e.g. "/peers/") -> directory served under it.
    mounts: Mapping[str, str] = {}
    #: URL path prefix (e.g. "/xAPI/") -> upstream URL the rest of the path is appended to.
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
        """Proxy, or serve a file."""
        if not self._proxied():
            super().do_GET()

    def do_HEAD(self) -> None:
        """Proxy, or serve a file's headers."""
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
        headers = {key: value for key, value in self.headers.items()
                   if key.lower() not in HOP_BY_HOP_HEADERS}
        path = target.path + (f"?{target.query}" if target.query else "")
        connection = http.client.HTTPConnection(target.netloc, timeout=30)
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
    """Start serving ``directory`` on 127.0.0.1:``port`` (0: a free one) from a daemon thread.

    Stop it with ``server.shutdown()`` then ``server.server_close()``.
    """
    attributes = {
        "mounts": {prefix: str(path) for prefix, path in (mounts or {}).items()},
        "proxy": dict(proxy or {}),
    }
    handler_class = type("BoundQuietHandler", (QuietHandler,), attributes)
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer((LOOPBACK, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name=f"static:{port}", daemon=True).start()
    return server


def base_url(server: http.server.ThreadingHTTPServer) -> str:
    """``http://127.0.0.1:PORT/`` of a server from start_static_server()."""
    return f"http://{LOOPBACK}:{server.server_address[1]}/"
