"""Sizes checked before anything is allocated: the layer sizes of a new network and the memory
its parameters need, the scale of its initial weights, and the length of a training run.

NumPy's own refusals ("Maximum allowed dimension exceeded", "Unable to allocate 7.28 TiB")
name no argument, and a size that fits in memory only just can swap the machine for minutes
before it fails; these checks name the argument and say what it would take.
"""

from __future__ import annotations

import os

import numpy as np

from npbackprop._validate import short_repr

#: The largest |z| that ``numpy.random.Generator.standard_normal`` can return is about 12.3
#: (its ziggurat's tail draws from 53-bit uniforms); weights are ``init * z``, so an ``init`` at
#: most the dtype's largest value over this margin always gives finite weights.
NORMAL_DRAW_BOUND = 16

#: Bytes the History of :func:`npbackprop.training.train` keeps per step, about: a Python
#: float in a list (32 bytes) and its float64 copy at the end, for the batch cost and (at most
#: one per step) the epoch cost.
HISTORY_BYTES_PER_STEP = 80

_FALLBACK_MEMORY = 2**40  # where the physical memory cannot be read (Windows): 1 TiB


def memory_limit() -> int:
    """This machine's physical memory in bytes, or 1 TiB where it cannot be read."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return _FALLBACK_MEMORY
    return total if total > 0 else _FALLBACK_MEMORY


def format_bytes(n: int) -> str:
    """``n`` bytes in binary units: ``"7.28 TiB"``."""
    units = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
    power = min(max(0, (int(n).bit_length() - 1) // 10), len(units) - 1)
    if power == 0:
        return f"{int(n)} bytes"
    if n >= 2 ** (10 * (len(units) + 2)):  # beyond 1024 ** 8 EiB: no need for digits
        return f"about 2**{int(n).bit_length() - 1} bytes"
    return f"{n / 2 ** (10 * power):.3g} {units[power]}"


def _show_int(n) -> str:
    """An int for a message; one too long to print (Python refuses 4300+ digits) by its size."""
    n = int(n)
    return str(n) if n.bit_length() <= 200 else f"an int of {n.bit_length()} bits"


def _show_dims(dims: list) -> str:
    shown = [_show_int(n) if isinstance(n, int | np.integer) else n for n in dims[:8]]
    text = short_repr(shown, 80) if len(dims) <= 8 else f"{short_repr(shown, 80)[:-1]}, ...]"
    return text.replace("'", "") if all(isinstance(n, int | np.integer) for n in dims) else text


def parameter_count(dims: list[int]) -> int:
    """Weights and biases of a network with layer sizes ``dims``: Σ n_l (n_{l-1} + 1)."""
    return sum(dims[l] * (dims[l - 1] + 1) for l in range(1, len(dims)))


def checked_layer_dims(layer_dims, dtype) -> list[int]:
    """``layer_dims`` as a list of Python ints ≥ 1, at least two, whose parameters fit in this
    machine's memory in ``dtype``; else a ValueError naming ``layer_dims``."""
    try:
        dims = list(layer_dims)
    except TypeError:
        dims = [layer_dims]
    if len(dims) < 2 or any(
        isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1 for n in dims
    ):
        raise ValueError(
            f"layer_dims must list at least two positive integers [n_x, ..., n_L]; got "
            f"{_show_dims(dims)}"
        )
    dims = [int(n) for n in dims]
    itemsize = np.dtype(dtype).itemsize
    count = parameter_count(dims)
    needed, limit = count * itemsize, memory_limit()
    if needed > limit:
        raise ValueError(
            f"layer_dims {_show_dims(dims)} make {_show_int(count)} parameters, which need "
            f"{format_bytes(needed)} as {np.dtype(dtype)}: more than this machine's "
            f"{format_bytes(limit)} of memory"
        )
    return dims


def check_init_scale(init: float, dtype) -> None:
    """Raise a ValueError naming ``init`` and ``dtype`` if weights ``init * z`` (z a standard
    normal draw) could be infinite in ``dtype``."""
    dtype = np.dtype(dtype)
    largest = float(np.finfo(dtype).max)
    if init > largest / NORMAL_DRAW_BOUND:
        raise ValueError(
            f"init (the weights' standard deviation) of {init:g} is too large for {dtype}, "
            f"whose largest value is {largest:.4g}: the weights init * z, with normal draws z "
            f"of up to about 12, could overflow to inf; use init <= "
            f"{largest / NORMAL_DRAW_BOUND:.4g}"
        )


def check_training_memory(dims, batch_size: int, dtype, optimizer, what: str) -> None:
    """Raise a ValueError naming ``what`` (``"layer_dims"`` or ``"params"``) if training could
    not fit in memory, by a lower bound: the parameters, their gradients and the optimizer's
    moments (one array per parameter each) and one batch's activations."""
    moments = len(getattr(optimizer, "_moments", ()))
    itemsize = np.dtype(dtype).itemsize
    count = parameter_count(dims)
    arrays = count * (2 + moments) * itemsize
    activations = batch_size * sum(dims[1:]) * itemsize
    needed, limit = arrays + activations, memory_limit()
    if needed > limit:
        shown = _show_dims(dims)
        label = f"layer_dims {shown}" if what == "layer_dims" else f"{what} (layer sizes {shown})"
        with_moments = f" and {type(optimizer).__name__}'s {moments} moment(s)" if moments else ""
        raise ValueError(
            f"{label} ({_show_int(count)} parameters): training needs at least "
            f"{format_bytes(needed)} in {np.dtype(dtype)} (the parameters, their gradients"
            f"{with_moments}: {format_bytes(arrays)}; a batch of {batch_size}'s activations: "
            f"{format_bytes(activations)}), more than this machine's {format_bytes(limit)} of "
            "memory"
        )


def check_run_length(epochs: int, steps_per_epoch: int) -> None:
    """Raise a ValueError naming ``epochs`` if the history of the run could not fit in memory
    (what NumPy would otherwise report as "Maximum allowed dimension exceeded")."""
    steps = epochs * steps_per_epoch
    needed, limit = steps * HISTORY_BYTES_PER_STEP, memory_limit()
    if needed > limit:
        per = "" if steps_per_epoch == 1 else f" of {steps_per_epoch} steps"
        raise ValueError(
            f"epochs={_show_int(epochs)}{per} is {_show_int(steps)} steps, whose history (about "
            f"{HISTORY_BYTES_PER_STEP} bytes a step) would need {format_bytes(needed)}: more "
            f"than this machine's {format_bytes(limit)} of memory"
        )
