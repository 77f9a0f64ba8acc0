"""Shared test helpers: problems to differentiate, an independent reference, comparisons.

The reference network below is written from the book's equations with ``autograd.numpy``; it
shares no code with ``npbackprop``. Its losses use other (equally exact) formulas than the
package: ``logaddexp`` for binary cross-entropy, ``logsumexp`` for cross-entropy.
"""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

# The grids, typed from DESIGN.md §2 and §4 rather than imported, so that a name dropped from
# the package fails here instead of silently shrinking the grid.
HIDDEN = ("relu", "tanh", "sigmoid", "leaky_relu")
OUTPUTS = ("sigmoid", "softmax", "identity")
CONVENTIONS = ("deferred", "absorbed", "sum")
# dZ and dA in units of dJ/dZ (DESIGN §2): deferred and sum hold per-example derivatives.
DZ_TIMES_M = {"deferred": True, "absorbed": False, "sum": True}
REDUCTION = {"deferred": "mean", "absorbed": "mean", "sum": "sum"}


def make_problem(hidden, output, *, dims=(3, 4, 3), n_y=None, m=5, seed=0, dtype=np.float64):
    """Random parameters (non-zero biases), inputs and valid targets for one network."""
    rng = np.random.default_rng(seed)
    if n_y is None:
        n_y = 3 if output == "softmax" else 2
    sizes = [*dims, n_y]
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = rng.normal(size=(sizes[l], sizes[l - 1])) / np.sqrt(sizes[l - 1])
        params[f"b{l}"] = rng.normal(size=(sizes[l], 1)) * 0.1
    X = rng.normal(size=(sizes[0], m))
    Y = make_targets(rng, output, n_y, m)
    cast = {k: v.astype(dtype) for k, v in params.items()}
    return cast, X.astype(dtype), Y.astype(dtype)


def make_targets(rng, output, n_y, m):
    """Valid targets for ``output``: {0, 1} labels, one-hot columns, or real values."""
    if output == "sigmoid":
        return (rng.random((n_y, m)) < 0.5).astype(float)
    if output == "softmax":
        return np.eye(n_y)[:, rng.integers(0, n_y, m)]
    return rng.normal(size=(n_y, m))


def assert_close(actual, expected, name, rtol=1e-12):
    """Equal up to ``rtol`` relative to the size of ``expected`` (also near its zeros)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{name}: shape {actual.shape} != {expected.shape}"
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale, err_msg=name)


# --- The independent reference, in autograd.numpy. ---

_G = {
    "relu": lambda z: anp.maximum(z, 0.0),
    "tanh": anp.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
    "leaky_relu": lambda z: anp.where(z > 0, z, 0.01 * z),
}


def logsumexp(Z, axis, keepdims):
    """log Σ exp(Z) along ``axis``, shifted by the maximum (its gradient is exactly softmax)."""
    top = anp.max(Z, axis=axis, keepdims=True)
    out = top + anp.log(anp.sum(anp.exp(Z - top), axis=axis, keepdims=True))
    return out if keepdims else anp.squeeze(out, axis=axis)


_OUT = {
    "sigmoid": _G["sigmoid"],
    "softmax": lambda z: np.exp(z - logsumexp(z, axis=0, keepdims=True)),
    "identity": lambda z: z,
}


def _loss_sum(ZL, Y, output):
    """Σᵢ L⁽ⁱ⁾ from the output pre-activation ZL."""
    if output == "sigmoid":
        # -[y log σ(z) + (1-y) log(1-σ(z))] = log(1 + e^z) - y z
        return anp.sum(anp.logaddexp(0.0, ZL) - Y * ZL)
    if output == "softmax":
        return -anp.sum(Y * (ZL - logsumexp(ZL, axis=0, keepdims=True)))
    return 0.5 * anp.sum((ZL - Y) ** 2)


def _loss_sum_from_activation(A, Y, output):
    """Σᵢ L⁽ⁱ⁾ from the output activation A (used only to differentiate with respect to A[L])."""
    if output == "sigmoid":
        return -anp.sum(Y * anp.log(A) + (1 - Y) * anp.log(1 - A))
    if output == "softmax":
        return -anp.sum(Y * anp.log(A))
    return 0.5 * anp.sum((A - Y) ** 2)


def _finish(total, weights, lambd, m, reduction):
    l2 = sum(anp.sum(weights[k] ** 2) for k in weights if k.startswith("W"))
    if reduction == "mean":
        return total / m + lambd / (2 * m) * l2
    return total + lambd / 2 * l2


def _layers(weights):
    return len([k for k in weights if k.startswith("W")])


def reference_cost_from(start, value, weights, X, Y, hidden, output, lambd, reduction, masks):
    """The cost as a function of one quantity: ``start`` is ``"W"`` (value = the weights dict),
    ``("Z", l)`` (value = Z[l]) or ``("A", l)`` (value = A[l] before dropout)."""
    L = _layers(weights)
    m = X.shape[1]
    if start == "W":
        weights, first, A = value, 1, X
    else:
        kind, l = start
        if kind == "Z":
            Z = value
            if l == L:
                return _finish(_loss_sum(Z, Y, output), weights, lambd, m, reduction)
            A = _G[hidden](Z)
        else:
            A = value
            if l == L:
                return _finish(
                    _loss_sum_from_activation(A, Y, output), weights, lambd, m, reduction
                )
        if masks[l - 1] is not None:
            A = A * masks[l - 1] / masks.keep_prob
        first = l + 1
    for l in range(first, L + 1):
        Z = anp.dot(weights[f"W{l}"], A) + weights[f"b{l}"]
        if l == L:
            break
        A = _G[hidden](Z)
        if masks[l - 1] is not None:
            A = A * masks[l - 1] / masks.keep_prob
    return _finish(_loss_sum(Z, Y, output), weights, lambd, m, reduction)


class Masks(list):
    """Dropout masks per layer (None for none) with their keep probability."""

    def __init__(self, masks, keep_prob):
        super().__init__(masks)
        self.keep_prob = keep_prob


def reference_gradients(params, X, Y, *, hidden, output, convention, lambd=0.0, masks=None):
    """dW, db, dZ, dA of every layer for ``convention``, by autograd on the reference cost.

    dW, db are the gradients of the convention's cost (mean or sum); dZ, dA are ∂cost/∂Z and
    ∂cost/∂A, times m in the deferred convention (DESIGN §2).
    """
    L = _layers(params)
    masks = masks if masks is not None else Masks([None] * L, 1.0)
    reduction = REDUCTION[convention]
    m = X.shape[1]
    factor = m if convention == "deferred" else 1
    args = (params, X, Y, hidden, output, lambd, reduction, masks)

    def of(start):
        return lambda v: reference_cost_from(start, v, *args)

    out = {f"d{k}": v for k, v in grad(of("W"))(dict(params)).items()}
    # the forward values at which to differentiate with respect to Z[l] and A[l]
    A = X
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        out[f"dZ{l}"] = factor * grad(of(("Z", l)))(Z)
        A = np.asarray(_G[hidden](Z) if l < L else _OUT[output](Z))
        out[f"dA{l}"] = factor * grad(of(("A", l)))(A)
        if l < L and masks[l - 1] is not None:
            A = A * masks[l - 1] / masks.keep_prob
    return out


def reference_cost(params, X, Y, *, hidden, output, lambd=0.0, reduction="mean"):
    L = _layers(params)
    return float(
        reference_cost_from(
            "W", params, params, X, Y, hidden, output, lambd, reduction, Masks([None] * L, 1.0)
        )
    )


def assert_same(live, recorded, where, rtol=1e-10, same_dtype=True, atol=1e-14):
    """A live library run against its record: same keys, dtypes and shapes, floats equal to
    ``rtol`` and ``atol`` (other CPUs take other code paths: equal to rounding, not bit for
    bit), everything else equal. ``same_dtype=False`` compares the values of arrays of another
    float dtype."""
    if isinstance(recorded, dict):
        assert isinstance(live, dict), f"{where}: not a dict any more"
        assert sorted(live) == sorted(recorded), f"{where}: keys differ"
        for key in recorded:
            assert_same(live[key], recorded[key], f"{where}.{key}", rtol, same_dtype, atol)
    elif isinstance(recorded, np.ndarray):
        assert isinstance(live, np.ndarray), f"{where}: not an array any more"
        if same_dtype or not np.issubdtype(recorded.dtype, np.floating):
            assert live.dtype == recorded.dtype, f"{where}: {live.dtype}, recorded {recorded.dtype}"
        assert live.shape == recorded.shape, f"{where}: {live.shape}, recorded {recorded.shape}"
        if np.issubdtype(recorded.dtype, np.floating):
            np.testing.assert_allclose(live, recorded, rtol=rtol, atol=atol, err_msg=where)
        else:
            np.testing.assert_array_equal(live, recorded, err_msg=where)
    elif isinstance(recorded, float):
        assert live == pytest.approx(recorded, rel=rtol, abs=atol), where
    else:
        assert live == recorded, where
