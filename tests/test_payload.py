"""A script in every field an author can write reaches no output of any format as markup: every HTML field is escaped Markdown."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree
from lxml import html as lxml_html

from cmacourse import read_course
from cmacourse.cli import main

COURSES = Path(__file__).parent / "courses"
FORMATS = ("html", "scorm12", "scorm2004", "cmi5", "tincan", "imscc", "moodlexml")
MARK = "PWN"
#: Raw HTML as an attacker writes it, and Markdown links with script URLs.
PAYLOAD = (f' {MARK}<script>alert("{MARK}")</script><img src=x onerror="alert(\'{MARK}\')">'
           f'<a href="javascript:alert(\'{MARK}\')">{MARK}</a><svg onload="alert(\'{MARK}\')"></svg>'
           f"[{MARK}](javascript:alert('{MARK}')) ![{MARK}](javascript:alert('{MARK}'))")
#: The payload for titles, which are plain text of at most 200 characters.
TITLE_PAYLOAD = f' {MARK}<script>alert("{MARK}")</script><img src=x onerror="alert(\'{MARK}\')">'
#: Files that hold XML, whose HTML fields are checked; and the player's data, which it shows as text (the
#: browser tests run it: tests/browser/test_player_rules.py::test_hostile_author_text_never_runs).
XML_FILES = (".xml", ".qti")
DATA_FILES = (".js",)
#: Keys whose values are identifiers, file names, enumerations or addresses: the schemas refuse a payload there.
NOT_TEXT = {"id", "type", "kind", "style", "language", "version", "base_iri", "url", "src", "captions", "poster",
            "modules", "pages", "assessments", "final_exam", "glossary", "objectives", "requires", "answers", "unit"}
#: Every built-in block type, each text field with the payload.
BLOCKS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("callout", {"style": "warning", "title": "Callout" + TITLE_PAYLOAD, "text": "Callout text" + PAYLOAD}),
    ("image", {"src": "../media/pic.svg", "alt": "Alt" + PAYLOAD, "title": "Image title" + TITLE_PAYLOAD}),
    ("figure", {"src": "../media/pic.svg", "alt": "Figure alt" + PAYLOAD, "caption": "Caption" + PAYLOAD,
                "long_description": "Long" + PAYLOAD}),
    ("table", {"caption": "Table" + TITLE_PAYLOAD, "columns": ["Head" + PAYLOAD, "Other"], "rows": [["Cell" + PAYLOAD, 2]],
               "row_headers": True}),
    ("list", {"title": "List" + TITLE_PAYLOAD, "ordered": True, "items": ["Item" + PAYLOAD, "Two"]}),
    ("audio", {"src": "../media/a.mp3", "title": "Audio" + TITLE_PAYLOAD, "transcript": "Heard" + PAYLOAD}),
    ("video", {"src": "../media/v.mp4", "title": "Video" + TITLE_PAYLOAD, "transcript": "Seen" + PAYLOAD,
               "captions": "../media/v.vtt", "poster": "../media/pic.svg"}),
)


def _every_block_page() -> str:
    fences = "".join(f"\n```{kind}\n{yaml.safe_dump(body, allow_unicode=True, sort_keys=False)}```\n" for kind, body in BLOCKS)
    front = yaml.safe_dump({"id": "every-block", "title": "Every block" + TITLE_PAYLOAD, "objectives": ["obj-choose"]})
    return f"---\n{front}---\nProse{PAYLOAD}\n{fences}"


def _poison(value: Any, key: str | None = None) -> Any:
    """Every text value under a key authors write prose in, with the payload appended."""
    if isinstance(value, dict):
        return {k: _poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, key) for v in value]
    if isinstance(value, str) and key not in NOT_TEXT:
        return value + (TITLE_PAYLOAD if key == "title" else PAYLOAD)
    return value


def _poisoned_course(root: Path) -> Path:
    shutil.copytree(COURSES / "xapi-every-type", root)
    for path in sorted(root.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_poison(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    for path in sorted(root.rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = _poison(yaml.safe_load(front))
        path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body + "\n" + PAYLOAD + "\n")
    for name in ("final.yaml", "m1/check.yaml"):
        assessment = yaml.safe_load((root / name).read_text(encoding="utf-8"))
        assessment["introduction"] = "Before you start" + PAYLOAD
        (root / name).write_text(yaml.safe_dump(assessment, allow_unicode=True, sort_keys=False), encoding="utf-8")
    course = yaml.safe_load((root / "course.yaml").read_text(encoding="utf-8"))
    course["glossary"] = "glossary.yaml"
    course["publisher"] = "Publisher" + PAYLOAD
    course["credentials"] = [{"id": "cma", "name": "Name" + PAYLOAD, "awarding_body": "Body" + PAYLOAD, "abbreviation": "CMA"}]
    (root / "course.yaml").write_text(yaml.safe_dump(course, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "glossary.yaml").write_text(yaml.safe_dump({"terms": [
        {"id": "ged", "term": "GED" + PAYLOAD, "definition": "A diploma." + PAYLOAD}]}, allow_unicode=True))
    module = yaml.safe_load((root / "m1" / "module.yaml").read_text(encoding="utf-8"))
    module["pages"].append("every-block.md")
    module["reflection"] = "Reflect" + PAYLOAD + " [GED](glossary:ged)"
    module["links"] = [{"title": "Link" + TITLE_PAYLOAD, "url": "https://example.org/"}]
    (root / "m1" / "module.yaml").write_text(yaml.safe_dump(module, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "m1" / "every-block.md").write_text(_every_block_page(), encoding="utf-8")
    (root / "media").mkdir()
    (root / "media" / "pic.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n')
    for name in ("a.mp3", "v.mp4"):
        (root / "media" / name).write_bytes(b"\0")
    (root / "media" / "v.vtt").write_text("WEBVTT\n")
    return root


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Every file of every format built from the poisoned course, by format and path."""
    base = tmp_path_factory.mktemp("payload")
    course = _poisoned_course(base / "course_content")
    report = read_course(course)
    assert report.errors == (), [str(p) for p in report.errors]
    # The course is in fr-CA, which the player has no words in.
    assert {p.code for p in report.warnings} == {"markdown.raw-html", "language.no-player-words"}
    built: dict[str, dict[str, bytes]] = {}
    for fmt in FORMATS:
        out = base / fmt
        assert main(["build", str(course), "--format", fmt, "--out", str(out)]) == 0, fmt
        built[fmt] = dict(_files(out))
    return built


def _files(out: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(out.rglob("*")):
        if path.is_dir():
            continue
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as package:
                for name in package.namelist():
                    yield name, package.read(name)
        else:
            yield path.relative_to(out).as_posix(), path.read_bytes()


def _markup_problems(root: Any) -> Iterator[str]:
    """Script the author wrote that would run in this HTML: script elements, handlers and script URLs carrying the mark."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in {"script", "iframe", "object", "embed", "svg"} and MARK in (etree.tostring(element, encoding="unicode")):
            yield f"<{tag}> element carrying the payload"
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if MARK not in value:
                continue
            if local.startswith("on"):
                yield f"{local} handler on <{tag}>"
            if value.strip().lower().startswith(("javascript:", "vbscript:", "data:")):
                yield f"script URL in {local} of <{tag}>"


def _html_fields(document: etree._Element) -> Iterator[str]:
    """The texts of an XML file that its consumer reads as HTML: Moodle's format="html", QTI and CC's text/html."""
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("format") == "html":
            yield from (t.text or "" for t in element if isinstance(t.tag, str) and t.tag == "text")
        if element.get("texttype") == "text/html":
            yield element.text or ""
        if etree.QName(element).localname == "description" and "canvas.instructure.com" in (etree.QName(element).namespace or ""):
            yield element.text or ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_author_html_is_markup_in_any_output(outputs: dict[str, dict[str, bytes]], fmt: str) -> None:
    """Every HTML document and every HTML field of every XML file shows the payload as text, never as markup."""
    checked = 0
    for name, data in outputs[fmt].items():
        if MARK.encode() not in data:
            continue
        if name.endswith(".html"):
            found = list(_markup_problems(lxml_html.document_fromstring(data)))
        elif name.endswith(DATA_FILES):
            continue
        else:
            assert name.endswith(XML_FILES), f"{fmt}: {name} carries author text in a kind of file this test does not read"
            document = etree.fromstring(data)
            found = list(_markup_problems(document))
            for field in _html_fields(document):
                if MARK in field:
                    checked += 1
                    found += _markup_problems(lxml_html.fragment_fromstring(field, create_parent="div"))
        checked += 1
        assert found == [], f"{fmt}: {name}: {found}"
    assert checked, f"{fmt}: no output carried the payload, so nothing was checked"


def test_every_field_reaches_the_outputs(outputs: dict[str, dict[str, bytes]]) -> None:
    """The payload is carried (escaped) by every format: the check above looked at real text, not at an empty package."""
    for fmt, files in outputs.items():
        assert any(MARK.encode() in data for data in files.values()), fmt


def test_moodle_category_info_is_rendered_markdown(outputs: dict[str, dict[str, bytes]]) -> None:
    """The course description and module summary reach Moodle as rendered Markdown with the raw HTML escaped."""
    (data,) = outputs["moodlexml"].values()
    infos = [info.findtext("text") or "" for info in etree.fromstring(data).iter("info")]
    described = [info for info in infos if MARK in info]
    assert len(described) == 2
    for info in described:
        assert info.startswith("<p>") and "&lt;script&gt;" in info and "<script" not in info
    assert any("<strong>every</strong>" in info for info in described)
