"""Player benchmark: runtime size (raw and gzipped), worst-case state size, and time to first rendered page in Chromium.

Usage: python benchmarks/player.py [COURSE] [--runs 10] [--chromium /usr/bin/chromium]

Builds COURSE (default: the flagship course_content/) with ``--format html``, prints the size of the
player's JS and CSS as shipped, and opens ``index.html`` from ``file://`` in headless Chromium
``--runs`` times, each in a fresh context, timing from navigation start to the first contentful
paint and to the player being ready (its adapter started and the learner's place restored).
Goals: under 40 KB gzipped for the whole runtime; first page (painted and ready) in at most 150 ms, median of 10.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cmacourse.exporters import export
from cmacourse.loading import load_course
from cmacourse.player import worst_case_state_size

ROOT = Path(__file__).resolve().parents[1]
GOAL_GZIP = 40 * 1024
GOAL_FIRST_PAGE_MS = 150.0

# Each fresh context opens a browser window, and Chromium builds that window's omnibox popups as web pages
# (some 160 script modules in a renderer of their own) while our page loads; on a small machine that work
# competes with the page being measured. That is the browser's own start-up, not the page's: leave it out.
QUIET_BROWSER_UI = ("--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",)

# Records when the player marks itself ready, relative to navigation start.
READY_PROBE = """
new MutationObserver((changes, observer) => {
  if (document.documentElement && document.documentElement.classList.contains('player-ready')) {
    window.__readyAt = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['class']});
"""


def gzipped(data: bytes) -> int:
    """Bytes after gzip at the level web servers use by default."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def sizes(site: Path) -> None:
    """Print each runtime file's raw and gzipped size, and the totals."""
    runtime = sorted(p for p in (site / "player").iterdir() if p.suffix in (".js", ".css") and p.name != "course.js")
    print(f"{'runtime file':<24}{'raw':>10}{'gzip':>10}")
    raw_total = gzip_total = 0
    for file in runtime:
        data = file.read_bytes()
        raw_total += len(data)
        gzip_total += gzipped(data)
        print(f"player/{file.name:<17}{len(data):>10,}{gzipped(data):>10,}")
    verdict = "ok" if gzip_total < GOAL_GZIP else "OVER GOAL"
    print(f"{'runtime total':<24}{raw_total:>10,}{gzip_total:>10,}  ({gzip_total / 1024:.1f} KB gzipped; goal < 40 KB: {verdict})")
    for name in ("player/course.js", "index.html"):
        data = (site / name).read_bytes()
        print(f"{name + ' (generated)':<24}{len(data):>10,}{gzipped(data):>10,}")


def first_page(site: Path, runs: int, chromium: str) -> tuple[float, float]:
    """Open the site ``runs`` times, print the median time to first paint and to a ready player, and return both (ms)."""
    from playwright.sync_api import sync_playwright

    paints: list[float] = []
    readies: list[float] = []
    url = (site / "index.html").as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu", *QUIET_BROWSER_UI])
        for run in range(runs + 1):
            context = browser.new_context()
            page = context.new_page()
            page.add_init_script(READY_PROBE)
            page.goto(url)
            # The first paint may be presented after the player is ready: wait for both before reading them.
            page.wait_for_function("window.__readyAt !== undefined && performance.getEntriesByName('first-contentful-paint').length > 0")
            paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
            ready = page.evaluate("window.__readyAt")
            context.close()
            if run:  # the first run warms Chromium's caches and is not counted
                paints.append(paint)
                readies.append(ready)
        browser.close()
    paint_ms, ready_ms = statistics.median(paints), statistics.median(readies)
    verdict = "ok" if max(paint_ms, ready_ms) <= GOAL_FIRST_PAGE_MS else "OVER GOAL"
    print(f"first contentful paint: median {paint_ms:.0f} ms (min {min(paints):.0f}, max {max(paints):.0f}) over {runs} runs")
    print(f"player ready (resumed): median {ready_ms:.0f} ms (min {min(readies):.0f}, max {max(readies):.0f}); goal ≤ {GOAL_FIRST_PAGE_MS:.0f} ms: {verdict}")
    return paint_ms, ready_ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("course", nargs="?", default=str(ROOT / "course_content"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    course = load_course(args.course)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        site = export(course, "html", Path(tmp))
        print(f"built {course.id} with --format html in {1000 * (time.perf_counter() - started):.0f} ms")
        print(f"worst-case state: {worst_case_state_size(course, 'course')} characters (scope=course), "
              f"{worst_case_state_size(course, 'module')} (largest launch, scope=module)")
        sizes(site)
        first_page(site, args.runs, args.chromium)
    return 0


if __name__ == "__main__":
    sys.exit(main())
