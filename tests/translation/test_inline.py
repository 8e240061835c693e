"""Markdown markup as XLIFF inline codes: the pieces always give the text back, and pairs nest."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cmacourse.translation.inline import Code, plain, protect

MARKDOWN_BITS = st.sampled_from(["**", "*", "_", "__", "[", "](glossary:ged)", "](https://example.org/a_(b))", "![", "`x`", "``",
                                 "<b>", "\n", "\n\n", "## ", "- ", "1. ", "> ", "\\*", " ", "word", "é", "2 * 3", "snake_case"])


@settings(max_examples=400, deadline=None)
@given(st.lists(MARKDOWN_BITS | st.text(max_size=5), max_size=30).map("".join))
def test_pieces_join_to_the_text_and_every_pair_is_nested(text):
    """Whatever Markdown is written, nothing is lost and every begin tag has its end tag after it, properly nested."""
    pieces = protect(text, "markdown")
    assert plain(pieces) == text
    open_pairs: list[str] = []
    for piece in pieces:
        if isinstance(piece, Code) and piece.role == "bpt":
            open_pairs.append(piece.id)
        elif isinstance(piece, Code) and piece.role == "ept":
            assert open_pairs.pop() == piece.id
    assert not open_pairs


def test_links_images_and_emphasis_are_pairs_and_line_markup_is_a_placeholder():
    """The words of a link, an image's alt text and emphasised words stay text a translator edits."""
    pieces = protect("## Title\n\nSee **the** [GED](glossary:ged) and ![a chart](c.svg).", "markdown")
    texts = [p for p in pieces if isinstance(p, str)]
    assert texts == ["Title", "See ", "the", " ", "GED", " and ", "a chart", "."]
    roles = [(p.role, p.text) for p in pieces if isinstance(p, Code)]
    assert roles == [("ph", "## "), ("ph", "\n\n"), ("bpt", "**"), ("ept", "**"), ("bpt", "["), ("ept", "](glossary:ged)"),
                     ("bpt", "!["), ("ept", "](c.svg)")]


def test_plain_text_has_no_codes():
    """A title is plain text: what looks like markup in it is words."""
    assert protect("Step **one** [x]", "text") == ("Step **one** [x]",)
