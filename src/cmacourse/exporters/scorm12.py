"""The SCORM 1.2 export: the player with the SCORM 1.2 adapter, and an imsmanifest.xml written with lxml."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from ..errors import BuildError
from ..model import Course
from ..numbers import number_text
from ..player import render_player
from ._package import PackageWriter, sub_element
from ._scorm import MANIFEST, Sco, ScormExporter, ScormOptions, choose_scope, package_files, resources, scos, xml_id

#: The namespaces of a SCORM 1.2 manifest. Moodle's parser ignores namespaces and matches the
#: literal names ``adlcp:scormtype`` and ``adlcp:masteryscore``, so the prefixes are fixed too.
NS = {
    None: "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "imsmd": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
}
SCHEMA_LOCATION = " ".join((NS[None], "imscp_rootv1p1p2.xsd", NS["adlcp"], "adlcp_rootv1p2.xsd"))
#: The course's IMS metadata (title, description), referenced from the manifest by adlcp:location.
METADATA = "metadata.xml"
#: cmi.suspend_data is a CMIString4096 (RTE 3.4.2.5).
SUSPEND_DATA_LIMIT = 4096
#: adlcp:prerequisites is at most 200 characters (adlcp_rootv1p2.xsd).
PREREQUISITES_LIMIT = 200


def _cp(tag: str) -> str:
    return f"{{{NS[None]}}}{tag}"


def _adlcp(tag: str) -> str:
    return f"{{{NS['adlcp']}}}{tag}"


class Scorm12Exporter(ScormExporter, builtin="scorm12"):
    """A SCORM 1.2 package: one SCO for the course (``-O sco=course``, default) or one per module."""

    first_entry = MANIFEST

    def export(self, course: Course, writer: PackageWriter) -> None:
        """Write the player, the metadata and the manifest.

        Raises:
            UsageError: an unknown option or value.
            BuildError: the learner state cannot fit in 4096 characters, or prerequisites are too long.
        """
        options = ScormOptions.parse(self.options, format_name=self.name, keys=("sco",))
        scope, chosen = choose_scope(course, options.sco, SUSPEND_DATA_LIMIT, "SCORM 1.2")
        if chosen:
            self.note(chosen)
        launches = render_player(course, writer, runtime=self.name, scope=scope)
        writer.add_xml(METADATA, lom(course))
        writer.add_xml(MANIFEST, manifest(course, scos(course, launches, scope), package_files(writer)))


def manifest(course: Course, items: Sequence[Sco], files: Sequence[str]) -> etree._Element:
    """The imsmanifest.xml of a SCORM 1.2 package (CAM 1.2, 2.3).

    Args:
        course: the course, for ids, title and version.
        items: the SCOs, in course order.
        files: every file of the package but the manifest; each is declared in a resource.
    """
    root = etree.Element(_cp("manifest"), nsmap={key: NS[key] for key in (None, "adlcp", "xsi")})
    root.set("identifier", xml_id("MANIFEST", course.id))
    root.set("version", course.version[:20])
    root.set(f"{{{NS['xsi']}}}schemaLocation", SCHEMA_LOCATION)
    metadata = sub_element(root, _cp("metadata"))
    sub_element(metadata, _cp("schema"), "ADL SCORM")
    sub_element(metadata, _cp("schemaversion"), "1.2")
    sub_element(metadata, _adlcp("location"), METADATA)
    root.append(organizations(course, items))
    root.append(resources(course, items, files, cp=_cp, scorm_type=_adlcp("scormtype")))
    return root


def organizations(course: Course, items: Sequence[Sco]) -> etree._Element:
    """One organization; several SCOs hang under one non-launchable item, as Moodle's table of contents wants."""
    org_id = xml_id("ORG", course.id)
    element = etree.Element(_cp("organizations"), default=org_id)
    organization = sub_element(element, _cp("organization"), identifier=org_id)
    sub_element(organization, _cp("title"), course.title)
    parent = organization
    if len(items) > 1:
        parent = sub_element(organization, _cp("item"), identifier=xml_id("ROOT", course.id), isvisible="true")
        sub_element(parent, _cp("title"), course.title)
    for sco in items:
        parent.append(item(sco))
    return element


def item(sco: Sco) -> etree._Element:
    """A launchable item, with its prerequisites (AICC script over item ids) and mastery score."""
    element = etree.Element(_cp("item"), identifier=sco.item_id, identifierref=sco.resource_id, isvisible="true")
    sub_element(element, _cp("title"), sco.launch.title)
    if sco.requires:
        script = "&".join(sco.requires)
        if len(script) > PREREQUISITES_LIMIT:
            raise BuildError(f"{sco.launch.id}: its prerequisites {script!r} exceed the"
                             f" {PREREQUISITES_LIMIT} characters SCORM 1.2 allows")
        sub_element(element, _adlcp("prerequisites"), script, type="aicc_script")
    if sco.mastery_score is not None:
        sub_element(element, _adlcp("masteryscore"), number_text(sco.mastery_score, places=4))
    return element


def lom(course: Course) -> etree._Element:
    """The course's IMS Learning Resource Meta-data 1.2.1 record: title, language, description, version."""
    md = NS["imsmd"]
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    root = etree.Element(f"{{{md}}}lom", nsmap={None: md})
    general = sub_element(root, f"{{{md}}}general")
    sub_element(general, f"{{{md}}}identifier", course.id)
    sub_element(sub_element(general, f"{{{md}}}title"), f"{{{md}}}langstring", course.title, **{xml_lang: course.language})
    sub_element(general, f"{{{md}}}language", course.language)
    if course.description:
        description = sub_element(general, f"{{{md}}}description")
        sub_element(description, f"{{{md}}}langstring", course.description.strip(), **{xml_lang: course.language})
    version = sub_element(sub_element(root, f"{{{md}}}lifecycle"), f"{{{md}}}version")
    sub_element(version, f"{{{md}}}langstring", course.version, **{xml_lang: "x-none"})
    sub_element(sub_element(root, f"{{{md}}}metametadata"), f"{{{md}}}metadatascheme", "ADL SCORM 1.2")
    return root
