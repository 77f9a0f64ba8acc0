"""House rules of the book's sources that a build cannot see, checked on the text of docs/.

Each failure message says how to fix it; docs/appendix/style.md writes the rules down.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOT_BUILT = {"_template.md"}  # see exclude_patterns in conf/conf.py

#: Each chapter's prefix, for its glue keys and exercise labels (equation labels are named for
#: what they say; Sphinx checks that they are unique). A new chapter adds its line here.
PREFIXES = {
    "answer/question.md": "q",
    "answer/notation.md": "n",
    "answer/one-example.md": "one",
    "answer/batch.md": "b",
    "answer/why-defer.md": "d",
    "answer/check-your-own.md": "cy",
    "training/training.md": "t",
    "practice/deep.md": "deep",
    "practice/losses.md": "l",
    "practice/regularization.md": "r",
    "practice/minibatches.md": "mb",
    "practice/optimizers.md": "opt",
    "practice/gradcheck.md": "gc",
    "practice/stability.md": "s",
    "practice/frameworks.md": "f",
    "practice/rosetta.md": "ro",
    "practice/libraries.md": "lib",
    "appendix/performance.md": "perf",
    "appendix/numerics.md": "num",
}

CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
GLUE_KEY = re.compile(r"""\b(?:glue|claim)\(\s*["']([^"']+)["']""")
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`]+)`")
EQ_IN_PARENS = re.compile(r"\(\s*\{eq\}|\{eq\}`[^`]*`\s*\)")
EXERCISE = re.compile(r"^:label:\s*(ex-[\w-]+)\s*$", re.MULTILINE)


def pages():
    return [p for p in sorted(DOCS.rglob("*.md")) if p.name not in NOT_BUILT]


def chapters():
    return [p for p in pages() if CODE_CELL.search(p.read_text(encoding="utf-8"))]


def name(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


@pytest.mark.parametrize("path", pages(), ids=name)
def test_no_parentheses_around_an_equation_reference(path):
    """{eq} writes its own parentheses: ({eq}`x`) renders as ((3.5))."""
    text = path.read_text(encoding="utf-8")
    # a literal example in a ``double-backtick`` code span (the house style shows one) is fine
    text = re.sub(r"``.*?``", lambda m: " " * len(m.group(0)), text)
    hits = [
        f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for m in re.finditer(EQ_IN_PARENS, text)
    ]
    assert not hits, (
        f"docs/{name(path)}: {{eq}} already writes the parentheses, so ({{eq}}`...`) shows "
        f"'((3.5))'; write {{eq}}`...` alone: {hits}"
    )


@pytest.mark.parametrize("path", chapters(), ids=name)
def test_chapter_has_a_prefix(path):
    assert name(path) in PREFIXES, (
        f"docs/{name(path)} has code cells but no prefix: add it to PREFIXES in "
        f"tests/test_book_sources.py, and start its glue keys and exercise labels with it"
    )


def test_prefixes_are_distinct():
    assert len(set(PREFIXES.values())) == len(PREFIXES), PREFIXES


@pytest.mark.parametrize("path", chapters(), ids=name)
def test_glue_keys_and_exercise_labels_carry_the_chapter_prefix(path):
    """Glue keys are global to the book: a prefix per chapter keeps two chapters from
    silently sharing one. Exercise labels likewise."""
    prefix = PREFIXES.get(name(path))
    if prefix is None:
        pytest.skip("no prefix (test_chapter_has_a_prefix fails)")
    text = path.read_text(encoding="utf-8")
    keys = set(GLUE_KEY.findall(text)) | set(GLUE_ROLE.findall(text))
    wrong = sorted(k for k in keys if not k.startswith(f"{prefix}-"))
    assert not wrong, f"docs/{name(path)}: glue keys must start with '{prefix}-': {wrong}"
    labels = EXERCISE.findall(text)
    wrong = sorted(label for label in labels if not label.startswith(f"ex-{prefix}-"))
    assert not wrong, f"docs/{name(path)}: exercise labels must start with 'ex-{prefix}-': {wrong}"


@pytest.mark.parametrize("path", chapters(), ids=name)
def test_chapters_glue_through_claim(path):
    """Every glued value goes through npbackprop._book.claim, which formats it as text and
    asserts what the prose says about it; a bare glue() is how a claim goes unchecked."""
    text = path.read_text(encoding="utf-8")
    cells = CODE_CELL.findall(text)
    bare = [line.strip() for cell in cells for line in cell.splitlines() if "glue(" in line]
    assert not bare, (
        f"docs/{name(path)} calls glue() directly: use claim(key, value, fmt, holds=..., "
        f"says=...) from npbackprop._book in a hidden cell instead: {bare[:3]}"
    )
    if GLUE_ROLE.search(text):
        assert "from npbackprop._book import" in text, (
            f"docs/{name(path)} shows glued values but never imports claim from npbackprop._book"
        )


def test_the_checks_see_a_bad_page(tmp_path):
    """The patterns above find what they are meant to find."""
    text = "See ({eq}`eq-x`).\n\n```{code-cell} python\nglue('x-1', 1)\nclaim('y-2', 2)\n```\n"
    assert EQ_IN_PARENS.search(text)
    assert set(GLUE_KEY.findall(text)) == {"x-1", "y-2"}
    assert CODE_CELL.findall(text) == ["glue('x-1', 1)\nclaim('y-2', 2)\n"]
    assert GLUE_ROLE.findall("a {glue:text}`q-m` b {glue}`q-n`") == ["q-m", "q-n"]


def visible_code_lines(text: str):
    """(line number, line) of the code in every cell a reader sees: all cells but those tagged
    remove-cell or remove-input (hide-input cells can be opened), without their options."""
    for match in CODE_CELL.finditer(text):
        lines = match.group(1).splitlines()
        options = " ".join(line for line in lines if line.startswith(":"))
        if "remove-cell" in options or "remove-input" in options:
            continue
        first = text.count("\n", 0, match.start()) + 2
        yield from ((first + i, line) for i, line in enumerate(lines) if not line.startswith(":"))


@pytest.mark.parametrize("path", chapters(), ids=name)
def test_visible_code_lines_fit_the_page(path):
    """80 columns is what a phone shows of a visible code line without cutting."""
    text = path.read_text(encoding="utf-8")
    long = [
        f"line {n} ({len(line)} columns)" for n, line in visible_code_lines(text) if len(line) > 80
    ]
    assert not long, (
        f"docs/{name(path)}: visible code lines over 80 columns, which a phone cuts; wrap them "
        f"or move plumbing into a hidden cell: {long}"
    )


# What a learner would not write: the book's gluing and checking, Markdown tables, asserts.
PLUMBING = re.compile(
    r"(?<![\w.])(glue|claim|check|Markdown|load_record)\(|\bmyst_nb\b|npbackprop\._book"
    r"|\bIPython\b|^\s*assert\b",
    re.MULTILINE,
)


def plumbing_in_visible_cells(text: str) -> list[str]:
    return [
        f"line {n}: {line.strip()}" for n, line in visible_code_lines(text) if PLUMBING.search(line)
    ]


@pytest.mark.parametrize("path", chapters(), ids=name)
def test_visible_code_holds_only_what_a_learner_would_write(path):
    """Cells a reader can see (hide-input ones included, they open) and copy hold no gluing,
    no claims or checks, no Markdown tables and no asserts: those go in remove-cell or
    remove-input cells, so copied code runs anywhere."""
    found = plumbing_in_visible_cells(path.read_text(encoding="utf-8"))
    assert not found, f"docs/{name(path)}: book plumbing in a visible cell: {found}"


def test_the_plumbing_check_sees_plumbing():
    page = (
        "```{code-cell} python\nx = 1\nclaim('q-x', x)\n```\n\n"
        "```{code-cell} python\n:tags: [hide-input]\nfrom myst_nb import glue\n```\n\n"
        "```{code-cell} python\n:tags: [remove-cell]\ncheck(x == 1, 'one')\n```\n\n"
        "```{code-cell} python\nr = gradcheck.check_network(p, X, Y)\nassert r.passed\n```\n"
    )
    assert plumbing_in_visible_cells(page) == [
        "line 3: claim('q-x', x)",
        "line 8: from myst_nb import glue",
        "line 18: assert r.passed",
    ]


def figure_cells(text: str) -> list[tuple[int, str, str]]:
    """(line, options, code) of each code cell that draws a figure, and the code that follows it
    up to the next figure (where its check_figure call is)."""
    cells = list(CODE_CELL.finditer(text))
    found = []
    for k, match in enumerate(cells):
        body = match.group(1)
        if "plt.subplots(" not in body:
            continue
        options = "\n".join(line for line in body.splitlines() if line.startswith(":"))
        rest = [body]
        for later in cells[k + 1 :]:
            if "plt.subplots(" in later.group(1):
                break
            rest.append(later.group(1))
        found.append((text.count("\n", 0, match.start()) + 1, options, "\n".join(rest)))
    return found


@pytest.mark.parametrize(
    "path", [p for p in chapters() if "plt.subplots(" in p.read_text()], ids=name
)
def test_every_figure_is_checked_for_a_phone_and_described(path):
    """Each figure is followed by npbackprop._book.check_figure (its text reads at 390 px, no
    legend covers data, the background is opaque) and carries alt text for screen readers."""
    text = path.read_text(encoding="utf-8")
    assert "figure_style()" in text, f"docs/{name(path)}: call figure_style() in its first cells"
    for line, options, code in figure_cells(text):
        assert "check_figure(" in code, f"docs/{name(path)}:{line}: a figure without check_figure"
        assert re.search(r"^:\s+alt: .{20,}", options, re.MULTILINE), (
            f"docs/{name(path)}:{line}: a figure without alt text (:mystnb: image: alt:)"
        )
