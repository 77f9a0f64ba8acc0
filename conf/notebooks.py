"""Every chapter as a Jupyter notebook that a reader can download and run outside the book.

A chapter is a MyST Markdown page with code cells. Its notebook holds the same cells in the same
order, and Markdown cells rendered from the page's *resolved* doctree, so that what MyST and
Sphinx computed is already in the text: glued values, equation numbers ("(4.7)"), figure and
exercise numbers, the text of cross-references and citations. What plain Markdown cannot say
fails the build (:class:`NotebookError` names the page, the construct and its line), so a new
directive in a chapter either gets a rendering here or is noticed.

The cells a page hides stay in the notebook, collapsed (Jupyter's ``source_hidden``): they are the
book's checks (``claim``/``check`` still assert outside the book and skip only the gluing) and the
code of the figures. Three things make the notebook run where the book's files are absent:

- the data files a chapter reads with ``load_record("...")`` are embedded in the notebook's
  first (collapsed) cell with ``npbackprop._book.embed``; a cell that reads a file any other way
  (or calls ``load_record`` with anything but a string literal, or changes the working
  directory) fails the build: :func:`read_cell` walks each cell's syntax tree;
- a cell that needs a package beyond npbackprop, NumPy and Matplotlib (``OPTIONAL``: autograd,
  ml_dtypes, scikit-learn), directly or through a name that such a cell defined, starts with the
  cell magic ``%%needs <package>``, which runs it when the package is installed and says what to
  install otherwise; a cell that imports anything else a reader does not have (not in
  ``READER_HAS``: the standard library, the notebook's IPython and those three) fails the build;
- nothing in it imports MyST-NB or Sphinx.

The notebook of ``answer/batch.md`` is written to ``_sources/answer/batch.ipynb`` in the HTML
output, and the theme's download menu links to it. ``tests/test_notebooks.py`` executes every
one in a kernel that cannot import MyST-NB, Sphinx or the optional packages.
"""

from __future__ import annotations

import ast
import functools
import html
import json
import posixpath
import re
import symtable
import sys
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from npbackprop._page import NOT_IN_PAGE

LOGGER = logging.getLogger(__name__)

CHAPTER_FOLDERS = ("answer/", "training/", "practice/")
# Packages a chapter may use that the notebook does not require: module -> what to install.
OPTIONAL = {"autograd": "autograd", "ml_dtypes": "ml_dtypes", "sklearn": "scikit-learn"}
# What a reader has without %%needs: the standard library, the notebook's own kernel (IPython),
# and the three packages the notebook says it needs.
READER_HAS = frozenset(sys.stdlib_module_names) | {"numpy", "matplotlib", "npbackprop", "IPython"}
# Calls that read a file, by the last part of the called name (open, io.open, Path(...).open,
# np.load, np.loadtxt, np.genfromtxt, json.load, pickle.load, plt.imread, ...); and any call
# named read_* (pd.read_csv, Path.read_text, ...). Only load_record("...")'s files are embedded.
FILE_READS = {
    "open", "load", "loadtxt", "genfromtxt", "fromfile", "fromregex", "memmap", "imread",
    "urlopen", "Path", "PurePath",
}  # fmt: skip
FILE_READ_PREFIX = "read_"
# Calls that import a module named by a string (the name must then be a literal).
DYNAMIC_IMPORTS = {"import_module", "__import__"}
MUTATORS = {
    "append",
    "extend",
    "insert",
    "setdefault",
    "update",
    "pop",
    "add",
    "clear",
    "remove",
    "discard",
    "sort",
    "fill",
    "resize",
}
HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
# The book's figure helpers (npbackprop._book), which import Matplotlib when called.
FIGURE_HELPERS = {"figure_style", "check_figure"}


class NotebookError(Exception):
    """A chapter holds something its notebook cannot carry."""


def is_chapter(env, docname: str) -> bool:
    """A page in a chapter folder with code cells (asked for every page written: the answer is
    kept per source file and its modification time)."""
    if not docname.startswith(CHAPTER_FOLDERS):
        return False
    path = Path(env.doc2path(docname))
    return _has_code_cells(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _has_code_cells(path: Path, mtime_ns: int) -> bool:
    return "```{code-cell}" in path.read_text(encoding="utf-8")


# -- Markdown from the resolved doctree ----------------------------------------------------------

_ESCAPE = re.compile(r"([\\`*_$<>\[\]|])")


def _text(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text.replace("\n", " "))


def _indent(text: str, prefix: str, first: str | None = None) -> str:
    lines = text.split("\n")
    head = (first if first is not None else prefix) + lines[0]
    blank = prefix.rstrip()  # a quote's blank line keeps its ">", a list item's stays empty
    return "\n".join([head, *[(prefix + line) if line else blank for line in lines[1:]]])


_URL = re.compile(r"https?://[^\s,]*[^\s,.]")


def _linked(text: str) -> str:
    """Plain text with its URLs as Markdown links (``<https://...>``), the rest escaped."""
    parts, end = [], 0
    for url in _URL.finditer(text):
        parts += [_text(text[end : url.start()]), f"<{url.group(0)}>"]
        end = url.end()
    return "".join([*parts, _text(text[end:])])


def _fence(code: str, lang: str = "") -> str:
    ticks = "```"
    while ticks in code:
        ticks += "`"
    return f"{ticks}{lang}\n{code.rstrip()}\n{ticks}"


class MarkdownWriter:
    """Plain Markdown (as Jupyter renders it, math in ``$``) for one page's doctree nodes."""

    def __init__(self, env, docname: str):
        self.env = env
        self.docname = docname
        self.numbers = env.toc_fignumbers.get(docname, {})
        self.cited: dict[str, str] = {}  # a cited bibliography entry -> its label
        self.doctrees: dict = {}  # other pages, read to number the sections linked to

    def fail(self, node, what: str):
        line = node.line or (node.parent.line if node.parent is not None else None)
        raise NotebookError(
            f"{self.docname}:{line or '?'}: the notebook download cannot carry {what} "
            f"({type(node).__name__}); render it in conf/notebooks.py or leave it out of the "
            f"chapter"
        )

    def section_number(self, uri: str) -> str | None:
        """The number of the section a link of this page points to ("4.5"), if it has one."""
        path, _, anchor = uri.partition("#")
        docname = self.docname
        if path:
            joined = posixpath.join(posixpath.dirname(self.docname), path)
            docname = posixpath.normpath(joined).removesuffix(".html")
        numbers = self.env.toc_secnumbers.get(docname, {})
        if not anchor:
            found = numbers.get("")
        elif "#" + anchor in numbers:
            found = numbers["#" + anchor]
        else:  # a label of its own: the section's first id is the one numbered
            if docname not in self.doctrees:
                self.doctrees[docname] = self.env.get_doctree(docname)
            sections = list(self.doctrees[docname].findall(nodes.section))
            found = None
            for k, section in enumerate(sections):
                if anchor in section["ids"]:
                    keys = ["", *section["ids"]] if k == 0 else section["ids"]
                    found = next((numbers[f"#{i}" if i else ""] for i in keys
                                  if (f"#{i}" if i else "") in numbers), None)  # fmt: skip
                    break
        return ".".join(map(str, found)) if found else None

    def number(self, kind: str, node) -> str | None:
        for id_ in node.get("ids", []):
            if id_ in self.numbers.get(kind, {}):
                return ".".join(map(str, self.numbers[kind][id_]))
        return None

    # inline
    def inline(self, node) -> str:
        if isinstance(node, nodes.Text):
            return _text(node.astext())
        if isinstance(node, nodes.math):
            return f"${node.astext().strip()}$"
        if isinstance(node, nodes.literal):
            code = node.astext().replace("\n", " ")
            return f"`` {code} ``" if "`" in code else f"`{code}`"
        if isinstance(node, nodes.emphasis):
            return f"*{self.inlines(node)}*"
        if isinstance(node, nodes.strong):
            return f"**{self.inlines(node)}**"
        if isinstance(node, nodes.reference):
            text = self.inlines(node)
            uri = node.get("refuri", "")
            if uri.startswith(("http://", "https://")):
                return f"[{text}]({uri})"
            if "bibliography" in uri and node.get("reftitle"):  # a citation: listed at the end
                self.cited.setdefault(node["reftitle"], text)
                return text
            kinds = {c for n in node.findall(nodes.inline) for c in n.get("classes", [])}
            if kinds & {"std-ref", "std-doc"}:  # a section's title: give its number too
                number = self.section_number(uri or "#" + node.get("refid", ""))
                if number:
                    return f"§{number} {text}"
            return text  # a numbered reference says where itself ("Chapter 4", "(4.7)")
        if isinstance(node, nodes.superscript):
            return f"<sup>{self.inlines(node)}</sup>"
        if isinstance(node, nodes.subscript):
            return f"<sub>{self.inlines(node)}</sub>"
        if isinstance(node, nodes.target | addnodes.index):
            return ""
        if isinstance(node, nodes.inline | nodes.abbreviation | nodes.title_reference):
            return self.inlines(node)
        if isinstance(node, addnodes.pending_xref):
            self.fail(node, "an unresolved cross-reference")
        self.fail(node, "this inline construct")

    def inlines(self, node) -> str:
        return "".join(self.inline(child) for child in node.children)

    # blocks
    def blocks(self, children) -> str:
        return "\n\n".join(text for text in (self.block(c) for c in children) if text)

    def block(self, node) -> str:
        if isinstance(node, nodes.paragraph):
            return self.inlines(node)
        if isinstance(node, nodes.target | nodes.comment | addnodes.index):
            return ""
        if isinstance(node, nodes.bullet_list):
            return "\n".join(_indent(self.blocks(i.children), "  ", "- ") for i in node.children)
        if isinstance(node, nodes.enumerated_list):
            start = node.get("start", 1)
            return "\n".join(
                _indent(self.blocks(item.children), "   ", f"{start + k}. ")
                for k, item in enumerate(node.children)
            )
        if isinstance(node, nodes.math_block):
            latex = node.astext().strip()
            number = self.number("displaymath", node) or node.get("number")
            tag = f"\n\\tag{{{number}}}" if number else ""
            return f"$$\n{latex}{tag}\n$$"
        if isinstance(node, nodes.literal_block):
            return _fence(node.astext(), node.get("language", ""))
        if isinstance(node, nodes.block_quote):
            return _indent(self.blocks(node.children), "> ")
        if isinstance(node, nodes.admonition):
            return self.admonition(node)
        if isinstance(node, nodes.table):
            return self.table(node)
        if isinstance(node, nodes.transition):
            return "---"
        if isinstance(node, nodes.rubric):
            return f"**{self.inlines(node)}**"
        if isinstance(node, nodes.definition_list):
            return "\n".join(
                _indent(
                    self.blocks(item.children[-1].children),
                    "  ",
                    f"- **{self.inlines(item.children[0])}**: ",
                )
                for item in node.children
            )
        if isinstance(node, nodes.section):  # in a solution (sphinx-exercise's are untitled)
            return self.blocks(node.children)
        if isinstance(node, nodes.title):
            return f"**{self.inlines(node)}**"
        if isinstance(node, nodes.compound) or (
            isinstance(node, nodes.container) and "nb_element" not in node
        ):
            return self.blocks(node.children)
        if isinstance(node, nodes.raw) and "html" in node.get("format", "").split():
            # the page's own controls (the diagnoser's box): the notebook says what to do instead
            said = re.search(r'data-notebook-text="([^"]*)"', node.astext())
            if said is None:
                self.fail(node, 'raw HTML without data-notebook-text="..." (what the notebook '
                          "says in its place)")  # fmt: skip
            return html.unescape(said.group(1))
        if type(node).__name__ == "exercise_enumerable_node":
            return self.exercise(node)
        if type(node).__name__ == "solution_node":
            return self.solution(node)
        if isinstance(node, nodes.container):
            self.fail(node, "a code cell inside another construct")
        self.fail(node, "this block construct")

    def admonition(self, node) -> str:
        title, body = node.children[0], node.children[1:]
        if not isinstance(title, nodes.title):
            title, body = None, node.children
        text = self.blocks(body)
        if title is not None:
            text = f"**{self.inlines(title)}**\n\n{text}"
        return _indent(text, "> ")

    def exercise(self, node) -> str:
        title, body = node.children[0], node.children[1:]
        number = self.number("exercise", node)
        name = self.env.config.numfig_format.get("exercise", "Exercise %s") % (number or "")
        heading = f"**{name.strip()}{self.inlines(title)}.**"
        return _indent(f"{heading} {self.blocks(body)}", "> ")

    def solution_title(self, node) -> str:
        title = node.children[0]
        return self.inlines(title) if isinstance(title, nodes.title) else "Solution"

    def solution(self, node) -> str:
        body = self.blocks(node.children[1:])
        summary = self.solution_title(node)
        return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"

    def table(self, node) -> str:
        tgroup = next(c for c in node.children if isinstance(c, nodes.tgroup))
        rows = []
        for part in tgroup.children:
            if isinstance(part, nodes.thead | nodes.tbody):
                for row in part.children:
                    cells = [self.blocks(e.children).replace("\n\n", "<br>") for e in row]
                    rows.append("| " + " | ".join(c.replace("\n", " ") for c in cells) + " |")
        if not rows:
            self.fail(node, "an empty table")
        n = rows[0].count(" | ") + 1
        caption = [c for c in node.children if isinstance(c, nodes.title)]
        lines = [rows[0], "|" + "---|" * n, *rows[1:]]
        if caption:
            lines.insert(0, f"**{self.inlines(caption[0])}**\n")
        return "\n".join(lines)

    def references(self) -> str:
        """The bibliography entries the page cites, in the order it first cites them."""
        if not self.cited:
            return ""
        items = [f"- **{label}**: {_linked(entry)}" for entry, label in self.cited.items()]
        return "## References\n\n" + "\n".join(items)

    def caption_of(self, figure) -> str:
        caption = next((c for c in figure.children if isinstance(c, nodes.caption)), None)
        if caption is None:
            return ""
        number = self.number("figure", figure)
        label = f"**Figure {number}.** " if number else ""
        return label + self.inlines(caption)


# -- The notebook ----------------------------------------------------------------------------------


def has_cells(node) -> bool:
    return any(n.get("nb_element") == "cell_code" for n in node.findall(nodes.container))


def python_of(cell_source: str) -> str:
    """A cell's Python: its IPython magics (``%...``) and shell lines (``!...``) blanked, so
    that line numbers stay those of the cell."""
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in cell_source.splitlines()
    )


def parse_cell(cell_source: str) -> ast.Module:
    """The cell's syntax tree; a cell Python cannot parse raises :class:`NotebookError`."""
    try:
        return ast.parse(python_of(cell_source))
    except SyntaxError as error:
        raise NotebookError(
            f"does not parse as Python ({error.msg}, its line {error.lineno})"
        ) from None
    except (RecursionError, MemoryError):
        raise NotebookError("is nested too deeply to parse; split its expressions") from None


def _called(func) -> str:
    """The name a call calls, as written ("np.genfromtxt", "open", "....read_text")."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    parts.append(func.id if isinstance(func, ast.Name) else "...")
    return ".".join(reversed(parts))


def _string(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def read_cell(cell_source: str) -> tuple[list[str], set[str], list[str]]:
    """What one cell needs from outside the notebook: the files it reads with
    ``load_record("...")``, the top-level modules it imports, and its problems (a file read any
    other way, ``load_record`` of anything but a string literal, a changed working directory, a
    module imported by a name computed at run time, a relative import), each as a phrase that
    follows "cell N ...". An AST walk, so that ``open ("x")``, ``load_record(name)`` or
    ``np.genfromtxt(...)`` are seen however they are written."""
    tree = parse_cell(cell_source)
    records: list[str] = []
    modules: set[str] = set()
    problems: list[str] = []
    for line in cell_source.splitlines():
        magic = line.strip().split(" ")[0]
        if magic in ("%cd", "%%cd"):
            problems.append(f"changes the working directory ({magic}); {CHDIR_ADVICE}")
        elif magic in ("%run", "%load", "%loadpy"):
            problems.append(f"reads a file with {magic}; {READ_ADVICE}")
    aliases = {"load_record"}  # the names load_record is called by in this cell
    for n in ast.walk(tree):
        if isinstance(n, ast.ImportFrom):
            aliases |= {a.asname for a in n.names if a.name == "load_record" and a.asname}
    called = set()
    for n in ast.walk(tree):
        at = f"(its line {getattr(n, 'lineno', '?')})"
        if isinstance(n, ast.Import):
            modules |= {a.name.split(".")[0] for a in n.names}
        elif isinstance(n, ast.ImportFrom):
            if n.level:
                problems.append(f"imports relatively {at}: from {'.' * n.level}...")
            elif n.module:
                modules.add(n.module.split(".")[0])
        elif isinstance(n, ast.Call):
            called.add(id(n.func))
            name = _called(n.func)
            last = name.rsplit(".", 1)[-1]
            if last in aliases:
                file = _string(n.args[0]) if len(n.args) == 1 and not n.keywords else None
                if file is None:
                    problems.append(
                        f"calls {name} with something other than one string literal {at}; "
                        'write load_record("name.json"): the build embeds the files named in '
                        "the code in the notebook, and cannot know a computed name"
                    )
                else:
                    records.append(file)
            elif last in FILE_READS or last.startswith(FILE_READ_PREFIX):
                problems.append(f"reads a file with {name}(...) {at}; {READ_ADVICE}")
            elif last in ("chdir", "fchdir"):
                problems.append(
                    f"changes the working directory with {name}(...) {at}; {CHDIR_ADVICE}"
                )
            elif last in DYNAMIC_IMPORTS:
                module = _string(n.args[0]) if n.args else None
                if module is None:
                    problems.append(
                        f"imports a module named at run time with {name}(...) {at}; import it "
                        "by name, so that the build can tell what a reader needs"
                    )
                else:
                    modules.add(module.split(".")[0])
    for n in ast.walk(tree):  # load_record passed around rather than called: the name is unknown
        if isinstance(n, ast.Name) and n.id in aliases and id(n) not in called:
            problems.append(
                f"uses {n.id} other than by calling it with a string literal (its line "
                f'{n.lineno}); write load_record("name.json")'
            )
    return records, modules, problems


READ_ADVICE = (
    'the downloaded notebook would not find the file: read data with load_record("name.json"), '
    "whose files the build embeds in the notebook"
)
CHDIR_ADVICE = (
    "load_record looks a record up relative to the working directory first (the page's folder "
    "in the build) and only then among the records the notebook embeds, so after the change "
    "the build cannot find the file (and says to run the notebook from the top), or reads "
    "another file of that name; keep the working directory"
)


def import_problems(modules: set[str]) -> list[str]:
    """The modules of one cell that a reader of its notebook may not have."""
    return [
        f"imports {m}, which a reader of the notebook does not have (it needs only the standard "
        f"library, numpy, matplotlib and npbackprop; the optional packages, whose cells get "
        f"%%needs, are {', '.join(sorted(OPTIONAL))}): use those, or add {m} to OPTIONAL in "
        f"conf/notebooks.py"
        for m in sorted(modules - READER_HAS - OPTIONAL.keys())
    ]


def _cell_modules(cell_source: str) -> set[str]:
    """The top-level modules a cell imports, with Matplotlib for a cell that imports the book's
    figure helpers (``figure_style``, ``check_figure``), which need it."""
    return set().union(*(_statement_modules(s) for s in parse_cell(cell_source).body))


def _statement_modules(statement) -> set[str]:
    """The top-level modules one statement imports (Matplotlib for the figure helpers too)."""
    modules = set()
    for n in ast.walk(statement):
        if isinstance(n, ast.Import):
            modules |= {a.name.split(".")[0] for a in n.names}
        elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
            modules.add(n.module.split(".")[0])
            if (
                n.module.split(".")[0] == "npbackprop"
                and {a.name for a in n.names} & FIGURE_HELPERS
            ):
                modules.add("matplotlib")
        elif (
            isinstance(n, ast.Call)
            and _called(n.func).rsplit(".", 1)[-1] in DYNAMIC_IMPORTS
            and n.args
            and (module := _string(n.args[0]))
        ):
            modules.add(module.split(".")[0])
    return modules


def _import_needs(statement, alias, unavailable, needs_of_name: dict) -> set[str]:
    """What the name one alias of an import binds needs of ``unavailable``; records it in
    ``needs_of_name``."""
    if isinstance(statement, ast.Import):
        module, bound = alias.name.split(".")[0], (alias.asname or alias.name).split(".")[0]
    else:
        module, bound = (statement.module or "").split(".")[0], alias.asname or alias.name
    needs = {module} & unavailable
    if module == "npbackprop" and alias.name in FIGURE_HELPERS:
        needs |= {"matplotlib"} & unavailable
    if needs:
        needs_of_name[bound] = set(needs)
    else:
        needs_of_name.pop(bound, None)
    return needs


def page_plan(cells, unavailable=frozenset(NOT_IN_PAGE)) -> list[tuple[set[str], str | None]]:
    """What of each code cell runs in the page, whose Python lacks the ``unavailable`` modules.

    For each cell: the unavailable modules it needs (empty: it runs whole, and gets a run
    button), and, for a cell that does not run whole, the source of its statements that do run
    (None if none), which the page runs before a later cell so that the names those statements
    bind exist (``import numpy as np`` in a cell that also imports Matplotlib). A statement needs
    what it imports and what the statements that bound the module-level names it reads needed,
    as in :func:`_cell_dependencies`, statement by statement.
    """
    needs_of_name: dict[str, set[str]] = {}
    plan = []
    for cell in cells:
        source = python_of(cell.source)
        lines = source.splitlines()
        cell_needs: set[str] = set()
        kept: list[str] = []
        for statement in parse_cell(cell.source).body:
            if isinstance(statement, ast.Import | ast.ImportFrom):  # name by name
                names = [
                    a
                    for a in statement.names
                    if not _import_needs(statement, a, unavailable, needs_of_name)
                ]
                cell_needs |= set().union(*(_import_needs(statement, a, unavailable, {})
                                            for a in statement.names))  # fmt: skip
                if len(names) == len(statement.names):
                    kept.append(ast.get_source_segment(source, statement))
                elif names:
                    kept.append(ast.unparse(type(statement)(**{**vars(statement), "names": names})))
                continue
            reads, binds = _module_names(statement, source)
            needs = _statement_modules(statement) & unavailable
            for name in reads:
                needs |= needs_of_name.get(name, set())
            for name in binds:
                if needs:
                    needs_of_name[name] = set(needs)
                else:
                    needs_of_name.pop(name, None)
            if needs:
                cell_needs |= needs
            else:
                first = min([statement.lineno, *(d.lineno for d in getattr(
                    statement, "decorator_list", []))])  # fmt: skip
                kept.append("\n".join(lines[first - 1 : statement.end_lineno]))
        plan.append((cell_needs, "\n".join(kept) if cell_needs and kept else None))
    return plan


def _cell_dependencies(cells, unavailable=frozenset(OPTIONAL)) -> list[set[str]]:
    """For each code cell, the ``unavailable`` modules it needs (by default the optional ones):
    those it imports, and those of the cells that defined a module-level name it reads (a name
    the cell binds before reading it does not count; names local to functions and comprehensions
    do not leak)."""
    needs_of_name: dict[str, set[str]] = {}
    result = []
    for cell in cells:
        source = python_of(cell.source)
        needs: set[str] = _cell_modules(cell.source) & unavailable
        bound: set[str] = set()
        for statement in parse_cell(cell.source).body:
            reads, binds = _module_names(statement, source)
            for name in reads - bound:
                needs |= needs_of_name.get(name, set())
            bound |= binds
        for name in bound:
            if needs:
                needs_of_name[name] = set(needs)
            else:
                needs_of_name.pop(name, None)
        result.append(needs)
    return result


def _module_names(statement, source: str) -> tuple[set[str], set[str]]:
    """The module-level names one statement of ``source`` reads (also from inside the functions,
    lambdas and comprehensions it defines) and those it binds."""
    # its own text, not ast.unparse (which recurses, and fails on a sum of some 400 terms)
    text = ast.get_source_segment(source, statement)
    if decorators := getattr(statement, "decorator_list", None):  # the segment starts at "def"
        lines = source.splitlines()[decorators[0].lineno - 1 : statement.lineno - 1]
        text = "\n".join([*lines, text])
    table = symtable.symtable(text, "<cell>", "exec")
    reads = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    binds = {
        s.get_name()
        for s in table.get_symbols()
        if s.is_assigned() or s.is_imported() or s.is_namespace()
    }
    # a container changed in place counts as bound: d[k] = v, d.x = v, d.setdefault(...), ...
    for n in ast.walk(statement):
        target = None
        if isinstance(n, ast.Subscript | ast.Attribute) and isinstance(n.ctx, ast.Store):
            target = n.value
        elif (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in MUTATORS
        ):
            target = n.func.value
        while isinstance(target, ast.Subscript | ast.Attribute):
            target = target.value
        if isinstance(target, ast.Name):
            binds.add(target.id)
    stack = list(table.get_children())
    while stack:
        child = stack.pop()
        stack.extend(child.get_children())
        reads |= {s.get_name() for s in child.get_symbols() if s.is_referenced() and s.is_global()}
    return reads, binds


def code_cell(source: str, tags: list[str], needs: set[str], page: dict | None = None):
    if needs:
        source = f"%%needs {' '.join(sorted(needs))}\n{source}"
    metadata = {"tags": tags} if tags else {}
    if page is not None:  # what the page's run buttons read (conf/_static/npb-run.js)
        metadata["npbackprop"] = page
    if HIDDEN_TAGS & set(tags):
        metadata["jupyter"] = {"source_hidden": True}
    if "remove-cell" in tags:  # the book shows neither its code nor what it returns
        metadata["jupyter"]["outputs_hidden"] = True
    return nbformat.v4.new_code_cell(source, metadata=metadata)


def intro_cell(app, title: str) -> str:
    repository = app.config.html_theme_options.get("repository_url", "")
    where = f" ({repository})" if repository else ""
    return (
        f"*{title}*, a chapter of the book *{app.config.project}*, as a notebook.\n\n"
        "It needs `npbackprop`, NumPy and Matplotlib. `npbackprop` installs from a copy of the "
        f"book's repository{where}: in its folder, run `pip install . matplotlib`. Run the "
        "cells in order. The cells whose code is collapsed are the book's own: its figures, and "
        "checks that assert every number the text states, so that a cell fails if a statement "
        "stops being true. A cell that starts with `%%needs autograd` (or another package) runs "
        "only where that package is installed and otherwise says what to install; the text "
        "after it then quotes the book's own run. Sections of the book are named by their "
        "numbers (§4.5); equations, figures and exercises keep the book's numbers."
    )


def setup_cell(data: dict[str, str]) -> str:
    lines = ["# The book's helpers: the %%needs cell magic.", "%load_ext npbackprop._book"]
    if data:
        lines[0] = "# The book's helpers: the %%needs cell magic, and the data this chapter reads."
        lines.append("from npbackprop._book import embed")
        lines += [f"embed({name!r}, {text!r})" for name, text in data.items()]
    return "\n".join(lines)


def chapter_notebook(app, docname: str, doctree) -> nbformat.NotebookNode:
    from myst_nb.core.read import read_myst_markdown_notebook

    path = Path(app.env.doc2path(docname))
    source = read_myst_markdown_notebook(
        path.read_text(encoding="utf-8"), add_source_map=True, path=str(path)
    )
    starts = source.metadata.pop("source_map")  # each cell's first line in the page
    code = {i: c for i, c in enumerate(source.cells) if c.cell_type == "code"}
    order = sorted(code)

    data: dict[str, str] = {}
    problems: list[str] = []
    for i in order:
        where = f"{docname}: cell {i + 1} (line {starts[i] + 1})"  # as MyST-NB counts them
        try:
            records, modules, found = read_cell(code[i].source)
        except NotebookError as error:
            problems.append(f"{where} {error}")
            continue
        problems += [f"{where} {p}" for p in found + import_problems(modules)]
        for name in records:
            file = (path.parent / name).resolve()
            if not file.is_file():
                problems.append(f"{where} reads {name}, which does not exist")
            else:
                data[Path(name).name] = file.read_text(encoding="utf-8")
    if problems:
        raise NotebookError("\n".join(problems))
    needs = dict(zip(order, _cell_dependencies([code[i] for i in order]), strict=True))
    plan = dict(zip(order, page_plan([code[i] for i in order]), strict=True))
    page_needs = {i: needs for i, (needs, _) in plan.items()}
    mark_cells_for_the_page(doctree, page_needs)

    writer = MarkdownWriter(app.env, docname)
    cells: list = []
    markdown: list[str] = []
    done: set[int] = set()

    def flush():
        text = "\n\n".join(m for m in markdown if m)
        if text:
            cells.append(nbformat.v4.new_markdown_cell(text))
        markdown.clear()

    def emit_code_up_to(index: int):
        for i in order:
            if i <= index and i not in done:
                done.add(i)
                page = {"cell": i, "page_needs": sorted(page_needs[i])}
                if plan[i][1] is not None:
                    page["page_source"] = plan[i][1]
                tags = code[i].metadata.get("tags", [])
                cells.append(code_cell(code[i].source, tags, needs[i], page))

    def emit_code_before(node):
        """The cells the page hides (not in the doctree) that it holds before ``node``."""
        line = next((n.line for n in node.findall() if n.line), None)
        pending = [i for i in order if i not in done and starts[i] < line] if line else []
        if pending:
            flush()
            emit_code_up_to(pending[-1])

    def walk(node, depth: int):
        for child in node.children:
            if not (isinstance(child, nodes.container) and child.get("nb_element")):
                emit_code_before(child)
            if isinstance(child, nodes.section):
                title = child.children[0] if child.children else None
                if not isinstance(title, nodes.title):  # untitled (a solution's content)
                    walk(child, depth)
                    continue
                markdown.append("#" * min(depth + 1, 6) + " " + writer.inlines(title))
                walk(child, depth + 1)
            elif isinstance(child, nodes.title):
                continue
            elif type(child).__name__ == "solution_node" and has_cells(child):
                # a solution with code cells (solution-start ... solution-end): a heading, then
                # its text and cells in order
                markdown.append(f"**{writer.solution_title(child)}**")
                walk(child, depth)
            elif isinstance(child, nodes.container) and child.get("nb_element") == "cell_code":
                flush()
                emit_code_up_to(child["cell_index"])
                captions = [writer.caption_of(f) for f in child.findall(nodes.figure)]
                markdown.extend(c for c in captions if c)
            else:
                markdown.append(writer.block(child))

    title = next(iter(doctree.findall(nodes.title))).astext()
    walk(doctree, 0)
    flush()
    emit_code_up_to(max(order, default=-1))
    if references := writer.references():
        cells.append(nbformat.v4.new_markdown_cell(references))
    intro = nbformat.v4.new_markdown_cell(intro_cell(app, title))
    setup = code_cell(setup_cell(data), ["remove-cell"], set(), {"cell": -1, "page_needs": []})
    # the title first, then what the notebook is, then the helpers
    first = cells.pop(0) if cells and cells[0].cell_type == "markdown" else None
    heading, _, rest = first.source.partition("\n\n") if first else ("", "", "")
    head = [nbformat.v4.new_markdown_cell(heading)] if heading else []
    tail = [nbformat.v4.new_markdown_cell(rest)] if rest else []
    notebook = nbformat.v4.new_notebook(
        cells=[*head, intro, setup, *tail, *cells],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "npbackprop": {"chapter": docname},
        },
    )
    nbformat.validate(notebook)
    return notebook


def mark_cells_for_the_page(doctree, page_needs: dict[int, set[str]]) -> None:
    """Give each code cell on the page the classes its run button needs: ``npb-cell-<index>``
    (the cell's index, as in the notebook's metadata) and ``npb-runs``, or ``npb-needs-<module>``
    for each module the page's Python lacks that the cell needs (``NOT_IN_PAGE``)."""
    for node in doctree.findall(nodes.container):
        if node.get("nb_element") != "cell_code" or node.get("cell_index") not in page_needs:
            continue
        index = node["cell_index"]
        marks = [f"npb-needs-{m.lower()}" for m in sorted(page_needs[index])] or ["npb-runs"]
        node["classes"] = [c for c in node["classes"] if not c.startswith("npb-")]
        node["classes"] += [f"npb-cell-{index}", *marks]


def notebook_path(docname: str) -> str:
    """Where a chapter's notebook is, relative to the HTML output folder."""
    return f"_sources/{docname}.ipynb"


def write_notebook(app, doctree, docname):
    if app.builder.format != "html" or not is_chapter(app.env, docname):
        return
    try:
        notebook = chapter_notebook(app, docname, doctree)
    except NotebookError as error:  # a warning, so that -W fails the build after every page
        LOGGER.warning("%s", error, location=docname, type="notebooks")
        return
    out = Path(app.outdir) / notebook_path(docname)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def link_notebook(app, pagename, templatename, context, doctree):
    """The theme's download menu lists a page's ``ipynb_source`` first."""
    if doctree is not None and is_chapter(app.env, pagename):
        context["ipynb_source"] = f"{pagename}.ipynb"


def rewrite_stale_notebooks(app, env, added, changed, removed) -> list[str]:
    """Sphinx writes only the pages whose source changed; a chapter whose notebook is missing or
    older than this module is read and written again too (its cells come from the cache)."""
    if app.builder.format != "html":
        return []
    made = Path(__file__).stat().st_mtime
    stale = []
    for docname in env.found_docs - set(added) - set(changed) - set(removed):
        if is_chapter(env, docname):
            out = Path(app.outdir) / notebook_path(docname)
            if not out.exists() or out.stat().st_mtime < made:
                stale.append(docname)
    return stale


# The theme's menu entry is a plain link, which a browser opens as JSON text: ask it to save the
# file instead (the download attribute).
SAVE_NOTEBOOK_JS = """
document.addEventListener("DOMContentLoaded", () => {
  for (const a of document.querySelectorAll('a[href$=".ipynb"]')) {
    a.setAttribute("download", a.getAttribute("href").split("/").pop());
  }
});
"""


def setup(app):
    app.add_js_file(None, body=SAVE_NOTEBOOK_JS)
    app.connect("env-get-outdated", rewrite_stale_notebooks)
    app.connect("doctree-resolved", write_notebook)
    # before sphinx-book-theme's header buttons (priority 501) read the context
    app.connect("html-page-context", link_notebook, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
