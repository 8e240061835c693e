"""The SCORM 2004 4th Edition export: the player with the 2004 adapter, and a manifest with sequencing."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from ..model import Course
from ..numbers import number_text
from ..player import render_player
from ._package import PackageWriter, sub_element
from ._scorm import MANIFEST, Sco, ScormExporter, ScormOptions, choose_scope, package_files, resources, scos, xml_id

#: The namespaces of a SCORM 2004 4th Edition manifest. Moodle's parser ignores namespaces and
#: matches literal names such as ``imsss:sequencing``, so the prefixes are fixed too.
NS = {
    None: "http://www.imsglobal.org/xsd/imscp_v1p1",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
    "imsss": "http://www.imsglobal.org/xsd/imsss",
    "lom": "http://ltsc.ieee.org/xsd/LOM",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
SCHEMA_LOCATION = " ".join((
    NS[None], "imscp_v1p1.xsd",
    NS["adlcp"], "adlcp_v1p3.xsd",
    NS["adlseq"], "adlseq_v1p3.xsd",
    NS["adlnav"], "adlnav_v1p3.xsd",
    NS["imsss"], "imsss_v1p0.xsd",
))
#: cmi.suspend_data is a characterstring with an SPM of 64000 (RTE 4.2.23, 4th Edition).
SUSPEND_DATA_LIMIT = 64000
#: The local objective through which a module reads the status of a module it requires.
PREREQUISITE_OBJECTIVE = "prereq.{}"


def _q(prefix: str | None, tag: str) -> str:
    return f"{{{NS[prefix]}}}{tag}"


class Scorm2004Exporter(ScormExporter, builtin="scorm2004"):
    """A SCORM 2004 4th Edition package with the sequencing the course implies.

    Options: ``-O sco=course|module``; ``-O map_info=true`` adds the ``imsss:mapInfo`` global
    objectives that let a conformant LMS enforce module prerequisites (Moodle cannot import it).
    """

    first_entry = MANIFEST

    def export(self, course: Course, writer: PackageWriter) -> None:
        """Write the player and the manifest.

        Raises:
            UsageError: an unknown option or value.
            BuildError: the learner state cannot fit in 64000 characters.
        """
        options = ScormOptions.parse(self.options, format_name=self.name, keys=("sco", "map_info"))
        scope, chosen = choose_scope(course, options.sco, SUSPEND_DATA_LIMIT, "SCORM 2004")
        if chosen:
            self.note(chosen)
        launches = render_player(course, writer, runtime=self.name, scope=scope)
        items = scos(course, launches, scope)
        writer.add_xml(MANIFEST, manifest(course, items, package_files(writer), map_info=options.map_info))


def manifest(course: Course, items: Sequence[Sco], files: Sequence[str], *, map_info: bool = False) -> etree._Element:
    """The imsmanifest.xml of a SCORM 2004 4th Edition package (CAM 3, SN 5).

    Args:
        course: the course, for ids, title, description and version.
        items: the SCOs, in course order.
        files: every file of the package but the manifest; each is declared in a resource.
        map_info: write global objective maps so that prerequisites are enforced by the LMS.
    """
    root = etree.Element(_q(None, "manifest"), nsmap={k: v for k, v in NS.items() if k != "lom"})
    root.set("identifier", xml_id("MANIFEST", course.id))
    root.set("version", course.version)
    root.set(_q("xsi", "schemaLocation"), SCHEMA_LOCATION)
    metadata = sub_element(root, _q(None, "metadata"))
    sub_element(metadata, _q(None, "schema"), "ADL SCORM")
    sub_element(metadata, _q(None, "schemaversion"), "2004 4th Edition")
    metadata.append(lom(course))
    root.append(organizations(course, items, map_info=map_info))
    root.append(resources(course, items, files, cp=lambda tag: _q(None, tag), scorm_type=_q("adlcp", "scormType")))
    return root


def organizations(course: Course, items: Sequence[Sco], *, map_info: bool) -> etree._Element:
    """One organization: a single item, or the SCOs under one non-launchable root item."""
    org_id = xml_id("ORG", course.id)
    element = etree.Element(_q(None, "organizations"), default=org_id)
    organization = sub_element(element, _q(None, "organization"), identifier=org_id)
    # Global objectives belong to this course's attempt only, never to other packages (SN 3.10.2).
    organization.set(_q("adlseq", "objectivesGlobalToSystem"), "false")
    sub_element(organization, _q(None, "title"), course.title)
    required = {r for sco in items for r in sco.requires} if map_info else set()
    if len(items) == 1:
        organization.append(item(course, items[0], items, required=required))
    else:
        root_item = sub_element(organization, _q(None, "item"), identifier=xml_id("ROOT", course.id), isvisible="true")
        sub_element(root_item, _q(None, "title"), course.title)
        for sco in items:
            root_item.append(item(course, sco, items, required=required))
        root_item.append(cluster_sequencing())
    organization.append(sequencing(control_mode()))
    return element


def item(course: Course, sco: Sco, items: Sequence[Sco], *, required: set[str]) -> etree._Element:
    """A launchable item and its sequencing: objectives, prerequisite rules, delivery controls."""
    element = etree.Element(_q(None, "item"), identifier=sco.item_id, identifierref=sco.resource_id, isvisible="true")
    sub_element(element, _q(None, "title"), sco.launch.title)
    by_item = {other.item_id: other for other in items}
    prerequisites = [by_item[item_id] for item_id in sco.requires] if required else []
    seq = sequencing()
    if prerequisites:
        seq.append(sequencing_rules(prerequisites))
    # A module with no pass mark must not hold the course's satisfaction at "unknown" forever.
    sub_element(seq, _q("imsss", "rollupRules"), rollupObjectiveSatisfied="true" if sco.mastery_score is not None else "false",
         rollupProgressCompletion="true", objectiveMeasureWeight="1")
    seq.append(objectives(course, sco, prerequisites, write_global=sco.item_id in required))
    # The player reports completion and success itself; without these the LMS would assume both (SN 3.13).
    sub_element(seq, _q("imsss", "deliveryControls"), completionSetByContent="true", objectiveSetByContent="true")
    element.append(seq)
    return element


def objectives(course: Course, sco: Sco, prerequisites: Sequence[Sco], *, write_global: bool) -> etree._Element:
    """The primary objective, satisfied by measure at the mastery score, and one local objective per prerequisite."""
    element = etree.Element(_q("imsss", "objectives"))
    primary = sub_element(element, _q("imsss", "primaryObjective"), objectiveID=_objective_id(sco))
    if sco.mastery_score is not None:
        primary.set("satisfiedByMeasure", "true")
        sub_element(primary, _q("imsss", "minNormalizedMeasure"), number_text(sco.mastery_score / 100, places=4))
    if write_global:
        sub_element(primary, _q("imsss", "mapInfo"), targetObjectiveID=global_objective_id(course, sco),
             readSatisfiedStatus="false", readNormalizedMeasure="false",
             writeSatisfiedStatus="true", writeNormalizedMeasure="true")
    for other in prerequisites:
        local = sub_element(element, _q("imsss", "objective"), objectiveID=PREREQUISITE_OBJECTIVE.format(_objective_id(other)))
        sub_element(local, _q("imsss", "mapInfo"), targetObjectiveID=global_objective_id(course, other),
             readSatisfiedStatus="true", readNormalizedMeasure="false")
    return element


def sequencing_rules(prerequisites: Sequence[Sco]) -> etree._Element:
    """A precondition that disables the item until every prerequisite's objective is known and satisfied.

    ``not satisfied`` alone evaluates to unknown while a status is unknown (SN 4.7.2), so each
    prerequisite also gets ``not objectiveStatusKnown``. ``disabled`` rather than ``skip``: a
    skipped item would let flow run on into later items whose prerequisites are missing too.
    """
    rules = etree.Element(_q("imsss", "sequencingRules"))
    rule = sub_element(rules, _q("imsss", "preConditionRule"))
    conditions = sub_element(rule, _q("imsss", "ruleConditions"), conditionCombination="any")
    for other in prerequisites:
        objective = PREREQUISITE_OBJECTIVE.format(_objective_id(other))
        for condition in ("satisfied", "objectiveStatusKnown"):
            sub_element(conditions, _q("imsss", "ruleCondition"), referencedObjective=objective, operator="not", condition=condition)
    sub_element(rule, _q("imsss", "ruleAction"), action="disabled")
    return rules


def cluster_sequencing() -> etree._Element:
    """The root item's rules: free choice and flow, rolled up by completion and mastery (SN 4.6)."""
    seq = sequencing(control_mode())
    rules = sub_element(seq, _q("imsss", "rollupRules"))
    for child_set, operator, condition, action in (
        ("all", "noOp", "satisfied", "satisfied"),
        ("all", "noOp", "objectiveStatusKnown", "notSatisfied"),
        ("all", "noOp", "completed", "completed"),
        ("all", "noOp", "activityProgressKnown", "incomplete"),
    ):
        rule = sub_element(rules, _q("imsss", "rollupRule"), childActivitySet=child_set)
        conditions = sub_element(rule, _q("imsss", "rollupConditions"), conditionCombination="any")
        sub_element(conditions, _q("imsss", "rollupCondition"), operator=operator, condition=condition)
        sub_element(rule, _q("imsss", "rollupAction"), action=action)
    return seq


def sequencing(*children: etree._Element) -> etree._Element:
    """An ``imsss:sequencing`` element with the given children, in the schema's order."""
    element = etree.Element(_q("imsss", "sequencing"))
    element.extend(children)
    return element


def control_mode() -> etree._Element:
    """Learners may both choose from the menu and move on with Continue/Previous (flow defaults to false)."""
    return etree.Element(_q("imsss", "controlMode"), choice="true", flow="true")


def global_objective_id(course: Course, sco: Sco) -> str:
    """The global objective through which a SCO shares its status with the SCOs that require it."""
    return f"urn:cmacourse:{course.id}:{_objective_id(sco)}"


def _objective_id(sco: Sco) -> str:
    # Launch ids are content ids (the course's or a module's), which are valid URIs as they stand.
    return sco.launch.id


def lom(course: Course) -> etree._Element:
    """The course's IEEE LOM record, inline in the manifest's metadata: identifier, title, language, description."""
    ns = NS["lom"]
    root = etree.Element(f"{{{ns}}}lom", nsmap={None: ns})
    general = sub_element(root, f"{{{ns}}}general")
    identifier = sub_element(general, f"{{{ns}}}identifier")
    sub_element(identifier, f"{{{ns}}}catalog", "cmacourse")
    sub_element(identifier, f"{{{ns}}}entry", course.id)
    sub_element(sub_element(general, f"{{{ns}}}title"), f"{{{ns}}}string", course.title, language=course.language)
    sub_element(general, f"{{{ns}}}language", course.language)
    if course.description:
        sub_element(sub_element(general, f"{{{ns}}}description"), f"{{{ns}}}string", course.description.strip(), language=course.language)
    version = sub_element(sub_element(root, f"{{{ns}}}lifeCycle"), f"{{{ns}}}version")
    sub_element(version, f"{{{ns}}}string", course.version, language="x-none")
    return root
