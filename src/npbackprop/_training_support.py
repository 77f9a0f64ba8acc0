"""What :func:`npbackprop.training.train` needs besides its loop: the checks of its start (done
before anything is allocated), the progress bar, its warnings, and the handling of Ctrl-C.

Not part of the API.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import warnings
from contextlib import contextmanager

import numpy as np
from tqdm import tqdm  # not tqdm.auto: in Jupyter it wants ipywidgets and warns without it

from npbackprop import optimizers
from npbackprop._engine import check_XY
from npbackprop._sizes import check_run_length, check_training_memory, checked_layer_dims
from npbackprop._validate import (
    InputTypeError,
    as_array,
    as_targets,
    check_positive_int,
    check_shape,
    short_repr,
)
from npbackprop.initialization import init_params
from npbackprop.losses import PAIRS


def checked_progress(progress) -> bool | None:
    """None, or ``progress`` as a bool (``np.True_`` too, as every other flag takes it)."""
    if progress is None:
        return None
    if not isinstance(progress, bool | np.bool_):
        raise InputTypeError(f"progress must be None, True or False; got {short_repr(progress)}")
    return bool(progress)


def checked_optimizer(optimizer) -> optimizers.Optimizer:
    if optimizer is None:
        return optimizers.GradientDescent()
    if not isinstance(optimizer, optimizers.Optimizer) or type(optimizer) is optimizers.Optimizer:
        raise TypeError(
            "optimizer must be one of npbackprop.optimizers' GradientDescent(), Momentum(), "
            f"RMSprop() or Adam(); got {optimizer!r}"
        )
    return optimizer


def start(X, Y, layer_dims, params, *, seed, init, output, epochs, batch_size, optimizer):
    """Checked X and Y, the starting parameters as new arrays (train updates them in place; the
    caller's are not touched) and the batch size. A new network takes X's dtype: float32 in,
    float32 out. Everything is checked against ``layer_dims`` before the network is made, so a
    mismatch costs no time and no memory."""
    if params is None:
        X = as_array(X, "X")
        dtype = X.dtype if X.dtype.itemsize >= 4 else np.float32
        dims = checked_layer_dims(layer_dims, dtype)
        if X.shape[0] != dims[0]:
            raise ValueError(
                f"X has {X.shape[0]} features (rows) but layer_dims starts with n_x = {dims[0]}: "
                f"X must have shape ({dims[0]}, m); got {X.shape}"
            )
        Y = as_targets(Y, dtype)
        check_shape(Y, (dims[-1], X.shape[1]), "Y", "(n_L, m): n_L from layer_dims, m from X")
        check_softmax_units(dims[-1], output, "layer_dims ends with")
        PAIRS[output].check_labels(Y)  # labels that suit the loss
    else:
        X, Y, params = check_XY(X, Y, params)
        check_softmax_units(Y.shape[0], output, f"W{len(params) // 2} has")
        PAIRS[output].check_labels(Y)  # labels that suit the loss
    m = X.shape[1]
    batch_size = m if batch_size is None else min(check_positive_int(batch_size, "batch_size"), m)
    check_run_length(epochs, math.ceil(m / batch_size))
    if params is None:
        check_training_memory(dims, batch_size, dtype, optimizer, "layer_dims")
        # new arrays already: no copy (it would double the memory)
        return X, Y, init_params(dims, seed=seed, init=init, dtype=dtype), batch_size
    L = len(params) // 2
    dims = [X.shape[0]] + [params[f"W{l}"].shape[0] for l in range(1, L + 1)]
    check_training_memory(dims, batch_size, np.result_type(*params.values()), optimizer, "params")
    return X, Y, {k: v.copy() for k, v in params.items()}, batch_size


def check_softmax_units(n_L: int, output: str, where: str) -> None:
    if output == "softmax" and n_L < 2:
        raise ValueError(
            f'output="softmax" needs at least 2 output units, one per class; {where} {n_L}. '
            "A softmax over one unit is always 1 (cost 0, nothing to learn): for two classes "
            'use output="sigmoid" with one unit'
        )


def progress_bar(epochs: int, convention: str, progress):
    if sys.platform == "emscripten":  # in the browser (Pyodide) no thread can start, and tqdm's
        tqdm.monitor_interval = 0  # monitor thread would warn on every bar
    return tqdm(
        range(epochs),
        desc=f"train ({convention})",
        unit="epoch",
        disable={None: None, True: False, False: True}[progress],  # None: tqdm shows on a tty only
        delay=0 if progress else 1.0,  # auto mode: stay silent for runs shorter than a second
        file=sys.stderr,
        leave=True,
    )


def warn_stopped(epoch: int, step: int, what: str) -> None:
    warnings.warn(
        f"training stopped in epoch {epoch} (step {step}): {what} is not finite, so that "
        "update was not made and the parameters returned are those before it. The learning "
        'rate may be too large for this convention ("sum" needs it divided by the batch size), '
        "or fused=False saturated.",
        RuntimeWarning,
        stacklevel=3,  # train's caller
    )


def warn_interrupted(epoch: int, steps: int) -> None:
    warnings.warn(
        f"training interrupted (KeyboardInterrupt) in epoch {epoch}, after {steps} step(s) and "
        f"{epoch} complete epoch(s): the parameters and the history returned are those after "
        f"step {steps}.",
        UserWarning,
        stacklevel=3,  # train's caller
    )


class InterruptGuard:
    """Ctrl-C during training: the parameters are never left half-updated.

    While active (in the main thread, where Python's default SIGINT handler is installed, as in
    a terminal or Jupyter), a Ctrl-C outside an update raises KeyboardInterrupt at once (the
    step being computed is abandoned, the parameters are untouched), and one during an update
    lets the update finish and sets ``pending``: :meth:`check`, called by the loop after the
    step is recorded, raises it. Elsewhere the KeyboardInterrupt arrives as Python raises it;
    ``torn`` then says whether it broke into an update.
    """

    def __init__(self):
        self.updating = False
        self.pending = False
        self.torn = False
        self._previous = None

    def __enter__(self) -> InterruptGuard:
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handler(self, signum, frame):
        if self.updating:
            self.pending = True  # raised by update() once the parameters are consistent
        else:
            raise KeyboardInterrupt

    @contextmanager
    def update(self):
        """Around a step's update: a Ctrl-C waits for its end."""
        self.updating = True
        try:
            yield
        except KeyboardInterrupt:  # not from our handler: the update may be incomplete
            self.torn = True
            raise
        finally:
            self.updating = False

    def check(self) -> None:
        """Raise the KeyboardInterrupt of a Ctrl-C that came during an update."""
        if self.pending:
            raise KeyboardInterrupt
