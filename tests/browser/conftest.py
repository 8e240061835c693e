"""Fixtures for browser tests: headless Chromium, static servers, npm peers, a Ralph LRS.

Everything these fixtures need is installed by ``bash scripts/setup-tests.sh``; a
missing piece makes the fixture fail (never skip) with a hint to run it.
tests/peers/README.md lists the facts about each peer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ralph_lrs import RalphLRS, free_port
from static_http import StaticServerFactory, base_url, start_static_server
from xapi_checks import RalphModels

if TYPE_CHECKING:
    from collections.abc import Mapping
    from http.server import ThreadingHTTPServer

    from playwright.sync_api import Browser, Page, Playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "tests" / "peers" / "node_modules"
LRS_PYTHON = REPO_ROOT / ".venv-lrs" / "bin" / "python"
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

#: Browser bundles of the npm peers (tests/peers/package.json), by short name.
PEER_ASSETS: dict[str, str] = {
    # Classic script defining window.Scorm12API and window.Scorm2004API.
    "scorm-again": "scorm-again/dist/scorm-again.min.js",
    # Classic scripts defining only window.Scorm12API, resp. window.Scorm2004API.
    "scorm12": "scorm-again/dist/scorm12.min.js",
    "scorm2004": "scorm-again/dist/scorm2004.min.js",
    # Classic script defining window.axe.
    "axe-core": "axe-core/axe.min.js",
}


def require(condition: bool, what: str) -> None:
    """Fail the requesting test (never skip) when a peer is missing."""
    if not condition:
        pytest.fail(f"{what}: {SETUP_HINT}", pytrace=False)


# ------------------------------------------------------------------------- Chromium


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Path of the Chromium binary: $CMACOURSE_CHROMIUM or /usr/bin/chromium."""
    path = Path(os.environ.get("CMACOURSE_CHROMIUM", DEFAULT_CHROMIUM))
    require(path.is_file() and os.access(path, os.X_OK), f"Chromium not found at {path}")
    return path


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    """A started Playwright (sync API) for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"Python Playwright is missing ({exc}): install the project's test"
                    f" extras and {SETUP_HINT}", pytrace=False)
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
            executable_path=str(chromium_executable), headless=True, args=list(CHROMIUM_ARGS)
        )
    except PlaywrightError as exc:
        pytest.fail(f"Chromium failed to start ({exc}): {SETUP_HINT}", pytrace=False)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    """A new page in a fresh browser context (no shared storage) for one test."""
    context = chromium_browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def page_errors(page: Page) -> list[str]:
    """Uncaught JavaScript errors of ``page``, collected as they happen."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


# ------------------------------------------------------------------------ npm peers


def peer_asset_path(name: str) -> Path:
    """Absolute path of the browser bundle ``name`` (a key of PEER_ASSETS)."""
    if name not in PEER_ASSETS:
        raise KeyError(f"unknown peer asset {name!r}; known: {sorted(PEER_ASSETS)}")
    path = NODE_MODULES / PEER_ASSETS[name]
    require(path.is_file(), f"{path} is missing")
    return path


@pytest.fixture(scope="session")
def peer_asset() -> Callable[[str], Path]:
    """Function mapping 'scorm-again', 'scorm12', 'scorm2004', 'axe-core' to bundle paths."""
    return peer_asset_path


@pytest.fixture(scope="session")
def peers_node_modules() -> Path:
    """tests/peers/node_modules, e.g. to mount in a static_server under /peers/."""
    require(NODE_MODULES.is_dir(), f"{NODE_MODULES} is missing")
    return NODE_MODULES


# -------------------------------------------------------------------- static server


@pytest.fixture
def static_server() -> Iterator[StaticServerFactory]:
    """Factory serving a directory at http://127.0.0.1:<port>/; returns that base URL.

    ``mounts={"/peers/": dir}`` serves another directory under a prefix;
    ``proxy={"/xAPI/": lrs.endpoint}`` forwards every request under the prefix
    (same-origin LRS, answering 502 while it is down); ``port`` reuses a port.
    Every server started by the test is stopped at teardown.
    """
    servers: list[ThreadingHTTPServer] = []

    def serve(
        directory: Path | str,
        *,
        mounts: Mapping[str, Path | str] | None = None,
        proxy: Mapping[str, str] | None = None,
        port: int = 0,
    ) -> str:
        servers.append(start_static_server(directory, mounts=mounts, proxy=proxy, port=port))
        return base_url(servers[-1])

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------------ Ralph LRS


@pytest.fixture(scope="session")
def lrs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphLRS]:
    """The session's Ralph LRS subprocess (from .venv-lrs), terminated at the end."""
    require(LRS_PYTHON.is_file(), f"Ralph's virtualenv {LRS_PYTHON.parents[1]} is missing")
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


@pytest.fixture(scope="session")
def ralph_models() -> Iterator[RalphModels]:
    """Ralph's xAPI models (``ralph.models.xapi``), checking statements in Ralph's own interpreter."""
    require(LRS_PYTHON.is_file(), f"Ralph's virtualenv {LRS_PYTHON.parents[1]} is missing")
    checker = RalphModels(LRS_PYTHON)
    yield checker
    checker.close()
