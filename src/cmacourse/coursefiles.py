"""Every file a course reads: kept inside the course folder with links followed, regular, and of a bounded size.

A course folder may come from anyone (a pull request built in CI), so a path that stays inside the
folder as written is not enough: a link (``media/pw.png -> /etc/passwd``, a module folder that links
elsewhere) would carry a file from outside into every package. Every read goes through
:class:`CourseFolder`, which resolves the path first.
"""

from __future__ import annotations

import errno
import os
import posixpath
import re
import stat
from pathlib import Path


#: The largest YAML or Markdown file a course may hold. The flagship's largest is 24 kB (its final
#: exam); twenty times that still fits, and a hostile file cannot make a build take minutes.
MAX_TEXT_BYTES = 512 * 1024
#: The largest media file; Moodle's own default upload limit is of this order.
MAX_MEDIA_BYTES = 100 * 1024 * 1024

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def relative_path(referrer: str, target: str) -> str | None:
    """The course-relative path of ``target`` written in the file ``referrer``; None if it leaves the course.

    An absolute path, a URL, or a ``..`` that climbs above the course folder all leave it. This is
    the path as written; :meth:`CourseFolder.locate` then follows links.
    """
    if not target or target.startswith(("/", "\\")) or _URL.match(target) or "\\" in target:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(referrer), target))
    if joined == ".." or joined.startswith("../") or joined == ".":
        return None
    return joined


class OutsideCourseError(Exception):
    """A path that leads outside the course folder through a link; ``link`` is the course path of that link."""

    def __init__(self, rel: str, link: str, target: str) -> None:
        if link == rel:
            super().__init__(f"{rel} is a link to {target}, outside the course folder")
        else:
            super().__init__(f"{rel} leads outside the course folder: {link} is a link to {target}")
        self.rel, self.link, self.target = rel, link, target

    def problem_text(self, subject: str) -> tuple[str, dict[str, str]]:
        """A problem's message saying which link leads out, after ``subject`` (the path read), with ``{link}`` and
        ``{target}`` where the link and its target go; and those paths."""
        target = link_target_path(self.link, self.target)
        if self.link == self.rel:
            return f"{subject} is a link to {{target}}, outside the course folder", {"target": target}
        return f"{subject} leads outside the course folder: {{link}} is a link to {{target}}", {"link": self.link, "target": target}


def link_target_path(link: str, target: str) -> str:
    """The path, from the course folder, that a link at the course path ``link`` points at (``target`` as the link holds it)."""
    if os.path.isabs(target):
        return target
    return posixpath.normpath(posixpath.join(posixpath.dirname(link), target))


class TooLargeError(Exception):
    """A file larger than its kind may be."""

    def __init__(self, rel: str, size: int, limit: int) -> None:
        super().__init__(f"{rel} is {megabytes(size)}; a file of this kind may hold at most {megabytes(limit)}")
        self.rel, self.size, self.limit = rel, size, limit


#: What a path is whose links lead back to themselves, in the words of :class:`NotRegularError`.
LINK_LOOP = "a link in a loop (its links lead back to it)"


class NotRegularError(Exception):
    """A path that names a folder, a device, a pipe or a link loop, which reading would never finish or make sense of."""

    def __init__(self, rel: str, kind: str) -> None:
        super().__init__(f"{rel} is {kind}, not a file")
        self.rel, self.kind = rel, kind


def megabytes(size: int) -> str:
    """A size as authors read it: ``1 MB``, ``52.4 MB``, ``700 kB``."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(size // 1024, 1)} kB"


class CourseFolder:
    """The course folder, through which every file of the course is read.

    Paths are handled as strings: a large course reads thousands of files, and pathlib's objects cost
    more than the reading.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real = root.resolve()
        self._root = os.fspath(root)
        self._real = os.fspath(self.real)
        #: The real path of each folder read from, by course path: a course reads many files per folder.
        self._folders: dict[str, str | None] = {}

    def contains(self, path: Path) -> bool:
        return self._inside(os.fspath(path))

    def _inside(self, real: str) -> bool:
        return real == self._real or real.startswith(self._real.rstrip(os.sep) + os.sep)

    def _located(self, rel: str) -> str:
        """The real path of a course-relative file, every link on the way followed.

        Raises:
            OutsideCourseError: the path, or a folder on it, is a link that leads outside the course folder.
            NotRegularError: the links on the way loop.
        """
        real = os.path.realpath(os.path.join(self._root, rel))
        if self._inside(real):
            return real
        if _loops(real):
            raise NotRegularError(rel, LINK_LOOP)
        # Name the first link that leaves, which is what the author must change.
        current = self.root
        for part in rel.split("/"):
            current = current / part
            if current.is_symlink() and not self.contains(current.resolve()):
                raise OutsideCourseError(rel, current.relative_to(self.root).as_posix(), os.readlink(current))
        raise OutsideCourseError(rel, rel, real)

    def _file(self, rel: str) -> tuple[str, os.stat_result]:
        """The real path of a course file and its status, links followed.

        A name that is not a link lies where its folder really is, so each folder is resolved once and
        a file costs one ``lstat``. Links, and anything unusual on the way, take the full resolution.
        """
        folder, name = posixpath.split(rel)
        if name not in ("", ".", ".."):
            real_folder = self._real_folder(folder)
            if real_folder is not None:
                real = os.path.join(real_folder, name)
                try:
                    info = os.lstat(real)
                except OSError:
                    info = None  # missing, or a loop on the way: the full resolution names it
                if info is not None and not stat.S_ISLNK(info.st_mode):
                    return real, info
        real = self._located(rel)
        try:
            return real, os.stat(real)
        except OSError as exc:
            if _loops(real, exc):
                raise NotRegularError(rel, LINK_LOOP) from None
            raise

    def _real_folder(self, folder: str) -> str | None:
        """The real path of a course folder when it lies inside the course, else None."""
        if folder not in self._folders:
            real = os.path.realpath(os.path.join(self._root, folder)) if folder else self._real
            self._folders[folder] = real if self._inside(real) else None
        return self._folders[folder]

    def read_bytes(self, rel: str, limit: int) -> bytes:
        """The bytes of a course file of at most ``limit`` bytes.

        Raises:
            OutsideCourseError: see :meth:`locate`.
            NotRegularError: it is a folder, a device, a pipe, or a link in a loop.
            TooLargeError: it is larger than ``limit``.
            OSError: it cannot be read (missing, no permission, a broken link).
        """
        real, info = self._file(rel)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularError(rel, "a folder" if stat.S_ISDIR(info.st_mode) else "a device or a pipe")
        if info.st_size > limit:
            raise TooLargeError(rel, info.st_size, limit)
        with open(real, "rb") as file:
            return file.read()

    def is_file(self, rel: str) -> bool:
        """Whether a course path names a regular file (inside the course or not)."""
        try:
            return (self.root / rel).is_file()
        except (OSError, ValueError):  # a name longer than the file system allows, or holding a NUL
            return False


def _loops(path: str, error: OSError | None = None) -> bool:
    """Whether the links on the way to ``path`` form a loop (which ``realpath`` leaves unresolved)."""
    if error is None:
        try:
            os.stat(path)
        except OSError as exc:
            error = exc
        else:
            return False
    return error.errno == errno.ELOOP
