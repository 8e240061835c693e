"""Moving between screens in Chromium: each screen from its top, a top bar that stays, lock notes in view, addresses and history.

Measured on the flagship course at a desktop and a phone width; which screens are long, locked or
linked is read from the course data, never written here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cmacourse.exporters import export
from cmacourse.loading import load_course
from test_player import READY, complete_quiz, open_player, screen

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame, Page
    from static_http import StaticServerFactory

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "course_content"
MINI = ROOT / "tests" / "courses" / "player-mini"
#: The widths every layout promise is measured at: a desktop and a small phone.
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}

LMS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LMS</title></head>
<body><h1>LMS</h1><iframe id="sco" title="Course" style="width:{width}px;height:600px" {sandbox}></iframe></body></html>"""

# Where the layout stands: scroll offset, the focused element, the top bar's and a few elements' boxes.
MEASURE = """(selectors) => {
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: r.height}; };
  const boxes = {};
  for (const s of selectors) boxes[s] = box(document.querySelector(s));
  return {scrollY: window.scrollY, innerHeight: window.innerHeight, focused: document.activeElement && document.activeElement.id,
          topbar: box(document.querySelector('.topbar')), exit: box(document.querySelector('.topbar [data-exit]')), boxes: boxes};
}"""


@pytest.fixture(scope="module")
def flagship_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(load_course(FLAGSHIP), "html", tmp_path_factory.mktemp("flagship-nav"))


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(load_course(MINI), "html", tmp_path_factory.mktemp("mini-nav"))


@pytest.fixture(params=sorted(VIEWPORTS))
def sized_page(request: pytest.FixtureRequest, chromium_browser: Browser) -> Iterator[Page]:
    """A page at each measured width, with smooth scrolling on as a learner's browser has it."""
    context = chromium_browser.new_context(viewport=VIEWPORTS[request.param], reduced_motion="no-preference")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def measure(page: Page | Frame, *selectors: str) -> dict[str, Any]:
    return page.evaluate(MEASURE, list(selectors))


def launch_screens(page: Page | Frame) -> list[dict[str, Any]]:
    return page.evaluate("cmaCourse.launches[document.body.dataset.launch].screens")


def locked_links(page: Page | Frame, within: str) -> list[str]:
    """Screen ids whose links inside ``within`` are locked now."""
    return page.evaluate("s => Array.from(document.querySelectorAll(s + ' [data-go][aria-disabled=true]')).map(a => a.dataset.go)", within)


def current_hash(page: Page | Frame) -> str:
    return str(page.evaluate("location.hash"))


# ------------------------------------------------------------------------------ each screen from its top


def test_next_starts_every_screen_at_its_top_with_focus_on_its_title(sized_page: Page, flagship_site: Path) -> None:
    """Scrolled to Next at the bottom of each flagship screen, pressing it shows the next one at scroll 0, its title focused below the bar."""
    page = sized_page
    open_player(page, (flagship_site / "index.html").as_uri())
    screens = launch_screens(page)
    deepest = 0.0
    for index, info in enumerate(screens[:-1]):
        assert screen(page) == info["id"]
        if info["kind"] == "quiz":
            complete_quiz(page, info["assessment"])
        page.evaluate("window.scrollTo({top: document.documentElement.scrollHeight, behavior: 'instant'})")
        deepest = max(deepest, page.evaluate("window.scrollY"))
        page.click("[data-pager='next']")
        following = screens[index + 1]["id"]
        at = measure(page, f"#h-{following}")
        title = at["boxes"][f"#h-{following}"]
        assert at["scrollY"] == 0, f"{following} opened {at['scrollY']} px down"
        assert at["focused"] == f"h-{following}"
        assert at["topbar"]["bottom"] <= title["top"] < at["innerHeight"], (following, at)
        assert current_hash(page) == f"#s-{following}"
    assert deepest > 500  # the flagship has screens long enough for the old scroll position to matter


def test_the_top_bar_stays_in_view_while_scrolled(sized_page: Page, flagship_site: Path) -> None:
    """At the bottom of the longest flagship screen the top bar is still at the top, with Exit and progress on show."""
    page = sized_page
    open_player(page, (flagship_site / "index.html").as_uri())
    heights = {}
    for info in launch_screens(page):
        page.evaluate("id => cmaPlayer.go(id)", info["id"])
        if screen(page) == info["id"]:
            heights[info["id"]] = page.evaluate("document.documentElement.scrollHeight")
    longest = max(heights, key=heights.__getitem__)
    page.evaluate("id => cmaPlayer.go(id)", longest)
    page.evaluate("window.scrollTo({top: document.documentElement.scrollHeight, behavior: 'instant'})")
    at = measure(page, "#progress")
    assert at["scrollY"] > 300, at
    assert at["topbar"]["top"] == 0 and at["exit"]["top"] >= 0 and at["exit"]["bottom"] <= at["topbar"]["bottom"]
    assert at["boxes"]["#progress"]["top"] >= 0 and at["boxes"]["#progress"]["bottom"] <= at["topbar"]["bottom"]
    assert page.get_by_role("button", name="Exit course").is_visible()
    # It takes little of the screen: under a tenth of a phone's height.
    assert at["topbar"]["height"] <= 0.1 * at["innerHeight"] + 1, at["topbar"]
    # A term focused on the glossary lands below the bar, not under it.
    term = page.evaluate("cmaCourse.launches['index.html'].screens.some(s => s.id === 'glossary')")
    if term:
        page.evaluate("cmaPlayer.go('glossary')")
        last = page.evaluate("(() => { const t = document.querySelectorAll('.glossary dt'); const el = t[t.length - 1]; el.focus(); return el.id; })()")
        box = measure(page, f"#{last}")["boxes"][f"#{last}"]
        assert box["top"] >= at["topbar"]["bottom"]


# ------------------------------------------------------------------------------ locked screens


def test_a_locked_menu_item_explains_itself_beside_the_item(sized_page: Page, peer_asset: Callable[[str], Path],
                                                             flagship_site: Path) -> None:
    """The note for a locked menu item appears right below it, inside the viewport, and the live region announces it."""
    page = sized_page
    open_player(page, (flagship_site / "index.html").as_uri())
    phone = page.viewport_size["width"] < 600
    if phone:
        page.click(".menu-toggle")
    locked = locked_links(page, "#menu")
    assert locked, "the flagship's later modules are locked at the start"
    last = locked[-1]  # the furthest down the menu: the old note appeared far below the viewport
    link = page.locator(f"#menu [data-go='{last}']")
    link.click(force=True)
    assert screen(page) == "home" and current_hash(page) in ("", "#s-home")
    note = page.locator("[data-locked-note]")
    assert note.is_visible()
    title = page.evaluate("id => cmaCourse.launches['index.html'].screens.find(s => s.id === id).title", last)
    assert note.inner_text().startswith(f"\u201c{title}\u201d opens when you complete \u201c")
    at = measure(page, "[data-locked-note]", f"#menu [data-go='{last}']")
    note_box, link_box = at["boxes"]["[data-locked-note]"], at["boxes"][f"#menu [data-go='{last}']"]
    assert 0 <= note_box["top"] and note_box["bottom"] <= at["innerHeight"], at
    assert 0 <= note_box["top"] - link_box["bottom"] <= 16, at  # directly below the item
    page.wait_for_function("document.querySelector('[data-announcer]').textContent.length > 0")
    assert page.inner_text("[data-announcer]") == note.inner_text()
    assert page.get_attribute("[data-announcer]", "aria-live") == "polite"
    page.add_script_tag(path=str(peer_asset("axe-core")))
    assert page.evaluate("axe.run(document).then(r => r.violations.map(v => v.id))") == []
    # Opening a screen that is open puts the note away.
    page.click("#menu [data-go='home']")
    assert not note.is_visible()


def test_a_link_into_a_locked_screen_opens_the_start_and_says_why(page: Page, flagship_site: Path) -> None:
    """index.html#s-<locked page> opens the home screen, with the reason under its title and the address put right."""
    page.goto((flagship_site / "index.html").as_uri())
    page.wait_for_function(READY)
    locked = locked_links(page, "#menu")[0]
    page.goto((flagship_site / "index.html").as_uri() + "?fresh#s-" + locked)
    page.wait_for_function(READY)
    assert screen(page) == "home" and current_hash(page) == "#s-home"
    note = measure(page, "[data-locked-note]", "#h-home")
    assert page.is_visible("[data-locked-note]")
    assert note["boxes"]["#h-home"]["bottom"] <= note["boxes"]["[data-locked-note]"]["top"] < note["innerHeight"]
    assert "opens when you complete" in page.inner_text("[data-locked-note]")


# ------------------------------------------------------------------------------ addresses and history


def walk_with_history(target: Page | Frame) -> None:
    """Start, Next twice, then Back, Back, Forward through the browser history; each step shows its screen at its top."""
    screens = [s["id"] for s in launch_screens(target)]
    target.click("[data-start]")
    target.click("[data-pager='next']")
    assert screen(target) == screens[2] and current_hash(target) == f"#s-{screens[2]}"  # type: ignore[arg-type]
    for script, expected in (("history.back()", screens[1]), ("history.back()", screens[0]), ("history.forward()", screens[1])):
        target.evaluate(script)
        target.wait_for_function("id => cmaPlayer.snapshot().screen === id", arg=expected)
        at = measure(target, f"#h-{expected}")
        assert at["scrollY"] == 0 and at["focused"] == f"h-{expected}", (script, at)


def test_back_and_forward_move_between_screens_from_a_file(page: Page, mini_site: Path) -> None:
    """Opened from file://, the browser's Back and Forward move between screens, and a reload stays on the screen in the address."""
    open_player(page, (mini_site / "index.html").as_uri())
    walk_with_history(page)
    page.go_back()  # the browser's own button, on the top-level history
    page.wait_for_function("cmaPlayer.snapshot().screen === 'home'")
    page.go_forward()
    page.wait_for_function("cmaPlayer.snapshot().screen === 'first'")
    page.evaluate("cmaPlayer.go('second')")
    page.reload()
    page.wait_for_function(READY)
    assert screen(page) == "second" and current_hash(page) == "#s-second"


def test_a_link_to_a_screen_or_a_term_opens_it(page: Page, mini_site: Path) -> None:
    """A fresh visit to index.html#s-<page> opens that page at its top; #g-<term> opens the glossary on the term; a link in the text works the same."""
    open_player(page, (mini_site / "index.html").as_uri())
    first_page = next(s for s in launch_screens(page) if s["kind"] == "page" and s["id"] != "first")
    term = page.evaluate("document.querySelector('.glossary dt').id")
    page.goto((mini_site / "index.html").as_uri() + "?again#s-" + first_page["id"])
    page.wait_for_function(READY)
    assert screen(page) == first_page["id"]
    page.wait_for_function("window.scrollY === 0", timeout=2000)  # once loaded, whatever the browser did for the fragment
    page.goto((mini_site / "index.html").as_uri() + "?term#" + term)
    page.wait_for_function(READY)
    assert screen(page) == "glossary" and page.evaluate("document.activeElement.id") == term
    page.click("[data-back]")
    assert screen(page) == first_page["id"]
    # A link an author writes in a page, to another screen's fragment, opens it as the menu does; Back returns.
    page.evaluate("""() => { const a = document.createElement('a'); a.href = '#s-results'; a.id = 'to-results'; a.textContent = 'Results';
                      document.querySelector('.screen.current').appendChild(a); }""")
    page.click("#to-results")
    assert screen(page) == "results" and current_hash(page) == "#s-results"
    page.go_back()
    page.wait_for_function("id => cmaPlayer.snapshot().screen === id", arg=first_page["id"])
    # A glossary link in the text puts the term in the address; Back leaves the glossary again.
    page.evaluate("cmaPlayer.go('first')")
    page.click("#s-first a.gloss")
    assert screen(page) == "glossary" and current_hash(page) == "#" + term
    page.go_back()
    page.wait_for_function("cmaPlayer.snapshot().screen === 'first'")


@pytest.mark.parametrize("sandbox", ["", 'sandbox="allow-scripts allow-forms"'], ids=["frame", "sandboxed-frame"])
def test_history_works_inside_an_lms_frame(page: Page, mini_site: Path, static_server: StaticServerFactory,
                                           tmp_path: Path, sandbox: str) -> None:
    """In an LMS iframe, sandboxed or not, screens change the frame's address and history; the LMS page's own address stays."""
    site = tmp_path / "lms"
    shutil.copytree(mini_site, site / "course")
    (site / "lms.html").write_text(LMS_PAGE.format(width=900, sandbox=sandbox), encoding="utf-8")
    base = static_server(site)
    page.goto(base + "lms.html")
    page.evaluate("document.getElementById('sco').src = 'course/index.html'")
    page.wait_for_timeout(50)
    frame = page.frames[1]
    frame.wait_for_function(READY)
    walk_with_history(frame)
    assert page.url == base + "lms.html"
    frame.click("[data-pager='next']")
    assert current_hash(frame) == "#s-second"


# ------------------------------------------------------------------------------ without script


def test_without_script_links_to_screens_land_below_the_top_bar(chromium_browser: Browser, flagship_site: Path) -> None:
    """With scripting off, index.html#s-<screen> shows that screen's title just below the sticky bar, which stays at the top."""
    context = chromium_browser.new_context(java_script_enabled=False, viewport=VIEWPORTS["phone"])
    page = context.new_page()
    layout = load_course(FLAGSHIP)
    target = layout.modules[-1].pages[0].id
    page.goto((flagship_site / "index.html").as_uri() + "#s-" + target)
    page.wait_for_load_state("load")
    at = measure(page, f"#h-{target}")
    title = at["boxes"][f"#h-{target}"]
    assert at["scrollY"] > 1000
    assert at["topbar"]["top"] == 0 and at["topbar"]["bottom"] <= title["top"] < at["topbar"]["bottom"] + 60, at
    context.close()
