"""Calling a learner's function without letting it take the diagnoser down.

:func:`call` runs the function on copies of its inputs, with what it prints captured, its
warnings recorded, and any exception caught and described by its type, its message and the
line of the learner's code it came from. It then compares the inputs with what they were, so a
function that changes ``cache``, ``parameters`` or ``X`` in place is named.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import traceback
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Outcome:
    """What one call did.

    Attributes
    ----------
    value : object
        What the function returned (None if it raised).
    raised : str or None
        ``"TypeError: ..."``, with the learner's line, if it raised.
    printed : str
        Everything it wrote to stdout and stderr.
    warned : list of str
        The warnings it raised (``RuntimeWarning: overflow ...``).
    changed : list of str
        The inputs it modified, by name (``cache['A1']``).
    """

    value: object = None
    raised: str | None = None
    printed: str = ""
    warned: list = field(default_factory=list)
    changed: list = field(default_factory=list)


def _where(error: BaseException, fn) -> str:
    """`` at line N of file.py: <code>`` for the learner's frame nearest the error."""
    frames = traceback.extract_tb(error.__traceback__)[1:]  # [0] is the call in this module
    own = getattr(getattr(fn, "__code__", None), "co_filename", None)
    chosen = [f for f in frames if f.filename == own] or [
        f for f in frames if not os.path.abspath(f.filename).startswith(_PACKAGE)
    ]
    if not chosen:
        return ""
    frame = chosen[-1]
    code = f": {frame.line.strip()}" if frame.line else ""
    return f" at line {frame.lineno} of {os.path.basename(frame.filename)}{code}"


def _describe(error: BaseException, fn) -> str:
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if len(message) > 160:
        message = message[:157] + "..."
    text = type(error).__name__ + (f": {message}" if message else "")
    return text + _where(error, fn)


def _changed(before, after, name: str) -> list[str]:
    """The names of the arrays (or entries) in ``after`` that differ from ``before``."""
    if isinstance(before, np.ndarray):
        same = (
            isinstance(after, np.ndarray)
            and after.shape == before.shape
            and np.array_equal(after, before, equal_nan=True)
        )
        return [] if same else [name]
    if isinstance(before, Mapping):
        if not isinstance(after, Mapping) or set(after) != set(before):
            return [f"{name} (its keys)"]
        return [n for k in before for n in _changed(before[k], after[k], f"{name}[{k!r}]")]
    if isinstance(before, list | tuple):
        if not isinstance(after, list | tuple) or len(after) != len(before):
            return [f"{name} (its length)"]
        return [n for i, (b, a) in enumerate(zip(before, after, strict=False)) for n in
                _changed(b, a, f"{name}[{i}]")]  # fmt: skip
    return []


def call(fn, args: dict) -> Outcome:
    """Call ``fn(*args.values())`` on deep copies of ``args`` and report what happened.

    ``args`` maps each argument's name (for messages) to its value; they are passed in order.
    """
    given = {name: copy.deepcopy(value) for name, value in args.items()}
    out = Outcome()
    buffer = io.StringIO()
    with (
        contextlib.redirect_stdout(buffer),
        contextlib.redirect_stderr(buffer),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        try:
            out.value = fn(*given.values())
        except (Exception, SystemExit) as error:  # the learner's code: anything may happen
            out.raised = _describe(error, fn)
    out.printed = buffer.getvalue()
    out.warned = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    for name, value in args.items():
        out.changed += _changed(value, given[name], name)
    return out
