"""npbackprop.network: gradients against finite differences, the course's step functions,
dropout, the fused and unfused output, dtypes, and inputs left untouched."""

import copy
import itertools

import numpy as np
import pytest

from npbackprop import network

from helpers import CONVENTIONS, HIDDEN, OUTPUTS, REDUCTION, assert_close, make_problem

GRID = list(itertools.product(HIDDEN, OUTPUTS, CONVENTIONS, [0.0, 0.7], [True, False]))


def centred_differences(f, x, eps=1e-6):
    """Centred differences of f at x, written here so the package checks nothing of itself."""
    x = np.array(x, dtype=np.float64)
    g = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        keep = x[j]
        x[j] = keep + eps
        up = f(x)
        x[j] = keep - eps
        down = f(x)
        x[j] = keep
        g[j] = (up - down) / (2 * eps)
    return g


def rel_err(a, b):
    """The course's relative error ‖a − b‖ / (‖a‖ + ‖b‖)."""
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def fd_gradients(params, X, Y, *, reduction, **settings):
    out = {}
    for name in params:

        def f(value, name=name):
            trial = {**params, name: value}
            return network.cost(trial, X, Y, reduction=reduction, **settings)

        out[f"d{name}"] = centred_differences(f, params[name])
    return out


@pytest.mark.verifies("eq-l2-grad", "eq-l2-sum")
@pytest.mark.parametrize(("hidden", "output", "convention", "lambd", "fused"), GRID)
def test_gradients_match_finite_differences(hidden, output, convention, lambd, fused):
    params, X, Y = make_problem(hidden, output, seed=1)
    grads = network.gradients(
        params, X, Y, hidden=hidden, output=output, convention=convention, lambd=lambd, fused=fused
    )
    numeric = fd_gradients(
        params, X, Y, reduction=REDUCTION[convention], hidden=hidden, output=output, lambd=lambd
    )
    for key, expected in numeric.items():
        err = rel_err(grads[key], expected)
        assert err < 1e-7, f"{key}: relative error {err:.2e} ({hidden}/{output}/{convention})"


@pytest.mark.verifies("eq-dropout-forward", "eq-dropout-backward")
@pytest.mark.parametrize(("hidden", "output"), list(itertools.product(HIDDEN, OUTPUTS)))
@pytest.mark.parametrize("convention", CONVENTIONS)
def test_dropout_gradients_match_finite_differences(hidden, output, convention):
    params, X, Y = make_problem(hidden, output, dims=(3, 6, 5), m=6, seed=2)
    settings = dict(hidden=hidden, output=output, lambd=0.3, keep_prob=0.6, seed=11)
    grads = network.gradients(params, X, Y, convention=convention, **settings)
    numeric = fd_gradients(params, X, Y, reduction=REDUCTION[convention], **settings)
    for key, expected in numeric.items():
        assert rel_err(grads[key], expected) < 1e-7, key


@pytest.mark.verifies("eq-dropout-forward")
def test_dropout_masks_are_seeded_and_inverted():
    params, X, _ = make_problem("relu", "sigmoid", dims=(3, 400, 300), m=50, seed=0)
    _, c1 = network.forward(X, params, keep_prob=0.8, seed=5)
    _, c2 = network.forward(X, params, keep_prob=0.8, seed=5)
    _, c3 = network.forward(X, params, keep_prob=0.8, seed=6)
    D1, D2 = c1.masks[0], c2.masks[0]
    assert np.array_equal(D1, D2)
    assert not np.array_equal(D1, c3.masks[0])
    assert c1.masks[-1] is None  # never on the output layer
    # about keep_prob of the units are kept: 400*50 Bernoulli(0.8) draws, 5 standard deviations
    assert abs(D1.mean() - 0.8) < 5 * np.sqrt(0.8 * 0.2 / D1.size)
    # kept units are scaled by 1/keep_prob, dropped ones are 0: A_next_input = A ⊙ D / 0.8
    A1 = np.maximum(c1[0][1], 0)
    assert_close(c1[1][0][0], A1 * D1 / 0.8, "dropped-out A1")
    _, no_dropout = network.forward(X, params)
    assert all(D is None for D in no_dropout.masks)


def test_step_functions_rebuild_the_course_backward():
    """The course's L_model_backward, assembled from our step functions and cache layout."""
    params, X, Y = make_problem("relu", "sigmoid", dims=(4, 5, 3), n_y=1, m=7, seed=3)
    AL, caches = network.forward(X, params, hidden="relu", output="sigmoid")
    for convention in CONVENTIONS:
        m = X.shape[1]
        scale = 1 / m if convention == "absorbed" else 1.0
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)) * scale
        grads = {}
        L = len(caches)
        dA, dW, db = network.linear_activation_backward(dAL, caches[L - 1], "sigmoid", convention)
        grads[f"dW{L}"], grads[f"db{L}"] = dW, db
        for l in reversed(range(1, L)):
            dA, dW, db = network.linear_activation_backward(dA, caches[l - 1], "relu", convention)
            grads[f"dW{l}"], grads[f"db{l}"] = dW, db
        expected = network.backward(AL, Y, caches, convention=convention, fused=False)
        for key, value in grads.items():
            assert_close(value, expected[key], f"{convention} {key}")


def test_linear_forward_and_backward_by_hand():
    A_prev = np.array([[1.0, 2.0], [0.0, -1.0]])  # n_prev = 2, m = 2
    W = np.array([[1.0, 1.0], [2.0, 0.0], [0.0, 3.0]])
    b = np.array([[0.0], [1.0], [-1.0]])
    Z, cache = network.linear_forward(A_prev, W, b)
    np.testing.assert_array_equal(Z, [[1.0, 1.0], [3.0, 5.0], [-1.0, -4.0]])
    assert cache[0] is A_prev
    assert cache[1] is W
    assert cache[2] is b
    dZ = np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 4.0]])
    dA_prev, dW, db = network.linear_backward(dZ, cache, "deferred")
    # dZ A_prevᵀ = [[1·1 - 1·2, 0 + 1], [2, 0], [8, -4]]; halved for m = 2
    np.testing.assert_allclose(dW, [[-0.5, 0.5], [1.0, 0.0], [4.0, -2.0]])
    np.testing.assert_allclose(db, [[0.0], [1.0], [2.0]])
    np.testing.assert_allclose(dA_prev, [[5.0, -1.0], [1.0, 11.0]])  # Wᵀ dZ, no 1/m
    _, dW_sum, db_sum = network.linear_backward(dZ, cache, "sum")
    np.testing.assert_allclose(dW_sum, 2 * dW)
    np.testing.assert_allclose(db_sum, 2 * db)


@pytest.mark.verifies("eq-unfused")
@pytest.mark.parametrize("output", OUTPUTS)
def test_fused_and_unfused_agree_away_from_saturation(output):
    params, X, Y = make_problem("tanh", output, seed=4)
    for convention in CONVENTIONS:
        a = network.gradients(params, X, Y, hidden="tanh", output=output, convention=convention)
        b = network.gradients(
            params, X, Y, hidden="tanh", output=output, convention=convention, fused=False
        )
        assert a.keys() == b.keys()
        for key in a:
            assert_close(a[key], b[key], f"{output} {convention} {key}", rtol=1e-10)


@pytest.mark.verifies("eq-unfused")
@pytest.mark.parametrize(("dtype", "z"), [(np.float64, 40.0), (np.float32, 20.0)])
def test_unfused_output_gives_nan_at_saturation_and_fused_stays_finite(dtype, z):
    """Documented behaviour: σ(z) rounds to 1, so dA = 1/(1 - A) = inf and dA·σ'(Z) = inf·0."""
    params = {"W1": np.array([[1.0]], dtype=dtype), "b1": np.zeros((1, 1), dtype=dtype)}
    X = np.array([[z, z, 0.5]], dtype=dtype)
    Y = np.array([[0.0, 1.0, 1.0]], dtype=dtype)  # wrong and saturated, right and saturated, fine
    with pytest.warns(RuntimeWarning):
        unfused = network.gradients(params, X, Y, output="sigmoid", fused=False)
    assert np.isnan(unfused["dZ1"][0, :2]).all()
    assert np.isfinite(unfused["dZ1"][0, 2])
    assert np.isnan(unfused["dW1"]).all()  # one NaN poisons the whole sum over examples
    fused = network.gradients(params, X, Y, output="sigmoid")
    assert all(np.isfinite(fused[k]).all() for k in ("dZ1", "dW1", "db1"))
    np.testing.assert_allclose(fused["dZ1"], [[1.0, 0.0, 1 / (1 + np.exp(-0.5)) - 1]], rtol=1e-6)
    assert not np.isfinite(fused["dA1"][0, 0])  # reported, unused, and documented as such


def test_unfused_softmax_gives_nan_when_a_probability_underflows():
    params = {"W1": np.array([[1.0], [-1.0]]), "b1": np.zeros((2, 1))}
    X = np.array([[400.0]])  # softmax([400, -400]) = [1, 0]: exp(-800) underflows to 0
    Y = np.array([[0.0], [1.0]])
    with pytest.warns(RuntimeWarning):
        unfused = network.gradients(params, X, Y, output="softmax", fused=False)
    assert not np.isfinite(unfused["dZ1"]).all()
    fused = network.gradients(params, X, Y, output="softmax")
    np.testing.assert_array_equal(fused["dZ1"], [[1.0], [-1.0]])


@pytest.mark.parametrize("output", OUTPUTS)
def test_float32_in_gives_float32_out(output):
    params, X, Y = make_problem("relu", output, dtype=np.float32)
    Y_int = Y.astype(np.int64) if output != "identity" else Y
    AL, caches = network.forward(X, params, output=output)
    assert AL.dtype == np.float32
    assert all(c[1].dtype == np.float32 for c in caches)
    for convention in CONVENTIONS:
        for fused in (True, False):
            grads = network.gradients(
                params, X, Y_int, output=output, convention=convention, fused=fused, lambd=0.1
            )
            bad = {k: v.dtype for k, v in grads.items() if v.dtype != np.float32}
            assert not bad, f"{convention} fused={fused}: {bad}"
    assert isinstance(network.cost(params, X, Y_int, output=output), float)


def test_float32_gradients_are_close_to_float64():
    p64, X64, Y = make_problem("tanh", "softmax", seed=5)
    p32 = {k: v.astype(np.float32) for k, v in p64.items()}
    g64 = network.gradients(p64, X64, Y, hidden="tanh", output="softmax")
    g32 = network.gradients(p32, X64.astype(np.float32), Y, hidden="tanh", output="softmax")
    for key in g64:
        assert_close(g32[key], g64[key], key, rtol=1e-5)


def test_no_input_is_modified():
    params, X, Y = make_problem("leaky_relu", "softmax", seed=6)
    before = copy.deepcopy((params, X, Y))
    kw = dict(hidden="leaky_relu", output="softmax")
    grads = network.gradients(params, X, Y, lambd=0.5, keep_prob=0.7, seed=1, **kw)
    network.gradients(params, X, Y, fused=False, convention="absorbed", **kw)
    network.cost(params, X, Y, lambd=0.5, **kw)
    AL, caches = network.forward(X, params, keep_prob=0.5, seed=3, **kw)
    caches_before = copy.deepcopy(list(caches))
    AL_before = AL.copy()
    network.backward(AL, Y, caches, convention="sum", lambd=0.1, return_dA0=True)
    network.backward(AL, Y, caches, fused=False)
    grads_before = copy.deepcopy(grads)
    new = network.update_params(params, grads, 0.1)
    network.predict(params, X, **kw)
    network.accuracy(params, X, Y, **kw)
    dZ = grads["dZ2"].copy()
    network.linear_backward(grads["dZ2"], caches[1][0], "deferred")
    network.linear_activation_backward(grads["dA2"], caches[1], "leaky_relu", "absorbed")
    for name, (a, b) in {"params": (params, before[0])}.items():
        for k in a:
            np.testing.assert_array_equal(a[k], b[k], err_msg=f"{name}[{k}]")
    np.testing.assert_array_equal(X, before[1])
    np.testing.assert_array_equal(Y, before[2])
    np.testing.assert_array_equal(AL, AL_before)
    np.testing.assert_array_equal(grads["dZ2"], dZ)
    for k in grads:
        np.testing.assert_array_equal(grads[k], grads_before[k])
    for (lc, Z), (lc0, Z0) in zip(caches, caches_before, strict=True):
        np.testing.assert_array_equal(Z, Z0)
        for x, x0 in zip(lc, lc0, strict=True):
            np.testing.assert_array_equal(x, x0)
    assert all(new[k] is not params[k] for k in params)


def test_return_dA0_is_the_gradient_with_respect_to_X():
    params, X, Y = make_problem("tanh", "identity", seed=7)
    grads = network.gradients(
        params, X, Y, hidden="tanh", output="identity", convention="absorbed", return_dA0=True
    )
    numeric = centred_differences(
        lambda x: network.cost(params, x, Y, hidden="tanh", output="identity"), X
    )
    assert rel_err(grads["dA0"], numeric) < 1e-7
    assert "dA0" not in network.gradients(params, X, Y, hidden="tanh", output="identity")


def test_backward_without_intermediates_returns_only_parameter_gradients():
    params, X, Y = make_problem("relu", "sigmoid", seed=8)
    AL, caches = network.forward(X, params)
    full = network.backward(AL, Y, caches, lambd=0.2)
    lean = network.backward(AL, Y, caches, lambd=0.2, keep_intermediate=False)
    assert sorted(lean) == sorted(k for k in full if k[:2] in ("dW", "db"))
    for key in lean:
        np.testing.assert_array_equal(lean[key], full[key])


def test_cost_by_hand():
    """A network whose outputs are known: W = 0 gives sigmoid(b) and softmax(b)."""
    X = np.ones((2, 4))
    Y = np.array([[1.0, 0.0, 1.0, 1.0]])
    p = {"W1": np.zeros((1, 2)), "b1": np.array([[np.log(3.0)]])}  # σ(log 3) = 3/4
    expected = -(3 * np.log(0.75) + np.log(0.25)) / 4
    assert network.cost(p, X, Y) == pytest.approx(expected, rel=1e-14)
    assert network.cost(p, X, Y, reduction="sum") == pytest.approx(4 * expected, rel=1e-14)
    p["W1"] = np.array([[1.0, -2.0]])  # ‖W‖² = 5; b shifts back so outputs stay 3/4
    p["b1"] = p["b1"] + 1.0
    assert network.cost(p, X, Y, lambd=0.8) == pytest.approx(expected + 0.8 / 8 * 5, rel=1e-14)
    assert network.cost(p, X, Y, lambd=0.8, reduction="sum") == pytest.approx(
        4 * expected + 0.8 / 2 * 5, rel=1e-14
    )
    soft = {"W1": np.zeros((3, 2)), "b1": np.log(np.array([[1.0], [2.0], [5.0]]))}
    Y3 = np.eye(3)[:, [0, 2, 2, 1]]  # probabilities 1/8, 2/8, 5/8
    expected3 = -(np.log(1 / 8) + 2 * np.log(5 / 8) + np.log(2 / 8)) / 4
    assert network.cost(soft, X, Y3, output="softmax") == pytest.approx(expected3, rel=1e-14)
    ident = {"W1": np.zeros((1, 2)), "b1": np.array([[2.0]])}
    Yr = np.array([[0.0, 2.0, 3.0, 2.0]])  # squared errors 4, 0, 1, 0, halved
    assert network.cost(ident, X, Yr, output="identity") == pytest.approx(2.5 / 4, rel=1e-14)


def test_cost_is_stable_for_extreme_logits():
    p = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1))}
    X = np.array([[1000.0, -1000.0]])
    assert network.cost(p, X, np.array([[1.0, 0.0]])) == 0.0
    assert network.cost(p, X, np.array([[0.0, 1.0]])) == pytest.approx(1000.0)


def test_init_params():
    p = network.init_params([784, 128, 10], seed=0)
    assert p["W1"].shape == (128, 784)
    assert p["b2"].shape == (10, 1)
    assert np.std(p["W1"]) == pytest.approx(np.sqrt(1 / 784), rel=0.02)
    he = network.init_params([784, 128, 10], seed=0, init="he")
    assert np.std(he["W1"]) == pytest.approx(np.sqrt(2 / 784), rel=0.02)
    small = network.init_params([2, 4, 1], init=0.01, seed=0)
    assert np.max(np.abs(small["W1"])) < 0.05
    assert not np.any(small["b1"])
    again = network.init_params([784, 128, 10], seed=0)
    assert all(np.array_equal(p[k], again[k]) for k in p)


def test_update_predict_accuracy():
    p = {"W1": np.array([[1.0, -1.0]]), "b1": np.zeros((1, 1))}
    g = {"dW1": np.array([[2.0, 0.0]]), "db1": np.array([[-1.0]])}
    new = network.update_params(p, g, 0.25)
    np.testing.assert_array_equal(new["W1"], [[0.5, -1.0]])
    np.testing.assert_array_equal(new["b1"], [[0.25]])
    X = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 3.0]])
    np.testing.assert_array_equal(network.predict(p, X), [[1, 0, 0]])
    assert network.accuracy(p, X, np.array([[1, 0, 1]])) == pytest.approx(2 / 3)
    reg = network.predict(p, X, output="identity")
    np.testing.assert_allclose(reg, [[1.0, -1.0, -1.0]])
    p3 = {"W1": np.eye(3)[:, :2], "b1": np.zeros((3, 1))}
    np.testing.assert_array_equal(network.predict(p3, X, output="softmax"), [[0, 1, 1]])
    Y3 = np.eye(3)[:, [0, 1, 0]]
    assert network.accuracy(p3, X, Y3, output="softmax") == pytest.approx(2 / 3)
