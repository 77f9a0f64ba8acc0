"""Build machinery for the book: a cache that is never stale, and MathJax served offline.

Loaded by ``conf.py`` as a local Sphinx extension.

Never-stale execution
    MyST-NB's jupyter-cache keys a notebook on its code cells only, so on its own it would
    serve outputs computed with an older ``npbackprop``. ``conf.py`` therefore hashes the
    package source and the few files cells read, such as the recorded benchmark results
    (:func:`source_hash`), and (a) keeps one cache per hash, so new package code
    starts from an empty cache, and (b) declares the hash as a config value that invalidates
    the whole Sphinx environment, so every chapter is re-read and re-executed. A prose-only
    edit changes neither: Sphinx re-reads that one page and its cells come from the cache.

Offline MathJax
    The PyPI package ``django-static-mathjax`` ships MathJax 3 (43 MB). Only what the CHTML
    output needs is copied into ``_static/mathjax`` (about 2 MB): the combined ``tex-chtml.js``
    component, its woff fonts, and the TeX extensions it may autoload.

Page weight
    pydata-sphinx-theme loads Font Awesome twice: as a webfont through its stylesheet, and as
    a 1.5 MB script that redraws the same icons as SVG. The webfont alone draws every icon the
    theme shows, so the script is replaced by an empty stub after the build (pages stay under
    2.5 MB; the browser tests check both the weight and that no file is missing).

Navigation that is never stale
    Sphinx rewrites a page when its own source changes, not when the table of contents moves it:
    after a chapter is added or retitled, the other pages would keep their old "next" and
    "previous" links and sidebar. When the reading order or a title changes, every page is
    rewritten.

Parallel execution (``-j``)
    jupyter-cache's ``cache_notebook_bundle`` inserts a record, then writes its notebook file,
    then deletes records beyond the cache limit with two separate queries. Under
    ``sphinx-build -j`` another process's clean-up can see the new record before its file
    exists, and it fails with "Notebook file does not exist for cache record" (seen here on a
    clean build). :func:`serialize_cache_writes` holds a lock file around the whole call, so
    chapters still execute in parallel but store their results one at a time.

Strict on every run
    Sphinx re-reads only the pages whose source changed, so a warning from an unchanged page is
    not repeated: after a failed build, a second ``make html`` with the break still in place
    would exit 0. After any build with a warning, :func:`forget_a_failed_build` deletes the saved
    environment (as Sphinx itself does after an exception), so the next build reads every page
    again: a failing cell re-executes (jupyter-cache stores only successful runs) and fails
    again; cached stderr, a broken reference, a missing glue key or citation warn again.

Failures readable in the log
    MyST-NB reports a cell that wrote to stderr as "stderr was found in the cell outputs of cell
    8", and a failing notebook without saying which cell. :func:`report_stderr_text` and
    :func:`report_failing_cell` add the text and the page's line of the cell to the warning; a
    cell that ran out of time is reported as "timed out after N s" (:func:`mark_timeouts`; not
    as the bare ``KeyboardInterrupt`` that stopping the kernel leaves).

What no chapter needs
    A page whose outputs exceed :data:`OUTPUTS_LIMIT` (a huge print) and a figure without alt
    text or without a ``check_figure`` call (:func:`figure_problems`) warn, naming the page and
    the cell. Code nested too deeply for sphinx-codeautolink's recursive parser (a sum of some
    400 terms) is a warning on its page, not an abort of the whole build
    (:func:`codeautolink_deep_code`).

Accessibility
    docutils writes a citation list as ``role="list"`` holding ``role="doc-biblioentry"``
    entries, which ARIA does not allow (a list must hold list items): entries become
    ``role="listitem"``.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import shutil
from pathlib import Path

#: What MathJax's tex-chtml component loads, relative to the package's es5/ folder.
MATHJAX_FILES = ("tex-chtml.js",)
MATHJAX_DIRS = ("output/chtml/fonts/woff-v2", "input/tex/extensions", "ui", "a11y")
#: a11y/sre.js is 3.9 MB of speech rules, loaded only if a reader turns speech on in the menu.
MATHJAX_SKIP = ("sre.js",)


def source_hash(src: Path, *data: Path) -> str:
    """A short hash of every Python file under ``src`` and of the ``data`` files that cells
    read (names and contents): the inputs of the executed cells that are not in the pages."""
    h = hashlib.sha256()
    files = [(path.relative_to(src).as_posix(), path) for path in sorted(src.rglob("*.py"))]
    files += [(path.name, path) for path in data]
    for name, path in files:
        h.update(name.encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


#: How many caches of earlier package sources to keep (reverting an edit then re-executes
#: nothing); older ones are deleted.
KEEP_CACHES = 3


def prepare_cache(root: Path, digest: str) -> Path:
    """The cache folder for this source hash, created (database included) before any reader runs.

    Creating the database here, in the main process, is what makes ``sphinx-build -j N`` safe:
    parallel readers otherwise race to create it. Only the most recently used caches are kept.
    """
    from jupyter_cache import get_cache

    path = root / digest
    path.mkdir(parents=True, exist_ok=True)
    path.touch()  # mark as most recently used
    get_cache(str(path)).list_cache_records()  # creates the SQLite database if missing
    others = sorted(
        (p for p in root.iterdir() if p.is_dir() and p != path),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[KEEP_CACHES - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    return path


def mathjax_source() -> Path:
    import mathjax  # the django-static-mathjax distribution's package

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


FONTAWESOME_STUB = (
    "/* Font Awesome's icons are drawn by the theme's webfont stylesheet; this 1.5 MB script,\n"
    "   which redraws them as SVG, is replaced by this stub (see conf/book_build.py). */\n"
)


def finish_static(app, exception) -> None:
    """After an HTML build: copy MathJax in, stub out the duplicate Font Awesome script."""
    if exception is not None or app.builder.format != "html":
        return
    copy_mathjax(Path(app.outdir))
    from sphinx.util import logging

    logging.getLogger(__name__).info(copy_runtime(Path(app.outdir)))
    script = Path(app.outdir) / "_static" / "scripts" / "fontawesome.js"
    if script.exists():
        script.write_text(FONTAWESOME_STUB)


#: Where `make wasm` puts the in-page runtime, and where the built site gets it.
RUNTIME = Path(__file__).resolve().parent.parent / ".wasm" / "runtime"
RUNTIME_DIR = "_runtime"
SOURCE = Path(__file__).resolve().parent.parent / "src" / "npbackprop"
RUNTIME_CONFIG_HEAD = (
    "// Written by the book's build (conf/book_build.py copy_runtime): what the run buttons load.\n"
)


def copy_runtime(outdir: Path, runtime: Path = RUNTIME, source: Path = SOURCE) -> str:
    """Put the in-page runtime (``make wasm``) under ``outdir/_runtime``, or say it is absent.

    The files are those of ``runtime/manifest.json``, each checked against its size and sha256
    there, and the npbackprop wheel's modules against ``source`` (the package's sources): a page
    must not run an older package than the one the book was built with. Writes
    ``_static/npb-runtime.js``, which tells the pages' run buttons what to load (``null``: no
    runtime, no buttons). A built site without a runtime loses any runtime an earlier build
    copied. Returns the one line the build log shows.
    """
    dest = outdir / RUNTIME_DIR
    config = outdir / "_static" / "npb-runtime.js"
    config.parent.mkdir(parents=True, exist_ok=True)
    manifest = runtime / "manifest.json"
    if not manifest.is_file():
        if dest.exists():
            shutil.rmtree(dest)
        config.write_text(f"{RUNTIME_CONFIG_HEAD}window.NPB_RUNTIME = null;\n", encoding="utf-8")
        return "in-page runtime: not built (`make wasm` builds it); the book is static"
    listed = json.loads(manifest.read_text(encoding="utf-8"))
    dest.mkdir(parents=True, exist_ok=True)
    for entry in listed["files"]:
        source_file, target = runtime / entry["name"], dest / entry["name"]
        data = source_file.read_bytes()
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise RuntimeError(
                f"the in-page runtime's {entry['name']} differs from {manifest}: run `make wasm`"
            )
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    shutil.copy2(manifest, dest / "manifest.json")
    wheels = [e["name"] for e in listed["files"] if e["name"].endswith(".whl")]
    ours = [w for w in wheels if w.startswith("npbackprop-")]
    if len(ours) != 1:
        raise RuntimeError(
            f"the in-page runtime has {len(ours)} npbackprop wheels, not 1: run `make wasm`"
        )
    if stale := stale_modules(runtime / ours[0], source):
        raise RuntimeError(
            f"the in-page runtime's {ours[0]} was built from other sources than {source} "
            f"({', '.join(stale[:5])}{', ...' if len(stale) > 5 else ''}): run `make wasm` "
            "(seconds: only the wheel is rebuilt), or remove .wasm/runtime for a static book"
        )
    order = ("numpy-", "tqdm-", "npbackprop-")  # npbackprop needs the other two
    wheels.sort(key=lambda w: next((i for i, p in enumerate(order) if w.startswith(p)), 9))
    versions = listed["versions"]
    settings = {"wheels": wheels, "versions": versions}
    config.write_text(
        f"{RUNTIME_CONFIG_HEAD}window.NPB_RUNTIME = {json.dumps(settings)};\n", encoding="utf-8"
    )
    return (
        f"in-page runtime: Pyodide {versions['pyodide']}, NumPy {versions['numpy']}, "
        f"{len(listed['files'])} files, {listed['total_size'] / 1e6:.1f} MB in {RUNTIME_DIR}/"
    )


def stale_modules(wheel: Path, source: Path) -> list[str]:
    """The modules that differ between the npbackprop ``wheel`` and the package's ``source``
    folder: changed, missing from the wheel, or only in the wheel."""
    import zipfile

    with zipfile.ZipFile(wheel) as z:
        built = {n: z.read(n) for n in z.namelist() if n.startswith("npbackprop/")}
    here = {
        "npbackprop/" + p.relative_to(source).as_posix(): p.read_bytes()
        for p in source.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    return sorted(n for n in built.keys() | here.keys() if built.get(n) != here.get(n))


def citation_entries_as_list_items(app, pagename, templatename, context, doctree) -> None:
    """Make docutils' citation entries valid children of their ``role="list"`` container."""
    if "body" in context and 'role="doc-biblioentry"' in context["body"]:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def copy_mathjax(outdir: Path) -> None:
    """Put MathJax's needed files under ``outdir/_static/mathjax``."""
    src = mathjax_source()
    dest = outdir / "_static" / "mathjax"
    for name in MATHJAX_FILES:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.stat().st_size != (src / name).stat().st_size:
            shutil.copy2(src / name, target)
    for folder in MATHJAX_DIRS:
        for path in (src / folder).rglob("*"):
            if path.is_file() and path.name not in MATHJAX_SKIP:
                target = dest / path.relative_to(src)
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)


def reading_order(env) -> list[str]:
    """The documents in the order the table of contents presents them."""
    order: list[str] = []

    def walk(doc):
        for child in env.toctree_includes.get(doc, []):
            if child not in order:
                order.append(child)
                walk(child)

    walk(env.config.root_doc)
    return order


def rewrite_all_when_the_navigation_changes(app, env) -> list[str]:
    """Every page, if the reading order or any title changed since the last build."""
    navigation = [(doc, env.titles[doc].astext() if doc in env.titles else "")
                  for doc in [env.config.root_doc, *reading_order(env)]]  # fmt: skip
    before = getattr(env, "book_navigation", None)
    env.book_navigation = navigation
    return sorted(env.found_docs) if before is not None and before != navigation else []


def rewrite_citing_pages_when_the_bibliography_changes(app, env) -> list[str]:
    """Every page that cites a source, if a bibliography file changed since the last build.

    sphinxcontrib-bibtex re-reads the bibliography page when a ``.bib`` file changes, but the
    pages that cite it keep their old citation labels (an entry's year or authors) until
    their own source changes.
    """
    digest = hashlib.sha256()
    for name in app.config.bibtex_bibfiles:
        digest.update((Path(app.confdir) / name).read_bytes())
    before = getattr(env, "book_bibliography", None)
    env.book_bibliography = digest.hexdigest()
    if before is None or before == env.book_bibliography:
        return []
    return sorted({ref.docname for ref in env.get_domain("cite").citation_refs})


def forget_a_failed_build(app, exception) -> None:
    """``build-finished``: after a build with a warning or an error, delete the pickled
    environment, so that the next build reads (and so checks) every page again."""
    if exception is None and getattr(app, "_warncount", 0) == 0:
        return
    from sphinx.application import ENV_PICKLE_FILENAME

    (Path(app.doctreedir) / ENV_PICKLE_FILENAME).unlink(missing_ok=True)


#: The longest stderr text copied into the build log (the page shows all of it).
STDERR_IN_LOG = 2000


def report_stderr_text() -> None:
    """Make MyST-NB's stderr warning carry the text the cell wrote and say how to allow it.

    conf.py sets ``nb_output_stderr = "show"`` (render, no warning of MyST-NB's own); this warns
    instead, for every cell not tagged ``remove-stderr``."""
    from myst_nb.core.render import NbElementRenderer

    original = NbElementRenderer.render_stderr
    if getattr(original, "book_build", False):
        return

    @functools.wraps(original)
    def render_stderr(self, output, cell_metadata, cell_index, source_line):
        rendered = original(self, output, cell_metadata, cell_index, source_line)
        if "remove-stderr" not in cell_metadata.get("tags", []):
            text = str(output.get("text", "")).rstrip()
            if len(text) > STDERR_IN_LOG:
                text = text[:STDERR_IN_LOG] + " [...]"
            self.logger.warning(
                f"cell {cell_index + 1} (line {source_line}) wrote to stderr; fix the cause, "
                f"or tag the cell remove-stderr if the text is expected:\n{text}",
                subtype="stderr",
                line=source_line,
            )
        return rendered

    render_stderr.book_build = True
    NbElementRenderer.render_stderr = render_stderr


def failing_cell(notebook) -> tuple[int, str] | None:
    """The index of the first cell with an error output, and ``"Name: message"``."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, f"{output.get('ename', '')}: {output.get('evalue', '')}"
    return None


#: The metadata key that marks the cell whose execution timed out (see :func:`mark_timeouts`).
TIMED_OUT = "book_build_timed_out"


def mark_timeouts() -> None:
    """Make nbclient mark the cell that timed out, with the timeout in seconds.

    nbclient raises ``CellTimeoutError`` without saying which cell, and shutting the kernel down
    then leaves a bare ``KeyboardInterrupt`` in that cell's outputs."""
    from nbclient.client import NotebookClient
    from nbclient.exceptions import CellTimeoutError

    original = NotebookClient.async_execute_cell
    if getattr(original, "book_build", False):
        return

    @functools.wraps(original)
    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        try:
            return await original(self, cell, cell_index, *args, **kwargs)
        except CellTimeoutError:
            cell.metadata[TIMED_OUT] = self._get_timeout(cell)
            raise

    async_execute_cell.book_build = True
    NotebookClient.async_execute_cell = async_execute_cell


def report_timeout(client) -> bool:
    """Warn at the line of the cell that timed out; whether one did."""
    for index, cell in enumerate(client.notebook.cells):
        if TIMED_OUT in cell.get("metadata", {}):
            seconds = cell.metadata.pop(TIMED_OUT)
            line = client._source_map[index]
            client.logger.warning(
                f"cell {index + 1} (line {line}) timed out after {seconds} s (an endless loop, "
                f"or work too slow for the book: nb_execution_timeout in conf/conf.py is what "
                f"the slowest cell of the book needs, with a margin)",
                subtype="exec",
                line=line,
            )
            return True
    return False


#: The most a page's cell outputs may weigh, in bytes of the executed notebook's JSON (its PNG
#: figures included). The largest, practice/stability.md's, are 0.18 MB (three figures; then
#: practice/optimizers.md, 0.17 MB; measured 2026-12): a page over 1 MB, more than five times
#: that, prints data no reader reads (a 10 MB print made a 10 MB page) or draws at a huge size.
OUTPUTS_LIMIT = 1_000_000


def output_sizes(notebook) -> list[int]:
    """Each cell's outputs, in bytes of JSON."""
    return [len(json.dumps(cell.get("outputs", []))) for cell in notebook.cells]


def report_large_outputs(client) -> None:
    """Warn when the page's outputs exceed :data:`OUTPUTS_LIMIT`, naming the largest cells."""
    sizes = output_sizes(client.notebook)
    total = sum(sizes)
    if total <= OUTPUTS_LIMIT:
        return
    largest = sorted(range(len(sizes)), key=sizes.__getitem__, reverse=True)
    largest = [i for k, i in enumerate(largest[:3]) if k == 0 or sizes[i] >= OUTPUTS_LIMIT / 10]
    cells = ", ".join(
        f"cell {i + 1} (line {client._source_map[i]}) {sizes[i] / 1e6:.1f} MB" for i in largest
    )
    line = client._source_map[largest[0]]
    client.logger.warning(
        f"the cells' outputs are {total / 1e6:.1f} MB, over the book's limit of "
        f"{OUTPUTS_LIMIT / 1e6:.1f} MB (OUTPUTS_LIMIT in conf/book_build.py): {cells}; print "
        f"a summary, not the data",
        subtype="outputs",
        line=line,
    )


#: The shortest alt text a figure may have (tests/test_book_sources.py has the same rule).
ALT_TEXT_MIN = 20


def is_figure(cell) -> bool:
    """A code cell that draws a figure: it calls ``plt.subplots(`` or shows an image."""
    if cell.get("cell_type") != "code":
        return False
    data = [key for output in cell.get("outputs", []) for key in output.get("data", {})]
    return "plt.subplots(" in cell.source or any(key.startswith("image/") for key in data)


def figure_problems(notebook) -> list[tuple[int, str]]:
    """(cell index, problem) for each figure without a ``check_figure`` call in its cell or the
    cells before the next figure, or without alt text; and a page with figures that never calls
    ``figure_style()``. The build's form of the house rule that tests/test_book_sources.py
    (test_every_figure_is_checked_for_a_phone_and_described) checks on the sources."""
    cells = notebook.cells
    figures = [i for i, cell in enumerate(cells) if is_figure(cell)]
    code = [cell.source for cell in cells if cell.get("cell_type") == "code"]
    problems = []
    if figures and not any("figure_style()" in source for source in code):
        problems.append((figures[0], "draws a figure, but the page never calls figure_style()"))
    for k, index in enumerate(figures):
        end = figures[k + 1] if k + 1 < len(figures) else len(cells)
        following = [c.source for c in cells[index:end] if c.get("cell_type") == "code"]
        if not any("check_figure(" in source for source in following):
            problems.append(
                (index, "draws a figure that no check_figure(fig) call checks before the next "
                        "figure (npbackprop._book.check_figure: does it read on a phone?)")
            )  # fmt: skip
        options = cells[index].get("metadata", {}).get("mystnb", {})
        alt = (options.get("image") or {}).get("alt", "") if isinstance(options, dict) else ""
        if len(str(alt).strip()) < ALT_TEXT_MIN:
            problems.append(
                (index, f"draws a figure without alt text of {ALT_TEXT_MIN} characters or more "
                        "for screen readers (in the cell's options, three lines: ':mystnb:', "
                        "':  image:', ':    alt: what the figure shows')")
            )  # fmt: skip
    return problems


def report_figures(client) -> None:
    for index, problem in figure_problems(client.notebook):
        line = client._source_map[index]
        client.logger.warning(
            f"cell {index + 1} (line {line}) {problem}", subtype="figure", line=line
        )


def report_failing_cell() -> None:
    """After a notebook fails to execute, warn once more, at the failing cell's line (and say
    "timed out after N s" for a cell that ran out of time); then check the outputs' size and
    the figures (:func:`report_large_outputs`, :func:`report_figures`)."""
    from myst_nb.core.execute.cache import NotebookClientCache
    from myst_nb.core.execute.direct import NotebookClientDirect

    mark_timeouts()
    for client in (NotebookClientCache, NotebookClientDirect):
        original = client.start_client
        if getattr(original, "book_build", False):
            continue

        def start_client(self, _original=original):
            _original(self)
            error = (self.exec_metadata or {}).get("error")
            found = failing_cell(self.notebook) if error else None
            if error and report_timeout(self):
                pass
            elif found is not None:
                index, what = found
                line = self._source_map[index]
                self.logger.warning(
                    f"cell {index + 1} (line {line}) raised {what}; the traceback is above",
                    subtype="exec",
                    line=line,
                )
            report_large_outputs(self)
            report_figures(self)

        start_client.book_build = True
        client.start_client = start_client


def serialize_cache_writes() -> None:
    """Make jupyter-cache's ``cache_notebook_bundle`` hold an exclusive lock on
    ``<cache>/write.lock`` (an OS file lock, so across the processes of ``sphinx-build -j``)."""
    from jupyter_cache.cache.main import JupyterCacheBase

    original = JupyterCacheBase.cache_notebook_bundle
    if getattr(original, "serialized", False):
        return

    @functools.wraps(original)
    def locked(self, *args, **kwargs):
        with open(Path(self.path) / "write.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            return original(self, *args, **kwargs)

    locked.serialized = True
    JupyterCacheBase.cache_notebook_bundle = locked


def codeautolink_untitled_sections() -> None:
    """Let sphinx-codeautolink walk sections that have no title.

    Its visitor pushes a section's title when it meets the title and pops one when it leaves any
    section, so an untitled section (sphinx-exercise's solutions are one) pops its parent's title
    and the last pop fails ("pop from empty list" in depart_section, 0.20.0). Here leaving a
    section restores the stack to what it was when the section was entered.
    """
    try:
        from sphinx_codeautolink.extension.block import CodeBlockAnalyser
    except ImportError:  # the extension is not used
        return
    if getattr(CodeBlockAnalyser, "_untitled_sections_ok", False):
        return
    visit = CodeBlockAnalyser.visit_section

    def visit_section(self, node):
        self._depths = [*getattr(self, "_depths", []), len(self.title_stack)]
        return visit(self, node)

    def depart_section(self, node):
        del self.title_stack[self._depths.pop() :]

    CodeBlockAnalyser.visit_section = visit_section
    CodeBlockAnalyser.depart_section = depart_section
    CodeBlockAnalyser._untitled_sections_ok = True


def codeautolink_deep_code() -> None:
    """Make code too deeply nested for sphinx-codeautolink a warning on its page.

    Its parser walks the syntax tree recursively, so a cell with an expression of some 400 terms
    (``1 + 1 + ... + 1``) or deeply nested brackets raises ``RecursionError``, which aborts the
    whole build from inside the extension, naming no page. Here that block gets no links and its
    page a warning (so the build still fails, after every page has been tried)."""
    try:
        from sphinx_codeautolink.extension.block import CodeBlockAnalyser
    except ImportError:  # the extension is not used
        return
    original = CodeBlockAnalyser.parse_source
    if getattr(original, "book_build", False):
        return

    @functools.wraps(original)
    def parse_source(self, node, language):
        try:
            return original(self, node, language)
        except RecursionError:
            from sphinx.util import logging

            logging.getLogger(__name__).warning(
                "a code cell is nested too deeply for sphinx-codeautolink to read it "
                "(RecursionError): split its long expression into steps",
                location=node,
                type="codeautolink",
                subtype="recursion",
            )
            return None

    parse_source.book_build = True
    CodeBlockAnalyser.parse_source = parse_source


def setup(app):
    codeautolink_untitled_sections()
    codeautolink_deep_code()
    # Before Sphinx forks its -j processes, so that they all inherit the lock.
    serialize_cache_writes()
    report_stderr_text()
    report_failing_cell()
    # Changing this value (conf.py sets it to source_hash(src)) re-reads every page.
    app.add_config_value("npbackprop_source_hash", "", "env")
    app.connect("build-finished", finish_static)
    app.connect("build-finished", forget_a_failed_build)
    app.connect("html-page-context", citation_entries_as_list_items)
    app.connect("env-get-updated", rewrite_all_when_the_navigation_changes)
    app.connect("env-get-updated", rewrite_citing_pages_when_the_bibliography_changes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


class _Refused:
    """A meta-path finder under which the named top-level modules import as if absent."""

    def __init__(self, names):
        self.names = frozenset(names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names:
            raise ModuleNotFoundError(
                f"the book's build does not import {fullname!r} (its outputs come from a "
                f"record; see conf.py)",
                name=fullname,
            )
        return None


def refuse_imports(*names: str) -> None:
    """Make ``names`` (top-level modules) unimportable in this process and its forks."""
    import sys

    if not any(isinstance(f, _Refused) for f in sys.meta_path):
        sys.meta_path.insert(0, _Refused(names))
