"""Optimizers with the course's formulas: gradient descent, momentum, RMSprop and Adam.

The formulas are those of the deep-learning specialization's second course, week 2, for every
parameter ``W`` (and likewise ``b``) with its gradient ``dW`` and learning rate α:

* gradient descent: ``W ← W − α dW``;
* momentum: ``v ← β v + (1 − β) dW``, ``W ← W − α v``;
* RMSprop: ``s ← β s + (1 − β) dW²``, ``W ← W − α dW / (√s + ε)``;
* Adam: ``v ← β₁ v + (1 − β₁) dW``, ``s ← β₂ s + (1 − β₂) dW²``, the bias corrections
  ``v̂ = v / (1 − β₁ᵗ)``, ``ŝ = s / (1 − β₂ᵗ)`` at step t = 1, 2, ..., and
  ``W ← W − α v̂ / (√ŝ + ε)``, with ε added outside the square root.

**Where the 1/m meets an optimizer.** Gradient descent and momentum are linear in the gradient:
fed the ``"sum"`` convention's gradient, m times the mean one, they take m times longer steps,
and the rate must be divided by m to take the same ones. RMSprop and Adam divide by a running
root-mean-square of the gradient, so a constant factor cancels (exactly, but for ε): the same
rate takes (nearly) the same steps. :meth:`Optimizer.rate_for` says which.

**PyTorch.** ``torch.optim.RMSprop(alpha=β, eps=ε)`` and ``torch.optim.Adam(betas=(β₁, β₂),
eps=ε)`` compute these formulas. ``torch.optim.SGD(momentum=β)`` accumulates ``b ← β b + g``
without the ``(1 − β)`` (and its ``dampening`` is not applied on the first step), so the course's
momentum with rate α is PyTorch's with ``lr = α (1 − β)`` and ``dampening=0``; the tests check
both mappings.

Each optimizer keeps its state (``v``, ``s``, the step count) in a dict made by
:meth:`Optimizer.init_state`; :meth:`Optimizer.update` returns new parameters and a new state,
leaving its inputs alone, and :meth:`Optimizer.update_in_place` is the same step written into
arrays the caller owns (what :func:`npbackprop.training.train` uses).

**float16.** The moments and the step are computed in the parameters' precision but at least
float32, and the new parameters are written back in their own dtype: in float16 the square of a
gradient below about 2e-4 underflows and ε = 1e-8 is 0, so a zero gradient would give 0/0.
:meth:`Optimizer.update` refuses, with a ``ValueError`` naming the argument, a state that
:meth:`Optimizer.init_state` could not have made, an ε that is 0 even in that precision, and a
step whose result is not finite.

Examples
--------
>>> import numpy as np
>>> from npbackprop import optimizers
>>> params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.0]])}
>>> grads = {"dW1": np.array([[0.5, -0.5]]), "db1": np.array([[1.0]])}
>>> opt = optimizers.Momentum(beta=0.9)
>>> state = opt.init_state(params)
>>> new, state = opt.update(params, grads, state, learning_rate=1.0)
>>> new["W1"], state["v"]["W1"]                  # v = 0.1 dW, W - 1.0 v
(array([[0.95, 2.05]]), array([[ 0.05, -0.05]]))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from npbackprop._optimizer_checks import (
    check_beta,
    check_epsilon,
    check_epsilon_in,
    check_grads,
    check_result,
    check_state,
)
from npbackprop._validate import check_nonnegative, check_params, short_repr

__all__ = ["Adam", "GradientDescent", "Momentum", "Optimizer", "RMSprop", "update_params"]


def _wide(arr: np.ndarray) -> np.ndarray:
    """``arr`` in at least float32: the precision of the moments and of the step (a float16
    gradient's square underflows, and ε = 1e-8 is 0 in float16)."""
    return arr.astype(np.float32) if arr.dtype.itemsize < 4 else arr


@dataclass(frozen=True)
class Optimizer:
    """What every optimizer provides; use one of its subclasses."""

    #: True when a constant factor on the gradient cancels in the step (RMSprop, Adam).
    scale_invariant: ClassVar[bool] = False
    #: The names of the moments this optimizer keeps in its state.
    _moments: ClassVar[tuple] = ()

    def init_state(self, params: dict) -> dict:
        """The state before the first step: zero moments shaped and typed like ``params``.

        Parameters
        ----------
        params : dict
            ``W{l}``, ``b{l}``.

        Returns
        -------
        dict
            ``{"t": 0}`` plus this optimizer's moments (``"v"``, ``"s"``), each a dict of
            zero arrays keyed and shaped like ``params``, of their dtype but at least float32:
            the moments of float16 parameters are float32 (a float16 ``s`` would lose the
            square of every gradient below about 2e-4).
        """
        _, params = check_params(params)
        return {"t": 0, **{name: {k: np.zeros(v.shape, np.promote_types(v.dtype, np.float32))
                                  for k, v in params.items()}
                           for name in self._moments}}  # fmt: skip

    def rate_for(self, learning_rate: float, scale: float) -> float:
        """The rate that takes the same steps when every gradient is ``scale`` times larger.

        ``learning_rate / scale`` for gradient descent and momentum, ``learning_rate`` for
        RMSprop and Adam (exactly, but for ε). With ``scale = m`` this converts a rate meant for
        the mean cost into one for the ``"sum"`` convention.

        Examples
        --------
        >>> GradientDescent().rate_for(1.2, 400), Adam().rate_for(0.01, 400)
        (0.003, 0.01)

        A ``scale`` so small that the rate would be infinite raises ``ValueError``.
        """
        learning_rate = check_nonnegative(learning_rate, "learning_rate")
        scale = check_nonnegative(scale, "scale")
        if scale == 0:
            raise ValueError("scale must be positive, got 0")
        if self.scale_invariant:
            return learning_rate
        rate = learning_rate / scale
        if not math.isfinite(rate):
            raise ValueError(
                f"scale must be large enough that learning_rate / scale is finite; got scale = "
                f"{short_repr(scale)} for learning_rate = {short_repr(learning_rate)}"
            )
        return rate

    def update(self, params: dict, grads: dict, state: dict, learning_rate: float):
        """One step, as new parameters and a new state; the inputs are not modified.

        Parameters
        ----------
        params : dict
            ``W{l}``, ``b{l}``.
        grads : dict
            ``dW{l}``, ``db{l}`` for every parameter (other keys, such as ``dZ{l}``, are ignored).
        state : dict
            From :meth:`init_state` or the previous step.
        learning_rate : float

        Returns
        -------
        (dict, dict)
            The new parameters, of their own dtype, and the new state (moments of at least
            float32, the step count a Python int).

        Raises
        ------
        ValueError
            For a state not made by :meth:`init_state` (moments that are not float arrays of
            the parameters' shapes, a negative ``s``, a step count that is not an int ≥ 0), an
            ε that is 0 in the step's precision, or a step whose result is not finite.

        Notes
        -----
        The step is computed in the parameters' precision but at least float32, and written
        back in the parameters' dtype: for float16 parameters, the moments, ε (1e-8 is 0 in
        float16, which would make a zero gradient's step 0/0) and the step are float32.
        """
        _, params = check_params(params)
        learning_rate = check_nonnegative(learning_rate, "learning_rate")
        grads = check_grads(grads, params)
        state = check_state(state, params, self)
        check_epsilon_in(self, params)
        new = {k: v.copy() for k, v in params.items()}
        new_state = {"t": state["t"], **{name: {
            k: np.array(v, dtype=np.promote_types(v.dtype, np.float32))  # a copy
            for k, v in state[name].items()} for name in self._moments}}  # fmt: skip
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self.update_in_place(new, grads, new_state, learning_rate)
        check_result(new, new_state, learning_rate, self)
        return new, new_state

    def update_in_place(self, params: dict, grads: dict, state: dict, learning_rate: float):
        """The step of :meth:`Optimizer.update`, written into ``params`` and ``state`` (the caller
        owns them), without checks: for training loops that have validated their inputs once."""
        raise NotImplementedError(
            f"{type(self).__name__} is the base class of the optimizers and takes no step; use "
            "one of its subclasses: GradientDescent, Momentum, RMSprop or Adam"
        )


@dataclass(frozen=True)
class GradientDescent(Optimizer):
    """``W ← W − α dW``.

    Examples
    --------
    >>> import numpy as np
    >>> p = {"W1": np.array([[1.0]]), "b1": np.array([[1.0]])}
    >>> g = {"dW1": np.array([[2.0]]), "db1": np.array([[-2.0]])}
    >>> GradientDescent().update(p, g, {"t": 0}, 0.25)[0]
    {'W1': array([[0.5]]), 'b1': array([[1.5]])}
    """

    def update_in_place(self, params, grads, state, learning_rate):
        for key, value in params.items():
            value -= learning_rate * grads[f"d{key}"]
        state["t"] += 1


@dataclass(frozen=True)
class Momentum(Optimizer):
    """``v ← β v + (1 − β) dW``, ``W ← W − α v`` (the course's exponentially weighted average).

    Parameters
    ----------
    beta : float, default 0.9
        In [0, 1); ``beta = 0`` is gradient descent.

    Examples
    --------
    >>> import numpy as np
    >>> p = {"W1": np.array([[0.0]]), "b1": np.array([[0.0]])}
    >>> g = {"dW1": np.array([[1.0]]), "db1": np.array([[0.0]])}
    >>> opt = Momentum(beta=0.5)
    >>> s = opt.init_state(p)
    >>> p, s = opt.update(p, g, s, 1.0)   # v = 0.5, W = -0.5
    >>> p, s = opt.update(p, g, s, 1.0)   # v = 0.75, W = -1.25
    >>> float(p["W1"][0, 0]), float(s["v"]["W1"][0, 0])
    (-1.25, 0.75)
    """

    beta: float = 0.9
    _moments: ClassVar[tuple] = ("v",)

    def __post_init__(self):
        object.__setattr__(self, "beta", check_beta(self.beta, "beta"))

    def update_in_place(self, params, grads, state, learning_rate):
        beta, v = self.beta, state["v"]
        for key, value in params.items():
            v[key] *= beta
            v[key] += (1 - beta) * grads[f"d{key}"]
            value -= learning_rate * v[key]
        state["t"] += 1


@dataclass(frozen=True)
class RMSprop(Optimizer):
    """``s ← β s + (1 − β) dW²``, ``W ← W − α dW / (√s + ε)``.

    Parameters
    ----------
    beta : float, default 0.999
        In [0, 1) (the course's β₂).
    epsilon : float, default 1e-8
        Added outside the square root.

    Examples
    --------
    >>> import numpy as np
    >>> p = {"W1": np.array([[0.0]]), "b1": np.array([[0.0]])}
    >>> g = {"dW1": np.array([[3.0]]), "db1": np.array([[0.0]])}
    >>> opt = RMSprop(beta=0.75, epsilon=0.0001)
    >>> p, s = opt.update(p, g, opt.init_state(p), 0.1)   # s = 2.25, step 0.1·3/(1.5+1e-4)
    >>> round(float(p["W1"][0, 0]), 6)
    -0.199987
    """

    beta: float = 0.999
    epsilon: float = 1e-8
    scale_invariant: ClassVar[bool] = True
    _moments: ClassVar[tuple] = ("s",)

    def __post_init__(self):
        object.__setattr__(self, "beta", check_beta(self.beta, "beta"))
        object.__setattr__(self, "epsilon", check_epsilon(self.epsilon))

    def update_in_place(self, params, grads, state, learning_rate):
        beta, s = self.beta, state["s"]
        for key, value in params.items():
            g = _wide(grads[f"d{key}"])
            s[key] *= beta
            s[key] += (1 - beta) * g * g
            value -= learning_rate * g / (np.sqrt(_wide(s[key])) + self.epsilon)
        state["t"] += 1


@dataclass(frozen=True)
class Adam(Optimizer):
    """Momentum and RMSprop together, with bias correction (the course's Adam).

    ``v ← β₁ v + (1 − β₁) dW``; ``s ← β₂ s + (1 − β₂) dW²``; at step t,
    ``W ← W − α v̂ / (√ŝ + ε)`` with ``v̂ = v / (1 − β₁ᵗ)`` and ``ŝ = s / (1 − β₂ᵗ)``.

    Parameters
    ----------
    beta1 : float, default 0.9
    beta2 : float, default 0.999
    epsilon : float, default 1e-8
        Added outside the square root, as the course writes it.

    Examples
    --------
    The first step of Adam moves every parameter by about α, whatever the gradient's size
    (v̂ = dW and ŝ = dW² at t = 1):

    >>> import numpy as np
    >>> p = {"W1": np.array([[0.0, 0.0]]), "b1": np.array([[0.0]])}
    >>> g = {"dW1": np.array([[1e-3, -50.0]]), "db1": np.array([[2.0]])}
    >>> opt = Adam()
    >>> p, s = opt.update(p, g, opt.init_state(p), learning_rate=0.01)
    >>> np.round(p["W1"], 6), s["t"]
    (array([[-0.01,  0.01]]), 1)
    """

    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    scale_invariant: ClassVar[bool] = True
    _moments: ClassVar[tuple] = ("v", "s")

    def __post_init__(self):
        object.__setattr__(self, "beta1", check_beta(self.beta1, "beta1"))
        object.__setattr__(self, "beta2", check_beta(self.beta2, "beta2"))
        object.__setattr__(self, "epsilon", check_epsilon(self.epsilon))

    def update_in_place(self, params, grads, state, learning_rate):
        state["t"] += 1
        t, b1, b2 = state["t"], self.beta1, self.beta2
        c1, c2 = 1 - b1**t, 1 - b2**t  # the bias corrections of step t
        v, s = state["v"], state["s"]
        for key, value in params.items():
            g = _wide(grads[f"d{key}"])
            v[key] *= b1
            v[key] += (1 - b1) * g
            s[key] *= b2
            s[key] += (1 - b2) * g * g
            step = (_wide(v[key]) / c1) / (np.sqrt(_wide(s[key]) / c2) + self.epsilon)
            value -= learning_rate * step


def update_params(params: dict, grads: dict, learning_rate: float) -> dict:
    """One gradient-descent step, ``W[l] - learning_rate · dW[l]``, as a new dict.

    Importable from :mod:`npbackprop.network` too. It is the step of
    :class:`GradientDescent`, the default optimizer of
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
