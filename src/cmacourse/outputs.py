"""Publishing packages into an output folder: locked against other builds, staged, then all moved in or none.

A build holds an exclusive lock on the output folder itself (``flock`` on the folder, which the kernel
releases when the process ends, however it ends), so two builds into one folder take turns instead of
racing. Under the lock, the staging folders a killed build left behind are removed; every package is
written into one fresh staging folder beside its target, on the same file system; and ``commit`` renames
them into place. If a rename fails, the packages already moved are put back, so the folder shows either
every new package or the previous ones.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from .errors import OutputError
from .hints import shown_path
from .packaging import Layout, PackageWriter

try:
    import fcntl
except ImportError:  # Windows: no advisory locks on folders; builds there neither take turns nor remove
    fcntl = None  # type: ignore[assignment]  # another build's staging, which could still be in use

logger = logging.getLogger(__name__)

#: Name prefix of a build's staging folder inside the output folder.
STAGING_PREFIX = ".cmacourse-staging-"
#: Name prefix, inside staging, of the file that holds an archive's files while they are made.
SPOOL_PREFIX = ".files-"


class OutputFolder:
    """An output folder while a build publishes into it; use it as a context manager.

    Raises:
        OutputError: the folder cannot be created, locked or written.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock: int | None = None
        self._staging: Path | None = None
        self._staged: dict[str, Layout] = {}

    def __enter__(self) -> OutputFolder:
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(self.path, "it is a file, not a folder", "choose a folder for the packages")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            if fcntl is not None:
                self._lock = os.open(self.path, os.O_RDONLY)
                _take_turn(self._lock, self.path)
                remove_stale_staging(self.path)
            self._staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.path))
        except OSError as exc:
            self._release()
            raise OutputError.from_os_error(exc, self.path) from None
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._release()

    def writer(self, name: str, layout: Layout, first_entry: str | None = None) -> PackageWriter:
        """A writer for the package ``name`` that puts each file into staging as it is added: a folder's
        into the staged folder itself, an archive's into a spool file beside it.

        Raises:
            OutputError: a file or folder of that name is in the way, or staging cannot be written.
        """
        assert self._staging is not None, "writer() outside the with block"
        target = self.path / name
        self._check_in_the_way(target, layout)
        try:
            if layout == "folder":
                (self._staging / name).mkdir()
                return PackageWriter(first_entry, folder=self._staging / name)
            return PackageWriter(first_entry, spool=self._staging / f"{SPOOL_PREFIX}{name}")
        except OSError as exc:
            raise OutputError.from_os_error(exc, target) from None

    def stage(self, name: str, writer: PackageWriter, layout: Layout) -> Path:
        """Write one package into staging; it becomes ``<folder>/<name>`` at ``commit``. Returns that path."""
        assert self._staging is not None, "stage() outside the with block"
        target = self.path / name
        if name in self._staged:
            raise ValueError(f"{name} is staged twice")
        self._check_in_the_way(target, layout)
        staged = self._staging / name
        try:
            writer.write(staged, layout)
            writer.close()
            _make_readable(staged)
        except OSError as exc:
            raise OutputError.from_os_error(exc, target) from None
        self._staged[name] = layout
        return target

    @staticmethod
    def _check_in_the_way(target: Path, layout: Layout) -> None:
        if target.exists() and target.is_dir() != (layout == "folder"):
            found = "a folder" if target.is_dir() else "a file"
            raise OutputError(target, f"{found} of that name is in the way", "remove it or choose another folder")

    def commit(self) -> list[Path]:
        """Move every staged package into place, or none of them; returns their paths in staging order."""
        assert self._staging is not None, "commit() outside the with block"
        previous = self._staging / ".previous"
        moved: list[tuple[Path, Path | None]] = []
        try:
            previous.mkdir()
            for name in self._staged:
                target, kept = self.path / name, None
                if target.exists():
                    kept = previous / name
                    os.replace(target, kept)
                moved.append((target, kept))
                os.replace(self._staging / name, target)
        except BaseException as exc:
            _put_back(moved, self._staging)
            if isinstance(exc, OSError):
                raise OutputError.from_os_error(exc, self.path) from None
            raise
        return [self.path / name for name in self._staged]

    def _release(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None


def _take_turn(descriptor: int, folder: Path) -> None:
    """Hold the folder's lock, waiting (and saying so once) while another build holds it."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        logger.warning("waiting for another build into %s to finish", shown_path(folder))
        fcntl.flock(descriptor, fcntl.LOCK_EX)


def remove_stale_staging(folder: Path) -> None:
    """Remove the staging folders of builds that ended before publishing (killed, or out of power).

    Only the holder of the folder's lock creates staging folders, so under the lock every one found is stale.
    """
    for entry in folder.iterdir():
        if entry.name.startswith(STAGING_PREFIX) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _put_back(moved: list[tuple[Path, Path | None]], staging: Path) -> None:
    """Undo a commit that failed part-way: each new package back into staging, each previous one into place."""
    for target, kept in reversed(moved):
        if target.exists() or target.is_symlink():
            os.replace(target, staging / f".failed-{target.name}")
        if kept is not None:
            os.replace(kept, target)


def _make_readable(path: Path) -> None:
    # mkdtemp makes staging private; a published package must be readable by a web server and by the LMS uploader.
    if path.is_dir():
        for folder, dirs, files in os.walk(path):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
    else:
        os.chmod(path, 0o644)
