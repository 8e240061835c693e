"""Plugins from other distributions: found by entry point, listed without import, checked on load."""

from __future__ import annotations

import json
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from cmacourse import PluginLoadError, UnknownExporterError, read_course
from cmacourse.cli import main
from cmacourse.exporters import exporters
from cmacourse.plugins import BLOCKS_GROUP, EXPORTERS_GROUP, blocks

PLUGIN_MODULE = '''
from cmacourse.blocks import Block
from cmacourse.exporters import Exporter, Option
import attrs
from typing import ClassVar

class WordCountExporter(Exporter):
    name = "wordcount"
    description = "Counts the words of every page (a test plugin)."
    declared_options = (Option("per", "choice", "one count for the course, or one line per page", default="course",
                               choices=("course", "page")),)
    layout = "file"
    suffix = ".txt"
    def export(self, course, writer):
        counts = [len(b.text.split()) for m in course.modules for p in m.pages for b in p.blocks if hasattr(b, "text")]
        per_page = self.options.get("per", "course") == "page"
        writer.add("count.txt", "".join(f"{n}\\n" for n in counts) if per_page else f"{sum(counts)}\\n")

class Misnamed(WordCountExporter):
    name = "something-else"

class NotAnExporter:
    name = "plain"

@attrs.frozen(kw_only=True)
class Quote(Block):
    type_name: ClassVar[str] = "quote"
    schema: ClassVar[dict] = {"type": "object", "additionalProperties": False, "required": ["text", "by"],
                              "properties": {"text": {"type": "string"}, "by": {"type": "string"}}}
    text: str
    by: str
    source: object = attrs.field(default=None, eq=False, repr=False)
    @classmethod
    def from_raw(cls, raw, source):
        return cls(text=raw["text"], by=raw["by"], source=source)
    def markdown(self):
        return (self.text,)
    def render_html(self, render_markdown):
        return f"<blockquote>{render_markdown(self.text)}<footer>{self.by}</footer></blockquote>"
'''


def install_distribution(root: Path, name: str, entry_points: dict[str, dict[str, str]], module: str | None = None) -> None:
    """Write a distribution (dist-info with entry points, and a module) into a folder on sys.path."""
    dist_info = root / f"{name.replace('-', '_')}-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    sections = "".join(f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()) + "\n" for group, eps in entry_points.items())
    (dist_info / "entry_points.txt").write_text(sections)
    if module:
        (root / f"{name.replace('-', '_')}.py").write_text(module)


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder on sys.path, and registries that forget what they loaded."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(exporters, "_loaded", {})
    monkeypatch.setattr(blocks, "_loaded", {})
    yield site
    for name in [m for m in sys.modules if m.startswith("acme_")]:
        del sys.modules[name]


def test_formats_lists_a_plugin_from_another_distribution(plugin_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cmacourse formats` shows a format registered by an installed distribution, with its name."""
    install_distribution(plugin_path, "acme-wordcount", {EXPORTERS_GROUP: {"wordcount": "acme_wordcount:WordCountExporter"}}, PLUGIN_MODULE)
    assert main(["formats"]) == 0
    out = capsys.readouterr().out
    assert "wordcount" in out and "Counts the words" in out and "[acme-wordcount]" in out


def test_plugin_exporter_builds(plugin_path: Path, flagship_dir: Path, tmp_path: Path) -> None:
    """A plugin format builds through `cmacourse build`, writing <course-id>-<format><suffix>."""
    install_distribution(plugin_path, "acme-wordcount", {EXPORTERS_GROUP: {"wordcount": "acme_wordcount:WordCountExporter"}}, PLUGIN_MODULE)
    assert main(["build", str(flagship_dir), "--format", "wordcount", "--out", str(tmp_path / "out")]) == 0
    (written,) = (tmp_path / "out").iterdir()
    assert written.name == "cma-pathway-wordcount.txt"
    assert int(written.read_text()) > 1000


def test_plugin_exporter_declares_its_options(plugin_path: Path, flagship_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A plugin's declared options are listed by `formats`, reach its exporter typed, and unknown keys are refused as for built-ins."""
    install_distribution(plugin_path, "acme-wordcount", {EXPORTERS_GROUP: {"wordcount": "acme_wordcount:WordCountExporter"}}, PLUGIN_MODULE)
    assert main(["formats"]) == 0
    assert "-O per=course|page  one count for the course, or one line per page (default: course)" in capsys.readouterr().out
    out = tmp_path / "out"
    assert main(["build", str(flagship_dir), "--format", "wordcount", "--out", str(out), "-O", "per=PAGE"]) == 0
    assert len((out / "cma-pathway-wordcount.txt").read_text().splitlines()) > 20
    assert main(["build", str(flagship_dir), "--format", "wordcount", "--out", str(out), "-O", "pre=page"]) == 2
    assert capsys.readouterr().err.strip().endswith("the wordcount format has no option 'pre'; did you mean 'per'? its options: per")


def test_listing_does_not_import(plugin_path: Path) -> None:
    """Names are listed from entry point metadata alone: a broken module does not break the list."""
    install_distribution(plugin_path, "acme-broken", {EXPORTERS_GROUP: {"broken": "acme_broken:Nothing"}}, "raise ImportError('boom')\n")
    assert "broken" in exporters.names()
    with pytest.raises(PluginLoadError, match="acme-broken") as info:
        exporters.get("broken")
    assert "boom" in str(info.value)


def test_missing_module_is_reported_with_its_distribution(plugin_path: Path) -> None:
    """An entry point naming a module that does not exist fails with the distribution and target named."""
    install_distribution(plugin_path, "acme-missing", {EXPORTERS_GROUP: {"ghost": "acme_nowhere:Ghost"}})
    with pytest.raises(PluginLoadError, match=r"acme_nowhere:Ghost.*acme-missing"):
        exporters.get("ghost")


def test_wrong_base_class_and_wrong_name_are_refused(plugin_path: Path) -> None:
    """A class that is not an Exporter, or that declares another name, is refused on load."""
    install_distribution(plugin_path, "acme-bad", {EXPORTERS_GROUP: {"plain": "acme_bad:NotAnExporter", "named": "acme_bad:Misnamed"}}, PLUGIN_MODULE)
    with pytest.raises(PluginLoadError, match="not a subclass of Exporter"):
        exporters.get("plain")
    with pytest.raises(PluginLoadError, match="declares the name 'something-else'"):
        exporters.get("named")


def test_duplicate_names_name_both_distributions(plugin_path: Path) -> None:
    """Two distributions registering one name is an error naming both, never a silent replacement."""
    install_distribution(plugin_path, "acme-one", {EXPORTERS_GROUP: {"twin": "acme_one:A"}})
    install_distribution(plugin_path, "acme-two", {EXPORTERS_GROUP: {"twin": "acme_two:B"}})
    with pytest.raises(PluginLoadError, match=r"acme-(one|two) and acme-(one|two)"):
        exporters.names()


def test_unknown_format_lists_the_available_ones(capsys: pytest.CaptureFixture[str], flagship_dir: Path, tmp_path: Path) -> None:
    """An unknown --format exits 2 with the names that exist and writes nothing."""
    with pytest.raises(UnknownExporterError):
        exporters.get("nope")
    assert main(["build", str(flagship_dir), "--format", "nope", "--out", str(tmp_path / "out")]) == 2
    assert "unknown format 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_block_type_plugin_is_validated_and_loaded(plugin_path: Path, tmp_path: Path) -> None:
    """A plugin block type is recognised in pages, validated against its own schema, and located on error."""
    install_distribution(plugin_path, "acme-quote", {BLOCKS_GROUP: {"quote": "acme_quote:Quote"}}, PLUGIN_MODULE)
    course = tmp_path / "course"
    (course / "m").mkdir(parents=True)
    (course / "course.yaml").write_text("id: c\ntitle: C\nmodules: [m]\n")
    (course / "m" / "module.yaml").write_text(
        "id: m\ntitle: M\nkind: diploma\nobjectives:\n  - {id: o, text: Do it.}\npages: [p.md]\n")
    (course / "m" / "p.md").write_text(textwrap.dedent("""\
        ---
        id: p
        title: P
        ---
        Text.

        ```quote
        text: Keep learning.
        by: An educator
        ```

        ```quote
        text: Missing its author.
        ```
        """))
    problems = read_course(course).problems
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.code, p.location.file, p.location.line, p.location.pointer) for p in errors] == [
        ("schema.required", "m/p.md", 13, "/blocks/2"),
    ]
    (course / "m" / "p.md").write_text((course / "m" / "p.md").read_text().replace("text: Missing its author.\n", "text: Found.\nby: Someone\n"))
    report = read_course(course)
    assert not report.errors
    quotes = [b for b in report.course.modules[0].pages[0].blocks if b.type_name == "quote"]
    assert [q.by for q in quotes] == ["An educator", "Someone"]


QUESTION_PLUGIN = '''
from typing import ClassVar

import attrs
from lxml import etree

from cmacourse.exporters.moodlexml import write_question
from cmacourse.questions import Question, TrueFalse

SCHEMA = {"type": "object", "additionalProperties": False, "required": ["id", "type", "prompt", "answer"],
          "properties": {"id": {"type": "string"}, "type": {"const": "yes_no"}, "prompt": {"type": "string"},
                         "points": {"type": "number"}, "objectives": {"type": "array", "items": {"type": "string"}},
                         "answer": {"enum": ["yes", "no"]}}}


@attrs.frozen(kw_only=True)
class YesNo(Question):
    """Answer yes or no: played and exported as true/false, with its own Moodle writer."""

    type_name: ClassVar[str] = "yes_no"
    schema: ClassVar[dict] = SCHEMA
    answer: str

    @classmethod
    def from_raw(cls, raw, source):
        return cls(**cls.common(raw, source), answer=raw["answer"])

    def check(self):
        yield from super().check()

    def fallback(self):
        return TrueFalse(**self.common_fields(), answer=self.answer == "yes")


@write_question.register
def _yes_no(question: YesNo, out) -> None:
    node = out.header(question, "multichoice")
    etree.SubElement(node, "single").text = "true"
    for text in ("yes", "no"):
        out.answer(node, "100" if text == question.answer else "0", text.capitalize(), "")


@attrs.frozen(kw_only=True)
class Sketch(Question):
    """Describe a sketch: no fallback, so every format uses its last resort."""

    type_name: ClassVar[str] = "sketch"
    schema: ClassVar[dict] = {**SCHEMA, "required": ["id", "type", "prompt"],
                              "properties": {**SCHEMA["properties"], "type": {"const": "sketch"}}}

    @classmethod
    def from_raw(cls, raw, source):
        return cls(**cls.common(raw, source))
'''

EVERY_FORMAT = ("html", "scorm12", "scorm2004", "cmi5", "tincan", "imscc", "moodlexml")


def _question_plugin_course(root: Path) -> Path:
    course = root / "course"
    (course / "m").mkdir(parents=True)
    (course / "course.yaml").write_text("id: c\ntitle: C\nmodules: [m]\n")
    (course / "m" / "module.yaml").write_text(
        "id: m\ntitle: M\nkind: diploma\nobjectives:\n  - {id: o, text: Do it.}\npages: [p.md]\nassessments: [quiz.yaml]\n")
    (course / "m" / "p.md").write_text("---\nid: p\ntitle: P\n---\nRead this.\n")
    (course / "m" / "quiz.yaml").write_text(textwrap.dedent("""\
        id: quiz
        title: Quiz
        kind: module_quiz
        questions:
          - {id: q-yes, type: yes_no, prompt: Is the sky blue?, answer: "yes", objectives: [o]}
          - {id: q-sketch, type: sketch, prompt: Sketch a clinic., points: 2}
          - id: q-builtin
            type: true_false
            prompt: Water is wet.
            answer: true
        """))
    return course


def test_plugin_question_type_builds_into_every_format(plugin_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin question type builds into all seven formats: natively where it registers a writer, else by its fallback."""
    from cmacourse.exporters import _canvas, _qti, moodlexml
    from cmacourse.plugins import QUESTIONS_GROUP, questions

    monkeypatch.setattr(questions, "_loaded", {})
    # The plugin registers into the Moodle XML table; a fresh copy keeps other tests unaffected.
    monkeypatch.setattr(moodlexml, "write_question", _copy_dispatch(moodlexml.write_question))
    install_distribution(plugin_path, "acme-yesno", {QUESTIONS_GROUP: {"yes_no": "acme_yesno:YesNo", "sketch": "acme_yesno:Sketch"}},
                         QUESTION_PLUGIN)
    course = _question_plugin_course(tmp_path)
    out = tmp_path / "out"
    for name in EVERY_FORMAT:
        assert main(["build", str(course), "--format", name, "--out", str(out)]) == 0, name
    built = {p.name for p in out.iterdir()}
    assert built == {"c-html", "c-scorm12.zip", "c-scorm2004.zip", "c-cmi5.zip", "c-tincan.zip", "c-imscc.imscc", "c-moodlexml.xml"}

    # The player plays yes_no as its fallback (true/false) and a type with no fallback as an open answer, not scored.
    data = json.loads((out / "c-html" / "player" / "course.js").read_text().split(" = ", 1)[1].rstrip(";\n"))
    played = {q["id"]: (q["type"], q["points"], q["slot"]["codec"]) for q in data["assessments"]["quiz"]["questions"]}
    assert played == {"q-yes": ("true_false", 1, "boolean"), "q-sketch": ("open_answer", 0, "text"),
                      "q-builtin": ("true_false", 1, "boolean")}
    assert data["assessments"]["quiz"]["points"] == 2
    page = (out / "c-html" / "index.html").read_text()
    assert 'id="f-q-sketch"' in page and 'id="o-q-yes-t"' in page

    # Moodle XML: the plugin's own writer for yes_no; the last resort (an essay) for sketch.
    bank = etree.fromstring((out / "c-moodlexml.xml").read_bytes())
    types = {q.findtext("idnumber"): q.get("type") for q in bank.iter("question") if q.get("type") != "category"}
    assert types == {"q-yes": "multichoice", "q-sketch": "essay", "q-builtin": "truefalse"}
    assert [a.findtext("text") for a in bank.find("question[@type='multichoice']").iter("answer")] == ["Yes", "No"]

    # Common Cartridge: the fallback for yes_no in both the CC profile and Canvas's QTI, an essay for sketch.
    with zipfile.ZipFile(out / "c-imscc.imscc") as cartridge:
        names = cartridge.namelist()
        cc = etree.fromstring(cartridge.read(next(n for n in names if n.endswith("assessment_qti.xml"))))
        canvas = etree.fromstring(cartridge.read(next(n for n in names if n.endswith(".xml.qti"))))
    profile = {i.get("ident"): _qti_field(i, "cc_profile") for i in cc.iter(f"{{{_qti.QTI_NS}}}item")}
    assert profile == {"q-yes": _qti.TRUE_FALSE, "q-sketch": _qti.ESSAY, "q-builtin": _qti.TRUE_FALSE}
    kinds = {i.get("ident"): _qti_field(i, "question_type") for i in canvas.iter(f"{{{_qti.QTI_NS}}}item")}
    assert kinds == {"q-yes": "true_false_question", "q-sketch": _canvas.CANVAS_ESSAY, "q-builtin": "true_false_question"}

    # xAPI: yes_no is described as its fallback's interaction; sketch as "other".
    with zipfile.ZipFile(out / "c-tincan.zip") as package:
        activities = package.read("player/xapi-activities.js").decode()
    definitions = json.loads(activities.split(" = ", 1)[1].rstrip(";\n"))["questions"]
    assert definitions["q-yes"]["definition"]["interactionType"] == "true-false"
    assert definitions["q-yes"]["definition"]["correctResponsesPattern"] == ["true"]
    assert definitions["q-sketch"]["definition"]["interactionType"] == "other"


def _qti_field(item: etree._Element, label: str) -> str | None:
    from cmacourse.exporters._qti import QTI_NS

    for field in item.iter(f"{{{QTI_NS}}}qtimetadatafield"):
        if field.findtext(f"{{{QTI_NS}}}fieldlabel") == label:
            return field.findtext(f"{{{QTI_NS}}}fieldentry")
    return None


def _copy_dispatch(function):  # type: ignore[no-untyped-def]
    import functools

    copy = functools.singledispatch(function.dispatch(object))
    for cls, implementation in function.registry.items():
        if cls is not object:
            copy.register(cls, implementation)
    return copy
