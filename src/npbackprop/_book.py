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

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
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

# The width, in CSS pixels, that a figure gets in the book on a phone 390 px wide (the article's
# width there; tests/test_site_layout.py measures it), and the smallest text size that still
# reads there.
PHONE_FIGURE_WIDTH = 342
SMALLEST_TEXT_PX = 10.0

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


def check_figure(
    fig, *, shown: float = PHONE_FIGURE_WIDTH, smallest: float = SMALLEST_TEXT_PX
) -> None:
    """Check that a Matplotlib figure reads on a phone.

    The book shows a figure as a PNG (cropped to what is drawn, as Jupyter saves it) scaled down
    to ``shown`` CSS pixels on a phone. Raises :class:`ClaimError` if any text (tick labels,
    axis labels, titles, legend entries, annotations) is then smaller than ``smallest`` pixels
    (for mathtext, its smallest glyph: the exponent of a log axis's tick label ``10^{-16}`` is
    drawn at 0.7 times the label's font size),
    if a legend covers a plotted point or line, or if the background is transparent (a dark
    page would show through, and black text would vanish).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4.5, 3))
    >>> _ = ax.plot([0, 1], [0, 1], label="y = x")
    >>> _ = ax.legend(loc="lower right")
    >>> check_figure(fig)                              # 4.5 inches wide: text of 11.9 px
    >>> fig, ax = plt.subplots(figsize=(9, 3))          # twice as wide: half the text size
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> check_figure(fig)
    Traceback (most recent call last):
        ...
    npbackprop._book.ClaimError: the figure does not read on a phone: ...
    >>> plt.close("all")
    """
    import matplotlib as mpl
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

    if not hasattr(fig.canvas, "get_renderer"):  # closed (plt.show() in Jupyter closes it)
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    pad = mpl.rcParams["savefig.pad_inches"]
    drawn = fig.get_tightbbox(renderer)  # inches
    width = (drawn.width + 2 * pad) * fig.dpi
    scale = min(1.0, shown / width)
    problems, small = [], {}
    undrawn = _tick_labels_outside_the_limits(fig)
    for text in fig.findobj(Text):
        if not (text.get_visible() and text.get_text().strip()) or id(text) in undrawn:
            continue
        if text.get_window_extent(renderer).width == 0:
            continue
        px = _smallest_glyph_size(text) * fig.dpi / 72 * scale
        if px < smallest:
            small.setdefault(f"{px:.1f} px", []).append(text.get_text())
    for px, texts in small.items():
        shown_texts = ", ".join(repr(t) for t in dict.fromkeys(texts[:4]))
        more = f" and {len(texts) - 4} more" if len(texts) > 4 else ""
        problems.append(f"{shown_texts}{more} are {px}")
    legends = [(ax, ax.get_legend()) for ax in fig.axes] + [(None, lg) for lg in fig.legends]
    for ax, legend in legends:
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        for axes in [ax] if ax is not None else fig.axes:
            for artist in axes.get_children():
                if isinstance(artist, Line2D) and artist.get_visible():
                    points = _dense(artist.get_transform().transform(artist.get_xydata()))
                elif isinstance(artist, PathCollection) and artist.get_visible():
                    points = artist.get_offset_transform().transform(artist.get_offsets())
                else:
                    continue
                inside = (
                    (points[:, 0] > box.x0)
                    & (points[:, 0] < box.x1)
                    & (points[:, 1] > box.y0)
                    & (points[:, 1] < box.y1)
                )
                if np.any(inside):
                    label = artist.get_label()
                    problems.append(f"the legend covers {label!r}")
                    break
    if fig.get_facecolor()[3] < 1 or mpl.rcParams["savefig.transparent"]:
        problems.append("the background is transparent")
    if problems:
        raise ClaimError(
            f"the figure does not read on a phone: {'; '.join(problems)} (it is shown "
            f"{shown:.0f} px wide there, scaled by {scale:.2f}; text needs {smallest:g} px: "
            f"make the figure narrower or the text larger)"
        )


def _smallest_glyph_size(text) -> float:
    """The size in points of the smallest glyph ``text`` draws: its font size, or less where
    its mathtext shrinks a part (the exponent of a log axis's ``10^{-16}``, a subscript, a
    fraction), which Matplotlib draws at 0.7 times the font size per level."""
    from matplotlib import cbook
    from matplotlib.mathtext import MathTextParser

    size = text.get_fontsize()
    if text.get_usetex() or not text.get_parse_math():
        return size
    sizes = [size]
    for line in text.get_text().split("\n"):  # Matplotlib lays out each line on its own
        if not cbook.is_math_text(line):
            continue
        try:
            parsed = MathTextParser("path").parse(line, 72, text.get_fontproperties())
        except ValueError:  # not valid mathtext: Matplotlib would fail to draw it anyway
            continue
        sizes += [glyph[1] for glyph in parsed.glyphs]
    return min(sizes)


def _tick_labels_outside_the_limits(fig) -> set[int]:
    """Tick labels Matplotlib keeps but does not draw: their ticks lie outside the view."""
    undrawn = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            slack = 1e-9 * (hi - lo)
            for ticks, locs in (
                (axis.get_major_ticks(), axis.get_majorticklocs()),
                (axis.get_minor_ticks(), axis.get_minorticklocs()),
            ):
                for tick, loc in zip(ticks, locs, strict=False):
                    if not lo - slack <= loc <= hi + slack:
                        undrawn |= {id(tick.label1), id(tick.label2)}
    return undrawn


# The book's figures: text large enough for a phone (see check_figure), an opaque background.
FIGURE_STYLE = {"font.size": 12, "figure.facecolor": "white", "savefig.transparent": False}


def figure_style() -> None:
    """Set Matplotlib's defaults to the book's figure style (:data:`FIGURE_STYLE`)."""
    import matplotlib as mpl

    mpl.rcParams.update(FIGURE_STYLE)


def _dense(points: np.ndarray, step: float = 2.0) -> np.ndarray:
    """The points of a polyline with extra points at most ``step`` pixels apart."""
    points = points[np.all(np.isfinite(points), axis=1)]
    if len(points) < 2:
        return points
    out = [points[:1]]
    for a, b in itertools.pairwise(points):
        n = max(1, int(np.ceil(np.hypot(*(b - a)) / step)))
        out.append(a + (b - a) * (np.arange(1, n + 1)[:, None] / n))
    return np.concatenate(out)


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


def _from_record(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"dtype", "shape", "data"}:
            return np.array(value["data"], dtype=value["dtype"]).reshape(value["shape"])
        return {k: _from_record(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_record(v) for v in value]
    return value


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
        text = file.read_text(encoding="utf-8")
    elif file.name in _EMBEDDED:
        text = _EMBEDDED[file.name]
    else:
        raise FileNotFoundError(
            f"no record {str(path)!r} here (a chapter's downloaded notebook embeds the records "
            f"it reads in its first cell: run the notebook from the top)"
        )
    return _from_record(json.loads(text))


#: What to ``pip install`` for an import name that differs from its distribution's name.
PIP_NAMES = {"sklearn": "scikit-learn"}


def needs(line: str, cell: str) -> None:
    """The ``%%needs`` cell magic: run the cell if the packages on the first line import.

    ``%%needs autograd`` on a cell that compares with autograd runs the cell where autograd is
    installed and otherwise prints what to install and skips it. The downloadable notebooks start
    such cells with it; ``%load_ext npbackprop._book`` registers it.

    Examples
    --------
    >>> needs("numpy", "x = 1")  # outside IPython the cell is only checked, not run
    >>> needs("no_such_package_xyz", "x = 1")  # doctest: +ELLIPSIS
    Skipped: this cell needs no_such_package_xyz (pip install no-such-package-xyz); the text ...
    >>> PIP_NAMES["sklearn"]          # an import name whose distribution is called otherwise
    'scikit-learn'
    """
    import importlib.util

    packages = line.split()
    if not packages:
        raise ValueError("%%needs takes the packages the cell needs, e.g. %%needs autograd")
    missing = [p for p in packages if importlib.util.find_spec(p) is None]
    if missing:
        names = " ".join(PIP_NAMES.get(m, m.replace("_", "-")) for m in missing)
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
        result = shell.run_cell(cell)
        result.raise_error()


def load_ipython_extension(shell) -> None:
    """``%load_ext npbackprop._book`` registers the ``%%needs`` cell magic."""
    shell.register_magic_function(needs, magic_kind="cell", magic_name="needs")
