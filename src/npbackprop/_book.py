"""The book's claims: glue a computed value into the prose and assert what the prose says of it.

Not part of the package's API: the chapters of *Where does the 1/m go?* call these from hidden
cells, so that a sentence such as "the check passes with 3.1e-09" is checked every time the book
is built. If the sentence stops being true, the cell raises :class:`ClaimError` and the build
fails on that page, with the claim's words in the log.

Outside the book (a downloaded notebook, a plain Python session) the functions still check; they
only skip the gluing, which needs MyST-NB.

The book also shows results that its build does not compute, because they need PyTorch:
:func:`load_record` reads them from a committed JSON record (written by
``tests/pytorch_record.py``, which CI re-runs against a live PyTorch), and :func:`to_record` is
the encoding the record uses.

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

import json
import os
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from npbackprop._figures import (
    FIGURE_STYLE,
    PHONE_FIGURE_WIDTH,
    SMALLEST_TEXT_PX,
    check_figure,
    figure_style,
)

__all__ = [
    "FIGURE_STYLE",
    "PHONE_FIGURE_WIDTH",
    "SMALLEST_TEXT_PX",
    "ClaimError",
    "check",
    "check_figure",
    "claim",
    "embed",
    "figure_style",
    "load_record",
    "needs",
    "to_record",
]

# The book's data files, by name, as a downloaded notebook carries them (see :func:`embed`).
_EMBEDDED: dict[str, str] = {}


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


def _format(key: str, value: Any, fmt: str | Callable[[Any], str]) -> str:
    where = f"claim {key!r}"
    if callable(fmt):
        text = fmt(value)
    elif isinstance(fmt, str):
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(fmt) if f is not None]
        except ValueError as error:  # a lone brace
            raise ValueError(f"{where}: fmt {fmt!r} is not a format string: {error}") from None
        if len(fields) != 1:
            raise ValueError(
                f"{where}: fmt must have exactly one replacement field for the value, such as "
                f"'{{:.1e}}' or '{{:,}}', got {fmt!r} with {len(fields)}"
            )
        try:
            text = fmt.format(value)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
            raise ValueError(
                f"{where}: fmt {fmt!r} cannot format the value {value!r}: "
                f"{type(error).__name__}: {error}"
            ) from error
    else:
        raise TypeError(
            f"{where}: fmt must be a format string such as '{{:.1e}}' or a callable, got {fmt!r}"
        )
    if not isinstance(text, str):
        raise TypeError(f"{where}: fmt must produce a str, produced {type(text).__name__}")
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
    ValueError
        If ``fmt`` is a format string without exactly one replacement field (``"%.2f"`` would
        be glued as it is), or it cannot format ``value``: the message names the key, the
        format and the value.

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
    text = _format(key, value, fmt)
    if holds is not None or says is not None:
        _require(holds, says, f"claim {key!r}")
        if not holds:
            raise ClaimError(f'the prose says "{says}", but {key} = {text}')
    _glue(key, text)
    return text


def to_record(value: Any) -> Any:
    """``value`` as JSON data: arrays become ``{"dtype", "shape", "data"}``, NumPy scalars
    Python numbers, dicts and lists are converted item by item.

    Examples
    --------
    >>> to_record({"a": np.array([[1.0, 2.0]]), "n": np.int64(3), "s": "float32"})
    {'a': {'dtype': 'float64', 'shape': [1, 2], 'data': [1.0, 2.0]}, 'n': 3, 's': 'float32'}
    """
    if isinstance(value, dict):
        return {str(k): to_record(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_record(v) for v in value]
    if isinstance(value, np.ndarray):
        return {"dtype": str(value.dtype), "shape": list(value.shape),
                "data": value.ravel().tolist()}  # fmt: skip
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"a record holds arrays, numbers, strings, lists and dicts; got {value!r}")


# What the data of an array of each kind may hold in a record.
_DATA_TYPES = {"b": (bool,), "i": (int,), "u": (int,), "f": (int, float), "U": (str,)}
_DATA_WORDS = {"b": "booleans", "i": "integers", "u": "integers", "f": "numbers", "U": "strings"}


def _from_record(value: Any, source: str, where: str = "") -> Any:
    if isinstance(value, dict):
        if set(value) == {"dtype", "shape", "data"}:
            return _array(value, f"{source}, at {where or 'the top'}")
        return {
            k: _from_record(v, source, f"{where}.{k}" if where else k) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_from_record(v, source, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def _array(entry: dict, where: str) -> np.ndarray:
    dtype, shape, data = entry["dtype"], entry["shape"], entry["data"]
    try:
        kind = np.dtype(dtype).kind if isinstance(dtype, str) else None
    except (TypeError, ValueError):
        kind = None
    if kind not in _DATA_TYPES:
        known = "not a dtype" if kind is None else "not a dtype a record holds"
        raise ValueError(f"{where}: dtype {dtype!r} is {known} (such as 'float64' or 'int64')")
    if not isinstance(shape, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise ValueError(f"{where}: shape must be a list of sizes (0 or more), got {shape!r}")
    if not isinstance(data, list):
        raise ValueError(f"{where}: data must be a flat list, got {type(data).__name__}")
    allowed = _DATA_TYPES[kind]
    wrong = {type(x).__name__ for x in data if type(x) not in allowed}
    if wrong:
        what = "a nested list" if "list" in wrong else ", ".join(sorted(wrong))
        raise ValueError(
            f"{where}: data must be a flat list of {_DATA_WORDS[kind]} for dtype {dtype!r}, "
            f"got {what}"
        )
    try:
        array = np.array(data, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as error:
        raise ValueError(f"{where}: data do not fit dtype {dtype!r}: {error}") from None
    size = int(np.prod(shape, dtype=np.int64))
    if array.size != size:
        raise ValueError(f"{where}: {array.size} numbers in data, but shape {shape} holds {size}")
    return array.reshape(shape)


def embed(name: str, text: str) -> None:
    """Make the data file ``name`` readable by :func:`load_record` where the file is absent.

    A chapter's downloadable notebook starts with one such call per file that the chapter reads,
    so that it runs outside the book's source tree.

    Examples
    --------
    >>> embed("demo-record.json", '{"g": {"dtype": "float64", "shape": [1], "data": [2.0]}}')
    >>> load_record("../anywhere/demo-record.json")["g"]
    array([2.])
    """
    if not isinstance(name, str) or not name or "/" in name:
        raise TypeError(f"name must be a file name such as 'record.json', got {name!r}")
    if not isinstance(text, str):
        raise TypeError(f"text must be the file's contents as a str, got {type(text).__name__}")
    _EMBEDDED[name] = text


def load_record(path) -> dict:
    """A JSON record written with :func:`to_record`, its arrays as NumPy arrays again.

    ``path`` is read if it exists; otherwise a file of that name given to :func:`embed` is used.

    Raises
    ------
    FileNotFoundError
        If there is neither such a file nor an embedded one of its name.
    ValueError
        If the file is not UTF-8 JSON, or an array in it is malformed (a dtype that is not one,
        data that do not fill its shape): the message names the file and the array's key
        path, such as ``cases.mse.outputs.loss``.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.json"
    >>> _ = path.write_text(json.dumps(to_record({"g": np.array([0.5, -2.0])})))
    >>> load_record(path)["g"]
    array([ 0.5, -2. ])
    """
    file = Path(path)
    if file.is_file():
        source, data = f"record {str(path)!r}", file.read_bytes()
    elif file.name in _EMBEDDED:
        source, data = f"embedded record {file.name!r}", _EMBEDDED[file.name]
    else:
        embedded = ", ".join(sorted(_EMBEDDED)) or "none"
        advice = (
            "If a cell changed the working directory (os.chdir, %cd), change it back."
            if _EMBEDDED
            else "A chapter's downloaded notebook embeds its records in its first cell: run "
            "the notebook from the top."
        )
        raise FileNotFoundError(
            f"no record {str(path)!r}: no such file relative to the working directory "
            f"{os.getcwd()!r}, and none of that name among the records embedded here "
            f"({embedded}). {advice}"
        )
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{source} is not UTF-8 text: byte {data[error.start]:#04x} at offset {error.start}"
        ) from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{source} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    return _from_record(record, source)


#: What to ``pip install`` for an import name that differs from its distribution's name.
PIP_NAMES = {"sklearn": "scikit-learn"}


def needs(line: str, cell: str) -> None:
    """The ``%%needs`` cell magic: run the cell if the packages on the first line import.

    ``%%needs autograd`` on a cell that compares with autograd runs the cell where autograd is
    installed and otherwise prints what to install and skips it. The downloadable notebooks start
    such cells with it; ``%load_ext npbackprop._book`` registers it. A ``# comment`` may follow
    the names; a dotted name (``sklearn.neural_network``) is missing where its package is. A
    failing cell fails with its own error, its traceback shown once.

    Examples
    --------
    >>> needs("numpy", "x = 1")  # outside IPython the cell is only checked, not run
    >>> needs("no_such_package_xyz", "x = 1")  # doctest: +ELLIPSIS
    Skipped: this cell needs no_such_package_xyz (pip install no-such-package-xyz); the text ...
    >>> needs("no_such_package_xyz.sub  # a comment", "x = 1")  # doctest: +ELLIPSIS
    Skipped: this cell needs no_such_package_xyz.sub (pip install no-such-package-xyz); ...
    >>> PIP_NAMES["sklearn"]          # an import name whose distribution is called otherwise
    'scikit-learn'
    """
    packages = line.split("#", 1)[0].split()  # a comment after the names is no name
    if not packages:
        raise ValueError("%%needs takes the packages the cell needs, e.g. %%needs autograd")
    bad = [p for p in packages if not all(part.isidentifier() for part in p.split("."))]
    if bad:
        raise ValueError(
            f"%%needs takes module names separated by spaces (%%needs autograd "
            f"sklearn.neural_network): {', '.join(map(repr, bad))} is not a module name"
        )
    missing = [p for p in packages if not _importable(p)]
    if missing:
        tops = dict.fromkeys(m.split(".")[0] for m in missing)
        names = " ".join(PIP_NAMES.get(t, t.replace("_", "-")) for t in tops)
        print(
            f"Skipped: this cell needs {', '.join(missing)} (pip install {names}); "
            "the text after it quotes the book's own run."
        )
        return
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        _run_cell(shell, cell)


def _importable(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # find_spec imports a dotted name's parent, which is missing
        return False


def _run_cell(shell, cell: str) -> None:
    """Run ``cell`` in IPython's ``shell`` and fail with its error, whose traceback is shown once.

    The shell shows the error of the cell run here, and then that of the magic, which re-raises
    it so that the cell fails: the first display is held back and shown in place of the second
    (which would add the magic's own frames).
    """
    if not hasattr(shell, "_showtraceback"):  # not IPython's shell: nothing is shown twice
        shell.run_cell(cell).raise_error()
        return
    held: list = []
    restore = _swap_showtraceback(shell, lambda etype, value, stb: held.append(stb))
    try:
        result = shell.run_cell(cell)
    finally:
        restore()
    error = result.error_before_exec or result.error_in_exec
    if error is not None and held:

        def show_once(etype, value, stb):
            restore_once()
            shell._showtraceback(etype, value, held[-1] if value is error else stb)

        restore_once = _swap_showtraceback(shell, show_once)
    result.raise_error()


def _swap_showtraceback(shell, show: Callable) -> Callable[[], None]:
    """Set ``shell``'s ``_showtraceback`` (through which IPython shows each error) to ``show``;
    returns the function that puts back what was there."""
    before = vars(shell).get("_showtraceback")
    shell._showtraceback = show

    def restore() -> None:
        if before is None:
            vars(shell).pop("_showtraceback", None)
        else:
            shell._showtraceback = before

    return restore


def load_ipython_extension(shell) -> None:
    """``%load_ext npbackprop._book`` registers the ``%%needs`` cell magic."""
    shell.register_magic_function(needs, magic_kind="cell", magic_name="needs")
