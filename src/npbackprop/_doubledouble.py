"""Double-double arithmetic on NumPy arrays, for the book's reference gradients.

Not part of the package's API. A double-double number is a pair ``(hi, lo)`` of float64 arrays
whose unevaluated sum ``hi + lo`` carries about 106 significant bits (``|lo| <= ulp(hi) / 2``).
The chapter *Numerical stability* measures float64, float32, float16 and bfloat16 gradients
against a reference computed this way, so that the reference does not depend on the width of
``np.longdouble`` (80 bits on x86 Linux, but float64 itself on Windows and on macOS arm64).
The building blocks are Knuth's TwoSum and Dekker's TwoProduct, exact in float64; ``exp`` uses
argument reduction and a Taylor series; sums over the examples use :func:`math.fsum`.

Examples
--------
>>> import numpy as np
>>> from npbackprop._doubledouble import exp, two_sum
>>> two_sum(np.float64(1.0), np.float64(2.0**-60))      # 1 + 2^-60: both parts kept
(np.float64(1.0), np.float64(8.673617379884035e-19))
>>> hi, lo = exp((np.array([1.0]), np.zeros(1)))
>>> f"{hi[0]:.17g} {lo[0]:.3g}"                           # e = 2.71828182845904523536...
'2.7182818284590451 1.45e-16'
"""

from __future__ import annotations

import math

import numpy as np

_SPLIT = 134217729.0  # 2^27 + 1, Dekker's splitter for float64
_LN2 = (0.6931471805599453, 2.3190468138462996e-17)  # ln 2 as a double-double


def two_sum(a, b):
    """``s, e`` with ``s = fl(a + b)`` and ``s + e = a + b`` exactly (Knuth)."""
    s = a + b
    v = s - a
    return s, (a - (s - v)) + (b - v)


def _fast_two_sum(a, b):  # |a| >= |b|
    s = a + b
    return s, b - (s - a)


def _split(a):
    c = _SPLIT * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a, b):
    """``p, e`` with ``p = fl(a * b)`` and ``p + e = a * b`` exactly (Dekker)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def dd(x):
    """A float64 array (or a number) as a double-double."""
    x = np.asarray(x, dtype=np.float64)
    return x, np.zeros_like(x)


def add(x, y):
    """``x + y`` of two double-doubles."""
    s, e = two_sum(x[0], y[0])
    t, f = two_sum(x[1], y[1])
    s, e = _fast_two_sum(s, e + t)
    return _fast_two_sum(s, e + f)


def neg(x):
    return -x[0], -x[1]


def mul(x, y):
    """``x * y`` of two double-doubles."""
    p, e = two_prod(x[0], y[0])
    return _fast_two_sum(p, e + (x[0] * y[1] + x[1] * y[0]))


def div(x, y):
    """``x / y`` of two double-doubles (long division, three quotient digits)."""
    q1 = x[0] / y[0]
    r = add(x, neg(mul(y, dd(q1))))
    q2 = r[0] / y[0]
    r = add(r, neg(mul(y, dd(q2))))
    q3 = r[0] / y[0]
    return add(_fast_two_sum(q1, q2), dd(q3))


def exp(x):
    """``e**x`` of a double-double (for ``|x| < 700``)."""
    k = np.rint(x[0] / _LN2[0])
    r = add(x, neg(add(mul(dd(k), dd(_LN2[0])), mul(dd(k), dd(_LN2[1])))))
    r = (r[0] / 512, r[1] / 512)  # exact: |r| <= ln(2)/2, so now |r| < 7e-4
    term, total = dd(np.ones_like(r[0])), dd(np.ones_like(r[0]))
    for n in range(1, 12):  # r^11 / 11! < 1e-40
        term = div(mul(term, r), dd(float(n)))
        total = add(total, term)
    for _ in range(9):  # e^r = (e^(r/512))^512
        total = mul(total, total)
    return np.ldexp(total[0], k.astype(int)), np.ldexp(total[1], k.astype(int))


def tanh(x):
    """``tanh(x)`` of a double-double: ``(1 - e^(-2|x|)) / (1 + e^(-2|x|))``, signed."""
    sign = np.where(x[0] < 0, -1.0, 1.0)
    e = exp((-2 * sign * x[0], -2 * sign * x[1]))
    t = div(add(dd(1.0), neg(e)), add(dd(1.0), e))
    return sign * t[0], sign * t[1]


def sigmoid(x):
    """``1 / (1 + e^(-x))`` of a double-double, without overflow for negative ``x``."""
    e = exp((-np.abs(x[0]), np.where(x[0] < 0, x[1], -x[1])))  # e^(-|x|)
    one_plus = add(dd(1.0), e)
    positive = div(dd(np.ones_like(e[0])), one_plus)
    negative = div(e, one_plus)
    pick = x[0] >= 0
    return np.where(pick, positive[0], negative[0]), np.where(pick, positive[1], negative[1])


def row_sums(x):
    """The sum along axis 1 of a 2-D double-double, as a double-double column: every row's
    ``hi`` and ``lo`` parts summed exactly by :func:`math.fsum`, and the result kept as the
    rounded sum plus its (rounded) remainder."""
    hi, lo = np.empty((x[0].shape[0], 1)), np.empty((x[0].shape[0], 1))
    for i in range(x[0].shape[0]):
        terms = [*x[0][i].tolist(), *x[1][i].tolist()]
        hi[i, 0] = math.fsum(terms)
        lo[i, 0] = math.fsum([*terms, -hi[i, 0]])
    return hi, lo


def reference_gradients(params, X, Y):
    """The deferred gradients of a one-hidden-layer tanh/sigmoid network with the mean binary
    cross-entropy, in double-double arithmetic: ``{"dW1": (hi, lo), ...}``.

    Parameters
    ----------
    params : dict of arrays
        ``W1`` (n1, n0), ``b1`` (n1, 1), ``W2`` (n2, n1), ``b2`` (n2, 1); any float dtype, read
        exactly (as float64).
    X : array of shape (n0, m)
    Y : array of shape (n2, m)

    Returns
    -------
    dict of (hi, lo) pairs of float64 arrays
        ``dW1, db1, dW2, db2``, each ``hi + lo`` the gradient to about 100 bits.

    Examples
    --------
    >>> import numpy as np
    >>> p = {"W1": np.array([[0.5]]), "b1": np.zeros((1, 1)),
    ...      "W2": np.array([[2.0]]), "b2": np.zeros((1, 1))}
    >>> hi, lo = reference_gradients(p, np.array([[0.0, 1.0, 3.0]]), np.ones((1, 3)))["db2"]
    >>> hi.shape, bool(hi[0, 0] < 0)
    ((1, 1), True)
    """
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2"))
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    m = X.shape[1]
    Z1 = dd(np.broadcast_to(b1, (W1.shape[0], m)))
    for k in range(X.shape[0]):
        Z1 = add(Z1, two_prod(W1[:, k : k + 1], X[k : k + 1, :]))
    A1 = tanh(Z1)
    Z2 = dd(np.broadcast_to(b2, (W2.shape[0], m)))
    for j in range(W1.shape[0]):
        Z2 = add(Z2, mul(dd(W2[:, j : j + 1]), (A1[0][j : j + 1], A1[1][j : j + 1])))
    A2 = sigmoid(Z2)
    dZ2 = add(A2, dd(-Y))
    back = dd(np.zeros_like(A1[0]))  # W2^T dZ2, (n1, m)
    for o in range(W2.shape[0]):
        back = add(back, mul(dd(W2[o : o + 1, :].T), (dZ2[0][o : o + 1], dZ2[1][o : o + 1])))
    dZ1 = mul(back, add(dd(1.0), neg(mul(A1, A1))))

    def over_m(x):
        return div(x, dd(float(m)))

    def outer(dZ, A):  # dZ A^T: one row sum per entry
        rows = [
            row_sums(mul((dZ[0][[i]], dZ[1][[i]]), (A[0][[j]], A[1][[j]])))
            for i in range(dZ[0].shape[0])
            for j in range(A[0].shape[0])
        ]
        shape = (dZ[0].shape[0], A[0].shape[0])
        return (
            np.array([r[0][0, 0] for r in rows]).reshape(shape),
            np.array([r[1][0, 0] for r in rows]).reshape(shape),
        )

    return {
        "dW1": over_m(outer(dZ1, dd(X))),
        "db1": over_m(row_sums(dZ1)),
        "dW2": over_m(outer(dZ2, A1)),
        "db2": over_m(row_sums(dZ2)),
    }


def decimal_gradients(params, X, Y, digits=40):
    """The same gradients as :func:`reference_gradients`, in Python's :mod:`decimal` with
    ``digits`` significant digits, one example at a time: slow, but more exact than a
    double-double, and sharing no code with it. Returns ``{"dW1": (hi, lo), ...}`` like
    :func:`reference_gradients`: ``hi`` the decimal result rounded to float64, ``lo`` the
    remainder, rounded.

    Examples
    --------
    >>> import numpy as np
    >>> p = {"W1": np.array([[0.5]]), "b1": np.zeros((1, 1)),
    ...      "W2": np.array([[2.0]]), "b2": np.zeros((1, 1))}
    >>> X, Y = np.array([[0.0, 1.0, 3.0]]), np.ones((1, 3))
    >>> ref = reference_gradients(p, X, Y)["dW1"]
    >>> exact = decimal_gradients(p, X, Y)["dW1"]
    >>> bool(abs((ref[0] - exact[0]) + (ref[1] - exact[1]))[0, 0] < 1e-30)
    True
    """
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = digits
        dec = {
            k: [[Decimal(float(v)) for v in row] for row in np.asarray(params[k])] for k in params
        }
        W1, b1, W2, b2 = dec["W1"], dec["b1"], dec["W2"], dec["b2"]
        n0, n1, n2 = len(W1[0]), len(W1), len(W2)
        m = X.shape[1]
        one = Decimal(1)
        dW1 = [[Decimal(0)] * n0 for _ in range(n1)]
        db1 = [Decimal(0)] * n1
        dW2 = [[Decimal(0)] * n1 for _ in range(n2)]
        db2 = [Decimal(0)] * n2
        for i in range(m):
            x = [Decimal(float(v)) for v in X[:, i]]
            y = [Decimal(float(v)) for v in Y[:, i]]
            a1 = []
            for j in range(n1):
                z = b1[j][0] + sum(W1[j][k] * x[k] for k in range(n0))
                e = (-2 * abs(z)).exp()
                a1.append((one - e) / (one + e) * (1 if z >= 0 else -1))
            dz2 = []
            for o in range(n2):
                z = b2[o][0] + sum(W2[o][j] * a1[j] for j in range(n1))
                dz2.append(one / (one + (-z).exp()) - y[o])
            for o in range(n2):
                db2[o] += dz2[o]
                for j in range(n1):
                    dW2[o][j] += dz2[o] * a1[j]
            for j in range(n1):
                dz1 = sum(W2[o][j] * dz2[o] for o in range(n2)) * (one - a1[j] * a1[j])
                db1[j] += dz1
                for k in range(n0):
                    dW1[j][k] += dz1 * x[k]

        def pair(rows):
            hi = np.array([[float(v / m) for v in row] for row in rows])
            lo = np.array(
                [
                    [float(v / m - Decimal(h)) for v, h in zip(row, hrow, strict=True)]
                    for row, hrow in zip(rows, hi, strict=True)
                ]
            )
            return hi, lo

        return {
            "dW1": pair(dW1),
            "db1": pair([[v] for v in db1]),
            "dW2": pair(dW2),
            "db2": pair([[v] for v in db2]),
        }
