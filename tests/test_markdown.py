"""The one Markdown reader: what validation finds in a text is what rendering shows and the packages carry."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmacourse import load_course
from cmacourse.cli import main
from cmacourse.markdown import raw_html, references
from cmacourse.player.rendering import MarkdownRenderer

from coursebuilder import MINIMAL, edit, found, position, with_files

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'


def test_an_image_in_a_code_span_or_code_block_is_code() -> None:
    """``![](chart.png)`` inside backticks or an indented block is no image, to validation as to rendering."""
    text = "Write `![](chart.png)` for a picture.\n\n    ![](also-code.png)\n"
    assert references(text, "m1/page.md").images == ()
    html = str(MarkdownRenderer(()).block(text, "m1/page.md"))
    assert "<img" not in html and "<code>![](chart.png)</code>" in html


def test_every_form_of_image_is_found_with_its_place() -> None:
    """Inline, reference-style, bracketed and percent-encoded images all resolve to course paths, each at its line and column."""
    text = ("Inline ![A](../media/a.svg) and ![B][ref].\n"
            "> ![C](<../media/my pic.svg>) ![D](../media/café.svg)\n"
            "- ![E](../media/caf%C3%A9.svg)\n\n"
            "[ref]: ../media/b.svg\n")
    images = references(text, "m1/page.md").images
    assert [(i.alt, i.resolved, i.line, i.column) for i in images] == [
        ("A", "media/a.svg", 1, 8),
        ("B", "media/b.svg", 1, 33),
        ("C", "media/my pic.svg", 2, 3),
        ("D", "media/café.svg", 2, 31),
        ("E", "media/café.svg", 3, 3),
    ]


def test_a_percent_encoded_climb_is_decoded_before_the_containment_check() -> None:
    """``%2e%2e`` is ``..``: an image that climbs out of the course so is outside it, not a file named ``%2e%2e``."""
    (image,) = references("![x](%2e%2e/%2e%2e/etc/passwd)", "m1/page.md").images
    assert image.resolved is None and image.target == "../../etc/passwd"


def test_glossary_links_are_links_markdown_recognises() -> None:
    """A glossary link inside a code span is code; one in a table cell or a reference definition is a link."""
    text = "`[x](glossary:code)` [GED][g]\n\n| a |\n|---|\n| [CMA](glossary:cma) |\n\n[g]: glossary:ged\n"
    terms = [(link.href, link.line, link.column) for link in references(text, "p.md").glossary_terms()]
    assert terms == [("glossary:ged", 1, 22), ("glossary:cma", 5, 3)]


def test_raw_html_is_found_but_tag_like_text_is_not() -> None:
    """HTML elements and comments are raw HTML; ``<angle brackets>``, mail autolinks and code are text."""
    text = "A <b>bold</b> word<br>\n\n<div>box</div>\n\n<!-- note -->\n\nMail <me@example.org>, <angle brackets>, `<i>`.\n"
    assert [(t.tag, t.line, t.column) for t in raw_html(text)] == [
        ("<div>", 3, 1), ("<!-- note -->", 5, 1), ("<b>", 1, 3), ("</b>", 1, 10), ("<br>", 1, 19)]


def test_images_in_prompts_and_feedback_are_checked(tmp_path: Path) -> None:
    """An image in a question's prompt or feedback is checked for its file and its alt text like one on a page."""
    files = edit(MINIMAL, "m1/check.yaml", "prompt: What comes first?", "prompt: 'What comes first? ![](../media/gone.svg)'")
    files = edit(files, "m1/check.yaml", "feedback: Right.", "feedback: |\n          Right. ![Steps][s]\n\n          [s]: ../media/none.svg\n")
    codes = sorted((code, file) for _, code, file, *_ in found(tmp_path, files))
    assert codes == [("a11y.missing-alt", "m1/check.yaml"), ("ref.missing-media", "m1/check.yaml"),
                     ("ref.missing-media", "m1/check.yaml")]


def test_what_validates_builds_and_every_image_is_packaged(tmp_path: Path) -> None:
    """Accented, spaced and reference-style images and images in questions validate, build, and ship in the package."""
    page = MINIMAL["m1/intro.md"]
    assert isinstance(page, str)
    files = with_files(MINIMAL, **{
        "m1__intro.md": page + "\n![Café](../media/café.svg) ![Space](<../media/my pic.svg>) ![Ref][r]\n\n[r]: ../media/ref.svg\n",
        "media__café.svg": SVG, "media__my pic.svg": SVG, "media__ref.svg": SVG, "media__quiz.svg": SVG})
    files = edit(files, "m1/check.yaml", "prompt: What comes first?", "prompt: 'What comes first? ![Quiz](../media/quiz.svg)'")
    assert found(tmp_path, files) == []
    course_dir = tmp_path / "course_content"
    expected = {"media/café.svg", "media/my pic.svg", "media/ref.svg", "media/quiz.svg", "media/pic.svg"}
    assert set(load_course(course_dir).media_files()) == expected
    for fmt in ("scorm12", "imscc"):
        assert main(["build", str(course_dir), "--format", fmt, "--out", str(tmp_path / "out")]) == 0
    with zipfile.ZipFile(tmp_path / "out" / "mini-scorm12.zip") as package:
        names = set(package.namelist())
        assert {f"assets/{p}" for p in expected} <= names
        index = package.read("index.html").decode()
    assert 'src="assets/media/caf%C3%A9.svg"' in index and 'src="assets/media/my%20pic.svg"' in index


@pytest.mark.parametrize("text", ["<b>bold</b>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_rendering_escapes_the_raw_html_validation_warns_about(text: str) -> None:
    """Every tag ``raw_html`` reports renders as visible text, never as markup."""
    assert list(raw_html(text))
    html = str(MarkdownRenderer(()).block(text))
    assert "<b>" not in html and "<script" not in html and "<img" not in html and "&lt;" in html


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="[]()!<>`*_\n -#|:>abc/.%2e\\\"'", max_size=200))
def test_any_text_is_read_without_error_and_located_inside_itself(text: str) -> None:
    """Whatever the punctuation, reading a text never fails, and every image, link and tag is located where it opens."""
    refs = references(text, "m1/page.md")
    lines = text.split("\n")
    for item, opening in [*((i, "![") for i in refs.images), *((k, "[") for k in refs.links), *((t, "<") for t in raw_html(text))]:
        assert 1 <= item.line <= len(lines)
        assert lines[item.line - 1][item.column - 1:].startswith(opening), (item, opening)
    MarkdownRenderer(()).block(text, "m1/page.md")


def test_pasted_html_is_a_warning_that_strict_makes_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``validate`` passes a page with ``<b>`` but warns, naming the Markdown to use; ``--strict`` fails on it."""
    files = edit(MINIMAL, "m2/lesson.md", "checks every dose.", "checks <b>every</b> dose.")
    course_dir = tmp_path / "course_content"
    assert found(tmp_path, files) == [("warning", "markdown.raw-html", "m2/lesson.md", *position(files, "m2/lesson.md", "<b>"), "/blocks/0")]
    assert main(["validate", str(course_dir)]) == 0
    assert "hint: write **bold** in Markdown" in capsys.readouterr().out
    assert main(["validate", "--strict", str(course_dir)]) == 1
