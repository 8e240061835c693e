"""Markdown rendering and escaping: authors' text is shown, never run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest

from cmacourse.exporters._package import PackageWriter
from cmacourse.loading import load_course
from cmacourse.model import GlossaryTerm
from cmacourse.player import DATA_SCRIPT, render_player
from cmacourse.player.data import script_json
from cmacourse.player.rendering import MarkdownRenderer

COURSES = Path(__file__).resolve().parents[1] / "courses"
HOSTILE = COURSES / "player-hostile"
PAYLOAD_TEXT = "<script>window.__pwned=1</script>"
GLOSSARY = (GlossaryTerm(id="ged", term="GED", definition="General *Educational* Development."),)


@pytest.fixture(scope="module")
def hostile_files() -> dict[str, bytes]:
    """Every file of the hostile course's player, by package path."""
    writer = PackageWriter()
    render_player(load_course(HOSTILE), writer, runtime="standalone")
    return {path: writer.read(path) for path in writer.paths()}


def field_markers() -> list[str]:
    """Every FIELD-<name> marker written in the hostile course's files."""
    found: set[str] = set()
    for file in HOSTILE.rglob("*"):
        if file.is_file() and file.suffix in (".yaml", ".md"):
            found.update(re.findall(r"FIELD-[a-z-]+", file.read_text()))
    return sorted(found)


def test_raw_html_is_escaped() -> None:
    """Raw HTML in Markdown comes out as text, not as elements."""
    html = MarkdownRenderer(()).block('<script>alert(1)</script> <img src=x onerror="alert(2)">\n\n<div>block</div>')
    assert "<script" not in html and "<img" not in html and "<div" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;div&gt;block&lt;/div&gt;" in html


@pytest.mark.parametrize("target", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "vbscript:x", "data:text/html,<b>x</b>"])
def test_script_links_are_not_links(target: str) -> None:
    """Links with a script-running scheme are left as text."""
    html = MarkdownRenderer(()).block(f"[click](<{target}>)")
    assert "<a" not in html


def test_an_entity_cannot_smuggle_a_script_scheme() -> None:
    """A tab written as an entity inside "javascript:" is percent-encoded, which no browser reads as a scheme."""
    html = MarkdownRenderer(()).block("[click](jav&#x09;ascript:alert(1))")
    href = lxml.html.fragment_fromstring(html).find(".//a").get("href")
    assert href == "jav%09ascript:alert(1)"


def test_glossary_link_points_at_the_term_with_its_definition() -> None:
    """A glossary: link becomes a link to the term on the glossary screen, titled with the plain definition."""
    html = MarkdownRenderer(GLOSSARY).inline("A [GED](glossary:ged) or diploma")
    link = lxml.html.fragment_fromstring(f"<p>{html}</p>").find("a")
    assert link.get("href") == "#g-ged"
    assert link.get("class") == "gloss" and link.get("data-term") == "ged"
    assert link.get("title") == "GED: General Educational Development."


def test_external_links_open_a_new_tab_and_say_so() -> None:
    """An outside link opens a new tab (an LMS frame must not navigate away) and tells screen readers."""
    html = MarkdownRenderer(()).inline("[BLS](https://www.bls.gov/ooh/)")
    link = lxml.html.fragment_fromstring(f"<p>{html}</p>").find("a")
    assert link.get("target") == "_blank" and link.get("rel") == "noopener noreferrer"
    assert link.text_content() == "BLS (opens in a new tab)"


def test_images_are_packaged_relative_to_the_launch_document() -> None:
    """An image path is resolved against its page and pointed into assets/, from the launch's folder."""
    renderer = MarkdownRenderer((), root="../../")
    html = renderer.block("![A flow](../media/pathway.svg)", "01-high-school/welcome.md")
    image = lxml.html.fragment_fromstring(html).find(".//img")
    assert image.get("src") == "../../assets/media/pathway.svg" and image.get("alt") == "A flow"
    assert renderer.media == {"media/pathway.svg"}


def test_remote_images_are_not_requested() -> None:
    """A remote image is shown as its alt text: the player makes no network request."""
    renderer = MarkdownRenderer(())
    html = renderer.block("![remote](https://example.org/x.png)", "a/page.md")
    assert "<img" not in html and "remote" in html and not renderer.media


def test_plain_text_drops_markup() -> None:
    """Plain text for interactions has no tags, no entities and single spaces."""
    assert MarkdownRenderer(()).plain("A *b* & `c`\n[d](https://x.org) <e>") == "A b & c d <e>"


def test_script_json_cannot_close_a_script_element() -> None:
    """The data blob escapes <, >, & and the JavaScript line separators, and still parses to the same value."""
    value = {"t": "</script><script>alert(1)</script> & \u2028\u2029"}
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


@pytest.mark.parametrize("marker", field_markers())
def test_every_markdown_field_is_rendered_escaped(hostile_files: dict[str, bytes], marker: str) -> None:
    """Each hostile field is in the launch document, with its script shown as text."""
    html = hostile_files["index.html"].decode()
    assert marker in html
    tail = html[html.index(marker):][:400]
    assert "&lt;script&gt;" in tail or "&lt;/script&gt;" in tail


def test_no_author_text_becomes_script_or_handler(hostile_files: dict[str, bytes]) -> None:
    """The launch document's only scripts are the player's files, and no element has an event handler or script URL."""
    tree = lxml.html.document_fromstring(hostile_files["index.html"])
    scripts = [s.get("src") for s in tree.iter("script")]
    assert scripts == [DATA_SCRIPT, "player/lms.js", "player/words.js", "player/numbers.js", "player/state.js",
                       "player/questions.js", "player/rules.js", "player/navigation.js", "player/player.js"]
    assert not list(tree.iter("svg", "iframe", "object", "embed"))
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert not value.strip().lower().startswith(("javascript:", "vbscript:", "data:")), (element.tag, name, value)


def test_data_script_keeps_hostile_text_as_data(hostile_files: dict[str, bytes]) -> None:
    """The data script holds the hostile answer exactly, with no markup that could end a script element."""
    script = hostile_files[DATA_SCRIPT].decode()
    assert "</script" not in script.lower() and "<" not in script
    data = json.loads(script[script.index("=") + 1:].strip().rstrip(";"))
    assert data["assessments"]["check"]["questions"][3]["answers"] == ["</script><script>window.__pwned=8</script>"]
    assert data["title"].startswith("Title </script><script>")


def test_fill_blank_prompt_shows_a_named_blank(hostile_files: dict[str, bytes]) -> None:
    """The underscores of a fill-in-the-blank prompt become a blank that screen readers name."""
    tree = lxml.html.document_fromstring(hostile_files["index.html"])
    prompt = tree.get_element_by_id("qp-q-blank")
    blank = prompt.find_class("blank")
    assert len(blank) == 1 and blank[0].text_content() == "blank"
    assert "___" not in prompt.text_content()
