"""Every chapter downloads as a Jupyter notebook that runs outside the book.

``conf/notebooks.py`` writes ``_sources/<chapter>.ipynb`` into the built site. Here each one is
executed with nbclient in a kernel that can import npbackprop, NumPy, Matplotlib and IPython but
not MyST-NB, Sphinx, jupyter-cache or the optional packages (autograd, ml_dtypes, PyTorch, ...):
the kernel's ``sys.path`` sees a copy of the virtual environment's site-packages without them,
so they are as absent as on a reader's machine. A failing cell fails the test with the notebook,
the cell's number and its first lines.
"""

from __future__ import annotations

import json
import os
import re
import sysconfig
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from test_book_sources import CODE_CELL  # how a chapter's code cells are found

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SITE = ROOT / "_build" / "html"
FOLDERS = ("answer", "training", "practice")
# Distributions a reader who installed npbackprop, NumPy and Matplotlib does not have.
ABSENT = {
    "myst-nb", "myst-parser", "sphinx", "sphinx-book-theme", "pydata-sphinx-theme",
    "sphinx-codeautolink", "sphinx-design", "sphinx-exercise", "sphinxcontrib-bibtex",
    "jupyter-cache", "docutils", "autograd", "ml-dtypes", "sympy", "torch", "hypothesis",
    "pytest", "scikit-learn",
}  # fmt: skip
ABSENT_MODULES = ["myst_nb", "sphinx", "jupyter_cache", "docutils", "autograd", "ml_dtypes",
                  "sympy", "torch", "hypothesis", "pytest", "sklearn"]  # fmt: skip
OPTIONAL_MODULES = ["autograd", "ml_dtypes", "sklearn"]  # what the %%needs cells ask for
# MyST that plain Markdown would show as it is: roles, directives, targets, glue, options.
MYST = re.compile(
    r"\{(eq|ref|numref|doc|cite|cite:\w+|glue|glue:\w+|term|math|download|prf:\w+)\}`"
    r"|^\s*(```|~~~|:::)\s*\{"
    r"|^\s*\([\w-]+\)=\s*$"
    r"|^\s*:(label|tags|class|name|caption|mystnb):"
    r"|^\s*\+\+\+",
    re.MULTILINE,
)

pytestmark = pytest.mark.skipif(
    not (SITE / "index.html").exists(), reason="build the book first: make html"
)


def chapters() -> list[str]:
    return sorted(
        str(p.relative_to(DOCS).with_suffix(""))
        for folder in FOLDERS
        for p in (DOCS / folder).glob("*.md")
        if "```{code-cell}" in p.read_text(encoding="utf-8")
    )


def notebook(chapter: str) -> dict:
    return json.loads((SITE / "_sources" / f"{chapter}.ipynb").read_text(encoding="utf-8"))


def source(cell) -> str:
    return "".join(cell["source"])


@pytest.fixture(scope="module")
def reader_kernel_env(tmp_path_factory) -> dict:
    """Environment variables for a kernel without the book's tools and the optional packages:
    a sitecustomize swaps site-packages on sys.path for a copy (symbolic links) without them."""
    site = Path(sysconfig.get_paths()["purelib"])
    hidden: set[str] = set()
    for dist in metadata.distributions():
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        if name in ABSENT:
            hidden |= {Path(f).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
    root = tmp_path_factory.mktemp("reader")
    copy = root / "site-packages"
    copy.mkdir()
    for entry in site.iterdir():
        if entry.name not in hidden and entry.name != "__pycache__":
            (copy / entry.name).symlink_to(entry)
    boot = root / "boot"
    boot.mkdir()
    (boot / "sitecustomize.py").write_text(
        textwrap.dedent(f"""\
            import sys
            sys.path[:] = [{str(copy)!r} if p == {str(site)!r} else p for p in sys.path]
            """)
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = str(boot)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    return env


def run(nb: dict, env: dict, cwd: Path):
    """Execute ``nb`` cell by cell; return the executed notebook or fail naming the cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    node = nbformat.from_dict(nb)
    client = NotebookClient(node, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})  # fmt: skip
    with client.setup_kernel(env=env):
        for index, cell in enumerate(node.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                head = "\n".join(source(cell).splitlines()[:6])
                pytest.fail(
                    f"{nb['metadata']['npbackprop']['chapter']}.ipynb, cell {index + 1} "
                    f"failed outside the book:\n{head}\n...\n{str(error)[-1500:]}",
                    pytrace=False,
                )
    return node


def test_the_kernel_lacks_what_a_reader_lacks(reader_kernel_env, tmp_path):
    """The harness itself: in the readers' kernel the book's tools and the optional packages
    cannot be imported, and npbackprop, NumPy, Matplotlib can."""
    probe = {
        "cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                   "source": "import importlib.util\n"
                   f"print([m for m in {ABSENT_MODULES!r} if importlib.util.find_spec(m)])\n"
                   "import numpy, matplotlib, npbackprop, IPython\nprint('ok')"}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}, "npbackprop": {"chapter": "probe"}},
        "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    out = run(probe, reader_kernel_env, tmp_path)
    printed = "".join(o.get("text", "") for o in out.cells[0].outputs)
    assert printed == "[]\nok\n", printed


def test_every_chapter_has_a_notebook_and_its_page_links_it():
    made = sorted(
        str(p.relative_to(SITE / "_sources").with_suffix(""))
        for p in (SITE / "_sources").rglob("*.ipynb")
    )
    assert made == chapters()
    for chapter in chapters():
        html = (SITE / f"{chapter}.html").read_text(encoding="utf-8")
        name = Path(chapter).name
        assert re.search(rf'href="(\.\./)+_sources/{re.escape(chapter)}\.ipynb"', html), (
            f"{chapter}.html has no download link to {name}.ipynb"
        )


@pytest.mark.parametrize("chapter", chapters())
def test_the_notebook_holds_the_chapter_in_plain_markdown(chapter):
    """The page's code cells, in order and unchanged (a %%needs line may be added), and Markdown
    cells with no MyST left in them; the equations keep the book's numbers."""
    nb = notebook(chapter)
    page = (DOCS / f"{chapter}.md").read_text(encoding="utf-8")
    expected = [
        "\n".join(line for line in body.splitlines() if not line.startswith(":")).strip()
        for body in CODE_CELL.findall(page)
    ]
    code = [source(c) for c in nb["cells"] if c["cell_type"] == "code"]
    setup, code = code[0], code[1:]
    assert "%load_ext npbackprop._book" in setup
    got = [re.sub(r"\A%%needs [\w ]+\n", "", c).strip() for c in code]
    assert got == expected
    markdown = "\n\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    leaks = [m.group(0) for m in MYST.finditer(markdown)]
    assert not leaks, f"{chapter}.ipynb shows MyST syntax: {leaks[:5]}"
    labels = re.findall(r"^:label: (eq-[\w-]+)", page, re.MULTILINE)
    assert markdown.count("\\tag{") == len(labels), "every labelled equation keeps its number"
    assert markdown.startswith("# "), "the notebook opens with the chapter's title"
    cited = set(re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", page))
    if cited:  # the sources the chapter cites, with their addresses, at the end
        last = source(nb["cells"][-1])
        assert last.startswith("## References\n"), last[:200]
        assert last.count("\n- **") == len({k.strip() for c in cited for k in c.split(",")})
        assert "<https://" in last


@pytest.mark.parametrize("chapter", chapters())
def test_the_notebook_runs_outside_the_book(chapter, reader_kernel_env, tmp_path):
    nb = notebook(chapter)
    out = run(nb, reader_kernel_env, tmp_path)
    needing = [c for c in out.cells if c.cell_type == "code" and source(c).startswith("%%needs")]
    for cell in needing:
        printed = "".join(o.get("text", "") for o in cell.outputs)
        assert printed.startswith("Skipped: this cell needs"), source(cell)[:200]
    ran = sum(c.cell_type == "code" for c in out.cells) - len(needing)
    errors = [o for c in out.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]  # fmt: skip
    assert not errors
    print(f"{chapter}.ipynb: {ran} cells ran, {len(needing)} skipped (optional package missing)")
    assert ran >= len(needing), f"{chapter}: most of the notebook must run without extras"


def needing_extras() -> list[str]:
    return [
        c for c in chapters() if any(source(x).startswith("%%needs") for x in notebook(c)["cells"])
    ]


@pytest.mark.parametrize("chapter", needing_extras())
def test_with_the_extras_installed_every_cell_runs(chapter, tmp_path):
    """Where autograd and ml_dtypes are installed (this environment), no ``%%needs`` cell is
    skipped and the whole notebook runs: the magic runs the cell as it is."""
    for module in OPTIONAL_MODULES:
        pytest.importorskip(module)
    out = run(notebook(chapter), dict(os.environ), tmp_path)
    printed = [o.get("text", "") for c in out.cells if c.cell_type == "code" for o in c.outputs]
    assert not [p for p in printed if p.startswith("Skipped")]
    needing = [c for c in out.cells if source(c).startswith("%%needs")]
    assert needing
    assert any(c.outputs for c in needing), "the cells' own output is shown"
