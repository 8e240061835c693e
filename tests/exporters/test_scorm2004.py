"""The SCORM 2004 4th Edition export: XSD validity, sequencing, the mapInfo option, reproducibility and failures."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from cmacourse import BuildError, UsageError, load_course
from cmacourse.exporters import export
from cmacourse.exporters.scorm2004 import NS
from cmacourse.player import launch_layouts, worst_case_state_size

from xmlschemas import assert_valid, compile_schema

COURSES = Path(__file__).resolve().parents[1] / "courses"
FLAGSHIP = Path(__file__).resolve().parents[2] / "course_content"
PREFIXES = {"cp": NS[None], "adlcp": NS["adlcp"], "adlseq": NS["adlseq"], "imsss": NS["imsss"], "lom": NS["lom"]}
CASES = [(course, sco, map_info)
         for course in (FLAGSHIP, COURSES / "scorm-single", COURSES / "scorm-branching", COURSES / "scorm-oversize")
         for sco in ("course", "module") for map_info in ("false", "true")]
IDS = [f"{c.name}-{s}-mapinfo_{m}" for c, s, m in CASES]


@pytest.fixture(scope="module")
def schema(spec_dir: Path) -> etree.XMLSchema:
    """The 4th Edition schemas every namespace of our manifests needs, LOM included; xml.xsd served offline."""
    folder = spec_dir / "scorm2004-4th"
    imports = {NS[None]: "imscp_v1p1.xsd", NS["adlcp"]: "adlcp_v1p3.xsd", NS["adlseq"]: "adlseq_v1p3.xsd",
               NS["adlnav"]: "adlnav_v1p3.xsd", NS["imsss"]: "imsss_v1p0.xsd", NS["lom"]: "lom.xsd"}
    return compile_schema({ns: folder / name for ns, name in imports.items()},
                           {"http://www.w3.org/2001/xml.xsd": folder / "xml.xsd"})


def build(course_dir: Path, out: Path, **options: str) -> Path:
    """Export a course folder to SCORM 2004 and return the zip."""
    return export(load_course(course_dir), "scorm2004", out, **options)


def manifest_bytes(package: Path) -> bytes:
    with zipfile.ZipFile(package) as archive:
        return archive.read("imsmanifest.xml")


def find(root: etree._Element, path: str) -> list[etree._Element]:
    return root.findall(path, PREFIXES)


@pytest.mark.parametrize(("course_dir", "sco", "map_info"), CASES, ids=IDS)
def test_manifest_is_valid_against_the_official_xsds(course_dir: Path, sco: str, map_info: str,
                                                     schema: etree.XMLSchema, tmp_path: Path) -> None:
    """Every manifest we write, with or without mapInfo, validates against the 4th Edition XSDs and comes first."""
    package = build(course_dir, tmp_path, sco=sco, map_info=map_info)
    with zipfile.ZipFile(package) as archive:
        assert archive.namelist()[0] == "imsmanifest.xml"
        names = set(archive.namelist()) - {"imsmanifest.xml"}
    assert_valid(schema, manifest_bytes(package))
    root = etree.fromstring(manifest_bytes(package))
    assert sorted(f.get("href") for f in find(root, ".//cp:file")) == sorted(names)
    resources = {r.get("identifier") for r in find(root, ".//cp:resource")}
    assert all(e.get("identifierref") in resources for e in find(root, ".//cp:item[@identifierref]") + find(root, ".//cp:dependency"))


@pytest.mark.parametrize(("course_dir", "sco"), [(c, s) for c, s, m in CASES if m == "false"],
                         ids=[i for i, (_, _, m) in zip(IDS, CASES) if m == "false"])
def test_no_map_info_by_default(course_dir: Path, sco: str, tmp_path: Path) -> None:
    """Without -O map_info=true no imsss:mapInfo is written: Moodle's 2004 parser fails fatally on one."""
    text = manifest_bytes(build(course_dir, tmp_path, sco=sco))
    assert b"mapInfo" not in text and b"sequencingRules" not in text


def test_course_sco_is_satisfied_by_measure_at_the_mastery_score(tmp_path: Path) -> None:
    """One SCO: flow and choice at the organization, the primary objective satisfied at mastery/100, content-set status."""
    course = load_course(FLAGSHIP)
    root = etree.fromstring(manifest_bytes(build(FLAGSHIP, tmp_path)))
    assert root.findtext("cp:metadata/cp:schemaversion", namespaces=PREFIXES) == "2004 4th Edition"
    organization = find(root, "cp:organizations/cp:organization")[0]
    control = find(organization, "imsss:sequencing/imsss:controlMode")[0]
    assert (control.get("choice"), control.get("flow")) == ("true", "true")
    (item,) = find(organization, "cp:item")
    assert item.get("identifier") == f"ITEM-{course.id}"
    primary = find(item, "imsss:sequencing/imsss:objectives/imsss:primaryObjective")[0]
    assert primary.get("satisfiedByMeasure") == "true" and primary.get("objectiveID") == course.id
    measure = float(primary.findtext("imsss:minNormalizedMeasure", namespaces=PREFIXES))
    assert measure == course.completion.mastery_score / 100
    delivery = find(item, "imsss:sequencing/imsss:deliveryControls")[0]
    assert delivery.get("completionSetByContent") == delivery.get("objectiveSetByContent") == "true"
    assert b'adlcp:scormType="sco"' in etree.tostring(root)


def test_modules_under_one_root_with_rollup_by_completion_and_mastery(tmp_path: Path) -> None:
    """Several SCOs hang under one non-launchable root item whose rules roll up satisfaction and completion."""
    course = load_course(COURSES / "scorm-branching")
    root = etree.fromstring(manifest_bytes(build(COURSES / "scorm-branching", tmp_path, sco="module")))
    organization = find(root, "cp:organizations/cp:organization")[0]
    (top,) = find(organization, "cp:item")
    assert top.get("identifierref") is None
    launches = [layout.launch for layout in launch_layouts(course, "module")]
    children = find(top, "cp:item")
    assert [c.get("identifier") for c in children] == [f"ITEM-{la.id}" for la in launches]
    actions = [(r.get("childActivitySet"), find(r, "imsss:rollupConditions/imsss:rollupCondition")[0].get("condition"),
                find(r, "imsss:rollupAction")[0].get("action")) for r in find(top, "imsss:sequencing/imsss:rollupRules/imsss:rollupRule")]
    assert actions == [("all", "satisfied", "satisfied"), ("all", "objectiveStatusKnown", "notSatisfied"),
                       ("all", "completed", "completed"), ("all", "activityProgressKnown", "incomplete")]
    measures = {c.get("identifier"): c.findtext(".//imsss:primaryObjective/imsss:minNormalizedMeasure", namespaces=PREFIXES)
                for c in children}
    assert measures == {la_id: str(score / 100) for la_id, score in
                        ((f"ITEM-{la.id}", la.mastery_score) for la in launches)}
    assert measures["ITEM-intro"] == "0.6"


def test_map_info_enforces_prerequisites_through_global_objectives(tmp_path: Path) -> None:
    """With map_info, a module is disabled until the global objectives of the modules it requires are satisfied."""
    root = etree.fromstring(manifest_bytes(build(COURSES / "scorm-branching", tmp_path, sco="module", map_info="true")))
    items = {i.get("identifier"): i for i in find(root, ".//cp:item[@identifierref]")}
    writes = {m.get("targetObjectiveID"): item_id for item_id, item in items.items()
              for m in find(item, ".//imsss:primaryObjective/imsss:mapInfo") if m.get("writeSatisfiedStatus") == "true"}
    # Every module is required by someone: clinic by the final exam's SCO, which requires all three.
    assert writes == {f"urn:cmacourse:branching:{m}": f"ITEM-{m}" for m in ("intro", "math", "clinic")}
    clinic = items["ITEM-clinic"]
    reads = {o.get("objectiveID"): find(o, "imsss:mapInfo")[0].get("targetObjectiveID")
             for o in find(clinic, ".//imsss:objectives/imsss:objective")}
    assert reads == {"prereq.intro": "urn:cmacourse:branching:intro", "prereq.math": "urn:cmacourse:branching:math"}
    (rule,) = find(clinic, "imsss:sequencing/imsss:sequencingRules/imsss:preConditionRule")
    assert find(rule, "imsss:ruleAction")[0].get("action") == "disabled"
    assert find(rule, "imsss:ruleConditions")[0].get("conditionCombination") == "any"
    conditions = {(c.get("referencedObjective"), c.get("operator"), c.get("condition"))
                  for c in find(rule, "imsss:ruleConditions/imsss:ruleCondition")}
    assert conditions == {(o, "not", c) for o in reads for c in ("satisfied", "objectiveStatusKnown")}
    assert [i for i, item in items.items() if find(item, ".//imsss:preConditionRule")] == ["ITEM-clinic", "ITEM-branching"]
    exam_reads = {o.get("objectiveID") for o in find(items["ITEM-branching"], ".//imsss:objectives/imsss:objective")}
    assert exam_reads == {"prereq.intro", "prereq.math", "prereq.clinic"}
    organization = find(root, "cp:organizations/cp:organization")[0]
    assert organization.get(f"{{{NS['adlseq']}}}objectivesGlobalToSystem") == "false"


def test_flagship_prerequisite_chain_with_map_info(tmp_path: Path) -> None:
    """Each flagship module that requires the previous one reads exactly that module's global objective."""
    course = load_course(FLAGSHIP)
    root = etree.fromstring(manifest_bytes(build(FLAGSHIP, tmp_path, sco="module", map_info="true")))
    items = {i.get("identifier"): i for i in find(root, ".//cp:item[@identifierref]")}
    for module in course.modules:
        targets = sorted(m.get("targetObjectiveID") for m in find(items[f"ITEM-{module.id}"], ".//imsss:objective/imsss:mapInfo"))
        assert targets == sorted(f"urn:cmacourse:{course.id}:{r}" for r in module.requires)
    exam = sorted(m.get("targetObjectiveID") for m in find(items[f"ITEM-{course.id}"], ".//imsss:objective/imsss:mapInfo"))
    assert exam == sorted(f"urn:cmacourse:{course.id}:{m.id}" for m in course.modules)


def test_lom_metadata_carries_title_and_description(tmp_path: Path) -> None:
    """The manifest's inline LOM names the course, its language, description and version."""
    course = load_course(COURSES / "scorm-branching")
    root = etree.fromstring(manifest_bytes(build(COURSES / "scorm-branching", tmp_path)))
    general = find(root, "cp:metadata/lom:lom/lom:general")[0]
    assert general.findtext("lom:title/lom:string", namespaces=PREFIXES) == course.title
    assert general.findtext("lom:description/lom:string", namespaces=PREFIXES) == course.description.strip()
    assert general.findtext("lom:identifier/lom:entry", namespaces=PREFIXES) == course.id
    assert root.findtext("cp:metadata/lom:lom/lom:lifeCycle/lom:version/lom:string", namespaces=PREFIXES) == "2.1.0"


def test_state_that_fits_2004_but_not_1_2_builds(tmp_path: Path) -> None:
    """The oversize course's one-SCO state exceeds 1.2's 4096 characters but fits 2004's 64000."""
    course = load_course(COURSES / "scorm-oversize")
    assert 4096 < worst_case_state_size(course, "course") <= 64000
    assert build(COURSES / "scorm-oversize", tmp_path).is_file()


@pytest.mark.parametrize(("sco", "map_info"), [("course", "false"), ("module", "true")])
def test_two_builds_are_byte_identical(sco: str, map_info: str, tmp_path: Path) -> None:
    """Building the same course twice gives the same bytes."""
    first = build(FLAGSHIP, tmp_path / "one", sco=sco, map_info=map_info).read_bytes()
    second = build(FLAGSHIP, tmp_path / "two", sco=sco, map_info=map_info).read_bytes()
    assert first == second


def test_failed_build_leaves_no_file(tmp_path: Path) -> None:
    """A build that fails half-way (a media file vanished after loading) writes nothing into the output folder."""
    course_dir = tmp_path / "course"
    shutil.copytree(COURSES / "scorm-branching", course_dir)
    course = load_course(course_dir)
    (course_dir / "media" / "path.svg").unlink()
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="path.svg"):
        export(course, "scorm2004", out, sco="module")
    assert not out.exists() or list(out.iterdir()) == []


def test_options_are_checked(tmp_path: Path) -> None:
    """A bad sco or map_info value, or an unknown option, is a usage error."""
    course = load_course(COURSES / "scorm-single")
    for options in ({"sco": "lesson"}, {"map_info": "maybe"}, {"mapinfo": "true"}):
        with pytest.raises(UsageError):
            export(course, "scorm2004", tmp_path, **options)
    assert list(tmp_path.iterdir()) == []
