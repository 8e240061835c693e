"""The player's own words in Chromium: a Spanish build of the test course reads Spanish, plurals and typed numbers included."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cmacourse.cli import main
from test_player import answer, assessment, open_player
from translator import translate

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

COURSE = Path(__file__).resolve().parents[1] / "courses" / "i18n-clinic"


@pytest.fixture(scope="module")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test course translated, imported and built as a static site in English and Spanish."""
    root = tmp_path_factory.mktemp("player-words")
    course = root / "course"
    shutil.copytree(COURSE, course)
    assert main(["translate", "export", str(course), "--lang", "es", "--out", str(root / "x")]) == 0
    (root / "delivered.xlf").write_bytes(translate((root / "x" / "i18n-clinic.es.xlf").read_bytes()))
    assert main(["translate", "import", str(root / "delivered.xlf"), str(course)]) == 0
    assert main(["build", str(course), "--format", "html", "--lang", "all", "--out", str(root / "out")]) == 0
    return root / "out"


def text(page: Page, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def test_the_spanish_build_shows_the_players_words_in_spanish(page: Page, spanish: Path) -> None:
    """Siguiente, Anterior, Comprobar respuesta, the feedback with its plural, the quiz result and the results screen."""
    open_player(page, (spanish / "es" / "i18n-clinic-html" / "index.html").as_uri())
    assert page.evaluate("document.documentElement.lang") == "es"
    assert (text(page, "[data-pager='next']"), text(page, "[data-pager='prev']")) == ("Siguiente", "Anterior")
    assert text(page, ".exit-button") == "Salir del curso"
    assert text(page, "[data-position]") == "Página 1 de 7"
    page.evaluate("cmaPlayer.go('intake-check')")
    assert text(page, "#q-q-first [data-check]") == "Comprobar respuesta"
    assert text(page, "#q-q-first [data-number]") == "Pregunta 1 de 6"
    assert "Intento 1." in text(page, "[data-assessment='intake-check'] [data-attempt]")
    questions = assessment(page, "intake-check")["questions"]
    answer(page, questions[0])
    assert text(page, "#q-q-first [data-result]") == "Correcto. Obtiene 1 de 1 punto."
    page.click("#q-q-nurse [data-check]")
    assert text(page, "#q-q-nurse [data-error]") == "Elija primero Verdadero o Falso."
    answer(page, questions[1], correct=False)
    assert text(page, "#q-q-nurse [data-result]") == "Incorrecto. Obtiene 0 de 1 punto."
    for q in questions[2:5]:
        answer(page, q)
    # A typed number with a comma decimal: 37,2 degrees is within 0.5 of 37.
    page.fill("#f-q-degrees", "37,2")
    page.click("#q-q-degrees [data-check]")
    assert text(page, "#q-q-degrees [data-result]") == "Correcto. Obtiene 1 de 1 punto."
    score = text(page, "[data-assessment='intake-check'] [data-quiz-score]")
    assert score.startswith("Ha obtenido 5 de 6 puntos (83\u00a0%).")
    page.evaluate("cmaPlayer.go('results')")
    assert text(page, "#h-results") == "Resultados"
    headers = page.locator(".results-table th[scope='col']").all_inner_texts()
    assert headers[:3] == ["Módulo", "Páginas vistas", "Estado"]
    assert text(page, "[data-course-status]").startswith("En curso: 0 de 1 módulo completado.")
    assert text(page, "[data-results-assessment='intake-check'] [data-cell='score']") == "5 de 6 (83\u00a0%)"


def test_a_point_in_a_spanish_number_is_explained_in_spanish(page: Page, spanish: Path) -> None:
    """"37.2.1" is refused with a Spanish message whose example uses the Spanish marks."""
    open_player(page, (spanish / "es" / "i18n-clinic-html" / "index.html").as_uri())
    page.evaluate("cmaPlayer.go('intake-check')")
    page.fill("#f-q-degrees", "37.2.1")
    page.click("#q-q-degrees [data-check]")
    error = text(page, "#q-q-degrees [data-error]")
    assert error.startswith("«37.2.1» se puede leer de dos maneras.") and "12.500 o 3,5" in error


def test_the_english_build_keeps_its_words(page: Page, spanish: Path) -> None:
    """The source-language build of the same course reads English, numbers with a point."""
    open_player(page, (spanish / "en" / "i18n-clinic-html" / "index.html").as_uri())
    assert text(page, "[data-pager='next']") == "Next"
    page.evaluate("cmaPlayer.go('intake-check')")
    answer(page, assessment(page, "intake-check")["questions"][0])
    assert text(page, "#q-q-first [data-result]") == "Correct. You earn 1 of 1 point."
    assert text(page, "#q-q-first [data-number]") == "Question 1 of 6"
