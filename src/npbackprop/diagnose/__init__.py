"""Check your own backward pass: a verdict per gradient, and what to change.

Give the diagnoser your backward function. It runs it on deterministic data at three batch
sizes that are not powers of two (:data:`SIZES`), compares every gradient it returns with the
gradient of the mean cost J (from :func:`npbackprop.network.gradients`, itself confirmed by
finite differences on the same data), and says for each one whether it is right, a multiple
of the right one that follows m (a 1/m applied twice, or missing), a constant multiple (a sign,
a stray 2), not a multiple at all (a wrong formula, with the first wrong layer counted from the
output), or in the wrong form (transposed, ``(n,)`` for ``(n, 1)``, a list, float32), missing
or NaN. From the ``dZ`` and ``dA`` it returns it names the convention: ``"deferred"`` (the
course's, dZ = m·∂J/∂Z), ``"absorbed"`` (dZ = ∂J/∂Z), ``"sum"`` or ``"mixed"``.

One adapter per shape of function in the course, and one for anything else:

* :func:`check_two_layer` — ``backward_propagation(parameters, cache, X, Y)``, course 1 week 3;
* :func:`check_deep` — ``L_model_backward(AL, Y, caches)``, course 1 week 4;
* :func:`check_three_layer` — ``backward_propagation(X, Y, cache)`` and
  ``backward_propagation_with_regularization(X, Y, cache, lambd)``, course 2's helpers;
* :func:`check` — ``fn(params, X, Y)`` or ``fn(params, X, Y, lambd)``, any depth, activation
  and output.

Each returns a :class:`Report`; ``print(report)`` shows a table and the advice. The learner's
function never takes the diagnoser down: an exception, a return value that is not a dict, or
a change to its inputs is reported as a finding. From a terminal:
``python -m npbackprop.diagnose my_file.py:backward_propagation`` (``--help`` says more).

Examples
--------
The course's deferred backward pass, with the 1/m applied a second time in layer 2:

>>> import numpy as np
>>> def backward_propagation(parameters, cache, X, Y):
...     m = X.shape[1]
...     dZ2 = (cache["A2"] - Y) / m                       # absorbed: 1/m here ...
...     dW2 = np.dot(dZ2, cache["A1"].T) / m              # ... and here again
...     db2 = np.sum(dZ2, axis=1, keepdims=True) / m
...     dZ1 = np.dot(parameters["W2"].T, dZ2) * (1 - cache["A1"] ** 2)
...     dW1 = np.dot(dZ1, X.T) / m
...     db1 = np.sum(dZ1, axis=1, keepdims=True) / m
...     return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ2": dZ2, "dZ1": dZ1}
>>> report = check_two_layer(backward_propagation)
>>> report.ok, report.convention
(False, 'absorbed')
>>> report.findings["dW2"].verdict, report.findings["dW2"].power
('scaled', -1)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping

import numpy as np

from npbackprop._validate import InputTypeError, check_choice, check_nonnegative, short_repr
from npbackprop.activations import HIDDEN, OUTPUTS
from npbackprop.diagnose import _findings, _problems
from npbackprop.diagnose._advice import advise, convention_of
from npbackprop.diagnose._findings import Finding, Report, canonical, layer_of
from npbackprop.diagnose._judge import judge, judge_with_l2
from npbackprop.diagnose._problems import Problem, problem
from npbackprop.diagnose._run import call

__all__ = [
    "SIZES",
    "VERDICTS",
    "Finding",
    "Report",
    "check",
    "check_deep",
    "check_three_layer",
    "check_two_layer",
]

#: The batch sizes every check runs the function at (none a power of two).
SIZES = _problems.SIZES
#: Every verdict a :class:`Finding` can carry.
VERDICTS = _findings.VERDICTS
#: The course's planar network: 2 inputs, 4 tanh units, 1 sigmoid output.
TWO_LAYER = (2, 4, 1)
#: The default of :func:`check_deep`: the course's 4-layer shape in miniature.
DEEP = (5, 4, 3, 1)
#: Course 2's three-layer network (LINEAR→RELU→LINEAR→RELU→LINEAR→SIGMOID), in miniature.
THREE_LAYER = (2, 5, 3, 1)


def _check_fn(fn) -> Callable:
    if not callable(fn):
        raise InputTypeError(
            f"the backward function must be callable (pass the function itself, not its "
            f"result); got {short_repr(fn)}"
        )
    return fn


def _check_arity(fn, adapter: str, call_text: str, count: int, hint: str = "") -> None:
    """Raise if ``fn`` cannot be called with ``count`` positional arguments (when its signature
    can be read at all: some built-in functions have none)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*range(count))
    except TypeError:
        name = getattr(fn, "__name__", "the function")
        raise InputTypeError(
            f"{adapter} calls {call_text}, but {name}{signature} cannot be called that way{hint}"
        ) from None


def _check_arity_lambd(fn, adapter: str, call_start: str, lambd) -> None:
    """:func:`_check_arity` for an adapter that passes ``lambd`` as a fourth argument or not."""
    if lambd is None:
        _check_arity(fn, adapter, f"{call_start}) without lambd", 3,
                     ": give lambd=... (the L2 strength) for a function that takes it")  # fmt: skip
    else:
        _check_arity(fn, adapter, f"{call_start}, lambd)", 4)


def _check_layers(layers, least: int = 2) -> tuple:
    if isinstance(layers, str) or not hasattr(layers, "__iter__"):
        raise InputTypeError(
            f"layers must be a sequence of layer sizes (n_x, n_1, ..., n_L); got "
            f"{short_repr(layers)}"
        )
    layers = tuple(layers)
    ok_sizes = all(
        isinstance(n, int | np.integer) and not isinstance(n, bool) and 1 <= n <= 1000
        for n in layers
    )
    if len(layers) < least or not ok_sizes:
        raise ValueError(
            f"layers must hold at least {least} sizes between 1 and 1000 (n_x, n_1, ..., n_L); "
            f"got {short_repr(layers)}"
        )
    return tuple(int(n) for n in layers)


def _check_lambd(lambd) -> float | None:
    return None if lambd is None else check_nonnegative(lambd, "lambd")


def _run(fn, prob: Problem, make_args, lambd: float | None) -> Report:
    """Call ``fn`` at every size (and at λ and 2λ with L2) and judge what it returns."""
    L = prob.L
    twice = lambd is not None and lambd > 0
    runs = [lambd] + ([2 * lambd] if twice else [])
    returned: dict = {}  # (λ, m) -> {canonical name: (key, value)}
    printed, warned, changed, stray = [], [], [], []
    for lam in runs:
        for m in SIZES:
            out = call(fn, make_args(m, lam))
            printed.append(out.printed)
            warned += out.warned
            changed += out.changed
            failure = None
            if out.raised is not None:
                failure = f"it raised {out.raised}"
            elif not isinstance(out.value, Mapping):
                failure = (
                    f"it returned a {type(out.value).__name__}, not a dict of gradients such as "
                    "{'dW1': dW1, 'db1': db1, ...}"
                )
            if failure is not None:
                return _report({"call": Finding("error", failure)}, prob, "".join(printed))
            names = {}
            for key, value in out.value.items():
                name = canonical(key)
                if name is not None and (1 <= int(name[2:]) <= L or name == "dA0"):
                    names.setdefault(name, (key, value))
                elif name is not None and name[:2] in ("dW", "db"):
                    stray.append(str(key))
            returned[lam, m] = names
    findings: dict = {}
    first = returned[lambd, SIZES[0]]
    for l in range(L, 0, -1):
        for name in (f"dA{l}", f"dZ{l}", f"dW{l}", f"db{l}"):
            key = first.get(name, (None, None))[0]
            if name[:2] in ("dA", "dZ") and key is None:
                continue
            finding = _judge_one(name, returned, prob, lambd, runs)
            findings[name] = finding.but(layer=layer_of(name, L), key=key)
    if "dA0" in first:
        finding = _judge_one("dA0", returned, prob, lambd, runs)
        findings["dA0"] = finding.but(layer=1, key=first["dA0"][0])
    notes = []
    if changed:
        names = ", ".join(dict.fromkeys(changed))
        notes.append(
            f"your function changed its input {names} in place, so the caller's values are no "
            "longer what forward propagation computed: work on new arrays (dZ = A - Y makes "
            "one; dZ = A and then dZ -= Y changes A itself)"
        )
    if stray:
        keys = ", ".join(dict.fromkeys(stray))
        notes.append(
            f"your dict has {keys}, which no layer has: layers are numbered 1 to {L}, so are "
            "the numbers off by one?"
        )
    text = "".join(printed)
    if text.strip():
        notes.append(
            f"it printed {len(text.splitlines())} lines, hidden during the check "
            "(Report.printed holds them)"
        )
    if warned:
        notes.append(f"NumPy warned: {'; '.join(dict.fromkeys(warned))}")
    if notes:
        verdict = "error" if changed else "ok"
        text_ = "; ".join(notes)
        findings = {"call": Finding(verdict, text_[0].upper() + text_[1:]), **findings}
    return _report(findings, prob, text)


def _judge_one(name: str, returned: dict, prob: Problem, lambd, runs) -> Finding:
    if any(name not in returned[run, m] for run in runs for m in SIZES):
        keys = sorted(str(k) for k in returned[runs[0], SIZES[0]])
        return Finding("missing", f"{name} is not in the returned dict (its gradients: {keys})")
    values = [returned[runs[0], m][name][1] for m in SIZES]
    right = [prob.right[m][name] for m in SIZES]
    if name[:2] in ("dZ", "dA"):
        return judge(name, values, right, SIZES, intermediate=True)
    if len(runs) == 1:  # no L2, or λ = 0
        return judge(name, values, right, SIZES, intermediate=False)
    at_2 = [returned[runs[1], m][name][1] for m in SIZES]
    W = prob.params[f"W{name[2:]}"]
    penalty = [
        lambd / m * W if name.startswith("dW") else np.zeros_like(r)
        for m, r in zip(SIZES, right, strict=True)
    ]
    return judge_with_l2(name, values, at_2, right, penalty, SIZES)


def _report(findings: dict, prob: Problem, printed: str) -> Report:
    params = [f for n, f in findings.items() if n[:2] in ("dW", "db")]
    ok = bool(params) and all(f.verdict == "ok" for f in params)
    wrong = [f.layer for n, f in findings.items() if f.verdict == "wrong" and n != "call"]
    first_wrong = max(wrong) if wrong else None
    convention = convention_of(findings)
    return Report(
        ok=ok, convention=convention, findings=findings, first_wrong_layer=first_wrong,
        advice=advise(findings, convention, first_wrong, prob.L, prob.hidden), sizes=SIZES,
        printed=printed,
    )  # fmt: skip


def _params(prob: Problem) -> dict:
    return {k: v.copy() for k, v in prob.params.items()}


def check_two_layer(backward_propagation) -> Report:
    """Check a course 1, week 3 backward pass: ``backward_propagation(parameters, cache, X, Y)``.

    The network is the course's planar one (2 inputs, 4 tanh units, a sigmoid output, mean
    binary cross-entropy); ``parameters`` holds ``W1, b1, W2, b2``, ``cache`` holds
    ``Z1, A1, Z2, A2``, X is (2, m) and Y is (1, m). The function returns a dict with
    ``dW1, db1, dW2, db2`` and may add ``dZ1, dZ2``.

    Parameters
    ----------
    backward_propagation : callable

    Returns
    -------
    Report

    Examples
    --------
    The course's own formulas (deferred) pass, and the report names their convention:

    >>> import numpy as np
    >>> def backward_propagation(parameters, cache, X, Y):
    ...     m = X.shape[1]
    ...     dZ2 = cache["A2"] - Y
    ...     dW2 = 1 / m * np.dot(dZ2, cache["A1"].T)
    ...     db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    ...     dZ1 = np.dot(parameters["W2"].T, dZ2) * (1 - np.power(cache["A1"], 2))
    ...     dW1 = 1 / m * np.dot(dZ1, X.T)
    ...     db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    ...     return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2}
    >>> report = check_two_layer(backward_propagation)
    >>> report.ok, report.convention
    (True, 'deferred')
    """
    fn = _check_fn(backward_propagation)
    _check_arity(fn, "check_two_layer", "backward_propagation(parameters, cache, X, Y)", 4)
    prob = problem(TWO_LAYER, "tanh", "sigmoid")

    def make_args(m, _lambd):
        AL, caches = prob.forward[m]
        cache = {"Z1": caches[0][1], "A1": caches[1][0][0], "Z2": caches[1][1], "A2": AL}
        X, Y = prob.data[m]
        return {"parameters": _params(prob), "cache": cache, "X": X, "Y": Y}

    return _run(fn, prob, make_args, None)


def check_deep(L_model_backward, layers=DEEP) -> Report:
    """Check a course 1, week 4 backward pass: ``L_model_backward(AL, Y, caches)``.

    ReLU hidden layers, a sigmoid output, mean binary cross-entropy. ``caches[l-1]`` is
    ``((A_prev, W, b), Z)`` for layer l; the function returns ``dA{l-1}``, ``dW{l}``,
    ``db{l}`` for l = 1..L.

    Parameters
    ----------
    L_model_backward : callable
    layers : sequence of int
        ``(n_x, n_1, ..., n_L)``, at least two layers; the default is (5, 4, 3, 1).

    Returns
    -------
    Report

    Examples
    --------
    >>> def L_model_backward(AL, Y, caches):     # returns nothing useful
    ...     return None
    >>> report = check_deep(L_model_backward)
    >>> report.findings["call"].verdict
    'error'
    """
    fn = _check_fn(L_model_backward)
    layers = _check_layers(layers, 3)
    _check_arity(fn, "check_deep", "L_model_backward(AL, Y, caches)", 3)
    prob = problem(layers, "relu", "sigmoid")

    def make_args(m, _lambd):
        AL, caches = prob.forward[m]
        plain = [((A, W, b), Z) for (A, W, b), Z in caches]
        return {"AL": AL, "Y": prob.data[m][1], "caches": plain}

    return _run(fn, prob, make_args, None)


def check_three_layer(fn, lambd=None) -> Report:
    """Check course 2's three-layer backward pass, with or without L2.

    ``backward_propagation(X, Y, cache)``, or with ``lambd``
    ``backward_propagation_with_regularization(X, Y, cache, lambd)``; ``cache`` is the
    12-tuple ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)`` of LINEAR→RELU→LINEAR→RELU→
    LINEAR→SIGMOID. With L2 the function is called at λ and at 2λ, which tells the data term's
    factor from the penalty's.

    Parameters
    ----------
    fn : callable
    lambd : float >= 0, optional
        The L2 strength λ; None for a function without it.

    Returns
    -------
    Report

    Examples
    --------
    The L2 term written λ·W, without its 1/m:

    >>> import numpy as np
    >>> def backward_propagation_with_regularization(X, Y, cache, lambd):
    ...     m = X.shape[1]
    ...     (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    ...     dZ3 = A3 - Y
    ...     dW3 = 1. / m * np.dot(dZ3, A2.T) + lambd * W3
    ...     db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    ...     dZ2 = np.dot(W3.T, dZ3) * (A2 > 0)
    ...     dW2 = 1. / m * np.dot(dZ2, A1.T) + lambd * W2
    ...     db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    ...     dZ1 = np.dot(W2.T, dZ2) * (A1 > 0)
    ...     dW1 = 1. / m * np.dot(dZ1, X.T) + lambd * W1
    ...     db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)
    ...     return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}
    >>> report = check_three_layer(backward_propagation_with_regularization, lambd=0.7)
    >>> f = report.findings["dW3"]
    >>> f.verdict, f.part, f.power
    ('scaled', 'penalty', 1)
    """
    fn = _check_fn(fn)
    lambd = _check_lambd(lambd)
    _check_arity_lambd(fn, "check_three_layer", "fn(X, Y, cache", lambd)
    prob = problem(THREE_LAYER, "relu", "sigmoid")

    def make_args(m, lam):
        AL, caches = prob.forward[m]
        (X, W1, b1), Z1 = caches[0]
        (A1, W2, b2), Z2 = caches[1]
        (A2, W3, b3), Z3 = caches[2]
        cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, AL, W3, b3)
        args = {"X": X, "Y": prob.data[m][1], "cache": cache}
        return args if lam is None else {**args, "lambd": lam}

    return _run(fn, prob, make_args, lambd)


def check(fn, layers, hidden="relu", output="sigmoid", lambd=None) -> Report:
    """Check any backward pass that does its own forward pass: ``fn(params, X, Y)``.

    With ``lambd`` it is called as ``fn(params, X, Y, lambd)`` (at λ and 2λ). It returns a dict
    with any of ``dW{l}``, ``db{l}``, ``dZ{l}``, ``dA{l}``; the cost it differentiates is the
    mean of the output's canonical loss (binary cross-entropy for ``"sigmoid"``, cross-entropy
    over one-hot columns for ``"softmax"``, ½‖a − y‖² for ``"identity"``), plus
    ``(λ/(2m)) Σ‖W‖²`` with L2.

    Parameters
    ----------
    fn : callable
    layers : sequence of int
        ``(n_x, n_1, ..., n_L)``.
    hidden : {"relu", "tanh", "sigmoid", "leaky_relu"}
    output : {"sigmoid", "softmax", "identity"}
    lambd : float >= 0, optional

    Returns
    -------
    Report

    Examples
    --------
    A softmax network whose gradients come from the package itself, in the sum convention:

    >>> from npbackprop import network
    >>> def backward(params, X, Y):
    ...     return network.gradients(params, X, Y, hidden="tanh", output="softmax",
    ...                              convention="sum")
    >>> report = check(backward, layers=(3, 4, 3), hidden="tanh", output="softmax")
    >>> report.ok, report.convention, report.findings["dW1"].power
    (False, 'sum', 1)
    """
    fn = _check_fn(fn)
    layers = _check_layers(layers)
    check_choice(hidden, HIDDEN, "hidden activation")
    check_choice(output, OUTPUTS, "output activation")
    if output == "softmax" and layers[-1] < 2:
        raise ValueError(f"a softmax output needs at least 2 units; got layers {layers}")
    lambd = _check_lambd(lambd)
    _check_arity_lambd(fn, "check", "fn(params, X, Y", lambd)
    prob = problem(layers, hidden, output)

    def make_args(m, lam):
        X, Y = prob.data[m]
        args = {"params": _params(prob), "X": X, "Y": Y}
        return args if lam is None else {**args, "lambd": lam}

    return _run(fn, prob, make_args, lambd)
