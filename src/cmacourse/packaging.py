"""The files of a package, collected as they are made and written as a reproducible zip archive or a folder tree.

The player and the exporters both write into a ``PackageWriter``, so it sits below them; publishing a
written package into an output folder is ``outputs.py``'s job. A writer for an output keeps no file in
memory: a folder's files go straight into the folder, an archive's into one spool file (appended in the
order they are made, which one open file makes cheap where thousands of small files are not), from
which the archive is written in its own order, one entry at a time.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Literal, NamedTuple

from lxml import etree

Layout = Literal["zip", "folder", "file"]

#: Every zip entry carries this date, so the same input gives the same bytes (zip's epoch is 1980).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: How many characters of a document given in pieces are gathered, encoded and written at once: few
#: writes, little held, whether the pieces are a rendered template's many short strings or a few long
#: batches of streamed XML.
_CHARACTERS_PER_WRITE = 1 << 16
#: How much of a spooled file is read at once when it is copied into an archive.
_CHUNK_BYTES = 1 << 20
#: How many children of a streamed XML document are serialised at once.
_CHILDREN_PER_BATCH = 64


class Stored(NamedTuple):
    """A file's bytes where a writer put them on disk: a file, and the range of it that holds them."""

    file: Path
    offset: int
    length: int

    def read(self) -> bytes:
        with self.file.open("rb") as source:
            return os.pread(source.fileno(), self.length, self.offset)

    def chunks(self) -> Iterator[bytes]:
        """The bytes in pieces of at most ``_CHUNK_BYTES``."""
        with self.file.open("rb") as source:
            end = self.offset + self.length
            for offset in range(self.offset, end, _CHUNK_BYTES):
                yield os.pread(source.fileno(), min(_CHUNK_BYTES, end - offset), offset)

    def head(self, length: int) -> Stored:
        """The first ``length`` bytes of these."""
        return Stored(self.file, self.offset, length)


class PackageWriter:
    """Collects the files of a package by their path inside it.

    Args:
        first_entry: the path the archive starts with (a manifest), if the format needs one first.
        spool: a new file to append every file's bytes to, instead of keeping them in memory.
        folder: a new folder to write every file into, as the package's own tree.
    """

    def __init__(self, first_entry: str | None = None, *, spool: Path | None = None, folder: Path | None = None) -> None:
        self.first_entry = first_entry
        self.folder = folder
        self._spool: BinaryIO | None = spool.open("xb+") if spool is not None else None
        #: Each file's bytes in memory, its (offset, length) in the spool, or None when it is in the folder.
        self._files: dict[str, bytes | tuple[int, int] | None] = {}
        self._spooled = 0
        self._spool_path = spool

    def add(self, path: str, data: bytes | str | Stored) -> None:
        """Add a file (its bytes, its text, or where another writer stored the same bytes); a path may be written once only.

        Raises:
            OSError: the spool or the folder cannot be written.
        """
        self._check_new(path)
        content = data.encode("utf-8") if isinstance(data, str) else data.read() if isinstance(data, Stored) else data
        if self._spool is not None:
            self._spool.write(content)
            self._files[path] = (self._spooled, len(content))
            self._spooled += len(content)
        elif self.folder is not None:
            file = self.folder / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(content)
            self._files[path] = None
        else:
            self._files[path] = content

    def add_parts(self, path: str, parts: Iterable[str]) -> None:
        """Add a text file given in pieces; one for a spool or a folder is written as they come, never held whole."""
        self.add_joined(path, _encoded_batches(parts))

    def add_joined(self, path: str, pieces: Iterable[bytes | Stored]) -> None:
        """Add a file made of pieces: bytes, or bytes another writer stored (copied from there in pieces)."""
        chunks = (chunk for piece in pieces for chunk in (piece.chunks() if isinstance(piece, Stored) else (piece,)))
        if self._spool is None and self.folder is None:
            self.add(path, b"".join(chunks))
            return
        self._check_new(path)
        if self._spool is not None:
            start = self._spooled
            for chunk in chunks:
                self._spooled += self._spool.write(chunk)
            self._files[path] = (start, self._spooled - start)
        else:
            file = self.folder / path  # type: ignore[operator]
            file.parent.mkdir(parents=True, exist_ok=True)
            with file.open("wb") as out:
                for chunk in chunks:
                    out.write(chunk)
            self._files[path] = None

    def add_xml(self, path: str, root: etree._Element) -> None:
        """Add an XML document, serialised by lxml with a declaration."""
        self.add(path, etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))

    def add_xml_stream(self, path: str, root: etree._Element, container: etree._Element, steps: Iterable[object]) -> None:
        """Add an XML document with a long run of children, never holding all of them: the same bytes as
        :meth:`add_xml` of the whole tree.

        ``container`` is ``root`` or an element inside it, and the rest of the tree is complete; each item
        ``steps`` gives stands for children it has just appended to ``container``. They are serialised a
        batch at a time, with the namespaces and indentation they have in the whole, and then dropped.
        """
        self.add_parts(path, _streamed_xml(root, container, steps))

    def _check_new(self, path: str) -> None:
        clean = PurePosixPath(path)
        if clean.is_absolute() or ".." in clean.parts or str(clean) != path:
            raise ValueError(f"not a clean relative package path: {path!r}")
        if path in self._files:
            raise ValueError(f"{path} is written twice")

    def paths(self) -> list[str]:
        """Every path, the first entry first and the rest sorted."""
        rest = sorted(p for p in self._files if p != self.first_entry)
        return ([self.first_entry] if self.first_entry in self._files else []) + rest

    def __contains__(self, path: str) -> bool:
        return path in self._files

    def read(self, path: str) -> bytes:
        stored = self._files[path]
        if isinstance(stored, bytes):
            return stored
        if stored is None:
            return (self.folder / path).read_bytes()  # type: ignore[operator]
        assert self._spool is not None
        self._spool.flush()
        return os.pread(self._spool.fileno(), stored[1], stored[0])

    def stored(self, path: str) -> Stored | None:
        """Where a file's bytes are on disk, for another package to take them from; None while in memory."""
        stored = self._files[path]
        if isinstance(stored, tuple) and self._spool_path is not None:
            assert self._spool is not None
            self._spool.flush()
            return Stored(self._spool_path, *stored)
        if stored is None and self.folder is not None:
            file = self.folder / path
            return Stored(file, 0, file.stat().st_size)
        return None

    def close(self) -> None:
        """Close the spool file, if any; the writer cannot be read from after."""
        if self._spool is not None:
            self._spool.close()

    def size(self, path: str) -> int:
        """The length of a file's bytes."""
        stored = self.stored(path)
        return stored.length if stored is not None else len(self.read(path))

    def chunks(self, path: str) -> Iterator[bytes]:
        """A file's bytes in pieces of at most ``_CHUNK_BYTES``, so that a large one is never held whole."""
        stored = self.stored(path)
        return stored.chunks() if stored is not None else iter((self.read(path),))

    def write_zip(self, target: Path) -> None:
        """Write a zip archive whose bytes depend on nothing but the files."""
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in self.paths():
                info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                _set_compress_level(info, 9)
                info.create_system = 3  # Unix, whatever the building machine
                info.external_attr = 0o644 << 16
                # Known before the entry is opened, as writestr() knows it: an entry past 2 GiB then gets zip64.
                info.file_size = self.size(path)
                with archive.open(info, "w") as entry:
                    for chunk in self.chunks(path):
                        entry.write(chunk)

    def write_folder(self, target: Path) -> None:
        if self.folder == target:
            return  # written as the files were added
        for path in self.paths():
            file = target / path
            file.parent.mkdir(parents=True, exist_ok=True)
            self._copy(path, file)

    def write(self, target: Path, layout: Layout) -> None:
        """Write the package at ``target`` as ``layout``: a zip archive, a folder tree, or its one file."""
        if layout == "zip":
            self.write_zip(target)
        elif layout == "folder":
            self.write_folder(target)
        else:
            (only,) = self.paths()
            self._copy(only, target)

    def _copy(self, path: str, target: Path) -> None:
        with target.open("wb") as out:
            for chunk in self.chunks(path):
                out.write(chunk)


def _encoded_batches(parts: Iterable[str]) -> Iterator[bytes]:
    """Text pieces as UTF-8, a batch at a time: few writes, little held."""
    batch: list[str] = []
    gathered = 0
    for part in parts:
        batch.append(part)
        gathered += len(part)
        if gathered >= _CHARACTERS_PER_WRITE:
            yield "".join(batch).encode("utf-8")
            batch.clear()
            gathered = 0
    yield "".join(batch).encode("utf-8")


def _set_compress_level(info: zipfile.ZipInfo, level: int) -> None:
    # ZipFile.open(info, "w") takes the level from the entry only: public since Python 3.13, private before.
    if hasattr(info, "compress_level"):
        info.compress_level = level
    else:
        info._compresslevel = level  # type: ignore[attr-defined]


_BATCH_START, _BATCH_END = "cmacourse-batch-start", "cmacourse-batch-end"


def _streamed_xml(root: etree._Element, container: etree._Element, steps: Iterable[object]) -> Iterator[str]:
    """The text of an XML document as its container's children are added, a batch at a time.

    The document around them is serialised once, with two marker comments where the children go. Each
    batch is serialised between the same markers in a bare copy of the container's ancestors, which
    gives it the same indentation and namespaces as the whole document would, and then dropped.
    """
    settled = len(container)  # children the container had before the stream began
    head, tail, _ = _split_at_batch(root, container)
    bare = _bare_ancestry(container)
    started = False

    def batch() -> Iterator[str]:
        nonlocal started
        children = container[settled:]
        if not children:
            return
        text = _split_at_batch(bare.getroottree().getroot(), bare, children)[2]
        if not started:
            started = True
            yield head
        yield text

    for count, _ in enumerate(steps, 1):
        if count % _CHILDREN_PER_BATCH == 0:
            yield from batch()
    yield from batch()
    if started:
        yield tail
    else:  # nothing streamed: the tree as it is
        yield etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _split_at_batch(root: etree._Element, container: etree._Element,
                    children: Sequence[etree._Element] = ()) -> tuple[str, str, str]:
    """The document's text before, after and between two markers at the end of ``container``, with ``children``
    moved between them (and then out of the tree): the markers' own lines are left out."""
    start, end = etree.Comment(_BATCH_START), etree.Comment(_BATCH_END)
    container.append(start)
    container.extend(children)
    container.append(end)
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")
    for child in (start, *children, end):
        container.remove(child)
    head, rest = text.split(f"<!--{_BATCH_START}-->", 1)
    body, tail = rest.split(f"<!--{_BATCH_END}-->", 1)
    # The indentation before each marker and the line end after it are the markers' own.
    head, indent = head.rsplit("\n", 1)
    return head + "\n", tail.removeprefix("\n"), body.removeprefix("\n").removesuffix(indent)


def _bare_ancestry(container: etree._Element) -> etree._Element:
    """A copy of ``container`` inside copies of its ancestors, with their tags, attributes and namespace
    declarations and nothing else."""
    copy: etree._Element | None = None
    for element in reversed([container, *container.iterancestors()]):
        declared = element.nsmap if copy is None else {k: v for k, v in element.nsmap.items() if copy.nsmap.get(k) != v}
        copy = (etree.Element(element.tag, dict(element.attrib), nsmap=declared) if copy is None
                else etree.SubElement(copy, element.tag, dict(element.attrib), nsmap=declared))
    assert copy is not None
    return copy
