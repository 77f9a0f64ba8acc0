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
import sys
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from npbackprop._validate import (
    InputTypeError,
    all_finite,
    as_array,
    as_float,
    check_nonnegative,
    check_params,
    check_shape,
    short_repr,
)

__all__ = ["Adam", "GradientDescent", "Momentum", "Optimizer", "RMSprop", "update_params"]


def _check_number(value, name: str) -> float:
    """A finite real number, as a float (an int beyond float's range is not finite)."""
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.floating | np.integer
    ):
        raise InputTypeError(f"{name} must be a number, got {type(value).__name__}")
    number = as_float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {short_repr(value)}")
    return number


def _wide(arr: np.ndarray) -> np.ndarray:
    """``arr`` in at least float32: the precision of the moments and of the step (a float16
    gradient's square underflows, and ε = 1e-8 is 0 in float16)."""
    return arr.astype(np.float32) if arr.dtype.itemsize < 4 else arr


def _check_beta(value, name: str) -> float:
    value = _check_number(value, name)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


def _check_epsilon(value, name: str = "epsilon") -> float:
    value = _check_number(value, name)
    if value <= 0.0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


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
        grads = _check_grads(grads, params)
        state = self._check_state(state, params)
        self._check_epsilon_in(params)
        new = {k: v.copy() for k, v in params.items()}
        new_state = {"t": state["t"], **{name: {
            k: np.array(v, dtype=np.promote_types(v.dtype, np.float32))  # a copy
            for k, v in state[name].items()} for name in self._moments}}  # fmt: skip
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self.update_in_place(new, grads, new_state, learning_rate)
        _check_result(new, new_state, learning_rate)
        return new, new_state

    def update_in_place(self, params: dict, grads: dict, state: dict, learning_rate: float):
        """The step of :meth:`Optimizer.update`, written into ``params`` and ``state`` (the caller
        owns them), without checks: for training loops that have validated their inputs once."""
        raise NotImplementedError(
            f"{type(self).__name__} is the base class of the optimizers and takes no step; use "
            "one of its subclasses: GradientDescent, Momentum, RMSprop or Adam"
        )

    def _check_epsilon_in(self, params: dict) -> None:
        """Raise if ε is 0 in the precision of the step (a zero gradient would give 0/0)."""
        epsilon = getattr(self, "epsilon", None)
        if epsilon is None:
            return
        for value in params.values():
            dtype = np.promote_types(value.dtype, np.float32)
            if dtype.type(epsilon) == 0:
                raise ValueError(
                    f"epsilon must be positive in {dtype}, the precision of the step for "
                    f"parameters of dtype {value.dtype}; got epsilon = {epsilon!r}, which is 0 "
                    f"in {dtype}"
                )

    def _check_state(self, state, params) -> dict:
        if not isinstance(state, dict) or "t" not in state:
            raise TypeError(
                f"state must be the dict made by {type(self).__name__}().init_state(params), "
                f"got {type(state).__name__}"
            )
        checked = {"t": _check_step_count(state["t"])}
        for name in self._moments:
            moments = state.get(name)
            if not isinstance(moments, dict) or set(moments) != set(params):
                raise ValueError(
                    f"state[{name!r}] must hold one array per parameter ({sorted(params)}); "
                    f"make it with init_state(params)"
                )
            checked[name] = {}
            for key, value in params.items():
                where = f"state[{name!r}][{key!r}]"
                moment = moments[key]
                if not isinstance(moment, np.ndarray) or moment.dtype.kind != "f":
                    shown = moment.dtype if isinstance(moment, np.ndarray) else type(moment)
                    raise InputTypeError(
                        f"{where} must be a floating-point array shaped like {key} (as made by "
                        f"init_state); got {getattr(shown, '__name__', shown)}"
                    )
                moment = as_array(moment, where, ndim=None)
                check_shape(moment, value.shape, where, f"the shape of {key}")
                if name == "s" and (moment < 0).any():
                    raise ValueError(
                        f"{where} must be >= 0 (a running mean of squared gradients); got "
                        f"{float(moment.min())!r} at index "
                        f"{tuple(int(i) for i in np.unravel_index(moment.argmin(), moment.shape))}"
                    )
                checked[name][key] = moment
        return checked


def _check_step_count(t) -> int:
    """The step count as a Python int (a NumPy int would wrap: int8 127 + 1 is -128)."""
    what = "state['t'] must be a step count (an int >= 0"
    if isinstance(t, bool | np.bool_) or not isinstance(t, int | np.integer):
        raise InputTypeError(f"{what}), got {short_repr(t)}")
    t = int(t)
    if t < 0:
        raise ValueError(f"{what}), got {short_repr(t)}")
    if t > sys.float_info.max:  # b ** t needs t as a float
        raise ValueError(f"{what} within float range), got {short_repr(t)}")
    return t


def _check_result(params: dict, state: dict, learning_rate: float) -> None:
    """Raise if a step gave non-finite parameters or moments (it overflowed their dtype)."""
    arrays = [(f"parameter {k}", v) for k, v in params.items()] + [
        (f"state[{name!r}][{k!r}]", v)
        for name, moments in state.items() if name != "t" for k, v in moments.items()
    ]  # fmt: skip
    for what, value in arrays:
        if not all_finite(value):
            raise ValueError(
                f"learning_rate, grads and state must give a finite step; got {what} not finite "
                f"in {value.dtype} after a step with learning_rate = {learning_rate!r} (lower "
                f"it, or use a wider dtype)"
            )


def _check_grads(grads, params: dict) -> dict:
    if not hasattr(grads, "keys"):
        raise ValueError(f"grads must be a dict with dW1, db1, ...; got {type(grads).__name__}")
    checked = {}
    for key, value in params.items():
        if f"d{key}" not in grads:
            raise ValueError(
                f"grads must hold d{key} for parameter {key}; got keys {sorted(map(str, grads))}"
            )
        grad = as_array(grads[f"d{key}"], f"d{key}")
        check_shape(grad, value.shape, f"d{key}", f"the shape of {key}")
        checked[f"d{key}"] = grad
    return checked


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
        object.__setattr__(self, "beta", _check_beta(self.beta, "beta"))

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
        object.__setattr__(self, "beta", _check_beta(self.beta, "beta"))
        object.__setattr__(self, "epsilon", _check_epsilon(self.epsilon))

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
        object.__setattr__(self, "beta1", _check_beta(self.beta1, "beta1"))
        object.__setattr__(self, "beta2", _check_beta(self.beta2, "beta2"))
        object.__setattr__(self, "epsilon", _check_epsilon(self.epsilon))

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
