"""The files of a package, collected as they are made and written as a reproducible zip archive or a folder tree.

The player and the exporters both write into a ``PackageWriter``, so it sits below them; publishing a
written package into an output folder is ``outputs.py``'s job. A writer given a spool folder puts each
file on disk as it is added and keeps only its path, so a large course's packages never sit whole in
memory; the archive is then written from those files, one at a time.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path, PurePosixPath
from typing import Literal

from lxml import etree

Layout = Literal["zip", "folder", "file"]

#: Every zip entry carries this date, so the same input gives the same bytes (zip's epoch is 1980).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class PackageWriter:
    """Collects the files of a package by their path inside it: in memory, or in ``spool`` (a folder) if given."""

    def __init__(self, first_entry: str | None = None, spool: Path | None = None) -> None:
        self.first_entry = first_entry
        self.spool = spool
        #: Each file's bytes, or None for a file written into the spool folder.
        self._files: dict[str, bytes | None] = {}

    def add(self, path: str, data: bytes | str) -> None:
        """Add a file; a path may be written once only.

        Raises:
            OSError: the spool folder cannot be written.
        """
        clean = PurePosixPath(path)
        if clean.is_absolute() or ".." in clean.parts or str(clean) != path:
            raise ValueError(f"not a clean relative package path: {path!r}")
        if path in self._files:
            raise ValueError(f"{path} is written twice")
        content = data.encode("utf-8") if isinstance(data, str) else data
        if self.spool is None:
            self._files[path] = content
            return
        file = self.spool / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(content)
        self._files[path] = None

    def add_xml(self, path: str, root: etree._Element) -> None:
        """Add an XML document, serialised by lxml with a declaration."""
        self.add(path, etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))

    def paths(self) -> list[str]:
        """Every path, the first entry first and the rest sorted."""
        rest = sorted(p for p in self._files if p != self.first_entry)
        return ([self.first_entry] if self.first_entry in self._files else []) + rest

    def __contains__(self, path: str) -> bool:
        return path in self._files

    def read(self, path: str) -> bytes:
        data = self._files[path]
        return (self.spool / path).read_bytes() if data is None and self.spool is not None else data  # type: ignore[return-value]

    def write_zip(self, target: Path) -> None:
        """Write a zip archive whose bytes depend on nothing but the files."""
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in self.paths():
                info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, whatever the building machine
                info.external_attr = 0o644 << 16
                archive.writestr(info, self.read(path), compresslevel=9)

    def write_folder(self, target: Path) -> None:
        if self.spool is not None and not target.exists():
            os.replace(self.spool, target)  # the spool is the tree already; staging is on one file system
            self.spool = target
            return
        for path in self.paths():
            file = target / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(self.read(path))

    def write(self, target: Path, layout: Layout) -> None:
        """Write the package at ``target`` as ``layout``: a zip archive, a folder tree, or its one file."""
        if layout == "zip":
            self.write_zip(target)
        elif layout == "folder":
            self.write_folder(target)
        else:
            (only,) = self.paths()
            target.write_bytes(self.read(only))
