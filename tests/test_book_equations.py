"""The book's equations for one example and for a batch, each written here exactly as the book
states it and verified against an independent reference: SymPy for scalar identities, the
autograd package for everything with arrays. The package is checked against the same formulas."""

import itertools

import autograd.numpy as anp
import numpy as np
import pytest
import sympy as sp
from autograd import grad

from npbackprop import network, training, two_layer

from helpers import CONVENTIONS, assert_close

# --- Scalar identities, symbolically. ---


@pytest.mark.verifies("eq-one-sigma-prime")
def test_sigmoid_derivative_is_a_times_one_minus_a():
    z = sp.symbols("z", real=True)
    sigma = 1 / (1 + sp.exp(-z))
    assert sp.simplify(sp.diff(sigma, z) - sigma * (1 - sigma)) == 0


@pytest.mark.verifies("eq-one-loss", "eq-one-dl-da", "eq-one-dz2")
def test_cross_entropy_and_sigmoid_give_a_minus_y():
    a, y, z = sp.symbols("a y z", real=True)
    L = -(y * sp.log(a) + (1 - y) * sp.log(1 - a))  # eq-one-loss
    dl_da = sp.diff(L, a)
    assert sp.simplify(dl_da - (-y / a + (1 - y) / (1 - a))) == 0  # eq-one-dl-da
    assert sp.simplify(dl_da * a * (1 - a) - (a - y)) == 0  # eq-one-dz2, the algebra
    sigma = 1 / (1 + sp.exp(-z))
    dz = sp.diff(L.subs(a, sigma), z)  # the chain rule done by SymPy end to end
    assert sp.simplify(dz - (sigma - y)) == 0


@pytest.mark.verifies("eq-dj-dl")
@pytest.mark.parametrize("m", [1, 2, 5, 9])
def test_each_loss_enters_the_mean_cost_with_weight_one_over_m(m):
    losses = sp.symbols(f"L1:{m + 1}")
    J = sp.Rational(1, m) * sum(losses)
    assert all(sp.diff(J, Li) == sp.Rational(1, m) for Li in losses)


@pytest.mark.verifies("eq-mix-error")
def test_relative_error_of_a_gradient_off_by_k():
    k, n = sp.symbols("k n", positive=True)  # n = ‖g‖ > 0
    error = sp.Abs(k * n - n) / (k * n + n)
    assert sp.simplify(error - sp.Abs(k - 1) / (k + 1)) == 0
    rng = np.random.default_rng(0)
    g = rng.normal(size=(3, 4))
    for kk in (400.0, 1 / 400, 2.5, 1.0):
        err = np.linalg.norm(kk * g - g) / (np.linalg.norm(kk * g) + np.linalg.norm(g))
        assert err == pytest.approx(abs(kk - 1) / (kk + 1), rel=1e-12)


@pytest.mark.verifies("eq-lr-sum")
def test_the_sum_convention_with_rate_over_m_takes_the_mean_step():
    W, g, alpha, m = sp.symbols("W g alpha m", positive=True)
    assert sp.simplify((W - alpha / m * (m * g)) - (W - alpha * g)) == 0


# --- One example, with arrays: the book's formulas against autograd. ---


def one_example_loss(p, x, y):
    """eq-one-forward and eq-one-loss, in autograd.numpy."""
    z1 = anp.dot(p["W1"], x) + p["b1"]
    a1 = anp.tanh(z1)
    z2 = anp.dot(p["W2"], a1) + p["b2"]
    a2 = 1 / (1 + anp.exp(-z2))
    return -anp.sum(y * anp.log(a2) + (1 - y) * anp.log(1 - a2))


def one_example_formulas(p, x, y):
    """The book's single-example backward pass, eq-one-dz2 to eq-one-dw1, as written there."""
    z1 = p["W1"] @ x + p["b1"]
    a1 = np.tanh(z1)
    a2 = 1 / (1 + np.exp(-(p["W2"] @ a1 + p["b2"])))
    dz2 = a2 - y  # eq-one-dz2
    dW2, db2 = dz2 @ a1.T, dz2  # eq-one-dw2
    dz1 = p["W2"].T @ dz2 * (1 - a1**2)  # eq-one-dz1
    dW1, db1 = dz1 @ x.T, dz1  # eq-one-dw1
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ2": dz2, "dZ1": dz1}


@pytest.mark.verifies(
    "eq-one-forward", "eq-one-loss", "eq-one-dz2", "eq-one-dw2", "eq-one-dz1", "eq-one-dw1"
)
@pytest.mark.parametrize(("seed", "label"), list(itertools.product(range(4), (0.0, 1.0))))
def test_single_example_formulas_match_autograd_and_the_package(seed, label):
    rng = np.random.default_rng(seed)
    p = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=(4, 1)),
         "W2": rng.normal(size=(1, 4)), "b2": rng.normal(size=(1, 1))}  # fmt: skip
    x, y = rng.normal(size=(3, 1)), np.array([[label]])
    book = one_example_formulas(p, x, y)
    reference = grad(one_example_loss)(p, x, y)
    for k in ("W1", "b1", "W2", "b2"):
        assert_close(book[f"d{k}"], reference[k], f"book d{k} vs autograd", rtol=1e-10)
    _, cache = two_layer.forward(x, p)
    package = two_layer.backward(p, cache, x, y)
    for k, value in book.items():
        assert_close(package[k], value, f"package {k} vs the book", rtol=1e-12)
    assert two_layer.cost(cache["A2"], y) == pytest.approx(float(one_example_loss(p, x, y)))


# --- A batch: the book's three conventions against autograd. ---

# eq-scales, as the book's table states it.
SCALES = {
    "deferred": lambda m: (1.0, 1.0 / m),
    "absorbed": lambda m: (1.0 / m, 1.0),
    "sum": lambda m: (1.0, 1.0),
}


def batch_cost(p, X, Y, reduction):
    """eq-z1 to eq-a2 and eq-cost (or m J for the sum convention), in autograd.numpy."""
    Z1 = anp.dot(p["W1"], X) + p["b1"]  # eq-z1
    A1 = anp.tanh(Z1)  # eq-a1
    Z2 = anp.dot(p["W2"], A1) + p["b2"]  # eq-z2
    A2 = 1 / (1 + anp.exp(-Z2))  # eq-a2
    total = -anp.sum(Y * anp.log(A2) + (1 - Y) * anp.log(1 - A2))
    return total / X.shape[1] if reduction == "mean" else total  # eq-cost


def batch_formulas(p, X, Y, convention):
    """eq-dz2 to eq-db1 with (s_Z, s_W) from eq-scales, written as the book writes them."""
    m = X.shape[1]
    s_Z, s_W = SCALES[convention](m)
    A1 = np.tanh(p["W1"] @ X + p["b1"])
    A2 = 1 / (1 + np.exp(-(p["W2"] @ A1 + p["b2"])))
    dZ2 = s_Z * (A2 - Y)  # eq-dz2
    dW2 = s_W * dZ2 @ A1.T  # eq-dw2
    db2 = s_W * dZ2.sum(axis=1, keepdims=True)  # eq-db2
    dZ1 = p["W2"].T @ dZ2 * (1 - A1**2)  # eq-dz1
    dW1 = s_W * dZ1 @ X.T  # eq-dw1
    db1 = s_W * dZ1.sum(axis=1, keepdims=True)  # eq-db1
    return {"dZ2": dZ2, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def dJ_dZ(p, X, Y, reduction):
    """∂cost/∂Z2 and ∂cost/∂Z1 by autograd, from the forward pass continued from each Z."""
    m_or_1 = X.shape[1] if reduction == "mean" else 1

    def from_z2(Z2):
        A2 = 1 / (1 + anp.exp(-Z2))
        return -anp.sum(Y * anp.log(A2) + (1 - Y) * anp.log(1 - A2)) / m_or_1

    def from_z1(Z1):
        return from_z2(anp.dot(p["W2"], anp.tanh(Z1)) + p["b2"])

    Z1 = p["W1"] @ X + p["b1"]
    Z2 = p["W2"] @ np.tanh(Z1) + p["b2"]
    return {"dZ2": grad(from_z2)(Z2), "dZ1": grad(from_z1)(Z1)}


@pytest.mark.verifies(
    "eq-z1", "eq-a1", "eq-z2", "eq-a2", "eq-cost", "eq-dz2", "eq-dw2", "eq-db2",
    "eq-dz1", "eq-dw1", "eq-db1", "eq-scales", "eq-batch-dw2", "eq-dj-dz2",
)  # fmt: skip
@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("m", [1, 3, 50])
def test_batch_formulas_in_each_convention_match_autograd_and_the_package(convention, m):
    rng = np.random.default_rng(m)
    p = {"W1": rng.normal(size=(4, 2)), "b1": rng.normal(size=(4, 1)),
         "W2": rng.normal(size=(1, 4)), "b2": rng.normal(size=(1, 1))}  # fmt: skip
    X = rng.normal(size=(2, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    reduction = "sum" if convention == "sum" else "mean"
    book = batch_formulas(p, X, Y, convention)
    reference = grad(batch_cost)(p, X, Y, reduction)
    for k in ("W1", "b1", "W2", "b2"):  # dW, db: the gradient of the convention's cost
        assert_close(book[f"d{k}"], reference[k], f"{convention} d{k}", rtol=1e-10)
    # dZ: m ∂J/∂Z (deferred), ∂J/∂Z (absorbed), ∂(mJ)/∂Z (sum) — eq-scales' last column
    dZ = dJ_dZ(p, X, Y, reduction)
    factor = m if convention == "deferred" else 1
    for k in ("dZ1", "dZ2"):
        assert_close(book[k], factor * dZ[k], f"{convention} {k}", rtol=1e-10)
    # eq-batch-dw2: (1/m) Σ of per-example outer products = (1/m) dZ2 A1ᵀ = ∂J/∂W2
    A1 = np.tanh(p["W1"] @ X + p["b1"])
    A2 = 1 / (1 + np.exp(-(p["W2"] @ A1 + p["b2"])))
    outer = sum((A2[:, [i]] - Y[:, [i]]) @ A1[:, [i]].T for i in range(m)) / m
    mean_reference = grad(batch_cost)(p, X, Y, "mean")["W2"]
    assert_close(outer, mean_reference, "eq-batch-dw2", rtol=1e-10)
    # and the package implements the book's lines
    _, cache = two_layer.forward(X, p)
    package = two_layer.backward(p, cache, X, Y, convention)
    for k, value in book.items():
        assert_close(package[k], value, f"package {k}", rtol=1e-12)
    assert two_layer.cost(cache["A2"], Y) == pytest.approx(float(batch_cost(p, X, Y, "mean")))


@pytest.mark.verifies("eq-stacked", "eq-mean-of-examples")
def test_deferred_dZ_stacks_the_single_example_dz_and_dW_averages_them():
    rng = np.random.default_rng(7)
    p = {"W1": rng.normal(size=(4, 2)), "b1": rng.normal(size=(4, 1)),
         "W2": rng.normal(size=(1, 4)), "b2": rng.normal(size=(1, 1))}  # fmt: skip
    X, Y = rng.normal(size=(2, 12)), (rng.random((1, 12)) < 0.5).astype(float)
    batch = batch_formulas(p, X, Y, "deferred")
    singles = [one_example_formulas(p, X[:, [i]], Y[:, [i]]) for i in range(12)]
    for k in ("dZ1", "dZ2"):
        assert_close(batch[k], np.hstack([s[k] for s in singles]), f"eq-stacked {k}")
    for k in ("dW1", "db1", "dW2", "db2"):
        mean = np.mean([s[k] for s in singles], axis=0)
        assert_close(batch[k], mean, f"eq-mean-of-examples {k}")
        reference = grad(batch_cost)(p, X, Y, "mean")[k[1:]]
        assert_close(mean, reference, f"mean of per-example {k} = dJ/d{k[1:]}", rtol=1e-10)


@pytest.mark.verifies("eq-op-counts")
@pytest.mark.parametrize("dims", [[2, 4, 1], [784, 128, 10], [5, 3, 3, 2]])
def test_operation_counts_are_the_sizes_of_the_scaled_arrays(dims):
    """Absorbed scales dZ[L] (n_L × m numbers); deferred scales every dW and db."""
    m = 7
    rng = np.random.default_rng(0)
    p = network.init_params(dims, seed=0)
    X = rng.normal(size=(dims[0], m))
    Y = np.eye(dims[-1])[:, rng.integers(0, dims[-1], m)] if dims[-1] > 1 else np.ones((1, m))
    output = "softmax" if dims[-1] > 1 else "sigmoid"
    grads = network.gradients(p, X, Y, output=output)
    L = len(dims) - 1
    absorbed = dims[-1] * m  # the book's formula
    deferred = sum(n * (n_prev + 1) for n_prev, n in itertools.pairwise(dims))
    assert absorbed == grads[f"dZ{L}"].size
    assert deferred == sum(grads[f"dW{l}"].size + grads[f"db{l}"].size for l in range(1, L + 1))


@pytest.mark.verifies("eq-lr-sum")
def test_training_in_sum_with_rate_over_m_retraces_the_mean_run():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(2, 40)), (rng.random((1, 40)) < 0.5).astype(float)
    kw = dict(hidden="tanh", epochs=100, seed=3)
    _, mean = training.train(X, Y, [2, 3, 1], convention="deferred", learning_rate=0.8, **kw)
    _, summed = training.train(X, Y, [2, 3, 1], convention="sum", learning_rate=0.8 / 40, **kw)
    np.testing.assert_allclose(summed.cost, mean.cost, rtol=1e-12)


# --- Losses and activations (chapter "Losses and activations"), symbolically. ---


@pytest.mark.verifies("eq-softmax-ce")
def test_softmax_cross_entropy_gradient_is_a_minus_y():
    z = sp.symbols("z1:4", real=True)
    exps = [sp.exp(zk) for zk in z]
    a = [e / sum(exps) for e in exps]
    for hot in range(3):  # every one-hot target
        y = [1 if k == hot else 0 for k in range(3)]
        L = -sum(yk * sp.log(ak) for yk, ak in zip(y, a, strict=True))
        for k in range(3):
            assert sp.simplify(sp.diff(L, z[k]) - (a[k] - y[k])) == 0


@pytest.mark.verifies("eq-mse", "eq-sigmoid-mse")
def test_squared_error_gradients():
    z, y = sp.symbols("z y", real=True)
    assert sp.simplify(sp.diff(sp.Rational(1, 2) * (z - y) ** 2, z) - (z - y)) == 0
    a = 1 / (1 + sp.exp(-z))
    dz = sp.diff(sp.Rational(1, 2) * (a - y) ** 2, z)
    assert sp.simplify(dz - (a - y) * a * (1 - a)) == 0


@pytest.mark.verifies("eq-activation-derivatives")
def test_activation_derivatives_as_the_book_states_them():
    z = sp.symbols("z", real=True)
    assert sp.simplify(sp.diff(sp.tanh(z), z) - (1 - sp.tanh(z) ** 2)) == 0
    sigma = 1 / (1 + sp.exp(-z))
    assert sp.simplify(sp.diff(sigma, z) - sigma * (1 - sigma)) == 0
    # the piecewise ones: the book's cases, at and around the kink, against the package
    points = np.array([-2.0, -1e-9, 0.0, 1e-9, 3.0])
    book_relu = np.where(points > 0, 1.0, 0.0)
    book_leaky = np.where(points > 0, 1.0, 0.01)
    from npbackprop import activations

    np.testing.assert_array_equal(activations.relu_derivative(points), book_relu)
    np.testing.assert_array_equal(activations.leaky_relu_derivative(points), book_leaky)
    # and away from the kink the cases are the derivative (centred differences of max(z, 0))
    for zz in (-2.0, 3.0):
        eps = 1e-6
        fd_relu = (max(zz + eps, 0) - max(zz - eps, 0)) / (2 * eps)
        fd_leaky = (np.where(zz + eps > 0, zz + eps, 0.01 * (zz + eps))
                    - np.where(zz - eps > 0, zz - eps, 0.01 * (zz - eps))) / (2 * eps)  # fmt: skip
        assert fd_relu == pytest.approx(1.0 if zz > 0 else 0.0)
        assert float(fd_leaky) == pytest.approx(1.0 if zz > 0 else 0.01)


# --- Mini-batches and gradient checking. ---


def _moons_problem(m=48, seed=0):
    from npbackprop import datasets

    X, Y = datasets.moons(m=m, seed=seed)
    return network.init_params([2, 5, 1], seed=seed), X, Y


def _reference_mean_grad(p, X, Y):
    """∂J/∂W1 by autograd for a tanh/sigmoid network (see _reference_grads_all)."""
    return _reference_grads_all(p, X, Y)["dW1"]


@pytest.mark.verifies("eq-minibatch-grad")
def test_a_batch_gradient_is_the_mean_over_that_batch_only():
    p, X, Y = _moons_problem()
    for index in (np.arange(0, 32), np.arange(32, 48), np.array([5])):  # incl. a short batch
        ours = network.gradients(p, X[:, index], Y[:, index], hidden="tanh")["dW1"]
        assert_close(ours, _reference_mean_grad(p, X[:, index], Y[:, index]), "batch", 1e-10)


@pytest.mark.verifies("eq-accumulation")
@pytest.mark.parametrize("k", [2, 4, 6])
def test_accumulating_k_micro_batch_means_with_one_over_k(k):
    p, X, Y = _moons_problem(m=12 * k)
    b = 12
    parts = [
        network.gradients(p, X[:, j * b : (j + 1) * b], Y[:, j * b : (j + 1) * b], hidden="tanh")[
            "dW1"
        ]
        for j in range(k)
    ]
    full = _reference_mean_grad(p, X, Y)
    assert_close(sum(parts) / k, full, "1/k once", rtol=1e-10)
    rel = np.linalg.norm(sum(parts) - full) / (np.linalg.norm(sum(parts)) + np.linalg.norm(full))
    assert rel == pytest.approx((k - 1) / (k + 1), rel=1e-9)  # no 1/k: k times too large


@pytest.mark.verifies("eq-centred")
def test_centred_differences_have_error_of_order_eps_squared():
    x0 = 0.7
    exact = np.cos(x0)
    errors = [abs((np.sin(x0 + e) - np.sin(x0 - e)) / (2 * e) - exact) for e in (1e-2, 5e-3)]
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=1e-2)  # halving ε quarters the error
    one_sided = [abs((np.sin(x0 + e) - np.sin(x0)) / e - exact) for e in (1e-2, 5e-3)]
    assert one_sided[0] / one_sided[1] == pytest.approx(2.0, rel=2e-2)
    from npbackprop.gradcheck import numerical_gradient

    g = numerical_gradient(lambda v: float(np.sum(np.sin(v))), np.array([x0]), eps=1e-2)
    assert g[0] == pytest.approx((np.sin(x0 + 1e-2) - np.sin(x0 - 1e-2)) / 2e-2, rel=1e-12)


@pytest.mark.verifies("eq-loss-scaling")
def test_loss_scaling_returns_the_same_gradient_and_avoids_float16_underflow():
    p, X, Y = _moons_problem(m=64, seed=3)
    S = 1024.0
    # in float64, linearity: the gradient of S·J divided by S is the gradient of J
    plain = network.gradients(p, X, Y, hidden="tanh", convention="absorbed")
    scaled = {k: v * S for k, v in plain.items()}  # what backprop of S·J produces
    for k in ("dW1", "db1", "dW2", "db2"):
        assert_close(scaled[k] / S, _reference_grads_all(p, X, Y)[k], f"1/S ∇(S J) {k}", 1e-10)
    # in float16, dZ/m underflows for small per-example gradients; S·dZ/m does not
    dz = np.full(8, 1e-3, dtype=np.float16)
    m = 65536
    assert np.all(dz * np.float16(1.0 / m) == 0)
    assert np.all(dz * np.float16(S / m) > 0)


def _reference_grads_all(p, X, Y):
    def J(q):
        A1 = anp.tanh(anp.dot(q["W1"], X) + q["b1"])
        Z2 = anp.dot(q["W2"], A1) + q["b2"]
        return anp.mean(anp.logaddexp(0.0, Z2) - Y * Z2)

    return {f"d{k}": v for k, v in grad(J)(dict(p)).items()}


# --- Frameworks: row-major layout and the mean over N·K elements. ---


@pytest.mark.verifies("eq-row-forward", "eq-row-backward")
@pytest.mark.parametrize("convention", CONVENTIONS)
def test_row_major_formulas_are_the_transposed_gradients(convention):
    rng = np.random.default_rng(11)
    p = network.init_params([3, 5, 2], seed=11)
    X, Y = rng.normal(size=(3, 9)), (rng.random((2, 9)) < 0.5).astype(float)
    N = X.shape[1]
    s_Z, s_W = SCALES[convention](N)
    Xr, Yr = X.T, Y.T
    A1r = np.tanh(Xr @ p["W1"].T + p["b1"].T)  # eq-row-forward
    A2r = 1 / (1 + np.exp(-(A1r @ p["W2"].T + p["b2"].T)))
    dZ2r = s_Z * (A2r - Yr)
    dZ1r = (dZ2r @ p["W2"]) * (1 - A1r**2)  # dÃ = dZ̃ W, then g'
    book = {
        "dW2": s_W * dZ2r.T @ A1r,  # eq-row-backward
        "db2": s_W * dZ2r.sum(axis=0, keepdims=True).T,
        "dW1": s_W * dZ1r.T @ Xr,
        "db1": s_W * dZ1r.sum(axis=0, keepdims=True).T,
    }

    def cost(q):  # row-major forward, mean or sum over the N rows
        Zr = anp.dot(anp.tanh(anp.dot(Xr, q["W1"].T) + q["b1"].T), q["W2"].T) + q["b2"].T
        total = anp.sum(anp.logaddexp(0.0, Zr) - Yr * Zr)
        return total if convention == "sum" else total / N

    reference = grad(cost)(dict(p))
    for k, value in book.items():
        assert_close(value, reference[k[1:]], f"row-major {k}", rtol=1e-10)


@pytest.mark.verifies("eq-mean-nk")
@pytest.mark.parametrize("K", [1, 3, 7])
def test_a_mean_over_n_k_elements_divides_the_gradient_by_n_k(K):
    rng = np.random.default_rng(K)
    N = 6
    Z, Y = rng.normal(size=(N, K)), (rng.random((N, K)) < 0.5).astype(float)
    g = grad(lambda z: anp.mean(anp.logaddexp(0.0, z) - Y * z))(Z)
    A = 1 / (1 + np.exp(-Z))
    assert_close(g, (A - Y) / (N * K), "mean over elements", rtol=1e-12)
    per_example_mean = grad(lambda z: anp.sum(anp.logaddexp(0.0, z) - Y * z) / N)(Z)
    assert_close(per_example_mean, K * g, "J = K × the element mean", rtol=1e-12)


# --- Mini-batches (docs/practice/minibatches.md): the L2 penalty of a batch keeps n. ---


@pytest.mark.verifies("eq-minibatch-l2")
@pytest.mark.parametrize("batch", [slice(0, 7), slice(7, 10)])  # a full batch, the short last one
def test_minibatch_l2_gradient_averages_the_data_over_the_batch_and_the_penalty_over_n(batch):
    rng = np.random.default_rng(21)
    n, lambd = 10, 0.9
    p = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=(4, 1)),
         "W2": rng.normal(size=(1, 4)), "b2": rng.normal(size=(1, 1))}  # fmt: skip
    X = rng.normal(size=(3, n))
    Y = (rng.random((1, n)) < 0.5).astype(float)
    Xb, Yb = X[:, batch], Y[:, batch]
    size = Xb.shape[1]

    def batch_cost_l2(q):  # eq-minibatch-l2, left: data mean over the batch, penalty over n
        Z2 = anp.dot(q["W2"], anp.tanh(anp.dot(q["W1"], Xb) + q["b1"])) + q["b2"]
        data = anp.mean(anp.logaddexp(0.0, Z2) - Yb * Z2)
        return data + lambd / (2 * n) * (anp.sum(q["W1"] ** 2) + anp.sum(q["W2"] ** 2))

    reference = grad(batch_cost_l2)(p)
    data = network.gradients(p, Xb, Yb, hidden="tanh")  # (1/|B|) Σ dW⁽ⁱ⁾, eq-minibatch-grad
    for k in ("W1", "W2"):  # eq-minibatch-l2, right
        assert_close(data[f"d{k}"] + lambd / n * p[k], reference[k], f"d{k}", rtol=1e-10)
    for k in ("b1", "b2"):  # no penalty on the biases
        assert_close(data[f"d{k}"], reference[k], f"d{k}", rtol=1e-10)
    # The package's lambd is per the columns it is given: λ|B|/n gives (λ/n) W on a batch,
    # λ itself gives (λ/|B|) W, n/|B| times the penalty of eq-minibatch-l2.
    scaled = network.gradients(p, Xb, Yb, hidden="tanh", lambd=lambd * size / n)
    assert_close(scaled["dW1"], reference["W1"], "lambd = λ|B|/n", rtol=1e-10)
    plain = network.gradients(p, Xb, Yb, hidden="tanh", lambd=lambd)
    assert_close(plain["dW1"] - data["dW1"], n / size * (lambd / n) * p["W1"], "λ/|B|", rtol=1e-10)


@pytest.mark.verifies("eq-minibatch-l2")
def test_torch_sgd_weight_decay_lambda_over_n_takes_the_minibatch_l2_step():
    """PyTorch's SGD adds weight_decay · W to the gradient of the loss it is given: with a mean
    loss over the batch, weight_decay = λ/n is the step of eq-minibatch-l2."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(22)
    n, lambd, lr = 12, 0.9, 0.3
    W = rng.normal(size=(1, 3))
    Xb = rng.normal(size=(3, 5))  # a batch of 5 from a training set of n
    Yb = (rng.random((1, 5)) < 0.5).astype(float)
    Wt = torch.tensor(W, requires_grad=True)
    opt = torch.optim.SGD([Wt], lr=lr, weight_decay=lambd / n)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        Wt @ torch.tensor(Xb), torch.tensor(Yb), reduction="mean"
    )
    loss.backward()
    opt.step()

    def batch_cost_linear(w):  # eq-minibatch-l2 for one linear layer
        z = anp.dot(w, Xb)
        return anp.mean(anp.logaddexp(0.0, z) - Yb * z) + lambd / (2 * n) * anp.sum(w**2)

    assert_close(Wt.detach().numpy(), W - lr * grad(batch_cost_linear)(W), "SGD step", rtol=1e-12)
