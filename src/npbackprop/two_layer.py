"""The course's one-hidden-layer network, one line per equation of the book.

tanh hidden layer, sigmoid output, binary cross-entropy, examples as columns. Each line of
:func:`forward`, :func:`cost` and :func:`backward` ends with the label of the book equation it
implements (:data:`EQUATIONS`), so the book and the code can be read side by side. The only
difference between the conventions is two scale factors, taken from
:mod:`npbackprop.conventions` (equation ``eq-scales``):

* ``s_Z``, in ``dZ2 = s_Z (A2 - Y)``: 1 (deferred), 1/m (absorbed), 1 (sum);
* ``s_W``, in ``dW = s_W dZ A_prevᵀ`` and ``db = s_W Σ dZ``: 1/m (deferred), 1 (absorbed),
  1 (sum).

Examples
--------
>>> from npbackprop.datasets import planar
>>> X, Y = planar(m=400, seed=1)
>>> params = init_params(2, 4, 1, seed=2)
>>> A2, cache = forward(X, params)
>>> bool(abs(cost(A2, Y) - np.log(2)) < 1e-3)   # tiny initial weights predict ≈ 0.5 everywhere
True
>>> grads = backward(params, cache, X, Y)
>>> sorted(grads)
['dW1', 'dW2', 'dZ1', 'dZ2', 'db1', 'db2']
"""

from __future__ import annotations

import numpy as np

from npbackprop import conventions
from npbackprop._validate import (
    as_array,
    as_targets,
    check_params,
    check_seed,
    check_shape,
    short_repr,
)
from npbackprop.activations import sigmoid
from npbackprop.losses import binary_cross_entropy, check_labels

__all__ = ["EQUATIONS", "backward", "cost", "forward", "init_params", "predict"]

#: The book's equation labels that this module implements, with the equation in plain text.
#: The book defines each label with ``:label:``; tests check both sides.
EQUATIONS = {
    "eq-z1": "Z1 = W1 X + b1",
    "eq-a1": "A1 = tanh(Z1)",
    "eq-z2": "Z2 = W2 A1 + b2",
    "eq-a2": "A2 = σ(Z2)",
    "eq-cost": "J = -(1/m) Σᵢ [y⁽ⁱ⁾ log a2⁽ⁱ⁾ + (1 - y⁽ⁱ⁾) log(1 - a2⁽ⁱ⁾)]",
    "eq-scales": "s_Z, s_W = (1, 1/m) deferred; (1/m, 1) absorbed; (1, 1) sum",
    "eq-dz2": "dZ2 = s_Z (A2 - Y)",
    "eq-dw2": "dW2 = s_W dZ2 A1ᵀ",
    "eq-db2": "db2 = s_W Σ_cols dZ2",
    "eq-dz1": "dZ1 = W2ᵀ dZ2 ⊙ (1 - A1²)",
    "eq-dw1": "dW1 = s_W dZ1 Xᵀ",
    "eq-db1": "db1 = s_W Σ_cols dZ1",
}


def init_params(n_x: int, n_h: int, n_y: int, seed: int = 2) -> dict:
    """Small random weights and zero biases, on the course's scale for this network.

    The scale is the course's (0.01 · N(0, 1)); the numbers are not, since the generator is
    ``numpy.random.default_rng`` rather than the course's ``np.random.seed(2); randn``.

    Parameters
    ----------
    n_x, n_h, n_y : int
        Sizes of the input, hidden and output layers.
    seed : int >= 0, numpy.random.Generator or None
        Seed for ``numpy.random.default_rng``; the same seed gives the same weights.

    Returns
    -------
    dict
        ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (n_y, n_h), ``b2`` (n_y, 1); weights are
        standard normal × 0.01, biases zero.

    Examples
    --------
    >>> p = init_params(2, 4, 1)
    >>> {k: v.shape for k, v in p.items()}
    {'W1': (4, 2), 'b1': (4, 1), 'W2': (1, 4), 'b2': (1, 1)}
    """
    for name, n in (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)):
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ValueError(
                f"{name} must be a positive integer (a layer size); got {short_repr(n)}"
            )
    rng = np.random.default_rng(check_seed(seed))
    return {
        "W1": rng.standard_normal((n_h, n_x)) * 0.01,
        "b1": np.zeros((n_h, 1)),
        "W2": rng.standard_normal((n_y, n_h)) * 0.01,
        "b2": np.zeros((n_y, 1)),
    }


def _checked(X, params):
    X = as_array(X, "X")
    dims, params = check_params(params, n_x=X.shape[0])
    if len(dims) != 3:
        raise ValueError(
            f"two_layer needs exactly 2 layers (W1, b1, W2, b2); got {len(dims) - 1} layer(s). "
            "Use npbackprop.network for other depths."
        )
    return X, params


def forward(X: np.ndarray, params: dict) -> tuple[np.ndarray, dict]:
    """Forward propagation: tanh hidden layer, sigmoid output.

    .. math::

        Z^{[1]} = W^{[1]} X + b^{[1]}, \\quad A^{[1]} = \\tanh(Z^{[1]}), \\quad
        Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}, \\quad A^{[2]} = \\sigma(Z^{[2]})

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
        Inputs, one example per column.
    params : dict
        ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2`` (n_y, n_h), ``b2`` (n_y, 1).

    Returns
    -------
    A2 : ndarray, shape (n_y, m)
        Predicted probabilities.
    cache : dict
        ``Z1, A1`` (n_h, m) and ``Z2, A2`` (n_y, m), for :func:`backward`.

    Examples
    --------
    >>> X = np.array([[1.0, -1.0], [2.0, 0.5]])
    >>> p = {"W1": np.ones((3, 2)), "b1": np.zeros((3, 1)),
    ...      "W2": np.ones((1, 3)), "b2": np.zeros((1, 1))}
    >>> A2, cache = forward(X, p)
    >>> cache["Z1"][0], A2.round(4)       # σ(3 tanh 3), σ(3 tanh(-0.5))
    (array([ 3. , -0.5]), array([[0.9519, 0.2   ]]))
    """
    X, params = _checked(X, params)
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = W1 @ X + b1  # eq-z1   (n_h, n_x) @ (n_x, m) -> (n_h, m)
    A1 = np.tanh(Z1)  # eq-a1
    Z2 = W2 @ A1 + b2  # eq-z2   (n_y, n_h) @ (n_h, m) -> (n_y, m)
    A2 = sigmoid(Z2)  # eq-a2
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def cost(A2: np.ndarray, Y: np.ndarray) -> float:
    """The mean binary cross-entropy ``J`` over the m examples.

    .. math:: J = -\\frac{1}{m} \\sum_{i=1}^{m}
              \\left[ y^{(i)} \\log a^{[2](i)} + (1 - y^{(i)}) \\log(1 - a^{[2](i)}) \\right]

    Parameters
    ----------
    A2 : ndarray, shape (1, m)
        Predicted probabilities.
    Y : ndarray, shape (1, m)
        Labels in {0, 1}.

    Returns
    -------
    float

    Examples
    --------
    >>> round(cost(np.array([[0.8, 0.1]]), np.array([[1, 0]])), 6)  # (-log 0.8 - log 0.9) / 2
    0.164252
    """
    # checked there: probabilities in [0, 1], labels in {0, 1}, the same shape
    per_example = binary_cross_entropy(A2, Y)
    m = per_example.shape[-1]
    return float(np.sum(per_example, dtype=np.float64) / m)  # eq-cost


def backward(
    params: dict, cache: dict, X: np.ndarray, Y: np.ndarray, convention: str = "deferred"
) -> dict:
    """Backward propagation, equation by equation, in any of the three conventions.

    .. math::

        dZ^{[2]} = s_Z (A^{[2]} - Y), \\quad dW^{[2]} = s_W\\, dZ^{[2]} A^{[1]T}, \\quad
        db^{[2]} = s_W \\textstyle\\sum_{\\text{cols}} dZ^{[2]},

        dZ^{[1]} = W^{[2]T} dZ^{[2]} \\odot (1 - A^{[1]2}), \\quad
        dW^{[1]} = s_W\\, dZ^{[1]} X^T, \\quad
        db^{[1]} = s_W \\textstyle\\sum_{\\text{cols}} dZ^{[1]}

    with ``(s_Z, s_W) = (1, 1/m)`` deferred, ``(1/m, 1)`` absorbed, ``(1, 1)`` sum.

    Parameters
    ----------
    params : dict
        ``W1, b1, W2, b2``.
    cache : dict
        From :func:`forward`: ``Z1, A1, Z2, A2``.
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (n_y, m)
        Labels in {0, 1}.
    convention : {"deferred", "absorbed", "sum"}
        What ``dZ`` means; see :mod:`npbackprop.conventions`.

    Returns
    -------
    dict
        ``dZ2`` (n_y, m), ``dW2`` (n_y, n_h), ``db2`` (n_y, 1), ``dZ1`` (n_h, m),
        ``dW1`` (n_h, n_x), ``db1`` (n_h, 1).

    Examples
    --------
    >>> from npbackprop.datasets import planar
    >>> X, Y = planar(m=8, seed=0)
    >>> params = init_params(2, 3, 1, seed=0)
    >>> A2, cache = forward(X, params)
    >>> d = backward(params, cache, X, Y, "deferred")
    >>> a = backward(params, cache, X, Y, "absorbed")
    >>> s = backward(params, cache, X, Y, "sum")

    Deferred (the course) and absorbed (the learner, autograd) give the same dW and db:

    >>> all(np.allclose(d[k], a[k], rtol=1e-14, atol=0) for k in ("dW1", "db1", "dW2", "db2"))
    True

    Their dZ differ by exactly m = 8, at both layers:

    >>> all(np.allclose(d[k], 8 * a[k], rtol=1e-14, atol=0) for k in ("dZ1", "dZ2"))
    True

    The summed cost's gradients are m times the mean ones; its dZ equals the deferred dZ:

    >>> all(np.allclose(s[k], 8 * d[k], rtol=1e-14, atol=0) for k in ("dW1", "db1", "dW2", "db2"))
    True
    >>> all(np.array_equal(s[k], d[k]) for k in ("dZ1", "dZ2"))
    True

    With one example (m = 1) all three coincide — the course's single-example formulas:

    >>> x, y = X[:, :1], Y[:, :1]
    >>> A2, cache = forward(x, params)
    >>> one = [backward(params, cache, x, y, c) for c in ("deferred", "absorbed", "sum")]
    >>> all(np.allclose(one[0][k], g[k], rtol=1e-15, atol=0) for g in one for k in one[0])
    True
    """
    X, params = _checked(X, params)
    m = X.shape[1]
    if not hasattr(cache, "keys") or not {"A1", "A2"} <= set(cache):
        got = sorted(cache) if hasattr(cache, "keys") else type(cache).__name__
        raise ValueError(f"cache must be the dict from forward, with A1 and A2; got {got}")
    A1, A2 = as_array(cache["A1"], "cache['A1']"), as_array(cache["A2"], "cache['A2']")
    Y = as_targets(Y, A2.dtype)
    check_shape(Y, (params["W2"].shape[0], m), "Y", "(n_y, m) with n_y from W2 and m from X")
    check_labels(Y, "sigmoid")
    check_shape(A1, (params["W1"].shape[0], m), "cache['A1']", "(n_h, m)")
    check_shape(A2, Y.shape, "cache['A2']", "the shape of Y")
    # the ranges of tanh and the sigmoid, as cost checks A2's: a cache from elsewhere is caught
    for name, A, low in (("A1", A1, -1.0), ("A2", A2, 0.0)):
        if A.min() < low or A.max() > 1:
            raise ValueError(
                f"cache['{name}'] must hold values in [{low:g}, 1] (the range of "
                f"{'tanh' if name == 'A1' else 'the sigmoid'}); got values from "
                f"{float(A.min())!r} to {float(A.max())!r}"
            )
    return _backward(params["W2"], A1, A2, X, Y, convention)


def _backward(W2, A1, A2, X, Y, convention):
    """The book's equations: what :func:`backward` runs after its input checks."""
    m = X.shape[1]
    s_Z = conventions.output_scale(convention, m)  # eq-scales
    s_W = conventions.param_scale(convention, m)  # eq-scales

    dZ2 = s_Z * (A2 - Y)  # eq-dz2  (n_y, m)
    dW2 = s_W * (dZ2 @ A1.T)  # eq-dw2  (n_y, n_h)
    db2 = s_W * np.sum(dZ2, axis=1, keepdims=True)  # eq-db2
    dZ1 = (W2.T @ dZ2) * (1 - A1**2)  # eq-dz1  (n_h, m)
    dW1 = s_W * (dZ1 @ X.T)  # eq-dw1  (n_h, n_x)
    db1 = s_W * np.sum(dZ1, axis=1, keepdims=True)  # eq-db1
    return dict(dZ2=dZ2, dW2=dW2, db2=db2, dZ1=dZ1, dW1=dW1, db1=db1)


def predict(params: dict, X: np.ndarray) -> np.ndarray:
    """Class predictions: 1 where ``A2 > 0.5``, else 0 (the course's ``predict(parameters, X)``).

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n_x, m)

    Returns
    -------
    ndarray of int, shape (n_y, m)

    Examples
    --------
    >>> p = {"W1": np.eye(2), "b1": np.zeros((2, 1)),
    ...      "W2": np.array([[1.0, -1.0]]), "b2": np.zeros((1, 1))}
    >>> predict(p, np.array([[2.0, -1.0], [0.0, 1.0]]))
    array([[1, 0]])
    """
    A2, _ = forward(X, params)
    return (A2 > 0.5).astype(int)
