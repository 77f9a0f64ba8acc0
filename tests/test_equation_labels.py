"""Every labelled equation in the book is named by a test that verifies it.

Labels are found in docs/ (``:label: eq-...`` in a math directive, or ``$$ ... $$ (eq-...)``);
verifying tests carry ``@pytest.mark.verifies("eq-...")``. A label without such a test fails
here, by name; so does a marker naming a label the book does not define (a typo, or an equation
that was removed).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Files in docs/ that are not part of the book (see exclude_patterns in conf/conf.py).
NOT_BUILT = {"_template.md"}

LABEL = re.compile(r"^:label:\s*(eq-[\w-]+)\s*$|\$\$\s*\((eq-[\w-]+)\)", re.MULTILINE)


def book_labels() -> dict[str, str]:
    """label -> the file that defines it."""
    found = {}
    for path in sorted(DOCS.rglob("*.md")):
        if path.name in NOT_BUILT:
            continue
        for match in LABEL.finditer(path.read_text(encoding="utf-8")):
            found[match.group(1) or match.group(2)] = str(path.relative_to(ROOT))
    return found


def verified_labels() -> dict[str, list[str]]:
    """label -> the tests whose ``pytest.mark.verifies(...)`` names it."""
    verified: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr == "verifies"
                ):
                    for arg in decorator.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            verified.setdefault(arg.value, []).append(f"{path.name}::{node.name}")
    return verified


LABELS = book_labels()
VERIFIED = verified_labels()


def test_the_book_has_labelled_equations():
    assert len(LABELS) >= 9, f"expected the book's labelled equations, found {sorted(LABELS)}"


@pytest.mark.parametrize("label", sorted(LABELS))
def test_label_is_verified_by_a_test(label):
    assert label in VERIFIED, (
        f"equation {label} ({LABELS[label]}) is not verified by any test: add "
        f'@pytest.mark.verifies("{label}") to a test that checks it numerically or symbolically'
    )


@pytest.mark.parametrize("label", sorted(VERIFIED))
def test_marker_names_an_equation_of_the_book(label):
    assert label in LABELS, (
        f"{VERIFIED[label]} claim to verify {label}, which no page in docs/ defines: correct "
        f"the label in the marker, or remove the marker if the equation was removed"
    )


def test_the_scanner_finds_both_label_forms(tmp_path):
    text = "```{math}\n:label: eq-one\nx\n```\n\n$$ y $$ (eq-two)\n"
    found = {m.group(1) or m.group(2) for m in LABEL.finditer(text)}
    assert found == {"eq-one", "eq-two"}


def test_no_page_title_contains_math():
    """Titles appear in every page's sidebar, and pages without math of their own do not load
    MathJax: a formula in a title would show as raw TeX there."""
    for path in sorted(DOCS.rglob("*.md")):
        if path.name in NOT_BUILT:
            continue
        titles = re.findall(r"^# (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        assert titles, f"{path} has no title: its first heading must be '# Title'"
        assert "$" not in titles[0], (
            f"{path}: the title {titles[0]!r} contains math, which the sidebar shows as raw "
            f"TeX: write it in words"
        )
