"""The Common Cartridge export: XSD-valid, complete when read back, Canvas's settings right, reproducible and atomic."""

from __future__ import annotations

import posixpath
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from cmacourse.cli import main
from cmacourse.errors import BuildError, UsageError
from cmacourse.exporters import export
from cmacourse.exporters._package import PackageWriter
from cmacourse.exporters._qti import QTI_NS
from cmacourse.numbers import number_text
from cmacourse.exporters.imscc import COURSE_FOLDER, ImsccExporter
from cmacourse.loading import load_course
from cmacourse.model import Course
from cmacourse.player.rendering import MarkdownRenderer
from cmacourse.questions import FillBlank, Matching, MultipleResponse, Numeric, Ordering, Question, SingleChoice, TrueFalse
from test_qti import COURSES, cc11_schema
from translator import LANGUAGES, course_in
from xmlschemas import assert_valid

CP = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
Q = {"q": QTI_NS}
CANVAS = {"c": "http://canvas.instructure.com/xsd/cccv1p0"}
PLAIN = MarkdownRenderer(())


class Cartridge:
    """A built cartridge opened for reading."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.manifest = etree.fromstring(self.zip.read("imsmanifest.xml"))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    def resource(self, identifier: str) -> etree._Element:
        return self.manifest.find(f".//cp:resource[@identifier='{identifier}']", CP)

    def folders(self) -> list[etree._Element]:
        """The module folders, after the empty course folder that takes Moodle's "General" section."""
        course_folder, *modules = self.manifest.findall("cp:organizations/cp:organization/cp:item/cp:item", CP)
        assert course_folder.get("identifier") == COURSE_FOLDER and not len(course_folder.findall("cp:item", CP))
        return modules

    def items(self, path: str) -> dict[str, etree._Element]:
        return {i.get("ident"): i for i in self.xml(path).iterfind(".//q:item", Q)}


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, flagship_dir: Path) -> dict[str, Cartridge]:
    """The flagship course and the edge-case courses, each built once as a cartridge in each language: English by
    its name ("flagship"), a translation by its name and language ("flagship-es")."""
    out = tmp_path_factory.mktemp("imscc")
    sources = {"flagship": flagship_dir, "alltypes": COURSES / "imscc-alltypes", "minimal": COURSES / "imscc-minimal"}
    found = {}
    for name, path in sources.items():
        for language in LANGUAGES:
            key = name if language == "en" else f"{name}-{language}"
            with course_in(path, language, out / "translations" / key) as course:
                found[key] = Cartridge(export(course, "imscc", out / key))
    return found


@pytest.fixture(scope="session")
def flagship(flagship_dir: Path) -> Course:
    """The flagship course, loaded."""
    return load_course(flagship_dir)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["flagship", "alltypes", "minimal"])
def test_every_xml_file_is_valid_against_the_cc11_schemas(name: str, language: str, built: dict[str, Cartridge],
                                                          spec_dir: Path) -> None:
    """The manifest, each QTI assessment, discussion topic and web link, in English and in Spanish, validates against
    its CC 1.1 XSD; the manifest's metadata names the cartridge's language."""
    cartridge = built[name if language == "en" else f"{name}-{language}"]
    assert_valid(cc11_schema(spec_dir, "manifest"), cartridge.zip.read("imsmanifest.xml"))
    assert {e.text for e in cartridge.manifest.iter("{*}language")} == {language}
    kinds = {"assessment_qti.xml": "qti", "discussion_topics/": "discussion", "web_links/": "weblink"}
    checked = 0
    for entry in cartridge.zip.namelist():
        for marker, kind in kinds.items():
            if marker in entry:
                assert_valid(cc11_schema(spec_dir, kind), cartridge.zip.read(entry))
                checked += 1
    expected = {"flagship": 7 + 6, "alltypes": 3 + 1 + 2, "minimal": 0}[name]
    assert checked == expected


def test_manifest_is_the_first_entry_and_every_listed_file_exists(built: dict[str, Cartridge]) -> None:
    """Importers read imsmanifest.xml first; every file and dependency it names is in the archive."""
    for cartridge in built.values():
        names = cartridge.zip.namelist()
        assert names[0] == "imsmanifest.xml"
        listed = {f.get("href") for f in cartridge.manifest.iterfind(".//cp:file", CP)}
        assert listed <= set(names)
        assert set(names) - listed == {"imsmanifest.xml"}


def test_flagship_reads_back_with_every_module_page_quiz_and_question(built: dict[str, Cartridge], flagship: Course) -> None:
    """One folder per module in pathway order, then the final exam; every page and quiz in its folder."""
    cartridge = built["flagship"]
    folders = cartridge.folders()
    assert [f.findtext("cp:title", namespaces=CP) for f in folders] == [m.title for m in flagship.modules] + [flagship.final_exam.title]
    for module, folder in zip(flagship.modules, folders):
        titles = [i.findtext("cp:title", namespaces=CP) for i in folder.iterfind("cp:item", CP)]
        assert titles[: len(module.pages)] == [p.title for p in module.pages]
        assert [a.title for a in module.assessments] == titles[len(module.pages): len(module.pages) + len(module.assessments)]
        for page in module.pages:
            href = cartridge.resource(f"page_{page.id}").get("href")
            document = lxml_html.fromstring(cartridge.zip.read(href))
            assert document.findtext(".//title") == page.title
            assert document.find(".//script") is None and len(document.find("body")) > 0
    assert sum(1 for _ in flagship.questions()) == 79
    for assessment in flagship.assessments:
        items = cartridge.items(f"quiz_{assessment.id}/assessment_qti.xml")
        assert list(items) == [q.id for q in assessment.questions]
        for question in assessment.questions:
            assert cc_correct(items[question.id], isinstance(question, Numeric)) == expected_correct(question), question.id


def test_flagship_canvas_quizzes_hold_every_question_and_answer(built: dict[str, Cartridge], flagship: Course) -> None:
    """Canvas's quiz files hold every question as its own type, with the right answers."""
    cartridge = built["flagship"]
    for assessment in flagship.assessments:
        items = cartridge.items(f"non_cc_assessments/quiz_{assessment.id}.xml.qti")
        assert list(items) == [q.id for q in assessment.questions]
        for question in assessment.questions:
            assert canvas_correct(items[question.id]) == expected_correct(question), question.id


def expected_correct(question: Question) -> object:
    """What a reader of the cartridge must find as the right answer of a question."""
    if isinstance(question, MultipleResponse):
        return {o.id for o in question.options if o.correct}
    if isinstance(question, SingleChoice):
        return {next(o.id for o in question.options if o.correct)}
    if isinstance(question, TrueFalse):
        return {"true" if question.answer else "false"}
    if isinstance(question, FillBlank):
        return set(question.answers)
    if isinstance(question, Numeric):
        return number_text(question.answer)
    if isinstance(question, Matching):
        return [(PLAIN.plain(p.prompt), PLAIN.plain(p.match)) for p in question.pairs]
    assert isinstance(question, Ordering)
    return [PLAIN.plain(i) for i in question.items]


def cc_correct(item: etree._Element, numeric: bool) -> object:
    """The right answer as the CC profile item states it (a numeric question's fill in the blank lists it first)."""
    profile = item.findtext(".//q:qtimetadatafield[q:fieldlabel='cc_profile']/q:fieldentry", namespaces=Q)
    (scored,) = item.xpath(".//q:respcondition[q:setvar='100']", namespaces=Q)
    tests = [v.text for v in scored.iterfind("q:conditionvar/q:varequal", Q)]
    if profile == "cc.multiple_response.v0p1":
        return {v.text for v in scored.iterfind("q:conditionvar/q:and/q:varequal", Q)}
    label = {l.get("ident"): l.findtext(".//q:mattext", namespaces=Q) for l in item.iterfind(".//q:response_label", Q)}
    if profile == "cc.multiple_choice.v0p1" and label[tests[0]].startswith(("<ul>", "<ol>")):
        lines = [li.text_content() for li in lxml_html.fromstring(label[tests[0]]).iterfind(".//li")]
        return [tuple(line.split(" → ")) for line in lines] if label[tests[0]].startswith("<ul>") else lines
    if numeric:
        return tests[0]
    return set(tests)


def canvas_correct(item: etree._Element) -> object:
    """The right answer as Canvas's item states it."""
    kind = item.findtext(".//q:qtimetadatafield[q:fieldlabel='question_type']/q:fieldentry", namespaces=Q)
    if kind == "matching_question":
        pairs = []
        for lid in item.iterfind(".//q:presentation/q:response_lid", Q):
            text = {l.get("ident"): l.findtext(".//q:mattext", namespaces=Q) for l in lid.iterfind(".//q:response_label", Q)}
            right = item.xpath(f".//q:varequal[@respident='{lid.get('ident')}']", namespaces=Q)[0].text
            pairs.append((lxml_html.fromstring(lid.findtext("q:material/q:mattext", namespaces=Q)).text_content(), text[right]))
        is_ordering = all(p.startswith("Position ") for p, _ in pairs)
        return [m for _, m in pairs] if is_ordering else pairs
    (scored,) = item.xpath(".//q:respcondition[q:setvar='100']", namespaces=Q)
    if kind == "multiple_answers_question":
        return {v.text for v in scored.iterfind("q:conditionvar/q:and/q:varequal", Q)}
    if kind == "numerical_question":
        return scored.findtext(".//q:varequal", namespaces=Q)
    return {v.text for v in scored.iterfind("q:conditionvar/q:varequal", Q)}


def test_canvas_quiz_files_are_canvas_flavour_not_the_cc_profile(built: dict[str, Cartridge], spec_dir: Path) -> None:
    """Canvas's own quiz files use QTI the CC profile forbids (or, vargte): the CC schema rejects them, as it should."""
    data = built["alltypes"].zip.read("non_cc_assessments/quiz_check-one.xml.qti")
    with pytest.raises(AssertionError, match="'{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}or': This element is not expected"):
        assert_valid(cc11_schema(spec_dir, "qti"), data)


def test_canvas_modules_arrive_locked_in_pathway_order(built: dict[str, Cartridge], flagship: Course) -> None:
    """module_meta.xml lists the modules in order, each locked behind the one before, the exam behind all."""
    cartridge = built["flagship"]
    flags = [r.get("href") for r in cartridge.manifest.iterfind(".//cp:resource", CP)]
    assert "course_settings/canvas_export.txt" in flags  # what makes Canvas read its own settings
    modules = cartridge.xml("course_settings/module_meta.xml").findall("c:module", CANVAS)
    assert [m.findtext("c:title", namespaces=CANVAS) for m in modules] == [m.title for m in flagship.modules] + [flagship.final_exam.title]
    assert [m.findtext("c:position", namespaces=CANVAS) for m in modules] == [str(n) for n in range(1, 8)]
    ids = [m.get("identifier") for m in modules]
    assert modules[0].find("c:prerequisites", CANVAS) is None
    for n in range(1, 6):
        prerequisites = [p.findtext("c:identifierref", namespaces=CANVAS) for p in modules[n].iterfind(".//c:prerequisite", CANVAS)]
        assert prerequisites == [ids[n - 1]]
    assert [p.findtext("c:identifierref", namespaces=CANVAS) for p in modules[6].iterfind(".//c:prerequisite", CANVAS)] == ids[:6]
    resources = {r.get("identifier") for r in cartridge.manifest.iterfind(".//cp:resource", CP)}
    for module in modules:
        items = {i.get("identifier"): i for i in module.iterfind("c:items/c:item", CANVAS)}
        assert {i.findtext("c:identifierref", namespaces=CANVAS) for i in items.values()} <= resources
        required = {r.findtext("c:identifierref", namespaces=CANVAS): r for r in module.iterfind(".//c:completionRequirement", CANVAS)}
        assert set(required) <= set(items)
        kinds = {items[i].findtext("c:content_type", namespaces=CANVAS): r.get("type") for i, r in required.items()}
        assert kinds == {"WikiPage": "must_view", "Quizzes::Quiz": "min_score"} or kinds == {"Quizzes::Quiz": "min_score"}
    exam_requirement = modules[6].find(".//c:completionRequirement", CANVAS)
    assert float(exam_requirement.findtext("c:min_score", namespaces=CANVAS)) == pytest.approx(31 * 0.8)


def test_canvas_quiz_settings(built: dict[str, Cartridge]) -> None:
    """Knowledge checks are practice quizzes with unlimited attempts; the final exam is graded, 3 attempts."""
    cartridge = built["flagship"]
    check = cartridge.xml("quiz_step-1-check/assessment_meta.xml")
    assert check.get("identifier") == "quiz_step-1-check"
    assert check.findtext("c:quiz_type", namespaces=CANVAS) == "practice_quiz"
    assert check.findtext("c:allowed_attempts", namespaces=CANVAS) == "-1"
    assert check.findtext("c:points_possible", namespaces=CANVAS) == "8"
    assert check.find("c:assignment", CANVAS) is None
    exam = cartridge.xml("quiz_final-exam/assessment_meta.xml")
    assert exam.findtext("c:quiz_type", namespaces=CANVAS) == "assignment"
    assert exam.findtext("c:allowed_attempts", namespaces=CANVAS) == "3"
    assert exam.findtext("c:assignment/c:points_possible", namespaces=CANVAS) == "31"
    meta = cartridge.resource("quiz_final-exam_canvas")
    assert {f.get("href") for f in meta.iterfind("cp:file", CP)} == {
        "quiz_final-exam/assessment_meta.xml", "non_cc_assessments/quiz_final-exam.xml.qti"}
    dependency = cartridge.resource("quiz_final-exam").find("cp:dependency", CP).get("identifierref")
    assert dependency == "quiz_final-exam_canvas"


def test_pages_are_self_contained_with_media_and_glossary(built: dict[str, Cartridge]) -> None:
    """A page's images resolve to files in the archive, each its own resource, and its glossary links to terms on it."""
    cartridge = built["alltypes"]
    page = lxml_html.fromstring(cartridge.zip.read("wiki_content/intro.html"))
    sources = [img.get("src") for img in page.iter("img")]
    assert sources == ["../web_resources/assets/media/pic.svg"] * 2
    assert posixpath.normpath(posixpath.join("wiki_content", sources[0])) in cartridge.zip.namelist()
    anchors = {a.get("href")[1:] for a in page.iter("a") if (a.get("href") or "").startswith("#")}
    assert anchors == {"g-ged", "g-cma"}
    assert {dt.get("id") for dt in page.iter("dt")} == anchors
    assert page.find(".//meta[@name='identifier']").get("content") == "page_intro"
    dependencies = [d.get("identifierref") for d in cartridge.resource("page_intro").iterfind("cp:dependency", CP)]
    media = cartridge.resource(dependencies[0])
    assert media.get("type") == "webcontent" and media.get("href") == "web_resources/assets/media/pic.svg"
    assert cartridge.zip.read("web_resources/assets/media/pic.svg") == (COURSES / "imscc-alltypes/media/pic.svg").read_bytes()
    second = lxml_html.fromstring(cartridge.zip.read("wiki_content/second.html"))
    assert second.findtext(".//title") == "Numbers & symbols <in> titles"
    assert "<angle brackets>" in second.find("body").text_content()


def test_discussions_and_web_links_follow_the_content(built: dict[str, Cartridge]) -> None:
    """A reflection becomes a discussion topic in its module, each cited link a web link; none where there are none."""
    cartridge = built["alltypes"]
    topic = cartridge.xml("discussion_topics/topic_first-step.xml")
    assert topic.findtext("{*}title") == "Reflection: Step one: diplomas & GEDs"
    assert "Which step looks hardest to you" in topic.findtext("{*}text")
    assert 'src="$IMS-CC-FILEBASE$/../web_resources/assets/media/chart.svg"' in topic.findtext("{*}text")
    links = [cartridge.xml(f"web_links/link_first-step_{n}.xml") for n in (1, 2)]
    assert [(w.findtext("{*}title"), w.find("{*}url").get("href")) for w in links] == [
        ("Occupational Outlook Handbook", "https://www.bls.gov/ooh/healthcare/medical-assistants.htm"),
        ("AAMA", "https://www.aama-ntl.org/")]
    first = cartridge.folders()[0]
    assert [i.get("identifierref") for i in first.iterfind("cp:item", CP)] == [
        "page_intro", "page_second", "link_first-step_1", "link_first-step_2", "quiz_check-one", "topic_first-step"]
    canvas_items = cartridge.xml("course_settings/module_meta.xml").findall(".//c:item", CANVAS)
    urls = [i.findtext("c:url", namespaces=CANVAS) for i in canvas_items if i.findtext("c:content_type", namespaces=CANVAS) == "ExternalUrl"]
    assert urls == ["https://www.bls.gov/ooh/healthcare/medical-assistants.htm", "https://www.aama-ntl.org/"]
    minimal = built["minimal"]
    assert not [n for n in minimal.zip.namelist() if n.startswith(("discussion_topics/", "web_links/", "quiz_"))]
    assert [i.get("identifierref") for i in minimal.folders()[0].iterfind("cp:item", CP)] == ["page_page"]


def test_module_completion_rules_become_canvas_requirements(built: dict[str, Cartridge]) -> None:
    """Pages are must_view only where the module asks to view them all; quizzes need the mastery score."""
    modules = built["alltypes"].xml("course_settings/module_meta.xml").findall("c:module", CANVAS)
    rules = [[(r.get("type"), r.findtext("c:min_score", namespaces=CANVAS)) for r in m.iterfind(".//c:completionRequirement", CANVAS)]
             for m in modules]
    assert rules == [
        [("must_view", None), ("must_view", None), ("min_score", "7.2")],  # 9 points at the course's 80%
        [("min_score", "3.2")],                                              # no page rule; 4 points at 80%
        [("min_score", "1.5")],                                              # the exam's own 75% of 2 points
    ]


def test_rebuilds_are_byte_identical(tmp_path: Path, flagship_dir: Path) -> None:
    """Building the same course twice gives the same bytes."""
    course = load_course(flagship_dir)
    first = export(course, "imscc", tmp_path / "one").read_bytes()
    second = export(load_course(flagship_dir), "imscc", tmp_path / "two").read_bytes()
    assert first == second


def test_a_failed_build_leaves_nothing(tmp_path: Path) -> None:
    """When a media file vanishes mid-build, the build fails and the output folder holds no file at all."""
    source = shutil.copytree(COURSES / "imscc-alltypes", tmp_path / "course")
    course = load_course(source)
    (source / "media" / "pic.svg").unlink()
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="media/pic.svg"):
        export(course, "imscc", out)
    assert not out.exists() or list(out.iterdir()) == []


def test_canvas_files_can_be_left_out(tmp_path: Path, spec_dir: Path) -> None:
    """With canvas=no the cartridge is plain CC 1.1: no course_settings, no Canvas quizzes, still valid."""
    path = export(load_course(COURSES / "imscc-alltypes"), "imscc", tmp_path, canvas="no")
    cartridge = Cartridge(path)
    assert not [n for n in cartridge.zip.namelist() if n.startswith(("course_settings/", "non_cc_assessments/")) or "meta" in n]
    assert_valid(cc11_schema(spec_dir, "manifest"), cartridge.zip.read("imsmanifest.xml"))
    dependencies = [d.get("identifierref") for d in cartridge.resource("quiz_check-one").iterfind("cp:dependency", CP)]
    assert dependencies == ["file_media_pic_svg_d4ff368e"]  # the image its first question shows, no Canvas settings


@pytest.mark.parametrize("options", [{"version": "1.3"}, {"canvas": "maybe"}, {"colour": "red"}])
def test_bad_options_are_usage_errors(tmp_path: Path, options: dict[str, str]) -> None:
    """Only version=1.1 and canvas=yes|no are accepted."""
    with pytest.raises(UsageError):
        export(load_course(COURSES / "imscc-minimal"), "imscc", tmp_path, **options)
    assert not tmp_path.joinpath("imscc-minimal-imscc.imscc").exists()


def test_conversions_are_notes_on_the_exporter_and_warnings_from_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The exporter keeps its notes; `cmacourse build` prints them to stderr and the package path to stdout."""
    exporter = ImsccExporter()
    exporter.export(load_course(COURSES / "imscc-alltypes"), PackageWriter(first_entry="imsmanifest.xml"))
    assert any("q-match" in n and "matching → multiple choice" in n for n in exporter.notes)
    assert any(n.startswith("Canvas:") and "q-blank" in n for n in exporter.notes)
    assert main(["build", str(COURSES / "imscc-alltypes"), "--format", "imscc", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(tmp_path / "imscc-alltypes-imscc.imscc")
    lines = captured.err.splitlines()
    assert "cmacourse: imscc: Common Cartridge QTI (Moodle and other LMSs): 2 × ordering → multiple choice: pick the " \
           "complete correct order among it and up to three wrong ones: q-order, fx-order" in lines
    assert len(lines) == len(exporter.notes)
