"""The player every package carries: launch documents, runtime scripts, course data and media, written into a package."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from importlib import resources
from typing import Any, TypeVar

from ..errors import BuildError
from ..media import read_media
from ..model import Course
from ..packaging import PackageWriter, Stored
from .data import data_script
from .layout import Launch, LaunchLayout, Scope, launch_layouts
from .pages import launch_end, launch_parts
from .rendering import MarkdownRenderer, asset_path
from .state import StateLayout, worst_case_length
from .words import words_for

__all__ = ["DATA_SCRIPT", "XAPI_DATA_SCRIPT", "Launch", "LaunchLayout", "player_files", "render_player", "runtimes",
           "shared_renders", "worst_case_state_size"]

#: Package path of the course data script (``window.cmaCourse``).
DATA_SCRIPT = "player/course.js"
#: Package path of the tracking adapter, whatever its runtime.
ADAPTER_SCRIPT = "player/lms.js"
#: Package path of the standalone adapter, which other adapters may fall back on (``window.cmaStandalone``).
STANDALONE_SCRIPT = "player/standalone.js"
#: The player's own scripts, in the order they load after the data and the adapter.
PLAYER_SCRIPTS = ("player/words.js", "player/numbers.js", "player/state.js", "player/questions.js", "player/rules.js",
                  "player/navigation.js", "player/player.js")
#: Package path of the xAPI activity data (``window.cmaXapiActivities``), which the xAPI exporters write.
XAPI_DATA_SCRIPT = "player/xapi-activities.js"
#: The runtime core an adapter builds on, loaded just before it: package data in ``runtime/<core>/``
#: (outside the adapters' folder, so that no core is taken for an adapter), written as ``player/<name>``.
RUNTIME_CORES: dict[str, tuple[str, ...]] = {
    "scorm12": ("scorm/scorm-api.js",),
    "scorm2004": ("scorm/scorm-api.js",),
    "cmi5": ("xapi/xapi-queue.js", "xapi/xapi.js"),
    "tincan": ("xapi/xapi-queue.js", "xapi/xapi.js"),
}
#: Course data a runtime reads, written by its exporters, loaded before its core.
RUNTIME_DATA: dict[str, tuple[str, ...]] = {"cmi5": (XAPI_DATA_SCRIPT,), "tincan": (XAPI_DATA_SCRIPT,)}


def _core_path(core: str) -> str:
    return "player/" + core.rsplit("/", 1)[-1]

_T = TypeVar("_T")


class _Renders:
    """What has been rendered for one course object, by what it depends on (the scope, the scripts)."""

    def __init__(self) -> None:
        self.course: Course | None = None
        self.made: dict[tuple[Any, ...], Any] = {}

    def get(self, course: Course, key: tuple[Any, ...], make: Callable[[], _T]) -> _T:
        if self.course is not course:  # a course is frozen, so the same object renders the same bytes
            self.course, self.made = course, {}
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]  # type: ignore[no-any-return]


_shared: ContextVar[_Renders | None] = ContextVar("cmacourse_shared_renders", default=None)


@contextlib.contextmanager
def shared_renders() -> Iterator[None]:
    """Inside the block, packages of one course reuse the launch documents and course data already rendered.

    Formats that play the course in the same runtime family and scope carry the same bytes; building
    them in one block renders those once. Outside a block nothing is kept.
    """
    token = _shared.set(_Renders())
    try:
        yield
    finally:
        _shared.reset(token)


def _rendered(course: Course, key: tuple[Any, ...], make: Callable[[], _T]) -> _T:
    renders = _shared.get()
    return make() if renders is None else renders.get(course, key, make)


def runtimes() -> tuple[str, ...]:
    """The names of the tracking adapters installed with the player."""
    root = resources.files("cmacourse.player") / "runtime"
    return tuple(sorted(e.name[:-3] for e in root.iterdir() if e.name.endswith(".js")))


def player_files(runtime: str) -> Iterator[tuple[str, bytes]]:
    """The player's static files and adapters, by package path, copied byte for byte.

    Raises:
        BuildError: there is no adapter named ``runtime``.
    """
    root = resources.files("cmacourse.player")
    adapter = root / "runtime" / f"{runtime}.js"
    if not adapter.is_file():
        raise BuildError(f"no tracking adapter named {runtime!r}; installed: {', '.join(runtimes())}")
    for entry in sorted((root / "static").iterdir(), key=lambda e: e.name):
        if entry.is_file() and entry.name.endswith((".js", ".css")):
            yield f"player/{entry.name}", entry.read_bytes()
    for core in RUNTIME_CORES.get(runtime, ()):
        yield _core_path(core), (root / "runtime" / core).read_bytes()
    yield ADAPTER_SCRIPT, adapter.read_bytes()
    if runtime != "standalone":
        yield STANDALONE_SCRIPT, (root / "runtime" / "standalone.js").read_bytes()


def launch_scripts(runtime: str) -> tuple[str, ...]:
    """The scripts a launch document loads, in order: data, the fallback adapter, the core, the adapter, the player."""
    fallback = () if runtime == "standalone" else (STANDALONE_SCRIPT,)
    cores = tuple(map(_core_path, RUNTIME_CORES.get(runtime, ())))
    return (DATA_SCRIPT, *fallback, *RUNTIME_DATA.get(runtime, ()), *cores, ADAPTER_SCRIPT, *PLAYER_SCRIPTS)


def render_player(course: Course, writer: PackageWriter, *, runtime: str, scope: Scope = "course") -> tuple[Launch, ...]:
    """Write everything a learner's browser needs into ``writer`` and name the launch documents.

    Args:
        course: a valid course.
        writer: the package being built.
        runtime: the tracking adapter, ``runtime/<runtime>.js``, written as ``player/lms.js``.
        scope: ``"course"`` for one launch document ``index.html``; ``"module"`` for one per module
            (``modules/<module-id>/index.html``) plus ``index.html`` with the final exam.

    Returns:
        The launch documents, in course order.

    Raises:
        BuildError: the adapter does not exist or a media file cannot be read.
    """
    files = dict(player_files(runtime))
    layouts = _rendered(course, ("layouts", scope), lambda: launch_layouts(course, scope))
    scripts = launch_scripts(runtime)
    media = _written_launches(course, scope, layouts, scripts, writer)
    _written_once(course, ("data", scope), writer, lambda: _write_data(course, layouts, writer))
    for path, data in files.items():
        writer.add(path, data)
    for path in sorted(media):
        writer.add(asset_path(path), read_media(course.root, path))
    return tuple(layout.launch for layout in layouts)


_Written = tuple[tuple[tuple[str, bytes | Stored], ...], _T]


def _written_once(course: Course, key: tuple[Any, ...], writer: PackageWriter, write: Callable[[], _Written[_T]]) -> _T:
    """Files that every package of a build with the same ``key`` carries: ``write`` puts them into the
    first package's writer and returns them (as bytes, or as where that writer stored them, so that a
    large course's documents are not all held in memory) with what else it found; later packages take them."""
    first: list[bool] = []

    def first_write() -> _Written[_T]:
        first.append(True)
        return write()

    files, found = _rendered(course, key, first_write)
    if not first:
        for path, data in files:
            writer.add(path, data)
    return found


def _written_launches(course: Course, scope: Scope, layouts: tuple[LaunchLayout, ...], scripts: tuple[str, ...],
                      writer: PackageWriter) -> frozenset[str]:
    """The launch documents, each its body (the same in every package of a build: rendered for the first package
    that carries them, and taken from where it stored them by the others) and the end with this runtime's scripts.
    Returns the media files they show."""
    first: list[bool] = []

    def first_write() -> tuple[tuple[tuple[str, bytes | Stored], ...], frozenset[str]]:
        first.append(True)
        return _write_launch_documents(course, layouts, scripts, writer)

    bodies, media = _rendered(course, ("launches", scope), first_write)
    if not first:
        for (path, body), layout in zip(bodies, layouts):
            writer.add_joined(path, (body, launch_end(layout, scripts).encode("utf-8")))
    return media


def _kept(writer: PackageWriter, path: str, data: bytes | Iterable[str]) -> tuple[str, bytes | Stored]:
    """Add a file (bytes, or text in pieces) to ``writer``; what of it a later package can take: where it is stored, else its bytes."""
    if isinstance(data, bytes):
        writer.add(path, data)
    else:
        writer.add_parts(path, data)
    return path, writer.stored(path) or writer.read(path)


def _write_launch_documents(course: Course, layouts: tuple[LaunchLayout, ...], scripts: tuple[str, ...],
                            writer: PackageWriter) -> _Written[frozenset[str]]:
    """Each launch document, written as it is rendered, with where its body is (all of it but the scripts' end),
    and every media file the course and its documents use."""
    bodies = []
    media = set(_rendered(course, ("media",), course.media_files))
    for layout in layouts:
        renderer = MarkdownRenderer(course.glossary, root=layout.root, words=words_for(course.language))
        end = launch_end(layout, scripts)
        path, whole = _kept(writer, layout.launch.href, itertools.chain(launch_parts(course, layout, renderer), (end,)))
        body_length = (whole.length if isinstance(whole, Stored) else len(whole)) - len(end.encode("utf-8"))
        bodies.append((path, whole.head(body_length) if isinstance(whole, Stored) else whole[:body_length]))
        media |= renderer.media
    return tuple(bodies), frozenset(media)


def _write_data(course: Course, layouts: tuple[LaunchLayout, ...], writer: PackageWriter) -> _Written[None]:
    return (_kept(writer, DATA_SCRIPT, data_script(course, layouts, MarkdownRenderer(course.glossary))),), None


def worst_case_state_size(course: Course, scope: Scope = "course") -> int:
    """The longest state string the player can save for any launch document of the course.

    Every page viewed, the bookmark on the last screen, every assessment on its last attempt and
    every question answered with its longest response (typed text fully escaped).
    """
    return max(worst_case_length(StateLayout.from_layout(layout)) for layout in launch_layouts(course, scope))
