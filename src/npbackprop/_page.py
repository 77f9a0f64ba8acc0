"""What the book's pages call when they run Python in the reader's browser.

Not part of the package's API. Where the book is built with its in-page runtime (``make wasm``:
Pyodide, NumPy built for WebAssembly and this package's wheel), a chapter's code cells get a run
button and the diagnoser's chapter gets a box for the reader's own backward pass. The page's
JavaScript hands the code to the two functions here and shows the text they return:

- :class:`Cells` runs a page's cells one after the other in one namespace, like a notebook's
  kernel: it prints what a cell prints and the value of its last expression, and a failing cell
  gives its traceback. The IPython magics of the chapters' notebooks are handled: the line that
  loads the book's helpers is skipped, ``%%needs`` runs the cell only if its packages import;
  any other magic is an error that says so.
- :func:`diagnose_text` checks a backward pass given as source text and returns what
  ``python -m npbackprop.diagnose my_backprop.py:FUNCTION`` prints for it.

Both run in any Python; the tests run them in CPython as well as in the browser.

Examples
--------
>>> cells = Cells()
>>> print(cells.run("x = 2\\nx * 21").output)
42
>>> print(cells.run("print(x + 1)").output)
3
>>> result = cells.run("1 / 0")
>>> result.ok, result.output.splitlines()[-1]
(False, 'ZeroDivisionError: division by zero')
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import linecache
import os
import shlex
import sys
import tempfile
import traceback
from dataclasses import dataclass

__all__ = ["NOT_IN_PAGE", "Cells", "Result", "diagnose_text"]

#: What the page's Python lacks, with the sentence the page shows for a cell that needs it.
NOT_IN_PAGE = {
    "matplotlib": "Matplotlib, which the page's Python does not have",
    "autograd": "autograd, which the page's Python does not have",
    "ml_dtypes": "ml_dtypes, which the page's Python does not have",
    "sklearn": "scikit-learn, which the page's Python does not have",
    "IPython": "IPython's display, which the page's Python does not have",
}
#: The file name the diagnoser's box writes the reader's code to, as the chapter's command does.
FILE = "my_backprop.py"
#: The functions the course's assignments ask for, in the order the box looks for them.
COURSE_FUNCTIONS = (
    "L_model_backward",
    "backward_propagation_with_regularization",
    "backward_propagation",
)


@dataclass(frozen=True)
class Result:
    """What one run gave: the text to show (printed output, the last expression's value or the
    traceback) and whether it ran without an exception."""

    output: str
    ok: bool
    #: For the diagnoser's box, the command's exit status: 0 every gradient right, 1 not, 2 the
    #: check could not run (empty box, a syntax error, a usage error). None for a cell.
    status: int | None = None


def _missing_module_hint(error: BaseException) -> str:
    name = getattr(error, "name", None) or ""
    top = name.split(".")[0]
    if isinstance(error, ModuleNotFoundError) and top in NOT_IN_PAGE:
        return (
            f"\nThis cell needs {NOT_IN_PAGE[top]}. It runs in the chapter's notebook "
            "(the download button, .ipynb) on your own machine."
        )
    return ""


class Cells:
    """One page's cells, run in order in one namespace.

    >>> cells = Cells()
    >>> cells.run("%load_ext npbackprop._book\\nimport numpy as np").ok
    True
    >>> print(cells.run("np.arange(3)").output)
    array([0, 1, 2])
    >>> print(cells.run("%%needs no_such_module_xyz\\nx = 1").output)  # doctest: +ELLIPSIS
    Skipped: this cell needs no_such_module_xyz, which the page's Python does not have...
    >>> print(cells.run("%timeit 1").output)  # doctest: +ELLIPSIS
    The page runs Python, not IPython: its magics (%timeit) do not run here...
    """

    def __init__(self) -> None:
        self.namespace: dict = {"__name__": "__main__"}
        self.count = 0

    def run(self, source: str, name: str = "") -> Result:
        """Run one cell's code; return what it printed, then its last expression's value.
        ``name`` is what a traceback calls the cell (``"cell 5"``, as the page numbers it); by
        default the cells are counted as they run."""
        if not isinstance(source, str):
            raise TypeError(f"a cell's code is a str, got {type(source).__name__}")
        self.count += 1
        name = name or f"cell {self.count}"
        lines = source.splitlines()
        if lines and lines[0].startswith("%%needs"):
            missing = [
                m for m in lines[0][len("%%needs") :].split("#")[0].split() if not _importable(m)
            ]
            if missing:
                return Result(
                    f"Skipped: this cell needs {', '.join(missing)}, which the page's Python "
                    "does not have. It runs in the chapter's notebook on your own machine.",
                    True,
                )
            lines = lines[1:]
        kept = []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("%load_ext npbackprop._book"):
                kept.append("")  # keep the line numbers of the cell
            elif stripped.startswith(("%", "!")):
                magic = stripped.split()[0]
                return Result(
                    f"The page runs Python, not IPython: its magics ({magic}) do not run here. "
                    "Run the chapter's notebook (the download button, .ipynb) for them.",
                    False,
                )
            else:
                kept.append(line)
        return self._execute("\n".join(kept), f"<{name}>")

    def _execute(self, code: str, name: str) -> Result:
        out = io.StringIO()
        linecache.cache[name] = (len(code), None, code.splitlines(True), name)
        ok = True
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                tree = ast.parse(code, name, "exec")
                last = None
                if tree.body and isinstance(tree.body[-1], ast.Expr):
                    last = ast.Expression(tree.body.pop().value)
                exec(compile(tree, name, "exec"), self.namespace)
                if last is not None:
                    value = eval(compile(last, name, "eval"), self.namespace)
                    if value is not None:
                        print(repr(value))
            except BaseException as error:  # the reader's code: report everything, as a kernel
                ok = False
                frames = traceback.extract_tb(error.__traceback__)
                keep = next((i for i, f in enumerate(frames) if f.filename == name), len(frames))
                if isinstance(error, SyntaxError):
                    text = traceback.format_exception_only(error)
                else:
                    text = ["Traceback (most recent call last):\n"]
                    text += traceback.format_list(frames[keep:])
                    text += traceback.format_exception_only(error)
                out.write("".join(text).rstrip("\n") + _missing_module_hint(error))
        return Result(out.getvalue().rstrip("\n"), ok)


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _functions(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]


def diagnose_text(source: str, function: str = "", options: str = "") -> Result:
    """What ``python -m npbackprop.diagnose my_backprop.py:FUNCTION OPTIONS`` prints when
    my_backprop.py holds ``source``.

    ``function`` may be left empty: then it is the course's function that ``source`` defines
    (``L_model_backward``, ``backward_propagation_with_regularization`` or
    ``backward_propagation``), else its only function with "backward" in its name. ``options``
    are the command's (``--layers 5,4,3,1``, ``--lambd 0.7``, ...), as typed in a terminal.
    ``ok`` is True when the command's exit status would be 0 (every gradient right).

    >>> code = '''
    ... import numpy as np
    ... def backward_propagation(parameters, cache, X, Y):
    ...     m = X.shape[1]
    ...     A1, A2 = cache["A1"], cache["A2"]
    ...     dZ2 = A2 - Y
    ...     dZ1 = parameters["W2"].T @ dZ2 * (1 - A1 ** 2)
    ...     return {"dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m,
    ...             "dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m}
    ... '''
    >>> result = diagnose_text(code)
    >>> result.ok, result.output.splitlines()[0]
    (True, 'my_backprop.py:backward_propagation (two-layer)')
    """
    from npbackprop.diagnose.__main__ import main

    for value, what in ((source, "source"), (function, "function"), (options, "options")):
        if not isinstance(value, str):
            raise TypeError(f"{what} is a str, got {type(value).__name__}")
    function = function.strip()
    if not source.strip():
        return Result(
            "The box is empty: paste your backward function into it, with import numpy as np "
            "and the functions it calls.",
            False,
            2,
        )
    try:
        compile(source, FILE, "exec")
    except SyntaxError as error:
        where = f" (line {error.lineno})" if error.lineno else ""
        return Result(
            f"Python cannot read your code{where}: {error.msg}.\n"
            + "".join(traceback.format_exception_only(error)).rstrip("\n"),
            False,
            2,
        )
    if not function:
        found = _functions(source)
        course = [f for f in COURSE_FUNCTIONS if f in found]
        backward = [f for f in found if "backward" in f.lower()]
        if course:
            function = course[0]
        elif len(backward) == 1:
            function = backward[0]
        else:
            listed = ", ".join(found) if found else "none"
            return Result(
                'Which function should be checked? Type its name in the box "Function". '
                f"The code defines these functions: {listed}.",
                False,
                2,
            )
    try:
        argv = [f"{FILE}:{function}", *shlex.split(options)]
    except ValueError as error:
        return Result(f"The options could not be read: {error}", False, 2)
    out = io.StringIO()
    path = list(sys.path)  # the command puts the file's folder first; put it back
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        with open(FILE, "w", encoding="utf-8") as f:
            f.write(source)
        linecache.checkcache(os.path.abspath(FILE))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                status = main(argv)
            except SystemExit as stop:  # argparse's usage errors: exit status 2
                status = stop.code
            finally:
                sys.path[:] = path
    text = out.getvalue().rstrip("\n")
    if {"-h", "--help"} & set(argv):  # the command's help: nothing was checked
        return Result(text, False, 2)
    if status == 2:  # a usage error: the command's message, without its terminal help
        text = _in_the_page(text)
    return Result(text, status == 0, status)


def _in_the_page(usage_error: str) -> str:
    """argparse's usage error, said for the page: no usage lines, "your code" for the file."""
    marker = "python -m npbackprop.diagnose: error: "
    message = usage_error.rsplit(marker, 1)[-1].strip()
    message = message.replace(f"{FILE} ", "your code ").replace(FILE, "your code")
    message = message.replace(" (see --help)", "")
    return f"Could not check: {message}"
