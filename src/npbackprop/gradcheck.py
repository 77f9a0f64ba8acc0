"""Gradient checking: centred finite differences and the course's relative error.

A gradient check compares a backward pass with a numerical derivative of the *cost*, which the
backward pass did not compute. It is the test that catches a missing or doubled 1/m: a gradient
off by a factor ``k`` has relative error ``|k - 1| / (k + 1)`` (for example ``(m - 1)/(m + 1)``
when 1/m is applied twice, for any k > 0), far above any rounding error.

Examples
--------
>>> from npbackprop.network import init_params
>>> rng = np.random.default_rng(0)
>>> X, Y = rng.normal(size=(3, 6)), np.array([[0, 1, 1, 0, 1, 0]])
>>> report = check_network(init_params([3, 4, 1], seed=0), X, Y, hidden="tanh")
>>> report.passed()
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from npbackprop import conventions
from npbackprop._engine import Settings, check_XY, cost_from_logits, forward_pass
from npbackprop._validate import (
    InputTypeError,
    as_array,
    as_real_array,
    check_params,
    check_seed,
    check_shape,
    short_repr,
)
from npbackprop.losses import check_labels
from npbackprop.network import gradients

__all__ = ["GradientCheck", "check_network", "numerical_gradient", "relative_error"]

#: Relative error below which a float64 gradient check passes.
THRESHOLD = 1e-7


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6):
    """Centred finite-difference gradient of a scalar function ``f`` at ``x``.

    .. math:: \\frac{\\partial f}{\\partial x_j} \\approx
              \\frac{f(x + \\varepsilon e_j) - f(x - \\varepsilon e_j)}{2 \\varepsilon}

    The error is O(ε²) from truncation plus about (machine epsilon · ``abs(f)``)/ε from rounding;
    ε = 1e-6 balances the two in float64.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x``, returns a real number. Each call gets its own
        perturbed copy, so an ``f`` that modifies its argument cannot corrupt the others.
    x : ndarray
        Where to differentiate; not modified.
    eps : float
        Step ε, finite and > 0.

    Returns
    -------
    ndarray
        Same shape as ``x``, float64.

    Examples
    --------
    >>> g = numerical_gradient(lambda v: float(np.sum(v**3)), np.array([[1.0, -2.0]]))
    >>> g.round(6)                                # 3 x²
    array([[ 3., 12.]])
    """
    if not callable(f):
        raise InputTypeError(f"f must be a callable returning a number; got {type(f).__name__}")
    x = as_array(x, "x", ndim=None)
    eps = _check_eps(eps)
    base = np.array(x, dtype=np.float64, copy=True)
    grad = np.empty_like(base)
    for j in np.ndindex(base.shape):
        values = []
        for step in (eps, -eps):
            trial = base.copy()  # f may modify its argument: each call gets its own copy
            trial[j] += step
            value = _real_number(f(trial))
            if not np.isfinite(value):
                raise ValueError(
                    f"f must return a finite number; got {value} at index {j} of x with a step "
                    f"of {step:+g}, where no finite difference exists"
                )
            values.append(value)
        grad[j] = (values[0] - values[1]) / (2 * eps)
    return grad


def _check_eps(eps) -> float:
    if (
        isinstance(eps, bool | np.bool_)
        or not isinstance(eps, int | float | np.floating | np.integer)
        or not (np.isfinite(eps) and eps > 0)
    ):
        raise ValueError(
            f"eps must be a finite number > 0 (the finite-difference step); got {short_repr(eps)}"
        )
    return float(eps)


def _real_number(value) -> float:
    """What ``f`` returned, as a float: a real number or a one-element real array."""
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating | np.ndarray
    ):
        raise InputTypeError(f"f must return a real number; got {short_repr(value)}")
    arr = np.asarray(value)
    if arr.size != 1 or arr.dtype.kind not in "fiu":
        raise InputTypeError(f"f must return a real number; got {short_repr(value)}")
    return float(arr.reshape(()))


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """The course's relative error ``‖a − b‖ / (‖a‖ + ‖b‖)`` (Euclidean norms); 0 if both are 0.

    It lies in [0, 1]; a gradient that is ``k > 0`` times the true one gives
    ``|k − 1| / (k + 1)``, and one of the opposite sign (k < 0) gives 1. NaN or inf anywhere
    gives NaN, which :meth:`GradientCheck.passed` treats as a failure. Both arrays are divided by
    a power of two near their largest magnitude first, so the norms neither overflow (gradients
    near 1e154 and beyond) nor underflow (near 1e-160 and below).

    Parameters
    ----------
    a, b : array_like
        Same shape.

    Returns
    -------
    float

    Examples
    --------
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> relative_error(np.array([3.0]), np.array([1.0]))   # off by k = 3: (3 - 1)/(3 + 1)
    0.5
    >>> relative_error(np.array([3e200]), np.array([1e200]))  # no overflow in the norms
    0.5
    """
    a = as_real_array(a, "a").astype(np.float64)
    b = as_real_array(b, "b").astype(np.float64)
    check_shape(b, a.shape, "b", "the shape of a")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return float("nan")  # a NaN or inf gradient is never "close"
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    if scale == 0:
        return 0.0
    # Divide by the power of two at or above the largest magnitude: exact (no rounding, so the
    # result is that of the unscaled formula), and the entries lie in [-1, 1], whose norms can
    # neither overflow nor lose everything to underflow.
    exponent = int(np.frexp(scale)[1])
    a, b = np.ldexp(a, -exponent), np.ldexp(b, -exponent)
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


@dataclass(frozen=True)
class GradientCheck:
    """The result of :func:`check_network`.

    Attributes
    ----------
    errors : dict of str to float
        Relative error of each ``dW{l}``, ``db{l}``.
    overall : float
        Relative error of all parameters' gradients stacked into one vector (the course's
        ``gradient_check_n`` figure).
    worst : str
        The parameter gradient with the largest relative error.
    worst_error : float
    analytic, numerical : dict of str to ndarray
        The gradients compared.
    """

    errors: dict
    overall: float
    worst: str
    worst_error: float
    analytic: dict
    numerical: dict

    def passed(self, threshold: float = THRESHOLD) -> bool:
        """True when every parameter's relative error is finite and below ``threshold``."""
        return bool(np.isfinite(self.worst_error) and self.worst_error < threshold)

    def __str__(self) -> str:
        lines = [f"{'gradient':>9}  relative error"]
        lines += [f"{name:>9}  {err:.3e}" for name, err in self.errors.items()]
        values = np.array(list(self.errors.values()))
        tied = np.isfinite(values).all() and np.ptp(values) <= 1e-9 * max(values.max(), 1e-300)
        worst = "all equal" if tied and len(values) > 1 else self.worst
        lines.append(f"{'overall':>9}  {self.overall:.3e}   worst: {worst}")
        return "\n".join(lines)


def _analytic_gradients(grads, params: dict) -> dict:
    """``d{name}`` for every parameter, as float64 arrays of the parameter's shape."""
    if not hasattr(grads, "keys"):
        raise InputTypeError(f"grads must be a dict of arrays; got {type(grads).__name__}")
    analytic = {}
    for name, value in params.items():
        key = f"d{name}"
        if key not in grads:
            shown = sorted(str(k)[:20] for k in list(grads)[:8])
            raise ValueError(f"grads must hold {key} for parameter {name}; got keys {shown}")
        analytic[key] = as_real_array(grads[key], key).astype(np.float64)
        check_shape(analytic[key], value.shape, key, f"the shape of {name}")
    return analytic


def check_network(
    params: dict,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    hidden: str = "relu",
    output: str = "sigmoid",
    convention: str = "deferred",
    lambd: float = 0.0,
    keep_prob: float = 1.0,
    seed: int = 0,
    fused: bool = True,
    grads: dict | None = None,
    eps: float = 1e-6,
) -> GradientCheck:
    """Check a network's ``dW``, ``db`` against centred differences of its cost, per parameter.

    The numerical side differentiates :func:`npbackprop.network.cost` with the reduction of
    ``convention`` (mean for deferred and absorbed, sum for sum) and the same L2 and dropout
    mask (fixed by ``seed``). The analytic side is ``grads`` if given — your own backward pass
    — else :func:`npbackprop.network.gradients`.

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (n_L, m)
    hidden, output, convention, lambd, keep_prob, fused : see :func:`~npbackprop.network.gradients`
    seed : int >= 0
        Dropout seed shared by both sides; with ``keep_prob < 1`` it must be an int (``None`` or
        a Generator would draw other masks at every evaluation).
    grads : dict, optional
        Gradients to check, holding ``dW{l}``, ``db{l}``.
    eps : float
        Finite-difference step.

    Returns
    -------
    GradientCheck
        Per-parameter errors, the worst parameter and the overall error.

    Examples
    --------
    Checking a hand-made deferred backward that applies 1/m twice (m = 6): every error is
    ``(m - 1)/(m + 1) = 5/7``, the signature of a factor-m bug.

    >>> from npbackprop.network import init_params, gradients
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(3, 6)), np.array([[0, 1, 1, 0, 1, 0]])
    >>> params = init_params([3, 4, 1], seed=0)
    >>> good = gradients(params, X, Y, hidden="tanh")
    >>> twice = {k: v / 6 for k, v in good.items()}
    >>> report = check_network(params, X, Y, hidden="tanh", grads=twice)
    >>> report.passed(), report.worst in twice, round(report.overall, 6), round(5 / 7, 6)
    (False, True, 0.714286, 0.714286)
    """
    settings = Settings.checked(
        hidden=hidden, output=output, convention=convention, lambd=lambd, keep_prob=keep_prob,
        fused=fused,
    )  # fmt: skip
    keep_prob, lambd, fused = settings.keep_prob, settings.lambd, settings.fused
    if keep_prob < 1 and (seed is None or isinstance(seed, np.random.Generator)):
        raise ValueError(
            f"with keep_prob = {keep_prob} < 1 the dropout masks must be fixed by a seed (an "
            "int): both sides and every finite difference must use the same masks; got "
            f"seed={short_repr(seed)}"
        )
    seed = check_seed(seed, generator=False)
    eps = _check_eps(eps)
    _, params = check_params(params)
    # Finite differences need float64: in float32 a step of 1e-6 vanishes in rounding. A float32
    # network is checked at its float64 copy, where the same backward code runs.
    params = {k: v.astype(np.float64) for k, v in params.items()}
    X, Y, params = check_XY(as_array(X, "X").astype(np.float64), Y, params)
    check_labels(Y, output)
    red = conventions.reduction(convention)
    if grads is None:
        grads = gradients(
            params, X, Y, hidden=hidden, output=output, convention=convention, lambd=lambd,
            keep_prob=keep_prob, seed=seed, fused=fused,
        )  # fmt: skip
    analytic = _analytic_gradients(grads, params)
    numerical, errors = {}, {}
    for name in params:
        key = f"d{name}"

        def f(value, name=name):
            # The inputs were checked once above; each of the 2n evaluations only computes.
            trial = {**params, name: value}
            _, caches = forward_pass(
                X, trial, hidden=hidden, output=output, keep_prob=keep_prob, seed=seed
            )
            return cost_from_logits(caches, Y, trial, lambd=lambd, reduction=red)

        numerical[key] = numerical_gradient(f, params[name], eps)
        errors[key] = relative_error(analytic[key], numerical[key])
    # A NaN error (a NaN gradient) compares False with everything: rank it above all others.
    worst = max(errors, key=lambda k: np.inf if np.isnan(errors[k]) else errors[k])
    overall = relative_error(
        np.concatenate([analytic[k].ravel() for k in errors]),
        np.concatenate([numerical[k].ravel() for k in errors]),
    )
    return GradientCheck(errors, overall, worst, errors[worst], analytic, numerical)
