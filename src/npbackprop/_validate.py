"""Input checks shared by every public function.

Each check raises ``ValueError`` with a message that says what was expected and what arrived,
with shapes and values, in the style of scikit-learn. An argument of the wrong *type* (a string,
``None``, a complex or object array where a real array belongs) raises :class:`InputTypeError`,
which is both a ``TypeError`` and a ``ValueError``, so code that catches either works. Messages
stay short for huge input: they name the first offending key or index, never the whole array.
None of the checks copies or modifies its input unless it has to convert a non-array or an
integer array to floating point.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable

import numpy as np


class InputTypeError(TypeError, ValueError):
    """An argument of the wrong type: a ``TypeError`` that ``except ValueError`` also catches."""


def short_repr(value, limit: int = 40) -> str:
    """``repr(value)``, cut to about ``limit`` characters (a message never dumps a huge key)."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, int) and value.bit_length() > 1000:  # repr refuses 4300+ digits
        return f"{'a negative' if value < 0 else 'an'} int of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 5]}...{text[-2:]}"


def check_bool(value, name: str) -> bool:
    """``value`` as a bool if it is a real bool (``True``, ``False``, ``np.True_``, ...).

    Flags are not taken by truthiness: ``"no"`` is truthy and ``None`` falsy, and either would
    silently choose a code path.
    """
    if not isinstance(value, bool | np.bool_):
        raise InputTypeError(f"{name} must be True or False; got {short_repr(value)}")
    return bool(value)


def check_seed(seed, name: str = "seed", *, generator: bool = True, none: bool = True):
    """Return ``seed`` if it is a valid seed for ``numpy.random.default_rng``, else raise.

    Valid: ``None`` (fresh entropy; when ``none``), an int ≥ 0 (``numpy.integer`` too, but not a
    bool: ``True`` would silently mean 1), or a ``numpy.random.Generator`` (when ``generator``).
    """
    if seed is None and none:
        return None
    if isinstance(seed, np.random.Generator) and generator:
        return seed
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, int | np.integer):
        kinds = ["an int >= 0"]
        if none:
            kinds.insert(0, "None")
        if generator:
            kinds.append("a numpy.random.Generator")
        raise InputTypeError(f"{name} must be {' or '.join(kinds)}; got {short_repr(seed)}")
    if seed < 0:
        raise ValueError(f"{name} must be an int >= 0; got {short_repr(int(seed))}")
    return seed


def as_float(value) -> float:
    """``float(value)`` for a number already known to be real; an int beyond float's range
    (``10**400``) is ±inf instead of an ``OverflowError``, so the caller's finiteness check
    names the argument. Every check of a number argument converts it through here."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def check_finite_number(value, name: str) -> float:
    """``value`` as a finite float (an int or float, not a bool), else raise."""
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.floating | np.integer
    ):
        raise InputTypeError(f"{name} must be a real number; got {short_repr(value)}")
    number = as_float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite; got {short_repr(value)}")
    return number


def as_real_array(x, name: str) -> np.ndarray:
    """``x`` as a real (bool, integer or floating) array, of any shape, without other checks.

    The type checks of :func:`as_array` alone: for functions that take NaN, Inf or empty
    arrays (the activations, :func:`npbackprop.gradcheck.relative_error`).
    """
    if x is None or isinstance(x, str | bytes | dict | set):
        raise InputTypeError(f"{name} must be a real numeric array; got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as error:  # e.g. a ragged nested list
        raise ValueError(f"{name} must be a rectangular numeric array; {error}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise InputTypeError(f"{name} must be a numeric array; got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise InputTypeError(f"{name} must be real; got dtype {arr.dtype}")
    return arr


def check_choice(value, valid: Iterable[str], what: str) -> str:
    """Return ``value`` if it is one of ``valid``; else raise naming every valid choice."""
    valid = tuple(valid)
    if not isinstance(value, str) or value not in valid:
        names = ", ".join(repr(v) for v in valid)
        raise ValueError(f"unknown {what} {short_repr(value)}; expected one of {names}")
    return value


def all_finite(arr: np.ndarray) -> bool:
    """True if no entry of the floating-point array ``arr`` is NaN or infinite.

    The cheap test is one dot product of the entries with themselves (NaN and ±inf propagate
    through it; BLAS reads the array once, on every core, about 2.5× faster than
    ``np.isfinite(arr).all()``, which writes a boolean array and reads it again). Only when it
    is not finite, which the squares of large finite values can also make it, are the entries
    themselves looked at.
    """
    flat = arr.ravel(order="K")  # a view for any contiguous array, else a copy
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.dot(flat, flat)
    return math.isfinite(total) or bool(np.isfinite(arr).all())


def as_array(x, name: str, ndim: int | None = 2) -> np.ndarray:
    """``x`` as a finite, non-empty floating-point array with ``ndim`` dimensions.

    Floating dtypes are kept (float16/32/64 in gives the same out); anything else numeric is
    converted to float64. The input array itself is returned when no conversion is needed.
    """
    arr = as_real_array(x, name)
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array {_layout(name)}; got {arr.ndim}-D with shape "
            f"{arr.shape}"
        )
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    if not all_finite(arr):
        bad = np.argwhere(~np.isfinite(arr))
        first = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{name} must be finite; got {len(bad)} NaN/Inf value(s), "
            f"the first {float(arr[first])} at index {first} (shape {arr.shape})"
        )
    return arr


def _layout(name: str) -> str:
    """What a 2-D array called ``name`` holds, for error messages."""
    if name.startswith("b"):
        return "(a column: n_l rows, 1 column)"
    if name.startswith("W"):
        return "(n_l, n_prev)"
    if name in ("X", "x"):
        return "(features × examples: one example per column)"
    return "(units × examples: one example per column)"


def as_targets(Y, dtype: np.dtype) -> np.ndarray:
    """Targets ``Y`` checked like :func:`as_array` and cast to the computation's ``dtype``.

    Labels arrive as integers or float64 as often as not; casting them keeps a float32 network
    in float32 (labels 0 and 1 are exact in every floating type).
    """
    Y = as_array(Y, "Y")
    return Y if Y.dtype == dtype else Y.astype(dtype)


def check_shape(arr: np.ndarray, expected: tuple, name: str, why: str = "") -> None:
    """Raise if ``arr.shape != expected``; ``why`` says where the expectation comes from."""
    if arr.shape != tuple(expected):
        reason = f" ({why})" if why else ""
        raise ValueError(f"{name} must have shape {tuple(expected)}{reason}; got {arr.shape}")


#: The types a number argument may have (tuples: isinstance with them is faster than with a
#: ``X | Y`` union built at every call).
_INTEGER = (int, np.integer)
_NUMBER = (int, float, np.floating, np.integer)


#: The largest int a count may be: every count meets floats (1/m, a rate over m), and a larger
#: one has no float.
_MAX_COUNT = int(sys.float_info.max)


def check_positive_int(value, name: str) -> int:
    """``value`` as an int ≥ 1 that a float can hold (at most about 1.8e308), else raise."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, _INTEGER) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {short_repr(value)}")
    if value > _MAX_COUNT:
        raise ValueError(
            f"{name} must be a positive integer within float range (<= {sys.float_info.max:.4g});"
            f" got {short_repr(value)}"
        )
    return int(value)


def check_probability(value, name: str) -> float:
    """``value`` as a float in (0, 1], else raise."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise ValueError(f"{name} must be a number in (0, 1]; got {short_repr(value)}")
    if not 0.0 < as_float(value) <= 1.0:
        raise ValueError(f"{name} must be in (0, 1]; got {short_repr(value)}")
    return float(value)


def check_nonnegative(value, name: str) -> float:
    """``value`` as a finite float ≥ 0, else raise."""
    if isinstance(value, bool) or not isinstance(value, _NUMBER):
        raise ValueError(f"{name} must be a number >= 0; got {short_repr(value)}")
    number = as_float(value)  # an int beyond float's range is ±inf
    if not (math.isfinite(number) and number >= 0):  # math, not np.isfinite: 10x faster here
        raise ValueError(f"{name} must be a finite number >= 0; got {short_repr(value)}")
    return number


_PARAM_KEY = re.compile(r"[Wb][1-9][0-9]*", re.ASCII)


def check_params(params, n_x: int | None = None) -> tuple[list[int], dict]:
    """Check a parameter dict ``W1, b1, …, WL, bL`` and return the layer sizes and the arrays.

    ``W[l]`` must be (n_l, n_{l-1}) and ``b[l]`` (n_l, 1), consecutive layers must fit, and
    ``n_x`` (the number of input features), when given, must match ``W1``.

    Returns
    -------
    (layer_dims, arrays)
        ``layer_dims = [n_0, n_1, …, n_L]`` and a new dict holding the checked arrays (the same
        array objects when they were already floating point).
    """
    if not hasattr(params, "keys"):
        raise InputTypeError(
            f"params must be a dict with keys W1, b1, ...; got {type(params).__name__}"
        )
    keys = list(params.keys())
    numbers = {}  # key -> layer number, for the keys that look like W<l> or b<l>
    for k in keys:
        if isinstance(k, str) and _PARAM_KEY.fullmatch(k):
            # a key of more digits than there are keys is certainly past the last layer
            numbers[k] = int(k[1:]) if len(k) <= 12 else len(keys) + 1
    if not numbers:
        shown = sorted(short_repr(str(k), 20)[1:-1] for k in keys[:8])
        more = f" and {len(keys) - 8} more" if len(keys) > 8 else ""
        raise ValueError(f"params must hold W1, b1, ...; got keys {shown}{more}")
    expected_form = "exactly W1..WL and b1..bL (ASCII digits, no gaps, no other keys)"
    for k in keys:
        if k not in numbers:
            raise ValueError(f"params keys must be {expected_form}; got the key {short_repr(k)}")
    n_layers = max(numbers.values())
    if n_layers > len(keys):  # 2 L keys are needed for L layers: this one leaves a gap
        first = next(k for k in keys if numbers[k] == n_layers)
        raise ValueError(
            f"params keys must be {expected_form}; got the key {short_repr(first)} among only "
            f"{len(keys)} keys"
        )
    expected = {f"{p}{l}" for l in range(1, n_layers + 1) for p in "Wb"}
    if set(keys) != expected:
        order = {k: (int(k[1:]), k[0] == "b") for k in expected | set(keys)}
        missing = sorted(expected - set(keys), key=order.get)
        unexpected = sorted(set(keys) - expected, key=order.get)
        raise ValueError(
            f"params for {n_layers} layer(s) must hold exactly W1..W{n_layers}, b1..b{n_layers}; "
            f"missing {missing[:6]}, unexpected {unexpected[:6]}"
        )
    arrays = {}
    dims = []  # [n_0, n_1, ..., n_L]
    for l in range(1, n_layers + 1):
        W = arrays[f"W{l}"] = as_array(params[f"W{l}"], f"W{l}")
        b = arrays[f"b{l}"] = as_array(params[f"b{l}"], f"b{l}")
        if l == 1:
            dims.append(W.shape[1])
        elif W.shape[1] != dims[-1]:
            raise ValueError(
                f"W{l} must have shape ({W.shape[0]}, {dims[-1]}) to follow W{l - 1} with "
                f"{dims[-1]} rows; got {W.shape}"
            )
        check_shape(b, (W.shape[0], 1), f"b{l}", f"a column for the {W.shape[0]} rows of W{l}")
        dims.append(W.shape[0])
    if n_x is not None and dims[0] != n_x:
        raise ValueError(
            f"X has {n_x} features (rows) but W1 expects {dims[0]}: W1 has shape "
            f"{arrays['W1'].shape}, X must have shape ({dims[0]}, m)"
        )
    return dims, arrays
