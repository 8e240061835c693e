"""The player's own words: catalogs that hold every id the sources use, plurals by CLDR in Python and in the browser's
JavaScript alike, and numbers written with the language's marks."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from cmacourse.catalogs import catalog_for, catalog_languages
from cmacourse.exporters import export
from cmacourse.loading import load_course
from cmacourse.numbers import number_text
from cmacourse.player.words import (
    CatalogError,
    _read_catalog,
    catalog_file,
    fill,
    placeholders,
    plural_categories,
    plural_rule_data,
    template_file,
    words_for,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "cmacourse"
WORDS_JS = PACKAGE / "player" / "static" / "words.js"
#: The keywords of README's pybabel command: Babel's defaults, t() and n() in the scripts, mark() in Python.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "t": None, "n": (1, 2), "mark": None}


def read_mapping() -> list[tuple[str, str]]:
    """The method map of locale/babel.cfg, as Babel's extract_from_dir takes it."""
    mapping = []
    for line in (PACKAGE / "locale" / "babel.cfg").read_text().splitlines():
        if line.startswith("["):
            method, pattern = line.strip("[]").split(":")
            mapping.append((pattern.strip(), method.strip()))
    return mapping


def extracted() -> dict[object, set[str]]:
    """Every message id Babel finds in the sources, with the files that use it."""
    found: dict[object, set[str]] = {}
    for path, _, message, _, _ in extract_from_dir(PACKAGE, method_map=read_mapping(), keywords=KEYWORDS):
        found.setdefault(message, set()).add(path)
    return found


def read(file: object) -> object:
    with file.open("rb") as handle:  # type: ignore[attr-defined]
        return read_po(BytesIO(handle.read()))


def test_the_template_holds_exactly_the_ids_the_sources_use() -> None:
    """locale/player.pot lists each id that the templates, the scripts and the Python use, where they use it, and no other."""
    template = read(template_file())
    listed = {m.id: {path for path, _ in m.locations} for m in template if m.id}  # type: ignore[attr-defined]
    assert listed == extracted()
    assert any(path.endswith(".js") for paths in listed.values() for path in paths)
    assert any(path.endswith(".jinja") for paths in listed.values() for path in paths)


@pytest.mark.parametrize("language", catalog_languages())
def test_every_catalog_translates_every_id_keeping_its_placeholders(language: str) -> None:
    """English and Spanish: no id missing, none fuzzy or empty, each plural with CLDR's forms, placeholders kept."""
    template = read(template_file())
    catalog = read(catalog_file(language))
    ids = {m.id for m in template if m.id}  # type: ignore[attr-defined]
    assert {m.id for m in catalog if m.id} == ids  # type: ignore[attr-defined]
    assert catalog.num_plurals == len(plural_categories(Locale.parse(language).plural_form))  # type: ignore[attr-defined]
    for message in catalog:  # type: ignore[attr-defined]
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(targets), message.id
        for target in targets:
            assert placeholders(target) == placeholders(sources[0]) | placeholders(sources[-1]), (message.id, target)


def test_spanish_words_and_english_fallback() -> None:
    """A Spanish course (es, es-MX) reads Spanish words; a language with no catalog reads English, with its own marks."""
    spanish = words_for("es")
    assert spanish.gettext("Next") == "Siguiente"
    assert spanish.gettext("Check answer") == "Comprobar respuesta"
    assert spanish.gettext("Question {number} of {total}", number=2, total=5) == "Pregunta 2 de 5"
    assert words_for("es-MX").catalog == "es" and words_for("es-MX").number(1234.5) == "1,234.5"
    german = words_for("de")
    assert german.catalog == "en" and german.gettext("Next") == "Next" and german.number(1234.5) == "1.234,5"
    assert catalog_for("pt-BR") is None and catalog_for("ES") == "es"
    assert words_for("en").gettext("an id no catalog has") == "an id no catalog has"


def test_plural_forms_follow_cldr() -> None:
    """English: 1 point, 1.5 points; Spanish: 1 punto, 2 puntos, and a million takes CLDR's "many" form."""
    english, spanish = words_for("en"), words_for("es")
    assert [english.points(v) for v in (0, 1, 1.5, 2)] == ["0 points", "1 point", "1.5 points", "2 points"]
    assert [spanish.points(v) for v in (1, 1.5, 2, 1000000)] == ["1 punto", "1,5 puntos", "2 puntos", "1.000.000 puntos"]
    assert spanish.rule(Decimal(1000000)) == "many"
    assert spanish.ngettext("You earn {points} of {total} point.", "You earn {points} of {total} points.", 2,
                            points=spanish.number(1), total=spanish.number(2)) == "Obtiene 1 de 2 puntos."


def test_numbers_and_percentages_in_each_language() -> None:
    """Spanish writes 87,5 % with a no-break space; English 87.5%; both round a score to a whole percentage."""
    assert words_for("es").percent(87.5, None) == "87,5\u00a0%" and words_for("es").percent(87.5) == "88\u00a0%"
    assert words_for("en").percent(87.5, None) == "87.5%" and words_for("en").percent(0) == "0%"
    assert words_for("es").marks.decimal == "," and words_for("es").marks.group == "."


def test_a_catalog_with_the_wrong_plural_forms_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Spanish catalog written with two forms (the old gettext rule) cannot be matched to CLDR's three: refused."""
    text = catalog_file("es").read_text(encoding="utf-8")
    broken = text.replace("nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
                          "nplurals=2; plural=(n != 1);")
    assert broken != text
    (tmp_path / "player.po").write_text(broken, encoding="utf-8")
    monkeypatch.setattr("cmacourse.player.words.catalog_file", lambda language: tmp_path / "player.po")
    with pytest.raises(CatalogError, match="2 forms"):
        _read_catalog("es")


def test_fill_leaves_unknown_placeholders() -> None:
    """A placeholder with no value stays as written, so a missing value shows instead of vanishing."""
    assert fill("{a} and {b}", {"a": 1}) == "1 and {b}"


def node() -> str:
    found = shutil.which("node")
    assert found, "node is needed to test the player's JavaScript"
    return found


def run_node(script: str, payload: object) -> object:
    result = subprocess.run([node(), "-e", script, str(WORDS_JS), json.dumps(payload)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


#: Whole numbers, a million and its neighbours, and decimals with and without trailing digits.
SAMPLES = [*range(0, 130), 1000, 1000000, 2000000, 1000001, 0.5, 1.5, 1.25, 2.5, 10.1, 21.3, 0.1, 101.0, 1.0]


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt", "ru", "pl", "ar", "cy", "lt", "ga"])
def test_words_js_chooses_the_category_babel_does(language: str) -> None:
    """words.js evaluates Babel's CLDR rule, as data, to the category Babel's own rule gives, for every sample."""
    rule = Locale.parse(language).plural_form
    plains = [number_text(v) for v in SAMPLES]
    expected = [rule(Decimal(p)) for p in plains]
    script = """
      const words = require(process.argv[1]);
      const {rule, plains} = JSON.parse(process.argv[2]);
      console.log(JSON.stringify(plains.map((p) => words.category(rule, p))));
    """
    assert run_node(script, {"rule": plural_rule_data(rule), "plains": plains}) == expected


def test_words_js_reads_the_spanish_data_as_python_does() -> None:
    """With the Spanish course data, words.js gives the Python words' texts: plurals, numbers, percentages."""
    spanish = words_for("es")
    script = """
      const words = require(process.argv[1]);
      const numbers = require(require("path").join(require("path").dirname(process.argv[1]), "numbers.js"));
      const say = words.create(JSON.parse(process.argv[2]), numbers);
      const earn = (p, t) => say.n("You earn {points} of {total} point.", "You earn {points} of {total} points.", t,
        {points: say.number(p), total: say.number(t)});
      console.log(JSON.stringify([say.t("Page {number} of {total}", {number: 1, total: 3}), earn(1, 1), earn(1, 2),
        earn(0.5, 1.5), say.percent(87.5), say.percent(87.5, null), say.number(1234567.5),
        numbers.parse("7,5", {marks: say.marks, words: say}), numbers.parse("7.5.1", {marks: say.marks, words: say}).error,
        words.create(null, numbers).t("Next")]));
    """
    got = run_node(script, spanish.script_data())
    earn = "You earn {points} of {total} point."
    assert got == [
        "Página 1 de 3",
        spanish.ngettext(earn, earn, 1, points="1", total="1"),
        "Obtiene 1 de 2 puntos.",
        "Obtiene 0,5 de 1,5 puntos.",
        spanish.percent(87.5), spanish.percent(87.5, None), spanish.number(1234567.5),
        {"value": "7.5"},
        "«7.5.1» se puede leer de dos maneras. En este curso, una coma separa los decimales y un punto o un espacio "
        "separa los miles: escríbalo, por ejemplo, así: 12.500 o 3,5.",
        "Next",
    ]
    assert got[1] == "Obtiene 1 de 1 punto."


def test_the_course_data_carries_the_words_the_scripts_use() -> None:
    """script_data() has every id a script uses, translated, and none that only the templates use."""
    data = words_for("es").script_data()
    template = read(template_file())
    scripts = {m.id[0] if isinstance(m.id, tuple) else m.id for m in template  # type: ignore[attr-defined]
               if m.id and any(path.endswith(".js") for path, _ in m.locations)}
    assert set(data["messages"]) | set(data["plurals"]) == scripts
    assert data["messages"]["Not started"] == "Sin empezar"
    assert set(data["plurals"]["You earn {points} of {total} point."]) == {"one", "many", "other"}
    assert "Check answer" not in data["messages"]


@pytest.fixture(scope="module")
def spanish_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The i18n test course with its language set to Spanish (its own text stays English)."""
    root = tmp_path_factory.mktemp("es-course") / "course"
    shutil.copytree(ROOT / "tests" / "courses" / "i18n-clinic", root)
    course_yaml = root / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("language: en\n", "language: es\n"))
    return root


def test_every_page_the_player_renders_has_the_courses_words(spanish_course: Path, tmp_path: Path) -> None:
    """The static site, the cartridge's pages and the Moodle question bank of a Spanish course carry the Spanish words."""
    course = load_course(spanish_course)
    site = (export(course, "html", tmp_path / "html") / "index.html").read_text()
    for words in ('<html lang="es">', ">Siguiente</button>", ">Comprobar respuesta</button>", ">Resultados</h1>",
                  ">Pregunta 1 de 6</span>", 'aria-label="Consejo: Remember"', "se abre en una pestaña nueva",
                  "espacio en blanco", "Necesita un 80\u00a0% para aprobar.", ">Inicio del curso</a>"):
        assert words in site, words
    for english in (">Next</button>", ">Check answer</button>", "(opens in a new tab)", ">blank<"):
        assert english not in site, english
    with zipfile.ZipFile(export(course, "imscc", tmp_path / "imscc")) as cartridge:
        page = cartridge.read("wiki_content/greeting.html").decode()
    assert "Consejo" in page and "se abre en una pestaña nueva" in page
    assert "espacio en blanco" in export(course, "moodlexml", tmp_path / "moodle").read_text()
