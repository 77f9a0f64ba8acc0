"""Nothing on the built site is cut off, on a phone (390 px) or a desktop (1280 px).

Every page is opened in Chromium at both widths, and every element of its article is measured:

- an element wider than the column must sit inside a box that scrolls sideways (display
  equations, code cells, outputs, tables) and that box must show the scroll cue, the edge shadow
  of ``conf/_static/book.css``;
- no element may be cut by a box that hides overflow, or stick out of the column;
- the page itself never scrolls sideways;
- the key equations (the question's two columns, the chain-rule steps of A batch, the
  conventions table) and the front page's answer table fit without scrolling.

Failures name the page, the width and the equation number or code cell. Shares its browser
set-up with ``test_site_browser.py`` (same skips: Chromium and a built site are needed).
"""

from __future__ import annotations

import json
import re

import pytest

from test_site_browser import (  # the set-up, not the tests
    CHROMIUM,
    CHROMIUM_ARGS,
    OUT,
    PAGES,
    SITE,
    open_page,
    pytestmark,  # noqa: F401  (the skips apply here too)
    sync_api,
    wait_for_math,
)

WIDTHS = (390, 1280)

#: Equations that must fit at every width, by page: (1.2) and (1.3), (4.6)-(4.8) and the
#: conventions table (4.15). Ids are the equations' labels.
KEY_EQUATIONS = {
    "answer/question.html": ["eq-q-learner", "eq-q-course"],
    "answer/batch.html": ["eq-dj-dl", "eq-dj-dz2", "eq-batch-dw2", "eq-scales"],
}

# For every visible element of the article: where it would be cut, or which scrolling box
# holds it and whether that box shows the cue. One pass over the DOM per page and width.
MEASURE = """() => {
    const article = document.querySelector('article.bd-article') ||
        document.querySelector('article') || document.querySelector('main') || document.body;
    const style = e => getComputedStyle(e);
    const name = e => {
        const eq = e.closest('div.math');
        if (eq) {
            const no = eq.querySelector('.eqno');
            return 'equation ' + (no ? no.textContent.replace('#', '').trim()
                                     : '"' + eq.textContent.trim().slice(0, 40) + '"');
        }
        const cell = e.closest('div.cell');
        if (cell) {
            const cells = [...article.querySelectorAll('div.cell')];
            const part = e.closest('.cell_output') ? 'output of ' : '';
            const first = (cell.querySelector('.cell_input pre') || cell).textContent
                .trim().split('\\n')[0].slice(0, 50);
            return part + 'code cell ' + (cells.indexOf(cell) + 1) + ' ("' + first + '")';
        }
        const pre = e.closest('pre');
        if (pre) return 'code block ("' + pre.textContent.trim().split('\\n')[0]
            .slice(0, 50) + '")';
        const table = e.closest('table');
        if (table) return 'table ("' + table.textContent.trim().replace(/\\s+/g, ' ')
            .slice(0, 50) + '")';
        return e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
            ? '.' + e.className.split(' ')[0] : '') + ' ("' +
            e.textContent.trim().slice(0, 40) + '")';
    };
    const cue = e => {
        const s = style(e);
        return /local/.test(s.backgroundAttachment) && /radial-gradient/.test(s.backgroundImage);
    };
    const box = article.getBoundingClientRect();
    const cs = style(article);
    const left = box.left + parseFloat(cs.paddingLeft);
    const right = box.right - parseFloat(cs.paddingRight);
    const scrolling = new Map(), cut = [], spill = [], reported = new Set();
    for (const e of article.querySelectorAll('*')) {
        if (e.closest('mjx-assistive-mml')) continue;  // for screen readers, never drawn
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;  // not shown (e.g. a closed toggle)
        let a = e.parentElement, holder = null;
        while (a && a !== article) {
            const o = style(a).overflowX;
            if (o !== 'visible') { holder = [a, o]; break; }
            a = a.parentElement;
        }
        if (holder && (holder[1] === 'auto' || holder[1] === 'scroll')) {
            const s = holder[0];
            if (s.scrollWidth > s.clientWidth + 1 && !scrolling.has(s)) scrolling.set(s, name(e));
        } else if (reported.has(e.parentElement)) {
            reported.add(e);  // inside an element already reported: name only the outermost
        } else if (holder) {
            const h = holder[0].getBoundingClientRect();
            if (r.right > h.right + 1 || r.left < h.left - 1) reported.add(e) &&
                cut.push(name(e) + ': ' + Math.round(r.width) + ' px in a box of '
                         + Math.round(h.width) + ' px that hides overflow');
        } else if (r.right > right + 1 || r.left < left - 1) {
            reported.add(e);
            spill.push(name(e) + ': ' + Math.round(r.width) + ' px, sticks out of the '
                       + Math.round(right - left) + ' px column');
        }
    }
    const scrolls = [...scrolling].map(([s, what]) => ({what: what, cue: cue(s),
        width: s.scrollWidth, shown: s.clientWidth}));
    const fits = {};
    for (const m of article.querySelectorAll('div.math[id] mjx-container')) {
        const id = m.closest('div.math').id.replace(/^equation-/, '');
        fits[id] = m.scrollWidth <= m.clientWidth + 1;
    }
    const card = document.querySelector('#sec-answer-card .pst-scrollable-table-container, '
                                        + '#sec-answer-card .table-wrapper');
    const images = [...article.querySelectorAll('img')].map(i => ({
        src: i.getAttribute('src'), alt: i.getAttribute('alt') || '',
        natural: i.naturalWidth, shown: i.getBoundingClientRect().width}));
    return {page: document.documentElement.scrollWidth, viewport: window.innerWidth,
            scrolls: scrolls, cut: [...new Set(cut)], spill: [...new Set(spill)], fits: fits,
            card: card ? card.scrollWidth <= card.clientWidth + 1 : null, images: images};
}"""


@pytest.fixture(scope="module")
def layouts() -> dict[tuple[str, int], dict]:
    results = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            for name in PAGES:
                context, page, _ = open_page(
                    browser, (SITE / name).as_uri(), viewport={"width": width, "height": 900}
                )
                wait_for_math(page)
                results[name, width] = page.evaluate(MEASURE)
                context.close()
        browser.close()
    OUT.mkdir(parents=True, exist_ok=True)
    report = {
        f"{name}@{width}px": [s["what"] for s in seen["scrolls"]]
        for (name, width), seen in results.items()
    }
    # what scrolls sideways (each with the cue, which the tests check) on each page and width
    (OUT / "layout.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return results


CASES = [(name, width) for width in WIDTHS for name in PAGES]
IDS = [f"{name}@{width}px" for name, width in CASES]


@pytest.mark.parametrize(("name", "width"), CASES, ids=IDS)
def test_the_page_never_scrolls_sideways(layouts, name, width):
    seen = layouts[name, width]
    assert seen["page"] <= seen["viewport"], (
        f"{name} at {width} px is {seen['page']} px wide: the whole page scrolls sideways"
    )


@pytest.mark.parametrize(("name", "width"), CASES, ids=IDS)
def test_nothing_is_cut_off_or_sticks_out(layouts, name, width):
    seen = layouts[name, width]
    problems = [f"cut: {c}" for c in seen["cut"]] + [f"spills: {s}" for s in seen["spill"]]
    assert not problems, f"{name} at {width} px:\n" + "\n".join(problems)


@pytest.mark.parametrize(("name", "width"), CASES, ids=IDS)
def test_what_scrolls_sideways_shows_that_it_does(layouts, name, width):
    no_cue = [
        f"{s['what']} ({s['width']} px shown in {s['shown']} px)"
        for s in layouts[name, width]["scrolls"]
        if not s["cue"]
    ]
    assert not no_cue, (
        f"{name} at {width} px: these scroll sideways with no edge shadow (book.css's scroll "
        f"cue does not reach their box):\n" + "\n".join(no_cue)
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(KEY_EQUATIONS))
def test_key_equations_fit_without_scrolling(layouts, name, width):
    fits = layouts[name, width]["fits"]
    missing = [label for label in KEY_EQUATIONS[name] if label not in fits]
    assert not missing, f"{name}: key equations not found (renamed?): {missing}"
    wide = [label for label in KEY_EQUATIONS[name] if not fits[label]]
    assert not wide, (
        f"{name} at {width} px: key equations wider than the column (break them across lines "
        f"with aligned): {wide}"
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_answer_card_table_fits(layouts, width):
    card = layouts["index.html", width]["card"]
    assert card is not None, "index.html: no table under 'The answer' (#sec-answer-card)"
    assert card, f"index.html at {width} px: the conventions table scrolls sideways"


@pytest.mark.parametrize("name", PAGES)
def test_every_figure_has_a_text_alternative(layouts, name):
    """A screen reader reads a figure's alt text; Sphinx's fallback is the image's file name."""
    bad = [
        f"{img['src']}: alt {img['alt']!r}"
        for img in layouts[name, 390]["images"]
        if "_images/" in img["src"]  # the figures (not the theme's icons)
        and (len(img["alt"]) < 20 or re.search(r"\.(png|svg|jpe?g)$", img["alt"]))
    ]
    assert not bad, f"{name}: figures without a description (:mystnb: image: alt:): {bad}"


@pytest.mark.parametrize("name", PAGES)
def test_figures_get_the_phone_width_their_check_assumes(layouts, name):
    """npbackprop._book.check_figure sizes each figure's text for a phone on which the figure
    is shown PHONE_FIGURE_WIDTH px wide; here every figure at 390 px is shown at least that
    wide (or at its full size), so its text is at least as large as the check computed."""
    from npbackprop._book import PHONE_FIGURE_WIDTH

    narrow = [
        f"{img['src']}: {img['shown']:.0f} px of {img['natural']} px"
        for img in layouts[name, 390]["images"]
        if img["shown"] < min(img["natural"], PHONE_FIGURE_WIDTH) - 1
    ]
    assert not narrow, f"{name}: figures shown narrower than check_figure assumes: {narrow}"


def test_the_measurement_sees_a_wide_equation_and_a_missing_cue(tmp_path):
    """The checks can fail: a page with an equation twice the column's width that scrolls
    without the cue, and a box that cuts its content, is reported on both counts."""
    html = tmp_path / "wide.html"
    html.write_text(
        "<html><body><article class='bd-article' style='width:300px'>"
        "<div class='math' id='equation-x' style='overflow:hidden'>"
        "<mjx-container style='display:block;overflow-x:auto'>"
        "<span style='display:inline-block;width:600px'>x</span></mjx-container></div>"
        "<div style='overflow:hidden;width:100px'><span style='display:inline-block;"
        "width:200px'>cut</span></div></article></body></html>"
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context, page, _ = open_page(browser, html.as_uri())
        seen = page.evaluate(MEASURE)
        context.close()
        browser.close()
    assert seen["fits"] == {"x": False}
    assert [s["cue"] for s in seen["scrolls"]] == [False]
    assert any("hides overflow" in c for c in seen["cut"]), seen
