"""Activation functions ``g`` and their derivatives ``g'``, each derivative under its forward.

All functions act column-wise on arrays of shape (n, m) (examples as columns) and work like
NumPy ufuncs: they accept any real array (integers and booleans are computed in float64), keep
float16/float32/float64 as they are, never modify their input, and do not reject NaN or Inf
(a saturating input is exactly what the numerical-stability chapter studies): NaN or Inf in may
give NaN out, silently, and a finite input gives a finite output. Anything that is not a real
array (``None``, a string, a complex or object array) raises ``TypeError``; the two arrays of a
backward function must have the same shape (``ValueError``, no broadcasting). Edge cases are
decided once, here:

* ``relu'(0) = 0`` and ``leaky_relu'(0) = slope`` — the derivative takes the left branch at 0,
  as the course's ``relu_backward`` does with ``dZ[Z <= 0] = 0``;
* ``sigmoid`` never overflows: it evaluates ``exp(-|z|)``, which lies in [0, 1];
* ``softmax`` subtracts the column maximum before exponentiating.

Examples
--------
>>> Z = np.array([[-2.0, 0.0, 3.0]])
>>> relu(Z), relu_derivative(Z)
(array([[0., 0., 3.]]), array([[0., 0., 1.]]))
>>> float(sigmoid(np.array(-1000.0))), float(sigmoid(np.array(1000.0)))
(0.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from npbackprop._validate import as_real_array, check_choice

__all__ = [
    "ACTIVATIONS",
    "HIDDEN",
    "OUTPUTS",
    "Activation",
    "activation_backward",
    "activation_forward",
    "identity",
    "identity_derivative",
    "leaky_relu",
    "leaky_relu_derivative",
    "log_softmax",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "softmax_backward",
    "tanh",
    "tanh_derivative",
]

#: Slope of leaky ReLU for negative inputs.
LEAKY_SLOPE = 0.01


def sigmoid(Z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, computed without overflow.

    .. math:: \\sigma(z) = \\frac{1}{1 + e^{-z}}

    For ``z < 0`` it uses the equal form ``e^{z} / (1 + e^{z})``, so ``exp`` only ever sees
    non-positive arguments.

    Parameters
    ----------
    Z : ndarray, shape (n, m)

    Returns
    -------
    ndarray, shape (n, m)
        Values in [0, 1]; exactly 1.0 in float64 once ``z`` exceeds about 37.

    Examples
    --------
    >>> sigmoid(np.array([[-1.0, 0.0, 1.0]])).round(4)
    array([[0.2689, 0.5   , 0.7311]])
    """
    Z = _as_float(Z)
    return _sigmoid_from_exp(Z, _exp_neg_abs(Z))


def _exp_neg_abs(Z):
    # e^{-|z|}, in (0, 1]: cannot overflow. The sigmoid and the BCE-from-logits both need it,
    # so a training step computes it once (_engine.forward_pass) and hands it to the cost.
    return np.exp(-np.abs(Z))


def _sigmoid_from_exp(Z, e):
    # σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) for z < 0, with e = e^{-|z|}: one division,
    # the same numbers as dividing twice and choosing.
    A = np.where(Z >= 0, 1, e)
    return np.divide(A, 1 + e, out=A)


def sigmoid_derivative(Z: np.ndarray) -> np.ndarray:
    """Derivative of the sigmoid, ``σ'(z) = σ(z) (1 - σ(z))``.

    It rounds to exactly 0 once ``σ(z)`` rounds to 1 (``z`` above about 37 in float64, 17 in
    float32): the root of the NaN in the unfused output gradient (``dA · σ'(Z) = ∞ · 0``).

    Examples
    --------
    >>> sigmoid_derivative(np.array([[0.0, 40.0]]))
    array([[0.25, 0.  ]])
    """
    return _sigmoid_derivative_of_output(sigmoid(Z))


def _sigmoid_derivative_of_output(S):
    return S * (1 - S)


def tanh(Z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent (the course's hidden activation).

    Examples
    --------
    >>> tanh(np.array([[0.0, 1.0]])).round(4)
    array([[0.    , 0.7616]])
    """
    return np.tanh(_as_float(Z))


def tanh_derivative(Z: np.ndarray) -> np.ndarray:
    """Derivative of tanh, ``1 - tanh(z)²`` (the course's ``1 - np.power(A1, 2)``).

    Examples
    --------
    >>> tanh_derivative(np.array([[0.0, 1.0]])).round(4)
    array([[1.  , 0.42]])
    """
    return _tanh_derivative_of_output(np.tanh(_as_float(Z)))


def _tanh_derivative_of_output(T):
    return 1 - T * T


def relu(Z: np.ndarray) -> np.ndarray:
    """Rectified linear unit, ``max(z, 0)``.

    Examples
    --------
    >>> relu(np.array([[-1.0, 0.0, 2.0]]))
    array([[0., 0., 2.]])
    """
    return np.maximum(_as_float(Z), 0)


def relu_derivative(Z: np.ndarray) -> np.ndarray:
    """Derivative of ReLU: 1 where ``z > 0``, else 0 — including ``relu'(0) = 0``.

    Examples
    --------
    >>> relu_derivative(np.array([[-1.0, 0.0, 2.0]]))
    array([[0., 0., 1.]])
    """
    Z = _as_real(Z)
    return (Z > 0).astype(_float_dtype(Z))


def leaky_relu(Z: np.ndarray, slope: float = LEAKY_SLOPE) -> np.ndarray:
    """Leaky ReLU, ``z`` for ``z > 0`` and ``slope · z`` otherwise.

    Examples
    --------
    >>> leaky_relu(np.array([[-100.0, 0.0, 2.0]]))
    array([[-1.,  0.,  2.]])
    """
    Z = _as_float(Z)
    return np.where(Z > 0, Z, slope * Z)


def leaky_relu_derivative(Z: np.ndarray, slope: float = LEAKY_SLOPE) -> np.ndarray:
    """Derivative of leaky ReLU: 1 where ``z > 0``, else ``slope`` (also at 0).

    Examples
    --------
    >>> leaky_relu_derivative(np.array([[-1.0, 0.0, 2.0]]))
    array([[0.01, 0.01, 1.  ]])
    """
    Z = _as_real(Z)
    dtype = _float_dtype(Z)
    return np.where(Z > 0, dtype.type(1), dtype.type(slope))


def identity(Z: np.ndarray) -> np.ndarray:
    """The identity, the output activation for squared error (regression).

    Examples
    --------
    >>> identity(np.array([[1.5, -2.0]]))
    array([[ 1.5, -2. ]])
    """
    return np.array(_as_float(Z), copy=True)


def identity_derivative(Z: np.ndarray) -> np.ndarray:
    """Derivative of the identity: ones.

    Examples
    --------
    >>> identity_derivative(np.array([[1.5, -2.0]]))
    array([[1., 1.]])
    """
    Z = _as_real(Z)
    return np.ones_like(Z, dtype=_float_dtype(Z))


def softmax(Z: np.ndarray) -> np.ndarray:
    """Softmax over each column (over the classes of each example).

    .. math:: a_k = \\frac{e^{z_k - \\max_j z_j}}{\\sum_i e^{z_i - \\max_j z_j}}

    Subtracting the column maximum changes nothing mathematically and keeps ``exp`` ≤ 1.

    Parameters
    ----------
    Z : ndarray, shape (K, m)
        Logits, one column per example.

    Returns
    -------
    ndarray, shape (K, m)
        Each column sums to 1.

    Examples
    --------
    >>> softmax(np.array([[1000.0, 0.0], [1000.0, 0.0]]))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    Z = _columns(_as_float(Z))
    if Z.size == 0:
        return Z.copy()
    # A gap beyond the float range gives -inf, and exp(-inf) = 0; an Inf logit gives NaN (inf -
    # inf), as NaN in gives NaN out: both without a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
        E /= E.sum(axis=0, keepdims=True)
    return E


def log_softmax(Z: np.ndarray) -> np.ndarray:
    """``log(softmax(Z))`` without forming the softmax: ``z - logsumexp(z)``, column-wise.

    Examples
    --------
    >>> log_softmax(np.array([[0.0], [0.0]])).round(4)
    array([[-0.6931],
           [-0.6931]])
    """
    Z = _columns(_as_float(Z))
    if Z.size == 0:
        return Z.copy()
    # as in softmax: -inf is the right log-probability there; an Inf logit gives NaN, silently
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = Z - np.max(Z, axis=0, keepdims=True)
        return shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))


def softmax_backward(dA: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Chain ``dA`` through the softmax: ``dZ = A ⊙ (dA - Σ_k A_k dA_k)`` per column.

    Softmax mixes the classes, so its derivative is a (K, K) Jacobian per example,
    ``∂a_j/∂z_k = a_j (δ_jk - a_k)``; this is that Jacobian applied to each column of ``dA``
    without forming it.

    Parameters
    ----------
    dA : ndarray, shape (K, m)
        Gradient with respect to the softmax output.
    A : ndarray, shape (K, m)
        The softmax output ``softmax(Z)``.

    Returns
    -------
    ndarray, shape (K, m)

    Examples
    --------
    With cross-entropy, ``dA = -Y/A`` and the result is ``A - Y``:

    >>> A = softmax(np.array([[2.0], [1.0], [0.1]]))
    >>> Y = np.array([[0.0], [1.0], [0.0]])
    >>> bool(np.allclose(softmax_backward(-Y / A, A), A - Y))
    True
    """
    dA, A = _same_shape(dA, A, "dA", "A")
    return _softmax_backward(dA, _columns(A, "A"))


def _softmax_backward(dA, A):
    with np.errstate(over="ignore", invalid="ignore"):  # NaN/Inf in, NaN/Inf out, silently
        return A * (dA - np.sum(A * dA, axis=0, keepdims=True))


def _sigmoid_and_exp(Z):
    e = _exp_neg_abs(Z)
    return _sigmoid_from_exp(Z, e), e


@dataclass(frozen=True)
class Activation:
    """Everything the package needs of one activation ``g``.

    Adding an activation is adding one of these to :data:`ACTIVATIONS`;
    ``tests/test_registry.py`` checks every field (against finite differences where it can) and
    names what is missing.

    Attributes
    ----------
    name : str
    forward : callable
        ``g(Z)``.
    backward : callable
        ``(dA, Z) -> dZ``: ``dA ⊙ g'(Z)`` for an elementwise ``g``, the Jacobian for softmax.
    derivative : callable or None
        ``g'(Z)``, for an elementwise ``g``.
    derivative_of_output : callable or None
        ``g'(Z)`` computed from ``A = g(Z)``; required for a hidden activation (training keeps
        ``A[l]`` and not ``Z[l]``).
    in_place : callable or None
        ``g(Z)`` computed into ``Z``'s own memory (optional: training uses it when present).
    forward_with_exp : callable or None
        ``Z -> (g(Z), e^{-|Z|})`` for an output whose loss from logits can reuse ``e^{-|Z|}``.
    hidden, output : bool
        Whether hidden layers may use it, and whether it is an output activation (which then
        needs a loss pair in :data:`npbackprop.losses.PAIRS`).
    """

    name: str
    forward: Callable
    backward: Callable
    derivative: Callable | None = None
    derivative_of_output: Callable | None = None
    in_place: Callable | None = None
    forward_with_exp: Callable | None = None
    hidden: bool = False
    output: bool = False


def _elementwise_backward(derivative):
    def backward(dA, Z):
        return dA * derivative(Z)

    return backward


#: Every activation, by name; the order is that of the error messages' lists.
ACTIVATIONS = {
    "relu": Activation(
        "relu", relu, _elementwise_backward(relu_derivative), relu_derivative,
        # relu and leaky_relu keep the sign of z, the only thing their derivatives look at;
        # relu's is a boolean mask, which multiplies as 1 and 0
        derivative_of_output=lambda A: A > 0,
        in_place=lambda Z: np.maximum(Z, 0, out=Z), hidden=True,
    ),
    "tanh": Activation(
        "tanh", tanh, _elementwise_backward(tanh_derivative), tanh_derivative,
        derivative_of_output=_tanh_derivative_of_output,  # the course's 1 - np.power(A1, 2)
        in_place=lambda Z: np.tanh(Z, out=Z), hidden=True,
    ),
    "sigmoid": Activation(
        "sigmoid", sigmoid, _elementwise_backward(sigmoid_derivative), sigmoid_derivative,
        derivative_of_output=_sigmoid_derivative_of_output,
        forward_with_exp=_sigmoid_and_exp, hidden=True, output=True,
    ),
    "leaky_relu": Activation(
        "leaky_relu", leaky_relu, _elementwise_backward(leaky_relu_derivative),
        leaky_relu_derivative, derivative_of_output=leaky_relu_derivative, hidden=True,
    ),
    "softmax": Activation(
        "softmax", softmax, lambda dA, Z: _softmax_backward(dA, softmax(Z)), output=True
    ),
    "identity": Activation(
        "identity", identity, _elementwise_backward(identity_derivative), identity_derivative,
        output=True,
    ),
}  # fmt: skip
#: Activations a hidden layer may use.
HIDDEN = tuple(name for name, a in ACTIVATIONS.items() if a.hidden)
#: Activations an output layer may use, each with its canonical loss (:mod:`npbackprop.losses`).
OUTPUTS = tuple(name for name, a in ACTIVATIONS.items() if a.output)
_ALL = tuple(ACTIVATIONS)


def activation_forward(Z: np.ndarray, name: str) -> np.ndarray:
    """Apply the activation called ``name`` to ``Z``.

    Parameters
    ----------
    Z : ndarray, shape (n, m)
    name : {"relu", "tanh", "sigmoid", "leaky_relu", "softmax", "identity"}

    Returns
    -------
    ndarray, shape (n, m)

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.

    Examples
    --------
    >>> activation_forward(np.array([[-1.0, 1.0]]), "relu")
    array([[0., 1.]])
    >>> activation_forward(np.array([[1.0]]), "gelu")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'gelu'; expected one of 'relu', 'tanh', 'sigmoid', \
'leaky_relu', 'softmax', 'identity'
    """
    check_choice(name, _ALL, "activation")
    return ACTIVATIONS[name].forward(Z)


def activation_backward(dA: np.ndarray, Z: np.ndarray, name: str) -> np.ndarray:
    """``dZ = dA ⊙ g'(Z)`` for the activation called ``name`` (for softmax, its Jacobian).

    This is the course's ``relu_backward`` / ``sigmoid_backward`` for every activation. It is
    linear in ``dA``, which is why the factor between conventions passes through it unchanged.

    Parameters
    ----------
    dA : ndarray, shape (n, m)
        Gradient with respect to the activation's output.
    Z : ndarray, shape (n, m)
        The activation's input.
    name : {"relu", "tanh", "sigmoid", "leaky_relu", "softmax", "identity"}

    Returns
    -------
    ndarray, shape (n, m)

    Examples
    --------
    >>> Z, dA = np.array([[-1.0, 0.0, 2.0]]), np.array([[5.0, 5.0, 5.0]])
    >>> activation_backward(dA, Z, "relu")
    array([[0., 0., 5.]])
    >>> bool(np.allclose(activation_backward(3 * dA, Z, "tanh"),
    ...                  3 * activation_backward(dA, Z, "tanh")))
    True
    """
    check_choice(name, _ALL, "activation")
    dA, Z = _same_shape(dA, Z, "dA", "Z")
    with np.errstate(over="ignore", invalid="ignore"):  # NaN/Inf in, NaN/Inf out, silently
        return ACTIVATIONS[name].backward(dA, Z)


def _same_shape(a, b, a_name, b_name):
    """Both as real arrays of one shape (a backward never broadcasts one against the other)."""
    a, b = _as_real(a, a_name), _as_real(b, b_name)
    if a.shape != b.shape:
        raise ValueError(
            f"{a_name} and {b_name} must have the same shape; got {a_name} {a.shape} and "
            f"{b_name} {b.shape}"
        )
    return a, b


def _columns(Z, name="Z"):
    """Softmax normalizes over axis 0 (the classes): a 0-d array has none."""
    if Z.ndim == 0:
        raise ValueError(f"{name} for softmax must be a (K, m) or (K,) array; got a 0-d array")
    return Z


def _as_real(Z, name="Z") -> np.ndarray:
    """``Z`` as a real array (TypeError for None, strings, complex and object arrays)."""
    return Z if type(Z) is np.ndarray and Z.dtype.kind in "fiub" else as_real_array(Z, name)


def _as_float(Z) -> np.ndarray:
    """``Z`` as an array, converted to float64 unless it is already floating point."""
    Z = _as_real(Z)
    return Z if np.issubdtype(Z.dtype, np.floating) else Z.astype(np.float64)


def _float_dtype(Z: np.ndarray) -> np.dtype:
    """The floating dtype results take: ``Z``'s own if floating, else float64."""
    return Z.dtype if np.issubdtype(Z.dtype, np.floating) else np.dtype(np.float64)
