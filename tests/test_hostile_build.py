"""A contributor's mistake fails the build, naming the page and the problem, and never yields a
downloaded notebook that breaks at a reader's home (issue 25). Each break here executes without
error in the build itself: only the build's own checks (conf/notebooks.py, conf/book_build.py)
can catch it. The builds use the real configuration on scratch pages, as tests/test_book_build.py
does."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "conf"))
notebooks = pytest.importorskip("notebooks", reason="the book's build tools are not installed")
pytest.importorskip("myst_nb", reason="the docs extra is not installed")

from test_book_build import CELL, GOOD, build  # noqa: E402

# -- What a cell reads and imports, seen in its syntax tree ---------------------------------------

BAD_CELLS = {
    "load_record of a variable": ("name = 'r.json'\nr = load_record(name)", "string literal"),
    "load_record of an f-string": ("r = load_record(f'{stem}.json')", "string literal"),
    "load_record by keyword": ("r = load_record(path='r.json')", "string literal"),
    "load_record renamed": (
        "from npbackprop._book import load_record as read\nr = read(name)",
        "string literal",
    ),
    "load_record passed around": ("reader = load_record\nr = reader('r.json')", "load_record"),
    "open with a space": ('text = open ("r.json").read()', "open(...)"),
    "io.open": ("import io\ntext = io.open('r.json').read()", "io.open(...)"),
    "Path.read_text": ("from pathlib import Path\nt = Path('r.json').read_text()", "Path(...)"),
    "np.genfromtxt": ("import numpy as np\nx = np.genfromtxt('d.csv')", "np.genfromtxt(...)"),
    "np.loadtxt": ("import numpy as np\nx = np.loadtxt('d.csv')", "np.loadtxt(...)"),
    "np.load": ("import numpy as np\nx = np.load('d.npy')", "np.load(...)"),
    "pd.read_csv": ("import pandas as pd\nx = pd.read_csv('d.csv')", "pd.read_csv(...)"),
    "json.load": ("import json\nx = json.load(f)", "json.load(...)"),
    "plt.imread": ("import matplotlib.pyplot as plt\nx = plt.imread('a.png')", "plt.imread"),
    "%run": ("%run helper.py\nx = 1", "%run"),
    "import sympy": ("import sympy\nx = sympy.Symbol('x')", "imports sympy"),
    "from torch import": ("from torch import nn", "imports torch"),
    "import_module": ("import importlib\nm = importlib.import_module('sympy')", "imports sympy"),
    "__import__ of a name": ("m = __import__(name)", "named at run time"),
    "relative import": ("from . import helpers", "imports relatively"),
    "os.chdir": ("import os\nos.chdir('..')", "changes the working directory"),
    "from os import chdir": ("from os import chdir\nchdir('..')", "changes the working directory"),
    "contextlib.chdir": (
        "import contextlib\nwith contextlib.chdir('..'):\n    pass",
        "changes the working directory",
    ),
    "%cd": ("%cd ..\nx = 1", "changes the working directory"),
}


def problems_of(source: str) -> list[str]:
    _, modules, problems = notebooks.read_cell(source)
    return problems + notebooks.import_problems(modules)


@pytest.mark.parametrize(("source", "says"), BAD_CELLS.values(), ids=BAD_CELLS.keys())
def test_the_notebook_check_sees_what_breaks_at_a_reader_s_home(source, says):
    problems = problems_of(source)
    assert problems, f"nothing found in {source!r}"
    assert any(says in p for p in problems), problems


def test_what_a_reader_has_passes_the_notebook_check():
    source = (
        "import math, json, sys\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
        "from IPython.display import Markdown\nfrom npbackprop import network\n"
        "from npbackprop._book import load_record\nimport autograd.numpy as anp\n"
        "record = load_record('pytorch-record.json')\nx = json.loads('{}')\n"
        "y = np.array([1.0]).astype(float)\n"
    )
    records, modules, problems = notebooks.read_cell(source)
    assert records == ["pytorch-record.json"]
    assert problems == []
    assert notebooks.import_problems(modules) == []  # autograd is optional: it gets %%needs


def chapter_cells():
    from test_book_sources import CODE_CELL

    for path in sorted((ROOT / "docs").glob("*/*.md")):
        name = path.relative_to(ROOT / "docs").as_posix()
        if name.startswith(notebooks.CHAPTER_FOLDERS):
            for body in CODE_CELL.findall(path.read_text(encoding="utf-8")):
                yield (
                    name,
                    "\n".join(line for line in body.splitlines() if not line.startswith(":")),
                )


def test_the_book_s_own_chapters_pass_the_notebook_check():
    """No false alarm on the chapters as they are (the build checks them on every run too)."""
    found = {}
    cells = list(chapter_cells())
    assert len(cells) > 200
    for name, source in cells:
        problems = problems_of(source)
        if problems:
            found.setdefault(name, []).extend(problems)
    assert not found, found


class _Cell:
    def __init__(self, source):
        self.source = source


def test_an_optional_import_by_name_gets_needs():
    cells = [_Cell("import importlib\nag = importlib.import_module('autograd')"), _Cell("ag")]
    assert notebooks._cell_dependencies(cells) == [{"autograd"}, {"autograd"}]


def test_the_dependencies_of_a_deep_expression_are_found():
    """The names a statement reads and binds are taken from its own text, not from ast.unparse,
    which recursed out of the stack on a sum of 400 terms (a decorated function's text starts at
    its decorator)."""
    cells = [
        _Cell("import autograd\ndeco = autograd.grad\ntotal = " + " + ".join(["1"] * 400)),
        _Cell("@deco\ndef f(x):\n    return x"),
        _Cell("y = f(1.0)"),
        _Cell("z = 2"),
    ]
    assert notebooks._cell_dependencies(cells) == [{"autograd"}, {"autograd"}, {"autograd"}, set()]


def test_the_figure_rule_sees_every_figure():
    """A figure is a cell that calls plt.subplots( or shows an image (plt.figure() too); each
    needs alt text and a check_figure call before the next figure, and the page figure_style()."""
    import nbformat
    from book_build import figure_problems

    png = {"output_type": "display_data", "data": {"image/png": "iVBOR"}, "metadata": {}}
    alt = {"mystnb": {"image": {"alt": "A line rising from left to right, steeply"}}}
    cells = [
        nbformat.v4.new_markdown_cell("# Figures"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots()", metadata=alt),
        nbformat.v4.new_code_cell("fig = plt.figure()\nplt.plot([0, 1])", outputs=[png]),
        nbformat.v4.new_code_cell("check_figure(fig)"),
    ]
    problems = figure_problems(nbformat.v4.new_notebook(cells=cells))
    assert [(i, p.split(" (")[0]) for i, p in problems] == [
        (1, "draws a figure, but the page never calls figure_style()"),
        (1, "draws a figure that no check_figure(fig) call checks before the next figure"),
        (2, "draws a figure without alt text of 20 characters or more for screen readers"),
    ]


# -- Whole builds ----------------------------------------------------------------------------------

RECORD = '{"a": 1.5}'
FIGURE = (
    "```{{code-cell}} python\n{options}from npbackprop._book import check_figure, figure_style\n"
    "import matplotlib.pyplot as plt\nfigure_style()\nfig, ax = plt.subplots(figsize=(4, 3))\n"
    "ax.plot([0, 1], [0, 1])\nplt.show()\n{check}\n```\n"
)
ALT = (
    ":mystnb:\n:  image:\n:    alt: A straight line rising from the lower left to the upper right\n"
)
TIMEOUT = 20  # seconds, for this build (BOOK_CELL_TIMEOUT); the book's own is in conf.py

# Each page runs without error in the build; its name says what is wrong with it.
HOSTILE = {
    "answer/record_by_name": CELL.format(
        "from npbackprop._book import load_record\nname = 'r.json'\nrecord = load_record(name)"
    ),
    "answer/record_fstring": CELL.format(
        "from npbackprop._book import load_record\nstem = 'r'\nrecord = load_record(f'{stem}.json')"
    ),
    "answer/open_space": CELL.format('text = open ("r.json").read()\nprint(len(text))'),
    "answer/genfromtxt": CELL.format(
        "import numpy as np\nx = np.genfromtxt('d.csv', delimiter=',')\nprint(x.sum())"
    ),
    "answer/sympy": CELL.format("import sympy\nprint(sympy.Symbol('x') + 1)"),
    "answer/chdir": CELL.format(
        "import os\nimport tempfile\nfrom npbackprop._book import load_record\n"
        "os.chdir(tempfile.gettempdir())\nrecord = load_record('r.json')"
    ),
    "answer/endless": CELL.format("x = 1") + "\n" + CELL.format("while True:\n    pass"),
    "answer/huge_output": CELL.format("x = 1") + "\n" + CELL.format("print('x' * 2_000_000)"),
    "no_alt": FIGURE.format(options="", check="check_figure(fig)"),
    "no_check": FIGURE.format(options=ALT, check=""),
    "answer/fine": CELL.format(
        "from npbackprop._book import load_record\nrecord = load_record('r.json')\n"
        "print(record['a'] * 28)"
    )
    + "\n"
    + FIGURE.format(options=ALT, check="check_figure(fig)"),
}
FILES = {"answer/r.json": RECORD, "answer/d.csv": "1,2\n3,4\n"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One build of all the hostile pages (two processes, as make html on two cores)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    pages = {name: f"# {Path(name).name}\n\n{body}" for name, body in HOSTILE.items()}
    return build(tmp_path, pages, jobs=2, files=FILES, BOOK_CELL_TIMEOUT=str(TIMEOUT))


def warned(log: str, page: str, pattern: str):
    """The warning of ``page`` that matches ``pattern`` (a regular expression)."""
    return re.search(rf"{re.escape(page)}\.md(:\d+)?: WARNING: [^\n]*{pattern}", log)


@pytest.mark.parametrize(
    ("page", "pattern"),
    [
        ("answer/record_by_name", r"cell \d+ \(line \d+\) calls load_record with something other"),
        ("answer/record_fstring", r"cell \d+ \(line \d+\) calls load_record with something other"),
        ("answer/open_space", r"cell \d+ \(line \d+\) reads a file with open\(\.\.\.\)"),
        ("answer/genfromtxt", r"cell \d+ \(line \d+\) reads a file with np\.genfromtxt\(\.\.\.\)"),
        ("answer/sympy", r"cell \d+ \(line \d+\) imports sympy, which a reader"),
    ],
    ids=["load_record(name)", "load_record(f-string)", "open (...)", "np.genfromtxt", "sympy"],
)
def test_a_notebook_that_would_break_at_home_fails_the_build(hostile, page, pattern):
    status, log, _ = hostile
    assert status != 0
    # the page and the cell are named, in the build log
    assert re.search(rf"{re.escape(page)}[^\n]*{pattern}", log), log[-4000:]


def test_a_changed_working_directory_is_named_as_the_cause(hostile):
    """load_record then fails in the build with the reader's advice ("run the notebook from the
    top"); the build says what really happened."""
    status, log, _ = hostile
    assert status != 0
    assert re.search(r"answer/chdir[^\n]*changes the working directory with os\.chdir", log)


def test_an_endless_cell_times_out_naming_the_page_and_cell(hostile):
    status, log, _ = hostile
    assert status != 0
    assert warned(log, "answer/endless", rf"cell \d+ \(line \d+\) timed out after {TIMEOUT} s"), (
        log[-4000:]
    )
    assert not re.search(r"raised KeyboardInterrupt", log)


def test_the_cell_timeout_is_near_what_the_book_needs():
    """conf.py's per-cell timeout: its comment gives the measurement; an endless loop must not
    hold the build for ten minutes."""
    conf = (ROOT / "conf" / "conf.py").read_text(encoding="utf-8")
    found = re.search(
        r'nb_execution_timeout = int\(os\.environ\.get\("BOOK_CELL_TIMEOUT", "(\d+)"', conf
    )
    assert found, "nb_execution_timeout is not set from BOOK_CELL_TIMEOUT"
    assert 60 <= int(found.group(1)) <= 180


def test_a_page_with_megabytes_of_output_fails_the_build(hostile):
    status, log, _ = hostile
    assert status != 0
    assert warned(
        log,
        "answer/huge_output",
        r"the cells' outputs are 2\.0 MB, over the book's limit of 1\.0 MB[^\n]*"
        r"cell \d+ \(line \d+\) 2\.0 MB; print a summary",
    ), log[-4000:]


def test_a_figure_without_alt_text_or_check_figure_fails_the_build(hostile):
    status, log, _ = hostile
    assert status != 0
    assert warned(log, "no_alt", r"cell \d+ \(line \d+\) draws a figure without alt text")
    assert warned(log, "no_check", r"cell \d+ \(line \d+\) draws a figure that no check_figure")
    assert not warned(log, "no_alt", "check_figure")
    assert not warned(log, "no_check", "alt text")


def test_a_correct_page_among_hostile_ones_builds_without_a_warning(hostile):
    _, log, out = hostile
    assert not re.search(r"answer/fine\.md[^\n]*WARNING", log), log[-4000:]
    assert "42.0" in (out / "answer" / "fine.html").read_text()
    assert (out / "_sources" / "answer" / "fine.ipynb").exists()


def test_a_deeply_nested_expression_is_a_warning_of_its_page(tmp_path):
    """sphinx-codeautolink's parser recursed out of the stack on a sum of 400 terms and aborted
    the whole build; now that page warns, and the others (and its notebook) are still built."""
    deep = "x = " + " + ".join(["1"] * 400) + "\nprint(x)"
    pages = {"answer/deep": "# Deep\n\n" + CELL.format(deep), "good": GOOD}
    status, log, out = build(tmp_path, pages)
    assert status != 0
    assert warned(log, "answer/deep", "nested too deeply for sphinx-codeautolink"), log[-4000:]
    assert "RecursionError" in log
    assert "42" in (out / "good.html").read_text()
    assert "400" in (out / "answer" / "deep.html").read_text()
    assert (out / "_sources" / "answer" / "deep.ipynb").exists()
