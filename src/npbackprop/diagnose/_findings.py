"""What the diagnoser says: one :class:`Finding` per gradient, and the :class:`Report`."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from dataclasses import dataclass

#: Every verdict a :class:`Finding` can carry.
VERDICTS = ("ok", "scaled", "wrong", "shape", "missing", "nonfinite", "error")

#: The book's sections that explain each kind of slip: (chapter, section), as the advice
#: names them.
SECTIONS = {
    "conventions": ("Notation", "What dZ means: three conventions"),
    "twice": ("A batch of m examples", "The trap: mixing the conventions"),
    "once": ("Why defer?", "(c) One rule, so the 1/m is applied exactly once"),
    "misplaced": ("Gradient checking", "What a misplaced 1/m looks like"),
    "hidden": ("One example", "Back into the hidden layer"),
    "output": ("One example", "The output layer: why dz[2] = a[2] - y"),
    "recurrence": ("Deep networks", "The recurrence"),
    "l2": ("Regularization", "L2: where λ/(2m) becomes λ/m"),
    "sum": ("A batch of m examples", "Three conventions, one set of equations"),
}


#: What each value of :attr:`Report.convention` means, as the report's second line says it.
CONVENTION_TEXT = {
    "deferred": "dZ = m·∂J/∂Z, the course's; the 1/m is in dW and db",
    "absorbed": "dZ = ∂J/∂Z, the 1/m already inside",
    "sum": "dZ = m·∂J/∂Z as in the deferred convention, but no dW or db divides by m",
    "mixed": "the layers' dZ and dA are in different conventions",
}


def factor_text(c: float, p: int) -> str:
    """``c · m^p`` as a reader writes it: ``1/m``, ``m``, ``2``, ``-1``, ``0.5·m``, ``1/m²``.

    Examples
    --------
    >>> [factor_text(1.0, -1), factor_text(1.0, 1), factor_text(-1.0, 0), factor_text(0.5, 1)]
    ['1/m', 'm', '-1', '0.5·m']
    """
    power = {1: "m", 2: "m²", 3: "m³"}.get(abs(p), f"m^{abs(p)}")
    number = f"{c:.4g}"
    if p == 0:
        return number
    if p < 0:
        return f"1/{power}" if c == 1 else f"{number}/{power}"
    return power if c == 1 else f"{number}·{power}"


@dataclass(frozen=True)
class Finding:
    """The verdict on one returned gradient (or on the call itself, under ``"call"``).

    Attributes
    ----------
    verdict : {"ok", "scaled", "wrong", "shape", "missing", "nonfinite", "error"}
        ``"ok"``: right (for ``dZ``/``dA``: right in a named convention). ``"scaled"``: a
        multiple of the right value. ``"wrong"``: not a multiple, a wrong formula. ``"shape"``:
        the wrong form (transposed, ``(n,)`` for ``(n, 1)``, a list, a scalar, another dtype).
        ``"missing"``: not returned. ``"nonfinite"``: NaN or inf. ``"error"``: the call itself
        failed or misbehaved (raised, returned no dict, changed its inputs).
    message : str
        One line a learner can act on.
    factor : float or None
        The learner's value over the right one at the largest batch size (``"scaled"``).
    power : int or None
        The power of m in that factor: -1 when the 1/m is applied twice, +1 when it is missing;
        None when the factor does not follow m (a stray 2, a sign). For ``dZ`` and ``dA`` the
        factor is against ∂J/∂Z, so the deferred convention is power 1.
    coefficient : float or None
        ``c`` in ``factor = c · m^power``.
    convention : str or None
        For ``dZ{l}``, ``dA{l}``: ``"deferred"`` (m·∂J/∂Z, also the sum convention's) or
        ``"absorbed"`` (∂J/∂Z), when it is one of them.
    layer : int or None
        The layer the gradient belongs to (``dA{l}`` is computed in layer l + 1).
    part : {"data", "penalty", "both"} or None
        With L2: which term of ``dW`` is off.
    key : str or None
        The name the learner used (``"dz3"`` for ``dZ3``).
    """

    verdict: str
    message: str
    factor: float | None = None
    power: int | None = None
    coefficient: float | None = None
    convention: str | None = None
    layer: int | None = None
    part: str | None = None
    key: str | None = None

    def but(self, **changes) -> Finding:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Report:
    """What :func:`~npbackprop.diagnose.check` and its adapters return.

    Attributes
    ----------
    ok : bool
        True exactly when every ``dW{l}`` and ``db{l}`` was returned and equals the gradient of
        the mean cost J at every batch size (to the gradient check's 1e-7).
    convention : {"deferred", "absorbed", "sum", "mixed"} or None
        What the returned ``dZ``/``dA`` say (``"sum"`` when they are deferred and every
        ``dW``, ``db`` is m times the mean's; ``"mixed"`` when layers disagree); None when
        nothing tells.
    findings : dict of str to Finding
        By canonical name (``dW2``, ``dZ1``, ``dA0``; ``"call"`` for the call itself), from the
        output layer down.
    first_wrong_layer : int or None
        The first layer, counting from the output, with a ``"wrong"`` verdict.
    advice : tuple of str
        What to change, the likeliest cause first, each naming the book section that explains
        it.
    sizes : tuple of int
        The batch sizes m the function was run at.
    printed : str
        What the function printed (hidden during the check).
    """

    ok: bool
    convention: str | None
    findings: dict
    first_wrong_layer: int | None
    advice: tuple
    sizes: tuple
    printed: str = ""

    def __str__(self) -> str:
        rows = [("gradient", "verdict", "factor", "convention", "")]
        for name, f in self.findings.items():
            shown = name if f.key in (None, name) else f"{name} ({f.key})"
            factor = ""
            near = {0: "absorbed", 1: "deferred"}.get(f.power or 0)
            if f.verdict == "scaled" and name[:2] in ("dZ", "dA") and f.coefficient and near:
                factor = f"{f.coefficient:.4g} × {near}"  # a dZ against its nearest convention
            elif f.verdict == "scaled" and f.coefficient is not None:
                factor = factor_text(f.coefficient, f.power or 0)
            elif f.verdict == "scaled" and f.factor is not None:
                factor = f"{f.factor:.3g}"
            rows.append((shown, f.verdict, factor, f.convention or "", f.part or ""))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() + (
                f"  ({r[4]})" if r[4] else "")
            for r in rows
        ]  # fmt: skip
        sizes = ", ".join(str(m) for m in self.sizes)
        verdict = "right" if self.ok else "NOT right"
        head = f"The gradients of the mean cost J are {verdict} (checked at m = {sizes})."
        call = self.findings.get("call")
        if self.ok and call is not None and call.verdict == "error":
            head = head[:-1] + ", but the function misbehaved: see below."
        conv = (
            f"Convention: {self.convention} ({CONVENTION_TEXT[self.convention]})."
            if self.convention else ""
        )  # fmt: skip
        text = [head, *([conv] if conv else []), "", *lines, ""]
        for advice in self.advice:
            text += textwrap.wrap(advice, 78, initial_indent="- ", subsequent_indent="  ")
        return "\n".join(text)


_NAME = re.compile(r"d([WwBbZzAa])(\d+)", re.ASCII)


def canonical(key) -> str | None:
    """The canonical name of a learner's key (``"dz3"`` → ``"dZ3"``), None if not a gradient.

    Examples
    --------
    >>> [canonical(k) for k in ("dz3", "dW1", "da0", "db2", "cost")]
    ['dZ3', 'dW1', 'dA0', 'db2', None]
    """
    match = _NAME.fullmatch(key) if isinstance(key, str) else None
    if match is None:
        return None
    letter = {"w": "W", "b": "b", "z": "Z", "a": "A"}[match[1].lower()]
    return f"d{letter}{int(match[2])}"


def layer_of(name: str, L: int) -> int:
    """The layer whose backward step computes ``name`` (``dA{l}`` comes from layer l + 1)."""
    l = int(name[2:])
    return min(l + 1, L) if name.startswith("dA") else l
