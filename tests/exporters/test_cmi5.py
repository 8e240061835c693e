"""The cmi5 export: cmi5.xml against the official XSD, its IRIs and moveOn rules, the runtime it ships, reproducibility."""

from __future__ import annotations

import urllib.parse
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from cmacourse import UsageError, load_course
from cmacourse.cli import main
from cmacourse.exporters import export

from xmlschemas import assert_valid, compile_schema

COURSES = Path(__file__).resolve().parents[1] / "courses"
FLAGSHIP = Path(__file__).resolve().parents[2] / "course_content"
CASES = [FLAGSHIP, COURSES / "xapi-every-type", COURSES / "xapi-no-exam"]
NS = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
RUNTIME = Path(__file__).resolve().parents[2] / "src" / "cmacourse" / "player" / "runtime"


@pytest.fixture(scope="module")
def schema(spec_dir: Path) -> etree.XMLSchema:
    """cmi5's CourseStructure.xsd, compiled offline through a wrapper schema."""
    return compile_schema(imports={NS["c"]: spec_dir / "cmi5" / "CourseStructure.xsd"}, aliases={})


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each test course exported once to cmi5, by folder name."""
    out = tmp_path_factory.mktemp("cmi5")
    return {case.name: export(load_course(case), "cmi5", out / case.name) for case in CASES}


def structure(package: Path) -> etree._Element:
    with zipfile.ZipFile(package) as archive:
        return etree.fromstring(archive.read("cmi5.xml"))


def is_absolute_iri(value: str) -> bool:
    parts = urllib.parse.urlsplit(value)
    return bool(parts.scheme and parts.netloc) and not any(ch.isspace() for ch in value)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_cmi5_xml_is_first_and_valid(case: Path, packages: dict[str, Path], schema: etree.XMLSchema) -> None:
    """cmi5.xml is the zip's first entry, at its root, and valid against CourseStructure.xsd."""
    with zipfile.ZipFile(packages[case.name]) as archive:
        assert archive.namelist()[0] == "cmi5.xml"
        assert_valid(schema, archive.read("cmi5.xml"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_one_au_per_module_then_the_course_document(case: Path, packages: dict[str, Path]) -> None:
    """Each module is an AU, in course order, and the course document (final exam, results) is the last one."""
    course = load_course(case)
    aus = structure(packages[case.name]).findall("c:au", NS)
    assert [au.findtext("c:url", namespaces=NS) for au in aus] == (
        [f"modules/{m.id}/index.html" for m in course.modules] + ["index.html"])
    titles = [au.findtext("c:title/c:langstring", namespaces=NS) for au in aus]
    assert titles == [m.title for m in course.modules] + [course.title]
    assert all(au.get("launchMethod") == "AnyWindow" for au in aus)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_iri_is_absolute_unique_and_under_the_base(case: Path, packages: dict[str, Path]) -> None:
    """Course, objective and AU ids are absolute IRIs under the course's base IRI, and objective references resolve."""
    course = load_course(case)
    base = (course.base_iri or f"https://cmacourse.invalid/courses/{course.id}").rstrip("/")
    root = structure(packages[case.name])
    ids = [e.get("id") for e in root.iter() if e.get("id") is not None]
    assert root.find("c:course", NS).get("id") == base
    assert len(ids) == len(set(ids))
    assert all(is_absolute_iri(i) and (i == base or i.startswith(base + "/")) for i in ids)
    declared = {o.get("id") for o in root.findall("c:objectives/c:objective", NS)}
    assert declared == {f"{base}/objectives/{o.id}" for o in course.objectives}
    refs = [r.get("idref") for r in root.iterfind("c:au/c:objectives/c:objective", NS)]
    assert refs and set(refs) <= declared


def expected_rules(case: Path) -> list[tuple[str, Decimal | None]]:
    """moveOn and masteryScore worked out from the content's completion rules, AU by AU."""
    course = load_course(case)
    rules: list[tuple[str, Decimal | None]] = []
    for module in course.modules:
        # The module's pass mark, else the course's, else that of the one assessment its score adds up.
        scored = [a for a in module.assessments if a.kind != "knowledge_check"] or list(module.assessments)
        chain = [module.completion.mastery_score, course.completion.mastery_score]
        chain += [scored[0].mastery_score] if len(scored) == 1 else []
        mastery = next((m for m in chain if m is not None), None)
        judged = bool(module.assessments) and mastery is not None
        pages = module.completion.view_all_pages and bool(module.pages)
        move_on = {(True, True): "CompletedAndPassed", (False, True): "Passed", (True, False): "Completed"}.get(
            (pages, judged), "NotApplicable")
        rules.append((move_on, Decimal(mastery) / 100 if judged else None))
    exam = course.final_exam
    mastery = course.completion.mastery_score if course.completion.mastery_score is not None else (
        exam.mastery_score if exam else None)
    rules.append(("Passed", Decimal(mastery) / 100) if exam and mastery is not None else ("NotApplicable", None))
    return rules


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_move_on_and_mastery_come_from_the_completion_rules(case: Path, packages: dict[str, Path]) -> None:
    """Pages to view give Completed, a pass mark Passed (masteryScore 0–1), both CompletedAndPassed, neither NotApplicable."""
    aus = structure(packages[case.name]).findall("c:au", NS)
    found = [(au.get("moveOn"), Decimal(au.get("masteryScore")) if au.get("masteryScore") else None) for au in aus]
    assert found == expected_rules(case)
    assert all(Decimal(0) <= m <= 1 for _, m in found if m is not None)


def test_the_test_courses_cover_every_move_on_value(packages: dict[str, Path]) -> None:
    """Between them the test courses exercise every moveOn value but CompletedOrPassed, which no content rule means."""
    values = {au.get("moveOn") for name in packages for au in structure(packages[name]).findall("c:au", NS)}
    assert values == {"Completed", "Passed", "CompletedAndPassed", "NotApplicable"}


def test_base_iri_option_overrides_the_course(tmp_path: Path) -> None:
    """``-O base_iri=`` roots every IRI, with or without a trailing slash, in place of course.yaml's."""
    course = load_course(COURSES / "xapi-every-type")
    root = structure(export(course, "cmi5", tmp_path, base_iri="https://lms.example.net/catalog/x/"))
    ids = [e.get("id") for e in root.iter() if e.get("id") is not None]
    assert root.find("c:course", NS).get("id") == "https://lms.example.net/catalog/x"
    assert all(i.startswith("https://lms.example.net/catalog/x/") or i == "https://lms.example.net/catalog/x" for i in ids)


@pytest.mark.parametrize("value", ["not an iri", "example.org/courses", "https://exa mple.org"])
def test_a_base_iri_that_is_not_absolute_is_refused(tmp_path: Path, value: str) -> None:
    """A base IRI without a scheme, or with white space, stops the build and writes nothing."""
    with pytest.raises(UsageError, match="not an absolute IRI"):
        export(load_course(COURSES / "xapi-no-exam"), "cmi5", tmp_path, base_iri=value)
    assert list(tmp_path.iterdir()) == []


def test_iris_are_stable_across_builds_and_output_folders(tmp_path: Path) -> None:
    """The same course gives the same IRIs wherever and whenever it is built."""
    course = load_course(FLAGSHIP)
    first = structure(export(course, "cmi5", tmp_path / "a"))
    second = structure(export(load_course(FLAGSHIP), "cmi5", tmp_path / "b" / "deeper"))
    assert [e.get("id") for e in first.iter()] == [e.get("id") for e in second.iter()]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rebuilds_are_byte_identical(case: Path, tmp_path: Path) -> None:
    """Exporting twice gives the same zip, byte for byte."""
    first = export(load_course(case), "cmi5", tmp_path / "one").read_bytes()
    second = export(load_course(case), "cmi5", tmp_path / "two").read_bytes()
    assert first == second


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_au_plays_with_the_cmi5_runtime(case: Path, packages: dict[str, Path]) -> None:
    """Each AU url is a launch document loading player/lms.js, the cmi5 adapter, beside the xAPI client it loads."""
    with zipfile.ZipFile(packages[case.name]) as archive:
        names = set(archive.namelist())
        assert archive.read("player/lms.js") == (RUNTIME / "cmi5.js").read_bytes()
        for name in ("xapi-queue.js", "xapi.js"):
            assert archive.read(f"player/{name}") == (RUNTIME / "xapi" / name).read_bytes()
        assert archive.read("player/xapi-activities.js").startswith(b"window.cmaXapiActivities = {")
        for au in structure(packages[case.name]).findall("c:au", NS):
            url = au.findtext("c:url", namespaces=NS)
            assert url in names
            page = archive.read(url).decode()
            depth = "../" * url.count("/")
            assert f'<script src="{depth}player/lms.js"></script>' in page


def test_cli_writes_the_course_id_cmi5_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``cmacourse build PATH --format cmi5 --out DIR`` writes DIR/<course-id>-cmi5.zip and nothing else."""
    assert main(["build", str(COURSES / "xapi-no-exam"), "--format", "cmi5", "--out", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["xapi-no-exam-cmi5.zip"]
    assert zipfile.is_zipfile(tmp_path / "xapi-no-exam-cmi5.zip")
