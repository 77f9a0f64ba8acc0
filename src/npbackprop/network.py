"""L-layer networks: any depth, any hidden activation, any canonical output/loss pair.

Examples are columns. Layer ``l`` computes ``Z[l] = W[l] A[l-1] + b[l]`` and
``A[l] = g[l](Z[l])`` with ``A[0] = X``; hidden layers share one activation (``hidden``), the
output layer's activation (``output``) fixes the loss:

* ``"sigmoid"`` → binary cross-entropy (labels in {0, 1}),
* ``"softmax"`` → cross-entropy (one-hot targets),
* ``"identity"`` → half squared error ``½‖a - y‖²``.

The convention (``"deferred"``, ``"absorbed"``, ``"sum"``; see :mod:`npbackprop.conventions`)
decides where the 1/m of the losses' gradient goes: deferred applies it only in the linear step
(:func:`npbackprop.layers.linear_backward`), absorbed only at the output
(``dZ[L] = (A - Y)/m``), sum nowhere.
(The L2 term adds ``(λ/m) W`` to ``dW`` in both mean conventions, ``λ W`` in sum.)

The course's step functions, with the course's argument order and cache layout plus a
``convention`` argument, live in :mod:`npbackprop.layers` and are importable from here too:
``linear_forward``, ``linear_activation_forward``, ``linear_backward``,
``linear_activation_backward``. :func:`forward` and :func:`backward` do the same over all
layers; :func:`gradients` and :func:`cost` are the one-call versions. The computation itself is
in the internal module ``npbackprop._engine``.

Examples
--------
>>> from npbackprop.datasets import moons
>>> X, Y = moons(m=64, seed=0)
>>> params = init_params([2, 8, 8, 1], seed=0)
>>> grads = gradients(params, X, Y, hidden="tanh", output="sigmoid")
>>> grads["dW1"].shape, grads["dZ3"].shape
((8, 2), (1, 64))
"""

from __future__ import annotations

import numpy as np

from npbackprop import conventions
from npbackprop._engine import (
    ForwardCache,
    Settings,
    backward_pass,
    check_XY,
    cost_from_logits,
    forward_pass,
)
from npbackprop._validate import (
    InputTypeError,
    as_array,
    as_targets,
    check_bool,
    check_choice,
    check_labels,
    check_nonnegative,
    check_seed,
    check_shape,
    short_repr,
)
from npbackprop.layers import (
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
)
from npbackprop.losses import PAIRS
from npbackprop.optimizers import GradientDescent

__all__ = [
    "ForwardCache",
    "accuracy",
    "backward",
    "cost",
    "forward",
    "gradients",
    "init_params",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "predict",
    "update_params",
]

_INITS = ("xavier", "he")


def init_params(layer_dims, *, seed: int = 0, init="xavier", dtype=np.float64) -> dict:
    """Random weights and zero biases for layer sizes ``[n_x, n_1, …, n_L]``.

    Parameters
    ----------
    layer_dims : sequence of int
        Sizes of every layer, the input first; at least two entries.
    seed : int >= 0, numpy.random.Generator or None
        Seed for ``numpy.random.default_rng`` (a bool is rejected, not read as 0 or 1).
    init : {"xavier", "he"} or float
        Standard deviation of ``W[l]``: ``sqrt(1/n_{l-1})`` (xavier, suits tanh and sigmoid),
        ``sqrt(2/n_{l-1})`` (he, suits ReLU), or the given number (the course's two-layer
        network uses 0.01).
    dtype : numpy dtype
        float64 by default; float32 gives a float32 network end to end.

    Returns
    -------
    dict
        ``W{l}`` of shape (n_l, n_{l-1}) and ``b{l}`` of shape (n_l, 1) for l = 1..L.

    Examples
    --------
    >>> p = init_params([3, 5, 2], seed=1, dtype=np.float32)
    >>> {k: (v.shape, str(v.dtype)) for k, v in p.items()}
    {'W1': ((5, 3), 'float32'), 'b1': ((5, 1), 'float32'), 'W2': ((2, 5), 'float32'), \
'b2': ((2, 1), 'float32')}
    """
    try:
        dims = list(layer_dims)
    except TypeError:
        dims = [layer_dims]
    if len(dims) < 2 or any(
        isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1 for n in dims
    ):
        raise ValueError(
            "layer_dims must list at least two positive integers [n_x, ..., n_L]; got "
            f"{short_repr(dims, 60)}"
        )
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise InputTypeError(
            f"dtype must be a NumPy floating dtype; got {short_repr(dtype)}"
        ) from None
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"dtype must be a floating type (float16/32/64); got {np.dtype(dtype)}")
    if isinstance(init, str):
        check_choice(init, _INITS, "init")
    else:
        check_nonnegative(init, "init (a standard deviation)")
    rng = np.random.default_rng(check_seed(seed))
    params = {}
    for l in range(1, len(dims)):
        n_prev = dims[l - 1]
        std = {"xavier": np.sqrt(1 / n_prev), "he": np.sqrt(2 / n_prev)}.get(init, init)
        params[f"W{l}"] = (rng.standard_normal((dims[l], n_prev)) * std).astype(dtype)
        params[f"b{l}"] = np.zeros((dims[l], 1), dtype=dtype)
    return params


# --- The whole network. ---


def forward(
    X: np.ndarray,
    params: dict,
    *,
    hidden: str = "relu",
    output: str = "sigmoid",
    keep_prob: float = 1.0,
    seed=None,
) -> tuple:
    """Forward propagation through all L layers.

    .. math:: Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}, \\qquad A^{[l]} = g^{[l]}(Z^{[l]})

    With ``keep_prob < 1``, inverted dropout is applied to every hidden layer's output:
    ``A[l] = A[l] ⊙ D[l] / keep_prob`` with ``D[l]`` drawn from ``seed``, so the expected value
    of ``A[l]`` is unchanged and no rescaling is needed at test time.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    params : dict
        ``W{l}`` (n_l, n_{l-1}) and ``b{l}`` (n_l, 1) for l = 1..L.
    hidden : {"relu", "tanh", "sigmoid", "leaky_relu"}
    output : {"sigmoid", "softmax", "identity"}
    keep_prob : float in (0, 1]
        Probability of keeping a hidden unit; 1 means no dropout.
    seed : int >= 0 or numpy.random.Generator, optional
        Source of the dropout masks; the same seed gives the same masks.

    Returns
    -------
    AL : ndarray, shape (n_L, m)
        Yours to modify: ``caches`` keeps its own copy (an (n_L, m) array, small next to the
        hidden layers' caches), and :func:`backward` raises if the ``AL`` it is given differs.
    caches : ForwardCache
        The course's list of ``(linear_cache, Z)``, one per layer, with the pass's settings.

    Examples
    --------
    >>> params = init_params([2, 3, 1], seed=0)
    >>> AL, caches = forward(np.zeros((2, 4)), params)
    >>> AL                            # zero input and zero biases: sigmoid(0) everywhere
    array([[0.5, 0.5, 0.5, 0.5]])
    >>> len(caches), [c[1].shape for c in caches]
    (2, [(3, 4), (1, 4)])
    """
    s = Settings.checked(hidden=hidden, output=output, keep_prob=keep_prob, seed=seed)
    X, _, params = check_XY(X, None, params, with_targets=False)
    AL, caches = forward_pass(
        X, params, hidden=s.hidden, output=s.output, keep_prob=s.keep_prob, seed=s.seed
    )
    caches.AL_copy = AL.copy()
    return AL, caches


def backward(
    AL: np.ndarray,
    Y: np.ndarray,
    caches: ForwardCache,
    *,
    convention: str = "deferred",
    fused: bool = True,
    lambd: float = 0.0,
    return_dA0: bool = False,
    keep_intermediate: bool = True,
) -> dict:
    """Backward propagation through all L layers, in any convention.

    .. math::

        dZ^{[L]} = s_Z (A^{[L]} - Y), \\qquad
        dZ^{[l-1]} = W^{[l]T} dZ^{[l]} \\odot g'(Z^{[l-1]}), \\qquad
        dW^{[l]} = s_W\\, dZ^{[l]} A^{[l-1]T} + \\tfrac{\\lambda}{m} c\\, W^{[l]}

    with ``s_Z``, ``s_W`` from :mod:`npbackprop.conventions` and ``c = m`` for ``"sum"``, else 1.
    With dropout, ``W[l]ᵀ dZ[l]`` is multiplied by ``D[l-1] / keep_prob`` before ``g'``.

    Parameters
    ----------
    AL : ndarray, shape (n_L, m)
        Output of :func:`forward`, unchanged: it is compared with the copy that ``caches``
        keeps (one pass over an (n_L, m) array), and an edited ``AL`` raises ``ValueError``.
    Y : ndarray, shape (n_L, m)
        Targets: {0, 1} labels for sigmoid, one-hot columns for softmax, any values for
        identity.
    caches : ForwardCache
        From :func:`forward`.
    convention : {"deferred", "absorbed", "sum"}
    fused : bool
        True: ``dZ[L]`` from ``A - Y`` directly (finite for any output). False: through
        ``dA[L] = ∂L/∂A`` and ``g'(Z[L])`` as the course's step by step does; this gives NaN
        or inf (with a RuntimeWarning) where a sigmoid or softmax output rounds to 0 or 1.
    lambd : float
        L2 strength λ ≥ 0, matching ``cost(..., lambd=λ)``.
    return_dA0 : bool
        Also return ``dA0 = ∂/∂X`` (skipped by default: training never needs it).
    keep_intermediate : bool
        Return ``dA{l}`` and ``dZ{l}`` as well as ``dW{l}`` and ``db{l}``. Training passes
        False so that each layer's ``dZ`` can be freed as soon as it has been used.

    Returns
    -------
    dict
        ``dW{l}`` (n_l, n_{l-1}) and ``db{l}`` (n_l, 1) for l = 1..L; with
        ``keep_intermediate``, also ``dA{l}`` and ``dZ{l}`` (n_l, m). With dropout, ``dA{l}``
        is the gradient with respect to the activation before dropout, ``A[l] = g(Z[l])``:
        the gradient reaching the dropped-out copy, times ``D[l] / keep_prob`` (the course's
        ``dA1 = dA1 * D1 / keep_prob``).
        With ``fused=True``, ``dA{L}`` is still reported (it is not used): it is the course's
        formula as floating point evaluates it, silently, so it holds ±inf where its true value
        overflows (a saturated sigmoid, ``A`` near 1e-309) and inf or NaN where an output is
        exactly 0 or 1.

    Examples
    --------
    >>> from npbackprop.datasets import spirals
    >>> X, Y = spirals(m=30, n_classes=3, seed=0)
    >>> params = init_params([2, 6, 3], seed=0)
    >>> AL, caches = forward(X, params, hidden="tanh", output="softmax")
    >>> fused = backward(AL, Y, caches)
    >>> stepwise = backward(AL, Y, caches, fused=False)
    >>> all(np.allclose(fused[k], stepwise[k]) for k in fused)
    True
    """
    if not isinstance(caches, ForwardCache):
        raise ValueError(
            "caches must be the ForwardCache returned by network.forward; "
            f"got {type(caches).__name__}. For hand-built caches use linear_activation_backward."
        )
    conventions.check_convention(convention)
    lambd = check_nonnegative(lambd, "lambd")
    fused = check_bool(fused, "fused")
    return_dA0 = check_bool(return_dA0, "return_dA0")
    keep_intermediate = check_bool(keep_intermediate, "keep_intermediate")
    AL = as_array(AL, "AL")
    Y = as_targets(Y, AL.dtype)
    ZL = caches[-1][1]
    check_shape(AL, ZL.shape, "AL", "the output of the forward pass that made caches")
    if caches.AL_copy is not None:  # from forward: compare with its copy, which nobody can edit
        same = np.array_equal(AL, caches.AL_copy)
    else:
        same = AL is caches.AL or np.array_equal(AL, caches.AL)
    if not same:
        raise ValueError(
            "AL must be the output of the forward pass that made caches, unchanged (the fused "
            "output gradient A - Y uses it directly); got an array of the same shape with other "
            "values: was it modified in place?"
        )
    check_shape(Y, AL.shape, "Y", "the shape of AL")
    check_labels(Y, caches.output)
    return backward_pass(
        AL, Y, caches, convention=convention, fused=fused, lambd=lambd, return_dA0=return_dA0,
        keep_intermediate=keep_intermediate,
    )  # fmt: skip


def gradients(
    params: dict,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    hidden: str = "relu",
    output: str = "sigmoid",
    convention: str = "deferred",
    lambd: float = 0.0,
    keep_prob: float = 1.0,
    seed=None,
    fused: bool = True,
    return_dA0: bool = False,
) -> dict:
    """All gradients of the cost in one call: forward, then backward.

    Parameters
    ----------
    params : dict
        ``W{l}``, ``b{l}`` for l = 1..L.
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (n_L, m)
    hidden : {"relu", "tanh", "sigmoid", "leaky_relu"}
    output : {"sigmoid", "softmax", "identity"}
        With its loss: binary cross-entropy, cross-entropy, half squared error.
    convention : {"deferred", "absorbed", "sum"}
    lambd : float
        L2 strength λ.
    keep_prob : float
        Inverted-dropout keep probability of hidden units.
    seed : int >= 0 or numpy.random.Generator, optional
        Dropout seed; pass the same int to :func:`cost` to differentiate the same network.
    fused : bool
        See :func:`backward`.
    return_dA0 : bool
        Also return ``dA0``, the gradient with respect to ``X``.

    Returns
    -------
    dict
        ``dA{l}``, ``dZ{l}`` (n_l, m), ``dW{l}`` (n_l, n_{l-1}), ``db{l}`` (n_l, 1), l = 1..L.
        ``dW`` and ``db`` are the gradients of ``cost(..., reduction=r)`` with ``r = "mean"``
        for deferred and absorbed, ``"sum"`` for sum.

    Examples
    --------
    A 3-layer ReLU network on m = 5 examples:

    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(4, 5)), np.array([[1, 0, 1, 1, 0]])
    >>> params = init_params([4, 6, 5, 1], seed=3)
    >>> d = gradients(params, X, Y, convention="deferred")
    >>> a = gradients(params, X, Y, convention="absorbed")
    >>> s = gradients(params, X, Y, convention="sum")
    >>> layers = range(1, 4)

    Deferred and absorbed give the same dW and db at every layer:

    >>> all(np.allclose(d[f"{g}{l}"], a[f"{g}{l}"], rtol=1e-13, atol=0)
    ...     for g in ("dW", "db") for l in layers)
    True

    Their dZ and dA differ by exactly m = 5 at every layer:

    >>> all(np.allclose(d[f"{g}{l}"], 5 * a[f"{g}{l}"], rtol=1e-13, atol=0)
    ...     for g in ("dZ", "dA") for l in layers)
    True

    Sum gives m times the mean gradients (also with L2, whose cost it scales by m too):

    >>> s2 = gradients(params, X, Y, convention="sum", lambd=0.7)
    >>> d2 = gradients(params, X, Y, convention="deferred", lambd=0.7)
    >>> all(np.allclose(s2[f"{g}{l}"], 5 * d2[f"{g}{l}"], rtol=1e-13, atol=0)
    ...     for g in ("dW", "db") for l in layers)
    True

    With one example, all three conventions coincide:

    >>> one = [gradients(params, X[:, :1], Y[:, :1], convention=c)
    ...        for c in ("deferred", "absorbed", "sum")]
    >>> all(np.allclose(g[k], one[0][k], rtol=1e-15, atol=0) for g in one for k in g)
    True
    """
    s = Settings.checked(
        hidden=hidden, output=output, convention=convention, lambd=lambd,
        keep_prob=keep_prob, seed=seed, fused=fused,
    )  # fmt: skip
    return_dA0 = check_bool(return_dA0, "return_dA0")
    X, Y, params = check_XY(X, Y, params)
    check_labels(Y, output)
    # lean: the cache never leaves this call, so it may hold A[l] for Z[l] and be consumed
    AL, caches = forward_pass(
        X, params, hidden=s.hidden, output=s.output, keep_prob=s.keep_prob, seed=s.seed,
        lean=True,
    )  # fmt: skip
    return backward_pass(
        AL, Y, caches, convention=s.convention, fused=s.fused, lambd=s.lambd,
        return_dA0=return_dA0,
    )  # fmt: skip


def cost(
    params: dict,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    hidden: str = "relu",
    output: str = "sigmoid",
    lambd: float = 0.0,
    reduction: str = "mean",
    keep_prob: float = 1.0,
    seed=None,
) -> float:
    """The cost of the network on ``(X, Y)``, computed stably from the output logits.

    .. math::

        J = \\frac{1}{m} \\sum_{i=1}^{m} L^{(i)} + \\frac{\\lambda}{2m} \\sum_l \\lVert W^{[l]}
        \\rVert_F^2 \\quad (\\text{mean}), \\qquad
        m J = \\sum_{i=1}^{m} L^{(i)} + \\frac{\\lambda}{2} \\sum_l \\lVert W^{[l]} \\rVert_F^2
        \\quad (\\text{sum})

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (n_L, m)
    hidden : {"relu", "tanh", "sigmoid", "leaky_relu"}
    output : {"sigmoid", "softmax", "identity"}
    lambd : float
        L2 strength λ.
    reduction : {"mean", "sum"}
        ``"mean"`` is the cost of the deferred and absorbed conventions, ``"sum"`` that of the
        sum convention (:func:`npbackprop.conventions.reduction`).
    keep_prob : float
    seed : int >= 0 or numpy.random.Generator, optional
        Dropout seed (see :func:`forward`).

    Returns
    -------
    float

    Examples
    --------
    >>> params = init_params([2, 3, 1], seed=0)
    >>> X, Y = np.zeros((2, 4)), np.array([[1, 0, 1, 0]])
    >>> round(cost(params, X, Y), 6)                   # every output is 0.5: log 2
    0.693147
    >>> round(cost(params, X, Y, reduction="sum"), 6)  # m = 4 times the mean
    2.772589
    """
    s = Settings.checked(hidden=hidden, output=output, lambd=lambd, keep_prob=keep_prob, seed=seed)
    check_choice(reduction, ("mean", "sum"), "reduction")
    X, Y, params = check_XY(X, Y, params)
    check_labels(Y, output)
    _, caches = forward_pass(
        X, params, hidden=s.hidden, output=s.output, keep_prob=s.keep_prob, seed=s.seed
    )
    return cost_from_logits(caches, Y, params, lambd=s.lambd, reduction=reduction)


def update_params(params: dict, grads: dict, learning_rate: float) -> dict:
    """One gradient-descent step, ``W[l] - learning_rate · dW[l]``, as a new dict.

    It is the step of :class:`npbackprop.optimizers.GradientDescent`, the default optimizer of
    :func:`npbackprop.training.train`. In the ``"sum"`` convention pass ``learning_rate / m`` to
    take the same step as the mean conventions
    (:func:`npbackprop.conventions.equivalent_learning_rate`).

    Parameters
    ----------
    params : dict
        ``W{l}``, ``b{l}``; not modified.
    grads : dict
        Must hold ``dW{l}`` and ``db{l}`` for every layer.
    learning_rate : float

    Returns
    -------
    dict
        New arrays.

    Examples
    --------
    >>> update_params({"W1": np.ones((1, 2)), "b1": np.zeros((1, 1))},
    ...               {"dW1": np.array([[1.0, -1.0]]), "db1": np.array([[2.0]])}, 0.5)
    {'W1': array([[0.5, 1.5]]), 'b1': array([[-1.]])}
    """
    return GradientDescent().update(params, grads, {"t": 0}, learning_rate)[0]


def predict(
    params: dict, X: np.ndarray, *, hidden: str = "relu", output: str = "sigmoid"
) -> np.ndarray:
    """Predictions: labels for classification, values for regression.

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n_x, m)
    hidden, output : str
        As in :func:`forward`.

    Returns
    -------
    ndarray
        ``"sigmoid"``: (n_L, m) ints, 1 where the probability exceeds 0.5;
        ``"softmax"``: (1, m) class indices; ``"identity"``: the (n_L, m) outputs.

    Examples
    --------
    >>> p = {"W1": np.array([[1.0], [-1.0]]), "b1": np.zeros((2, 1))}
    >>> predict(p, np.array([[2.0, -3.0]]), output="softmax")
    array([[0, 1]])
    """
    AL, _ = forward(X, params, hidden=hidden, output=output)
    return PAIRS[output].predict(AL)


def accuracy(
    params: dict, X: np.ndarray, Y: np.ndarray, *, hidden: str = "relu", output: str = "sigmoid"
) -> float:
    """Fraction of examples classified correctly (sigmoid: every output unit right).

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (n_L, m)
        {0, 1} labels (sigmoid) or one-hot columns (softmax).
    hidden, output : str
        ``output`` must be ``"sigmoid"`` or ``"softmax"``.

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> p = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1))}
    >>> accuracy(p, np.array([[2.0, -1.0, 3.0, -2.0]]), np.array([[1, 0, 0, 0]]))
    0.75
    """
    classifiers = tuple(name for name, pair in PAIRS.items() if pair.correct is not None)
    check_choice(output, classifiers, "output for accuracy")
    X, Y, params = check_XY(X, Y, params)
    check_labels(Y, output)
    predicted = predict(params, X, hidden=hidden, output=output)
    return float(np.mean(PAIRS[output].correct(predicted, Y)))
