"""npbackprop.gradcheck: centred differences on functions with known gradients, the relative
error of a gradient off by a factor k, and check_network finding 1/m bugs and bad parameters."""

import numpy as np
import pytest

from npbackprop import gradcheck, network

from helpers import CONVENTIONS, Masks, make_problem, reference_gradients

# --- numerical_gradient. ---


def test_numerical_gradient_of_sum_x_sin_x():
    x = np.random.default_rng(0).uniform(-3, 3, size=7)
    x0 = x.copy()
    g = gradcheck.numerical_gradient(lambda v: float(np.sum(np.sin(v) * v)), x)
    # d/dx (x sin x) = sin x + x cos x
    np.testing.assert_allclose(g, np.sin(x0) + x0 * np.cos(x0), rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(x, x0, err_msg="x modified")
    assert g.shape == x.shape


def test_numerical_gradient_of_a_quadratic_form_on_a_2d_array():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(4, 4))  # not symmetric
    X = rng.normal(size=(4, 3))
    X0 = X.copy()
    # f(X) = Σ_j x_jᵀ A x_j = trace(Xᵀ A X);  ∇f = (A + Aᵀ) X
    g = gradcheck.numerical_gradient(lambda Xt: float(np.trace(Xt.T @ A @ Xt)), X)
    np.testing.assert_allclose(g, (A + A.T) @ X0, rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(X, X0, err_msg="X modified")


def test_numerical_gradient_is_float64_of_the_shape_of_x():
    x = np.array([[1.0, -2.0, 0.5]], dtype=np.float32)
    g = gradcheck.numerical_gradient(lambda v: float(np.sum(v**2)), x)
    assert g.dtype == np.float64
    assert g.shape == (1, 3)
    np.testing.assert_allclose(g, 2 * x.astype(np.float64), rtol=1e-8)  # 2x


def test_numerical_gradient_uses_the_step():
    # for a cubic, the centred difference is x³' + ε² exactly: ((x+ε)³ - (x-ε)³)/2ε = 3x² + ε²
    x = np.array([0.0, 1.0, 2.0])
    g = gradcheck.numerical_gradient(lambda v: float(np.sum(v**3)), x, eps=0.5)
    np.testing.assert_allclose(g, 3 * x**2 + 0.25, rtol=1e-14, atol=1e-14)


def test_numerical_gradient_f_sees_a_copy():
    x = np.ones((2, 2))
    seen = []
    gradcheck.numerical_gradient(lambda v: seen.append(v) or 0.0, x)
    assert all(v is not x for v in seen)
    np.testing.assert_array_equal(x, np.ones((2, 2)))


@pytest.mark.parametrize("eps", [0, 0.0, -1e-6])
def test_numerical_gradient_needs_positive_eps(eps):
    with pytest.raises(ValueError, match="eps"):
        gradcheck.numerical_gradient(lambda v: float(np.sum(v)), np.ones(3), eps=eps)


# --- relative_error. ---


def test_relative_error_of_equal_arrays_is_zero():
    a = np.random.default_rng(2).normal(size=(3, 4))
    assert gradcheck.relative_error(a, a.copy()) == 0.0


def test_relative_error_of_two_zeros_is_zero():
    assert gradcheck.relative_error(np.zeros((2, 3)), np.zeros((2, 3))) == 0.0


def test_relative_error_against_zero_is_one():
    a = np.random.default_rng(3).normal(size=5)
    # ‖a - 0‖ / (‖a‖ + 0) = 1
    assert gradcheck.relative_error(a, np.zeros(5)) == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize("k", [1e-3, 0.2, 0.5, 2.0, 3.0, 10.0, 1e3])
def test_relative_error_of_a_scaled_array(k):
    a = np.random.default_rng(4).normal(size=(3, 4))
    # ‖a - ka‖ / (‖a‖ + ‖ka‖) = |1 - k| ‖a‖ / ((1 + k) ‖a‖)
    expected = abs(k - 1) / (k + 1)
    assert gradcheck.relative_error(a, k * a) == pytest.approx(expected, rel=1e-12)
    assert gradcheck.relative_error(k * a, a) == pytest.approx(expected, rel=1e-12)


@pytest.mark.verifies("eq-rel-error")
def test_relative_error_by_hand():
    # ‖(6, 8)‖ = 10, ‖(3, 4)‖ = 5, ‖(6, 8) - (3, 4)‖ = ‖(3, 4)‖ = 5: 5 / (10 + 5) = 1/3
    assert gradcheck.relative_error(np.array([6.0, 8.0]), np.array([3.0, 4.0])) == pytest.approx(
        1 / 3, rel=1e-15
    )


def test_relative_error_shape_mismatch():
    with pytest.raises(ValueError, match="shape"):
        gradcheck.relative_error(np.ones((2, 3)), np.ones((3, 2)))


# --- check_network. ---

DIMS = (3, 4, 3)  # with n_y = 2 (sigmoid) or 3 (softmax): three layers W1..W3


def reference(params, X, Y, *, output, convention, lambd=0.0, masks=None):
    """dW, db from the autograd reference (tests/helpers.py), tanh hidden layers."""
    ref = reference_gradients(
        params, X, Y, hidden="tanh", output=output, convention=convention, lambd=lambd, masks=masks
    )
    return {k: v for k, v in ref.items() if k[:2] in ("dW", "db")}


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "identity"])
def test_correct_gradients_pass(convention, output):
    params, X, Y = make_problem("tanh", output, dims=DIMS, m=5, seed=0)
    grads = reference(params, X, Y, output=output, convention=convention)
    report = gradcheck.check_network(
        params, X, Y, hidden="tanh", output=output, convention=convention, grads=grads
    )
    assert report.passed(), str(report)
    assert report.worst_error < 1e-7
    assert report.overall < 1e-7
    assert sorted(report.errors) == sorted(f"d{name}" for name in params)
    assert report.worst in report.errors
    assert report.worst_error == max(report.errors.values())


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_package_gradients_pass_with_l2_and_dropout(convention):
    params, X, Y = make_problem("tanh", "softmax", dims=(3, 6, 5), m=6, seed=1)
    settings = dict(hidden="tanh", output="softmax", lambd=0.4, keep_prob=0.7, seed=5)
    report = gradcheck.check_network(params, X, Y, convention=convention, **settings)
    assert report.passed(), str(report)
    assert report.worst_error < 1e-7
    # the same check with the independent reference, fed the masks of that seed
    _, caches = network.forward(
        X, params, hidden="tanh", output="softmax", keep_prob=0.7, seed=settings["seed"]
    )
    masks = Masks([D if D is None else D.astype(float) for D in caches.masks], 0.7)
    grads = reference(params, X, Y, output="softmax", convention=convention, lambd=0.4, masks=masks)
    report = gradcheck.check_network(params, X, Y, convention=convention, grads=grads, **settings)
    assert report.passed(), str(report)
    assert report.worst_error < 1e-7


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_package_gradients_pass_with_l2(convention):
    params, X, Y = make_problem("tanh", "sigmoid", dims=DIMS, m=7, seed=2)
    grads = reference(params, X, Y, output="sigmoid", convention=convention, lambd=0.9)
    for given in (None, grads):
        report = gradcheck.check_network(
            params, X, Y, hidden="tanh", convention=convention, lambd=0.9, grads=given
        )
        assert report.passed(), str(report)
        assert report.worst_error < 1e-7


def factor_m_error(m):
    """A gradient k = m or 1/m times the true one: |k - 1|/(k + 1) = (m - 1)/(m + 1) for both."""
    return (m - 1) / (m + 1)


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("m", [2, 5, 8])
@pytest.mark.parametrize("bug", ["double 1/m", "missing 1/m"])
def test_a_factor_m_bug_gives_m_minus_1_over_m_plus_1(convention, m, bug):
    params, X, Y = make_problem("tanh", "sigmoid", dims=DIMS, m=m, seed=3)
    good = reference(params, X, Y, output="sigmoid", convention=convention, lambd=0.2)
    k = 1 / m if bug == "double 1/m" else m
    bad = {key: k * value for key, value in good.items()}
    report = gradcheck.check_network(
        params, X, Y, hidden="tanh", convention=convention, lambd=0.2, grads=bad
    )
    expected = factor_m_error(m)
    assert not report.passed()
    assert report.overall == pytest.approx(expected, abs=1e-6), str(report)
    for key, err in report.errors.items():
        assert err == pytest.approx(expected, abs=1e-6), f"{key}: {err}"


@pytest.mark.parametrize("name", ["W1", "b1", "W2", "b2", "W3", "b3"])
def test_a_single_corrupted_gradient_is_named_worst(name):
    params, X, Y = make_problem("tanh", "sigmoid", dims=DIMS, m=6, seed=4)
    grads = reference(params, X, Y, output="sigmoid", convention="deferred")
    grads[f"d{name}"] = 3.0 * grads[f"d{name}"]  # relative error |3 - 1|/(3 + 1) = 1/2
    report = gradcheck.check_network(params, X, Y, hidden="tanh", grads=grads)
    assert report.worst == f"d{name}", str(report)
    assert report.worst_error == pytest.approx(0.5, abs=1e-7)
    others = {k: e for k, e in report.errors.items() if k != f"d{name}"}
    assert all(e < 1e-7 for e in others.values()), others
    assert not report.passed()
    assert report.passed(threshold=0.6)
    assert 0 < report.overall < 0.5


def test_report_string_names_every_parameter():
    params, X, Y = make_problem("tanh", "softmax", dims=DIMS, m=4, seed=5)
    report = gradcheck.check_network(params, X, Y, hidden="tanh", output="softmax")
    text = str(report)
    missing = [name for name in params if f"d{name}" not in text]
    assert not missing, f"{missing} not in\n{text}"
    assert "overall" in text
    assert report.worst in text


def test_report_keeps_the_compared_gradients():
    params, X, Y = make_problem("tanh", "identity", dims=DIMS, m=4, seed=6)
    grads = reference(params, X, Y, output="identity", convention="absorbed")
    report = gradcheck.check_network(
        params, X, Y, hidden="tanh", output="identity", convention="absorbed", grads=grads
    )
    for key, value in grads.items():
        np.testing.assert_array_equal(report.analytic[key], value, err_msg=key)
        np.testing.assert_allclose(report.numerical[key], value, rtol=1e-6, atol=1e-9, err_msg=key)


@pytest.mark.parametrize("key", ["dW2", "db1"])
def test_missing_gradient_is_rejected(key):
    params, X, Y = make_problem("tanh", "sigmoid", dims=DIMS, m=4, seed=7)
    grads = reference(params, X, Y, output="sigmoid", convention="deferred")
    del grads[key]
    with pytest.raises(ValueError, match=f"grads must hold {key}"):
        gradcheck.check_network(params, X, Y, hidden="tanh", grads=grads)


def test_wrongly_shaped_gradient_is_rejected():
    params, X, Y = make_problem("tanh", "sigmoid", dims=DIMS, m=4, seed=8)
    grads = reference(params, X, Y, output="sigmoid", convention="deferred")
    grads["dW1"] = grads["dW1"].T
    with pytest.raises(ValueError, match="dW1 must have shape"):
        gradcheck.check_network(params, X, Y, hidden="tanh", grads=grads)


def test_unknown_convention_is_rejected():
    params, X, Y = make_problem("tanh", "sigmoid", dims=DIMS, m=4, seed=9)
    with pytest.raises(ValueError, match="mean"):
        gradcheck.check_network(params, X, Y, hidden="tanh", convention="mean")


def test_inputs_are_not_modified():
    params, X, Y = make_problem("tanh", "softmax", dims=DIMS, m=4, seed=10)
    grads = reference(params, X, Y, output="softmax", convention="sum")
    before = ({k: v.copy() for k, v in params.items()}, X.copy(), Y.copy())
    grads_before = {k: v.copy() for k, v in grads.items()}
    gradcheck.check_network(
        params, X, Y, hidden="tanh", output="softmax", convention="sum", grads=grads
    )
    for k in params:
        np.testing.assert_array_equal(params[k], before[0][k], err_msg=k)
    for k in grads:
        np.testing.assert_array_equal(grads[k], grads_before[k], err_msg=k)
    np.testing.assert_array_equal(X, before[1])
    np.testing.assert_array_equal(Y, before[2])


def test_report_says_when_every_parameter_has_the_same_error():
    params, X, Y = make_problem("tanh", "sigmoid", m=6, seed=0)
    good = network.gradients(params, X, Y, hidden="tanh")
    scaled = gradcheck.check_network(
        params, X, Y, hidden="tanh", grads={k: 6 * v for k, v in good.items()}
    )
    assert "worst: all equal" in str(scaled)
    one = gradcheck.check_network(
        params, X, Y, hidden="tanh", grads={**good, "dW1": 6 * good["dW1"]}
    )
    assert "worst: dW1" in str(one)
