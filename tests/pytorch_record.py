"""PyTorch's own outputs for the book: the cases, the record they write, and its check.

The book's build does not import PyTorch (its PyPI wheels are gigabytes on a reader's machine).
The pages that show PyTorch's results read them from ``docs/practice/pytorch-record.json``,
which this module writes. Each case builds its inputs from a seeded NumPy generator, runs them
through PyTorch 2.13.0 (the CPU build CI installs) and returns both, so that the page can
compute the same thing with ``npbackprop`` from the recorded inputs and compare.

``tests/test_pytorch_record.py`` runs every case live on each CI run and fails if an output
differs from the record, if a case is missing from it, or if the record was written by another
PyTorch. After changing a case, write the record again::

    make pytorch-record      # .venv/bin/python tests/pytorch_record.py
"""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "docs" / "practice" / "pytorch-record.json"
TORCH_VERSION = "2.13.0+cpu"  # the build .ci/run installs

#: name -> function returning {"inputs": {...}, "outputs": {...}}; filled by @case.
CASES: dict[str, Callable[[], dict]] = {}


def case(fn: Callable[[], dict]) -> Callable[[], dict]:
    """Register a case under its function's name."""
    CASES[fn.__name__] = fn
    return fn


def _np(t) -> np.ndarray:
    return t.detach().numpy().copy()


@case
def mean_and_sum():
    """A [3, 5, 1] tanh network with a sigmoid output and binary cross-entropy on N = 10
    examples as rows, differentiated by autograd with ``reduction="mean"`` and ``"sum"``: the
    gradient on the logits and on every parameter."""
    import torch

    F = torch.nn.functional  # noqa: N806 (the name PyTorch code uses)

    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 3))  # (N, n_x): examples are rows
    Y = (rng.random((10, 1)) < 0.5).astype(float)
    params = {"W1": rng.normal(size=(5, 3)), "b1": rng.normal(size=5) * 0.1,
              "W2": rng.normal(size=(1, 5)), "b2": rng.normal(size=1) * 0.1}  # fmt: skip
    outputs = {}
    for reduction in ("mean", "sum"):
        t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
        A1 = torch.tanh(F.linear(torch.tensor(X), t["W1"], t["b1"]))
        Z2 = F.linear(A1, t["W2"], t["b2"])
        Z2.retain_grad()
        loss = F.binary_cross_entropy_with_logits(Z2, torch.tensor(Y), reduction=reduction)
        loss.backward()
        outputs[reduction] = {"loss": loss.item(), "dZ2": _np(Z2.grad)}
        outputs[reduction] |= {f"d{k}": _np(v.grad) for k, v in t.items()}
    return {"inputs": {"X": X, "Y": Y, **params}, "outputs": outputs}


@case
def cross_entropy_weight_ignore():
    """``cross_entropy`` with class weights and an ignored target, ``reduction="mean"``."""
    import torch

    F = torch.nn.functional  # noqa: N806 (the name PyTorch code uses)

    rng = np.random.default_rng(1)
    logits = rng.normal(size=(6, 3))
    targets = np.array([0, 2, 1, 2, -100, 0])  # -100 is the default ignore_index
    weight = np.array([0.2, 1.0, 3.0])
    z = torch.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(z, torch.tensor(targets), weight=torch.tensor(weight))
    loss.backward()
    plain = F.cross_entropy(torch.tensor(logits[targets >= 0]), torch.tensor(targets[targets >= 0]))
    return {
        "inputs": {"logits": logits, "targets": targets, "weight": weight},
        "outputs": {"loss": loss.item(), "dlogits": _np(z.grad), "unweighted": plain.item()},
    }


@case
def cross_entropy_spatial():
    """``cross_entropy`` on (N, C, d) logits, one class per example and position."""
    import torch

    F = torch.nn.functional  # noqa: N806 (the name PyTorch code uses)

    rng = np.random.default_rng(2)
    logits = rng.normal(size=(2, 3, 4))
    targets = rng.integers(0, 3, size=(2, 4))
    z = torch.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(z, torch.tensor(targets))
    loss.backward()
    return {
        "inputs": {"logits": logits, "targets": targets},
        "outputs": {"loss": loss.item(), "dlogits": _np(z.grad)},
    }


@case
def mse():
    """``mse_loss`` on (N, K) = (4, 3) outputs, ``reduction="mean"``."""
    import torch

    F = torch.nn.functional  # noqa: N806 (the name PyTorch code uses)

    rng = np.random.default_rng(3)
    outputs, targets = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    a = torch.tensor(outputs, requires_grad=True)
    loss = F.mse_loss(a, torch.tensor(targets))
    loss.backward()
    return {
        "inputs": {"outputs": outputs, "targets": targets},
        "outputs": {"loss": loss.item(), "doutputs": _np(a.grad)},
    }


@case
def sgd_weight_decay():
    """One ``torch.optim.SGD`` step with ``weight_decay`` from a given gradient."""
    import torch

    rng = np.random.default_rng(4)
    W, dW = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    lr, weight_decay = 0.5, 0.01
    w = torch.tensor(W, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr, weight_decay=weight_decay)
    w.grad = torch.tensor(dW)
    opt.step()
    return {
        "inputs": {"W": W, "dW": dW, "lr": lr, "weight_decay": weight_decay},
        "outputs": {"W_new": _np(w)},
    }


@case
def sgd_momentum():
    """Three ``torch.optim.SGD(momentum=0.9)`` steps from a given sequence of gradients."""
    import torch

    rng = np.random.default_rng(5)
    W, grads = rng.normal(size=(2, 2)), rng.normal(size=(3, 2, 2))
    lr, beta = 0.1, 0.9
    w = torch.tensor(W, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr, momentum=beta)
    after = []
    for dW in grads:
        w.grad = torch.tensor(dW)
        opt.step()
        after.append(_np(w))
    return {
        "inputs": {"W": W, "grads": grads, "lr": lr, "momentum": beta},
        "outputs": {"W_after": np.stack(after)},
    }


@case
def gradient_accumulation():
    """PyTorch's gradient-accumulation recipe: 4 micro-batches of 2, each mean loss divided by
    4, gradients accumulated by ``backward``; and the mean loss of the whole batch of 8."""
    import torch

    F = torch.nn.functional  # noqa: N806 (the name PyTorch code uses)

    rng = np.random.default_rng(6)
    X, y, W = rng.normal(size=(8, 3)), rng.normal(size=(8, 1)), rng.normal(size=(1, 3))
    steps = 4
    w = torch.tensor(W, requires_grad=True)
    for Xb, yb in zip(np.split(X, steps), np.split(y, steps), strict=True):
        loss = F.mse_loss(F.linear(torch.tensor(Xb), w), torch.tensor(yb)) / steps
        loss.backward()  # adds to w.grad
    accumulated = _np(w.grad)
    w.grad = None
    F.mse_loss(F.linear(torch.tensor(X), w), torch.tensor(y)).backward()
    return {
        "inputs": {"X": X, "y": y, "W": W, "steps": steps},
        "outputs": {"accumulated": accumulated, "whole_batch": _np(w.grad)},
    }


@case
def sum_then_divide():
    """d2l's earlier recipe for linear regression: ``l.sum().backward()`` on the squared loss
    ``(y_hat - y)**2 / 2``, then the gradient divided by the batch size in the optimizer; and
    ``l.mean().backward()`` as in its 1.0 edition."""
    import torch

    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(10, 2)), rng.normal(size=(10, 1))
    w0, b0 = rng.normal(size=(2, 1)), np.zeros(1)
    grads = {}
    for reduce in ("sum", "mean"):
        w, b = torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)
        l = (torch.tensor(X) @ w + b - torch.tensor(y)) ** 2 / 2
        getattr(l, reduce)().backward()
        grads[reduce] = {"dw": _np(w.grad), "db": _np(b.grad)}
    return {"inputs": {"X": X, "y": y, "w": w0, "b": b0}, "outputs": grads}


@case
def autocast_cpu():
    """Output dtypes under ``torch.autocast("cpu")`` (bfloat16 by default) for a linear layer
    and three losses; and ``torch.finfo`` of bfloat16 and float16."""
    import torch

    F = torch.nn.functional  # noqa: N806 (the name PyTorch code uses)

    rng = np.random.default_rng(8)
    x, w = torch.tensor(rng.normal(size=(4, 3)), dtype=torch.float32), torch.ones(2, 3)
    target = torch.tensor([0, 1, 1, 0])
    with torch.autocast("cpu"):
        z = F.linear(x, w)
        dtypes = {
            "autocast_dtype": torch.get_autocast_dtype("cpu"),
            "linear": z.dtype,
            "cross_entropy": F.cross_entropy(z, target).dtype,
            "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits(
                z, torch.zeros(4, 2)
            ).dtype,
            "mse_loss": F.mse_loss(z, torch.zeros(4, 2)).dtype,
        }
    finfo = {
        str(d).removeprefix("torch."): {
            "max": float(torch.finfo(d).max),
            "tiny": float(torch.finfo(d).tiny),
            "eps": float(torch.finfo(d).eps),
        }
        for d in (torch.bfloat16, torch.float16)
    }
    named = {k: str(v).removeprefix("torch.") for k, v in dtypes.items()}
    return {"inputs": {}, "outputs": {"dtypes": named, "finfo": finfo}}


def run_case(name: str) -> dict:
    """One case, run now, as record data: ``{"inputs": ..., "outputs": ...}``."""
    from npbackprop._book import to_record

    return to_record(CASES[name]())


def run_all() -> dict:
    """Every case, run now."""
    return {name: run_case(name) for name in CASES}


def write(path: Path = RECORD) -> None:
    import torch

    if torch.__version__ != TORCH_VERSION:
        sys.exit(f"the record is written with torch {TORCH_VERSION}; this is {torch.__version__}")
    record = {
        "torch": torch.__version__,
        "date": datetime.date.today().isoformat(),
        "cases": run_all(),
    }
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}: {len(CASES)} cases, torch {torch.__version__}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    write()
