"""The book's build behaves as promised: strict about failing cells and stderr, never stale,
offline. The builds here use the real configuration (conf/) on small scratch pages."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "conf"))
book_build = pytest.importorskip("book_build", reason="the book's build tools are not installed")
pytest.importorskip("myst_nb", reason="the docs extra is not installed")

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def sphinx(tmp_path, jobs=1, **environment):
    """Run the book's sphinx-build on tmp_path/src into tmp_path/html; return (status, log)."""
    env = {**os.environ, "BOOK_CACHE_DIR": str(tmp_path / "cache"), **environment}
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-nW", "--keep-going", "-j", str(jobs),
         "-c", str(ROOT / "conf"),
         "-d", str(tmp_path / "doctrees"), str(tmp_path / "src"), str(tmp_path / "html")],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    return proc.returncode, proc.stdout + proc.stderr


def build(tmp_path, pages: dict[str, str], jobs=1, numbered=False, files=None, **environment):
    """Build scratch pages with the book's configuration; return (exit status, log, html dir).
    A page's name may hold a folder ("answer/scratch"); ``numbered`` numbers the sections;
    ``files`` are other files of the source folder (name -> text), such as data the cells read;
    ``environment``, variables for the build (BOOK_CELL_TIMEOUT="10")."""
    src = tmp_path / "src"
    src.mkdir()
    toc = (":numbered:\n" if numbered else "") + "\n".join(pages)
    (src / "index.md").write_text(f"# Scratch\n\n```{{toctree}}\n{toc}\n```\n")
    for name, body in pages.items():
        (src / f"{name}.md").parent.mkdir(parents=True, exist_ok=True)
        (src / f"{name}.md").write_text(HEADER + body)
    for name, text in (files or {}).items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    status, log = sphinx(tmp_path, jobs, **environment)
    return status, log, tmp_path / "html"


GOOD = "# Good\n\n```{code-cell} python\nprint(6 * 7)\n```\n"
FAILS = "# Fails\n\n```{code-cell} python\n1 / 0\n```\n"
STDERR = "# Noisy\n\n```{code-cell} python\nimport sys\nprint('careful', file=sys.stderr)\n```\n"
TAGGED = (
    "# Tagged\n\n```{code-cell} python\n:tags: [remove-stderr]\nimport sys\n"
    "print('expected ' + 'noise', file=sys.stderr)\n```\n"
)


@pytest.mark.parametrize("jobs", [1, 2], ids=["serial", "-j 2, as make html on two cores"])
def test_a_failing_cell_or_stderr_fails_the_build_and_the_rest_still_builds(tmp_path, jobs):
    pages = {"good": GOOD, "fails": FAILS, "noisy": STDERR, "good2": GOOD, "good3": GOOD}
    status, log, out = build(tmp_path, pages, jobs)
    assert status != 0
    # the traceback, and the page and line of the failing cell, are in the build log itself
    assert "ZeroDivisionError" in log
    assert re.search(r"fails\.md:\d+: WARNING: cell \d+ \(line \d+\) raised ZeroDivisionError", log)
    # so is what the noisy cell wrote, not only the fact that it wrote something
    assert re.search(r"noisy\.md:\d+: WARNING: cell \d+ \(line \d+\) wrote to stderr", log)
    assert "careful" in log
    assert "42" in (out / "good.html").read_text()  # --keep-going: the other pages were built


CELL = "```{{code-cell}} python\n{}\n```\n"
# Every kind of break a page can have, each with the text the build log must show for it, and
# the repaired page. The repaired text of each page is what `fix` turns its break into.
BREAKS = {
    "raises": (CELL.format("x = 1\nraise RuntimeError('on purpose')"), "on purpose"),
    "warns": (CELL.format("import warnings\nwarnings.warn('a deprecation')"), "a deprecation"),
    "stderr": (CELL.format("import sys\nprint('to stderr', file=sys.stderr)"), "to stderr"),
    "eq": ("See {eq}`eq-nowhere`.\n", "eq-nowhere"),
    "glue": (CELL.format("x = 1") + "\nThe value is {glue:text}`no-such-key`.\n", "no-such-key"),
    "cite": ("As shown by {cite}`nobody2099`.\n", "nobody2099"),
    "numref": ("See {numref}`sec-nowhere`.\n", "sec-nowhere"),
    # a sentence whose claim is false: the build names the page and the claim
    "claim": (
        CELL.format(
            "from npbackprop._book import claim\nerr = 4.2e-2\n"
            'claim("x-err", err, "{:.1e}", holds=err < 1e-7, says="the check passes")'
        )
        + "\nThe check passes with {glue:text}`x-err`.\n",
        'the prose says "the check passes", but x-err = 4.2e-02',
    ),
}
REPAIRED = CELL.format("print(6 * 7)") + "\nRepaired.\n"


def broken_pages():
    return {name: f"# {name}\n\n{body}" for name, (body, _) in BREAKS.items()}


def test_every_kind_of_break_fails_every_build_until_it_is_repaired(tmp_path):
    """Sphinx re-reads only changed pages, so without book_build.forget_a_failed_build the
    second build of an unchanged broken book would pass (it did, for each break here)."""
    for run in ("first", "second"):
        if run == "first":
            status, log, out = build(tmp_path, {"good": GOOD, **broken_pages()})
        else:
            status, log = sphinx(tmp_path)
        assert status != 0, f"the {run} build of the broken book passed:\n{log}"
        for name, (_, evidence) in BREAKS.items():
            warned = re.search(rf"{name}\.md(:\d+)?: (WARNING|ERROR).*", log)
            assert warned, f"the {run} build did not report the page {name}.md:\n{log}"
            assert evidence in log, f"the {run} build's log does not say {evidence!r}"
    src = tmp_path / "src"
    for name in BREAKS:
        (src / f"{name}.md").write_text(f"{HEADER}# {name}\n\n{REPAIRED}")
    status, log = sphinx(tmp_path)
    assert status == 0, log
    assert "Repaired." in (out / "claim.html").read_text()
    status, log = sphinx(tmp_path)  # and it stays built
    assert status == 0, log


def test_a_true_claim_builds_and_shows_its_value(tmp_path):
    page = (
        "# True\n\n"
        + CELL.format(
            "from npbackprop._book import claim\nerr = 3.1e-9\n"
            'claim("x-err", err, "{:.1e}", holds=err < 1e-7, says="the check passes")'
        )
        + "\nThe check passes with {glue:text}`x-err`.\n"
    )
    status, log, out = build(tmp_path, {"true": page})
    assert status == 0, log
    assert "3.1e-09" in (out / "true.html").read_text()


def test_a_cell_tagged_remove_stderr_may_write_to_stderr(tmp_path):
    status, log, out = build(tmp_path, {"good": GOOD, "tagged": TAGGED})
    assert status == 0, log
    assert "expected noise" not in (out / "tagged.html").read_text()
    assert "running over TCP" not in log


def test_the_source_hash_follows_every_byte_of_the_package(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text("x = 1\n")
    first = book_build.source_hash(pkg)
    (pkg / "a.py").write_text("x = 1  # a comment\n")
    assert book_build.source_hash(pkg) != first
    (pkg / "a.py").write_text("x = 1\n")
    assert book_build.source_hash(pkg) == first
    (pkg / "b.py").write_text("")
    assert book_build.source_hash(pkg) != first
    record = tmp_path / "record.json"
    record.write_text("{}")
    with_data = book_build.source_hash(pkg, record)
    assert with_data != book_build.source_hash(pkg)
    record.write_text('{"date": "later"}')
    assert book_build.source_hash(pkg, record) != with_data


def test_prepare_cache_creates_the_database_and_keeps_few_caches(tmp_path):
    for n, digest in enumerate(["a" * 16, "b" * 16, "c" * 16, "d" * 16]):
        path = book_build.prepare_cache(tmp_path, digest)
        os.utime(path, (n, n))  # make the order of use unambiguous
        assert (path / "global.db").exists()
    kept = sorted(p.name[0] for p in tmp_path.iterdir())
    assert book_build.KEEP_CACHES == 3
    assert kept == ["b", "c", "d"]  # the least recently used, "a", was removed


SITE = ROOT / "_build" / "html"
EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)=["'](?:https?:)?//""", re.I
)


@pytest.mark.skipif(not (SITE / "index.html").exists(), reason="build the book first: make html")
def test_the_built_site_loads_nothing_from_another_host():
    pages = sorted(SITE.rglob("*.html"))
    assert pages
    offenders = {}
    for page in pages:
        hits = EXTERNAL.findall(page.read_text(encoding="utf-8"))
        if hits:
            offenders[str(page.relative_to(SITE))] = hits[:3]
    css = [
        p
        for p in (SITE / "_static").rglob("*.css")
        if re.search(r"url\(\s*['\"]?(https?:)?//", p.read_text(errors="ignore"))
    ]
    assert not offenders, offenders
    assert not css, css
    mathjax = SITE / "_static" / "mathjax" / "tex-chtml.js"
    assert mathjax.exists()
    assert "mathjax/tex-chtml.js" in (SITE / "index.html").read_text()
    fonts = list(
        (SITE / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff")
    )
    assert len(fonts) > 10
    size = sum(p.stat().st_size for p in (SITE / "_static" / "mathjax").rglob("*") if p.is_file())
    assert size < 5_000_000, (
        f"MathJax copy is {size} bytes; only what rendering needs belongs there"
    )


def test_adding_or_retitling_a_chapter_rewrites_every_page_s_navigation(tmp_path):
    """Sphinx alone would leave an unchanged page's "next" link pointing past a new chapter."""
    plain = "# {0}\n\nText of {0}.\n"
    pages = {"one": plain.format("One"), "three": plain.format("Three")}
    status, log, out = build(tmp_path, pages)
    assert status == 0, log
    assert 'href="three.html"' in (out / "one.html").read_text()
    src = tmp_path / "src"
    (src / "two.md").write_text(HEADER + plain.format("Two"))
    (src / "index.md").write_text("# Scratch\n\n```{toctree}\none\ntwo\nthree\n```\n")
    status, log = sphinx(tmp_path)
    assert status == 0, log
    one = (out / "one.html").read_text()
    next_link = re.search(r'class="right-next"\s+href="([^"]+)"', one)
    assert next_link, "one.html has no next link"
    assert next_link.group(1) == "two.html"
    # retitling a chapter reaches the other pages' sidebars too
    (src / "two.md").write_text(HEADER + plain.format("Second"))
    status, log = sphinx(tmp_path)
    assert status == 0, log
    assert "Second" in (out / "three.html").read_text()


CACHE_MANY = """
import sys
import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

sys.path.insert(0, {conf!r})
import book_build

book_build.serialize_cache_writes()
cache = get_cache({cache!r})
for k in range({count}):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = {worker}, {{k}}")])
    nb.metadata["kernelspec"] = {{"name": "python3", "display_name": "Python 3"}}
    bundle = CacheBundleIn(nb, f"/w{worker}/n{{k}}.ipynb")
    cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)  # as myst-nb
"""


def test_parallel_readers_never_lose_a_cache_record(tmp_path):
    """jupyter-cache inserts a record before writing its file and prunes old records with two
    queries; without the lock, a second process can prune the new record and fail with
    "Notebook file does not exist for cache record" (seen under make html's -j). Four
    processes store 15 notebooks each into one cache, as -j readers do."""
    from jupyter_cache import get_cache

    cache_dir = str(tmp_path / "cache")
    get_cache(cache_dir).list_cache_records()  # created first, as prepare_cache does
    scripts = [
        CACHE_MANY.format(conf=str(ROOT / "conf"), cache=cache_dir, count=15, worker=w)
        for w in range(4)
    ]
    procs = [
        subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
        for script in scripts
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), "\n".join(errors)
    records = get_cache(cache_dir).list_cache_records()
    assert len(records) == 4 * 15
    for record in records:
        assert get_cache(cache_dir).get_cache_bundle(record.pk).nb.cells


def test_the_chapter_template_builds_once_its_names_are_filled_in(tmp_path):
    """docs/_template.md is what CONTRIBUTING.md tells contributors to copy."""
    text = (ROOT / "docs" / "_template.md").read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    page = text[len(HEADER) :].replace("CHAPTER", "scratch").replace("PREFIX", "x")
    status, log, out = build(tmp_path, {"chapter": page})
    assert status == 0, log
    html = (out / "chapter.html").read_text()
    assert "0.5" in html  # the glued value
    assert "solution" in html.lower()


def test_names_in_code_cells_link_to_the_api_reference():
    """sphinx-codeautolink turns the package's names in the chapters' code cells into links to
    their entries in the API appendix (checked on the built site)."""
    html = (SITE / "answer" / "question.html").read_text(encoding="utf-8")
    links = set(re.findall(r'class="sphinx-codeautolink-a" href="([^"]+)"', html))
    assert "../appendix/api.html#npbackprop.two_layer.backward" in links, sorted(links)[:10]
    assert "../appendix/api-training.html#npbackprop.datasets.planar" in links


def test_an_untitled_section_next_to_code_builds(tmp_path):
    """A solution (an untitled section) in a page with code cells: sphinx-codeautolink 0.20 by
    itself fails there with "pop from empty list"; book_build mends its section stack."""
    page = (
        "# Sections\n\n## First\n\n"
        + CELL.format("import numpy as np\nx = np.zeros(2)")
        + "\n```{exercise}\n:label: ex-x\nWhy?\n```\n\n"
        "```{solution} ex-x\n:class: dropdown\nBecause.\n```\n\n## Second\n\n"
        + CELL.format("y = x + 1")
    )
    status, log, _ = build(tmp_path, {"sections": page})
    assert status == 0, log


def build_chapter(tmp_path, body: str):
    """A one-chapter book whose chapter is answer/scratch.md, its sections numbered."""
    return build(tmp_path, {"answer/scratch": body}, numbered=True)


def test_a_chapter_becomes_a_notebook_with_its_numbers_resolved(tmp_path):
    body = (
        "# Scratch\n\n```{math}\n:label: eq-s\nx = 1\n```\n\nSee {eq}`eq-s`; the value is "
        "{glue:text}`s-v`, and {ref}`sec-s-more` says more.\n\n"
        + "```{code-cell} python\n:tags: [remove-cell]\n"
        "from npbackprop._book import claim\nclaim('s-v', 6 * 7)\n```\n\n"
        "(sec-s-more)=\n## More\n\nThe end.\n"
    )
    status, log, out = build_chapter(tmp_path, body)
    assert status == 0, log
    import json

    nb = json.loads((out / "_sources" / "answer" / "scratch.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "See (1.1); the value is 42, and §1.1 More says more." in text, text
    assert "\\tag{1.1}" in text
    # the hidden cell stays where the page has it (before the section), its output folded
    kinds = [c["cell_type"] for c in nb["cells"]]
    hidden = next(c for c in nb["cells"] if "claim('s-v'" in "".join(c["source"]))
    assert "".join(nb["cells"][kinds.index("code", 3) + 1]["source"]).startswith("## More")
    assert hidden["metadata"]["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert "_sources/answer/scratch.ipynb" in (out / "answer" / "scratch.html").read_text()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("# Scratch\n\nA footnote[^n].\n\n[^n]: its text\n\n" + CELL.format("x = 1"), "footnote"),
        (
            "# Scratch\n\n" + CELL.format("text = open('data.csv').read() if False else ''"),
            "reads a file with open(...)",
        ),
        (
            "# Scratch\n\n"
            + CELL.format(
                "from npbackprop._book import load_record\n"
                "r = load_record('missing.json') if False else {}"
            ),
            "reads missing.json, which does not exist",
        ),
    ],
    ids=["an unknown construct", "a file read with open()", "a record that is not there"],
)
def test_what_a_notebook_cannot_carry_fails_the_build_naming_the_page(tmp_path, body, says):
    status, log, _ = build_chapter(tmp_path, body)
    assert status != 0
    assert re.search(rf"answer/scratch[^\n]*{re.escape(says)}", log), log[-3000:]


@pytest.mark.skipif(not (SITE / "index.html").exists(), reason="build the book first: make html")
def test_no_two_sources_share_a_citation_label():
    """An author-year label names one entry of the bibliography: two sources by the same authors
    in the same year are told apart by a letter (2026a, 2026b), as author-year styles do."""
    entries: dict[str, set[str]] = {}
    for page in SITE.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for target, label in re.findall(
            r'<a class="reference internal" href="[^"]*bibliography\.html#([\w-]+)"[^>]*>(.*?)</a>',
            html,
            re.DOTALL,
        ):
            entries.setdefault(re.sub(r"<[^>]+>", "", label), set()).add(target)
    assert len(entries) > 15, "the citations were not found"
    shared = {label: sorted(t) for label, t in entries.items() if len(t) > 1}
    assert not shared, f"one label, several sources: {shared}"


def test_a_changed_bibliography_entry_reaches_the_pages_that_cite_it(tmp_path):
    """Change an entry's year in the .bib file and build again without touching the pages:
    the citing page shows the new label (sphinxcontrib-bibtex alone rewrites only the
    bibliography's own page)."""
    bib = tmp_path / "refs.bib"
    entry = "@misc{{src, author = {{Ada Lovelace}}, title = {{Notes}}, year = {{{}}}}}\n"
    bib.write_text(entry.format("1843"))
    src = tmp_path / "src"
    src.mkdir()
    (src / "index.md").write_text("# Scratch\n\n```{toctree}\ncites\nrefs\n```\n")
    (src / "cites.md").write_text("# Cites\n\nAs shown {cite}`src`.\n")
    (src / "refs.md").write_text("# Refs\n\n```{bibliography}\n```\n")
    status, log = sphinx(tmp_path, 1, BOOK_BIBFILE=str(bib))
    assert status == 0, log
    assert "Lovelace, 1843" in (tmp_path / "html" / "cites.html").read_text()
    bib.write_text(entry.format("1843a"))
    status, log = sphinx(tmp_path, 1, BOOK_BIBFILE=str(bib))
    assert status == 0, log
    assert "Lovelace, 1843a" in (tmp_path / "html" / "cites.html").read_text()


def test_the_build_process_refuses_the_recorded_frameworks():
    """conf.py makes PyTorch, TensorFlow, Keras, JAX, optax and Opacus unimportable in the
    build (sphinx-codeautolink would import them to link a listing of the record's cases)."""
    code = (
        "import sys; sys.path.insert(0, 'conf'); import book_build\n"
        "book_build.refuse_imports('json')\n"
        "sys.modules.pop('json', None)\n"
        "try:\n    import json\nexcept ModuleNotFoundError as e:\n    print('refused:', e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert "refused: the book's build does not import 'json'" in done.stdout, done.stderr
    conf = (ROOT / "conf" / "conf.py").read_text(encoding="utf-8")
    for name in ("torch", "tensorflow", "keras", "jax", "optax", "opacus"):
        assert f'"{name}"' in conf.split("refuse_imports(")[1].split(")")[0], name


def fake_runtime(folder: Path, source: Path) -> dict[str, bytes]:
    """A runtime folder as `make wasm` leaves it, with tiny stand-ins for Pyodide and NumPy and
    an npbackprop wheel holding the modules of ``source``."""
    import hashlib
    import io
    import json
    import zipfile

    wheel = io.BytesIO()
    with zipfile.ZipFile(wheel, "w") as z:
        for path in sorted(source.rglob("*.py")):
            z.writestr("npbackprop/" + path.relative_to(source).as_posix(), path.read_bytes())
        z.writestr("npbackprop-0.1.0.dist-info/METADATA", "Name: npbackprop\n")
    files = {
        "pyodide.asm.wasm": b"\0asm",
        "numpy-2.5.5-cp314-cp314-x.whl": b"PK",
        "npbackprop-0.1.0-py3-none-any.whl": wheel.getvalue(),
    }
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    manifest = {
        "versions": {"pyodide": "314.0.8", "numpy": "2.5.5"},
        "files": [
            {"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
            for n, d in files.items()
        ],
        "total_size": sum(map(len, files.values())),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return files


def test_the_in_page_runtime_is_copied_when_built_and_named_when_not(tmp_path):
    """`make wasm`'s runtime goes into the site checked against its manifest, and
    _static/npb-runtime.js names its wheels (NumPy first); without one the build says in one
    line that the book is static, drops a runtime an earlier build left, and the pages' script
    is told there is nothing to load."""
    import json
    import shutil

    source = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "npbackprop", source, ignore=shutil.ignore_patterns("*.pyc"))
    runtime, site = tmp_path / "runtime", tmp_path / "site"
    files = fake_runtime(runtime, source)
    line = book_build.copy_runtime(site, runtime, source)
    assert line.startswith("in-page runtime: Pyodide 314.0.8, NumPy 2.5.5, 3 files")
    for name, data in files.items():
        assert (site / "_runtime" / name).read_bytes() == data
    config = (site / "_static" / "npb-runtime.js").read_text(encoding="utf-8")
    settings = json.loads(config.split("window.NPB_RUNTIME = ", 1)[1].rstrip().rstrip(";"))
    assert settings["wheels"] == ["numpy-2.5.5-cp314-cp314-x.whl",
                                  "npbackprop-0.1.0-py3-none-any.whl"]  # fmt: skip
    (runtime / "pyodide.asm.wasm").write_bytes(b"\0asm changed")  # not what the manifest says
    with pytest.raises(RuntimeError, match=r"pyodide\.asm\.wasm differs"):
        book_build.copy_runtime(site, runtime, source)
    line = book_build.copy_runtime(site, tmp_path / "never-built", source)
    assert line == "in-page runtime: not built (`make wasm` builds it); the book is static"
    assert not (site / "_runtime").exists()
    config = (site / "_static" / "npb-runtime.js").read_text(encoding="utf-8")
    assert config.rstrip().endswith("window.NPB_RUNTIME = null;")


def test_a_runtime_built_from_older_sources_fails_the_build(tmp_path):
    """The page must run the package the book was built with: a changed, added or removed
    module of src/npbackprop after `make wasm` fails the build and says what to run."""
    import shutil

    source = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "npbackprop", source, ignore=shutil.ignore_patterns("*.pyc"))
    fake_runtime(tmp_path / "runtime", source)
    site = tmp_path / "site"
    book_build.copy_runtime(site, tmp_path / "runtime", source)  # the same sources: fine
    for change, name in (
        (lambda: (source / "losses.py").write_text("# changed\n"), "npbackprop/losses.py"),
        (lambda: (source / "extra.py").write_text("x = 1\n"), "npbackprop/extra.py"),
        (lambda: (source / "_page.py").unlink(), "npbackprop/_page.py"),
    ):
        change()
        with pytest.raises(RuntimeError, match=rf"other sources .*{name}.*run `make wasm`"):
            book_build.copy_runtime(site, tmp_path / "runtime", source)
