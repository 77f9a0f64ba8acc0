"""How a learner's array relates to the right one, across batch sizes: the ratio fit.

At each batch size m the learner's array ``G`` is compared with the right one ``R`` by the
least-squares scalar ``r = ⟨G, R⟩ / ⟨R, R⟩`` and what is left, ``‖G − r R‖ / ‖G‖``. If something
is left at any size, ``G`` is not a multiple of ``R``: the ratio varies entry to entry, a wrong
formula. Otherwise the ratios ``r(m)`` are fitted as ``c · m^p`` (a straight line through
``log |r|`` against ``log m``): a 1/m applied twice is ``p = −1``, a missing one ``p = +1``, a
stray constant ``p = 0``, ``c ≠ 1``; a ratio such as m/(m − 1) fits no power.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Relative size of what may be left of ``G − r R`` for ``G`` to count as a multiple of ``R``,
#: and how far ``r`` may be from 1 for "equal": the gradient check's threshold
#: (:data:`npbackprop.gradcheck.THRESHOLD`); float64 backward passes agree to about 1e-15.
TOLERANCE = 1e-7


@dataclass(frozen=True)
class Scale:
    """``G`` against ``R`` over the batch sizes.

    Attributes
    ----------
    kind : {"equal", "multiple", "other"}
        ``"equal"`` when ``G = R`` at every size (within the tolerance), ``"multiple"`` when
        ``G = r(m) R`` at every size, ``"other"`` when not (``G`` is then not a multiple of ``R``
        at ``worst_size``).
    ratios : tuple of float
        ``r(m)`` at each size (NaN where ``R`` is zero).
    coefficient, power : float or None, int or None
        ``r(m) = coefficient · m^power`` when the ratios follow a power of m exactly (power 0: a
        constant); both None when they follow none.
    residual : float
        The largest ``‖G − r R‖ / ‖G‖`` over the sizes.
    worst_size : int
        The size where the residual is largest.
    """

    kind: str
    ratios: tuple
    coefficient: float | None
    power: int | None
    residual: float
    worst_size: int


def _ratio(G: np.ndarray, R: np.ndarray) -> tuple[float, float]:
    """``(r, residual)`` for one size, both in float64."""
    g, r = G.astype(np.float64).ravel(), R.astype(np.float64).ravel()
    rr, gg = float(r @ r), float(g @ g)
    if rr == 0.0:
        return math.nan, (0.0 if gg == 0.0 else math.inf)
    ratio = float(g @ r) / rr
    if gg == 0.0:
        return 0.0, 0.0
    left = g - ratio * r
    return ratio, math.sqrt(float(left @ left) / gg)


def fit_power(sizes, ratios, tol: float = TOLERANCE) -> tuple[float | None, int | None]:
    """Fit ``ratios[k] = c · sizes[k]^p`` with an integer ``p``; ``(c, p)``, or ``(None, None)``.

    Examples
    --------
    >>> fit_power([7, 17, 41], [1 / 7, 1 / 17, 1 / 41])    # the 1/m twice
    (1.0, -1)
    >>> fit_power([7, 17, 41], [2.0, 2.0, 2.0])            # a stray 2
    (2.0, 0)
    >>> fit_power([7, 17, 41], [7 / 6, 17 / 16, 41 / 40])  # m/(m - 1): no power of m
    (None, None)
    """
    ratios = np.asarray(ratios, dtype=np.float64)
    if not np.all(np.isfinite(ratios)) or np.any(ratios == 0):
        return None, None
    signs = np.sign(ratios)
    if np.any(signs != signs[0]):
        return None, None
    x, y = np.log(np.asarray(sizes, dtype=np.float64)), np.log(np.abs(ratios))
    slope = np.polyfit(x, y, 1)[0] if len(x) > 1 else 0.0
    p = int(np.round(slope))
    log_c = float(np.mean(y - p * x))
    # an exact power: every ratio on the line (a relative tolerance on the ratio itself)
    if np.max(np.abs(y - (log_c + p * x))) > tol:
        return None, None
    c = float(signs[0] * math.exp(log_c))
    if abs(c - round(c)) <= tol * max(1.0, abs(c)):
        c = float(round(c))  # a factor 1, 2 or -1 prints as itself, not 0.9999999999999998
    return c, p


def compare(learner, reference, sizes, tol: float = TOLERANCE) -> Scale:
    """``Scale`` of the learner's arrays against the reference ones, one pair per size.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sizes = (7, 17, 41)
    >>> R = [rng.normal(size=(3, 2)) for _ in sizes]
    >>> compare([r / m for r, m in zip(R, sizes)], R, sizes).power     # 1/m too many
    -1
    >>> compare([r + 0.1 for r in R], R, sizes).kind                   # not a multiple
    'other'
    """
    ratios, residuals = [], []
    for G, R in zip(learner, reference, strict=True):
        ratio, residual = _ratio(G, R)
        ratios.append(ratio)
        residuals.append(residual)
    worst = int(np.argmax(residuals))
    residual = float(residuals[worst])
    if residual > tol or all(math.isnan(r) for r in ratios):
        return Scale("other", tuple(ratios), None, None, residual, sizes[worst])
    known = [(m, r) for m, r in zip(sizes, ratios, strict=True) if not math.isnan(r)]
    if all(abs(r - 1.0) <= tol for _, r in known):
        return Scale("equal", tuple(ratios), 1.0, 0, residual, sizes[worst])
    c, p = fit_power([m for m, _ in known], [r for _, r in known], tol)
    return Scale("multiple", tuple(ratios), c, p, residual, sizes[worst])
