"""Launch documents rendered from the Jinja templates, with every author's text escaped or rendered as safe Markdown."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .._version import __version__
from ..blocks import Block
from ..model import Course
from ..questions import Assessment, Question, player_question, scrambled
from .layout import LaunchLayout
from .rendering import MarkdownRenderer, asset_url
from .words import FALLBACK, Words, mark, words_for

#: What screen readers and sighted learners are told a callout is, by its style.
CALLOUT_LABELS = {"note": mark("Note"), "tip": mark("Tip"), "warning": mark("Warning"), "important": mark("Important"),
                  "scenario": mark("Scenario")}

# A blank is three or more underscores; a private-use character carries it through Markdown untouched.
_BLANK = re.compile(r"_{3,}")
_BLANK_MARK = "\ue000"
_BLANK_HTML = '<span class="blank"><span class="sr-only">{}</span></span>'


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The template environment: package templates, autoescaped, strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cmacourse.player", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_bytecode_cache(),
    )
    # A page rendered without a course's words (the preview's own pages) shows them in English.
    env.globals.update(template_words(words_for(FALLBACK)))
    return env


def callout_labels(words: Words) -> dict[str, str]:
    """CALLOUT_LABELS in the course's language."""
    return {style: words.gettext(label) for style, label in CALLOUT_LABELS.items()}


def template_words(words: Words) -> dict[str, Any]:
    """The names the templates translate with: ``_()`` and ``ngettext()`` (as Babel extracts them) and ``words``."""
    return {"_": words.gettext, "ngettext": words.ngettext, "words": words}


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    # Compiling the templates costs a build more than rendering a small course does; Jinja keeps the
    # compiled code per user (a private folder in the system's temporary directory), keyed by each
    # template's source, so a changed template is compiled again. Where that folder is not safe to
    # use, every build compiles.
    try:
        return jinja2.FileSystemBytecodeCache()
    except RuntimeError:
        return None


def launch_parts(course: Course, layout: LaunchLayout, renderer: MarkdownRenderer) -> Iterator[str]:
    """The HTML of one launch document but its end (:func:`launch_end`), in the pieces it is rendered in, to be
    written as they come: the same for every runtime."""
    root = layout.root
    first_screen = {}
    for screen in layout.screens:
        if screen.module_id is not None:
            first_screen.setdefault(screen.module_id, screen.id)
    glossary_source = course.glossary[0].source if course.glossary else None
    words = words_for(course.language)
    template = environment().get_template("launch.html.jinja")
    return template.generate(
        course=course, layout=layout, launch=layout.launch, root=root, md=renderer,
        version=__version__, callout_labels=callout_labels(words), first_screen=first_screen,
        glossary_file=glossary_source.file.display if glossary_source else "",
        asset=lambda path: root + asset_url(path),
        source_path=_source_path, points=words.points, scrambled=scrambled,
        played=lambda questions: [player_question(q) for q in questions],
        quiz_rules=lambda a: quiz_rules(layout, a, words),
        prompt=lambda q, ref: prompt_html(renderer, q, ref),
        plugin_block=lambda b, ref: _plugin_block(renderer, b, ref), **template_words(words),
    )


def launch_end(layout: LaunchLayout, scripts: Sequence[str]) -> str:
    """The end of a launch document: the scripts of a runtime (``player.launch_scripts``) and the closing tags."""
    return environment().get_template("launch_end.html.jinja").render(root=layout.root, scripts=scripts)


def prompt_html(renderer: MarkdownRenderer, question: Question, referrer: str) -> Markup:
    """A question's prompt; a fill-in-the-blank prompt shows its blank as a line screen readers call "blank"."""
    if not question.blanks:
        return renderer.block(question.prompt, referrer)
    rendered = renderer.block(_BLANK.sub(_BLANK_MARK, question.prompt), referrer)
    blank = _BLANK_HTML.format(escape(renderer.words.gettext("blank")))
    return Markup(str(rendered).replace(_BLANK_MARK, blank))  # noqa: S704 - our own markup, the word escaped


def quiz_rules(layout: LaunchLayout, assessment: Assessment, words: Words | None = None) -> str:
    """The rules of an assessment in one sentence or three, as learners read them before starting."""
    words = words or words_for(layout.course.language)
    mastery = layout.mastery(assessment)
    parts = [words.gettext("You need {percent} to pass.", percent=words.percent(mastery, None)) if mastery is not None
             else words.gettext("Answer every question to finish.")]
    if assessment.max_attempts is None:
        parts.append(words.gettext("You can try as many times as you need."))
    else:
        count = assessment.max_attempts
        parts.append(words.ngettext("You have {count} attempt.", "You have {count} attempts.", count,
                                    count=words.number(count)))
    if assessment.shuffle:
        parts.append(words.gettext("The questions come in a new order on each attempt."))
    return " ".join(parts)


def _source_path(item: Any) -> str:
    source = getattr(item, "source", None)
    return source.file.display if source is not None else ""


def _plugin_block(renderer: MarkdownRenderer, block: Block, referrer: str) -> Markup:
    render_markdown: Callable[[str], Markup] = lambda text: renderer.block(text, referrer)  # noqa: E731
    # A plugin block's HTML is the plugin's code, trusted like any installed code; authors' text in it
    # goes through ``render_markdown``, which escapes raw HTML.
    return Markup(block.render_html(render_markdown))  # noqa: S704
