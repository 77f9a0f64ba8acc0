"""The chapters' run buttons: what the page runs, run in CPython, gives the build's outputs.

The build decides which cells run in the page (conf/notebooks.py ``page_plan``: those that need
nothing the page's Python lacks, directly or through a name another cell bound) and marks them.
Here every chapter's notebook is run the way the page runs it (``tests/page_cells.py``: only
the standard library, NumPy, npbackprop and tqdm importable, no files beside it), and then:

- every cell the page runs, whole or in part, runs without an exception;
- every visible cell with a run button prints exactly what the built page shows under it.

So a change to a chapter that makes one of its buttons fail or print something else fails
``make test``. The browser suite (tests/test_site_runtime.py) runs cells in the real page.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
SOURCES = SITE / "_sources"
sys.path.insert(0, str(ROOT / "conf"))
import notebooks  # noqa: E402  (conf/notebooks.py)

bs4 = pytest.importorskip("bs4", reason="beautifulsoup4 is not installed")
built = pytest.mark.skipif(
    not (SITE / "index.html").exists(), reason="no built site: run `make html` first"
)
CHAPTERS = sorted(p.relative_to(SOURCES).with_suffix("").as_posix()
                  for p in SOURCES.rglob("*.ipynb")) if SOURCES.exists() else []  # fmt: skip


@pytest.fixture(scope="module")
def page_runs() -> dict[str, list[dict]]:
    """Every chapter's cells as its page runs them, the chapters in parallel processes."""
    jobs = {
        name: subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "page_cells.py"), str(SOURCES / f"{name}.ipynb")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in CHAPTERS
    }
    runs = {}
    for name, job in jobs.items():
        out, err = job.communicate(timeout=600)
        assert job.returncode == 0, f"{name}: tests/page_cells.py failed:\n{err[-2000:]}"
        runs[name] = [json.loads(line) for line in out.splitlines()]
    return runs


def shown_outputs(name: str) -> dict[int, str | None]:
    """For each code cell the page shows with a run button: the output the build shows."""
    soup = bs4.BeautifulSoup((SITE / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    shown = {}
    for div in soup.select("div.cell.npb-runs"):
        if div.select_one(".cell_input") is None:
            continue
        index = int(next(c for c in div["class"] if c.startswith("npb-cell-"))[9:])
        outputs = div.select(".cell_output pre")
        shown[index] = "\n".join(o.get_text().rstrip("\n") for o in outputs)
    return shown


@built
def test_every_chapter_has_a_notebook_with_the_page_plan():
    assert len(CHAPTERS) >= 15, CHAPTERS
    for name in CHAPTERS:
        cells = json.loads((SOURCES / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        marked = [c for c in cells if c["cell_type"] == "code"]
        assert marked, name
        assert all("npbackprop" in c["metadata"] for c in marked), name


@built
@pytest.mark.parametrize("name", CHAPTERS)
def test_what_the_page_runs_runs(page_runs, name):
    failed = [r for r in page_runs[name] if not r["ok"]]
    assert not failed, f"{name}: cells that fail in the page: " + "\n".join(
        f"cell {r['cell']}{' (its runnable part)' if r.get('part') else ''}:\n{r['output']}"
        for r in failed
    )


@built
@pytest.mark.parametrize("name", CHAPTERS)
def test_each_run_button_prints_what_the_book_shows(page_runs, name):
    shown = shown_outputs(name)
    ran = {r["cell"]: r["output"] for r in page_runs[name] if not r.get("part")}
    assert set(shown) <= set(ran), f"{name}: buttons on cells the page does not run"
    differ = {i: (shown[i], ran[i]) for i in shown if shown[i].strip() != ran[i].strip()}
    assert not differ, f"{name}: " + "\n".join(
        f"cell {i}:\n  book: {b[:400]!r}\n  page: {p[:400]!r}" for i, (b, p) in differ.items()
    )


@built
def test_most_visible_cells_get_a_button():
    """The page plan keeps the buttons where it can: a cell that imports Matplotlib beside
    NumPy still lets the cells after it run (its other statements run before them)."""
    with_button = sum(len(shown_outputs(name)) for name in CHAPTERS)
    assert with_button >= 90, with_button


# --- The plan itself, on made-up cells (no build needed). ---


def plan(*sources):
    return notebooks.page_plan([nbformat.v4.new_code_cell(s) for s in sources])


def test_a_cell_needing_matplotlib_keeps_its_other_statements_for_later_cells():
    got = plan(
        "import matplotlib.pyplot as plt\nimport numpy as np\nx = np.arange(3)\nfig = plt.figure()",
        "print(x)",
        "fig.savefig('x.png')",
    )
    assert got[0] == ({"matplotlib"}, "import numpy as np\nx = np.arange(3)")
    assert got[1] == (set(), None)
    assert got[2] == ({"matplotlib"}, None)


def test_the_figure_helpers_need_matplotlib_name_by_name():
    got = plan(
        "from npbackprop._book import check, figure_style, claim\nfigure_style()",
        "check(True, 'ok')",
        "figure_style()",
    )
    needs, part = got[0]
    assert needs == {"matplotlib"}
    assert ast.dump(ast.parse(part)) == ast.dump(
        ast.parse("from npbackprop._book import check, claim")
    )
    assert got[1] == (set(), None)
    assert got[2] == ({"matplotlib"}, None)


def test_a_name_changed_in_place_by_a_figure_cell_is_not_trusted_after_it():
    got = plan(
        "import numpy as np\nd = {}",
        "import matplotlib.pyplot as plt\nd['ax'] = plt.gca()",
        "print(d)",
        "d = {'fresh': 1}\nprint(d)",
    )
    assert [g[0] for g in got] == [set(), {"matplotlib"}, {"matplotlib"}, set()]
    assert got[1][1] is None  # nothing of it runs: its one other statement reads plt


def test_a_function_that_plots_is_not_runnable_nor_its_callers():
    got = plan(
        "import matplotlib.pyplot as plt\n\ndef show(x):\n    plt.plot(x)",
        "show([1, 2])",
        "def other():\n    return 1\nother()",
    )
    assert [g[0] for g in got] == [{"matplotlib"}, {"matplotlib"}, set()]
