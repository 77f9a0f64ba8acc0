"""npbackprop.two_layer: the course's network worked by hand, against finite differences, and
read as the book reads it (each line names its equation)."""

import inspect
import re

import numpy as np
import pytest

from npbackprop import two_layer

from helpers import CONVENTIONS, assert_close


def test_backward_worked_by_hand():
    """W1 = b1 = 0 gives A1 = 0; W2 = 2, b2 = 0 gives A2 = 1/2. Everything follows by hand."""
    X = np.array([[1.0, -1.0]])
    Y = np.array([[1.0, 0.0]])
    params = {
        "W1": np.zeros((1, 1)),
        "b1": np.zeros((1, 1)),
        "W2": np.array([[2.0]]),
        "b2": np.zeros((1, 1)),
    }
    A2, cache = two_layer.forward(X, params)
    np.testing.assert_array_equal(A2, [[0.5, 0.5]])
    d = two_layer.backward(params, cache, X, Y, "deferred")
    np.testing.assert_array_equal(d["dZ2"], [[-0.5, 0.5]])  # A2 - Y
    np.testing.assert_array_equal(d["dW2"], [[0.0]])  # (1/2) dZ2 A1ᵀ with A1 = 0
    np.testing.assert_array_equal(d["db2"], [[0.0]])  # (1/2)(-0.5 + 0.5)
    np.testing.assert_array_equal(d["dZ1"], [[-1.0, 1.0]])  # 2 · dZ2 · (1 - 0²)
    np.testing.assert_array_equal(d["dW1"], [[-1.0]])  # (1/2)(-1·1 + 1·(-1))
    np.testing.assert_array_equal(d["db1"], [[0.0]])
    a = two_layer.backward(params, cache, X, Y, "absorbed")
    np.testing.assert_array_equal(a["dZ2"], [[-0.25, 0.25]])  # (A2 - Y)/m
    np.testing.assert_array_equal(a["dZ1"], [[-0.5, 0.5]])
    np.testing.assert_array_equal(a["dW1"], [[-1.0]])  # the same dW
    s = two_layer.backward(params, cache, X, Y, "sum")
    np.testing.assert_array_equal(s["dW1"], [[-2.0]])  # m times the mean gradient
    assert two_layer.cost(A2, Y) == pytest.approx(np.log(2), rel=1e-15)


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backward_matches_finite_differences(convention, seed):
    rng = np.random.default_rng(seed)
    params = {k: v * 100 for k, v in two_layer.init_params(3, 5, 1, seed=seed).items()}
    X = rng.normal(size=(3, 7))
    Y = (rng.random((1, 7)) < 0.5).astype(float)
    _, cache = two_layer.forward(X, params)
    grads = two_layer.backward(params, cache, X, Y, convention)
    m = X.shape[1]
    scale = m if convention == "sum" else 1  # "sum" differentiates Σ L = m J

    def J(p):
        return scale * two_layer.cost(two_layer.forward(X, p)[0], Y)

    eps = 1e-6
    for name, value in params.items():
        numeric = np.zeros_like(value)
        for j in np.ndindex(value.shape):
            up, down = value.copy(), value.copy()
            up[j] += eps
            down[j] -= eps
            numeric[j] = (J({**params, name: up}) - J({**params, name: down})) / (2 * eps)
        err = np.linalg.norm(grads[f"d{name}"] - numeric) / (
            np.linalg.norm(grads[f"d{name}"]) + np.linalg.norm(numeric)
        )
        assert err < 1e-7, f"d{name}: {err:.2e}"


def test_deferred_dZ_is_the_single_example_dz_stacked():
    """The course's point: deferred dZ's column i is what the m = 1 formula gives for example i."""
    rng = np.random.default_rng(4)
    params = {k: v * 100 for k, v in two_layer.init_params(2, 3, 1, seed=4).items()}
    X = rng.normal(size=(2, 5))
    Y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0]])
    _, cache = two_layer.forward(X, params)
    batch = two_layer.backward(params, cache, X, Y, "deferred")
    for i in range(5):
        x, y = X[:, [i]], Y[:, [i]]
        one = two_layer.backward(params, two_layer.forward(x, params)[1], x, y, "deferred")
        assert_close(batch["dZ1"][:, [i]], one["dZ1"], f"dZ1 column {i}", rtol=1e-14)
        assert_close(batch["dZ2"][:, [i]], one["dZ2"], f"dZ2 column {i}", rtol=1e-14)
    # and dW is the mean of the single-example dW's
    singles = [
        two_layer.backward(params, two_layer.forward(X[:, [i]], params)[1], X[:, [i]], Y[:, [i]])
        for i in range(5)
    ]
    assert_close(batch["dW1"], np.mean([g["dW1"] for g in singles], axis=0), "mean dW1")


def test_every_backward_and_forward_line_names_its_equation():
    """The code reads side by side with the book: one labelled line per equation."""
    source = inspect.getsource(two_layer._backward) + inspect.getsource(two_layer.forward)
    source += inspect.getsource(two_layer.cost)
    named = re.findall(r"#\s*(eq-[a-z0-9-]+)", source)
    assert set(named) == set(two_layer.EQUATIONS), set(named) ^ set(two_layer.EQUATIONS)
    for var in ("Z1", "A1", "Z2", "A2", "dZ2", "dW2", "db2", "dZ1", "dW1", "db1"):
        line = re.search(rf"^\s*{var} = .*$", source, flags=re.MULTILINE)
        assert line, f"no line computing {var}"
        label = f"eq-{var.lower()}"
        assert f"# {label}" in line.group(0), f"the line computing {var} must name {label}"


def test_float32_stays_float32():
    params = {k: v.astype(np.float32) for k, v in two_layer.init_params(2, 4, 1, seed=0).items()}
    X = np.ones((2, 3), dtype=np.float32)
    A2, cache = two_layer.forward(X, params)
    grads = two_layer.backward(params, cache, X, np.array([[1, 0, 1]]), "absorbed")
    assert A2.dtype == np.float32
    assert {v.dtype for v in grads.values()} == {np.dtype(np.float32)}


def test_predict_and_init():
    p = two_layer.init_params(2, 4, 1, seed=3)
    assert {k: v.shape for k, v in p.items()} == {
        "W1": (4, 2),
        "b1": (4, 1),
        "W2": (1, 4),
        "b2": (1, 1),
    }
    assert np.max(np.abs(p["W1"])) < 0.05  # the course's 0.01 scale
    again = two_layer.init_params(2, 4, 1, seed=3)
    assert all(np.array_equal(p[k], again[k]) for k in p)
    p = {
        "W1": np.eye(2),
        "b1": np.zeros((2, 1)),
        "W2": np.array([[1.0, 1.0]]),
        "b2": np.zeros((1, 1)),
    }
    np.testing.assert_array_equal(
        two_layer.predict(p, np.array([[1.0, -1.0], [0.5, -0.5]])), [[1, 0]]
    )


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda X, p, c, Y: two_layer.forward(X[:1], p), r"X has 1 features .* W1 expects 2"),
        (lambda X, p, c, Y: two_layer.backward(p, c, X, Y[:, :2]), r"Y must have shape \(1, 3\)"),
        (lambda X, p, c, Y: two_layer.backward(p, c, X, 2 * Y), r"labels in \{0, 1\}"),
        (
            lambda X, p, c, Y: two_layer.backward(p, {"A1": c["A1"]}, X, Y),
            r"with A1 and A2; got \['A1'\]",
        ),
        (lambda X, p, c, Y: two_layer.backward(p, c, X, Y, "mean"), r"unknown convention 'mean'"),
        (lambda X, p, c, Y: two_layer.cost(c["A2"], Y.T), r"Y must have shape \(1, 3\)"),
        (
            lambda X, p, c, Y: two_layer.forward(X, {**p, "W3": np.ones((1, 1)), "b3": p["b2"]}),
            r"exactly 2 layers",
        ),
        (
            lambda X, p, c, Y: two_layer.init_params(2, 0, 1),
            r"n_h must be a positive integer \(a layer size\); got 0",
        ),
    ],
)
def test_bad_input(call, match):
    X = np.ones((2, 3))
    p = two_layer.init_params(2, 4, 1)
    _, c = two_layer.forward(X, p)
    with pytest.raises(ValueError, match=match):
        call(X, p, c, np.array([[1.0, 0.0, 1.0]]))
