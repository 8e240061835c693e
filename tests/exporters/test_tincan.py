"""The Tin Can export: tincan.xml against tincan.xsd, its activities and interactions, the runtime data, reproducibility."""

from __future__ import annotations

import json
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from cmacourse import load_course
from cmacourse.cli import main
from cmacourse.exporters import export

from xmlschemas import assert_valid, compile_schema

COURSES = Path(__file__).resolve().parents[1] / "courses"
FLAGSHIP = Path(__file__).resolve().parents[2] / "course_content"
CASES = [FLAGSHIP, COURSES / "xapi-every-type", COURSES / "xapi-no-exam"]
NS = {"t": "http://projecttincan.com/tincan.xsd"}
RUNTIME = Path(__file__).resolve().parents[2] / "src" / "cmacourse" / "player" / "runtime"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"


@pytest.fixture(scope="module")
def schema(spec_dir: Path) -> etree.XMLSchema:
    """Rustici's tincan.xsd, compiled offline through a wrapper schema."""
    return compile_schema(imports={NS["t"]: spec_dir / "tincan" / "tincan.xsd"}, aliases={})


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each test course exported once to Tin Can, by folder name."""
    out = tmp_path_factory.mktemp("tincan")
    return {case.name: export(load_course(case), "tincan", out / case.name) for case in CASES}


def read(package: Path, name: str) -> bytes:
    with zipfile.ZipFile(package) as archive:
        return archive.read(name)


def activities_of(package: Path) -> list[etree._Element]:
    return etree.fromstring(read(package, "tincan.xml")).findall("t:activities/t:activity", NS)


def runtime_data(package: Path) -> dict[str, Any]:
    """The activity data the runtime sends in statements (player/xapi-activities.js)."""
    text = read(package, "player/xapi-activities.js").decode()
    prefix, suffix = "window.cmaXapiActivities = ", ";\n"
    assert text.startswith(prefix) and text.endswith(suffix)
    return dict(json.loads(text[len(prefix):-len(suffix)]))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_tincan_xml_is_first_and_valid(case: Path, packages: dict[str, Path], schema: etree.XMLSchema) -> None:
    """tincan.xml is the zip's first entry, at its root, and valid against tincan.xsd."""
    with zipfile.ZipFile(packages[case.name]) as archive:
        assert archive.namelist()[0] == "tincan.xml"
        assert_valid(schema, archive.read("tincan.xml"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_course_launches_then_one_activity_per_module_and_question(case: Path, packages: dict[str, Path]) -> None:
    """The course comes first with the launch document, then each module, assessment and question once."""
    course = load_course(case)
    found = activities_of(packages[case.name])
    base = (course.base_iri or f"https://cmacourse.invalid/courses/{course.id}").rstrip("/")
    assert found[0].get("id") == base
    assert [e.text for e in found[0].findall("t:launch", NS)] == ["index.html"]
    assert b"player/lms.js" in read(packages[case.name], "index.html")
    assert all(not a.findall("t:launch", NS) for a in found[1:])
    ids = [a.get("id") for a in found]
    assert ids == [base] + [f"{base}/modules/{m.id}" for m in course.modules] + [
        f"{base}/assessments/{a.id}" for a in course.assessments] + [f"{base}/questions/{q.id}" for _, q in course.questions()]
    assert len(set(ids)) == len(ids)
    assert all(urllib.parse.urlsplit(i).scheme == "https" and urllib.parse.urlsplit(i).netloc for i in ids)


def test_language_maps_are_in_the_course_language_without_markup(packages: dict[str, Path]) -> None:
    """Names and descriptions carry the course's language tag and the text a learner reads, markup removed."""
    found = activities_of(packages["xapi-every-type"])
    langs = {e.get("lang") for a in found for e in a.iter() if e.get("lang") is not None}
    assert langs == {"fr-CA"}
    single = next(a for a in found if a.get("id").endswith("/questions/q-single"))
    assert single.findtext("t:name", namespaces=NS) == "Which one is right? <script>alert(1)</script>"
    assert single.findtext("t:choices/t:component[t:id='right']/t:description", namespaces=NS) == "The right one"


def definition_of(element: etree._Element) -> dict[str, Any]:
    """An activity of tincan.xml read back as an xAPI interaction definition."""
    found: dict[str, Any] = {"interactionType": element.findtext("t:interactionType", namespaces=NS),
                             "correctResponsesPattern": [p.text for p in element.iterfind("t:correctResponsePatterns/t:correctResponsePattern", NS)]}
    for key in ("choices", "source", "target"):
        components = element.findall(f"t:{key}/t:component", NS)
        if components:
            found[key] = [(c.findtext("t:id", namespaces=NS), c.findtext("t:description", namespaces=NS)) for c in components]
    return found


#: The interactions of tests/courses/xapi-every-type, worked out by hand from its check.yaml in xAPI 1.0.3 syntax.
EXPECTED = {
    "q-single": {"interactionType": "choice", "correctResponsesPattern": ["right"],
                 "choices": [("wrong", "The wrong one"), ("right", "The right one")]},
    "q-multiple": {"interactionType": "choice", "correctResponsesPattern": ["a[,]c"],
                   "choices": [("a", "First right"), ("b", "Wrong"), ("c", "Second right")]},
    "q-true-false": {"interactionType": "true-false", "correctResponsesPattern": ["false"]},
    "q-matching": {"interactionType": "matching", "correctResponsesPattern": ["0[.]0[,]1[.]1"],
                   "source": [("0", "First"), ("1", "Second")], "target": [("0", "One"), ("1", "Two"), ("2", "Three")]},
    "q-ordering": {"interactionType": "sequencing", "correctResponsesPattern": ["i1[,]i2[,]i3"],
                   "choices": [("i1", "Diploma"), ("i2", "Program"), ("i3", "Exam")]},
    "q-fill": {"interactionType": "fill-in",
               "correctResponsesPattern": ["{case_matters=true}CMA", "{case_matters=true}Certified Medical Assistant"]},
    "q-numeric-range": {"interactionType": "numeric", "correctResponsesPattern": ["2.1[:]2.3"]},
    "q-numeric-exact": {"interactionType": "numeric", "correctResponsesPattern": ["60"]},
    "q-final": {"interactionType": "true-false", "correctResponsesPattern": ["true"]},
}


def test_every_question_type_has_its_xapi_interaction(packages: dict[str, Path]) -> None:
    """Each question type maps to its interaction type, components and correctResponsesPattern in 1.0.3 syntax."""
    found = {a.get("id").rsplit("/", 1)[1]: definition_of(a) for a in activities_of(packages["xapi-every-type"])
             if a.get("type") == INTERACTION}
    assert found == EXPECTED


def test_matching_and_ordering_ids_are_the_players(packages: dict[str, Path]) -> None:
    """The component ids are the ones the player's course data uses, so the learner's responses name them."""
    course_js = read(packages["xapi-every-type"], "player/course.js").decode()
    data = json.loads(course_js[course_js.index("{"):course_js.rindex("}") + 1])
    questions = {q["id"]: q for a in data["assessments"].values() for q in a["questions"]}
    assert [c["id"] for c in questions["q-ordering"]["choices"]] == ["i1", "i2", "i3"]
    assert [s["id"] for s in questions["q-matching"]["sources"]] == ["0", "1"]
    assert [t["id"] for t in questions["q-matching"]["targets"]] == ["0", "1", "2"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_statements_carry_the_definitions_of_tincan_xml(case: Path, packages: dict[str, Path]) -> None:
    """The runtime's activity data and tincan.xml come from one source: same ids, names and interactions."""
    data = runtime_data(packages[case.name])
    entries = [data["course"], *data["modules"].values(), *data["assessments"].values(), *data["questions"].values()]
    found = activities_of(packages[case.name])
    assert [e["id"] for e in entries] == [a.get("id") for a in found]
    for entry, element in zip(entries, found):
        definition = entry["definition"]
        assert element.get("type") == definition["type"]
        assert {e.get("lang"): e.text for e in element.findall("t:name", NS)} == definition["name"]
        if definition["type"] == INTERACTION:
            assert definition_of(element)["correctResponsesPattern"] == definition["correctResponsesPattern"]
    pages = {p.id for m in load_course(case).modules for p in m.pages}
    assert set(data["pages"]) == pages


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rebuilds_are_byte_identical(case: Path, tmp_path: Path) -> None:
    """Exporting twice gives the same zip, byte for byte."""
    first = export(load_course(case), "tincan", tmp_path / "one").read_bytes()
    second = export(load_course(case), "tincan", tmp_path / "two").read_bytes()
    assert first == second


def test_the_package_ships_the_tincan_runtime(packages: dict[str, Path]) -> None:
    """player/lms.js is the Tin Can adapter and the xAPI client it loads sits beside it."""
    package = packages[FLAGSHIP.name]
    assert read(package, "player/lms.js") == (RUNTIME / "tincan.js").read_bytes()
    for name in ("xapi-queue.js", "xapi.js"):
        assert read(package, f"player/{name}") == (RUNTIME / "xapi" / name).read_bytes()


def test_cli_writes_the_course_id_tincan_zip(tmp_path: Path) -> None:
    """``cmacourse build PATH --format tincan --out DIR -O base_iri=...`` writes DIR/<course-id>-tincan.zip under that IRI."""
    args = ["build", str(COURSES / "xapi-no-exam"), "--format", "tincan", "--out", str(tmp_path),
            "-O", "base_iri=https://lrs.example.com/c/no-exam"]
    assert main(args) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["xapi-no-exam-tincan.zip"]
    ids = [a.get("id") for a in activities_of(tmp_path / "xapi-no-exam-tincan.zip")]
    assert ids[0] == "https://lrs.example.com/c/no-exam" and all(i.startswith(ids[0]) for i in ids)
