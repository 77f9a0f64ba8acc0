"""Regressions for problems found in review: each test names the behaviour it pins down."""

import numpy as np
import pytest

from npbackprop import activations, conventions, datasets, gradcheck, network, training, two_layer

from helpers import make_problem


def problem():
    rng = np.random.default_rng(0)
    return (
        network.init_params([3, 4, 1], seed=0),
        rng.normal(size=(3, 6)),
        np.array([[0, 1, 1, 0, 1, 0]]),
    )


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_gradient_fails_the_check(bad):
    p, X, Y = problem()
    g = network.gradients(p, X, Y, hidden="tanh")
    g["dW2"] = g["dW2"] * bad
    report = gradcheck.check_network(p, X, Y, hidden="tanh", grads=g)
    assert not report.passed()
    assert report.worst == "dW2"
    assert np.isnan(gradcheck.relative_error(g["dW2"], np.ones_like(g["dW2"])))


def test_a_float32_network_passes_its_gradient_check():
    p, X, Y = make_problem("tanh", "sigmoid", dtype=np.float32)
    report = gradcheck.check_network(p, X, Y, hidden="tanh")
    assert report.passed(), str(report)


def test_forward_never_rounds_a_wider_bias():
    W = np.ones((1, 1), dtype=np.float32)
    b = np.array([[1e-9]])  # float64; lost entirely if rounded to float32 next to 1
    _, caches = network.forward(
        np.ones((1, 1), dtype=np.float32), {"W1": W, "b1": b}, output="identity"
    )
    assert caches[0][1].dtype == np.float64
    assert caches[0][1][0, 0] - 1.0 == pytest.approx(1e-9, rel=1e-6)


@pytest.mark.parametrize("dtype", [np.int32, np.complex128, bool])
def test_init_params_needs_a_floating_dtype(dtype):
    with pytest.raises(ValueError, match=r"dtype must be a floating type .*; got"):
        network.init_params([3, 2], dtype=dtype)


def test_float16_cost_does_not_overflow_for_large_m():
    p16 = network.init_params([2, 1], dtype=np.float16)
    m = 100_000  # Σ L = m log 2 ≈ 69 315 > 65 504, the largest float16
    X, Y = np.zeros((2, m), np.float16), np.ones((1, m))
    assert network.cost(p16, X, Y) == pytest.approx(np.log(2), rel=1e-3)
    assert two_layer.cost(np.full((1, m), 0.5, np.float16), Y) == pytest.approx(np.log(2), rel=1e-3)


def test_two_layer_cost_checks_probabilities():
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]; got values from 0.5 to 1.5"):
        two_layer.cost(np.array([[1.5, 0.5]]), np.array([[0, 1]]))


def test_update_params_takes_lists_keeps_dtype_and_rejects_nan():
    p, X, Y = problem()
    g = network.gradients(p, X, Y)
    from_lists = network.update_params(
        {k: v.tolist() for k, v in p.items()}, {k: v.tolist() for k, v in g.items()}, 0.1
    )
    expected = network.update_params(p, g, 0.1)
    for key in p:
        np.testing.assert_allclose(from_lists[key], expected[key], rtol=1e-15)
    p32 = {k: v.astype(np.float32) for k, v in p.items()}
    assert {v.dtype for v in network.update_params(p32, g, 0.1).values()} == {np.dtype(np.float32)}
    with pytest.raises(ValueError, match="dW1 must be finite"):
        network.update_params(p, {**g, "dW1": g["dW1"] * np.nan}, 0.1)
    with pytest.raises(ValueError, match=r"grads must be a dict .*; got list"):
        network.update_params(p, [1], 0.1)


def test_train_keeps_float32_from_the_inputs():
    X, Y = datasets.moons(m=20)
    params, _ = training.train(X.astype(np.float32), Y, [2, 3, 1], epochs=2)
    assert {v.dtype for v in params.values()} == {np.dtype(np.float32)}


def test_train_stops_with_a_warning_when_the_cost_is_not_finite():
    X, Y = datasets.moons(m=20)
    stopped = r"training stopped in epoch \d+ \(step \d+\)"
    with pytest.warns(RuntimeWarning, match=stopped), np.errstate(all="ignore"):
        params, h = training.train(X * 1e3, Y, [2, 5, 1], init=10.0, fused=False, epochs=50)
    assert len(h.cost) < 50
    # the step whose gradient was NaN (the saturated sigmoid of fused=False) was not taken
    assert h.steps == len(h.batch_cost) - 1
    assert all(np.isfinite(v).all() for v in params.values())


@pytest.mark.parametrize("progress", [1, 0, "yes"])
def test_progress_must_be_a_bool_or_none(progress):
    X, Y = datasets.moons(m=20)
    with pytest.raises(ValueError, match="progress must be None, True or False"):
        training.train(X, Y, [2, 3, 1], epochs=1, progress=progress)


def test_backward_rejects_an_output_from_another_pass():
    X, Y = datasets.moons(m=20)
    AL, caches = network.forward(X, network.init_params([2, 3, 1]))
    network.backward(AL.copy(), Y, caches)  # equal values are fine
    with pytest.raises(ValueError, match="AL must be the output of the forward pass"):
        network.backward(np.full_like(AL, 0.5), Y, caches)


def test_param_keys_with_a_gap_or_odd_types():
    p = {"W1": np.ones((2, 2)), "b1": np.ones((2, 1)), "W3": np.ones((1, 2)), "b3": np.ones((1, 1))}
    with pytest.raises(ValueError, match=r"missing \['W2', 'b2'\]"):
        network.forward(np.ones((2, 3)), p)
    with pytest.raises(ValueError, match=r"params must hold W1, b1, ...; got keys \['1', 'W'\]"):
        network.forward(np.ones((2, 3)), {"W": 1, 1: 2})


def test_error_hints_fit_the_argument():
    with pytest.raises(ValueError, match=r"b1 must be a 2-D array \(a column"):
        network.forward(np.ones((3, 2)), {"W1": np.ones((4, 3)), "b1": np.zeros(4)})
    with pytest.raises(ValueError, match=r"X must be a rectangular numeric array"):
        network.forward([[1.0, 2.0], [3.0]], network.init_params([2, 1]))


def test_conversions_check_their_arguments():
    with pytest.raises(
        ValueError, match=r"m must be the number of examples, the columns of dZ; got m = 7"
    ):
        conventions.convert_dZ(np.ones((1, 4)), 7, "deferred", "absorbed")
    with pytest.raises(ValueError, match="grads must be a dict of arrays; got list"):
        conventions.convert_grads([1], 4, "deferred", "sum")
    with pytest.raises(ValueError, match="learning_rate must be a finite number >= 0; got -1"):
        conventions.equivalent_learning_rate(-1, 4, "deferred", "sum")
    with pytest.raises(ValueError, match="lambd must be a finite number >= 0; got nan"):
        conventions.l2_scale("sum", 4, float("nan"))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"])
@pytest.mark.parametrize(
    "Z", [np.array([[1, 0], [-2, 3]]), np.array([[True, False], [False, True]])]
)
def test_activations_compute_integer_and_boolean_input_in_float64(name, Z):
    out = activations.activation_forward(Z, name)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, activations.activation_forward(Z.astype(float), name))


def test_linear_backward_results_share_one_dtype():
    dZ = np.ones((2, 4), np.float32)
    dA, dW, db = network.linear_backward(dZ, (np.ones((3, 4)), np.ones((2, 3)), np.zeros((2, 1))))
    assert dA.dtype == dW.dtype == db.dtype == np.float64
