"""PackageWriter: what a package written piece by piece holds is what one written whole would."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from cmacourse import packaging
from cmacourse.packaging import ZIP_DATE, PackageWriter
from cmacourse.player.data import script_json, script_json_parts

NS = "http://example.org/ns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def document(children: int, settled: int) -> tuple[etree._Element, etree._Element, Iterator[None]]:
    """A tree with namespaces, a large sibling before the container and one after it, ``settled`` children already
    in the container and ``children`` more that the steps add, with text that holds line breaks and the markers."""
    root = etree.Element(f"{{{NS}}}root", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{NS} root.xsd")
    before = etree.SubElement(root, f"{{{NS}}}organization")
    for n in range(20):
        etree.SubElement(before, f"{{{NS}}}item", id=f"i{n}").text = f"item {n}"
    outer = etree.SubElement(root, f"{{{NS}}}outer")
    container = etree.SubElement(outer, f"{{{NS}}}resources", kind="all")
    for n in range(settled):
        etree.SubElement(container, f"{{{NS}}}resource", id=f"settled{n}")
    etree.SubElement(root, f"{{{NS}}}after").text = "end"

    def steps() -> Iterator[None]:
        for n in range(children):
            resource = etree.SubElement(container, f"{{{NS}}}resource", id=f"r{n}")
            etree.SubElement(resource, f"{{{NS}}}title").text = f"line one\nline two <!--cmacourse-batch-end--> & {n}"
            etree.SubElement(resource, f"{{{XSI}}}file", href=f"f{n}.html")
            yield

    return root, container, steps()


@pytest.mark.parametrize("children", [0, 1, 63, 64, 65, 200])
@pytest.mark.parametrize("settled", [0, 2])
def test_a_streamed_xml_document_is_the_whole_tree_serialised(children: int, settled: int) -> None:
    """Batches of children, and the batch boundaries, come out as the whole tree's pretty print does."""
    root, container, steps = document(children, settled)
    streamed = PackageWriter()
    streamed.add_xml_stream("doc.xml", root, container, steps)
    root, _, steps = document(children, settled)
    for _ in steps:
        pass
    whole = PackageWriter()
    whole.add_xml("doc.xml", root)
    assert streamed.read("doc.xml") == whole.read("doc.xml")
    assert etree.fromstring(streamed.read("doc.xml")).find(f".//{{{NS}}}resources") is not None


def test_a_streamed_document_never_holds_more_than_a_batch(tmp_path: Path) -> None:
    """While the steps run, the container holds at most one batch of children beyond those it started with."""
    root, container, steps = document(0, 0)
    held: list[int] = []

    def counted() -> Iterator[None]:
        for n in range(500):
            etree.SubElement(container, f"{{{NS}}}resource", id=f"r{n}")
            held.append(len(container))
            yield

    writer = PackageWriter(spool=tmp_path / "spool")
    writer.add_xml_stream("doc.xml", root, container, counted())
    assert max(held) <= packaging._CHILDREN_PER_BATCH
    assert len(etree.fromstring(writer.read("doc.xml")).find(f".//{{{NS}}}resources")) == 500


@pytest.mark.parametrize("piece", [2, 700, 5000])
def test_text_in_pieces_is_written_a_bounded_batch_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int) -> None:
    """Many short pieces or a few long ones (streamed XML gives batches of a thousand lines): each write holds
    at most the batch size plus one piece, and the file has every character."""
    monkeypatch.setattr(packaging, "_CHARACTERS_PER_WRITE", 4096)
    pieces = [f"{n % 10}ü" * (piece // 2) for n in range(max(200, 3 * 4096 // piece))]
    writes: list[int] = []
    writer = PackageWriter(spool=tmp_path / "spool")
    spool = writer._spool
    assert spool is not None
    real_write = spool.write
    monkeypatch.setattr(spool, "write", lambda data: writes.append(len(data)) or real_write(data))
    writer.add_parts("doc.txt", iter(pieces))
    assert writer.read("doc.txt").decode("utf-8") == "".join(pieces)
    longest = max(len(p.encode("utf-8")) for p in pieces)
    assert max(writes) < (4096 + longest) * 2  # UTF-8: ü is two bytes
    assert len(writes) > 1


def test_a_spooled_archive_copied_in_pieces_has_the_bytes_of_one_written_whole(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries larger than one piece, empty and small ones: the archive is what ZipFile.writestr gives for each."""
    monkeypatch.setattr(packaging, "_CHUNK_BYTES", 1000)
    files = {"index.html": bytes(range(256)) * 40, "empty.txt": b"", "player/a.js": b"x = 1;\n" * 300}
    writer = PackageWriter("index.html", spool=tmp_path / "spool")
    for path, data in files.items():
        writer.add(path, data)
    writer.write_zip(tmp_path / "streamed.zip")
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in writer.paths():
            info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path], compresslevel=9)
    assert (tmp_path / "streamed.zip").read_bytes() == expected.getvalue()


@pytest.mark.parametrize("layout", ["folder", "file"])
def test_folder_and_single_file_packages_are_copied_whole(tmp_path: Path, layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written in pieces, to a folder or as a package's one file, has every byte."""
    monkeypatch.setattr(packaging, "_CHUNK_BYTES", 7)
    data = "".join(f"part {n} ü\n" for n in range(100))
    writer = PackageWriter(spool=tmp_path / "spool") if layout == "file" else PackageWriter(folder=tmp_path / "staged")
    writer.add_parts("questions.xml", iter(data.splitlines(keepends=True)))
    target = tmp_path / ("copy.xml" if layout == "file" else "copy")
    writer.write(target, layout)  # type: ignore[arg-type]
    written = target if layout == "file" else target / "questions.xml"
    assert written.read_text(encoding="utf-8") == data


@pytest.mark.parametrize("head", [{}, {"a": [1, "</script>"]}])
def test_json_given_member_by_member_is_the_json_of_the_whole(head: dict[str, object]) -> None:
    """The course and xAPI data scripts write an object a member at a time: the text of one script_json()."""
    groups = {"b": iter([("x", "\u2028"), ("y", {"z": None})]), "c": iter([])}
    whole = {**head, "b": {"x": "\u2028", "y": {"z": None}}, "c": {}}
    assert "".join(script_json_parts(head, groups)) == script_json(whole)
