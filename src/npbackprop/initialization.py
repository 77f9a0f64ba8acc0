"""Initial parameters for a network of any depth: random weights and zero biases.

:func:`init_params` is importable from :mod:`npbackprop.network` too, where the book calls it.

Examples
--------
>>> params = init_params([2, 4, 1], seed=0, init="he")
>>> sorted(params), params["W1"].shape, params["b2"].shape
(['W1', 'W2', 'b1', 'b2'], (4, 2), (1, 1))
"""

from __future__ import annotations

import numpy as np

from npbackprop._sizes import check_init_scale, checked_layer_dims
from npbackprop._validate import (
    InputTypeError,
    check_choice,
    check_nonnegative,
    check_seed,
    short_repr,
)

__all__ = ["init_params"]

_INITS = ("xavier", "he")


def init_params(layer_dims, *, seed: int = 0, init="xavier", dtype=np.float64) -> dict:
    """Random weights and zero biases for layer sizes ``[n_x, n_1, …, n_L]``.

    Parameters
    ----------
    layer_dims : sequence of int
        Sizes of every layer, the input first; at least two entries. Sizes whose parameters
        would not fit in this machine's memory are refused with a ValueError saying how much
        they would need.
    seed : int >= 0, numpy.random.Generator or None
        Seed for ``numpy.random.default_rng`` (a bool is rejected, not read as 0 or 1).
    init : {"xavier", "he"} or float
        Standard deviation of ``W[l]``: ``sqrt(1/n_{l-1})`` (xavier, suits tanh and sigmoid),
        ``sqrt(2/n_{l-1})`` (he, suits ReLU), or the given number (the course's two-layer
        network uses 0.01). A number so large that the weights could overflow ``dtype`` (above
        its largest value / 16) is refused.
    dtype : numpy dtype
        float64 by default; float32 gives a float32 network end to end.

    Returns
    -------
    dict
        ``W{l}`` of shape (n_l, n_{l-1}) and ``b{l}`` of shape (n_l, 1) for l = 1..L.

    Examples
    --------
    >>> p = init_params([3, 5, 2], seed=1, dtype=np.float32)
    >>> {k: (v.shape, str(v.dtype)) for k, v in p.items()}
    {'W1': ((5, 3), 'float32'), 'b1': ((5, 1), 'float32'), 'W2': ((2, 5), 'float32'), \
'b2': ((2, 1), 'float32')}
    """
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise InputTypeError(
            f"dtype must be a NumPy floating dtype; got {short_repr(dtype)}"
        ) from None
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"dtype must be a floating type (float16/32/64); got {np.dtype(dtype)}")
    dims = checked_layer_dims(layer_dims, dtype)  # before any allocation
    if isinstance(init, str):
        check_choice(init, _INITS, "init")
    else:
        init = check_nonnegative(init, "init (a standard deviation)")
        check_init_scale(init, dtype)
    rng = np.random.default_rng(check_seed(seed))
    params = {}
    for l in range(1, len(dims)):
        n_prev = dims[l - 1]
        std = {"xavier": np.sqrt(1 / n_prev), "he": np.sqrt(2 / n_prev)}.get(init, init)
        params[f"W{l}"] = (rng.standard_normal((dims[l], n_prev)) * std).astype(dtype)
        params[f"b{l}"] = np.zeros((dims[l], 1), dtype=dtype)
    return params
