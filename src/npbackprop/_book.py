"""The book's claims: glue a computed value into the prose and assert what the prose says of it.

Not part of the package's API: the chapters of *Where does the 1/m go?* call these from hidden
cells, so that a sentence such as "the check passes with 3.1e-09" is checked every time the book
is built. If the sentence stops being true, the cell raises :class:`ClaimError` and the build
fails on that page, with the claim's words in the log.

Outside the book (a downloaded notebook, a plain Python session) the functions still check; they
only skip the gluing, which needs MyST-NB.

Examples
--------
>>> from npbackprop._book import check, claim
>>> err = 3.1e-9
>>> claim("gc-err", err, "{:.1e}", holds=err < 1e-7, says="the check passes (below 1e-7)")
'3.1e-09'
>>> check(2 + 2 == 4, "two and two are four")
>>> claim("gc-err", 0.04, "{:.1e}", holds=0.04 < 1e-7, says="the check passes (below 1e-7)")
Traceback (most recent call last):
    ...
npbackprop._book.ClaimError: the prose says "the check passes (below 1e-7)", but gc-err = 4.0e-02
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["ClaimError", "check", "claim"]


class ClaimError(AssertionError):
    """A sentence of the book says something about a computed result that is not true."""


def _is_bool(holds: Any) -> bool:
    return isinstance(holds, bool | np.bool_)


def _require(holds: Any, says: Any, where: str) -> None:
    if not isinstance(says, str) or not says.strip():
        raise TypeError(
            f"{where}: says= must be the prose's claim in words (a non-empty str), got {says!r}"
        )
    if not _is_bool(holds):
        raise TypeError(
            f"{where}: holds= must be a bool, the outcome of the check (for arrays use "
            f"np.all(...) or np.array_equal(...)), got {type(holds).__name__}"
        )


def _format(value: Any, fmt: str | Callable[[Any], str]) -> str:
    if callable(fmt):
        text = fmt(value)
    elif isinstance(fmt, str):
        text = fmt.format(value)
    else:
        raise TypeError(
            f"fmt must be a format string such as '{{:.1e}}' or a callable, got {fmt!r}"
        )
    if not isinstance(text, str):
        raise TypeError(f"fmt must produce a str, produced {type(text).__name__}")
    return text


def _glue(key: str, text: str) -> None:
    try:
        from myst_nb import glue
    except ImportError:  # outside the book: the check is what matters
        return
    glue(key, text, display=False)


def check(holds: bool, says: str) -> None:
    """Assert a claim of the prose that has no number to show.

    Parameters
    ----------
    holds : bool
        The outcome of the check, computed in the same cell as the result it is about.
    says : str
        What the prose says, in its own words; it is the message when the claim is false.

    Raises
    ------
    ClaimError
        If ``holds`` is false.
    TypeError
        If ``holds`` is not a bool (an array's truth is ambiguous) or ``says`` is empty.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([0.1, 0.2]) * 3
    >>> check(bool(np.allclose(a, [0.3, 0.6])), "equal to rounding")
    >>> check(np.array_equal(a, [0.3, 0.6]), "bit-identical")
    Traceback (most recent call last):
        ...
    npbackprop._book.ClaimError: the prose says "bit-identical", but it is false
    """
    _require(holds, says, "check")
    if not holds:
        raise ClaimError(f'the prose says "{says}", but it is false')


def claim(
    key: str,
    value: Any,
    fmt: str | Callable[[Any], str] = "{}",
    *,
    holds: bool | None = None,
    says: str | None = None,
) -> str:
    """Format ``value``, glue it under ``key``, and assert what the prose says about it.

    Parameters
    ----------
    key : str
        The glue key, starting with the chapter's prefix (``"gc-worst"``); the prose shows the
        text with ``{glue:text}`gc-worst```.
    value : object
        The computed result.
    fmt : str or callable, default "{}"
        A format string with one field (``"{:.1e}"``) or a function returning the text. The text,
        never the NumPy scalar, is glued (NumPy 2 scalars print as ``np.float64(...)``).
    holds : bool, optional
        The outcome of checking what the prose says, e.g. ``err < 1e-7``. Leave it out only for
        a number the prose merely shows.
    says : str, optional
        The prose's statement, in its words; required with ``holds``.

    Returns
    -------
    str
        The glued text.

    Raises
    ------
    ClaimError
        If ``holds`` is false: the message names the key, the value and the claim.
    TypeError
        If ``holds`` is given without ``says`` (or the other way round), ``holds`` is not a
        bool, ``key`` is not a non-empty str, or ``fmt`` is not a format string or callable.

    Examples
    --------
    >>> claim("q-m", 400)
    '400'
    >>> ratio = 400.0
    >>> claim("q-ratio", ratio, "{:g}", holds=ratio == 400, says="exactly m")
    '400'
    """
    if not isinstance(key, str) or not key:
        raise TypeError(f"key must be a non-empty str (the glue key), got {key!r}")
    text = _format(value, fmt)
    if holds is not None or says is not None:
        _require(holds, says, f"claim {key!r}")
        if not holds:
            raise ClaimError(f'the prose says "{says}", but {key} = {text}')
    _glue(key, text)
    return text
