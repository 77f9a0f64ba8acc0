"""Plain-language advice from the findings: the likeliest cause first, with the book section
that explains it."""

from __future__ import annotations

from npbackprop.diagnose._findings import SECTIONS, Finding, factor_text

MEANING = {
    "deferred": "m·∂J/∂Z, the per-example derivatives side by side (the course's dZ2 = A2 - Y)",
    "absorbed": "∂J/∂Z, with the 1/m already inside (dZ2 = (A2 - Y)/m)",
    "sum": "the derivatives of the sum of the losses, with no 1/m anywhere",
}


#: The right g'(Z[l]) of each hidden activation, and the slips seen most.
DERIVATIVES = {
    "tanh": "for tanh it is 1 - A{l}², i.e. 1 - np.power(A{l}, 2) (not 1 - A{l}, 1 - Z{l}² or "
    "1 - np.tanh(A{l})²).",
    "relu": "for ReLU it is 1 where Z{l} > 0 and 0 elsewhere, i.e. dZ{l} = dA{l} * (Z{l} > 0) "
    "(not dA{l} * Z{l} or dA{l} * A{l}).",
    "leaky_relu": "for leaky ReLU it is 1 where Z{l} > 0 and the slope (0.01) elsewhere.",
    "sigmoid": "for a sigmoid it is A{l}(1 - A{l}), with A{l} = σ(Z{l}) (not Z{l}(1 - Z{l})).",
}


def book(*keys: str) -> str:
    """``Book: chapter, "section"; ...`` for the given :data:`SECTIONS` keys."""
    return "Book: " + "; ".join(f"{c}, “{s}”" for c, s in (SECTIONS[k] for k in keys)) + "."


def _layers(names) -> str:
    numbers = sorted({int(n[2:]) for n in names}, reverse=True)
    word = "layer" if len(numbers) == 1 else "layers"
    return f"{word} {', '.join(str(n) for n in numbers)}"


def _scaled_advice(scaled: dict, params: list, convention, L: int) -> list[str]:
    """Advice for the dW and db that are multiples of the right ones (data term)."""
    out = []
    groups: dict = {}
    for name, f in scaled.items():
        # a constant factor has power None (it does not follow m) and a coefficient
        p = 0 if f.power is None and f.coefficient is not None else f.power
        groups.setdefault((f.coefficient, p), []).append(name)
    for (c, p), names in groups.items():
        listed = ", ".join(names)
        everywhere = len(names) == len(params)
        if p == -1 and c == 1:
            where = "every dW and db" if everywhere else f"{listed}"
            extra = (
                f"your dZ already holds it (absorbed: dZ{L} = (A{L} - Y)/m) and the dW and db "
                "lines divide by m again"
                if convention == "absorbed"
                else "on the way to these gradients they are divided by m a second time"
            )
            out.append(
                f"The 1/m is applied twice in {where}: {extra}. Keep one: the course puts it "
                f"in dW and db only (deferred), autograd puts it in dZ{L} only (absorbed). "
                + book("twice", "once")
            )
        elif p == 1 and c == 1 and everywhere:
            out.append(
                "There is no 1/m anywhere: these are the gradients of the sum of the losses "
                "(the sum convention), m times those of the mean cost J that the course "
                "minimises. Put 1/m into every dW and db line (deferred) or into dZ"
                f"{L} (absorbed); if your code does divide by m, check that m = X.shape[1] "
                "(Y.shape[0] is the number of outputs). " + book("sum", "misplaced")
            )
        elif p == 1 and c == 1:
            out.append(
                f"The 1/m is missing from {listed} ({_layers(names)}): in the deferred "
                "convention each dW and db line carries its own 1/m, so forgetting it in one "
                "line spoils only that gradient. " + book("misplaced")
            )
        elif p in (-1, 1):
            n = 1 / c if p == 1 else c
            out.append(
                f"{listed}: off by {factor_text(c, p)}, a division by {n:.4g} where m belongs "
                "(or the reverse). m is the number of examples, X.shape[1]; X.shape[0] is the "
                "number of features. " + book("misplaced")
            )
        elif p == 0 and c == -1:
            out.append(
                f"{listed} {'has' if len(names) == 1 else 'have'} the wrong sign. The output "
                f"gradient is dZ{L} = A{L} - Y, not Y - A{L}; if you start from dA{L}, it is "
                f"-(Y/A{L} - (1 - Y)/(1 - A{L})), with the minus sign. Gradient descent then "
                "subtracts the gradient. " + book("output")
            )
        elif p == 0:
            out.append(
                f"{listed}: a constant factor {factor_text(c, 0)}, which does not depend on m, "
                "so it is not a 1/m slip: look for a stray constant (a 2 from a derivative, a "
                f"factor in dZ{L}). " + book("output")
            )
        else:
            factor = "a factor that changes with m" if p is None else factor_text(c, p)
            out.append(
                f"{listed}: off by {factor}; m should appear exactly once, as 1/m. "
                + book("misplaced")
            )
    return out


def advise(findings: dict, convention, first_wrong: int | None, L: int, hidden: str) -> tuple:
    """The advice for a set of findings (see :class:`~npbackprop.diagnose.Report`)."""
    call = findings.get("call")
    if call is not None and call.verdict == "error" and len(findings) == 1:
        return (f"Your function did not give gradients to check: {call.message}.",)
    params = [n for n in findings if n[:2] in ("dW", "db")]
    out = []
    missing = [n for n in params if findings[n].verdict == "missing"]
    if missing:
        out.append(
            f"Return every gradient: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not in the dict your function returns."
        )
    shapes: dict = {}  # the same slip in several gradients: one line
    for n, f in findings.items():
        if f.verdict == "shape":
            text = f.message.replace("{", "{{").replace("}", "}}").replace(n, "{}", 1)
            shapes.setdefault(text, []).append(n)
    for text, names in shapes.items():
        if len(names) > 1:
            text = text.replace("{} has", "{} have").replace("{} is", "{} are")
        out.append(text.format(", ".join(names)) + ".")
    nonfinite = [n for n in findings if findings[n].verdict == "nonfinite"]
    if nonfinite:
        out.append(
            f"{', '.join(nonfinite)}: NaN or inf. Look for a log or a division in a derivative "
            "(dA = -(Y/A - (1-Y)/(1-A)) is infinite where A rounds to 0 or 1) or an overflow; "
            "the fused output gradient A - Y is always finite."
        )
    if first_wrong is not None:
        wrong = [n for n, f in findings.items() if f.verdict == "wrong" and f.layer == first_wrong]
        if any(findings[n].part == "penalty" for n in wrong):
            out.append(
                f"{findings[wrong[0]].message}: the gradient of (λ/(2m))·Σ‖W‖² is (λ/m)·W, "
                "added to each dW and to nothing else. " + book("l2")
            )
        elif first_wrong == L:
            out.append(
                f"The output layer is already wrong ({', '.join(wrong)}): for a sigmoid or "
                f"softmax output with cross-entropy, dZ{L} = A{L} - Y (deferred) or "
                f"(A{L} - Y)/m (absorbed). A - Y already contains σ'(Z): it is dA{L} = "
                f"-(Y/A{L} - (1 - Y)/(1 - A{L})) that goes through sigmoid_backward, never "
                "A - Y itself. " + book("output")
            )
        else:
            above = (
                f"Layer {L} is" if first_wrong + 1 == L else f"Layers {first_wrong + 1} to {L} are"
            )
            out.append(
                f"{above} right and layer {first_wrong} is not "
                f"({', '.join(wrong)}): the slip is in the step from dZ{first_wrong + 1} to "
                f"dZ{first_wrong} = W{first_wrong + 1}ᵀ dZ{first_wrong + 1} ⊙ "
                f"g'(Z{first_wrong}). The usual cause is the activation's derivative: "
                + DERIVATIVES[hidden].format(l=first_wrong)
                + " "
                + book("hidden", "recurrence")
            )
    scaled = {
        n: findings[n] for n in params
        if findings[n].verdict == "scaled" and findings[n].part in (None, "data", "both")
    }  # fmt: skip
    out += _scaled_advice(scaled, params, convention, L)
    penalty = [n for n in params if findings[n].verdict == "scaled" and findings[n].part
               in ("penalty", "both")]  # fmt: skip
    if penalty:
        first = findings[penalty[0]]
        factor = factor_text(first.coefficient, first.power or 0) if first.coefficient else "?"
        out.append(
            f"The L2 term of {', '.join(penalty)} is {factor} times (λ/m)·W, the right one. "
            "The cost adds (λ/(2m))·Σ‖W‖², so each dW gains (λ/m)·W (and no db gains "
            "anything). " + book("l2")
        )
    if convention == "mixed":
        said = [f"{n} is {f.convention}" for n, f in findings.items() if f.convention]
        out.append(
            f"Your layers use different conventions ({', '.join(said)}). The dW and db come out "
            "right only while each layer's 1/m matches its own dZ, which is easy to break: "
            "pick one. " + book("twice")
        )
    if call is not None:
        note = call.message + ("" if call.message.endswith((".", "?")) else ".")
        # layer numbers off by one explain the missing and misshapen gradients: say it first
        out.insert(0 if "off by one" in note else len(out), note)
    if not out:
        meaning = MEANING.get(convention)
        tail = (
            f" Your dZ is {meaning}." if meaning else
            " Return dZ too and the check tells which convention your dZ is in."
        )  # fmt: skip
        out.append(
            "Every dW and db is the gradient of the mean cost J: your backward pass is right."
            + tail
            + " Deferred and absorbed are both right; they mean different things by dZ. "
            + book("conventions")
        )
    return tuple(out)


def convention_of(findings: dict[str, Finding]) -> str | None:
    """The report's convention: what the returned dZ and dA say, or the dW and db alone."""
    said = {f.convention for n, f in findings.items() if n[:2] in ("dZ", "dA") and f.convention}
    params = [f for n, f in findings.items() if n[:2] in ("dW", "db")]
    no_mean = bool(params) and all(
        f.verdict == "scaled" and f.power == 1 and f.coefficient == 1 for f in params
    )
    if len(said) > 1:
        return "mixed"
    if said == {"deferred"} and no_mean:
        return "sum"
    if said:
        return said.pop()
    return "sum" if no_mean else None
