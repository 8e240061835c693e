"""The renderer's plain-text shortcut gives exactly what a full CommonMark parse gives."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from cmacourse.player.rendering import _SPACE, _TAG, MarkdownRenderer, _rendering_parser

# Letters, digits, punctuation that is and is not Markdown syntax, spaces of several kinds and line breaks.
TEXTS = st.text(alphabet=st.sampled_from(list("aZé1 .,;:?'\"()/%+=-#!*_`[]<>&~|\\\n\t\r\u00a0\u2028\u200b\ufeff")),
                max_size=24)
# Mostly plain text, the shortcut's own ground, with a line break or a space at either end now and then.
PLAIN_TEXTS = st.text(alphabet=st.sampled_from(list("aaaZé1  .,;:?'\"()/%+=-\n")), max_size=40)


def parsed_block(text: str) -> str:
    return _rendering_parser().render(text, {"renderer": None, "referrer": "", "links": []})


def parsed_inline(text: str) -> str:
    return _rendering_parser().renderInline(" ".join(text.split("\n")).strip(), {"renderer": None, "referrer": "", "links": []})


def parsed_plain(text: str) -> str:
    rendered = _rendering_parser().renderInline(" ".join(text.split("\n")), {"renderer": None, "referrer": "", "links": []})
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", rendered))).strip()


@settings(max_examples=3000, deadline=None)
@given(st.one_of(TEXTS, PLAIN_TEXTS))
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
    # Syntax and block openers still go through the parser.
    assert renderer.block("1. first") == "<ol>\n<li>first</li>\n</ol>\n"
    assert renderer.block("a <b>") == "<p>a &lt;b&gt;</p>\n"
    assert renderer.inline("*Option* 1") == "<em>Option</em> 1"
    assert renderer.plain("A [link](https://example.org) & more") == "A link & more"
