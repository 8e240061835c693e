"""The SCORM 1.2 export: manifest validity against the official XSDs, its content, reproducibility and failures."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from cmacourse import BuildError, UsageError, load_course
from cmacourse.cli import main
from cmacourse.exporters import export
from cmacourse.exporters._package import PackageWriter
from cmacourse.exporters.scorm12 import NS
from cmacourse.player import launch_layouts

from xmlschemas import assert_valid, compile_schema

COURSES = Path(__file__).resolve().parents[1] / "courses"
FLAGSHIP = Path(__file__).resolve().parents[2] / "course_content"
CP, ADLCP = NS[None], NS["adlcp"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Every course and scope whose state fits SCORM 1.2; the oversize course fits only one SCO per module.
CASES = [(FLAGSHIP, "course"), (FLAGSHIP, "module"), (COURSES / "scorm-single", "course"),
         (COURSES / "scorm-single", "module"), (COURSES / "scorm-branching", "course"),
         (COURSES / "scorm-branching", "module"), (COURSES / "scorm-oversize", "module")]


@pytest.fixture(scope="module")
def schema(spec_dir: Path) -> etree.XMLSchema:
    """The SCORM 1.2 content packaging and ADL schemas; ims_xml.xsd is replaced by the W3C xml.xsd (spec README)."""
    folder = spec_dir / "scorm12"
    return compile_schema({CP: folder / "imscp_rootv1p1p2.xsd", ADLCP: folder / "adlcp_rootv1p2.xsd"},
                           {"ims_xml.xsd": spec_dir / "scorm2004-4th" / "xml.xsd"})


def build(course_dir: Path, out: Path, **options: str) -> Path:
    """Export a course folder to SCORM 1.2 and return the zip."""
    return export(load_course(course_dir), "scorm12", out, **options)


def manifest_of(package: Path) -> etree._Element:
    with zipfile.ZipFile(package) as archive:
        return etree.fromstring(archive.read("imsmanifest.xml"))


def find(root: etree._Element, path: str) -> list[etree._Element]:
    return root.findall(path, {"cp": CP, "adlcp": ADLCP})


@pytest.mark.parametrize(("course_dir", "sco"), CASES, ids=[f"{c.name}-{s}" for c, s in CASES])
def test_manifest_is_valid_against_the_official_xsds(course_dir: Path, sco: str, schema: etree.XMLSchema,
                                                     tmp_path: Path) -> None:
    """Every manifest we write validates against imscp_rootv1p1p2.xsd and adlcp_rootv1p2.xsd, and comes first."""
    package = build(course_dir, tmp_path, sco=sco)
    assert package.name == f"{load_course(course_dir).id}-scorm12.zip"
    with zipfile.ZipFile(package) as archive:
        assert archive.namelist()[0] == "imsmanifest.xml"
        assert_valid(schema, archive.read("imsmanifest.xml"))


@pytest.mark.parametrize(("course_dir", "sco"), CASES, ids=[f"{c.name}-{s}" for c, s in CASES])
def test_every_file_is_declared_and_every_reference_resolves(course_dir: Path, sco: str, tmp_path: Path) -> None:
    """Each file of the zip but the manifest is a <file> of a resource, and every item and dependency points at one."""
    package = build(course_dir, tmp_path, sco=sco)
    root = manifest_of(package)
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist()) - {"imsmanifest.xml"}
    declared = [f.get("href") for f in find(root, ".//cp:file")]
    assert sorted(declared) == sorted(names)
    resources = {r.get("identifier"): r for r in find(root, ".//cp:resource")}
    for element in find(root, ".//cp:item[@identifierref]") + find(root, ".//cp:dependency"):
        assert element.get("identifierref") in resources
    for resource in resources.values():
        assert resource.get("href") is None or resource.get("href") in names


@pytest.mark.parametrize("sco", ["course", "module"])
def test_items_follow_the_launch_documents_with_ids_from_content_ids(sco: str, tmp_path: Path) -> None:
    """Items are ITEM-<launch id>; several SCOs hang under one non-launchable root item, one SCO does not."""
    course = load_course(COURSES / "scorm-branching")
    root = manifest_of(build(COURSES / "scorm-branching", tmp_path, sco=sco))
    launches = [layout.launch for layout in launch_layouts(course, sco)]  # type: ignore[arg-type]
    organization = find(root, "cp:organizations/cp:organization")[0]
    assert find(root, "cp:organizations")[0].get("default") == organization.get("identifier") == "ORG-branching"
    launchable = find(root, ".//cp:item[@identifierref]")
    assert [i.get("identifier") for i in launchable] == [f"ITEM-{la.id}" for la in launches]
    assert [i.findtext(f"{{{CP}}}title") for i in launchable] == [la.title for la in launches]
    assert {r.get("href") for r in find(root, ".//cp:resource[@href]")} == {la.href for la in launches}
    top = find(organization, "cp:item")
    if sco == "course":
        assert top == launchable
    else:
        assert len(top) == 1 and top[0].get("identifierref") is None and top[0].get("identifier") == "ROOT-branching"
        assert find(top[0], "cp:item") == launchable


def test_mastery_scores_and_prerequisites_per_sco(tmp_path: Path) -> None:
    """Each SCO carries the pass mark of its launch and, per module, the modules it requires as an AICC script."""
    root = manifest_of(build(COURSES / "scorm-branching", tmp_path, sco="module"))
    items = {i.get("identifier"): i for i in find(root, ".//cp:item[@identifierref]")}
    mastery = {k: i.findtext(f"{{{ADLCP}}}masteryscore") for k, i in items.items()}
    # intro sets 60 itself; math and clinic fall back on the course's 75, as does the course's exam launch.
    assert mastery == {"ITEM-intro": "60", "ITEM-math": "75", "ITEM-clinic": "75", "ITEM-branching": "75"}
    prerequisites = {k: i.find(f"{{{ADLCP}}}prerequisites") for k, i in items.items()}
    assert prerequisites["ITEM-clinic"].text == "ITEM-intro&ITEM-math"
    assert prerequisites["ITEM-clinic"].get("type") == "aicc_script"
    # The course's own SCO holds the final exam, which opens once every module is complete.
    assert prerequisites["ITEM-branching"].text == "ITEM-intro&ITEM-math&ITEM-clinic"
    assert [k for k, p in prerequisites.items() if p is not None] == ["ITEM-clinic", "ITEM-branching"]


def test_flagship_course_sco_has_the_course_mastery_score(tmp_path: Path) -> None:
    """With one SCO, its masteryscore is the flagship course's mastery score."""
    course = load_course(FLAGSHIP)
    root = manifest_of(build(FLAGSHIP, tmp_path))
    (item,) = find(root, ".//cp:item")
    assert float(item.findtext(f"{{{ADLCP}}}masteryscore")) == course.completion.mastery_score
    assert item.findtext(f"{{{CP}}}title") == course.title


def test_prefixes_are_the_literal_names_moodle_matches(tmp_path: Path) -> None:
    """Moodle's parser reads tag names, not namespaces: the manifest spells adlcp:scormtype and adlcp:masteryscore."""
    package = build(FLAGSHIP, tmp_path)
    with zipfile.ZipFile(package) as archive:
        text = archive.read("imsmanifest.xml").decode("utf-8")
    assert 'adlcp:scormtype="sco"' in text and "<adlcp:masteryscore>" in text
    assert "<schemaversion>1.2</schemaversion>" in text and "<schema>ADL SCORM</schema>" in text


def test_title_and_description_metadata(tmp_path: Path) -> None:
    """The manifest points at metadata.xml, an IMS metadata record with the course's title, language and description."""
    course = load_course(COURSES / "scorm-branching")
    package = build(COURSES / "scorm-branching", tmp_path)
    root = manifest_of(package)
    assert find(root, "cp:metadata/adlcp:location")[0].text == "metadata.xml"
    md = NS["imsmd"]
    with zipfile.ZipFile(package) as archive:
        lom = etree.fromstring(archive.read("metadata.xml"))
    # imsmd_rootv1p2p1.xsd cannot be compiled by libxml2 (spec README): check its content model by hand.
    assert lom.tag == f"{{{md}}}lom"
    assert [child.tag for child in lom] == [f"{{{md}}}{n}" for n in ("general", "lifecycle", "metametadata")]
    general = lom.find(f"{{{md}}}general")
    assert [c.tag for c in general] == [f"{{{md}}}{n}" for n in ("identifier", "title", "language", "description")]
    title = general.find(f"{{{md}}}title/{{{md}}}langstring")
    assert (title.text, title.get(XML_LANG)) == (course.title, course.language)
    assert general.findtext(f"{{{md}}}description/{{{md}}}langstring") == course.description.strip()
    assert lom.findtext(f"{{{md}}}lifecycle/{{{md}}}version/{{{md}}}langstring") == course.version == "2.1.0"
    assert root.get("version") == course.version


def test_markup_in_titles_is_escaped(tmp_path: Path, schema: etree.XMLSchema) -> None:
    """A title with & and <...> is written as text, and the course without description omits it."""
    package = build(COURSES / "scorm-single", tmp_path)
    root = manifest_of(package)
    assert find(root, ".//cp:organization/cp:title")[0].text == "A one-page course & <nothing> else"
    with zipfile.ZipFile(package) as archive:
        lom = etree.fromstring(archive.read("metadata.xml"))
    assert lom.find(f"{{{NS['imsmd']}}}general/{{{NS['imsmd']}}}description") is None
    assert find(root, ".//cp:item")[0].find(f"{{{ADLCP}}}masteryscore") is None


@pytest.mark.parametrize("sco", ["course", "module"])
def test_two_builds_are_byte_identical(sco: str, tmp_path: Path) -> None:
    """Building the same course twice gives the same bytes."""
    first = build(FLAGSHIP, tmp_path / "one", sco=sco).read_bytes()
    second = build(FLAGSHIP, tmp_path / "two", sco=sco).read_bytes()
    assert first == second


def test_state_too_large_for_suspend_data_fails_and_leaves_nothing(tmp_path: Path) -> None:
    """Asked for one SCO, a course whose worst-case state exceeds 4096 characters fails with the size and limit, writing no file."""
    course = load_course(COURSES / "scorm-oversize")
    from cmacourse.player import worst_case_state_size

    size = worst_case_state_size(course, "course")
    assert size > 4096
    out = tmp_path / "out"
    with pytest.raises(BuildError) as caught:
        export(course, "scorm12", out, sco="course")
    assert f"{size} characters" in str(caught.value) and "4096" in str(caught.value) and "sco=module" in str(caught.value)
    assert not out.exists() or list(out.iterdir()) == []


def test_a_course_too_large_for_one_sco_gets_one_per_module_by_default(tmp_path: Path) -> None:
    """With no option, a course whose state cannot fit one SCO is built with one SCO per module, and says so in one line."""
    from cmacourse.exporters.scorm12 import Scorm12Exporter
    from cmacourse.player import worst_case_state_size

    course = load_course(COURSES / "scorm-oversize")
    exporter = Scorm12Exporter()
    writer = PackageWriter(first_entry="imsmanifest.xml")
    exporter.export(course, writer)
    size = worst_case_state_size(course, "course")
    assert exporter.notes == [f"{course.id}: one SCO per module (sco=module): one SCO for the whole course could need {size}"
                              " characters of learner state, and SCORM 1.2 suspend data holds 4096"]
    assert "modules/" in " ".join(writer.paths()) and worst_case_state_size(course, "module") <= 4096
    small = Scorm12Exporter()
    small.export(load_course(COURSES / "scorm-single"), PackageWriter(first_entry="imsmanifest.xml"))
    assert small.notes == []


def test_failed_rebuild_keeps_the_previous_package(tmp_path: Path) -> None:
    """When a build fails half-way (a media file vanished), the earlier zip stays as it was and no part file is left."""
    course_dir = tmp_path / "course"
    shutil.copytree(COURSES / "scorm-branching", course_dir)
    out = tmp_path / "out"
    package = build(course_dir, out)
    before = package.read_bytes()
    course = load_course(course_dir)
    (course_dir / "media" / "path.svg").unlink()
    with pytest.raises(BuildError, match="path.svg"):
        export(course, "scorm12", out)
    assert package.read_bytes() == before
    assert [p.name for p in out.iterdir()] == [package.name]


def test_options_are_checked(tmp_path: Path) -> None:
    """An unknown option, an unknown sco value and the 2004-only map_info are usage errors."""
    course = load_course(COURSES / "scorm-single")
    for options in ({"sco": "page"}, {"map_info": "true"}, {"colour": "blue"}):
        with pytest.raises(UsageError):
            export(course, "scorm12", tmp_path, **options)
    assert list(tmp_path.iterdir()) == []


def test_command_line_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`cmacourse build PATH --format scorm12 -O sco=module` writes DIR/<course-id>-scorm12.zip."""
    assert main(["build", str(COURSES / "scorm-branching"), "--format", "scorm12", "--out", str(tmp_path), "-O", "sco=module"]) == 0
    package = tmp_path / "branching-scorm12.zip"
    assert len(find(manifest_of(package), ".//cp:item[@identifierref]")) == 4
    assert main(["build", str(COURSES / "scorm-oversize"), "--format", "scorm12", "--out", str(tmp_path / "x"), "-O", "sco=course"]) == 2
    assert "4096" in capsys.readouterr().err
    assert main(["build", str(COURSES / "scorm-oversize"), "--format", "scorm12", "--out", str(tmp_path / "y")]) == 0
    assert "one SCO per module (sco=module)" in capsys.readouterr().err


def test_a_3200_page_course_builds_with_no_option(tmp_path: Path) -> None:
    """160 modules of 20 pages and 1,600 questions: SCORM 1.2 with default options, one SCO per module, each state in 4096."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("synthetic", Path(__file__).resolve().parents[2] / "benchmarks" / "synthetic.py")
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    source = tmp_path / "course"
    source.mkdir()
    assert synthetic.write_course(source, 160, 20, 10) == 1600
    package = export(load_course(source), "scorm12", tmp_path / "out")
    assert len(find(manifest_of(package), ".//cp:item[@identifierref]")) == 161
    with zipfile.ZipFile(package) as archive:
        data = archive.read("player/course.js").decode()
    worst = [int(n) for n in re.findall(r'"stateWorstCase":(\d+)', data)]
    assert len(worst) == 161 and max(worst) <= 4096
