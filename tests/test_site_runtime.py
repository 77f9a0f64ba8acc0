"""The in-page Python, in a real Chromium: the diagnoser's box, the run buttons, offline.

The site is served from 127.0.0.1 by a server this module starts (as ``python -m http.server``
would); every request to another host is blocked and recorded. The tests need the runtime that
``make wasm`` builds (``_build/html/_runtime``); without it they skip and say so.

Measured here and written to ``_build/browser/runtime.json`` (and printed at the end of the
run): the cold start (a fresh browser context: nothing cached) from the press to the report,
and a second press. The budgets: 10 s cold, 1 s warm.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import time
from pathlib import Path

import pytest

from test_page import command
from test_site_browser import (  # the set-up, not the tests
    AXE_JS,
    OUT,
    SITE,
    pytestmark,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "diagnose_corpus"
RUNTIME = SITE / "_runtime" / "manifest.json"
COLD_BUDGET_S = 10.0
WARM_BUDGET_S = 1.0
TIMINGS: dict[str, float] = {}

pytestmark = [
    *pytestmark,
    pytest.mark.skipif(
        not RUNTIME.exists(),
        reason="the book was built without its in-page runtime: `make wasm` builds it, then "
        "`make html` (.ci/run does both)",
    ),
]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    """The built site on http://127.0.0.1:<port>/."""
    handler = functools.partial(Quiet, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    write_timings()


def write_timings():
    if TIMINGS:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "runtime.json").write_text(json.dumps(TIMINGS, indent=1))


class Reader:
    """One browser context on one page: requests to other hosts blocked and recorded."""

    def __init__(self, browser, url: str, **options):
        self.context = browser.new_context(**options)
        self.foreign: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        own = re.escape(url.split("/", 3)[0] + "//" + url.split("/", 3)[2]) if "//" in url else ""
        if url.startswith("http"):
            self.context.route(re.compile(rf"^(?!{own}/)(https?|wss?|ftp)://"), self._block)
        else:
            self.context.route(re.compile(r"^(https?|wss?|ftp)://"), self._block)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on(
            "response", lambda r: r.status >= 400 and self.errors.append(f"{r.status} {r.url}")
        )
        self.page.goto(url, wait_until="load")

    def _block(self, route):
        self.foreign.append(route.request.url)
        route.abort()

    def close(self):
        self.context.close()
        assert not self.foreign, f"requests to other hosts: {self.foreign[:5]}"
        assert not self.errors, f"errors in the page: {self.errors[:5]}"


@pytest.fixture
def reader(browser, server):
    opened = []

    def open_(path: str, **options) -> Reader:
        r = Reader(browser, server + path, **options)
        opened.append(r)
        return r

    yield open_
    for r in opened:
        r.close()


def press_and_wait(page, button: str, done: str, timeout_s: float = 60) -> float:
    """Press ``button``; seconds until the JavaScript condition ``done`` holds."""
    start = time.perf_counter()
    page.click(button)
    page.wait_for_function(done, timeout=timeout_s * 1000)
    return time.perf_counter() - start


REPORT_SHOWN = (
    "!document.getElementById('diagnose-output').hidden "
    "&& !document.getElementById('diagnose-run').disabled"
)


def command_output(source: str, tmp_path: Path, *options: str) -> tuple[str, int]:
    """What ``python -m npbackprop.diagnose my_backprop.py:FUNCTION`` prints for ``source``."""
    function = re.search(r"^def ([A-Za-z]\w*)\(", source, re.M).group(1)  # the public one
    return command(source, function, tmp_path, *options)


# --- Nothing loads until the reader asks. ---


def test_the_runtime_is_tens_of_megabytes_as_the_front_page_says():
    total = json.loads(RUNTIME.read_text(encoding="utf-8"))["total_size"]
    assert 10e6 <= total < 100e6, total
    assert "tens of megabytes" in (ROOT / "docs" / "index.md").read_text(encoding="utf-8")


def test_the_page_loads_none_of_the_runtime_until_a_button_is_pressed(reader):
    r = reader("answer/check-your-own.html")
    r.page.wait_for_timeout(500)
    assert r.page.locator("#diagnose-box").is_visible()
    assert r.page.locator("button.run-cell").count() >= 5
    loaded = [u for u in r.requests if "/_runtime/" in u or u.endswith(".ipynb")]
    assert not loaded, f"loaded before any press: {loaded}"


# --- The diagnoser's box. ---


def test_the_box_reports_the_1m_twice_as_the_command_does_within_the_budget(reader, tmp_path):
    """Cold: a fresh browser context, nothing cached. The box starts with the chapter's
    1/m-twice function; the report is the command's, character for character."""
    r = reader("answer/check-your-own.html")
    page = r.page
    source = page.locator("#diagnose-input").input_value()
    assert "def twice_backward(" in source
    cold = press_and_wait(page, "#diagnose-run", REPORT_SHOWN)
    report = page.locator("#diagnose-output").inner_text()
    expected, status = command_output(source, tmp_path)
    assert status == 1
    assert report == expected
    assert "applied twice" in report
    assert "NOT right" in page.locator("#diagnose-output").inner_text()
    assert "run-failed" in page.locator("#diagnose-output").get_attribute("class")
    warm = press_and_wait(page, "#diagnose-run", REPORT_SHOWN)
    assert page.locator("#diagnose-output").inner_text() == expected
    TIMINGS.update({"diagnose_cold_s": round(cold, 2), "diagnose_warm_s": round(warm, 2)})
    TIMINGS["page_timings_ms"] = [[t["what"], round(t["ms"])] for t in page.evaluate("npbTimings")]
    write_timings()
    print(f"in-page diagnose: cold {cold:.2f} s, warm {warm:.2f} s")
    assert cold <= COLD_BUDGET_S, f"first report after {cold:.1f} s (budget {COLD_BUDGET_S} s)"
    assert warm <= WARM_BUDGET_S, f"second report after {warm:.2f} s (budget {WARM_BUDGET_S} s)"


def test_the_box_says_a_correct_function_is_right_driven_by_the_keyboard(reader, tmp_path):
    """Tab from the box to the button and press Enter: the keyboard alone runs the check."""
    source = (CORPUS / "two_layer_course.py").read_text(encoding="utf-8")
    page = reader("answer/check-your-own.html").page
    page.fill("#diagnose-input", source)
    page.focus("#diagnose-input")
    for _ in range(3):  # the function's field, the options' field, the button
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "diagnose-run"
    page.keyboard.press("Enter")
    page.wait_for_function(REPORT_SHOWN, timeout=60_000)
    report = page.locator("#diagnose-output").inner_text()
    expected, status = command_output(source, tmp_path)
    assert status == 0
    assert report == expected
    assert report.startswith("my_backprop.py:backward_propagation (two-layer)\n")
    assert page.locator("#diagnose-status").inner_text() == "Every gradient is right."


def test_the_box_takes_the_command_options(reader, tmp_path):
    source = (CORPUS / "deep_1m_twice.py").read_text(encoding="utf-8")
    page = reader("answer/check-your-own.html").page
    page.fill("#diagnose-input", source)
    page.fill("#diagnose-options", "--layers 6,5,1")
    page.press("#diagnose-options", "Enter")  # Enter in a field checks, never reloads
    page.wait_for_function(REPORT_SHOWN, timeout=60_000)
    expected, status = command_output(source, tmp_path, "--layers", "6,5,1")
    assert status == 1
    assert page.locator("#diagnose-output").inner_text() == expected
    page.fill("#diagnose-options", "--layers")
    page.click("#diagnose-run")
    page.wait_for_function(REPORT_SHOWN, timeout=60_000)
    assert "expected one argument" in page.locator("#diagnose-output").inner_text()


def corpus_options(module) -> list[str]:
    options = []
    if module.KIND == "generic":
        layers = ",".join(map(str, module.LAYERS))
        options += ["--generic", "--layers", layers, "--hidden", module.HIDDEN]
        options += ["--output", module.OUTPUT]
    if module.LAMBD is not None:
        options += ["--lambd", str(module.LAMBD)]
    return options


def test_the_page_reports_the_whole_corpus_as_cpython_does(reader):
    """All of the diagnoser's corpus (tests/diagnose_corpus), checked in the page's Python
    (NumPy built for WebAssembly, no BLAS) and in this one: the same reports, character for
    character, numbers included, but for one thing. WebAssembly has no floating-point flags, so
    NumPy in the page never warns and the report cannot add "NumPy warned: ..."; CPython with
    NumPy's warnings off gives the page's report exactly, and that note is all they lose."""
    import importlib

    import numpy as np

    from npbackprop._page import diagnose_text

    page = reader("answer/check-your-own.html").page
    differ, lost = [], []
    files = [f for f in sorted(CORPUS.glob("*.py")) if f.name != "__init__.py"]
    assert len(files) >= 30
    for path in files:
        module = importlib.import_module(f"diagnose_corpus.{path.stem}")
        source = path.read_text(encoding="utf-8")
        options = " ".join(corpus_options(module))
        here = diagnose_text(source, "", options)
        with np.errstate(all="ignore"):  # as NumPy in WebAssembly: no flags, no warnings
            quiet = diagnose_text(source, "", options)
        there = page.evaluate(
            """async ([source, options]) => {
                const py = await window.npbRuntime();
                const check = py.globals.get("_page").diagnose_text;
                const result = check(source, "", options);
                const out = [result.output, result.ok];
                result.destroy(); check.destroy();
                return out;
            }""",
            [source, options],
        )
        assert here.ok == quiet.ok == module.EXPECTED["ok"], path.name
        if [quiet.output, quiet.ok] != there:
            differ.append(f"{path.name}:\n--- CPython\n{quiet.output}\n--- page\n{there[0]}")
        if here.output != quiet.output:
            lost.append(path.name)
            assert "NumPy warned: RuntimeWarning" in here.output, path.name
            verdicts = [ln for ln in here.output.splitlines() if not ln.startswith("call ")]
            assert [ln for ln in verdicts if not ln.startswith(("- NumPy", "  "))] == [
                ln for ln in quiet.output.splitlines() if not ln.startswith("  ")
            ], path.name
    assert not differ, "\n".join(differ)
    assert lost == ["two_layer_nan.py"], lost  # the one that warns: the comparison can differ


# --- The run buttons. ---


OUTPUTS = """(index) => {
    const text = (pres) => [...pres].map((p) => p.textContent.replace(/\\n+$/, "")).join("\\n");
    const out = [];
    for (const cell of document.querySelectorAll("div.cell.npb-runs")) {
        const box = cell.querySelector(".run-output");
        const at = Number(/npb-cell-(\\d+)/.exec(cell.className)[1]);
        if (!box || at > index) continue;
        out.push({cell: at, ran: !box.hidden, page: text(box.querySelectorAll("pre")),
                  book: text(cell.querySelectorAll(".cell_output pre"))});
    }
    return out;
}"""


CHAPTER_PAGES = sorted(
    str(p.relative_to(SITE))
    for folder in ("answer", "training", "practice")
    for p in (SITE / folder).glob("*.html")
)


@pytest.mark.parametrize("name", CHAPTER_PAGES)
def test_the_last_cell_runs_the_ones_above_and_all_print_what_the_book_shows(reader, name):
    """Pressing the last button in view runs every runnable cell above it first (their outputs
    appear under them too, also in the closed solutions); each prints what the book printed when
    it was built."""
    page = reader(name).page
    shown = page.locator("div.cell.npb-runs button.run-cell:visible")
    assert shown.count() >= 1
    last = shown.nth(shown.count() - 1)
    cell_class = last.evaluate("b => b.closest('div.cell').className")
    index = int(re.search(r"npb-cell-(\d+)", cell_class).group(1))
    last.click()
    page.wait_for_function(
        """(i) => {
            const c = document.querySelector(`div.cell.npb-cell-${i}`);
            return !c.querySelector('.run-output').hidden
                && !c.querySelector('button.run-cell').disabled;
        }""",
        arg=index,
        timeout=120_000,
    )
    cells = page.evaluate(OUTPUTS, index)
    assert all(c["ran"] for c in cells), [c["cell"] for c in cells if not c["ran"]]
    differ = [
        f"cell {c['cell']}:\n  book: {c['book'][:300]!r}\n  page: {c['page'][:300]!r}"
        for c in cells
        if not same_but_rounding(c["book"], c["page"])
        and not any(c["book"].startswith(start) for start in ROUNDING_OUTPUTS.get(name, {}))
    ]
    assert not differ, "\n".join(differ)
    exact = sum(c["book"].strip() == c["page"].strip() for c in cells)
    print(f"{name}: {len(cells)} cells ran in the page, {exact} print exactly the book's text")


NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
#: Below this, a printed number is rounding or finite-difference noise (the book's outputs of
#: that size are differences of 1e-16 and gradient-check errors of 1e-10), which the page's NumPy
#: (no BLAS: its products add in another order) computes with other last digits.
NOISE = 1e-7


#: Relative differences up to this are float64's rounding (0.9999999999999987 and ...83).
RELATIVE = 1e-12
#: Outputs, by page and by how they start, that are rounding errors themselves at a level above
#: NOISE, and why: the page's sums add in another order, so their values differ.
ROUNDING_OUTPUTS = {
    "answer/why-defer.html": {
        "float32 error:": "float32 rounding errors of a product (about 1e-4): their size "
        "depends on the order in which the product adds its terms",
    },
}


def same_but_rounding(book: str, page: str) -> bool:
    """The same text and numbers, but for numbers below NOISE on both sides and relative
    differences of float64 rounding."""
    if NUMBER.sub("#", book.strip()) != NUMBER.sub("#", page.strip()):
        return False
    for a, b in zip(NUMBER.findall(book), NUMBER.findall(page), strict=True):
        x, y = float(a), float(b)
        noise = abs(x) < NOISE and abs(y) < NOISE
        if a != b and not noise and abs(x - y) > RELATIVE * max(abs(x), abs(y)):
            return False
    return True


def test_the_comparison_of_outputs_can_fail():
    assert same_but_rounding("largest difference: 1.7e-16", "largest difference: 0.0e+00")
    assert same_but_rounding("err 4.4e-10 and 3", "err 5.0e-10 and 3")
    assert not same_but_rounding("err 4.4e-10 and 3", "err 4.4e-10 and 4")
    assert not same_but_rounding("factor 0.02439", "factor 0.02440")
    assert not same_but_rounding("passes", "fails")
    assert not same_but_rounding("2.0e-03", "2.0e-08")
    assert same_but_rounding("global 0.9999999999999987", "global 0.9999999999999983")
    assert not same_but_rounding("global 0.9999999999999987", "global 0.9999999997")


def test_two_presses_at_once_run_one_after_the_other(reader):
    """A second button pressed while the first still runs waits for it: both cells print the
    book's output (they share one namespace, and the later one needs the earlier's names)."""
    page = reader("answer/check-your-own.html").page
    buttons = page.locator("div.cell.npb-runs button.run-cell:visible")
    later, earlier = buttons.nth(3), buttons.nth(1)
    page.evaluate("([a, b]) => { a.click(); b.click(); }",
                  [later.element_handle(), earlier.element_handle()])  # fmt: skip
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.cell.npb-runs button.run-cell')]"
        ".every(b => !b.disabled)"
        " && document.querySelectorAll('.run-output:not([hidden])').length >= 2",
        timeout=60_000,
    )
    for button in (earlier, later):
        cell = button.locator("xpath=ancestor::div[contains(@class, 'npb-cell-')][1]")
        index = int(re.search(r"npb-cell-(\d+)", cell.get_attribute("class")).group(1))
        (c,) = [c for c in page.evaluate(OUTPUTS, index) if c["cell"] == index]
        assert c["ran"], index
        assert same_but_rounding(c["book"], c["page"]), c


def run_and_wait(page, cell):
    cell.locator("button.run-cell").click()
    cell.locator(".run-output:not([hidden])").wait_for(timeout=60_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('button.run-cell')].every(b => !b.disabled)"
    )
    return cell.locator(".run-output pre").inner_text()


def test_an_edited_cell_runs_as_edited_and_errors_say_so(reader):
    """Typing code as in an editor ("/" is the reader's, not the theme's search key; Enter
    keeps the indentation; the code stays in the tab order); an error names the cell as the
    page numbers it, and a later cell that needs it says which cell failed."""
    page = reader("answer/question.html").page
    cells = page.locator("div.cell.npb-runs:has(button.run-cell)")
    cell, after = cells.nth(0), cells.nth(1)
    number = cell.get_attribute("data-npb-number")
    code = cell.locator(".cell_input pre")
    assert code.get_attribute("contenteditable") == "plaintext-only"
    code.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("m = 6 * 7\nfor i in range(2):\n")  # Enter after a colon indents
    page.keyboard.type("print('m is', m // (i + 1))")
    assert "\n    print(" in code.inner_text()
    page.wait_for_timeout(500)  # the theme's tab stops, updated 300 ms after a change
    assert code.evaluate("e => e.tabIndex") == 0, "the editable code left the tab order"
    assert run_and_wait(page, cell) == "m is 42\nm is 21"
    code.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("m = 1 / (m - 42)")
    said = run_and_wait(page, cell)
    assert said.endswith("ZeroDivisionError: division by zero")
    assert f'File "<cell {number}>", line 1' in said
    assert "run-failed" in cell.locator(".run-output").get_attribute("class")
    later = run_and_wait(page, after)  # the failed cell runs again first, and fails again
    assert later.startswith(f"An earlier cell failed (cell {number}, which shows the error)")


def test_the_box_says_when_it_could_not_check(reader):
    page = reader("answer/check-your-own.html").page
    page.fill("#diagnose-input", "import numpy as np\ndef backward_propagation(p, c, X, Y:\n")
    press_and_wait(page, "#diagnose-run", REPORT_SHOWN)
    assert page.locator("#diagnose-status").inner_text() == "Could not check: see below."
    assert (
        page.locator("#diagnose-output")
        .inner_text()
        .startswith("Python cannot read your code (line 2)")
    )


def test_a_cell_the_page_cannot_run_says_why_instead_of_offering_a_button(reader):
    page = reader("answer/check-your-own.html").page
    cell = page.locator("div.cell.npb-needs-matplotlib:has(.cell_input)").first
    assert cell.locator("button.run-cell").count() == 0
    note = cell.locator("p.run-note").inner_text()
    assert "needs Matplotlib" in note
    assert "notebook" in note


def test_from_a_file_the_buttons_say_how_to_serve_the_book(browser):
    """A page opened as file:// cannot load WebAssembly: the button says so, with the
    command, and nothing is requested."""
    context = browser.new_context()
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.goto((SITE / "answer" / "check-your-own.html").as_uri(), wait_until="load")
    page.click("#diagnose-run")
    page.wait_for_function(REPORT_SHOWN, timeout=10_000)
    said = page.locator("#diagnose-output").inner_text()
    assert "python3 -m http.server 8000" in said
    assert "python -m http.server -d _build/html 8000" in said
    assert "http://127.0.0.1:8000/answer/check-your-own.html" in said
    assert page.locator("#diagnose-status").inner_text() == "Did not run."
    page.locator("button.run-cell").first.click()
    page.wait_for_selector(".run-output:not([hidden])")
    assert "python -m http.server" in page.locator(".run-output pre").first.inner_text()
    context.close()
    assert not [u for u in requests if "/_runtime/" in u or not u.startswith("file:")]


# --- What the page's Python is: its limits stated, its doctests run. ---

#: Modules whose doctests do not run in the page, and why.
DOCTEST_EXCLUDED = {
    "npbackprop._figures": "draws with Matplotlib, which the page's Python does not have",
}


def run_in_page(page, code: str):
    return page.evaluate(
        """async (code) => {
            const py = await window.npbRuntime();
            const value = await py.runPythonAsync(code);
            return value && value.toJs ? value.toJs({dict_converter: Object.fromEntries})
                                       : value;
        }""",
        code,
    )


def test_the_package_doctests_pass_in_the_page(reader):
    """Every module's doctests, in the page's Python, with pytest's option flags (the excluded
    modules and why: DOCTEST_EXCLUDED)."""
    page = reader("answer/question.html").page
    excluded = json.dumps(sorted(DOCTEST_EXCLUDED))
    results = run_in_page(
        page,
        f"""
import doctest, importlib, io, contextlib, pkgutil, json, npbackprop
flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
out = {{}}
for info in pkgutil.walk_packages(npbackprop.__path__, "npbackprop."):
    if info.name in {excluded} or info.name.endswith("__main__"):
        continue
    module = importlib.import_module(info.name)
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        failed, attempted = doctest.testmod(module, optionflags=flags)
    out[info.name] = [failed, attempted, text.getvalue()[-3000:]]
json.dumps(out)
""",
    )
    results = json.loads(results)
    failures = {k: v[2] for k, v in results.items() if v[0]}
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())
    attempted = sum(v[1] for v in results.values())
    assert attempted >= 100, results
    assert "npbackprop.diagnose" in results
    TIMINGS["doctest_examples_in_page"] = attempted
    write_timings()


def test_no_floating_point_exceptions_in_the_page_and_the_package_does_not_need_them(reader):
    """NumPy in WebAssembly sets no floating-point flags: errstate(all="raise") does not raise
    and no RuntimeWarning appears. The package checks its results itself, so a diverging
    training run stops with the same FloatingPointError in the page as here."""
    import numpy as np

    from npbackprop.training import train

    page = reader("answer/question.html").page
    limits = json.loads(
        run_in_page(
            page,
            """
import json, warnings, numpy as np
with np.errstate(all="raise"):
    try:
        np.float64(1.0) / np.float64(0.0); raised = False
    except FloatingPointError:
        raised = True
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    np.array([1e308]) * 10
json.dumps({"raised": raised, "warnings": len(caught)})
""",
        )
    )
    # If a later runtime raises, the book's statement of this limit is out of date.
    assert limits == {"raised": False, "warnings": 0}, limits
    with np.errstate(all="raise"), pytest.raises(FloatingPointError):
        np.float64(1.0) / np.float64(0.0)  # here, it does raise

    code = """
import numpy as np
from npbackprop import training
start = {"W1": np.array([[0.0]]), "b1": np.array([[0.0]])}
X, Y = np.array([[1.0]]), np.array([[-100.0]])
try:
    training.train(X, Y, params=start, output="identity", epochs=3, learning_rate=1e308)
    said = "no error"
except FloatingPointError as error:
    said = str(error)
said
"""
    there = run_in_page(page, code)
    start = {"W1": np.array([[0.0]]), "b1": np.array([[0.0]])}
    X, Y = np.array([[1.0]]), np.array([[-100.0]])
    with pytest.raises(FloatingPointError) as here:  # an update that overflows float64
        train(X, Y, params=start, output="identity", epochs=3, learning_rate=1e308)
    assert there == str(here.value)


# --- Reads on a phone and a desktop, and is accessible, with its controls in use. ---


@pytest.mark.parametrize("width", [390, 1280])
def test_the_box_and_a_run_output_fit_the_page_and_pass_axe(reader, width):
    page = reader("answer/check-your-own.html", viewport={"width": width, "height": 900}).page
    press_and_wait(page, "#diagnose-run", REPORT_SHOWN)
    cell = page.locator("div.cell.npb-runs:has(button.run-cell)").nth(2)
    cell.locator("button.run-cell").click()
    cell.locator(".run-output:not([hidden])").wait_for(timeout=60_000)
    fits = page.evaluate(
        """() => {
            const article = document.querySelector('article').getBoundingClientRect();
            const out = [];
            for (const el of document.querySelectorAll(
                    '#diagnose-box, #diagnose-box *, .run-bar, .run-output, .run-output pre')) {
                if (!el.checkVisibility()) continue;
                const box = el.getBoundingClientRect();
                if (box.left < article.left - 1 || box.right > article.right + 1)
                    out.push(el.id || el.className);
            }
            return {out, page: document.documentElement.scrollWidth - innerWidth};
        }"""
    )
    assert fits["page"] <= 0, f"the page scrolls sideways by {fits['page']} px at {width}"
    report = page.locator("#diagnose-output")
    if report.evaluate("e => e.scrollWidth > e.clientWidth"):  # it scrolls: it shows the cue
        assert "radial-gradient" in report.evaluate("e => getComputedStyle(e).backgroundImage")
    assert not fits["out"], f"controls stick out of the column at {width} px: {fits['out']}"
    shots = OUT / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.locator("#diagnose-box").screenshot(path=str(shots / f"diagnose-box-{width}.png"))
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        # preload: false, as in test_site_browser.py: axe would fetch the stylesheets again
        """async () => (await axe.run(document,
            {resultTypes: ['violations'], preload: false})).violations"""
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {n['target']}"
        for v in violations
        if v["impact"] in ("critical", "serious")
        for n in v["nodes"]
    ]
    assert not serious, "\n".join(serious)
    for selector in ("#diagnose-input", "#diagnose-function", "#diagnose-options"):
        label = page.locator(f"label[for='{selector[1:]}']")
        assert label.count() == 1, f"{selector} has no label"
    assert page.locator("button.run-cell").first.get_attribute("aria-label").startswith("Run cell")
