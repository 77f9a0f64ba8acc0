"""The three conventions for where the 1/m of the mean cost goes.

This module is the single place where the 1/m rule of the *gradients* lives. Every backward
pass asks it for the factor to apply, so the three conventions cannot drift apart. (The cost
itself, J = (1/m) Σ L, is formed where it is computed, in the ``cost`` functions.)

With examples as columns, ``Z[l] = W[l] @ A[l-1] + b[l]`` and the mean cost
``J = (1/m) Σᵢ L⁽ⁱ⁾``, the conventions differ only in what ``dZ`` means:

* ``"deferred"`` (the course): ``dZ[l]`` holds the per-example derivatives ∂L⁽ⁱ⁾/∂z⁽ⁱ⁾ side
  by side, which is m ∂J/∂Z; the output layer gives ``dZ[L] = A - Y`` and the linear step
  ``dW[l] = (1/m) dZ[l] A[l-1]ᵀ``.
* ``"absorbed"`` (the learner's derivation, autograd): ``dZ[l]`` is ∂J/∂Z;
  ``dZ[L] = (A - Y)/m`` and ``dW[l] = dZ[l] A[l-1]ᵀ``.
* ``"sum"`` (PyTorch's ``reduction="sum"``): ``dZ[l]`` is ∂(Σᵢ L⁽ⁱ⁾)/∂Z; ``dZ[L] = A - Y`` and
  ``dW[l] = dZ[l] A[l-1]ᵀ``, m times the mean gradient.

``db`` follows ``dW`` with ``Σ_cols dZ`` in place of ``dZ A[l-1]ᵀ``, and the recurrence
``dZ[l-1] = W[l]ᵀ dZ[l] ⊙ g'(Z[l-1])`` is the same in all three. Two numbers describe a
convention completely:

* :func:`dZ_factor` — what ``dZ`` is in units of ∂J/∂Z (m, 1, m);
* :func:`grad_factor` — what ``dW`` and ``db`` are in units of ∂J/∂W, ∂J/∂b (1, 1, m).

Everything else is derived from these two: the factor on ``A - Y``,
``s_Z = dZ_factor / m`` (:func:`output_scale`), and the factor in the linear step,
``s_W = grad_factor / dZ_factor`` (:func:`param_scale`) — the pair the book's equation
``eq-scales`` tabulates — as well as conversions and the learning rate that makes ``"sum"``
take the same steps.

Examples
--------
The facts the book proves, as numbers for m = 4:

>>> m = 4
>>> [dZ_factor(c, m) for c in CONVENTIONS]     # dZ: deferred = sum = m × absorbed
[4.0, 1.0, 4.0]
>>> [grad_factor(c, m) for c in CONVENTIONS]   # dW, db: deferred = absorbed; sum = m × mean
[1.0, 1.0, 4.0]
>>> [output_scale(c, m) for c in CONVENTIONS]  # dZ[L] = output_scale × (A - Y)
[1.0, 0.25, 1.0]
>>> [param_scale(c, m) for c in CONVENTIONS]   # dW = param_scale × dZ A_prevᵀ
[0.25, 1.0, 1.0]

With one example all three coincide:

>>> {c: (dZ_factor(c, 1), grad_factor(c, 1)) for c in CONVENTIONS}
{'deferred': (1.0, 1.0), 'absorbed': (1.0, 1.0), 'sum': (1.0, 1.0)}
"""

from __future__ import annotations

import numpy as np

from npbackprop._validate import (
    InputTypeError,
    all_finite,
    as_array,
    check_choice,
    check_nonnegative,
    check_positive_int,
    short_repr,
)

__all__ = [
    "CONVENTIONS",
    "DESCRIPTIONS",
    "check_convention",
    "convert_dZ",
    "convert_grads",
    "dZ_factor",
    "equivalent_learning_rate",
    "grad_factor",
    "l2_scale",
    "output_scale",
    "param_scale",
    "reduction",
    "scales",
]

#: The valid convention names, in the order the book presents them.
CONVENTIONS = ("deferred", "absorbed", "sum")

#: What each convention's ``dZ`` means and where its 1/m goes, in a sentence or two.
DESCRIPTIONS = {
    "deferred": (
        "dZ holds the per-example derivatives dL(i)/dz(i) side by side (= m dJ/dZ); "
        "the 1/m is applied in dW and db. The deeplearning.ai course's convention."
    ),
    "absorbed": (
        "dZ is dJ/dZ, the derivative of the mean cost; the 1/m enters at the output, "
        "dZ[L] = (A - Y)/m. What autograd and PyTorch's reduction='mean' compute."
    ),
    "sum": (
        "dZ is the derivative of the summed cost sum_i L(i); there is no 1/m anywhere, "
        "so dW and db are m times the mean gradients. PyTorch's reduction='sum'."
    ),
}

# The two numbers that define each convention (see the module docstring).
# dZ in units of dJ/dZ: True means "times m".
_DZ_TIMES_M = {"deferred": True, "absorbed": False, "sum": True}
# dW, db in units of dJ/dW: True means "times m".
_GRAD_TIMES_M = {"deferred": False, "absorbed": False, "sum": True}


def check_convention(convention: str) -> str:
    """Return ``convention`` if it is one of :data:`CONVENTIONS`, else raise.

    Parameters
    ----------
    convention : str
        A convention name.

    Returns
    -------
    str
        The same name.

    Raises
    ------
    ValueError
        If the name is not ``"deferred"``, ``"absorbed"`` or ``"sum"``; the message lists them.

    Examples
    --------
    >>> check_convention("absorbed")
    'absorbed'
    >>> check_convention("mean")
    Traceback (most recent call last):
    ...
    ValueError: unknown convention 'mean'; expected one of 'deferred', 'absorbed', 'sum'
    """
    return check_choice(convention, CONVENTIONS, "convention")


def _check_m(m: int) -> int:
    return check_positive_int(m, "m (the number of examples)")


def _factor(table, convention, m):
    return float(m) if table[convention] else 1.0


def _scales(convention, m, lambd):
    """``(output_scale, param_scale, l2_scale)`` for arguments already checked.

    The public functions check their arguments and call this; the network's backward pass
    calls :func:`scales`, which checks them once.
    """
    dz, grad = _factor(_DZ_TIMES_M, convention, m), _factor(_GRAD_TIMES_M, convention, m)
    # Per-example derivatives are m · ∂J/∂Z, so the convention's dZ[L] is that times dz/m;
    # dZ A_prevᵀ is then dz · ∂J/∂W, and the result must be grad · ∂J/∂W; the L2 term's
    # gradient is (λ/m) W in the mean cost, grad times that in the convention.
    return dz / m, grad / dz, grad * lambd / m


def dZ_factor(convention: str, m: int) -> float:
    """What ``dZ`` is, at every layer, in units of the mean-cost derivative ∂J/∂Z.

    .. math:: dZ_{\\text{convention}} = \\text{dZ\\_factor} \\cdot \\frac{\\partial J}{\\partial Z}

    The same factor relates ``dA`` to ∂J/∂A, because the backward recurrence is linear.

    Parameters
    ----------
    convention : {"deferred", "absorbed", "sum"}
    m : int
        Number of examples in the batch.

    Returns
    -------
    float
        ``m`` for ``"deferred"`` and ``"sum"``, ``1`` for ``"absorbed"``.

    Examples
    --------
    >>> dZ_factor("deferred", 64), dZ_factor("absorbed", 64), dZ_factor("sum", 64)
    (64.0, 1.0, 64.0)
    """
    check_convention(convention)
    return _factor(_DZ_TIMES_M, convention, _check_m(m))


def grad_factor(convention: str, m: int) -> float:
    """What ``dW`` and ``db`` are in units of the mean-cost gradients ∂J/∂W and ∂J/∂b.

    Parameters
    ----------
    convention : {"deferred", "absorbed", "sum"}
    m : int
        Number of examples in the batch.

    Returns
    -------
    float
        ``1`` for ``"deferred"`` and ``"absorbed"`` (both give the true gradient of the mean
        cost), ``m`` for ``"sum"``.

    Examples
    --------
    >>> grad_factor("deferred", 64), grad_factor("absorbed", 64), grad_factor("sum", 64)
    (1.0, 1.0, 64.0)
    """
    check_convention(convention)
    return _factor(_GRAD_TIMES_M, convention, _check_m(m))


def scales(convention: str, m: int, lambd: float = 0.0) -> tuple[float, float, float]:
    """All three factors at once: ``(output_scale, param_scale, l2_scale)``, checked once.

    What a backward pass needs per batch: :func:`output_scale` on ``A - Y``,
    :func:`param_scale` in the linear step and :func:`l2_scale` on ``W``.

    Parameters
    ----------
    convention : {"deferred", "absorbed", "sum"}
    m : int
        Number of examples in the batch.
    lambd : float
        L2 strength λ ≥ 0.

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> scales("deferred", 4, lambd=0.5)
    (1.0, 0.25, 0.125)
    >>> scales("absorbed", 4), scales("sum", 4, lambd=0.5)
    ((0.25, 1.0, 0.0), (1.0, 1.0, 0.5))
    """
    check_convention(convention)
    return _scales(convention, _check_m(m), check_nonnegative(lambd, "lambd"))


def output_scale(convention: str, m: int) -> float:
    """The factor on the per-example output gradient: ``dZ[L] = output_scale · (A[L] - Y)``.

    Also the factor on the per-example ``dA[L]`` when the output layer is not fused.

    Parameters
    ----------
    convention : {"deferred", "absorbed", "sum"}
    m : int
        Number of examples in the batch.

    Returns
    -------
    float
        ``1/m`` for ``"absorbed"``, else ``1``.

    Examples
    --------
    >>> output_scale("absorbed", 4), output_scale("deferred", 4)
    (0.25, 1.0)
    """
    check_convention(convention)
    return _scales(convention, _check_m(m), 0.0)[0]


def param_scale(convention: str, m: int) -> float:
    """The factor in the linear step: ``dW = s_W · dZ A_prevᵀ`` and ``db = s_W · Σ dZ``.

    Parameters
    ----------
    convention : {"deferred", "absorbed", "sum"}
    m : int
        Number of examples in the batch.

    Returns
    -------
    float
        ``1/m`` for ``"deferred"`` (the course's 1/m in dW and db), else ``1``.

    Examples
    --------
    >>> param_scale("deferred", 4), param_scale("absorbed", 4), param_scale("sum", 4)
    (0.25, 1.0, 1.0)
    """
    check_convention(convention)
    return _scales(convention, _check_m(m), 0.0)[1]


def l2_scale(convention: str, m: int, lambd: float) -> float:
    """The factor on ``W`` that L2 regularization adds to ``dW``: ``dW += l2_scale · W``.

    The mean cost carries ``+ λ/(2m) Σ ‖W[l]‖²``, whose gradient is ``(λ/m) W``; the summed cost
    carries ``+ (λ/2) Σ ‖W[l]‖²`` (m times the mean cost), whose gradient is ``λ W``.

    Parameters
    ----------
    convention : {"deferred", "absorbed", "sum"}
    m : int
        Number of examples in the batch.
    lambd : float
        The regularization strength λ ≥ 0.

    Returns
    -------
    float
        ``λ/m`` for ``"deferred"`` and ``"absorbed"``, ``λ`` for ``"sum"``.

    Examples
    --------
    >>> l2_scale("deferred", 4, 0.7), l2_scale("absorbed", 4, 0.7), l2_scale("sum", 4, 0.7)
    (0.175, 0.175, 0.7)
    """
    check_convention(convention)
    return _scales(convention, _check_m(m), check_nonnegative(lambd, "lambd"))[2]


def reduction(convention: str) -> str:
    """The cost whose gradient a convention computes: ``"mean"`` or ``"sum"``.

    Examples
    --------
    >>> [reduction(c) for c in CONVENTIONS]
    ['mean', 'mean', 'sum']
    """
    check_convention(convention)
    return "sum" if _GRAD_TIMES_M[convention] else "mean"


def convert_dZ(dZ: np.ndarray, m: int, source: str, target: str) -> np.ndarray:
    """Convert a ``dZ`` (or ``dA``) from one convention to another, at any layer.

    Parameters
    ----------
    dZ : ndarray, shape (n_l, m)
        ``dZ[l]`` or ``dA[l]`` as computed in convention ``source``.
    m : int
        Number of examples the gradient was computed over.
    source, target : {"deferred", "absorbed", "sum"}

    Returns
    -------
    ndarray, shape (n_l, m)
        A new array of ``dZ``'s dtype; ``dZ`` is not modified. The product is computed in at
        least float32 (``m = 70000`` has no float16) and rounded to that dtype.

    Raises
    ------
    ValueError
        If the converted values do not fit ``dZ``'s dtype (a float16 ``dZ`` of ones times
        m = 70000, say); the message names m and the dtype.

    Examples
    --------
    The course's output ``dZ2 = A2 - Y`` is ``m`` times the absorbed one:

    >>> A2, Y = np.array([[0.9, 0.2, 0.6, 0.3]]), np.array([[1.0, 0.0, 1.0, 0.0]])
    >>> dZ2 = A2 - Y
    >>> convert_dZ(dZ2, 4, "deferred", "absorbed")
    array([[-0.025,  0.05 , -0.1  ,  0.075]])
    >>> bool(np.array_equal(convert_dZ(dZ2, 4, "deferred", "sum"), dZ2))
    True
    """
    factor = dZ_factor(target, m) / dZ_factor(source, m)
    dZ = as_array(dZ, "dZ")
    _check_columns(dZ, m, "dZ")
    return _scaled(dZ, factor, m, "dZ")


def _scaled(arr, factor, m, name):
    """``arr · factor`` computed in at least float32, in ``arr``'s dtype; raise if it does not
    fit (NEP 50 would otherwise cast ``factor`` to float16, where 70000 is inf)."""
    with np.errstate(over="ignore"):
        out = np.multiply(arr, factor, dtype=np.promote_types(arr.dtype, np.float32))
        out = out.astype(arr.dtype, copy=False)
    if not all_finite(out):
        raise ValueError(
            f"m must leave {name} times the conversion's factor within {arr.dtype}'s range; "
            f"got m = {m}, and {name} times {factor:.6g} overflows {arr.dtype} (convert in a "
            f"wider dtype)"
        )
    return out


def _check_columns(dZ, m, name):
    if dZ.shape[1] != m:
        raise ValueError(
            f"m must be the number of examples, the columns of {name}; got m = {m!r} for "
            f"{name} of shape {dZ.shape}"
        )


def convert_grads(grads: dict, m: int, source: str, target: str) -> dict:
    """Convert a gradient dict (``dA{l}``, ``dZ{l}``, ``dW{l}``, ``db{l}``) between conventions.

    Keys starting with ``dA`` or ``dZ`` scale by :func:`dZ_factor` (they must be (n_l, m) arrays
    with ``m`` columns), keys starting with ``dW`` or ``db`` by :func:`grad_factor`; other keys
    are copied unchanged. Every value must be a finite, real, non-empty array.

    Parameters
    ----------
    grads : dict of str to ndarray
        As returned by :func:`npbackprop.network.gradients`.
    m : int
        Number of examples the gradients were computed over.
    source, target : {"deferred", "absorbed", "sum"}

    Returns
    -------
    dict of str to ndarray
        A new dict of new arrays, each of its input's dtype (computed as in :func:`convert_dZ`;
        a value that no longer fits its dtype raises ``ValueError`` naming m and the dtype).

    Examples
    --------
    >>> g = {"dZ1": np.array([[4.0, -8.0]]), "dW1": np.array([[0.5]])}
    >>> convert_grads(g, 2, "deferred", "sum")
    {'dZ1': array([[ 4., -8.]]), 'dW1': array([[1.]])}
    >>> convert_grads(g, 2, "deferred", "absorbed")
    {'dZ1': array([[ 2., -4.]]), 'dW1': array([[0.5]])}
    """
    if not hasattr(grads, "items"):
        raise InputTypeError(f"grads must be a dict of arrays; got {type(grads).__name__}")
    dz = dZ_factor(target, m) / dZ_factor(source, m)
    dw = grad_factor(target, m) / grad_factor(source, m)
    out = {}
    for key, value in grads.items():
        if not isinstance(key, str):
            raise InputTypeError(f"grads keys must be names like 'dW1'; got {short_repr(key)}")
        name = f"grads[{short_repr(key)}]"
        value = as_array(value, name, ndim=None)
        if key.startswith(("dA", "dZ")):
            if value.ndim != 2:
                raise ValueError(f"{name} must be a 2-D (n_l, m) array; got shape {value.shape}")
            _check_columns(value, m, name)
            out[key] = _scaled(value, dz, m, name)
        elif key.startswith(("dW", "db")):
            out[key] = _scaled(value, dw, m, name)
        else:
            out[key] = np.copy(value)
    return out


def equivalent_learning_rate(learning_rate: float, m: int, source: str, target: str) -> float:
    """The learning rate in ``target`` that takes the same steps as ``learning_rate`` in ``source``.

    A step is ``W -= learning_rate · dW``; ``"sum"`` gradients are ``m`` times the mean ones, so
    it needs ``learning_rate / m`` to follow the same trajectory as ``"deferred"`` or
    ``"absorbed"``. With mini-batches, ``m`` is the batch size.

    Examples
    --------
    >>> equivalent_learning_rate(1.2, 400, "deferred", "sum")
    0.003
    >>> equivalent_learning_rate(1.2, 400, "deferred", "absorbed")
    1.2
    """
    learning_rate = check_nonnegative(learning_rate, "learning_rate")
    return learning_rate * grad_factor(source, m) / grad_factor(target, m)
