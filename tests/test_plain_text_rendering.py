"""The renderer's plain-text shortcut gives exactly what a full CommonMark parse gives."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from cmacourse.player.rendering import _SPACE, _TAG, MarkdownRenderer, _rendering_parser, _simple_prose

# Letters, digits, punctuation that is and is not Markdown syntax, spaces of several kinds and line breaks.
TEXTS = st.text(alphabet=st.sampled_from(list("aZé1 .,;:?'\"()/%+=-#!*_`[]<>&~|\\\n\t\r\u00a0\u2028\u200b\ufeff")),
                max_size=24)
# Mostly plain text, the shortcut's own ground, with a line break or a space at either end now and then.
PLAIN_TEXTS = st.text(alphabet=st.sampled_from(list("aaaZé1  .,;:?'\"()/%+=-\n")), max_size=40)

# Prose of headings and paragraphs with strong words, the second shortcut's ground, with its edges
# (a ``**`` next to a space, punctuation or another ``*``, blank lines, trailing spaces) now and then.
PROSE = st.lists(st.sampled_from(["## ", "# ", "####### ", "**", "*", "word", "W", "7", " ", " ", ".", ")", "?", "!", ",", '"',
                                  "\n\n", "\n", "é", "_", "#"]), max_size=14).map("".join)


def parsed_block(text: str) -> str:
    return _rendering_parser().render(text, {"renderer": None, "referrer": "", "links": []})


def parsed_inline(text: str) -> str:
    return _rendering_parser().renderInline(" ".join(text.split("\n")).strip(), {"renderer": None, "referrer": "", "links": []})


def parsed_plain(text: str) -> str:
    rendered = _rendering_parser().renderInline(" ".join(text.split("\n")), {"renderer": None, "referrer": "", "links": []})
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", rendered))).strip()


@settings(max_examples=3000, deadline=None)
@given(st.one_of(TEXTS, PLAIN_TEXTS, PROSE))
def test_block_inline_and_plain_match_a_full_parse(text: str) -> None:
    renderer = MarkdownRenderer(())
    assert str(renderer.block(text)) == parsed_block(text)
    assert str(renderer.inline(text)) == parsed_inline(text)
    assert renderer.plain(text) == parsed_plain(text)


def test_one_line_texts_take_the_shortcut_and_stay_escaped() -> None:
    renderer = MarkdownRenderer(())
    for text, block in [("Because 1.", "<p>Because 1.</p>\n"), ('Say "hi", it\'s fine\n', "<p>Say &quot;hi&quot;, it's fine</p>\n"),
                        ("Remember this.  \n\n", "<p>Remember this.</p>\n")]:
        assert renderer.block(text) == Markup(block) == parsed_block(text)
    prose = "## Heading 3\n\nSome **Markdown** text, **in bold**.\n\n# Then\n"
    assert _simple_prose(prose.strip()) is not None  # the shortcut, not the parser, made it
    assert renderer.block(prose) == parsed_block(prose) == "<h2>Heading 3</h2>\n<p>Some <strong>Markdown</strong> text, " \
        "<strong>in bold</strong>.</p>\n<h1>Then</h1>\n"
    # Syntax and block openers still go through the parser.
    assert renderer.block("1. first") == "<ol>\n<li>first</li>\n</ol>\n"
    assert renderer.block("a <b>") == "<p>a &lt;b&gt;</p>\n"
    assert renderer.inline("*Option* 1") == "<em>Option</em> 1"
    assert renderer.plain("A [link](https://example.org) & more") == "A link & more"
