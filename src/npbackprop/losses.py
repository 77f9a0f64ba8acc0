"""Per-example losses ``L⁽ⁱ⁾`` and their derivatives, for the three canonical output pairs.

* ``"sigmoid"`` output, binary cross-entropy:
  ``L⁽ⁱ⁾ = -Σ_k [y_k log a_k + (1 - y_k) log(1 - a_k)]`` (labels in {0, 1});
* ``"softmax"`` output, cross-entropy: ``L⁽ⁱ⁾ = -Σ_k y_k log a_k`` (one-hot ``y``);
* ``"identity"`` output, half squared error: ``L⁽ⁱ⁾ = ½ Σ_k (a_k - y_k)²``.

For each pair the derivative with respect to the pre-activation is the same, ``dz = a - y``
(:func:`output_gradient`). That is why the course can write ``dZ[L] = A[L] - Y``.

The losses return per-example values of shape (1, m) (the cost, their mean or sum over the m
columns, is formed in :mod:`npbackprop.network` and :mod:`npbackprop.two_layer`); the
derivatives and :func:`output_gradient` return arrays shaped like ``A``, (n_y, m). Losses are
computed from logits when the logits are available (``*_with_logits``), which never takes the
log of 0. The ``*_derivative`` functions are the course's ``dAL`` formulas, exactly as written
there (no clipping): they give ±inf or NaN once an output saturates, and the numerical-stability
chapter measures that.

Examples
--------
>>> Y = np.array([[1.0, 0.0]])
>>> binary_cross_entropy(np.array([[0.5, 0.5]]), Y).round(4)
array([[0.6931, 0.6931]])
>>> binary_cross_entropy_with_logits(np.array([[800.0, -800.0]]), Y)
array([[0., 0.]])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from npbackprop._validate import as_array, as_targets, check_choice, check_shape
from npbackprop.activations import OUTPUTS, log_softmax

__all__ = [
    "LOSS_NAMES",
    "PAIRS",
    "OutputPair",
    "binary_cross_entropy",
    "binary_cross_entropy_derivative",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_derivative",
    "cross_entropy_with_logits",
    "loss_derivative",
    "loss_with_logits",
    "output_gradient",
    "squared_error",
    "squared_error_derivative",
]


# --- The formulas, unchecked. The network calls these after validating its inputs once. ---


def _bce(A, Y):
    # Only the term that Y selects is evaluated, so 0 · log 0 never arises.
    with np.errstate(divide="ignore"):
        per_unit = np.where(Y == 1, -np.log(A), -np.log1p(-A))
    return per_unit.sum(axis=0, keepdims=True)


def _bce_logits(Z, Y, e=None):
    # -[y log σ(z) + (1-y) log(1-σ(z))] = max(z, 0) - z·y + log(1 + e^{-|z|}): no overflow.
    # e = e^{-|z|} may come from the forward pass's sigmoid, which computed it already.
    if e is None:
        e = np.exp(-np.abs(Z))  # as the sigmoid's: in (0, 1], no overflow
    per_unit = np.maximum(Z, 0) - Z * Y
    per_unit += np.log1p(e)  # in place (e has Z's dtype, never wider): one temporary fewer
    return per_unit.sum(axis=0, keepdims=True)


def _bce_dA(A, Y):
    # The course's dAL = -(Y/A - (1-Y)/(1-A)); ±inf or NaN when A is exactly 0 or 1.
    return -(Y / A - (1 - Y) / (1 - A))


def _ce(A, Y):
    # -Σ_k y_k log a_k over the classes with y_k = 1 only (0 · log 0 would be NaN).
    logs = np.zeros_like(A)
    with np.errstate(divide="ignore"):
        np.log(A, out=logs, where=Y != 0)
    return -np.sum(Y * logs, axis=0, keepdims=True)


def _ce_logits(Z, Y):
    # float16 logits: the log-softmax in float32, since a gap of 80000 between two logits (±40000)
    # is -inf in float16; the loss is then float32 (the public functions round it back).
    logp = log_softmax(Z.astype(np.float32) if Z.dtype == np.float16 else Z)
    # Only the classes with y_k ≠ 0 are multiplied: 0 · (-inf) = NaN never arises, as in _ce.
    picked = np.zeros_like(logp)
    np.multiply(-Y, logp, out=picked, where=Y != 0)
    return np.sum(picked, axis=0, keepdims=True)


def _ce_dA(A, Y):
    # ∂L/∂a_k = -y_k / a_k; NaN (0/0) for a class with y_k = 0 whose a_k underflowed to 0.
    return -Y / A


def _se(A, Y):
    D = A - Y
    return 0.5 * np.sum(D * D, axis=0, keepdims=True)


def _se_dA(A, Y):
    return A - Y


def _binary_labels(Y):
    bad = (Y != 0) & (Y != 1)
    if bad.any():
        values = np.unique(Y[bad])[:5]
        raise ValueError(
            "Y for a sigmoid output (binary cross-entropy) must hold labels in {0, 1}; "
            f"got {int(bad.sum())} other value(s), e.g. {values.tolist()}"
        )


def _one_hot_columns(Y):
    valid = ((Y == 0) | (Y == 1)).all(axis=0) & (Y.sum(axis=0) == 1)
    if not valid.all():
        col = int(np.argmin(valid))
        raise ValueError(
            "Y for a softmax output (cross-entropy) must be one-hot: each column a single 1 "
            f"and zeros; got {int((~valid).sum())} other column(s), e.g. column {col} = "
            f"{Y[:, col].tolist()}"
        )


def _any_targets(Y):
    """Squared error takes any finite targets (as_targets has checked them)."""


@dataclass(frozen=True)
class OutputPair:
    """An output activation with its canonical loss: everything the network needs of them.

    Adding a loss is adding one of these to :data:`PAIRS` (and, for a new output activation,
    its :class:`npbackprop.activations.Activation`); ``tests/test_registry.py`` checks every
    field and names what is missing. Canonical means ``∂L/∂z = a - y``: for the pair, the fused
    output gradient ``A - Y`` is the derivative itself, not an approximation of it (and, like
    any floating-point result, rounded).

    Attributes
    ----------
    output : str
        The output activation, a key of :data:`npbackprop.activations.ACTIVATIONS`.
    loss_name : str
    loss : callable
        ``(A, Y) -> L`` per example, shape (1, m).
    loss_from_logits : callable
        ``(Z, Y[, e]) -> L`` computed stably from the logits (``e = e^{-|Z|}`` if the output's
        ``forward_with_exp`` computed it).
    loss_dA : callable
        ``(A, Y) -> ∂L/∂A``, the course's ``dAL``.
    check_labels : callable
        ``Y -> None``, raising ``ValueError`` for targets the loss does not accept.
    predict : callable
        ``AL -> predictions``.
    correct : callable or None
        ``(predictions, Y) -> bool per example`` for :func:`npbackprop.evaluation.accuracy`; None
        for regression.
    """

    output: str
    loss_name: str
    loss: Callable
    loss_from_logits: Callable
    loss_dA: Callable
    check_labels: Callable
    predict: Callable
    correct: Callable | None = None


#: Every output activation's canonical loss, by output name.
PAIRS = {
    "sigmoid": OutputPair(
        "sigmoid", "binary cross-entropy", _bce, _bce_logits, _bce_dA, _binary_labels,
        predict=lambda AL: (AL > 0.5).astype(int),
        correct=lambda pred, Y: np.all(pred == Y, axis=0),  # every output unit right
    ),
    "softmax": OutputPair(
        "softmax", "cross-entropy", _ce, _ce_logits, _ce_dA, _one_hot_columns,
        predict=lambda AL: np.argmax(AL, axis=0)[np.newaxis, :],
        correct=lambda pred, Y: pred[0] == np.argmax(Y, axis=0),
    ),
    "identity": OutputPair(
        "identity", "squared error", _se, lambda Z, Y: _se(Z, Y), _se_dA, _any_targets,
        predict=lambda AL: AL,
    ),
}  # fmt: skip
#: The loss that pairs with each output activation.
LOSS_NAMES = {output: pair.loss_name for output, pair in PAIRS.items()}


def check_labels(Y: np.ndarray, output: str) -> None:
    """Check that targets suit the loss paired with ``output``: the pair's own label check
    (:data:`PAIRS`). ``"sigmoid"`` (binary cross-entropy) needs labels in {0, 1};
    ``"softmax"`` (cross-entropy) needs one-hot columns; ``"identity"`` (squared error) takes
    any finite values. It lives here, with the records, so that :mod:`npbackprop._validate`
    depends on no other module of the package."""
    PAIRS[output].check_labels(Y)


# --- Public, checked versions. ---


def _check(A, Y, output: str, a_name: str):
    A = as_array(A, a_name)
    Y = as_targets(Y, A.dtype)
    check_shape(Y, A.shape, "Y", f"the shape of {a_name}")
    check_labels(Y, output)
    if a_name == "A" and output in ("sigmoid", "softmax") and ((A < 0) | (A > 1)).any():
        raise ValueError(
            f"A for a {output} output must hold probabilities in [0, 1]; "
            f"got values from {float(A.min())!r} to {float(A.max())!r}"
        )
    return A, Y


def binary_cross_entropy(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Binary cross-entropy of sigmoid outputs, per example.

    .. math:: L^{(i)} = -\\sum_k \\left[ y_k \\log a_k + (1 - y_k) \\log(1 - a_k) \\right]

    No clipping: an output of exactly 0 or 1 on the wrong side gives ``inf``, which is the true
    value in floating point. Use :func:`binary_cross_entropy_with_logits` when ``Z`` is known.

    Parameters
    ----------
    A : ndarray, shape (n_y, m)
        Probabilities in [0, 1].
    Y : ndarray, shape (n_y, m)
        Labels in {0, 1}.

    Returns
    -------
    ndarray, shape (1, m)

    Examples
    --------
    >>> binary_cross_entropy(np.array([[0.9, 0.2]]), np.array([[1, 0]])).round(4)
    array([[0.1054, 0.2231]])
    """
    return _bce(*_check(A, Y, "sigmoid", "A"))


def binary_cross_entropy_with_logits(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Binary cross-entropy from the pre-activation ``Z`` (logits), per example, without overflow.

    .. math:: L^{(i)} = \\sum_k \\left[ \\max(z_k, 0) - z_k y_k + \\log(1 + e^{-|z_k|}) \\right]

    Parameters
    ----------
    Z : ndarray, shape (n_y, m)
        Logits; ``A = sigmoid(Z)``.
    Y : ndarray, shape (n_y, m)
        Labels in {0, 1}.

    Returns
    -------
    ndarray, shape (1, m)

    Examples
    --------
    >>> binary_cross_entropy_with_logits(np.array([[0.0, -50.0]]), np.array([[1, 1]])).round(4)
    array([[ 0.6931, 50.    ]])
    """
    return _bce_logits(*_check(Z, Y, "sigmoid", "Z"))


def binary_cross_entropy_derivative(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The course's ``dAL = -(Y/A - (1 - Y)/(1 - A))``: ∂L⁽ⁱ⁾/∂a for each example.

    Gives ``inf`` (with a RuntimeWarning) where an output is exactly 0 or 1; the fused
    :func:`output_gradient` never does.

    Parameters
    ----------
    A : ndarray, shape (n_y, m)
        Probabilities in [0, 1].
    Y : ndarray, shape (n_y, m)
        Labels in {0, 1}.

    Returns
    -------
    ndarray, shape (n_y, m)

    Examples
    --------
    >>> binary_cross_entropy_derivative(np.array([[0.8, 0.8]]), np.array([[1, 0]]))
    array([[-1.25,  5.  ]])
    """
    return _bce_dA(*_check(A, Y, "sigmoid", "A"))


def cross_entropy(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Cross-entropy of softmax outputs against one-hot targets, per example.

    .. math:: L^{(i)} = -\\sum_k y_k \\log a_k

    Parameters
    ----------
    A : ndarray, shape (K, m)
        Class probabilities; each column sums to 1.
    Y : ndarray, shape (K, m)
        One-hot targets.

    Returns
    -------
    ndarray, shape (1, m)

    Examples
    --------
    >>> A = np.array([[0.7, 0.1], [0.2, 0.9], [0.1, 0.0]])
    >>> Y = np.array([[1, 0], [0, 1], [0, 0]])
    >>> cross_entropy(A, Y).round(4)
    array([[0.3567, 0.1054]])
    """
    return _ce(*_check(A, Y, "softmax", "A"))


def cross_entropy_with_logits(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Cross-entropy from logits, per example: ``-Σ_k y_k log_softmax(z)_k``.

    Parameters
    ----------
    Z : ndarray, shape (K, m)
        Logits.
    Y : ndarray, shape (K, m)
        One-hot targets.

    Returns
    -------
    ndarray, shape (1, m)

    Examples
    --------
    >>> Z = np.array([[1000.0], [0.0]])
    >>> cross_entropy_with_logits(Z, np.array([[0], [1]]))
    array([[1000.]])

    A log-probability of -inf (a gap beyond the float range) where ``y = 0`` contributes 0:

    >>> cross_entropy_with_logits(np.array([[1.7e308], [-1.7e308]]), np.array([[1], [0]]))
    array([[0.]])
    """
    Z, Y = _check(Z, Y, "softmax", "Z")
    return _in_dtype(_ce_logits(Z, Y), Z.dtype)


def cross_entropy_derivative(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``∂L⁽ⁱ⁾/∂a = -Y / A`` for softmax outputs and one-hot targets.

    Parameters
    ----------
    A : ndarray, shape (K, m)
    Y : ndarray, shape (K, m)

    Returns
    -------
    ndarray, shape (K, m)
        ``-inf`` or NaN where an output underflowed to 0.

    Examples
    --------
    >>> cross_entropy_derivative(np.array([[0.5], [0.5]]), np.array([[1], [0]]))
    array([[-2.],
           [-0.]])
    """
    return _ce_dA(*_check(A, Y, "softmax", "A"))


def squared_error(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Half the squared error per example, for an identity output (regression).

    .. math:: L^{(i)} = \\tfrac12 \\lVert a^{(i)} - y^{(i)} \\rVert^2

    The ½ makes the derivative ``a - y`` with no 2, matching the other two pairs.

    Parameters
    ----------
    A : ndarray, shape (n_y, m)
        Predictions.
    Y : ndarray, shape (n_y, m)
        Targets (any finite values).

    Returns
    -------
    ndarray, shape (1, m)

    Examples
    --------
    >>> squared_error(np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[0.0, 2.0], [2.0, 0.0]]))
    array([[2.5, 0. ]])
    """
    return _se(*_check(A, Y, "identity", "A"))


def squared_error_derivative(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``∂L⁽ⁱ⁾/∂a = a - y`` for the half squared error.

    Examples
    --------
    >>> squared_error_derivative(np.array([[1.0, 2.0]]), np.array([[0.0, 3.0]]))
    array([[ 1., -1.]])
    """
    return _se_dA(*_check(A, Y, "identity", "A"))


def output_gradient(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The fused output gradient ``A - Y``: ∂L⁽ⁱ⁾/∂z[L] per example, for every canonical pair.

    This is the deferred (and ``"sum"``) ``dZ[L]``; the absorbed one is this divided by m
    (see :func:`npbackprop.conventions.output_scale`). It stays finite where the step-by-step
    ``dA ⊙ g'(Z)`` gives NaN.

    Examples
    --------
    >>> output_gradient(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]]))
    array([[1., 0.]])
    """
    A = as_array(A, "A")
    Y = as_targets(Y, A.dtype)
    check_shape(Y, A.shape, "Y", "the shape of A")
    return A - Y


def loss_with_logits(Z: np.ndarray, Y: np.ndarray, output: str) -> np.ndarray:
    """Per-example loss of the canonical pair for ``output``, from the logits ``Z``.

    Parameters
    ----------
    Z : ndarray, shape (n_y, m)
        Pre-activation of the output layer.
    Y : ndarray, shape (n_y, m)
    output : {"sigmoid", "softmax", "identity"}

    Returns
    -------
    ndarray, shape (1, m)

    Examples
    --------
    >>> Z, Y = np.array([[2.0, -1.0]]), np.array([[1.0, 0.0]])
    >>> bool(np.allclose(loss_with_logits(Z, Y, "sigmoid"),
    ...                  binary_cross_entropy(1 / (1 + np.exp(-Z)), Y)))
    True
    """
    check_choice(output, OUTPUTS, "output")
    Z, Y = _check(Z, Y, output, "Z")
    return _in_dtype(PAIRS[output].loss_from_logits(Z, Y), Z.dtype)


def _in_dtype(loss, dtype):
    # float16 losses are computed in float32 and rounded back: above 65504 that is inf, silently
    with np.errstate(over="ignore"):
        return loss.astype(dtype, copy=False)


def loss_derivative(A: np.ndarray, Y: np.ndarray, output: str) -> np.ndarray:
    """``∂L⁽ⁱ⁾/∂a`` of the canonical pair for ``output`` (the course's ``dAL``).

    Examples
    --------
    >>> loss_derivative(np.array([[0.5]]), np.array([[1.0]]), "sigmoid")
    array([[-2.]])
    """
    check_choice(output, OUTPUTS, "output")
    return PAIRS[output].loss_dA(*_check(A, Y, output, "A"))
