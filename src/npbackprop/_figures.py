"""The book's figures: :func:`check_figure` and :func:`figure_style`.

Not part of the package's API; the chapters import both from :mod:`npbackprop._book`, which
re-exports them.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

# The width, in CSS pixels, that a figure gets in the book on a phone 390 px wide (the article's
# width there; tests/test_site_layout.py measures it), and the smallest text size that still
# reads there.
PHONE_FIGURE_WIDTH = 342
SMALLEST_TEXT_PX = 10.0

# The book's figures: text large enough for a phone (see check_figure), an opaque background.
FIGURE_STYLE = {"font.size": 12, "figure.facecolor": "white", "savefig.transparent": False}


def figure_style() -> None:
    """Set Matplotlib's defaults to the book's figure style (:data:`FIGURE_STYLE`)."""
    import matplotlib as mpl

    mpl.rcParams.update(FIGURE_STYLE)


def check_figure(
    fig, *, shown: float = PHONE_FIGURE_WIDTH, smallest: float = SMALLEST_TEXT_PX
) -> None:
    """Check that a Matplotlib figure reads on a phone.

    The book shows a figure as a PNG (cropped to what is drawn, as Jupyter saves it) scaled down
    to ``shown`` CSS pixels on a phone. Raises :class:`ClaimError` if any text (tick labels,
    axis labels, titles, legend entries, annotations) is then smaller than ``smallest`` pixels
    (for mathtext, its smallest glyph: the exponent of a log axis's tick label ``10^{-16}`` is
    drawn at 0.7 times the label's font size),
    if a legend covers a plotted point or line (a line's segments as drawn, steps included, and
    not across the gaps its NaNs leave), or if the background is transparent (a dark page would
    show through, and black text would vanish).

    Raises :class:`TypeError` if ``fig`` is not a Figure (an Axes is named: pass ``ax.figure``)
    or ``shown`` or ``smallest`` is not a number, and :class:`ValueError` if either is not
    finite and positive.

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
    >>> check_figure(ax)
    Traceback (most recent call last):
        ...
    TypeError: check_figure needs a Matplotlib Figure (...), got an Axes: pass ax.figure
    >>> plt.close("all")
    """
    import matplotlib as mpl
    from matplotlib.text import Text

    from npbackprop._book import ClaimError

    _require_figure(fig)
    _require_pixels("shown", shown)
    _require_pixels("smallest", smallest)
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
                if artist.get_visible() and _covered(artist, box):
                    problems.append(f"the legend covers {artist.get_label()!r}")
                    break
    if fig.get_facecolor()[3] < 1 or mpl.rcParams["savefig.transparent"]:
        problems.append("the background is transparent")
    if problems:
        raise ClaimError(
            f"the figure does not read on a phone: {'; '.join(problems)} (it is shown "
            f"{shown:.0f} px wide there, scaled by {scale:.2f}; text needs {smallest:g} px: "
            f"make the figure narrower or the text larger)"
        )


def _require_figure(fig: Any) -> None:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if isinstance(fig, Figure):
        return
    wanted = "check_figure needs a Matplotlib Figure (the fig of fig, ax = plt.subplots())"
    if isinstance(fig, Axes):
        raise TypeError(f"{wanted}, got an Axes: pass ax.figure")
    if isinstance(fig, np.ndarray) and fig.size and all(isinstance(a, Axes) for a in fig.flat):
        raise TypeError(f"{wanted}, got an array of Axes: pass fig, or axs.flat[0].figure")
    if isinstance(getattr(fig, "figure", None), Figure):
        raise TypeError(f"{wanted}, got a {type(fig).__name__}: pass its .figure")
    raise TypeError(f"{wanted}, got {type(fig).__name__}: {fig!r:.60}")


def _require_pixels(name: str, value: Any) -> None:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"check_figure: {name}= must be a number of CSS pixels, got "
            f"{type(value).__name__}: {value!r:.60}"
        )
    if not (math.isfinite(value) and value > 0):
        raise ValueError(
            f"check_figure: {name}= must be a finite, positive number of CSS pixels, got {value!r}"
        )


def _covered(artist, box) -> bool:
    """Whether ``artist`` (a line or a scatter) draws a point or a segment strictly inside the
    display box ``box``."""
    from matplotlib import cbook
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D

    if isinstance(artist, PathCollection):
        points = artist.get_offset_transform().transform(artist.get_offsets())
        return _inside(points, box)
    if not isinstance(artist, Line2D):
        return False
    xy = np.asarray(artist.get_xydata(), dtype=float)
    markers = artist.get_marker() not in (None, "None", "none", "", " ")
    if markers and _inside(artist.get_transform().transform(xy), box):
        return True
    if artist.get_linestyle() in ("None", "none", "", " ") or artist.get_linewidth() <= 0:
        return False
    if len(xy) < 2:  # a line of one point draws nothing (its marker was tested above)
        return False
    steps = cbook.STEP_LOOKUP_MAP[artist.get_drawstyle()]  # the path as drawn
    path = artist.get_transform().transform(np.asarray(steps(xy[:, 0], xy[:, 1]), float).T)
    return _crosses(path[:-1], path[1:], box)


def _inside(points: np.ndarray, box) -> bool:
    x, y = points[:, 0], points[:, 1]
    return bool(np.any((x > box.x0) & (x < box.x1) & (y > box.y0) & (y < box.y1)))


def _crosses(a: np.ndarray, b: np.ndarray, box) -> bool:
    """Whether a segment from a row of ``a`` to the row of ``b`` meets the open box ``box``
    (Liang and Barsky's clipping, on all the segments at once). A segment with a NaN end is not
    drawn: it meets nothing."""
    d = b - a
    low = np.full(len(a), -np.inf)
    high = np.full(len(a), np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, (lo, hi) in enumerate(((box.x0, box.x1), (box.y0, box.y1))):
            start, step = a[:, k], d[:, k]
            t1, t2 = (lo - start) / step, (hi - start) / step
            flat = step == 0  # parallel to this side: inside for all t, or for none
            within = (lo < start) & (start < hi)
            low = np.maximum(
                low, np.where(flat, np.where(within, -np.inf, np.inf), np.fmin(t1, t2))
            )
            high = np.minimum(
                high, np.where(flat, np.where(within, np.inf, -np.inf), np.fmax(t1, t2))
            )
    drawn = np.all(np.isfinite(a), axis=1) & np.all(np.isfinite(b), axis=1)
    return bool(np.any(drawn & (low < high) & (low < 1) & (high > 0)))


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
