"""Sphinx configuration of the book "Where does the 1/m go?".

Built with ``sphinx-build -nW --keep-going -c conf docs _build/html`` (see the Makefile).
Paths here are relative to this folder, ``conf/``.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # the local extension book_build.py

import book_build  # noqa: E402

# The frameworks whose outputs the book shows from committed records are never imported by the
# build: sphinx-codeautolink imports the modules a code listing names to resolve its links, and
# a listing of the record's cases names them all (TensorFlow alone takes seconds and logs to
# stderr). Here they import as if absent, so the listings simply get no links for them.
book_build.refuse_imports("torch", "tensorflow", "keras", "jax", "jaxlib", "optax", "opacus")

# -- Project ------------------------------------------------------------------------------------
project = "Where does the 1/m go?"
author = "the npbackprop authors"
copyright = "2026, the npbackprop authors"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinx_togglebutton",
    "sphinx_exercise",
    "sphinxcontrib.bibtex",
    "sphinx_codeautolink",
    "book_build",
    "notebooks",
]
exclude_patterns = ["_template.md", "**/.ipynb_checkpoints"]
nitpicky = True  # -n: every cross-reference must resolve
# ...except the prose types of numpydoc sections ("ndarray, shape (n, m)", "dict of str to
# float"), which napoleon turns into class references. References to npbackprop's own
# classes stay checked. (No intersphinx: the build is offline, so NumPy's names cannot resolve.)
nitpick_ignore_regex = [("py:class", r"(?!npbackprop\.).*")]

# -- MyST and MyST-NB -----------------------------------------------------------------------------
myst_enable_extensions = ["amsmath", "dollarmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3

# Execution: cached, never stale (book_build.py explains the mechanism).
npbackprop_source_hash = book_build.source_hash(
    ROOT / "src" / "npbackprop",
    # the Performance appendix reads the recorded results and renders them with bench/
    ROOT / "docs" / "appendix" / "performance.json",
    ROOT / "bench" / "run.py",
    ROOT / "bench" / "book.py",
    # PyTorch's recorded outputs, which the Frameworks and Rosetta chapters compare with
    ROOT / "docs" / "practice" / "pytorch-record.json",
    # and Keras's, TensorFlow's, JAX's and Opacus's, which "After PyTorch" compares with
    ROOT / "docs" / "practice" / "libraries-record.json",
)
nb_execution_mode = os.environ.get("BOOK_EXECUTION_MODE", "cache")
nb_execution_cache_path = str(
    book_build.prepare_cache(
        Path(os.environ.get("BOOK_CACHE_DIR", ROOT / "_build" / ".jupyter_cache")),
        npbackprop_source_hash,
    )
)
# Per cell, in seconds. The slowest cell of the book, practice/optimizers.md's sweep of learning
# rates, takes 36 s on its own (the whole chapter 39 s; 50 s in `make html` on two cores, where
# the chapters run side by side; measured 2026-12): 120 s leaves it three times that, and an
# endless loop fails the build in two minutes, "timed out after 120 s", with its page and cell
# (book_build.report_timeout). BOOK_CELL_TIMEOUT: another limit, for the build's own tests.
nb_execution_timeout = int(os.environ.get("BOOK_CELL_TIMEOUT", "120"))
# A failing cell: its traceback goes to the build log and becomes a warning, so with
# -W --keep-going the other chapters still build and the exit status is non-zero.
nb_execution_raise_on_error = False
nb_execution_show_tb = True
nb_execution_allow_errors = False
# Anything a cell writes to stderr is a warning (so an error under -W) unless the cell is
# tagged `remove-stderr`. MyST-NB only renders it ("show"); book_build.report_stderr_text
# warns, with the text and the cell's line in the log.
nb_output_stderr = "show"
nb_merge_streams = False
# Markdown that cells display (e.g. tables of results) is rendered as MyST, which has tables;
# the default, CommonMark, shows a table's pipes as text.
nb_render_markdown_format = "myst"

# -- Math: numbered per chapter, MathJax 3 served from the site --------------------------------
numfig = True
math_numfig = True
numfig_secnum_depth = 1
math_eqref_format = "({number})"
numfig_format = {"section": "Chapter %s"}  # {numref}`sec-notation` -> "Chapter 2"
mathjax_path = "mathjax/tex-chtml.js"  # relative to _static; copied there by book_build.py
mathjax3_config = {
    "tex": {"tags": "none"},  # Sphinx numbers the equations itself
    "options": {"enableMenu": True},
}

# -- API reference (autodoc, numpydoc-style docstrings through napoleon) ------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the numpydoc sections carry the types, with shapes
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_param = False  # types stay text ("ndarray, shape (n, m)"), not cross-references
napoleon_use_rtype = False
napoleon_use_ivar = True

# -- Names in code cells link to the API reference (sphinx-codeautolink) --------------------------
# A chapter's cells are one program: a name imported or assigned in one cell is known in the next.
codeautolink_concat_default = True
# Only our own package is documented here (the build is offline: no inventories of NumPy's docs).
codeautolink_warn_on_missing_inventory = False
codeautolink_warn_on_failed_resolve = False

# -- Bibliography --------------------------------------------------------------------------------
# BOOK_BIBFILE: another .bib file, for the build's own tests (tests/test_book_build.py)
bibtex_bibfiles = [os.environ.get("BOOK_BIBFILE", "refs.bib")]
bibtex_default_style = "unsrt"
bibtex_reference_style = "author_year"

# -- Copy button: prompts are not copied ---------------------------------------------------------
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = False

# -- HTML ----------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Where does the 1/m go?"
html_logo = "_static/logo.svg"
html_favicon = "_static/logo.svg"
html_static_path = ["_static"]
html_css_files = ["book.css"]
# The in-page Python (issue 26): npb-runtime.js is written by the build (book_build.copy_runtime)
# and says what to load, or that nothing was built; npb-run.js adds the buttons.
html_js_files = ["npb-runtime.js", ("npb-run.js", {"defer": "defer"})]
html_last_updated_fmt = None
html_show_sourcelink = False
# The repository button needs the public address of the repository; set BOOK_REPOSITORY_URL
# when publishing. Without it the button is left out rather than pointing nowhere.
_repository = os.environ.get("BOOK_REPOSITORY_URL", "")
# Follow the reader's system setting until they pick a mode. (Without this the theme starts
# from an empty mode and logs "Got invalid theme mode" as a console error.)
html_context = {"default_mode": "auto"}
html_theme_options = {
    "path_to_docs": "docs",
    "repository_url": _repository,
    "repository_branch": "main",
    "use_repository_button": bool(_repository),
    "use_issues_button": False,
    "use_edit_page_button": False,
    "use_download_button": True,
    "use_fullscreen_button": True,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "logo": {"text": "Where does the 1/m go?", "alt_text": "Where does the 1/m go? - home"},
    "navigation_with_keys": False,
    # Code colours: the theme's defaults, accessible-pygments' high-contrast styles, pass
    # WCAG contrast; "tango" and "monokai" do not (axe flags string literals).
}
