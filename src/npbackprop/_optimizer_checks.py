"""The checks of :mod:`npbackprop.optimizers`: hyperparameters, gradients, the state and the
result of a step. Each raises ``ValueError`` (or :class:`~npbackprop._validate.InputTypeError`,
a ``TypeError`` that is also a ``ValueError``) whose message names the argument, what was
expected and what arrived."""

from __future__ import annotations

import math
import sys

import numpy as np

from npbackprop._validate import (
    InputTypeError,
    all_finite,
    as_array,
    as_float,
    check_shape,
    short_repr,
)


def check_number(value, name: str) -> float:
    """A finite real number, as a float (an int beyond float's range is not finite)."""
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.floating | np.integer
    ):
        raise InputTypeError(f"{name} must be a number, got {type(value).__name__}")
    number = as_float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {short_repr(value)}")
    return number


def check_beta(value, name: str) -> float:
    """A number in [0, 1), as a float."""
    value = check_number(value, name)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


def check_epsilon(value, name: str = "epsilon") -> float:
    """A finite number > 0, as a float."""
    value = check_number(value, name)
    if value <= 0.0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def check_epsilon_in(optimizer, params: dict) -> None:
    """Raise if ε is 0 in the precision of the step (a zero gradient would give 0/0)."""
    epsilon = getattr(optimizer, "epsilon", None)
    if epsilon is None:
        return
    for value in params.values():
        dtype = np.promote_types(value.dtype, np.float32)
        with np.errstate(over="ignore", under="ignore"):  # ε = 1e308 is inf in float32: fine
            vanishes = dtype.type(epsilon) == 0
        if vanishes:
            raise ValueError(
                f"epsilon must be positive in {dtype}, the precision of the step for "
                f"parameters of dtype {value.dtype}; got epsilon = {epsilon!r}, which is 0 "
                f"in {dtype}"
            )


def check_state(state, params: dict, optimizer) -> dict:
    """``state`` checked against what ``optimizer.init_state(params)`` makes, as a new dict
    (the same moment arrays, the step count as a Python int)."""
    if not isinstance(state, dict) or "t" not in state:
        raise TypeError(
            f"state must be the dict made by {type(optimizer).__name__}().init_state(params), "
            f"got {type(state).__name__}"
        )
    checked = {"t": check_step_count(state["t"])}
    for name in optimizer._moments:
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


def check_step_count(t) -> int:
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


def check_result(params: dict, state: dict, learning_rate: float, optimizer) -> None:
    """Raise if a step gave non-finite parameters or moments (it overflowed their dtype)."""
    arrays = [(f"parameter {k}", v) for k, v in params.items()] + [
        (f"state[{name!r}][{k!r}]", v)
        for name, moments in state.items() if name != "t" for k, v in moments.items()
    ]  # fmt: skip
    for what, value in arrays:
        if not all_finite(value):
            raise ValueError(
                f"learning_rate, grads and state must give a finite step; got {what} not finite "
                f"in {value.dtype} after a step of {optimizer!r} with learning_rate = "
                f"{learning_rate!r} (lower it, or use a wider dtype)"
            )


def check_grads(grads, params: dict) -> dict:
    """``dW{l}``, ``db{l}`` for every parameter, checked, as a new dict (other keys dropped)."""
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
