"""One layer at a time: the course's step functions, with a ``convention`` argument.

The course's week-4 assignment builds an L-layer network from four functions with this
argument order and cache layout: :func:`linear_forward`, :func:`linear_activation_forward`,
:func:`linear_backward` and :func:`linear_activation_backward`. They are here, checked and
documented; :mod:`npbackprop.network` runs the same computation over all layers (and
re-exports these four, so ``network.linear_backward`` works as before).

Examples
--------
>>> import numpy as np
>>> A, cache = linear_activation_forward(np.ones((2, 3)), np.ones((1, 2)), np.zeros((1, 1)),
...                                      "sigmoid")
>>> dA_prev, dW, db = linear_activation_backward(np.ones((1, 3)), cache, "sigmoid")
>>> dW.shape, db.shape, dA_prev.shape
((1, 2), (1, 1), (2, 3))
"""

from __future__ import annotations

import numpy as np

from npbackprop import conventions
from npbackprop._engine import linear_grads
from npbackprop._validate import as_array, check_choice, check_shape
from npbackprop.activations import HIDDEN, activation_backward, activation_forward

__all__ = [
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
]

ACTIVATIONS = (*HIDDEN, "softmax", "identity")


def linear_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple:
    """The linear part of a layer, ``Z = W A_prev + b``.

    Parameters
    ----------
    A_prev : ndarray, shape (n_{l-1}, m)
    W : ndarray, shape (n_l, n_{l-1})
    b : ndarray, shape (n_l, 1)

    Returns
    -------
    Z : ndarray, shape (n_l, m)
    linear_cache : tuple
        ``(A_prev, W, b)``, the course's layout, for :func:`linear_backward`.

    Examples
    --------
    >>> Z, cache = linear_forward(np.ones((2, 3)), np.array([[1.0, 2.0]]), np.array([[0.5]]))
    >>> Z
    array([[3.5, 3.5, 3.5]])
    """
    A_prev, W, b = _check_linear(A_prev, W, b)
    return W @ A_prev + b, (A_prev, W, b)


def linear_backward(dZ: np.ndarray, linear_cache: tuple, convention: str = "deferred") -> tuple:
    """Gradients of one linear layer ``Z = W A_prev + b`` from ``dZ``.

    .. math::

        dW = s_W\\, dZ\\, A_{\\text{prev}}^T, \\qquad db = s_W \\textstyle\\sum_{\\text{cols}} dZ,
        \\qquad dA_{\\text{prev}} = W^T dZ

    In the ``"deferred"`` convention ``dZ`` holds per-example derivatives, so the 1/m of the
    mean cost is applied here (``s_W = 1/m``); in ``"absorbed"`` it is already inside ``dZ``
    and in ``"sum"`` there is none (``s_W = 1``). ``dA_prev`` has no 1/m in any convention: it
    inherits ``dZ``'s meaning.

    Parameters
    ----------
    dZ : ndarray, shape (n_l, m)
    linear_cache : tuple
        ``(A_prev, W, b)`` from :func:`linear_forward`.
    convention : {"deferred", "absorbed", "sum"}

    Returns
    -------
    dA_prev : ndarray, shape (n_{l-1}, m)
    dW : ndarray, shape (n_l, n_{l-1})
    db : ndarray, shape (n_l, 1)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> A_prev, W, b = rng.normal(size=(3, 4)), rng.normal(size=(2, 3)), np.zeros((2, 1))
    >>> dZ = rng.normal(size=(2, 4))           # a deferred dZ over m = 4 examples
    >>> dA_def, dW_def, db_def = linear_backward(dZ, (A_prev, W, b), "deferred")
    >>> dA_abs, dW_abs, db_abs = linear_backward(dZ / 4, (A_prev, W, b), "absorbed")

    The same dW and db from the deferred dZ and the absorbed dZ = dZ/m:

    >>> bool(np.allclose(dW_def, dW_abs) and np.allclose(db_def, db_abs))
    True

    dA_prev keeps the factor m between the conventions, so it carries on to the layer below:

    >>> bool(np.allclose(dA_def, 4 * dA_abs))
    True

    ``"sum"`` takes the same dZ as deferred but leaves out the 1/m: m times the mean gradient.

    >>> _, dW_sum, db_sum = linear_backward(dZ, (A_prev, W, b), "sum")
    >>> bool(np.allclose(dW_sum, 4 * dW_def) and np.allclose(db_sum, 4 * db_def))
    True

    With m = 1 all three conventions give the same result:

    >>> one = [linear_backward(dZ[:, :1], (A_prev[:, :1], W, b), c)
    ...        for c in ("deferred", "absorbed", "sum")]
    >>> all(np.array_equal(x, y) for r in one for x, y in zip(r, one[0]))
    True
    """
    if not isinstance(linear_cache, tuple | list) or len(linear_cache) != 3:
        raise ValueError(
            "linear_cache must be the tuple (A_prev, W, b) from linear_forward; "
            f"got {type(linear_cache).__name__} of length {_len(linear_cache)}"
        )
    A_prev, W, _ = _check_linear(*linear_cache)
    dZ = as_array(dZ, "dZ")
    check_shape(dZ, (W.shape[0], A_prev.shape[1]), "dZ", "(n_l, m) from W and A_prev")
    m = A_prev.shape[1]
    return linear_grads(dZ, A_prev, W, s_W=conventions.param_scale(convention, m), want_dA=True)


def linear_activation_forward(
    A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str
) -> tuple:
    """One whole layer, ``A = g(W A_prev + b)``.

    Parameters
    ----------
    A_prev : ndarray, shape (n_{l-1}, m)
    W : ndarray, shape (n_l, n_{l-1})
    b : ndarray, shape (n_l, 1)
    activation : {"relu", "tanh", "sigmoid", "leaky_relu", "softmax", "identity"}

    Returns
    -------
    A : ndarray, shape (n_l, m)
    cache : tuple
        ``(linear_cache, Z)``, the course's layout, for :func:`linear_activation_backward`.

    Examples
    --------
    >>> A, cache = linear_activation_forward(np.ones((2, 1)), np.array([[1.0, -3.0]]),
    ...                                      np.zeros((1, 1)), "relu")
    >>> A, cache[1]
    (array([[0.]]), array([[-2.]]))
    """
    check_choice(activation, ACTIVATIONS, "activation")
    Z, linear_cache = linear_forward(A_prev, W, b)
    return activation_forward(Z, activation), (linear_cache, Z)


def linear_activation_backward(
    dA: np.ndarray, cache: tuple, activation: str, convention: str = "deferred"
) -> tuple:
    """Gradients of one whole layer from ``dA``: ``dZ = dA ⊙ g'(Z)``, then the linear step.

    Parameters
    ----------
    dA : ndarray, shape (n_l, m)
        Gradient with respect to this layer's output, in ``convention``.
    cache : tuple
        ``(linear_cache, Z)`` from :func:`linear_activation_forward`.
    activation : {"relu", "tanh", "sigmoid", "leaky_relu", "softmax", "identity"}
    convention : {"deferred", "absorbed", "sum"}

    Returns
    -------
    dA_prev : ndarray, shape (n_{l-1}, m)
    dW : ndarray, shape (n_l, n_{l-1})
    db : ndarray, shape (n_l, 1)

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> _, cache = linear_activation_forward(rng.normal(size=(3, 5)), rng.normal(size=(2, 3)),
    ...                                      np.zeros((2, 1)), "tanh")
    >>> dA = rng.normal(size=(2, 5))
    >>> d = linear_activation_backward(dA, cache, "tanh", "deferred")
    >>> a = linear_activation_backward(dA / 5, cache, "tanh", "absorbed")
    >>> bool(np.allclose(d[1], a[1]) and np.allclose(d[2], a[2]) and np.allclose(d[0], 5 * a[0]))
    True
    """
    if not isinstance(cache, tuple | list) or len(cache) != 2:
        raise ValueError(
            "cache must be the tuple (linear_cache, Z) from linear_activation_forward; "
            f"got {type(cache).__name__} of length {_len(cache)}"
        )
    check_choice(activation, ACTIVATIONS, "activation")
    linear_cache, Z = cache
    Z = as_array(Z, "Z")
    dA = as_array(dA, "dA")
    check_shape(dA, Z.shape, "dA", "the shape of Z in the cache")
    dZ = activation_backward(dA, Z, activation)
    return linear_backward(dZ, linear_cache, convention)


def _check_linear(A_prev, W, b):
    A_prev = as_array(A_prev, "A_prev")
    W = as_array(W, "W")
    b = as_array(b, "b")
    if W.shape[1] != A_prev.shape[0]:
        raise ValueError(
            f"W has shape {W.shape}, so A_prev must have {W.shape[1]} rows (shape "
            f"({W.shape[1]}, m)); got A_prev with shape {A_prev.shape}"
        )
    check_shape(b, (W.shape[0], 1), "b", f"a column for the {W.shape[0]} rows of W")
    return A_prev, W, b


def _len(x):
    try:
        return len(x)
    except TypeError:
        return "n/a"
