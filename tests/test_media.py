"""Media files: an SVG that could run is refused, as are types browsers run and names that LMSs or unzip tools mangle."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from xmlschemas import assert_valid, compile_schema

from cmacourse import load_course
from cmacourse.exporters import export, imscc, scorm12
from cmacourse.media import name_problem, svg_problems, type_problem

from coursebuilder import MINIMAL, found, with_files, write_course

SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
FLAGSHIP_MEDIA = Path(__file__).parent.parent / "course_content" / "media"


def _svg(body: str, prolog: str = "") -> bytes:
    return f'{prolog}<svg {SVG_NS} width="10" height="10">{body}</svg>'.encode()


@pytest.mark.parametrize(("body", "prolog", "finding"), [
    ("<script>alert(1)</script>", "", "the <script> element"),
    ('<script xlink:href="https://evil.example/x.js"/>', "", "the <script> element"),
    ('<rect width="1" height="1" onclick="alert(1)"/>', "", "the onclick attribute of <rect> runs script"),
    ('<rect width="1" height="1" ONLOAD="alert(1)"/>', "", "the ONLOAD attribute"),
    ('<a xlink:href="  java&#x09;script:alert(1)"><text>x</text></a>', "", "is a script URL"),
    ('<a href="javascript:alert(1)"><text>x</text></a>', "", "is a script URL"),
    ('<image href="https://tracker.example/p.png" width="1" height="1"/>', "", "outside this file"),
    ('<use xlink:href="other.svg#shape"/>', "", "outside this file"),
    ('<a href="data:image/svg+xml;base64,PHN2Zz4=">x</a>', "", "outside this file"),
    ("<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>hi</div></foreignObject>", "", "the <foreignObject> element"),
    ("<iframe src='https://example.org'/>", "", "the <iframe> element"),
    ('<set attributeName="href" to="javascript:alert(1)"/>', "", "changes the href attribute"),
    ('<animate attributeName="onmouseover" to="alert(1)"/>', "", "changes the onmouseover attribute"),
    ("<style>@import url(https://evil.example/x.css);</style>", "", "its <style> loads a file"),
    ('<rect width="1" height="1" style="fill: url(https://evil.example/p.svg#g)"/>', "", "the style attribute of <rect>"),
    ("", '<?xml-stylesheet href="https://evil.example/x.css"?>\n', "the processing instruction"),
    ("<text>&x;</text>", '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n', "its DOCTYPE declares entities"),
])
def test_an_svg_that_could_run_or_fetch_is_refused(body: str, prolog: str, finding: str) -> None:
    """Scripts, event handlers, script URLs, external references, embedded pages and entities are each found."""
    problems = [what for _, what in svg_problems(_svg(body, prolog))]
    assert any(finding in what for what in problems), problems


def test_an_entity_is_never_expanded_while_the_svg_is_checked() -> None:
    """The check reads the file with lxml, entities off: an external entity's content never appears in a finding."""
    data = _svg("<text>&x;</text>", '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n')
    assert all("root" not in what for _, what in svg_problems(data))


@pytest.mark.parametrize("body", [
    '<rect width="1" height="1" fill="url(#grad)"/><linearGradient id="grad"/>',
    '<use href="#shape"/><circle id="shape" r="1"/>',
    '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>',
    "<title>A picture</title><desc>onload= is only words here</desc>",
])
def test_a_still_picture_passes(body: str) -> None:
    """Fragment references, embedded raster data and text that merely mentions handlers are fine."""
    assert list(svg_problems(_svg(body))) == []


def test_the_flagship_pictures_pass() -> None:
    """Every SVG the flagship course ships is a still picture."""
    pictures = sorted(FLAGSHIP_MEDIA.glob("*.svg"))
    assert pictures
    for picture in pictures:
        assert list(svg_problems(picture.read_bytes())) == [], picture.name
        etree.fromstring(picture.read_bytes())  # and is well-formed, as the check needs


def test_an_svg_that_is_not_xml_is_refused_with_its_line() -> None:
    """A file named .svg that is not well-formed XML cannot be checked, so it is refused, at the line lxml stopped."""
    ((line, what),) = svg_problems(b"<svg>\n<rect>\n</svg>")
    assert line == 3 and "not well-formed XML" in what


@pytest.mark.parametrize(("path", "refused"), [
    ("media/chart#1.svg", "'#'"), ("media/what?.png", "'?'"), ("media/100%.png", "'%'"), ("media/a:b.png", "':'"),
    ("media/tab\there.png", "'\\t'"), ("media/dot.", "ends in a dot"), ("media/space .png", None),
    ("media/con.png", "reserved for a device"), ("media/LPT1", "reserved for a device"), ("med|ia/x.png", "'|'"),
    ("media/café.svg", None), ("media/my pic.svg", None), ("media/console.png", None),
])
def test_names_every_lms_and_system_can_carry(path: str, refused: str | None) -> None:
    """Characters that break a URL or a Windows file name are refused; spaces and accents are encoded instead."""
    problem = name_problem(path)
    assert (problem is None) if refused is None else (problem is not None and refused in problem)


@pytest.mark.parametrize(("path", "refused"), [("media/intro.html", True), ("media/x.XHTML", True), ("media/run.js", True),
                                               ("media/pic.svgz", True), ("media/pic.svg", False), ("media/a.mp4", False)])
def test_types_a_browser_runs_are_refused(path: str, refused: bool) -> None:
    """HTML, XML, script, Flash and compressed SVG (which cannot be checked) are never media."""
    assert (type_problem(path) is not None) == refused


def test_names_that_differ_only_in_case_are_refused(tmp_path: Path) -> None:
    """``Pic.svg`` and ``pic.svg`` would unzip into one file on Windows and macOS: each is an error where it is first used."""
    page = str(MINIMAL["m1/intro.md"]) + "\n![Again](../media/Pic.svg)\n"
    files = with_files(MINIMAL, m1__intro_md=None, **{"m1__intro.md": page, "media__Pic.svg": MINIMAL["media/pic.svg"]})
    assert [p[1:4] for p in found(tmp_path, files)] == [("media.case-collision", "m1/intro.md", 8),
                                                        ("media.case-collision", "m1/intro.md", 16)]


def test_a_refused_media_file_is_reported_at_every_use(tmp_path: Path) -> None:
    """A script in the shared picture is one error per place that shows it, each naming the line in the SVG."""
    files = with_files(MINIMAL, media__pic_svg=None, **{"media__pic.svg": _svg("\n<script>alert(1)</script>").decode()})
    problems = [(p[1], p[3]) for p in found(tmp_path, files)]
    assert problems == [("media.active-content", 8), ("media.active-content", 11)]


def test_spaced_and_accented_names_pass_the_manifest_schemas(tmp_path: Path, spec_dir: Path) -> None:
    """Media named ``my pic.svg`` and ``café.svg`` are listed in manifests the official XSDs accept, SCORM's and the cartridge's."""
    page = str(MINIMAL["m1/intro.md"]) + "\n![Space](<../media/my pic.svg>) ![Accent](../media/café.svg)\n"
    svg = MINIMAL["media/pic.svg"]
    files = with_files(MINIMAL, **{"m1__intro.md": page, "media__my pic.svg": svg, "media__café.svg": svg})
    course = load_course(write_course(tmp_path / "course_content", files))
    scorm = compile_schema({scorm12.NS[None]: spec_dir / "scorm12" / "imscp_rootv1p1p2.xsd",
                            scorm12.NS["adlcp"]: spec_dir / "scorm12" / "adlcp_rootv1p2.xsd"},
                           {"ims_xml.xsd": spec_dir / "scorm2004-4th" / "xml.xsd"})
    cc = spec_dir / "imscc11"
    cartridge = compile_schema({imscc.CP_NS: cc / "ccv1p1_imscp_v1p2_v1p0.xsd", imscc.LOM_NS: cc / "ccv1p1_lommanifest_v1p0.xsd",
                                "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource": cc / "ccv1p1_lomresource_v1p0.xsd"},
                               {"xml.xsd": cc / "xml.xsd"})
    for fmt, schema in (("scorm12", scorm), ("imscc", cartridge)):
        with zipfile.ZipFile(export(course, fmt, tmp_path / "out")) as package:
            manifest = package.read("imsmanifest.xml")
            assert_valid(schema, manifest)
            listed = {f.get("href") for f in etree.fromstring(manifest).iter("{*}file")}
            assert {name for name in listed if "pic" in name or "caf" in name} <= set(package.namelist())
            assert any(name.endswith("media/my pic.svg") for name in listed), fmt
