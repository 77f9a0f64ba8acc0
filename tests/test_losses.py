"""npbackprop.losses: hand-worked values, losses from logits, derivatives against centred
differences, the canonical-pair identity dZ = A - Y, saturation, validation and dtypes."""

import numpy as np
import pytest

from npbackprop import losses

# --- Per-example losses written here from their definitions (shape (1, m)). ---


def bce_per_example(A, Y):
    return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=0, keepdims=True)


def ce_per_example(A, Y):
    return -np.sum(Y * np.log(A), axis=0, keepdims=True)


def se_per_example(A, Y):
    return 0.5 * np.sum((A - Y) ** 2, axis=0, keepdims=True)


def sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))


def softmax(Z):
    E = np.exp(Z)
    return E / E.sum(axis=0, keepdims=True)


OUTPUTS = ("sigmoid", "softmax", "identity")
FROM_A = {
    "sigmoid": losses.binary_cross_entropy,
    "softmax": losses.cross_entropy,
    "identity": losses.squared_error,
}
FROM_Z = {
    "sigmoid": losses.binary_cross_entropy_with_logits,
    "softmax": losses.cross_entropy_with_logits,
    "identity": losses.squared_error,  # the identity's logits are its activations
}
DERIVATIVE = {
    "sigmoid": losses.binary_cross_entropy_derivative,
    "softmax": losses.cross_entropy_derivative,
    "identity": losses.squared_error_derivative,
}
REFERENCE = {"sigmoid": bce_per_example, "softmax": ce_per_example, "identity": se_per_example}
LINK = {"sigmoid": sigmoid, "softmax": softmax, "identity": lambda Z: Z.copy()}


def problem(output, *, n=3, m=7, seed=0, scale=3.0):
    """Moderate logits Z, their activations A (computed here) and valid targets Y."""
    rng = np.random.default_rng(seed)
    Z = rng.uniform(-scale, scale, size=(n, m))
    if output == "sigmoid":
        Y = rng.integers(0, 2, size=(n, m)).astype(float)
    elif output == "softmax":
        Y = np.eye(n)[:, rng.integers(0, n, size=m)]
    else:
        Y = rng.normal(size=(n, m))
    return Z, LINK[output](Z), Y


def per_example_centred_differences(loss, A, Y, h=1e-6):
    """g[k, i] = (L⁽ⁱ⁾(A + h e_ki) - L⁽ⁱ⁾(A - h e_ki)) / 2h, with L⁽ⁱ⁾ the i-th column's loss."""
    A = np.array(A, dtype=np.float64)
    g = np.empty_like(A)
    for k, i in np.ndindex(A.shape):
        keep = A[k, i]
        A[k, i] = keep + h
        up = loss(A, Y)[0, i]
        A[k, i] = keep - h
        down = loss(A, Y)[0, i]
        A[k, i] = keep
        g[k, i] = (up - down) / (2 * h)
    return g


# --- Hand-worked values. ---


def test_binary_cross_entropy_by_hand():
    # a = 1/2: -log(1/2) = log 2 whatever the label; two units per column → 2 log 2
    A = np.full((2, 2), 0.5)
    Y = np.array([[1, 0], [0, 0]])
    np.testing.assert_allclose(
        losses.binary_cross_entropy(A, Y), [[2 * np.log(2), 2 * np.log(2)]], rtol=1e-15
    )
    # a = 3/4: y = 1 → -log(3/4) = log(4/3); y = 0 → -log(1/4) = log 4
    np.testing.assert_allclose(
        losses.binary_cross_entropy(np.array([[0.75, 0.75]]), np.array([[1, 0]])),
        [[np.log(4 / 3), np.log(4.0)]],
        rtol=1e-15,
    )


def test_binary_cross_entropy_with_logits_by_hand():
    # σ(0) = 1/2 → log 2;  σ(log 3) = 3/4 → y = 1: log(4/3), y = 0: log 4
    Z = np.array([[0.0, 0.0, np.log(3.0), np.log(3.0)]])
    Y = np.array([[1, 0, 1, 0]])
    np.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits(Z, Y),
        [[np.log(2), np.log(2), np.log(4 / 3), np.log(4.0)]],
        rtol=1e-14,
    )


def test_cross_entropy_by_hand():
    # columns: picks 1/2 → log 2; picks 3/4 → log(4/3); picks 1/8 → log 8 = 3 log 2
    A = np.array([[0.5, 0.125, 0.125], [0.25, 0.125, 0.75], [0.25, 0.75, 0.125]])
    Y = np.array([[1, 0, 0], [0, 0, 0], [0, 1, 1]])
    np.testing.assert_allclose(
        losses.cross_entropy(A, Y), [[np.log(2), np.log(4 / 3), 3 * np.log(2)]], rtol=1e-15
    )


def test_cross_entropy_with_logits_by_hand():
    # z = log [1, 2, 5] → softmax = [1, 2, 5]/8; target class 3 → -log(5/8) = log(8/5)
    Z = np.log(np.array([[1.0], [2.0], [5.0]]))
    np.testing.assert_allclose(
        losses.cross_entropy_with_logits(Z, np.array([[0], [0], [1]])),
        [[np.log(8 / 5)]],
        rtol=1e-14,
    )


def test_squared_error_by_hand():
    # column 0: ½ (1² + 2²) = 2.5;  column 1: ½ (3² + (-2)²) = 6.5
    A = np.array([[1.0, 3.0], [2.0, -1.0]])
    Y = np.array([[0.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(losses.squared_error(A, Y), [[2.5, 6.5]])
    np.testing.assert_array_equal(losses.loss_with_logits(A, Y, "identity"), [[2.5, 6.5]])


def test_derivatives_by_hand():
    # BCE' = -(y/a - (1-y)/(1-a)): a = 3/4, y = 1 → -4/3;  y = 0 → 1/(1/4) = 4
    np.testing.assert_allclose(
        losses.binary_cross_entropy_derivative(np.array([[0.75, 0.75]]), np.array([[1, 0]])),
        [[-4 / 3, 4.0]],
        rtol=1e-15,
    )
    # CE' = -y/a: a = [1/4, 3/4], y = [1, 0] → [-4, 0]
    np.testing.assert_array_equal(
        losses.cross_entropy_derivative(np.array([[0.25], [0.75]]), np.array([[1], [0]])),
        [[-4.0], [0.0]],
    )
    # SE' = a - y
    np.testing.assert_array_equal(
        losses.squared_error_derivative(np.array([[1.5, -2.0]]), np.array([[0.5, 1.0]])),
        [[1.0, -3.0]],
    )


# --- The package's losses against the definitions. ---


@pytest.mark.parametrize("output", OUTPUTS)
def test_loss_matches_its_definition(output):
    _, A, Y = problem(output, seed=1)
    np.testing.assert_allclose(
        FROM_A[output](A, Y), REFERENCE[output](A, Y), rtol=1e-13, err_msg=output
    )


@pytest.mark.parametrize("output", OUTPUTS)
def test_with_logits_equals_from_activations_for_moderate_logits(output):
    Z, A, Y = problem(output, seed=2, scale=5.0)
    expected = FROM_A[output](A, Y)
    np.testing.assert_allclose(FROM_Z[output](Z, Y), expected, rtol=1e-12, err_msg=output)
    np.testing.assert_allclose(
        losses.loss_with_logits(Z, Y, output), expected, rtol=1e-12, err_msg=output
    )


def test_binary_cross_entropy_with_logits_is_exact_at_1000():
    # right and saturated → log(1 + e⁻¹⁰⁰⁰) = 0;  wrong and saturated → |z| = 1000
    Z = np.array([[1000.0, -1000.0, 1000.0, -1000.0]])
    Y = np.array([[1, 0, 0, 1]])
    expected = [[0.0, 0.0, 1000.0, 1000.0]]
    np.testing.assert_array_equal(losses.binary_cross_entropy_with_logits(Z, Y), expected)
    np.testing.assert_array_equal(losses.loss_with_logits(Z, Y, "sigmoid"), expected)


def test_cross_entropy_with_logits_is_exact_at_1000():
    # log_softmax([1000, -1000, 0]) = [0, -2000, -1000] in float64
    Z = np.array([[1000.0, 1000.0, 1000.0], [-1000.0, -1000.0, -1000.0], [0.0, 0.0, 0.0]])
    Y = np.eye(3)
    expected = [[0.0, 2000.0, 1000.0]]
    np.testing.assert_array_equal(losses.cross_entropy_with_logits(Z, Y), expected)
    np.testing.assert_array_equal(losses.loss_with_logits(Z, Y, "softmax"), expected)


# --- Derivatives. ---


@pytest.mark.parametrize("output", OUTPUTS)
def test_derivative_matches_centred_differences(output):
    # sigmoid/softmax outputs in [σ(-3), σ(3)] ≈ [0.05, 0.95]: far from the logs' poles
    _, A, Y = problem(output, seed=3)
    expected = per_example_centred_differences(REFERENCE[output], A, Y)
    np.testing.assert_allclose(
        DERIVATIVE[output](A, Y), expected, rtol=1e-7, atol=1e-8, err_msg=output
    )
    np.testing.assert_allclose(
        losses.loss_derivative(A, Y, output), expected, rtol=1e-7, atol=1e-8, err_msg=output
    )


def jacobian_chain(dA, A, output):
    """dZ = dA ⊙ g'(Z), written here: σ' = s(1 - s), the softmax Jacobian, the identity's 1."""
    if output == "sigmoid":
        return dA * A * (1 - A)
    if output == "softmax":
        dZ = np.empty_like(dA)
        for i in range(A.shape[1]):
            a = A[:, i]
            dZ[:, i] = (np.diag(a) - np.outer(a, a)) @ dA[:, i]
        return dZ
    return dA * np.ones_like(A)


@pytest.mark.parametrize("output", OUTPUTS)
def test_canonical_pair_gives_a_minus_y(output):
    _, A, Y = problem(output, n=4, m=9, seed=4)
    expected = A - Y
    atol = 1e-12 * np.max(np.abs(expected))
    chained = jacobian_chain(DERIVATIVE[output](A, Y), A, output)
    np.testing.assert_allclose(chained, expected, rtol=1e-12, atol=atol, err_msg="dA ⊙ g'(Z)")
    np.testing.assert_allclose(
        losses.output_gradient(A, Y), expected, rtol=1e-15, atol=0, err_msg="output_gradient"
    )


def test_output_gradient_stays_finite_where_the_chain_does_not():
    A = np.array([[1.0, 0.0]])  # σ(±40) in float64
    Y = np.array([[0.0, 1.0]])
    np.testing.assert_array_equal(losses.output_gradient(A, Y), [[1.0, -1.0]])


# --- Documented behaviour at saturation. ---


def test_bce_derivative_at_saturation_is_infinite_with_a_warning():
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        dA = losses.binary_cross_entropy_derivative(np.array([[1.0, 0.0]]), np.array([[0, 1]]))
    # y = 0, a = 1: -(0/1 - 1/0) = +inf;  y = 1, a = 0: -(1/0 - 0/1) = -inf
    np.testing.assert_array_equal(dA, [[np.inf, -np.inf]])


def test_bce_at_saturation_is_infinite_without_clipping_or_warning():
    # filterwarnings = error: a divide-by-zero warning would fail this test
    A = np.array([[1.0, 0.0, 1.0, 0.0]])
    Y = np.array([[0, 1, 1, 0]])
    np.testing.assert_array_equal(losses.binary_cross_entropy(A, Y), [[np.inf, np.inf, 0.0, 0.0]])


def test_ce_with_a_zero_probability():
    A = np.array([[1.0, 1.0], [0.0, 0.0]])
    Y = np.array([[1, 0], [0, 1]])
    # the class the target selects decides: log 1 = 0, or -log 0 = inf; 0 · log 0 never arises
    np.testing.assert_array_equal(losses.cross_entropy(A, Y), [[0.0, np.inf]])
    with pytest.warns(RuntimeWarning):
        dA = losses.cross_entropy_derivative(A, Y)
    assert np.isnan(dA[1, 0]), "-0/0 for a class with y = 0 that underflowed"
    assert dA[1, 1] == -np.inf


# --- Validation. ---

GOOD_A = np.array([[0.2, 0.7]])


@pytest.mark.parametrize(
    "call",
    [
        losses.binary_cross_entropy,
        losses.binary_cross_entropy_with_logits,
        losses.binary_cross_entropy_derivative,
        lambda A, Y: losses.loss_with_logits(A, Y, "sigmoid"),
        lambda A, Y: losses.loss_derivative(A, Y, "sigmoid"),
    ],
)
@pytest.mark.parametrize("Y", [[[0.5, 1.0]], [[2, 0]], [[-1, 1]]])
def test_binary_labels_outside_0_1_are_rejected(call, Y):
    with pytest.raises(ValueError, match=r"labels in \{0, 1\}"):
        call(GOOD_A, np.array(Y))


@pytest.mark.parametrize(
    "call",
    [
        losses.cross_entropy,
        losses.cross_entropy_with_logits,
        losses.cross_entropy_derivative,
        lambda A, Y: losses.loss_with_logits(A, Y, "softmax"),
        lambda A, Y: losses.loss_derivative(A, Y, "softmax"),
    ],
)
@pytest.mark.parametrize(
    "column", [[1, 1, 0], [0, 0, 0], [0.5, 0.5, 0], [2, -1, 0]], ids=["two", "none", "half", "neg"]
)
def test_cross_entropy_targets_must_be_one_hot(call, column):
    A = np.array([[0.2, 0.3], [0.3, 0.3], [0.5, 0.4]])
    Y = np.array([[1, column[0]], [0, column[1]], [0, column[2]]])
    with pytest.raises(ValueError, match="one-hot"):
        call(A, Y)


@pytest.mark.parametrize(
    ("call", "output"),
    [
        (losses.binary_cross_entropy, "sigmoid"),
        (losses.binary_cross_entropy_derivative, "sigmoid"),
        (losses.cross_entropy, "softmax"),
        (losses.cross_entropy_derivative, "softmax"),
    ],
)
@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_activations_outside_0_1_are_rejected(call, output, bad):
    A = np.array([[bad, 0.5], [0.5, 0.5]])
    Y = np.array([[1, 0], [0, 1]])
    with pytest.raises(ValueError, match=rf"{output} output must hold probabilities in \[0, 1\]"):
        call(A, Y)


def test_logits_may_lie_outside_0_1():
    Z = np.array([[-3.0, 4.0]])
    Y = np.array([[0, 1]])
    # log(1 + e^-3) and log(1 + e^-4), the labels on the right side
    np.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits(Z, Y),
        [[np.log1p(np.exp(-3.0)), np.log1p(np.exp(-4.0))]],
        rtol=1e-14,
    )


@pytest.mark.parametrize(
    "call",
    [
        losses.binary_cross_entropy,
        losses.binary_cross_entropy_with_logits,
        losses.binary_cross_entropy_derivative,
        losses.cross_entropy,
        losses.cross_entropy_with_logits,
        losses.cross_entropy_derivative,
        losses.squared_error,
        losses.squared_error_derivative,
        losses.output_gradient,
        lambda A, Y: losses.loss_with_logits(A, Y, "identity"),
        lambda A, Y: losses.loss_derivative(A, Y, "identity"),
    ],
)
def test_shape_mismatch_is_rejected(call):
    A = np.full((2, 3), 0.5)
    Y = np.array([[1, 0, 0, 1], [0, 1, 1, 0]])  # (2, 4), one-hot and binary
    with pytest.raises(ValueError, match=r"Y must have shape \(2, 3\)"):
        call(A, Y)


@pytest.mark.parametrize("bad", ["tanh", "Sigmoid", "mse"])
def test_unknown_output_is_rejected(bad):
    Z, Y = np.zeros((1, 2)), np.zeros((1, 2))
    with pytest.raises(ValueError, match=f"unknown output '{bad}'") as info:
        losses.loss_with_logits(Z, Y, bad)
    assert all(repr(name) in str(info.value) for name in OUTPUTS), str(info.value)
    with pytest.raises(ValueError, match=f"unknown output '{bad}'"):
        losses.loss_derivative(Z, Y, bad)


def test_loss_names_pair_with_the_outputs():
    assert set(losses.LOSS_NAMES) == set(OUTPUTS)


# --- dtypes and inputs left alone. ---


def _calls(output, Z, A, Y):
    """Every public function for ``output``, by a label."""
    return {
        "from A": lambda: FROM_A[output](A, Y),
        "from Z": lambda: FROM_Z[output](Z, Y),
        "derivative": lambda: DERIVATIVE[output](A, Y),
        "loss_with_logits": lambda: losses.loss_with_logits(Z, Y, output),
        "loss_derivative": lambda: losses.loss_derivative(A, Y, output),
        "output_gradient": lambda: losses.output_gradient(A, Y),
    }


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_is_preserved_even_with_integer_labels(output, dtype):
    Z, A, Y = problem(output, seed=5, scale=2.0)
    if output != "identity":
        Y = Y.astype(np.int64)  # labels as integers, as they often arrive
    rtol = {np.float32: 1e-5, np.float16: 1e-2}[dtype]
    reference = _calls(output, Z, A, Y)
    for label, call in _calls(output, Z.astype(dtype), A.astype(dtype), Y).items():
        out = call()
        assert out.dtype == dtype, f"{output} {label}: {np.dtype(dtype)} in, {out.dtype} out"
        want = reference[label]()
        scale = np.max(np.abs(want))
        np.testing.assert_allclose(
            out.astype(np.float64), want, rtol=rtol, atol=rtol * scale, err_msg=label
        )


@pytest.mark.parametrize("output", OUTPUTS)
def test_no_input_is_modified(output):
    Z, A, Y = problem(output, seed=6)
    before = (Z.copy(), A.copy(), Y.copy())
    for label, call in _calls(output, Z, A, Y).items():
        call()
        for name, arr, arr0 in zip("ZAY", (Z, A, Y), before, strict=True):
            np.testing.assert_array_equal(arr, arr0, err_msg=f"{label} modified {name}")
