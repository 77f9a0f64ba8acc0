"""One verdict per returned array: its form first, then its values against the right ones.

:func:`judge` takes what the learner returned under one name at every batch size and the right
arrays, and returns a :class:`~npbackprop.diagnose.Finding`. The order of the questions is the
order in which a reader fixes things: is it there, is it an array of the right shape and
dtype, is it finite, and only then, is it the right number (equal, a multiple that follows m,
a constant multiple, or not a multiple at all).
"""

from __future__ import annotations

import math

import numpy as np

from npbackprop.diagnose._findings import Finding, factor_text
from npbackprop.diagnose._fit import TOLERANCE, Scale, compare


def _shape_text(shape) -> str:
    return str(tuple(shape)).replace(",)", ")") if len(shape) != 1 else f"({shape[0]},)"


def _as_arrays(name, values, expected):
    """``(arrays, finding)``: the values as float64 arrays of ``expected`` shape, or the
    Finding that says why they are not (with the arrays still, where they can be compared)."""
    first = values[0]
    kind = None
    if first is None:
        return None, Finding("missing", f"{name} is None: it was never computed")
    if isinstance(first, list | tuple):
        kind = f"a Python {type(first).__name__}"
    elif isinstance(first, int | float | np.generic):
        kind = "a scalar"
    elif not isinstance(first, np.ndarray):
        return None, Finding(
            "shape", f"{name} is a {type(first).__name__}, not a NumPy array of shape "
            f"{_shape_text(expected)}",
        )  # fmt: skip
    try:
        arrays = [np.asarray(v) for v in values]
    except (ValueError, TypeError):
        return None, Finding("shape", f"{name} is {kind}, not an array of numbers")
    if any(a.dtype.kind not in "biuf" for a in arrays):
        return None, Finding(
            "shape", f"{name} has dtype {arrays[0].dtype}, not a real floating-point dtype"
        )
    if kind == "a scalar" or (arrays[0].ndim == 0 and math.prod(expected) > 1):
        fix = f"{name} is a single number, not an array of shape {_shape_text(expected)}"
        if math.prod(expected) > 1:
            return None, Finding(
                "shape", f"{fix}: np.sum without axis=1 adds over the units as well as the "
                "examples; use np.sum(..., axis=1, keepdims=True)",
            )  # fmt: skip
        return [a.reshape(expected) for a in arrays], (
            f"{fix}: np.sum(..., axis=1, keepdims=True) keeps it one"
        )
    shape = arrays[0].shape
    what = f"{name} is {kind} of shape" if kind else f"{name} has shape"
    if shape != tuple(expected):
        if arrays[0].ndim == 2 and shape[::-1] == tuple(expected):
            fix = (
                f"{name} is transposed: shape {_shape_text(shape)}, expected "
                f"{_shape_text(expected)}; dW = dZ · A_prevᵀ is (n_l, n_prev)"
            )
            return [a.T for a in arrays], fix
        if arrays[0].size == math.prod(expected):
            if arrays[0].ndim == 1 and expected[1] == 1:
                fix = (
                    f"{what} {_shape_text(shape)}, expected {_shape_text(expected)}: "
                    "np.sum(..., axis=1, keepdims=True) keeps the column"
                )
            else:
                fix = f"{what} {_shape_text(shape)}, expected {_shape_text(expected)}"
            return [a.reshape(expected) for a in arrays], fix
        return None, Finding(
            "shape", f"{what} {_shape_text(shape)}, expected {_shape_text(expected)}"
        )
    if kind is not None:
        return arrays, f"{name} is {kind}, not a NumPy array: return np.array(...)"
    return arrays, None


def _tolerance(arrays) -> float:
    """The gradient check's threshold in float64; a few hundred roundings in lower precision."""
    worst = max((np.finfo(a.dtype).eps for a in arrays if a.dtype.kind == "f"), default=0.0)
    return max(TOLERANCE, 300 * float(worst))


def _value_finding(name: str, scale: Scale, sizes, what: str = "", size: int = 2) -> Finding:
    """The verdict of the values of a dW or db (``what`` names a part of it, with L2).

    ``size`` is the number of entries: one number is a multiple of any other, so for it only
    a factor that follows a power of m counts as a factor."""
    subject = f"{name}{what}"
    if scale.kind == "equal":
        return Finding("ok", f"{subject} is right", factor=1.0, power=0, coefficient=1.0)
    m = sizes[-1]
    factor = scale.ratios[-1]
    if scale.kind == "other":
        return Finding(
            "wrong", f"{subject} is not a multiple of the right gradient: the ratio varies from "
            f"entry to entry (a wrong formula; at m = {scale.worst_size} "
            f"{scale.residual:.0%} of it is left over)",
        )  # fmt: skip
    if all(r == 0 for r in scale.ratios if not math.isnan(r)):
        return Finding("wrong", f"{subject} is zero where the right gradient is not")
    c, p = scale.coefficient, scale.power
    if p is None and size == 1:
        return Finding(
            "wrong", f"{subject} is a single number off by a factor that changes with m, and "
            "not as a power of m: a wrong formula, not a misplaced 1/m",
        )  # fmt: skip
    if p is None:
        return Finding(
            "scaled", f"{subject} is {factor:.4g} times the right gradient at m = {m}, a factor "
            f"that changes with m but not as a power of m", factor=factor,
        )  # fmt: skip
    text = factor_text(c, p)
    if p == 0:
        return Finding(
            "scaled", f"{subject} is {text} times the right gradient, whatever m",
            factor=factor, power=None, coefficient=c,
        )  # fmt: skip
    why = {-1: ": the 1/m is applied twice", 1: ": the 1/m is missing"}.get(p, "") if c == 1 else ""
    return Finding(
        "scaled", f"{subject} is {text} times the right gradient{why}",
        factor=factor, power=p, coefficient=c,
    )  # fmt: skip


def _dz_finding(name: str, scale: Scale, sizes) -> Finding:
    """dZ and dA: right in either convention, m·∂J/∂Z (deferred, sum) or ∂J/∂Z (absorbed)."""
    if scale.kind == "equal":
        return Finding(
            "ok", f"{name} is ∂J/∂{name[1:]}: the absorbed convention",
            factor=1.0, power=0, coefficient=1.0, convention="absorbed",
        )  # fmt: skip
    if scale.kind == "multiple" and scale.power == 1 and scale.coefficient == 1:
        return Finding(
            "ok", f"{name} is m·∂J/∂{name[1:]}: the deferred convention (the course's)",
            factor=scale.ratios[-1], power=1, coefficient=1.0, convention="deferred",
        )  # fmt: skip
    finding = _value_finding(name, scale, sizes)
    if finding.verdict == "scaled" and scale.power in (0, 1) and scale.coefficient is not None:
        near = "deferred" if scale.power == 1 else "absorbed"
        unit = "m·∂J/∂" if scale.power == 1 else "∂J/∂"
        return finding.but(
            message=f"{name} is {scale.coefficient:.4g} times the {near} {name[:2]} "
            f"({unit}{name[1:]})"
        )
    message = finding.message.replace("the right gradient", f"∂J/∂{name[1:]}")
    for old in (": the 1/m is applied twice", ": the 1/m is missing"):
        message = message.replace(old, "")
    return finding.but(message=message)


def judge(name: str, values: list, right: list, sizes, *, intermediate: bool) -> Finding:
    """The verdict on the learner's ``values`` (one per size) against ``right``."""
    arrays, problem = _as_arrays(name, values, right[0].shape)
    if isinstance(problem, Finding):
        return problem
    bad = next((a for a in arrays if not np.all(np.isfinite(a))), None)
    if bad is not None:
        count = int(np.sum(~np.isfinite(bad)))
        return Finding("nonfinite", f"{name} has {count} NaN or inf entries of {bad.size}")
    tol = _tolerance(arrays)
    scale = compare(arrays, right, sizes, tol)
    if intermediate:
        finding = _dz_finding(name, scale, sizes)
    else:
        finding = _value_finding(name, scale, sizes, size=right[0].size)
    if problem is not None:  # the form is wrong, whatever the values
        if finding.verdict == "ok":
            return finding.but(verdict="shape", message=problem, convention=None)
        return finding.but(verdict="shape", message=f"{problem}; and then {finding.message}")
    dtype = arrays[0].dtype
    if finding.verdict == "ok" and dtype != np.float64:
        return finding.but(
            verdict="shape", convention=None,
            message=f"{name} has dtype {dtype}, not the float64 of the inputs: the values are "
            f"right to {dtype}'s precision, but something cast them",
        )  # fmt: skip
    return finding


def judge_with_l2(name, at_1, at_2, right_data, penalty, sizes) -> Finding:
    """``dW`` or ``db`` with L2: the learner was called at λ and 2λ; the data part is
    ``2 G(λ) − G(2λ)`` and the penalty part ``G(2λ) − G(λ)``, each judged on its own (a bias
    has no penalty part)."""
    arrays_1, problem = _as_arrays(name, at_1, right_data[0].shape)
    arrays_2, problem_2 = _as_arrays(name, at_2, right_data[0].shape)
    if isinstance(problem, Finding):
        return problem
    if arrays_2 is None:  # fine at λ, not at 2λ: the form problem at 2λ (always a Finding)
        return problem_2
    for values, arrays in ((at_1, arrays_1), (at_2, arrays_2)):
        if not all(np.all(np.isfinite(a)) for a in arrays):
            return judge(name, values, right_data, sizes, intermediate=False)  # the NaN
    total = [d + p for d, p in zip(right_data, penalty, strict=True)]
    whole = judge(name, at_1, total, sizes, intermediate=False)
    if whole.verdict in ("ok", "shape"):
        return whole
    data = [2 * a - b for a, b in zip(arrays_1, arrays_2, strict=True)]
    extra = [b - a for a, b in zip(arrays_1, arrays_2, strict=True)]
    tol = _tolerance(arrays_1)
    size = right_data[0].size
    data_scale = compare(data, right_data, sizes, tol)
    data_says = _value_finding(name, data_scale, sizes, "'s data term", size=size)
    if not any(np.any(p) for p in penalty):  # a bias: no penalty
        moved = max(float(np.linalg.norm(e)) / max(float(np.linalg.norm(a)), 1e-300)
                    for e, a in zip(extra, arrays_1, strict=True))  # fmt: skip
        if moved > tol:
            return Finding(
                "wrong", f"{name} changes with λ: the L2 penalty is on the weights only",
                part="penalty",
            )  # fmt: skip
        return whole
    pen_scale = compare(extra, penalty, sizes, tol)
    if all(r == 0 for r in pen_scale.ratios):
        pen_says = Finding(
            "wrong", f"{name} does not change with λ: the L2 term (λ/m)·W is missing"
        )
    else:
        pen_says = _value_finding(name, pen_scale, sizes, "'s L2 term")
        if pen_says.power == 1 and pen_says.coefficient == 1:
            pen_says = pen_says.but(
                message=f"{name}'s L2 term is m times too large: λ·W where (λ/m)·W belongs"
            )
    if data_says.verdict == "ok":
        return pen_says.but(part="penalty")
    if pen_says.verdict == "ok":
        return data_says.but(part="data")
    same = (data_scale.coefficient, data_scale.power) == (pen_scale.coefficient, pen_scale.power)
    if whole.verdict == "scaled" and same:
        return whole  # one factor on the whole gradient
    verdict = "wrong" if "wrong" in (data_says.verdict, pen_says.verdict) else "scaled"
    return data_says.but(
        verdict=verdict, part="both", message=f"{data_says.message}; {pen_says.message}"
    )
