"""The engine behind :mod:`npbackprop.network`, :mod:`npbackprop.training` and
:mod:`npbackprop.gradcheck`: one validated :class:`Settings` object, and unchecked, keyword-only
functions with one job each.

This is the package's one internal module that other modules import private machinery from.
The public entry points (``network.forward``, ``backward``, ``gradients``, ``cost``,
``training.train``, ``gradcheck.check_network``) validate their input once, with
:meth:`Settings.checked` and :func:`check_XY`, and then call:

* :func:`forward_pass` and :func:`backward_pass`, the whole network's two passes;
* :func:`linear_grads`, one layer's linear step (shared with the course's step functions);
* :func:`cost_from_logits` and :func:`l2_term`, the cost of a forward pass;
* :func:`training_step`, the fast step that ``training.train`` and ``make bench`` run: a lean
  forward pass (A[l] kept instead of Z[l], arrays reused across steps), the cost, and a
  backward pass that frees the cache as it goes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from npbackprop import conventions
from npbackprop._validate import (
    as_array,
    as_targets,
    check_bool,
    check_choice,
    check_nonnegative,
    check_params,
    check_probability,
    check_seed,
    check_shape,
)
from npbackprop.activations import ACTIVATIONS, HIDDEN, OUTPUTS
from npbackprop.losses import PAIRS


@dataclass(frozen=True)
class Settings:
    """The validated settings of a forward and backward pass, made once per public call.

    Attributes
    ----------
    hidden, output : str
        The hidden activation and the output activation (which fixes the loss).
    convention : {"deferred", "absorbed", "sum"}
    lambd : float
        L2 strength λ ≥ 0.
    keep_prob : float in (0, 1]
    seed : int, numpy.random.Generator or None
        The dropout masks' source.
    fused : bool
        The output gradient from ``A - Y`` (True) or through ``dA[L]`` and ``g'(Z[L])``.
    """

    hidden: str = "relu"
    output: str = "sigmoid"
    convention: str = "deferred"
    lambd: float = 0.0
    keep_prob: float = 1.0
    seed: object = None
    fused: bool = True

    @classmethod
    def checked(
        cls,
        *,
        hidden="relu",
        output="sigmoid",
        convention="deferred",
        lambd=0.0,
        keep_prob=1.0,
        seed=None,
        fused=True,
    ) -> Settings:
        """Validate every setting (each error names its argument) and return the object."""
        check_choice(hidden, HIDDEN, "hidden activation")
        check_choice(output, OUTPUTS, "output activation")
        conventions.check_convention(convention)
        return cls(
            hidden=hidden,
            output=output,
            convention=convention,
            lambd=check_nonnegative(lambd, "lambd"),
            keep_prob=check_probability(keep_prob, "keep_prob"),
            seed=check_seed(seed),
            fused=check_bool(fused, "fused"),
        )


def linear_grads(dZ, A_prev, W, *, s_W, want_dA, out=None):
    """The linear step, unchecked: ``dA_prev, dW, db`` from ``dZ`` (what
    :func:`npbackprop.layers.linear_backward` and :func:`backward_pass` share).

    ``s_W`` is the convention's factor on dW and db (1/m in deferred, else 1); ``want_dA``
    False skips ``dA_prev`` (returned as None).

    ``out``, if given, is an (n_prev, m) array whose memory receives ``dA_prev``.
    """
    # dW and db first: out may be A_prev's own memory (a lean backward pass).
    dW = dZ @ A_prev.T  # (n_l, m) @ (m, n_prev) -> (n_l, n_prev)
    db = dZ.sum(axis=1, keepdims=True, dtype=dW.dtype)  # (n_l, 1), in dW's dtype
    if s_W != 1:
        # 1/m is applied here, once, in place: dZ is per-example in the deferred convention.
        dW *= s_W
        db *= s_W
    if not want_dA:
        return None, dW, db
    if W.shape[0] == 1:
        # One unit: Wᵀ dZ is an outer product, which broadcasting computes several times faster
        # than a BLAS product with inner dimension 1.
        return np.multiply(W.T, dZ, out=out), dW, db
    return np.matmul(W.T, dZ, out=out), dW, db  # (n_prev, n_l) @ (n_l, m) -> (n_prev, m)


class ForwardCache(list):
    """What :func:`forward` keeps for :func:`backward`.

    A list of per-layer caches ``(linear_cache, Z)`` with ``linear_cache = (A_prev, W, b)``,
    layer 1 first — the course's ``caches`` — plus the settings of the pass: ``hidden``,
    ``output``, ``keep_prob`` and the dropout masks ``masks[l-1]`` of hidden layer ``l``
    (``None`` without dropout), so that backward cannot be run with other activations than
    forward used.
    """

    def __init__(
        self, layers, *, hidden, output, keep_prob, masks, AL, lean=False, exp_neg_abs=None
    ):
        super().__init__(layers)
        # lean (training and network.gradients, never returned to a user): hidden layers hold
        # A[l] in the place of Z[l], and backward_pass consumes the cache.
        self.lean = lean
        self.hidden = hidden
        self.output = output
        self.keep_prob = keep_prob
        self.masks = masks
        self.AL = AL  # the pass's output: backward checks that it is given this one
        self.exp_neg_abs = exp_neg_abs  # lean, sigmoid output: e^{-|Z[L]|}, for the cost
        # A copy of AL made by the public forward (None in training): backward compares the AL
        # it is given with it, so an in-place edit of the returned AL cannot go unnoticed.
        self.AL_copy = None


def check_XY(X, Y, params, *, with_targets=True):
    """Validate X, Y and params together; return them as checked arrays (Y only if
    ``with_targets``)."""
    X = as_array(X, "X")
    dims, params = check_params(params, n_x=X.shape[0])
    if with_targets:
        Y = as_targets(Y, np.result_type(X, *params.values()))
        check_shape(Y, (dims[-1], X.shape[1]), "Y", "(n_L, m): n_L from the last W, m from X")
    return X, Y, params


def product(W, A, *, workspace, l):
    """``W @ A``, into ``workspace[l]`` when given (training reuses one array per layer from
    step to step: a fresh large array costs the kernel a page fault per 4 KiB page)."""
    if workspace is None:
        return W @ A
    shape, dtype = (W.shape[0], A.shape[1]), np.result_type(W, A)
    Z = workspace.get(l)
    if Z is None or Z.shape != shape or Z.dtype != dtype:
        Z = workspace[l] = np.empty(shape, dtype)
    return np.matmul(W, A, out=Z)


def forward_pass(
    X, params, *, hidden, output, keep_prob=1.0, seed=None, lean=False, workspace=None
):
    """Forward propagation, unchecked: ``(AL, ForwardCache)``.

    ``seed`` draws the dropout masks (``keep_prob < 1``). ``lean`` (training and
    ``network.gradients``, which never hand the cache out): keep A[l] in the place of Z[l] for
    hidden layers, for a backward pass that consumes the cache (ignored with dropout).
    ``workspace``: a dict that training passes to every step (see :func:`product`); the caches
    of one step are then overwritten by the next, so no caller may keep them.
    """
    L = len(params) // 2
    rng = np.random.default_rng(seed) if keep_prob < 1 else None
    # Lean pass (training.train and network.gradients, no dropout): backward needs A[l] but
    # not Z[l], since every hidden g'(Z[l]) can be computed from A[l]; so the cache keeps one
    # (n_l, m) array per hidden layer instead of two, and ReLU computes A[l] into Z[l]'s own
    # memory.
    lean = lean and rng is None
    layers, masks = [], []
    exp_neg_abs = None
    A = X
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        Z = product(W, A, workspace=workspace, l=l)  # (n_l, n_prev) @ (n_prev, m) -> (n_l, m)
        if np.can_cast(b.dtype, Z.dtype, "safe"):
            Z += b  # in place: one (n_l, m) temporary fewer
        else:
            Z = Z + b  # b is wider (e.g. float64 b, float32 W): promote, never round b
        if lean and l < L:
            g = ACTIVATIONS[hidden]
            A_l = g.in_place(Z) if g.in_place else g.forward(Z)
            layers.append(((A, W, b), A_l))  # A[l] in the Z slot (Z[l] is freed unless reused)
            A = A_l
            masks.append(None)
            continue
        layers.append(((A, W, b), Z))
        if lean and ACTIVATIONS[output].forward_with_exp:
            # e^{-|Z[L]|} serves the sigmoid here and the cost (cost_from_logits): one exp.
            A, exp_neg_abs = ACTIVATIONS[output].forward_with_exp(Z)
            masks.append(None)
            continue
        A = ACTIVATIONS[output if l == L else hidden].forward(Z)
        if l < L and rng is not None:
            D = rng.random(A.shape) < keep_prob
            A = A * D
            A *= 1 / keep_prob  # inverted dropout: scale at train time, not at test time
            masks.append(D)
        else:
            masks.append(None)
    caches = ForwardCache(
        layers, hidden=hidden, output=output, keep_prob=keep_prob, masks=masks, AL=A, lean=lean,
        exp_neg_abs=exp_neg_abs,
    )  # fmt: skip
    return A, caches


def backward_pass(
    AL, Y, caches, *, convention, fused=True, lambd=0.0, return_dA0=False, keep_intermediate=True
):
    """Backward propagation, unchecked: the gradients dict of :func:`npbackprop.network.backward`.

    ``keep_intermediate`` False returns only ``dW{l}``, ``db{l}`` (and ``dA0``), so each
    layer's ``dZ`` can be freed as soon as it is used. A lean cache (``forward_pass(...,
    lean=True)``) is consumed: its ``A[l]`` arrays receive ``dA[l]``, so only a caller that
    never hands the cache out may make one.
    """
    L = len(caches)
    m = AL.shape[1]
    # s_Z: 1/m lives here in "absorbed" only; s_W: ... and here in "deferred" only
    s_Z, s_W, l2 = conventions.scales(convention, m, lambd)
    loss_dA = PAIRS[caches.output].loss_dA
    grads = {}

    ZL = caches[-1][1]
    if fused:
        dZ = AL - Y  # canonical pair: ∂L⁽ⁱ⁾/∂z⁽ⁱ⁾ = a⁽ⁱ⁾ - y⁽ⁱ⁾, finite for any output
        if s_Z != 1:
            dZ *= s_Z
        if keep_intermediate:
            # reported only, never used: ±inf or NaN where it saturates, without a warning
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                grads[f"dA{L}"] = s_Z * loss_dA(AL, Y)
    else:
        dA = s_Z * loss_dA(AL, Y)  # the course's dAL, then through g'(Z[L])
        dZ = ACTIVATIONS[caches.output].backward(dA, ZL)  # softmax: a Jacobian, not g'(Z)
        if keep_intermediate:
            grads[f"dA{L}"] = dA

    lean = caches.lean  # from training and network.gradients, which own the cache
    for l in range(L, 0, -1):
        # lean: pop each layer's cache once it is used, so its arrays are freed as we go
        (A_prev, W, _), _ = caches.pop() if lean else caches[l - 1]
        if keep_intermediate:
            grads[f"dZ{l}"] = dZ
        want_dA = l > 1 or return_dA0
        out = None
        if lean and l > 1:
            # This is the last use of A[l-1]: take g'(Z[l-1]) from it, then let its memory
            # receive dA[l-1] (the forward pass made it; dW reads it before it is overwritten).
            g_prime = ACTIVATIONS[caches.hidden].derivative_of_output(A_prev)
            out = A_prev if A_prev.dtype == np.result_type(W, dZ) else None  # never round dA
        dA_prev, dW, db = linear_grads(dZ, A_prev, W, s_W=s_W, want_dA=want_dA, out=out)
        if lambd:
            dW += l2 * W  # the gradient of the L2 term: (λ/m) W, or λ W for "sum"
        grads[f"dW{l}"], grads[f"db{l}"] = dW, db
        if l == 1:
            if return_dA0:
                grads["dA0"] = dA_prev
            break
        if lean:
            if keep_intermediate:  # network.gradients: dA[l-1] is returned, dZ[l-1] is new
                grads[f"dA{l - 1}"] = dA_prev
                dZ = dA_prev * g_prime
            else:  # training: dA[l-1] is not needed again, so dZ takes its memory
                dZ = np.multiply(dA_prev, g_prime, out=dA_prev)  # dA ⊙ g'(Z), in place
            continue
        D = caches.masks[l - 2]
        if D is not None:
            dA_prev *= D  # in place: dA_prev is a fresh array from W.T @ dZ
            dA_prev *= 1 / caches.keep_prob  # the same 1/keep_prob as the forward pass
        if keep_intermediate:
            grads[f"dA{l - 1}"] = dA_prev
        dZ = ACTIVATIONS[caches.hidden].backward(dA_prev, caches[l - 2][1])
    return grads


def l2_term(params, *, lambd, m, reduction):
    """The L2 part of the cost: λ/(2m) Σ‖W‖² (mean) or λ/2 Σ‖W‖² (sum), summed in float64."""
    if not lambd:
        return 0.0
    total = sum(float(np.sum(W * W, dtype=np.float64)) for k, W in params.items() if k[0] == "W")
    # mean: λ/(2m) Σ‖W‖²; sum: m times that, λ/2 Σ‖W‖² (the "sum" cost is m × the mean cost)
    return lambd / 2 * total / (m if reduction == "mean" else 1)


def cost_from_logits(caches, Y, params, *, lambd, reduction):
    """The cost of the forward pass that made ``caches``, from its logits Z[L] (no log 0)."""
    m = Y.shape[1]
    ZL = caches[-1][1]
    if caches.exp_neg_abs is not None:
        # the forward pass's e^{-|Z[L]|}
        losses = PAIRS[caches.output].loss_from_logits(ZL, Y, caches.exp_neg_abs)
    else:
        losses = PAIRS[caches.output].loss_from_logits(ZL, Y)
    # Σᵢ L⁽ⁱ⁾ accumulated in float64 (a float16 sum overflows at 65504)
    total = float(np.sum(losses, dtype=np.float64))
    data = total / m if reduction == "mean" else total
    return data + l2_term(params, lambd=lambd, m=m, reduction=reduction)


def training_step(X, Y, params, *, settings, lambd, rng, workspace) -> tuple[float, dict]:
    """One training step's computation, unchecked: ``(J, grads)`` on the batch ``(X, Y)``.

    A lean forward pass (dropout masks from ``rng``; each layer's Z array taken from
    ``workspace`` and reused step after step), the mean cost with the L2 strength ``lambd``
    (the caller scales it to the batch), and a backward pass in ``settings.convention`` that
    frees the cache as it goes and returns only ``dW{l}`` and ``db{l}``. What
    :func:`npbackprop.training.train` runs at every step and ``make bench`` times.
    """
    AL, caches = forward_pass(
        X, params, hidden=settings.hidden, output=settings.output,
        keep_prob=settings.keep_prob, seed=rng, lean=True, workspace=workspace,
    )  # fmt: skip
    J = cost_from_logits(caches, Y, params, lambd=lambd, reduction="mean")
    grads = backward_pass(
        AL, Y, caches, convention=settings.convention, fused=settings.fused, lambd=lambd,
        keep_intermediate=False,
    )  # fmt: skip
    return J, grads
