"""npbackprop._doubledouble: the reference gradients of the chapter *Numerical stability*.

The reference must not depend on the width of ``np.longdouble`` (float64 itself on Windows and
on macOS arm64), so it is checked against Python's :mod:`decimal` at 40 digits, here and with
``np.longdouble`` replaced by float64.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pytest

from npbackprop import _doubledouble as ddm
from npbackprop import datasets, initialization
from test_book_sources import CODE_CELL

CHAPTER = Path(__file__).resolve().parent.parent / "docs" / "practice" / "stability.md"
U64 = 2.0**-53


def exact(value: Decimal, x) -> float:
    """The relative error of the double-double ``x`` (one entry) against ``value``."""
    return float(abs((Decimal(float(x[0])) + Decimal(float(x[1])) - value) / value))


@pytest.mark.parametrize("z", [-35.0, -1.7, -0.3, 1e-3, 0.41, 2.5, 19.0])
def test_exp_tanh_sigmoid_carry_at_least_85_bits(z):
    with localcontext() as ctx:
        ctx.prec = 50
        d = Decimal(z)
        e = (-2 * abs(d)).exp()
        want = {
            "exp": d.exp(),
            "tanh": (1 - e) / (1 + e) * (1 if z >= 0 else -1),
            "sigmoid": 1 / (1 + (-d).exp()),
        }
        x = ddm.dd(np.array([z]))
        got = {"exp": ddm.exp(x), "tanh": ddm.tanh(x), "sigmoid": ddm.sigmoid(x)}
        for name in want:
            err = exact(want[name], (got[name][0][0], got[name][1][0]))
            assert err < 2.0**-85, f"{name}({z}): relative error {err:.1e}"


def test_two_sum_and_two_prod_are_exact():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=50) * 1e3, rng.normal(size=50) * 1e-5
    s, e = ddm.two_sum(a, b)
    p, f = ddm.two_prod(a, b)
    for i in range(50):
        da, db = Decimal(float(a[i])), Decimal(float(b[i]))
        assert Decimal(float(s[i])) + Decimal(float(e[i])) == da + db, f"two_sum, entry {i}"
        assert Decimal(float(p[i])) + Decimal(float(f[i])) == da * db, f"two_prod, entry {i}"


def small_network(m=57, seed=3):
    X, Y = datasets.planar(m=m, seed=seed)
    p = initialization.init_params([2, 5, 1], seed=seed)
    p = {k: 3 * v + 0.1 for k, v in p.items()}  # confident outputs, nonzero biases
    return p, X, Y


def relative_error(ref, exact_pairs):
    """The largest |ref - exact| relative to the largest |exact|, over all gradients."""
    return max(
        float(np.max(np.abs((ref[k][0] - hi) + (ref[k][1] - lo))) / np.max(np.abs(hi)))
        for k, (hi, lo) in exact_pairs.items()
    )


def test_reference_gradients_agree_with_40_digit_decimal():
    p, X, Y = small_network()
    err = relative_error(ddm.reference_gradients(p, X, Y), ddm.decimal_gradients(p, X, Y))
    assert err < 1e-6 * U64, f"the double-double reference is off by {err / U64:.1e} u"


def chapter_cell(marker: str) -> str:
    """The code of the chapter's cell that contains ``marker``."""
    cells = [m.group(1) for m in CODE_CELL.finditer(CHAPTER.read_text(encoding="utf-8"))]
    (cell,) = [c for c in cells if marker in c]
    return "\n".join(line for line in cell.splitlines() if not line.startswith(":"))


def test_the_chapters_reference_holds_where_longdouble_is_float64(monkeypatch):
    """On Windows and macOS arm64 np.longdouble is float64. With it replaced by float64 here,
    the chapter's reference cell still measures a float64 gradient against a reference accurate
    to far below float64's unit roundoff; the reference the chapter used before (plain NumPy in
    np.longdouble) does not."""
    monkeypatch.setattr(np, "longdouble", np.float64)
    assert np.finfo(np.longdouble).nmant == 52
    namespace = {"np": np}
    exec(chapter_cell("def error(g, ref)"), namespace)  # the chapter's reference cell, as is
    p, X, Y = small_network(m=301)
    exact_pairs = ddm.decimal_gradients(p, X, Y)
    ref = namespace["reference_gradients"](p, X, Y)
    assert relative_error(ref, exact_pairs) < 1e-6 * U64
    # the chapter's error() of the exact gradient rounded to float64 is at most half a unit
    rounded = {k: hi + lo for k, (hi, lo) in exact_pairs.items()}
    assert namespace["error"](rounded, ref) <= U64

    def longdouble_reference(p, X, Y):  # the chapter's former reference
        L = np.longdouble
        W1, b1, W2, b2 = (p[k].astype(L) for k in ("W1", "b1", "W2", "b2"))
        X, Y = X.astype(L), Y.astype(L)
        m = X.shape[1]
        A1 = np.tanh(W1 @ X + b1)
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        dZ2 = A2 - Y
        dZ1 = (W2.T @ dZ2) * (1 - A1**2)
        grads = {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m,
                 "dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m}  # fmt: skip
        return {k: (np.asarray(v, dtype=np.float64), np.zeros(v.shape)) for k, v in grads.items()}

    old = relative_error(longdouble_reference(p, X, Y), exact_pairs)
    assert old > 1e-3 * U64, "np.longdouble as float64 should make the old reference coarse"


def test_the_chapter_computes_nothing_in_longdouble():
    text = CHAPTER.read_text(encoding="utf-8")
    cells = [m.group(1) for m in CODE_CELL.finditer(text)]
    assert not [c for c in cells if "longdouble" in c], "a stability cell uses np.longdouble"
