"""The training step's memory savings (issue 7) change no number.

``training.train`` runs ``_engine.training_step``: ``forward_pass(..., lean=True, workspace)``
and ``backward_pass`` on that cache: hidden layers keep A[l] and not Z[l] (g'(Z) is taken
from A; ReLU works in Z's own memory), backward frees the cache as it goes and writes dA[l-1]
into A[l-1]'s memory, and every step reuses one Z array per layer. These tests hold
that path to autograd (tests/helpers.py, not the package) and to the plain path, and check
that it touches nothing it does not own.
"""

import itertools

import numpy as np
import pytest

from npbackprop import _engine, network

from helpers import CONVENTIONS, HIDDEN, assert_close, make_problem, reference_gradients


def lean_step(params, X, Y, convention, lambd=0.0, workspace=None, output="sigmoid", hidden="relu"):
    AL, caches = _engine.forward_pass(
        X, params, hidden=hidden, output=output, lean=True, workspace=workspace
    )
    assert caches.lean
    return _engine.backward_pass(
        AL, Y, caches, convention=convention, lambd=lambd, keep_intermediate=False
    )


@pytest.mark.parametrize(
    ("dims", "hidden", "convention", "lambd", "output"),
    list(
        itertools.product(
            [(3,), (3, 5, 4), (2, 6, 1, 3)],
            HIDDEN,
            CONVENTIONS,
            [0.0, 0.7],
            ["sigmoid", "softmax", "identity"],
        )
    ),
)
def test_lean_step_matches_autograd(dims, hidden, convention, lambd, output):
    params, X, Y = make_problem(hidden, output, dims=dims, m=7, seed=len(dims))
    ref = reference_gradients(
        params, X, Y, hidden=hidden, output=output, convention=convention, lambd=lambd
    )
    grads = lean_step(params, X, Y, convention, lambd, {}, output, hidden)
    assert sorted(grads) == sorted(k for k in ref if k[:2] in ("dW", "db"))
    for key, value in grads.items():
        assert_close(value, ref[key], f"{key} ({convention}, lean)", rtol=1e-10)


@pytest.mark.parametrize(
    ("hidden", "dtype"), list(itertools.product(HIDDEN, [np.float64, np.float32]))
)
def test_lean_step_equals_the_plain_step_exactly(hidden, dtype):
    """Same operations on the same numbers: bit-for-bit the gradients of the plain forward and
    backward (network.gradients runs the lean pass itself, so it is not the reference)."""
    params, X, Y = make_problem(hidden, "sigmoid", dims=(4, 8, 6), m=33, dtype=dtype)
    AL, caches = network.forward(X, params, hidden=hidden, output="sigmoid")
    plain = network.backward(AL, Y, caches)
    lean = lean_step(params, X, Y, "deferred", workspace={}, hidden=hidden)
    for key, value in lean.items():
        assert value.dtype == dtype, key
        np.testing.assert_array_equal(value, plain[key], err_msg=key)


def test_lean_step_leaves_inputs_alone_and_workspace_survives_batch_sizes():
    params, X, Y = make_problem("relu", "sigmoid", dims=(3, 5, 4), m=12, seed=3)
    before = {k: v.copy() for k, v in params.items()}
    X0, Y0 = X.copy(), Y.copy()
    workspace = {}
    first = lean_step(params, X, Y, "absorbed", workspace=workspace)
    kept = {k: v.copy() for k, v in first.items()}
    assert workspace, "the workspace should hold the layers' Z arrays"
    # a smaller last mini-batch, then the full batch again: new shapes, then reuse
    part = lean_step(params, X[:, :5], Y[:, :5], "absorbed", workspace=workspace)
    again = lean_step(params, X, Y, "absorbed", workspace=workspace)
    ref_part = reference_gradients(
        params, X[:, :5], Y[:, :5], hidden="relu", output="sigmoid", convention="absorbed"
    )
    for key in first:
        np.testing.assert_array_equal(first[key], kept[key], err_msg=f"{key} was overwritten")
        np.testing.assert_array_equal(again[key], first[key], err_msg=key)
        assert_close(part[key], ref_part[key], key, rtol=1e-10)
    for key, value in before.items():
        np.testing.assert_array_equal(params[key], value, err_msg=key)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)


def test_dropout_and_the_public_forward_keep_the_plain_cache():
    """With dropout the dropped-out copy of A differs from g(Z): the plain path is taken."""
    params, X, _ = make_problem("relu", "sigmoid", dims=(3, 4))
    for hidden in HIDDEN:
        _, caches = _engine.forward_pass(
            X,
            params,
            hidden=hidden,
            output="sigmoid",
            keep_prob=0.8,
            seed=0,
            lean=True,
            workspace={},
        )
        assert not caches.lean, hidden
    _, caches = _engine.forward_pass(
        X,
        params,
        hidden="relu",
        output="sigmoid",
        keep_prob=1.0,
        seed=None,
        lean=False,
        workspace=None,
    )
    assert not caches.lean  # network.forward's cache keeps Z, as the course's does


def test_lean_step_with_mixed_dtypes_never_rounds_dA():
    """float32 first layer, float64 second: dA[1] is float64 and must not be written into
    the float32 memory of A[1]."""
    params, X, Y = make_problem("relu", "sigmoid", dims=(3, 6), m=9, seed=5)
    params = {**params, "W1": params["W1"].astype(np.float32), "b1": params["b1"]}
    params["b1"] = params["b1"].astype(np.float32)
    X = X.astype(np.float32)
    ref = reference_gradients(params, X, Y, hidden="relu", output="sigmoid", convention="deferred")
    grads = lean_step(params, X, Y, "deferred", workspace={})
    for key in ("dW2", "db2"):
        assert_close(grads[key], ref[key], key, rtol=1e-10)
    plain = network.gradients(params, X, Y, hidden="relu", output="sigmoid")
    for key in grads:
        np.testing.assert_array_equal(grads[key], plain[key], err_msg=key)


@pytest.mark.parametrize(
    ("output", "dtype"),
    list(itertools.product(["sigmoid", "softmax", "identity"], [np.float64, np.float32])),
)
def test_the_training_cost_equals_the_public_cost_exactly(output, dtype):
    """With a sigmoid output the lean pass keeps e^{-|Z[L]|} for the cost (one exp, not two):
    the cost it gives is still exactly network.cost, and it is not kept for other outputs."""
    params, X, Y = make_problem("tanh", output, dims=(4, 5, 3), m=17, dtype=dtype)
    _, caches = _engine.forward_pass(
        X, params, hidden="tanh", output=output, keep_prob=1.0, seed=None, lean=True, workspace={}
    )
    assert (caches.exp_neg_abs is not None) == (output == "sigmoid")
    lean = _engine.cost_from_logits(caches, Y, params, lambd=0.3, reduction="mean")
    assert lean == network.cost(params, X, Y, hidden="tanh", output=output, lambd=0.3)


@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
def test_the_lean_cache_has_one_mask_entry_per_layer(output):
    params, X, _ = make_problem("relu", output, dims=(3, 4))
    _, caches = _engine.forward_pass(
        X, params, hidden="relu", output=output, keep_prob=1.0, seed=None, lean=True, workspace={}
    )
    assert caches.masks == [None] * len(caches)


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid", "leaky_relu"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
def test_gradients_lean_pass_returns_what_forward_and_backward_return(hidden, output):
    """network.gradients runs the lean pass (A[l] in Z[l]'s place, dA[l] in A[l]'s memory);
    every array it returns equals the plain forward + backward's, and no two share memory."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3, 7))
    Y = {
        "sigmoid": (rng.random((2, 7)) < 0.5).astype(float),
        "softmax": np.eye(2)[:, rng.integers(0, 2, 7)],
        "identity": rng.normal(size=(2, 7)),
    }[output]
    params = network.init_params([3, 5, 4, 2], seed=2)
    for convention in ("deferred", "absorbed", "sum"):
        kw = {"convention": convention, "lambd": 0.3}
        lean = network.gradients(params, X, Y, hidden=hidden, output=output, **kw)
        AL, caches = network.forward(X, params, hidden=hidden, output=output)
        plain = network.backward(AL, Y, caches, **kw)
        assert lean.keys() == plain.keys()
        for k in plain:
            np.testing.assert_allclose(lean[k], plain[k], rtol=1e-13, atol=1e-15, err_msg=k)
        arrays = list(lean.values())
        for i, a in enumerate(arrays):
            for b in arrays[i + 1 :]:
                assert not np.shares_memory(a, b)
