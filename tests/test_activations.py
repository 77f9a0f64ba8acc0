"""npbackprop.activations: every g' against centred differences and against autograd, the edge
cases at 0, numerical stability, the softmax Jacobian, dtypes, and the name dispatch."""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import elementwise_grad, grad

from npbackprop import activations as act

# --- Independent formulas, written here in autograd.numpy (nothing from the package). ---

REFERENCE = {
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
    "tanh": lambda z: (anp.exp(z) - anp.exp(-z)) / (anp.exp(z) + anp.exp(-z)),
    "relu": lambda z: anp.maximum(z, 0.0),
    "leaky_relu": lambda z: anp.where(z > 0, z, 0.01 * z),
    "identity": lambda z: 1.0 * z,
}


def reference_softmax(Z):
    """Softmax per column straight from its definition (only for moderate logits)."""
    E = anp.exp(Z)
    return E / anp.sum(E, axis=0, keepdims=True)


ALL_REFERENCE = {**REFERENCE, "softmax": reference_softmax}

# The package's (g, g') pairs, by name.
PAIRS = {
    "sigmoid": (act.sigmoid, act.sigmoid_derivative),
    "tanh": (act.tanh, act.tanh_derivative),
    "relu": (act.relu, act.relu_derivative),
    "leaky_relu": (act.leaky_relu, act.leaky_relu_derivative),
    "identity": (act.identity, act.identity_derivative),
}
NAMES = ("relu", "tanh", "sigmoid", "leaky_relu", "softmax", "identity")


def away_from_zero(rng, shape, low=0.1, high=4.0):
    """Points with low ≤ |z| ≤ high and both signs: no kink of relu/leaky_relu within reach."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


def centred_elementwise(g, Z, h=1e-6):
    """(g(z + h) - g(z - h)) / 2h, elementwise: the derivative of an elementwise g."""
    Z = np.asarray(Z, dtype=np.float64)
    return (g(Z + h) - g(Z - h)) / (2 * h)


def softmax_jacobian_product(dA, A):
    """dZ[:, i] = (diag(a) - a aᵀ) dA[:, i], the Jacobian built explicitly for every column."""
    dZ = np.empty_like(dA)
    for i in range(A.shape[1]):
        a = A[:, i]
        J = np.diag(a) - np.outer(a, a)
        dZ[:, i] = J @ dA[:, i]
    return dZ


# --- Forward values against the independent formulas. ---


@pytest.mark.parametrize("name", list(REFERENCE))
def test_forward_matches_reference_formula(name):
    Z = np.random.default_rng(0).uniform(-5, 5, size=(4, 7))
    g, _ = PAIRS[name]
    np.testing.assert_allclose(
        g(Z), REFERENCE[name](Z), rtol=1e-13, atol=1e-15, err_msg=f"{name}(Z)"
    )


def test_softmax_matches_reference_formula():
    Z = np.random.default_rng(1).uniform(-5, 5, size=(4, 7))
    np.testing.assert_allclose(
        act.softmax(Z), reference_softmax(Z), rtol=1e-13, atol=1e-16, err_msg="softmax"
    )


# --- Every derivative: centred differences and autograd. ---


@pytest.mark.parametrize("name", list(PAIRS))
def test_derivative_matches_centred_differences(name):
    Z = away_from_zero(np.random.default_rng(2), (3, 8))
    g, dg = PAIRS[name]
    np.testing.assert_allclose(
        dg(Z), centred_elementwise(g, Z), rtol=1e-7, atol=1e-8, err_msg=f"{name}'(Z)"
    )


@pytest.mark.parametrize("name", list(PAIRS))
def test_derivative_matches_autograd(name):
    Z = away_from_zero(np.random.default_rng(3), (3, 8))
    _, dg = PAIRS[name]
    expected = elementwise_grad(REFERENCE[name])(Z)
    np.testing.assert_allclose(dg(Z), expected, rtol=1e-12, atol=1e-15, err_msg=f"{name}'(Z)")


@pytest.mark.parametrize("slope", [0.2, 0.5])
def test_leaky_relu_slope_argument(slope):
    Z = away_from_zero(np.random.default_rng(4), (2, 6))
    expected = np.where(Z > 0, Z, slope * Z)
    np.testing.assert_allclose(act.leaky_relu(Z, slope), expected, rtol=1e-15, err_msg="g")
    np.testing.assert_allclose(
        act.leaky_relu_derivative(Z, slope),
        centred_elementwise(lambda z: act.leaky_relu(z, slope), Z),
        rtol=1e-7,
        atol=1e-8,
        err_msg="g'",
    )


def test_relu_and_leaky_relu_derivatives_at_zero():
    Z = np.array([[0.0, -0.0, -1e-300, 1e-300]])
    np.testing.assert_array_equal(act.relu_derivative(Z), [[0.0, 0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(act.leaky_relu_derivative(Z), [[0.01, 0.01, 0.01, 1.0]])
    assert act.relu_derivative(np.array(0.0)) == 0.0
    assert act.leaky_relu_derivative(np.array(0.0)) == 0.01
    np.testing.assert_array_equal(
        act.activation_backward(np.array([[7.0]]), np.array([[0.0]]), "relu"), [[0.0]]
    )


def test_derivatives_by_hand():
    Z = np.array([[0.0, np.log(3.0)]])
    # σ(0) = 1/2 → σ' = 1/4;  σ(log 3) = 3/4 → σ' = 3/16
    np.testing.assert_allclose(act.sigmoid_derivative(Z), [[0.25, 3 / 16]], rtol=1e-15)
    # tanh(log 3) = (3 - 1/3)/(3 + 1/3) = 4/5 → 1 - 16/25 = 9/25
    np.testing.assert_allclose(act.tanh_derivative(Z), [[1.0, 9 / 25]], rtol=1e-14)
    np.testing.assert_array_equal(act.identity_derivative(Z), [[1.0, 1.0]])


# --- Stability. ---


@pytest.mark.parametrize(
    ("dtype", "big"),
    [(np.float64, 1000.0), (np.float64, 1e308), (np.float32, 1000.0), (np.float32, 3e38)],
)
def test_sigmoid_saturates_exactly_without_warning(dtype, big):
    # filterwarnings = error: an overflow RuntimeWarning would fail this test
    Z = np.array([[-big, big]], dtype=dtype)
    A = act.sigmoid(Z)
    np.testing.assert_array_equal(A, [[0.0, 1.0]], err_msg=f"sigmoid(±{big})")
    np.testing.assert_array_equal(act.sigmoid_derivative(Z), [[0.0, 0.0]])


def test_softmax_of_huge_logits_is_finite_and_exact():
    Z = np.array(
        [
            [1000.0, -1000.0, 1e300, 1e308],
            [999.0, 1000.0, 1e300, 1e308],
            [-1000.0, 0.0, -1e300, 1e308],
        ]
    )
    A = act.softmax(Z)
    e = np.exp(1.0)
    # column 0: shift by 1000 → [e⁰, e⁻¹, e⁻²⁰⁰⁰≈0] / (1 + 1/e) → [e/(e+1), 1/(e+1), 0]
    expected = np.array(
        [
            [e / (e + 1), 0.0, 0.5, 1 / 3],
            [1 / (e + 1), 1.0, 0.5, 1 / 3],
            [0.0, 0.0, 0.0, 1 / 3],
        ]
    )
    assert np.isfinite(A).all()
    np.testing.assert_allclose(A, expected, rtol=1e-15, atol=0, err_msg="softmax(huge)")


def test_softmax_columns_sum_to_one():
    Z = np.random.default_rng(5).normal(scale=30.0, size=(6, 11))
    np.testing.assert_allclose(act.softmax(Z).sum(axis=0), np.ones(11), rtol=1e-14, err_msg="Σ")


def test_softmax_is_shift_invariant_per_column():
    rng = np.random.default_rng(6)
    Z = rng.uniform(-5, 5, size=(4, 5))
    shift = np.array([[-300.0, -2.5, 0.0, 50.0, 700.0]])  # a different constant per column
    np.testing.assert_allclose(
        act.softmax(Z + shift), act.softmax(Z), rtol=1e-12, atol=0, err_msg="shifted"
    )
    # with dyadic logits every subtraction is exact, so the shifted softmax is bit-identical
    Zq = rng.integers(-40, 40, size=(4, 5)) / 8.0
    np.testing.assert_array_equal(act.softmax(Zq + shift), act.softmax(Zq), err_msg="dyadic")


def test_log_softmax_is_log_of_softmax_in_moderate_range():
    Z = np.random.default_rng(7).uniform(-10, 10, size=(5, 9))
    by_definition = Z - np.log(np.sum(np.exp(Z), axis=0, keepdims=True))
    np.testing.assert_allclose(
        act.log_softmax(Z), np.log(act.softmax(Z)), rtol=1e-12, atol=1e-12, err_msg="log(sm)"
    )
    np.testing.assert_allclose(
        act.log_softmax(Z), by_definition, rtol=1e-12, atol=1e-12, err_msg="z - logsumexp"
    )


def test_log_softmax_is_finite_for_huge_logits():
    Z = np.array([[1000.0, 1e300], [-1000.0, 1e300], [0.0, -1e300]])
    L = act.log_softmax(Z)
    # column 0: logsumexp = 1000 + log(1 + e⁻²⁰⁰⁰ + e⁻¹⁰⁰⁰) = 1000 in float64
    # column 1: logsumexp = 1e300 + log 2, and 1e300 - 1e300 - log 2 = -log 2
    expected = np.array([[0.0, -np.log(2.0)], [-2000.0, -np.log(2.0)], [-1000.0, -2e300]])
    assert np.isfinite(L).all()
    np.testing.assert_allclose(L, expected, rtol=1e-15, atol=0, err_msg="log_softmax(huge)")


# --- The softmax Jacobian. ---


def test_softmax_backward_equals_explicit_jacobian():
    rng = np.random.default_rng(8)
    Z, dA = rng.normal(size=(4, 6)), rng.normal(size=(4, 6))
    A = reference_softmax(Z)
    expected = softmax_jacobian_product(dA, A)
    scale = np.max(np.abs(expected))
    np.testing.assert_allclose(
        act.softmax_backward(dA, A), expected, rtol=1e-12, atol=1e-12 * scale, err_msg="dZ"
    )


def test_softmax_backward_is_the_vector_jacobian_product_of_autograd():
    rng = np.random.default_rng(9)
    Z, dA = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    expected = grad(lambda z: anp.sum(dA * reference_softmax(z)))(Z)
    scale = np.max(np.abs(expected))
    np.testing.assert_allclose(
        act.softmax_backward(dA, act.softmax(Z)),
        expected,
        rtol=1e-12,
        atol=1e-12 * scale,
        err_msg="dZ",
    )


# --- dtypes and inputs left alone. ---


def _all_calls(Z, dA):
    """Every public function of the module, by a label, applied to (Z, dA)."""
    A = act.softmax(Z)
    calls = {
        "sigmoid": lambda: act.sigmoid(Z),
        "sigmoid_derivative": lambda: act.sigmoid_derivative(Z),
        "tanh": lambda: act.tanh(Z),
        "tanh_derivative": lambda: act.tanh_derivative(Z),
        "relu": lambda: act.relu(Z),
        "relu_derivative": lambda: act.relu_derivative(Z),
        "leaky_relu": lambda: act.leaky_relu(Z),
        "leaky_relu_derivative": lambda: act.leaky_relu_derivative(Z),
        "identity": lambda: act.identity(Z),
        "identity_derivative": lambda: act.identity_derivative(Z),
        "softmax": lambda: act.softmax(Z),
        "log_softmax": lambda: act.log_softmax(Z),
        "softmax_backward": lambda: act.softmax_backward(dA, A),
    }
    for name in NAMES:
        calls[f"forward {name}"] = lambda name=name: act.activation_forward(Z, name)
        calls[f"backward {name}"] = lambda name=name: act.activation_backward(dA, Z, name)
    return calls


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    rng = np.random.default_rng(10)
    Z = rng.normal(size=(3, 4)).astype(dtype)
    dA = rng.normal(size=(3, 4)).astype(dtype)
    outputs = {label: call() for label, call in _all_calls(Z, dA).items()}
    wrong = {label: out.dtype for label, out in outputs.items() if out.dtype != dtype}
    assert not wrong, f"{np.dtype(dtype)} in, other dtypes out: {wrong}"


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_low_precision_values_are_close_to_float64(dtype):
    rng = np.random.default_rng(11)
    Z64 = away_from_zero(rng, (3, 4))
    dA64 = rng.normal(size=(3, 4))
    rtol = {np.float16: 5e-3, np.float32: 5e-6}[dtype]
    low = _all_calls(Z64.astype(dtype), dA64.astype(dtype))
    for label, expected in _all_calls(Z64, dA64).items():
        got = low[label]().astype(np.float64)
        want = expected()
        scale = np.max(np.abs(want))
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale, err_msg=label)


def test_no_input_is_modified_or_aliased():
    rng = np.random.default_rng(12)
    Z = away_from_zero(rng, (3, 4))
    dA = rng.normal(size=(3, 4))
    Z0, dA0 = Z.copy(), dA.copy()
    for label, call in _all_calls(Z, dA).items():
        out = call()
        np.testing.assert_array_equal(Z, Z0, err_msg=f"{label} modified Z")
        np.testing.assert_array_equal(dA, dA0, err_msg=f"{label} modified dA")
        assert not np.shares_memory(out, Z), f"{label} returned a view of Z"
        assert not np.shares_memory(out, dA), f"{label} returned a view of dA"


# --- Dispatch by name. ---


@pytest.mark.parametrize("name", NAMES)
def test_activation_forward_dispatches(name):
    Z = away_from_zero(np.random.default_rng(13), (3, 5))
    np.testing.assert_allclose(
        act.activation_forward(Z, name),
        ALL_REFERENCE[name](Z),
        rtol=1e-13,
        atol=1e-15,
        err_msg=name,
    )


@pytest.mark.parametrize("name", NAMES)
def test_activation_backward_dispatches(name):
    rng = np.random.default_rng(14)
    Z, dA = away_from_zero(rng, (3, 5)), rng.normal(size=(3, 5))
    # dZ = ∂/∂Z Σ dA ⊙ g(Z): dA ⊙ g'(Z) for elementwise g, the Jacobian product for softmax
    expected = grad(lambda z: anp.sum(dA * ALL_REFERENCE[name](z)))(Z)
    scale = np.max(np.abs(expected))
    np.testing.assert_allclose(
        act.activation_backward(dA, Z, name),
        expected,
        rtol=1e-12,
        atol=1e-12 * scale,
        err_msg=name,
    )


def test_activation_backward_is_linear_in_dA():
    rng = np.random.default_rng(15)
    Z, dA = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    for name in NAMES:
        np.testing.assert_allclose(
            act.activation_backward(4.0 * dA, Z, name),
            4.0 * act.activation_backward(dA, Z, name),
            rtol=1e-14,
            atol=1e-15,
            err_msg=name,
        )


@pytest.mark.parametrize(
    "call",
    [
        lambda Z, name: act.activation_forward(Z, name),
        lambda Z, name: act.activation_backward(Z, Z, name),
    ],
    ids=["forward", "backward"],
)
@pytest.mark.parametrize("bad", ["gelu", "Relu", "softplus"])
def test_unknown_name_lists_the_valid_ones(call, bad):
    with pytest.raises(ValueError, match=repr(bad)) as info:
        call(np.zeros((2, 3)), bad)
    message = str(info.value)
    assert "relu" in message
    missing = [name for name in NAMES if repr(name) not in message]
    assert not missing, f"valid names not listed: {missing} in {message!r}"


def test_name_tuples():
    assert act.HIDDEN == ("relu", "tanh", "sigmoid", "leaky_relu")
    assert act.OUTPUTS == ("sigmoid", "softmax", "identity")


def test_softmax_of_logits_further_apart_than_the_float_range():
    """1e308 - (-1e308) overflows to inf; the result is still exact and raises no warning."""
    Z = np.array([[1e308], [-1e308]])
    np.testing.assert_array_equal(act.softmax(Z), [[1.0], [0.0]])
    np.testing.assert_array_equal(act.log_softmax(Z), [[0.0], [-np.inf]])
