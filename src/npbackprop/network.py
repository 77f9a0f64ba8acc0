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
in the internal module ``npbackprop._engine``. Also importable from here:
:func:`~npbackprop.initialization.init_params` (from :mod:`npbackprop.initialization`) and
:func:`~npbackprop.evaluation.predict`, :func:`~npbackprop.evaluation.accuracy` (from
:mod:`npbackprop.evaluation`) and :func:`~npbackprop.optimizers.update_params` (from
:mod:`npbackprop.optimizers`).

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
    as_array,
    as_targets,
    check_bool,
    check_choice,
    check_nonnegative,
    check_shape,
)
from npbackprop.evaluation import accuracy, predict
from npbackprop.initialization import init_params
from npbackprop.layers import (
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
)
from npbackprop.losses import check_labels
from npbackprop.optimizers import update_params

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

    Sum gives m times these ``dW`` and ``db``, and with one example all three coincide:
    ``tests/test_properties.py`` checks these identities over random networks.
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
