"""IMS Common Cartridge 1.1: the course as an LMS's own pages, quizzes, discussions and links."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from html import escape
from typing import Any, ClassVar

import attrs
from lxml import etree
from markupsafe import Markup

from ..errors import UsageError
from ..markdown import GLOSSARY_SCHEME, references
from ..media import read_media
from ..model import Course, Module, Page
from ..player.layout import launch_layouts
from ..player.pages import callout_labels, environment, template_words
from ..player.rendering import MarkdownRenderer, asset_path, asset_url, glossary_anchor
from ..player.words import words_for
from ..questions import Assessment
from . import Exporter
from ._canvas import (
    EXPORT_FLAG,
    EXPORT_FLAG_TEXT,
    MODULE_META,
    NON_CC_FOLDER,
    QTI_EXTENSION,
    ModuleFolder,
    ModuleItem,
    add_module_meta,
    assessment_meta,
    canvas_quiz,
)
from ._package import PackageWriter
from ._lmstext import Conversion, QuestionTexts, lms_html
from ._qti import cc_assessment

CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
DT_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1"
WL_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROFILE = "http://www.imsglobal.org/profile/cc/ccv1p1"
MANIFEST_NSMAP = {None: CP_NS, "lomimscc": LOM_NS, "xsi": XSI_NS}

#: Resource types of the CC 1.1 manifest profile.
WEBCONTENT = "webcontent"
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
LEARNING_APPLICATION = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
DISCUSSION = "imsdt_xmlv1p1"
WEB_LINK = "imswl_xmlv1p1"

MANIFEST = "imsmanifest.xml"
#: The organization's first, empty folder: Moodle's "General" section, before the modules' own.
COURSE_FOLDER = "course_general"
#: Where pages and media go: Canvas makes pages of ``wiki_content`` and course files of ``web_resources``.
PAGES = "wiki_content/"
FILES = "web_resources/"
#: Image paths as a page in ``wiki_content/`` reaches them: relative, which Moodle's importer resolves
#: from the page's folder and Canvas by dropping leading folders until a course file matches.
PAGE_MEDIA_ROOT = "../" + FILES
#: Image paths inside QTI and discussion files: the CC token for the folder of the file, then relative.
XML_MEDIA_ROOT = "$IMS-CC-FILEBASE$/../" + FILES

#: The page style: short, inline, and only for LMSs that show a page as it is (Canvas and Moodle keep the body).
PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;line-height:1.5;max-width:48rem;margin:1rem auto;padding:0 1rem}"
    ".sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
    ".callout{border-left:4px solid #2b6cb0;background:#f3f7fb;padding:.25rem 1rem;margin:1rem 0}"
    ".callout-warning,.callout-important{border-color:#b7791f;background:#fffaf0}.callout-title{font-weight:bold}"
    "img,video{max-width:100%;height:auto}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25rem .5rem}"
)

logger = logging.getLogger(__name__)
# Quiet unless an application (the cmacourse command) listens: the library itself never prints.
logger.addHandler(logging.NullHandler())


@attrs.frozen
class Resource:
    """One ``resource`` of the manifest."""

    identifier: str
    type: str
    files: tuple[str, ...]
    href: str | None = None
    dependencies: tuple[str, ...] = ()


class ImsccExporter(Exporter, builtin="imscc"):
    """``cmacourse build --format imscc``: ``<course-id>-imscc.imscc``, a Common Cartridge 1.1 for Canvas, Moodle and others.

    Options: ``canvas=no`` leaves out Canvas's settings files (module locks, quiz settings, Canvas quiz
    types); ``version`` must be ``1.1``, the version core Moodle and Canvas both import.
    """

    suffix: ClassVar[str] = ".imscc"
    first_entry: ClassVar[str | None] = MANIFEST

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        #: What the build converted or could not carry, one line each; also logged as warnings.
        self.notes: list[str] = []

    def export(self, course: Course, writer: PackageWriter) -> None:
        """Add the manifest, pages, media, quizzes, discussions, links and Canvas settings to ``writer``.

        Raises:
            UsageError: an unknown option or value.
            BuildError: a media file cannot be read.
        """
        options = dict(self.options)
        version = str(options.pop("version", "1.1"))
        canvas = _flag(options.pop("canvas", "yes"))
        if options or version != "1.1":
            raise UsageError(f"the imscc format takes version=1.1 and canvas=yes|no; got {self.options}")
        cartridge = _Cartridge(course, writer, canvas)
        cartridge.build()
        for note in conversion_notes(cartridge.conversions):
            self.notes.append(note)
            logger.warning("%s: %s", self.name, note)


def _flag(value: object) -> bool:
    text = str(value).strip().lower()
    if text in ("yes", "true", "1", "on"):
        return True
    if text in ("no", "false", "0", "off"):
        return False
    raise UsageError(f"canvas must be yes or no, not {value!r}")


def conversion_notes(conversions: Iterable[tuple[str, Conversion]]) -> list[str]:
    """One line per kind of conversion: where, what became what, and which questions."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for where, conversion in conversions:
        grouped.setdefault((where, conversion.change), []).append(conversion.question_id)
    return [f"{where}: {len(ids)} × {change}: {', '.join(ids)}" for (where, change), ids in grouped.items()]


class _Cartridge:
    """The files of one cartridge, built module by module in pathway order."""

    def __init__(self, course: Course, writer: PackageWriter, canvas: bool) -> None:
        self.course, self.writer, self.canvas = course, writer, canvas
        self.resources: list[Resource] = []
        self.folders: list[ModuleFolder] = []
        self.media: dict[str, str] = {}  # course path -> resource identifier
        self.conversions: list[tuple[str, Conversion]] = []
        self.layout = launch_layouts(course, "course")[0]
        #: One renderer and one instance of the player's block templates for every page; ``page`` empties
        #: the renderer's media before each, so that each page lists its own.
        self.page_renderer = MarkdownRenderer(course.glossary, root=PAGE_MEDIA_ROOT, words=words_for(course.language))
        self.page_blocks = player_blocks(course, self.page_renderer, lambda path: PAGE_MEDIA_ROOT + asset_url(path))

    def build(self) -> None:
        for path in self.course.media_files():
            self.media_id(path)
        for module in self.course.modules:
            self.folders.append(self.module_folder(module))
        exam = self.course.final_exam
        if exam is not None:
            done = tuple((f.identifier, f.title) for f in self.folders)
            self.folders.append(ModuleFolder(identifier=f"exam_{exam.id}", title=exam.title,
                                             items=(self.quiz(exam),), prerequisites=done))
        if self.canvas:
            add_module_meta(self.writer, MODULE_META, self.folders)
            self.writer.add(EXPORT_FLAG, EXPORT_FLAG_TEXT)
            self.resources.append(Resource("canvas_settings", LEARNING_APPLICATION, (EXPORT_FLAG, MODULE_META), href=EXPORT_FLAG))
        for path, identifier in sorted(self.media.items()):
            self.write_media(path, identifier)
        add_manifest(self.writer, self.course, self.folders, self.resources)

    def module_folder(self, module: Module) -> ModuleFolder:
        items = [self.page(module, page) for page in module.pages]
        items += [self.link(module, n, link.title, link.url) for n, link in enumerate(module.links, start=1)]
        items += [self.quiz(assessment) for assessment in module.assessments]
        if module.reflection:
            items.append(self.discussion(module))
        titles = {m.id: m.title for m in self.course.modules}
        return ModuleFolder(identifier=f"module_{module.id}", title=module.title, items=tuple(items),
                            prerequisites=tuple((f"module_{r}", titles[r]) for r in module.requires))

    def media_id(self, path: str) -> str:
        """The resource identifier of a media file, registered on first use."""
        if path not in self.media:
            digest = hashlib.sha256(path.encode()).hexdigest()[:8]
            self.media[path] = f"file_{re.sub(r'[^A-Za-z0-9]+', '_', path)[-40:].strip('_')}_{digest}"
        return self.media[path]

    def write_media(self, path: str, identifier: str) -> None:
        href = FILES + asset_path(path)
        self.writer.add(href, read_media(self.course.root, path))
        # Each file is its own resource, its path the href: Canvas imports a course file only so.
        self.resources.append(Resource(identifier, WEBCONTENT, (href,), href=href))

    def page(self, module: Module, page: Page) -> ModuleItem:
        identifier, href = f"page_{page.id}", f"{PAGES}{page.id}.html"
        renderer = self.page_renderer
        renderer.media = set()
        body = player_page_body(self.page_blocks, page)
        self.writer.add(href, page_document(self.course, page, identifier, body, renderer))
        used = sorted({p for b in page.blocks for p, _ in b.media()} | renderer.media)
        self.resources.append(Resource(identifier, WEBCONTENT, (href,), href=href,
                                       dependencies=tuple(self.media_id(p) for p in used)))
        return ModuleItem(identifier=f"item_page_{page.id}", title=page.title, resource=identifier,
                          content_type="WikiPage", requirement="must_view" if module.completion.view_all_pages else None)

    def quiz(self, assessment: Assessment) -> ModuleItem:
        ident = f"quiz_{assessment.id}"
        texts = QuestionTexts(self.course, assessment, XML_MEDIA_ROOT)
        document, conversions = cc_assessment(assessment, ident, texts)
        self.writer.add_xml(f"{ident}/assessment_qti.xml", document)
        self.conversions += [("Common Cartridge QTI (Moodle and other LMSs)", c) for c in conversions]
        canvas: list[Resource] = []
        if self.canvas:
            # Canvas's quiz and its settings, in a resource the CC assessment depends on, as Canvas exports them.
            meta, canvas_file = f"{ident}/assessment_meta.xml", f"{NON_CC_FOLDER}/{ident}{QTI_EXTENSION}"
            document, conversions = canvas_quiz(assessment, ident, texts)
            self.writer.add_xml(canvas_file, document)
            self.conversions += [("Canvas", c) for c in conversions]
            description = texts.block(assessment.introduction) if assessment.introduction else ""
            self.writer.add_xml(meta, assessment_meta(assessment, ident, description))
            canvas.append(Resource(f"{ident}_canvas", LEARNING_APPLICATION, (meta, canvas_file), href=meta))
        dependencies = tuple(r.identifier for r in canvas) + tuple(self.media_id(p) for p in sorted(texts.media))
        self.resources += [Resource(ident, ASSESSMENT, (f"{ident}/assessment_qti.xml",), dependencies=dependencies), *canvas]
        mastery = self.layout.mastery(assessment)
        return ModuleItem(identifier=f"item_{ident}", title=assessment.title, resource=ident, content_type="Quizzes::Quiz",
                          requirement="must_submit" if mastery is None else "min_score",
                          min_score=None if mastery is None else assessment.total_points * mastery / 100)

    def discussion(self, module: Module) -> ModuleItem:
        identifier, href = f"topic_{module.id}", f"discussion_topics/topic_{module.id}.xml"
        renderer = MarkdownRenderer(self.course.glossary, root=XML_MEDIA_ROOT)
        referrer = module.source.file.display if module.source else module.folder
        title = f"Reflection: {module.title}"
        root = etree.Element(f"{{{DT_NS}}}topic", nsmap={None: DT_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{DT_NS} {PROFILE}/ccv1p1_imsdt_v1p1.xsd")
        etree.SubElement(root, f"{{{DT_NS}}}title").text = title
        text = etree.SubElement(root, f"{{{DT_NS}}}text", texttype="text/html")
        text.text = lms_html(str(renderer.block(module.reflection or "", referrer)))
        self.writer.add_xml(href, root)
        media = tuple(self.media_id(p) for p in sorted(renderer.media))
        self.resources.append(Resource(identifier, DISCUSSION, (href,), dependencies=media))
        return ModuleItem(identifier=f"item_{identifier}", title=title, resource=identifier, content_type="DiscussionTopic")

    def link(self, module: Module, number: int, title: str, url: str) -> ModuleItem:
        identifier, href = f"link_{module.id}_{number}", f"web_links/link_{module.id}_{number}.xml"
        root = etree.Element(f"{{{WL_NS}}}webLink", nsmap={None: WL_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{WL_NS} {PROFILE}/ccv1p1_imswl_v1p1.xsd")
        etree.SubElement(root, f"{{{WL_NS}}}title").text = title
        etree.SubElement(root, f"{{{WL_NS}}}url", href=url, target="_blank")
        self.writer.add_xml(href, root)
        self.resources.append(Resource(identifier, WEB_LINK, (href,)))
        return ModuleItem(identifier=f"item_{identifier}", title=title, resource=identifier, content_type="ExternalUrl", url=url)


def player_blocks(course: Course, renderer: MarkdownRenderer, asset: Callable[[str], str]) -> Any:
    """Adapter onto the player's rendering: its ``_blocks.html.jinja`` macros, given the names they read.

    The player has no public function for one page's body yet; these are its block templates, so that
    pages look the same in every package. Made once for a build: making them costs more than a page.
    """
    def plugin_block(block: Any, referrer: str) -> Markup:
        # A plugin block's HTML is the plugin's own code; authors' text in it goes through the renderer.
        return Markup(block.render_html(lambda text: renderer.block(text, referrer)))  # noqa: S704

    return environment().get_template("_blocks.html.jinja").make_module(
        {"md": renderer, "asset": asset, "callout_labels": callout_labels(renderer.words), "course": course,
         "plugin_block": plugin_block, **template_words(renderer.words)})


def player_page_body(blocks: Any, page: Page) -> str:
    """One page's blocks as an HTML fragment, by the player's block templates (:func:`player_blocks`)."""
    return "".join(str(blocks.block(block, page.path)) for block in page.blocks)


def page_document(course: Course, page: Page, identifier: str, body: str, renderer: MarkdownRenderer) -> str:
    """A self-contained HTML page: Canvas reads its title and ``meta`` fields, LMSs keep its body."""
    terms = terms_section(course, page, renderer)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(course.language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(page.title)}</title>\n"
        f'<meta name="identifier" content="{escape(identifier)}">\n'
        '<meta name="editing_roles" content="teachers">\n<meta name="workflow_state" content="active">\n'
        f"<style>{PAGE_STYLE}</style>\n</head>\n<body>\n{lms_html(body, glossary_links=True)}{terms}</body>\n</html>\n"
    )


def terms_section(course: Course, page: Page, renderer: MarkdownRenderer) -> str:
    """The glossary terms the page links to, defined at its end: its glossary links point here."""
    linked = dict.fromkeys(link.href[len(GLOSSARY_SCHEME):] for block in page.blocks for text in block.markdown()
                           for link in references(text, page.path).glossary_terms())
    terms = [t for t in course.glossary if t.id in linked]
    if not terms:
        return ""
    source = course.glossary[0].source
    referrer = source.file.display if source else ""
    rows = "".join(f'<dt id="{glossary_anchor(t.id)}">{escape(t.term)}</dt>\n'
                   f"<dd>{lms_html(str(renderer.block(t.definition, referrer)))}</dd>\n" for t in terms)
    heading = escape(renderer.words.gettext("Terms on this page"))
    return f'<section class="glossary-terms">\n<h2>{heading}</h2>\n<dl>\n{rows}</dl>\n</section>\n'


def add_manifest(writer: PackageWriter, course: Course, folders: list[ModuleFolder], resources: list[Resource]) -> None:
    """``imsmanifest.xml``: metadata, one organization (an empty course folder, then a folder per module), and
    every resource, written a few resources at a time."""
    root = manifest(course, folders)
    container = root.find(f"{{{CP_NS}}}resources")

    def each_resource() -> Iterator[None]:
        for resource in resources:
            _resource(container, resource)
            yield

    writer.add_xml_stream(MANIFEST, root, container, each_resource())


def manifest(course: Course, folders: list[ModuleFolder]) -> etree._Element:
    """``imsmanifest.xml`` but its resources: metadata, one organization (an empty course folder, then a folder per
    module), and an empty ``resources``."""
    root = etree.Element(f"{{{CP_NS}}}manifest", identifier=f"manifest_{course.id}", nsmap=MANIFEST_NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{CP_NS} {PROFILE}/ccv1p1_imscp_v1p2_v1p0.xsd "
                                            f"{LOM_NS} {PROFILE}/LOM/ccv1p1_lommanifest_v1p0.xsd")
    metadata(root, course)
    organizations = _cp(root, "organizations")
    organization = _cp(organizations, "organization", identifier="organization", structure="rooted-hierarchy")
    top = _cp(organization, "item", identifier="root")
    # Moodle's converter (backup/cc/cc2moodle.php) makes each folder a section numbered from 0, the
    # "General" section, and keeps a folder's title only as the section's summary (its sections have no
    # name field). This empty first folder takes section 0, so that every module has a section of its own.
    _cp(_cp(top, "item", identifier=COURSE_FOLDER), "title").text = course.title
    for folder in folders:
        node = _cp(top, "item", identifier=folder.identifier)
        _cp(node, "title").text = folder.title
        for entry in folder.items:
            leaf = _cp(node, "item", identifier=entry.identifier, identifierref=entry.resource)
            _cp(leaf, "title").text = entry.title
    _cp(root, "resources")
    return root


def _resource(container: etree._Element, resource: Resource) -> None:
    node = _cp(container, "resource", identifier=resource.identifier, type=resource.type,
               **({"href": resource.href} if resource.href else {}))
    for href in resource.files:
        _cp(node, "file", href=href)
    for dependency in resource.dependencies:
        _cp(node, "dependency", identifierref=dependency)


def metadata(root: etree._Element, course: Course) -> None:
    node = _cp(root, "metadata")
    _cp(node, "schema").text = "IMS Common Cartridge"
    _cp(node, "schemaversion").text = "1.1.0"
    general = etree.SubElement(etree.SubElement(node, f"{{{LOM_NS}}}lom"), f"{{{LOM_NS}}}general")
    title = etree.SubElement(general, f"{{{LOM_NS}}}title")
    etree.SubElement(title, f"{{{LOM_NS}}}string", language=course.language).text = course.title
    etree.SubElement(general, f"{{{LOM_NS}}}language").text = course.language
    if course.description:
        description = etree.SubElement(general, f"{{{LOM_NS}}}description")
        etree.SubElement(description, f"{{{LOM_NS}}}string", language=course.language).text = course.description.strip()


def _cp(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CP_NS}}}{tag}", attributes)
