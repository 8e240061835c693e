"""Launch documents: their screens, the rules that score them, and what render_player writes."""

from __future__ import annotations

from pathlib import Path

import attrs
import lxml.html
import pytest

from cmacourse.errors import BuildError
from cmacourse.exporters._package import PackageWriter
from cmacourse.loading import load_course
from cmacourse.model import Course
from cmacourse.player import Launch, player_files, render_player, runtimes
from cmacourse.player.layout import launch_layouts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mini() -> Course:
    return load_course(ROOT / "tests" / "courses" / "player-mini")


@pytest.fixture(scope="module")
def flagship() -> Course:
    return load_course(ROOT / "course_content")


def test_course_scope_has_one_launch_with_every_screen(mini: Course) -> None:
    """scope=course: one index.html whose screens run home, pages and checks by module, exam, results, glossary."""
    (layout,) = launch_layouts(mini, "course")
    assert [s.id for s in layout.screens] == ["home", "first", "second", "basics-check", "practice-page",
                                              "practice-quiz", "mini-exam", "results", "glossary"]
    assert layout.launch == Launch(id="player-mini", title="Player test course", href="index.html",
                                   module_ids=("basics", "practice"),
                                   assessment_ids=("basics-check", "practice-quiz", "mini-exam"), mastery_score=75)
    assert layout.locks and layout.root == ""
    assert [a.id for a in layout.scored] == ["mini-exam"]


def test_module_scope_puts_each_assessment_in_one_launch(mini: Course) -> None:
    """scope=module: a launch per module, then index.html with the final exam; no assessment twice."""
    layouts = launch_layouts(mini, "module")
    assert [(l.launch.href, l.launch.module_ids, l.launch.assessment_ids) for l in layouts] == [
        ("modules/basics/index.html", ("basics",), ("basics-check",)),
        ("modules/practice/index.html", ("practice",), ("practice-quiz",)),
        ("index.html", (), ("mini-exam",)),
    ]
    assert [l.root for l in layouts] == ["../../", "../../", ""]
    assert not any(l.locks for l in layouts)


def test_mastery_falls_back_from_assessment_to_module_to_course(mini: Course) -> None:
    """An assessment's pass mark is its own, else its module's, else the course's."""
    (layout,) = launch_layouts(mini, "course")
    marks = {a.id: layout.mastery(a) for a in layout.assessments}
    assert marks == {"basics-check": 50, "practice-quiz": 100, "mini-exam": 75}


def test_launch_mastery_follows_the_launch(mini: Course) -> None:
    """A module's launch passes by the module's rule (else the course's); the exam's launch by the course's."""
    basics, practice, course = launch_layouts(mini, "module")
    assert (basics.launch.mastery_score, practice.launch.mastery_score, course.launch.mastery_score) == (50, 75, 75)
    assert [a.id for a in practice.scored] == ["practice-quiz"]  # graded before practice checks


def test_clashing_ids_get_a_prefix(mini: Course) -> None:
    """A page called "results" and an assessment with a page's id keep screen ids unique."""
    module = mini.modules[0]
    renamed = attrs.evolve(module, pages=(attrs.evolve(module.pages[0], id="results"), module.pages[1]),
                           assessments=(attrs.evolve(module.assessments[0], id="second"),))
    course = attrs.evolve(mini, modules=(renamed, mini.modules[1]))
    ids = [s.id for s in launch_layouts(course, "course")[0].screens]
    assert ids[:4] == ["home", "page-results", "second", "quiz-second"]
    assert len(ids) == len(set(ids))


def test_render_player_writes_every_file_a_browser_needs(flagship: Course) -> None:
    """The flagship's package holds the launch, the data, the player, the adapter and every media file."""
    writer = PackageWriter()
    launches = render_player(flagship, writer, runtime="standalone")
    assert [l.href for l in launches] == ["index.html"]
    paths = set(writer.paths())
    assert {"index.html", "player/course.js", "player/lms.js", "player/player.js", "player/player.css",
            "player/state.js", "player/questions.js", "player/rules.js", "player/navigation.js"} <= paths
    assert "player/standalone.js" not in paths  # the adapter is the standalone one already
    assert {f"assets/{m}" for m in flagship.media_files()} <= paths
    document = lxml.html.document_fromstring(writer.read("index.html"))
    for element in document.iter("img", "script", "link"):
        ref = element.get("src") or element.get("href")
        assert ref in paths, ref
    sections = document.find_class("screen")
    assert len(sections) == len(launch_layouts(flagship, "course")[0].screens)


def test_module_scope_documents_reach_the_shared_files(mini: Course) -> None:
    """A module's launch document, two folders down, loads the shared player and media by relative paths."""
    writer = PackageWriter()
    render_player(mini, writer, runtime="preview", scope="module")
    document = lxml.html.document_fromstring(writer.read("modules/basics/index.html"))
    refs = [e.get("src") or e.get("href") for e in document.iter("img", "script", "link", "audio", "video", "track")]
    assert "../../player/standalone.js" in refs and "../../assets/media/thermometer.svg" in refs
    for ref in refs:
        assert ref.startswith("../../") and ref[len("../../"):] in writer.paths(), ref


def test_player_files_are_copied_byte_for_byte() -> None:
    """The runtime files in a package equal the package data, and the adapter is written as lms.js."""
    files = dict(player_files("preview"))
    from importlib import resources

    root = resources.files("cmacourse.player")
    assert files["player/lms.js"] == (root / "runtime" / "preview.js").read_bytes()
    assert files["player/standalone.js"] == (root / "runtime" / "standalone.js").read_bytes()
    assert files["player/player.js"] == (root / "static" / "player.js").read_bytes()
    assert {"preview", "standalone"} <= set(runtimes())


def test_unknown_runtime_is_a_build_error(mini: Course) -> None:
    """Asking for an adapter that does not exist names the ones that do."""
    with pytest.raises(BuildError, match="no tracking adapter named 'nope'; installed: .*standalone"):
        render_player(mini, PackageWriter(), runtime="nope")
