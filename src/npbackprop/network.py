"""L-layer networks: any depth, any hidden activation, any canonical output/loss pair.

Examples are columns. Layer ``l`` computes ``Z[l] = W[l] A[l-1] + b[l]`` and
``A[l] = g[l](Z[l])`` with ``A[0] = X``; hidden layers share one activation (``hidden``), the
output layer's activation (``output``) fixes the loss:

* ``"sigmoid"`` → binary cross-entropy (labels in {0, 1}),
* ``"softmax"`` → cross-entropy (one-hot targets),
* ``"identity"`` → half squared error ``½‖a - y‖²``.

The convention (``"deferred"``, ``"absorbed"``, ``"sum"``; see :mod:`npbackprop.conventions`)
decides where the 1/m of the losses' gradient goes: deferred applies it only in the linear step
(:func:`linear_backward`), absorbed only at the output (``dZ[L] = (A - Y)/m``), sum nowhere.
(The L2 term adds ``(λ/m) W`` to ``dW`` in both mean conventions, ``λ W`` in sum.)

The course's step functions are here with the course's argument order and cache layout, plus a
``convention`` argument: :func:`linear_forward`, :func:`linear_activation_forward`,
:func:`linear_backward`, :func:`linear_activation_backward`. :func:`forward` and
:func:`backward` run them over all layers; :func:`gradients` and :func:`cost` are the
one-call versions.

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
from npbackprop._validate import (
    InputTypeError,
    as_array,
    as_targets,
    check_bool,
    check_choice,
    check_labels,
    check_nonnegative,
    check_params,
    check_probability,
    check_seed,
    check_shape,
    short_repr,
)
from npbackprop.activations import (
    _DERIVATIVE_OF_OUTPUT,
    HIDDEN,
    OUTPUTS,
    _activation_backward,
    _activation_forward,
    _exp_neg_abs,
    _sigmoid_from_exp,
    _softmax_backward,
    activation_backward,
    activation_forward,
)
from npbackprop.losses import _PAIRS, _bce_logits
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

_ACTIVATIONS = (*HIDDEN, "softmax", "identity")
# Hidden activations that a training step computes into Z[l]'s own memory (Z is not kept).
_IN_PLACE = {
    "relu": lambda Z: np.maximum(Z, 0, out=Z),
    "tanh": lambda Z: np.tanh(Z, out=Z),
}
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


# --- One layer: the course's step functions. ---


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
    return _linear_backward(dZ, A_prev, W, conventions.param_scale(convention, m), want_dA=True)


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
    check_choice(activation, _ACTIVATIONS, "activation")
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
    check_choice(activation, _ACTIVATIONS, "activation")
    linear_cache, Z = cache
    Z = as_array(Z, "Z")
    dA = as_array(dA, "dA")
    check_shape(dA, Z.shape, "dA", "the shape of Z in the cache")
    dZ = activation_backward(dA, Z, activation)
    return linear_backward(dZ, linear_cache, convention)


def _linear_backward(dZ, A_prev, W, s_W, want_dA, out=None):
    """The linear step, unchecked: what :func:`linear_backward` and :func:`backward` share.

    ``out``, if given, is an (n_prev, m) array whose memory receives ``dA_prev``.
    """
    # dW and db first: out may be A_prev's own memory (a lean backward pass).
    dW = dZ @ A_prev.T  # (n_l, m) @ (m, n_prev) -> (n_l, n_prev)
    db = dZ.sum(axis=1, keepdims=True, dtype=dW.dtype)  # (n_l, 1), in dW's dtype
    if s_W != 1:
        # 1/m is applied here, once, in place: dZ is per-example in the deferred convention.
        dW *= s_W
        db *= s_W
    if not want_dA:
        return None, dW, db
    if W.shape[0] == 1:
        # One unit: Wᵀ dZ is an outer product, which broadcasting computes several times faster
        # than a BLAS product with inner dimension 1.
        return np.multiply(W.T, dZ, out=out), dW, db
    return np.matmul(W.T, dZ, out=out), dW, db  # (n_prev, n_l) @ (n_l, m) -> (n_prev, m)


# --- The whole network. ---


class ForwardCache(list):
    """What :func:`forward` keeps for :func:`backward`.

    A list of per-layer caches ``(linear_cache, Z)`` with ``linear_cache = (A_prev, W, b)``,
    layer 1 first — the course's ``caches`` — plus the settings of the pass: ``hidden``,
    ``output``, ``keep_prob`` and the dropout masks ``masks[l-1]`` of hidden layer ``l``
    (``None`` without dropout), so that backward cannot be run with other activations than
    forward used.
    """

    def __init__(
        self, layers, *, hidden, output, keep_prob, masks, AL, lean=False, exp_neg_abs=None
    ):
        super().__init__(layers)
        # lean (training only, never returned to a user): hidden layers hold A[l] in the place
        # of Z[l], and backward consumes the cache (see _forward and _backward).
        self.lean = lean
        self.hidden = hidden
        self.output = output
        self.keep_prob = keep_prob
        self.masks = masks
        self.AL = AL  # the pass's output: backward checks that it is given this one
        self.exp_neg_abs = exp_neg_abs  # lean, sigmoid output: e^{-|Z[L]|}, for the cost
        # A copy of AL made by the public forward (None in training): backward compares the AL
        # it is given with it, so an in-place edit of the returned AL cannot go unnoticed.
        self.AL_copy = None


def _check_settings(hidden, output, keep_prob, lambd=0.0):
    check_choice(hidden, HIDDEN, "hidden activation")
    check_choice(output, OUTPUTS, "output activation")
    return check_probability(keep_prob, "keep_prob"), check_nonnegative(lambd, "lambd")


def _check_XY(X, Y, params, *, with_targets=True):
    """Validate X, Y and params together; return them as checked arrays (Y only if with_targets)."""
    X = as_array(X, "X")
    dims, params = check_params(params, n_x=X.shape[0])
    if with_targets:
        Y = as_targets(Y, np.result_type(X, *params.values()))
        check_shape(Y, (dims[-1], X.shape[1]), "Y", "(n_L, m): n_L from the last W, m from X")
    return X, Y, params


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
    keep_prob, _ = _check_settings(hidden, output, keep_prob)
    seed = check_seed(seed)
    X, _, params = _check_XY(X, None, params, with_targets=False)
    AL, caches = _forward(X, params, hidden, output, keep_prob, seed)
    caches.AL_copy = AL.copy()
    return AL, caches


def _product(W, A, workspace, l):
    """``W @ A``, into ``workspace[l]`` when given (training reuses one array per layer from
    step to step: a fresh large array costs the kernel a page fault per 4 KiB page)."""
    if workspace is None:
        return W @ A
    shape, dtype = (W.shape[0], A.shape[1]), np.result_type(W, A)
    Z = workspace.get(l)
    if Z is None or Z.shape != shape or Z.dtype != dtype:
        Z = workspace[l] = np.empty(shape, dtype)
    return np.matmul(W, A, out=Z)


def _forward(X, params, hidden, output, keep_prob, seed, lean=False, workspace=None):
    # workspace: a dict that training.train passes to every step (see _product); the caches of
    # one step are then overwritten by the next, so no caller may keep them.
    L = len(params) // 2
    rng = np.random.default_rng(seed) if keep_prob < 1 else None
    # Lean pass (training.train, no dropout): backward needs A[l] but not Z[l], since every
    # hidden g'(Z[l]) can be computed from A[l]; so the cache keeps one (n_l, m) array per
    # hidden layer instead of two, and ReLU computes A[l] into Z[l]'s own memory.
    lean = lean and rng is None
    layers, masks = [], []
    exp_neg_abs = None
    A = X
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        Z = _product(W, A, workspace, l)  # (n_l, n_prev) @ (n_prev, m) -> (n_l, m)
        if np.can_cast(b.dtype, Z.dtype, "safe"):
            Z += b  # in place: one (n_l, m) temporary fewer
        else:
            Z = Z + b  # b is wider (e.g. float64 b, float32 W): promote, never round b
        if lean and l < L:
            in_place = _IN_PLACE.get(hidden)
            A_l = in_place(Z) if in_place else _activation_forward(Z, hidden)
            layers.append(((A, W, b), A_l))  # A[l] in the Z slot (Z[l] is freed unless reused)
            A = A_l
            masks.append(None)
            continue
        layers.append(((A, W, b), Z))
        if lean and output == "sigmoid":
            # e^{-|Z[L]|} serves the sigmoid here and the cost (_cost_from_logits): one exp.
            exp_neg_abs = _exp_neg_abs(Z)
            A = _sigmoid_from_exp(Z, exp_neg_abs)
            masks.append(None)
            continue
        A = _activation_forward(Z, output if l == L else hidden)
        if l < L and rng is not None:
            D = rng.random(A.shape) < keep_prob
            A = A * D
            A *= 1 / keep_prob  # inverted dropout: scale at train time, not at test time
            masks.append(D)
        else:
            masks.append(None)
    caches = ForwardCache(
        layers, hidden=hidden, output=output, keep_prob=keep_prob, masks=masks, AL=A, lean=lean,
        exp_neg_abs=exp_neg_abs,
    )  # fmt: skip
    return A, caches


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
    return _backward(AL, Y, caches, convention, fused, lambd, return_dA0, keep_intermediate)


def _backward(AL, Y, caches, convention, fused, lambd, return_dA0, keep_intermediate):
    L = len(caches)
    m = AL.shape[1]
    # s_Z: 1/m lives here in "absorbed" only; s_W: ... and here in "deferred" only
    s_Z, s_W, l2 = conventions._scales(convention, m, lambd)
    _, _, loss_dA = _PAIRS[caches.output]
    grads = {}

    ZL = caches[-1][1]
    if fused:
        dZ = AL - Y  # canonical pair: ∂L⁽ⁱ⁾/∂z⁽ⁱ⁾ = a⁽ⁱ⁾ - y⁽ⁱ⁾, finite for any output
        if s_Z != 1:
            dZ *= s_Z
        if keep_intermediate:
            # reported only, never used: ±inf or NaN where it saturates, without a warning
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                grads[f"dA{L}"] = s_Z * loss_dA(AL, Y)
    else:
        dA = s_Z * loss_dA(AL, Y)  # the course's dAL, then through g'(Z[L])
        if caches.output == "softmax":
            dZ = _softmax_backward(dA, AL)  # softmax mixes classes: a Jacobian, not g'(Z)
        else:
            dZ = _activation_backward(dA, ZL, caches.output)
        if keep_intermediate:
            grads[f"dA{L}"] = dA

    lean = caches.lean  # from training only, which passes keep_intermediate=False
    for l in range(L, 0, -1):
        # lean: pop each layer's cache once it is used, so its arrays are freed as we go
        (A_prev, W, _), _ = caches.pop() if lean else caches[l - 1]
        if keep_intermediate:
            grads[f"dZ{l}"] = dZ
        want_dA = l > 1 or return_dA0
        out = None
        if lean and l > 1:
            # This is the last use of A[l-1]: take g'(Z[l-1]) from it, then let its memory
            # receive dA[l-1] (the forward pass made it; dW reads it before it is overwritten).
            g_prime = _DERIVATIVE_OF_OUTPUT[caches.hidden](A_prev)
            out = A_prev if A_prev.dtype == np.result_type(W, dZ) else None  # never round dA
        dA_prev, dW, db = _linear_backward(dZ, A_prev, W, s_W, want_dA, out)
        if lambd:
            dW += l2 * W  # the gradient of the L2 term: (λ/m) W, or λ W for "sum"
        grads[f"dW{l}"], grads[f"db{l}"] = dW, db
        if l == 1:
            if return_dA0:
                grads["dA0"] = dA_prev
            break
        if lean:
            dZ = np.multiply(dA_prev, g_prime, out=dA_prev)  # dA ⊙ g'(Z), in place
            continue
        D = caches.masks[l - 2]
        if D is not None:
            dA_prev *= D  # in place: dA_prev is a fresh array from W.T @ dZ
            dA_prev *= 1 / caches.keep_prob  # the same 1/keep_prob as the forward pass
        if keep_intermediate:
            grads[f"dA{l - 1}"] = dA_prev
        dZ = _activation_backward(dA_prev, caches[l - 2][1], caches.hidden)
    return grads


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
    keep_prob, lambd = _check_settings(hidden, output, keep_prob, lambd)
    conventions.check_convention(convention)
    seed = check_seed(seed)
    fused = check_bool(fused, "fused")
    return_dA0 = check_bool(return_dA0, "return_dA0")
    X, Y, params = _check_XY(X, Y, params)
    check_labels(Y, output)
    AL, caches = _forward(X, params, hidden, output, keep_prob, seed)
    return _backward(AL, Y, caches, convention, fused, lambd, return_dA0, True)


def _l2_term(params, lambd, m, reduction):
    if not lambd:
        return 0.0
    total = sum(float(np.sum(W * W, dtype=np.float64)) for k, W in params.items() if k[0] == "W")
    # mean: λ/(2m) Σ‖W‖²; sum: m times that, λ/2 Σ‖W‖² (the "sum" cost is m × the mean cost)
    return lambd / 2 * total / (m if reduction == "mean" else 1)


def _cost_from_logits(caches, Y, params, lambd, reduction):
    """The cost of the forward pass that made ``caches``, from its logits Z[L] (no log 0)."""
    m = Y.shape[1]
    ZL = caches[-1][1]
    if caches.exp_neg_abs is not None:
        losses = _bce_logits(ZL, Y, caches.exp_neg_abs)  # the forward pass's e^{-|Z[L]|}
    else:
        losses = _PAIRS[caches.output][1](ZL, Y)
    # Σᵢ L⁽ⁱ⁾ accumulated in float64 (a float16 sum overflows at 65504)
    total = float(np.sum(losses, dtype=np.float64))
    data = total / m if reduction == "mean" else total
    return data + _l2_term(params, lambd, m, reduction)


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
    keep_prob, lambd = _check_settings(hidden, output, keep_prob, lambd)
    check_choice(reduction, ("mean", "sum"), "reduction")
    seed = check_seed(seed)
    X, Y, params = _check_XY(X, Y, params)
    check_labels(Y, output)
    _, caches = _forward(X, params, hidden, output, keep_prob, seed)
    return _cost_from_logits(caches, Y, params, lambd, reduction)


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
    if output == "sigmoid":
        return (AL > 0.5).astype(int)
    if output == "softmax":
        return np.argmax(AL, axis=0)[np.newaxis, :]
    return AL


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
    check_choice(output, ("sigmoid", "softmax"), "output for accuracy")
    X, Y, params = _check_XY(X, Y, params)
    check_labels(Y, output)
    predicted = predict(params, X, hidden=hidden, output=output)
    if output == "sigmoid":
        return float(np.mean(np.all(predicted == Y, axis=0)))
    return float(np.mean(predicted[0] == np.argmax(Y, axis=0)))


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
