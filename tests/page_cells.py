"""Run a chapter's cells as its page does, in CPython: ``python tests/page_cells.py NOTEBOOK``.

The page's run buttons (conf/_static/npb-run.js) take a chapter's cells from its notebook
(``_build/html/_sources/<page>.ipynb``): each cell that runs in the page whole, and of the
others the statements that do (``page_source``), in order, in one :class:`npbackprop._page.Cells`.
This script does the same in a Python that can import only what the page's Python has (the
standard library, NumPy, npbackprop and tqdm), from an empty working directory, and prints one
JSON line per cell that runs whole: its index, whether it ran without an exception, its output.
``tests/test_page_cells.py`` compares those with the outputs the build shows.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from importlib.abc import MetaPathFinder

from npbackprop._page import Cells

#: What the page's Python has: the standard library and the three wheels it loads.
IN_PAGE = frozenset(sys.stdlib_module_names) | {"numpy", "npbackprop", "tqdm"}


class Absent(MetaPathFinder):
    """Imports of anything the page's Python lacks fail, as they do there."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in IN_PAGE:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def cells_of(notebook: dict) -> list[dict]:
    """The code cells the page knows (those with the build's ``npbackprop`` metadata)."""
    out = []
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("npbackprop")
        if cell["cell_type"] == "code" and meta is not None:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out.append({**meta, "source": source})
    return out


def run(notebook: dict) -> list[dict]:
    for name in list(sys.modules):
        if name.split(".")[0] not in IN_PAGE:
            del sys.modules[name]
    sys.meta_path.insert(0, Absent())
    kernel = Cells()
    results = []
    for cell in cells_of(notebook):
        if not cell["page_needs"]:
            result = kernel.run(cell["source"])
            results.append({"cell": cell["cell"], "ok": result.ok, "output": result.output})
        elif cell.get("page_source"):
            result = kernel.run(cell["page_source"])
            if not result.ok:
                results.append({"cell": cell["cell"], "ok": False, "output": result.output,
                                "part": True})  # fmt: skip
    return results


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        book = json.load(f)
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)  # the page has no files beside it: records come from the notebook
        for row in run(book):
            print(json.dumps(row))
