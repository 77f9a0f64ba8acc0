"""The built site as a reader sees it: every page opened from file:// in a real Chromium.

Each page is loaded once (module fixture ``visits``) with every request to another host
blocked and recorded; the tests then check what was seen: no request left the machine, no
console errors or missing files, all math typeset, every image loaded, no serious
accessibility violation, a page weight under budget. Reader journeys (next links, equation
references, search, dark mode, hidden solutions) drive the pages like a reader would.
Screenshots and a per-page report land in ``_build/browser/``.

Runs with Debian's Chromium (``/usr/bin/chromium``, installed by ``.ci/run``) through
Playwright; never a browser that Playwright downloads. Without Chromium or a built site, the
tests skip and say why.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MAX_PAGE_BYTES = 2_500_000

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="no Chromium found: install Debian's package (apt-get install chromium); "
        ".ci/run does this on CI",
    ),
    pytest.mark.skipif(
        not (SITE / "index.html").exists(), reason="no built site: run `make html` first"
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
axe_package = pytest.importorskip("axe_playwright_python", reason="axe-core is not installed")
AXE_JS = Path(axe_package.__file__).parent / "axe.min.js"

# The flags this machine's Chromium needs (see the env notes): no sandbox as root, and none of
# the background services that would try to reach the network on their own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Accessibility findings caused by the theme, not by our content, templates or CSS, that we
# could not fix from our side. Each entry: (axe rule id, CSS selector pattern, why). Printed by
# test_accessibility so that it is never silent.
AXE_ALLOWED: list[tuple[str, str, str]] = []

# Sphinx emits each formula as <span class="math ..."> (inline) or <div class="math ..."> (display).
MATH_NODE = re.compile(r'<(?:span|div) class="math notranslate nohighlight"')


def built_pages() -> list[str]:
    return sorted(
        str(p.relative_to(SITE))
        for p in SITE.rglob("*.html")
        if not p.relative_to(SITE).parts[0].startswith("_")
    )


PAGES = built_pages() if SITE.exists() else []


class Visit:
    """What one page load showed."""

    def __init__(self, name: str):
        self.name = name
        self.external: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.local_files: set[str] = set()
        self.math_expected = len(MATH_NODE.findall((SITE / name).read_text(encoding="utf-8")))
        self.math_typeset = 0
        self.math_errors = 0
        self.images: list[tuple[str, int]] = []
        self.typeset_ms = 0.0
        self.axe: list[dict] = []

    @property
    def bytes(self) -> int:
        return sum(Path(f).stat().st_size for f in self.local_files if Path(f).is_file())


def open_page(browser, url: str, **context_options):
    """A new page with external requests blocked and recorded; returns (context, page, log)."""
    context = browser.new_context(**context_options)
    log = {"external": [], "failed": [], "console": [], "files": set()}

    def block(route):
        log["external"].append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(https?|wss?|ftp)://"), block)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and log["console"].append(msg.text))
    page.on("pageerror", lambda error: log["console"].append(str(error)))
    page.on("requestfailed", lambda r: r.url.startswith("file:") and log["failed"].append(r.url))
    page.on(
        "request",
        lambda r: r.url.startswith("file:") and log["files"].add(unquote(urlparse(r.url).path)),
    )
    page.goto(url, wait_until="load")
    return context, page, log


def wait_for_math(page) -> float:
    """Milliseconds from navigation until MathJax finished typesetting (or load, without math)."""
    return page.evaluate(
        """async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                await MathJax.startup.promise;
            }
            return performance.now();
        }"""
    )


@pytest.fixture(scope="module")
def visits(browser) -> dict[str, Visit]:
    results = {}
    for name in PAGES:
        visit = Visit(name)
        context, page, log = open_page(browser, (SITE / name).as_uri())
        visit.typeset_ms = wait_for_math(page)
        visit.math_typeset = page.locator("mjx-container").count()
        visit.math_errors = page.locator("mjx-merror").count()
        visit.images = page.evaluate(
            """async () => {
                const out = [];
                for (const img of document.images) {
                    if (!img.checkVisibility()) continue;  // e.g. the dark-mode logo in light mode
                    img.scrollIntoView();
                    try { await img.decode(); } catch (e) {}
                    out.push([img.getAttribute('src'), img.naturalWidth]);
                }
                return out;
            }"""
        )
        page.wait_for_timeout(200)  # let late requests (fonts, lazy scripts) show up
        # What the page itself did, recorded before axe is injected into it.
        visit.external = list(log["external"])
        visit.failed = list(log["failed"])
        visit.console_errors = list(log["console"])
        visit.local_files = set(log["files"]) | {str(SITE / name)}
        page.add_script_tag(path=str(AXE_JS))
        # preload: false stops axe from re-fetching the stylesheets with XHR, which file://
        # pages may not do (CORS); the rules that need it are not the ones we check.
        visit.axe = page.evaluate(
            """async () => (await axe.run(document,
                {resultTypes: ['violations'], preload: false})).violations"""
        )
        context.close()
        results[name] = visit
    write_report(results)
    return results


def write_report(results: dict[str, Visit]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = [
        {
            "page": v.name,
            "bytes": v.bytes,
            "math": v.math_typeset,
            "typeset_ms": round(v.typeset_ms),
            "requests_blocked": len(v.external),
        }
        for v in results.values()
    ]
    (OUT / "report.json").write_text(json.dumps(rows, indent=2))
    lines = [
        "| page | transferred (bytes) | math elements | navigation → math typeset (ms) |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {r['page']} | {r['bytes']:,} | {r['math']} | {r['typeset_ms']} |" for r in rows]
    (OUT / "report.md").write_text("\n".join(lines) + "\n")


def test_every_built_page_is_checked():
    assert "index.html" in PAGES
    assert "answer/question.html" in PAGES
    assert "answer/notation.html" in PAGES


@pytest.mark.parametrize("name", PAGES)
def test_no_request_leaves_the_machine(visits, name):
    hosts = sorted({urlparse(u).netloc for u in visits[name].external})
    assert not hosts, f"{name} requested other hosts: {hosts} ({visits[name].external[:5]})"


@pytest.mark.parametrize("name", PAGES)
def test_no_console_errors_and_no_missing_files(visits, name):
    assert not visits[name].console_errors, visits[name].console_errors
    assert not visits[name].failed, f"{name}: files not found: {visits[name].failed}"


@pytest.mark.parametrize("name", PAGES)
def test_all_math_is_typeset(visits, name):
    v = visits[name]
    assert v.math_errors == 0, f"{name}: {v.math_errors} MathJax error node(s)"
    assert v.math_typeset == v.math_expected, (
        f"{name}: Sphinx emitted {v.math_expected} math nodes, MathJax typeset {v.math_typeset}"
    )


@pytest.mark.parametrize("name", PAGES)
def test_every_image_loads(visits, name):
    broken = [src for src, width in visits[name].images if width == 0]
    assert not broken, f"{name}: images that did not load: {broken}"


@pytest.mark.parametrize("name", PAGES)
def test_page_weight(visits, name):
    assert visits[name].bytes <= MAX_PAGE_BYTES, (
        f"{name} transfers {visits[name].bytes:,} bytes, over the {MAX_PAGE_BYTES:,} budget"
    )


def allowed(violation: dict, node: dict) -> bool:
    return any(
        violation["id"] == rule and re.search(pattern, " ".join(node["target"]))
        for rule, pattern, _ in AXE_ALLOWED
    )


@pytest.mark.parametrize("name", PAGES)
def test_accessibility(visits, name):
    if AXE_ALLOWED:
        print("axe findings allowed (caused by the theme):")
        for rule, pattern, why in AXE_ALLOWED:
            print(f"  {rule} at {pattern}: {why}")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}"
        for v in visits[name].axe
        if v["impact"] in ("critical", "serious")
        for node in v["nodes"]
        if not allowed(v, node)
    ]
    assert not serious, f"{name}:\n" + "\n".join(serious)


# --- Reader journeys. ---


def test_next_links_reach_every_chapter_in_reading_order(browser):
    context, page, _ = open_page(browser, (SITE / "index.html").as_uri())
    visited = ["index.html"]
    while page.locator("a.right-next").count():
        page.locator("a.right-next").first.click()
        page.wait_for_load_state("load")
        visited.append(str(Path(unquote(urlparse(page.url).path)).relative_to(SITE)))
        assert len(visited) <= len(PAGES), f"next links loop: {visited}"
    context.close()
    chapters = [p for p in PAGES if p not in ("genindex.html", "search.html", "py-modindex.html")]
    assert sorted(visited) == sorted(chapters)
    assert visited[:3] == ["index.html", "answer/question.html", "answer/notation.html"]


def test_equation_reference_jumps_to_the_numbered_equation(browser):
    context, page, _ = open_page(browser, (SITE / "answer" / "question.html").as_uri())
    wait_for_math(page)
    link = page.locator('a.reference[href="#equation-eq-q-learner"]').first
    label = link.inner_text().strip()
    link.click()
    page.wait_for_timeout(300)
    assert page.url.endswith("#equation-eq-q-learner")
    target = page.locator("#equation-eq-q-learner")
    assert target.locator(".eqno").inner_text().startswith(label)
    box = target.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < page.viewport_size["height"], "the equation is not on screen"
    context.close()


def test_search_finds_the_chapter_that_defines_dZ(browser):
    context, page, _ = open_page(browser, (SITE / "search.html").as_uri() + "?q=dZ")
    page.wait_for_selector(".search-summary", timeout=15_000)
    page.wait_for_function(
        "() => /found/.test(document.querySelector('.search-summary').textContent)"
    )
    first = page.locator("#search-results ul.search li a").first.get_attribute("href")
    context.close()
    assert first.split("#")[0].endswith("answer/notation.html"), first


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


COLOURS = """() => {
    const parse = s => s.match(/[\\d.]+/g).map(Number);
    const math = document.querySelector('article mjx-container');
    let el = math, bg = [0, 0, 0, 0];
    while (el) {
        const c = parse(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || c[3] > 0) { bg = c; break; }
        el = el.parentElement;
    }
    if (!el) bg = parse(getComputedStyle(document.body).backgroundColor);
    const theme = document.documentElement.dataset.theme;
    return {fg: parse(getComputedStyle(math).color), bg: bg, theme: theme};
}"""


def test_dark_mode_toggle_works_and_math_stays_legible(browser):
    context, page, _ = open_page(browser, (SITE / "answer" / "question.html").as_uri())
    wait_for_math(page)
    light = page.evaluate(COLOURS)
    page.locator("button.theme-switch-button").first.click()
    page.locator('button.theme-change-button[data-mode="dark"]').first.click()
    page.wait_for_timeout(300)
    dark = page.evaluate(COLOURS)
    context.close()
    assert light["theme"] == "light"
    assert dark["theme"] == "dark"
    for mode, colours in (("light", light), ("dark", dark)):
        ratio = contrast(colours["fg"][:3], colours["bg"][:3])
        assert ratio >= 4.5, f"math in {mode} mode has contrast {ratio:.2f} ({colours})"


def test_exercise_solutions_are_hidden_until_opened(browser):
    context, page, _ = open_page(browser, (SITE / "answer" / "question.html").as_uri())
    solution = page.locator("div.solution.dropdown").first
    body = solution.locator("section").first
    assert not body.is_visible(), "a solution is visible before the reader opens it"
    solution.locator(".toggle-button, button").first.click()
    page.wait_for_timeout(300)
    assert body.is_visible(), "opening the solution did not show it"
    context.close()


def test_the_download_menu_saves_the_chapter_as_a_notebook(browser):
    """The theme's download menu lists the chapter's .ipynb first, as a link the browser saves
    (the download attribute) rather than opens as JSON text."""
    context, page, _ = open_page(
        browser, (SITE / "answer" / "batch.html").as_uri(), viewport={"width": 390, "height": 800}
    )
    page.click("button[aria-label='Download this page']")
    link = page.locator(".dropdown-download-buttons a").first
    link.wait_for(state="visible")
    assert link.inner_text().strip() == ".ipynb"
    assert link.get_attribute("href") == "../_sources/answer/batch.ipynb"
    assert link.get_attribute("download") == "batch.ipynb"
    context.close()


def test_the_run_controls_appear_exactly_when_the_runtime_was_built(browser):
    """With the in-page runtime (make wasm), the diagnoser's box and the run buttons are there;
    without it, the static book says in the box's place how to check a function instead."""
    built = (SITE / "_runtime" / "manifest.json").exists()
    context, page, _ = open_page(browser, (SITE / "answer" / "check-your-own.html").as_uri())
    assert page.evaluate("window.NPB_RUNTIME !== null") == built
    assert page.locator("#diagnose-box").is_visible() == built
    assert page.locator("#diagnose-static").is_visible() == (not built)
    assert (page.locator("button.run-cell").count() > 0) == built
    context.close()


# --- Screenshots for reviewers. ---


#: The front page and chapters 1, 4 and 11 (the question, the batch derivation, optimizers).
SCREENSHOT_PAGES = (
    "index.html",
    "answer/question.html",
    "answer/batch.html",
    "practice/optimizers.html",
)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(browser, scheme, width):
    """Full-page screenshots for reviewers, at a phone's width and a desktop's, light and dark:
    _build/browser/screenshots/<page>-<width>-<scheme>.png. The theme follows the system's
    colour scheme (html_context default_mode "auto"), which the test checks it did."""
    shots = OUT / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for name in SCREENSHOT_PAGES:
        context, page, _ = open_page(
            browser,
            (SITE / name).as_uri(),
            color_scheme=scheme,
            viewport={"width": width, "height": 900},
        )
        wait_for_math(page)
        time.sleep(0.2)
        assert page.evaluate("document.documentElement.dataset.theme") == scheme, name
        stem = name.replace("/", "_").removesuffix(".html")
        path = shots / f"{stem}-{width}-{scheme}.png"
        page.screenshot(path=str(path), full_page=True)
        context.close()
        assert path.stat().st_size > 10_000, f"{path} looks empty"
