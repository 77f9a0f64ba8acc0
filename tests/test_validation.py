"""Every kind of bad input from DESIGN §4 gets a ValueError saying what was expected and what
arrived. Each case names the expected fragment of the message."""

import warnings

import numpy as np
import pytest

from npbackprop import network, training


def setup():
    rng = np.random.default_rng(0)
    params = network.init_params([3, 4, 2], seed=0)
    X = rng.normal(size=(3, 5))
    Y = np.array([[1, 0, 1, 1, 0], [0, 0, 1, 0, 1]], dtype=float)
    return params, X, Y


def with_nan(a, value=np.nan):
    a = a.copy()
    a[1, 2] = value
    return a


CASES = {
    # mismatched shapes
    "X rows vs W1": (
        lambda p, X, Y: network.gradients(p, X[:2], Y),
        r"X has 2 features \(rows\) but W1 expects 3",
    ),
    "Y columns": (
        lambda p, X, Y: network.gradients(p, X, Y[:, :4]),
        r"Y must have shape \(2, 5\) .*; got \(2, 4\)",
    ),
    "Y rows": (
        lambda p, X, Y: network.cost(p, X, Y[:1]),
        r"Y must have shape \(2, 5\) .*; got \(1, 5\)",
    ),
    "W chain": (
        lambda p, X, Y: network.forward(X, {**p, "W2": np.ones((2, 3))}),
        r"W2 must have shape \(2, 4\) to follow W1 with 4 rows; got \(2, 3\)",
    ),
    "b shape": (
        lambda p, X, Y: network.forward(X, {**p, "b1": np.zeros(4)}),
        r"b1 must be a 2-D array .* got 1-D with shape \(4,\)",
    ),
    "b column": (
        lambda p, X, Y: network.forward(X, {**p, "b1": np.zeros((1, 4))}),
        r"b1 must have shape \(4, 1\) .*; got \(1, 4\)",
    ),
    "missing b2": (
        lambda p, X, Y: network.forward(X, {k: v for k, v in p.items() if k != "b2"}),
        r"missing \['b2'\]",
    ),
    "no params": (
        lambda p, X, Y: network.forward(X, {}),
        r"params must hold W1, b1, ...; got keys \[\]",
    ),
    "params type": (
        lambda p, X, Y: network.forward(X, [p["W1"]]),
        r"params must be a dict .*; got list",
    ),
    "dZ shape": (
        lambda p, X, Y: network.linear_backward(np.ones((4, 3)), (X, p["W1"], p["b1"])),
        r"dZ must have shape \(4, 5\) .*; got \(4, 3\)",
    ),
    "A_prev rows": (
        lambda p, X, Y: network.linear_forward(X[:2], p["W1"], p["b1"]),
        r"A_prev must have 3 rows .*; got A_prev with shape \(2, 5\)",
    ),
    "dA shape": (
        lambda p, X, Y: network.linear_activation_backward(
            np.ones((4, 2)),
            network.linear_activation_forward(X, p["W1"], p["b1"], "relu")[1],
            "relu",
        ),
        r"dA must have shape \(4, 5\)",
    ),
    "linear cache": (
        lambda p, X, Y: network.linear_backward(np.ones((4, 5)), (X, p["W1"])),
        r"linear_cache must be the tuple \(A_prev, W, b\) .*length 2",
    ),
    "cache": (
        lambda p, X, Y: network.linear_activation_backward(np.ones((4, 5)), (X,), "relu"),
        r"cache must be the tuple \(linear_cache, Z\) .*length 1",
    ),
    "caches type": (
        lambda p, X, Y: network.backward(Y, Y, [1, 2]),
        r"caches must be the ForwardCache .*; got list",
    ),
    "AL vs caches": (
        lambda p, X, Y: network.backward(Y[:, :3], Y[:, :3], network.forward(X, p)[1]),
        r"AL must have shape \(2, 5\)",
    ),
    "update grads": (
        lambda p, X, Y: network.update_params(p, {"dW1": p["W1"]}, 0.1),
        r"grads must hold db1 for parameter b1",
    ),
    "update shape": (
        lambda p, X, Y: network.update_params(p, {f"d{k}": v.T for k, v in p.items()}, 0.1),
        r"dW1 must have shape \(4, 3\)",
    ),
    # unknown names, listing the valid ones
    "convention": (
        lambda p, X, Y: network.gradients(p, X, Y, convention="mean"),
        r"unknown convention 'mean'; expected one of 'deferred', 'absorbed', 'sum'",
    ),
    "hidden": (
        lambda p, X, Y: network.gradients(p, X, Y, hidden="gelu"),
        r"unknown hidden activation 'gelu'; "
        r"expected one of 'relu', 'tanh', 'sigmoid', 'leaky_relu'",
    ),
    "output": (
        lambda p, X, Y: network.cost(p, X, Y, output="tanh"),
        r"unknown output activation 'tanh'; expected one of 'sigmoid', 'softmax', 'identity'",
    ),
    "activation": (
        lambda p, X, Y: network.linear_activation_forward(X, p["W1"], p["b1"], "swish"),
        r"unknown activation 'swish'; expected one of 'relu', .*'identity'",
    ),
    "reduction": (
        lambda p, X, Y: network.cost(p, X, Y, reduction="avg"),
        r"unknown reduction 'avg'; expected one of 'mean', 'sum'",
    ),
    "init": (
        lambda p, X, Y: network.init_params([2, 3], init="glorot"),
        r"unknown init 'glorot'; expected one of 'xavier', 'he'",
    ),
    # labels
    "BCE labels": (
        lambda p, X, Y: network.gradients(p, X, Y * 0.5),
        r"labels in \{0, 1\}; got \d+ other value\(s\), e.g. \[0.5\]",
    ),
    "BCE label -1": (
        lambda p, X, Y: network.cost(p, X, Y - 1),
        r"labels in \{0, 1\}; got .*\[-1.0\]",
    ),
    "CE not one-hot": (
        lambda p, X, Y: network.gradients(p, X, Y, output="softmax"),
        r"must be one-hot.*got 2 other column\(s\), e.g. column 1 = \[0.0, 0.0\]",
    ),
    "CE soft labels": (
        lambda p, X, Y: network.cost(p, X, np.full((2, 5), 0.5), output="softmax"),
        r"must be one-hot.*got 5 other column",
    ),
    # NaN / Inf
    "NaN in X": (
        lambda p, X, Y: network.gradients(p, with_nan(X), Y),
        r"X must be finite; got 1 NaN/Inf value\(s\), "
        r"the first nan at index \(1, 2\) \(shape \(3, 5\)\)",
    ),
    "Inf in Y": (
        lambda p, X, Y: network.gradients(p, X, with_nan(Y, np.inf), output="identity"),
        r"Y must be finite; got 1 NaN/Inf .*inf",
    ),
    "NaN in W": (
        lambda p, X, Y: network.forward(X, {**p, "W2": with_nan(p["W2"], np.nan)}),
        r"W2 must be finite",
    ),
    # empty batch, wrong ndim, wrong type
    "empty batch": (
        lambda p, X, Y: network.gradients(p, X[:, :0], Y[:, :0]),
        r"X must not be empty; got shape \(3, 0\)",
    ),
    "1-D X": (
        lambda p, X, Y: network.forward(X[0], p),
        r"X must be a 2-D array \(features × examples: one example per column\); "
        r"got 1-D with shape \(5,\)",
    ),
    "3-D Y": (
        lambda p, X, Y: network.cost(p, X, Y[None]),
        r"Y must be a 2-D array .*got 3-D with shape \(1, 2, 5\)",
    ),
    "string X": (
        lambda p, X, Y: network.forward(np.array([["a"]]), p),
        r"X must be a numeric array; got dtype <U1",
    ),
    "complex X": (
        lambda p, X, Y: network.forward(X + 1j, p),
        r"X must be real; got dtype complex128",
    ),
    # settings out of range
    "keep_prob 0": (
        lambda p, X, Y: network.gradients(p, X, Y, keep_prob=0.0),
        r"keep_prob must be in \(0, 1\]; got 0.0",
    ),
    "keep_prob 1.5": (
        lambda p, X, Y: network.forward(X, p, keep_prob=1.5),
        r"keep_prob must be in \(0, 1\]; got 1.5",
    ),
    "keep_prob str": (
        lambda p, X, Y: network.forward(X, p, keep_prob="0.5"),
        r"keep_prob must be a number in \(0, 1\]; got '0.5'",
    ),
    "lambd": (
        lambda p, X, Y: network.cost(p, X, Y, lambd=-1.0),
        r"lambd must be a finite number >= 0; got -1.0",
    ),
    "lambd nan": (
        lambda p, X, Y: network.gradients(p, X, Y, lambd=float("nan")),
        r"lambd must be a finite number >= 0; got nan",
    ),
    "learning rate": (
        lambda p, X, Y: network.update_params(p, {}, -0.1),
        r"learning_rate must be a finite number >= 0; got -0.1",
    ),
    "layer_dims": (
        lambda p, X, Y: network.init_params([3]),
        r"layer_dims must list at least two positive integers .*; got \[3\]",
    ),
    "layer_dims zero": (lambda p, X, Y: network.init_params([3, 0, 1]), r"got \[3, 0, 1\]"),
    "init std": (
        lambda p, X, Y: network.init_params([3, 2], init=-0.1),
        r"init \(a standard deviation\) must be a finite number >= 0",
    ),
    "accuracy regression": (
        lambda p, X, Y: network.accuracy(p, X, Y, output="identity"),
        r"unknown output for accuracy 'identity'",
    ),
    # training
    "train both": (
        lambda p, X, Y: training.train(X, Y, [3, 2], params=p),
        r"give exactly one of layer_dims .* or params",
    ),
    "train neither": (lambda p, X, Y: training.train(X, Y), r"give exactly one of layer_dims"),
    "train epochs": (
        lambda p, X, Y: training.train(X, Y, [3, 2], epochs=0),
        r"epochs must be a positive integer; got 0",
    ),
    "train batch": (
        lambda p, X, Y: training.train(X, Y, [3, 2], batch_size=-4),
        r"batch_size must be a positive integer; got -4",
    ),
    "train lr_per": (
        lambda p, X, Y: training.train(X, Y, [3, 2], lr_per="sum"),
        r"unknown lr_per 'sum'; expected one of 'convention', 'mean'",
    ),
    "train progress": (
        lambda p, X, Y: training.train(X, Y, [3, 2], progress="yes"),
        r"progress must be None, True or False; got 'yes'",
    ),
    "train labels": (lambda p, X, Y: training.train(X, 3 * Y, [3, 2]), r"labels in \{0, 1\}"),
    "train convention": (
        lambda p, X, Y: training.train(X, Y, [3, 2], convention="avg"),
        r"unknown convention 'avg'",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_raises_a_value_error_naming_expected_and_got(case):
    call, match = CASES[case]
    params, X, Y = setup()
    with pytest.raises(ValueError, match=match):
        call(params, X, Y)


def test_good_setup_is_accepted():
    """The same calls with the untouched setup succeed, so each case above fails for its reason."""
    params, X, Y = setup()
    network.gradients(params, X, Y)
    network.cost(params, X, Y, lambd=0.1)
    training.train(X, Y, [3, 2], epochs=2)


def test_the_finite_check_accepts_large_finite_values_and_finds_every_kind_of_non_finite():
    """all_finite's cheap test (one dot product) overflows for large finite entries; it must
    then look at the entries, not report them as infinite."""
    from npbackprop._validate import all_finite

    big = np.full((3, 4), 1e200)  # x·x overflows to inf: finite all the same
    assert all_finite(big)
    assert all_finite(big.T)  # an F-order view
    assert all_finite(big[:, ::2])  # a strided view
    for bad in (np.nan, np.inf, -np.inf):
        for layout in (lambda a: a, lambda a: a.T, lambda a: a[:, ::2]):
            a = big.copy()
            a[1, 2] = bad
            assert not all_finite(layout(a)), (bad, layout(a).flags)
    assert all_finite(np.full(5, 300.0, dtype=np.float16))  # 300² overflows float16
    assert not all_finite(np.array([1.0, np.nan], dtype=np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from the cheap test
        assert all_finite(np.full((2, 2), 1e300))
