"""Writing packages: reproducible zip archives and folders, moved into place only when complete."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Literal

from lxml import etree

Layout = Literal["zip", "folder", "file"]

#: Every zip entry carries this date, so the same input gives the same bytes (zip's epoch is 1980).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class PackageWriter:
    """Collects the files of a package in memory, by their path inside it."""

    def __init__(self, first_entry: str | None = None) -> None:
        self.first_entry = first_entry
        self._files: dict[str, bytes] = {}

    def add(self, path: str, data: bytes | str) -> None:
        """Add a file; a path may be written once only."""
        clean = PurePosixPath(path)
        if clean.is_absolute() or ".." in clean.parts or str(clean) != path:
            raise ValueError(f"not a clean relative package path: {path!r}")
        if path in self._files:
            raise ValueError(f"{path} is written twice")
        self._files[path] = data.encode("utf-8") if isinstance(data, str) else data

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
        return self._files[path]

    def write_zip(self, target: Path) -> None:
        """Write a zip archive whose bytes depend on nothing but the files."""
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in self.paths():
                info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, whatever the building machine
                info.external_attr = 0o644 << 16
                archive.writestr(info, self._files[path], compresslevel=9)

    def write_folder(self, target: Path) -> None:
        for path in self.paths():
            file = target / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(self._files[path])


def sub_element(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A child element with optional text; ``tag`` is already namespace-qualified."""
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def publish(writer: PackageWriter, target: Path, layout: Layout) -> None:
    """Write next to ``target`` and rename into place, so a failure never leaves a half-written package.

    ``layout`` is ``zip`` (an archive), ``folder`` (a tree of files) or ``file`` (the package's one file).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if layout == "folder":
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            writer.write_folder(staging)
            os.chmod(staging, 0o755)  # mkdtemp makes it private; a published site must be readable by a web server
            _replace_folder(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    staging_file = Path(name)
    try:
        if layout == "zip":
            writer.write_zip(staging_file)
        else:
            (only,) = writer.paths()
            staging_file.write_bytes(writer.read(only))
        os.chmod(staging_file, 0o644)
        os.replace(staging_file, target)
    except BaseException:
        staging_file.unlink(missing_ok=True)
        raise


def _replace_folder(staging: Path, target: Path) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    os.replace(target, old / "previous")
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
