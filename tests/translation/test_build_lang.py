"""``build --lang``: every format in Spanish from the kept translation, valid as the English is, with the same ids."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from translator import translate
from xmlschemas import compile_schema

from cmacourse.cli import main

COURSE = Path(__file__).parents[1] / "courses" / "i18n-clinic"
FORMATS = ("html", "scorm12", "scorm2004", "cmi5", "tincan", "imscc", "moodlexml")
#: The manifest of each zipped format, and the official schemas it is valid against (see tests/spec/README.md).
MANIFESTS = {"scorm12": "imsmanifest.xml", "scorm2004": "imsmanifest.xml", "cmi5": "cmi5.xml", "tincan": "tincan.xml",
             "imscc": "imsmanifest.xml"}
ID_ATTRIBUTES = ("id", "identifier", "identifierref", "href")


def schemas(spec: Path) -> dict[str, etree.XMLSchema]:
    s2004 = spec / "scorm2004-4th"
    ims = "http://www.imsglobal.org/xsd/"
    return {
        "scorm12": compile_schema({"http://www.imsproject.org/xsd/imscp_rootv1p1p2": spec / "scorm12" / "imscp_rootv1p1p2.xsd",
                                   "http://www.adlnet.org/xsd/adlcp_rootv1p2": spec / "scorm12" / "adlcp_rootv1p2.xsd"},
                                  {"ims_xml.xsd": s2004 / "xml.xsd"}),
        "scorm2004": compile_schema({f"{ims}imscp_v1p1": s2004 / "imscp_v1p1.xsd", "http://www.adlnet.org/xsd/adlcp_v1p3": s2004 / "adlcp_v1p3.xsd",
                                     "http://www.adlnet.org/xsd/adlseq_v1p3": s2004 / "adlseq_v1p3.xsd",
                                     "http://www.adlnet.org/xsd/adlnav_v1p3": s2004 / "adlnav_v1p3.xsd",
                                     f"{ims}imsss": s2004 / "imsss_v1p0.xsd", "http://ltsc.ieee.org/xsd/LOM": s2004 / "lom.xsd"},
                                    {"http://www.w3.org/2001/xml.xsd": s2004 / "xml.xsd"}),
        "cmi5": compile_schema({"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd": spec / "cmi5" / "CourseStructure.xsd"}, {}),
        "tincan": compile_schema({"http://projecttincan.com/tincan.xsd": spec / "tincan" / "tincan.xsd"}, {}),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test course translated (every unit), imported, and built in every format and every language."""
    root = tmp_path_factory.mktemp("build-lang")
    course = root / "course"
    shutil.copytree(COURSE, course)
    # A translated diagram: kept at the media file's path under locales/es/, used in the Spanish build only.
    (course / "locales" / "es" / "media").mkdir(parents=True)
    (course / "locales" / "es" / "media" / "thermometer.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>Termómetro</title></svg>\n')
    assert main(["translate", "export", str(course), "--lang", "es", "--out", str(root / "x")]) == 0
    (root / "delivered.xlf").write_bytes(translate((root / "x" / "i18n-clinic.es.xlf").read_bytes()))
    assert main(["translate", "import", str(root / "delivered.xlf"), str(course)]) == 0
    assert main(["build", str(course), "--format", "all", "--lang", "all", "--out", str(root / "out")]) == 0
    return root / "out"


def package(built: Path, language: str, name: str) -> Path:
    suffix = {"html": "-html", "imscc": "-imscc.imscc", "moodlexml": "-moodlexml.xml"}.get(name, f"-{name}.zip")
    return built / language / f"i18n-clinic{suffix}"


def manifest(built: Path, language: str, name: str) -> etree._Element:
    with zipfile.ZipFile(package(built, language, name)) as archive:
        return etree.fromstring(archive.read(MANIFESTS[name]))


def test_every_format_is_built_in_both_languages(built):
    """Seven packages per language, each in its own folder."""
    for language in ("en", "es"):
        assert all(package(built, language, name).exists() for name in FORMATS)


@pytest.mark.parametrize("name", ["scorm12", "scorm2004", "cmi5", "tincan"])
def test_spanish_manifests_are_valid_against_the_official_schemas(built, name, spec_dir):
    """The Spanish manifest passes the same XSDs as the English one."""
    schema = schemas(spec_dir)[name]
    for language in ("en", "es"):
        document = manifest(built, language, name)
        assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)


@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_activity_and_tracking_ids_are_the_same_in_every_language(built, name):
    """Identifiers, and so an LMS's or LRS's records, do not change with the language; the words do."""
    def ids(root: etree._Element) -> list[tuple[str, str]]:
        return [(key, value) for element in root.iter() for key, value in sorted(element.attrib.items()) if key in ID_ATTRIBUTES]

    english, spanish = manifest(built, "en", name), manifest(built, "es", name)
    assert ids(spanish) == ids(english) and ids(english)
    assert etree.tostring(spanish) != etree.tostring(english)


def test_language_fields_and_lang_attributes_name_spanish(built):
    """The pages say lang="es"; the manifests' language fields and xAPI language maps say es."""
    index = (package(built, "es", "html") / "index.html").read_text()
    assert '<html lang="es"' in index and "ES(A first day at the clinic)" in index
    lom = manifest(built, "es", "scorm2004").find(".//{http://ltsc.ieee.org/xsd/LOM}language")
    assert lom is not None and lom.text == "es"
    assert '<html lang="en"' in (package(built, "en", "html") / "index.html").read_text()


def langstrings(built: Path, language: str, name: str) -> list[dict[str, str]]:
    """Every text of a cmi5.xml or tincan.xml with its languages, in document order: {lang: text} per element."""
    tags = {"cmi5": ("title", "description"), "tincan": ("name", "description")}[name]
    found: list[dict[str, str]] = []
    for element in manifest(built, language, name).iter():
        children = [c for c in element if etree.QName(c).localname in tags]
        for tag in tags:
            group = [c for c in children if etree.QName(c).localname == tag]
            if name == "cmi5":
                group = [s for c in group for s in c]
            if group:
                found.append({s.get("lang"): s.text for s in group})
    return found


@pytest.mark.parametrize("name", ["cmi5", "tincan"])
def test_spanish_course_structures_name_everything_in_spanish_and_in_the_source_english(built, name):
    """Each title and description of the Spanish cmi5.xml and tincan.xml is in es, then in the English package's words."""
    english, spanish = langstrings(built, "en", name), langstrings(built, "es", name)
    assert english and all(list(texts) == ["en"] for texts in english)
    assert len(spanish) == len(english)
    for es, en in zip(spanish, english):
        assert sorted(es) == ["en", "es"] and es["en"] == en["en"]
        assert es["es"].startswith("ES(") and es["es"] != en["en"]
    if name == "cmi5":  # the XSD has no order for them; ours is the package's language first
        assert all(list(texts) == ["es", "en"] for texts in spanish)


def runtime_maps(built: Path, language: str, name: str) -> dict[str, dict[str, str]]:
    """Every language map of the activity definitions the statements carry (player/xapi-activities.js), by place."""
    with zipfile.ZipFile(package(built, language, name)) as archive:
        text = archive.read("player/xapi-activities.js").decode()
    data = json.loads(text[text.index("{"):text.rindex("}") + 1])
    maps: dict[str, dict[str, str]] = {}

    def walk(value: object, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("name", "description"):
                    maps[f"{where}/{key}"] = item
                else:
                    walk(item, f"{where}/{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}/{index}")

    walk(data, "")
    return maps


@pytest.mark.parametrize("name", ["cmi5", "tincan"])
def test_spanish_statements_carry_both_languages_under_the_same_activity_ids(built, name):
    """The definitions the Spanish statements carry name each activity in es and in the English package's en words."""
    english, spanish = runtime_maps(built, "en", name), runtime_maps(built, "es", name)
    assert english and set(spanish) == set(english)
    assert any("/choices/" in where for where in english) and any("/source/" in where for where in english)
    for where, en in english.items():
        assert list(en) == ["en"] and spanish[where] == {"es": spanish[where]["es"], "en": en["en"]}, where
        assert spanish[where]["es"] != en["en"], where
    # The player's own screens, named in the player's words of both languages.
    assert spanish["/screens/results/definition/name"] == {"es": "Resultados", "en": "Results"}
    assert spanish["/screens/glossary/definition/name"] == {"es": "Glosario", "en": "Glossary"}


def test_a_translated_media_file_replaces_the_source_one_in_that_language_only(built):
    """The diagram kept under locales/es/ is in the Spanish packages; the English ones keep theirs."""
    def diagram(language: str) -> bytes:
        with zipfile.ZipFile(package(built, language, "scorm12")) as archive:
            return next(archive.read(n) for n in archive.namelist() if n.endswith("thermometer.svg"))

    assert "Termómetro".encode() in diagram("es") and "Termómetro".encode() not in diagram("en")
    assert diagram("en") == (COURSE / "media" / "thermometer.svg").read_bytes()


def test_the_cartridge_writes_its_own_words_in_the_package_language(built):
    """The terms section a cartridge page ends with is headed in the page's language, as the player's words are."""
    headings = {}
    for language in ("en", "es"):
        with zipfile.ZipFile(package(built, language, "imscc")) as archive:
            pages = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".html")]
        headings[language] = {h for page in pages for h in etree.HTML(page).xpath("//section[@class='glossary-terms']/h2/text()")}
    assert headings == {"en": {"Terms on this page"}, "es": {"Términos de esta página"}}
