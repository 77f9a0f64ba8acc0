"""Every gradient against the `autograd` package differentiating the cost written in plain
NumPy (tests/helpers.py), which shares no code with npbackprop."""

import itertools

import numpy as np
import pytest

from npbackprop import network, two_layer

from helpers import (
    CONVENTIONS,
    HIDDEN,
    OUTPUTS,
    Masks,
    assert_close,
    make_problem,
    reference_cost,
    reference_gradients,
)

GRID = list(itertools.product(HIDDEN, OUTPUTS, CONVENTIONS, [0.0, 0.7], [True, False]))


@pytest.mark.verifies("eq-dz-deferred", "eq-dz-absorbed", "eq-dz-sum")
@pytest.mark.verifies("eq-deep-out", "eq-deep-dw", "eq-deep-dz")
@pytest.mark.parametrize(("hidden", "output", "convention", "lambd", "fused"), GRID)
def test_all_gradients_match_autograd(hidden, output, convention, lambd, fused):
    params, X, Y = make_problem(hidden, output, dims=(3, 4, 5), seed=3)
    ours = network.gradients(
        params, X, Y, hidden=hidden, output=output, convention=convention, lambd=lambd, fused=fused
    )
    ref = reference_gradients(
        params, X, Y, hidden=hidden, output=output, convention=convention, lambd=lambd
    )
    assert sorted(ours) == sorted(ref)
    for key in ref:
        assert_close(ours[key], ref[key], f"{hidden}/{output}/{convention} {key}", rtol=1e-10)


@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_dropout_gradients_match_autograd(convention, output):
    params, X, Y = make_problem("relu", output, dims=(3, 6, 6), m=8, seed=4)
    AL, caches = network.forward(X, params, output=output, keep_prob=0.7, seed=9)
    ours = network.backward(AL, Y, caches, convention=convention, lambd=0.2)
    masks = Masks([D if D is None else D.astype(float) for D in caches.masks], 0.7)
    ref = reference_gradients(
        params, X, Y, hidden="relu", output=output, convention=convention, lambd=0.2, masks=masks
    )
    for key in ref:
        assert_close(ours[key], ref[key], f"dropout {output}/{convention} {key}", rtol=1e-10)


@pytest.mark.verifies("eq-layer", "eq-mean-cost", "eq-sum-cost")
@pytest.mark.parametrize(("hidden", "output"), list(itertools.product(HIDDEN, OUTPUTS)))
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cost_matches_the_reference(hidden, output, reduction):
    params, X, Y = make_problem(hidden, output, seed=5)
    for lambd in (0.0, 0.4):
        ours = network.cost(
            params, X, Y, hidden=hidden, output=output, lambd=lambd, reduction=reduction
        )
        ref = reference_cost(
            params, X, Y, hidden=hidden, output=output, lambd=lambd, reduction=reduction
        )
        assert ours == pytest.approx(ref, rel=1e-13)


@pytest.mark.verifies("eq-q-cost", "eq-q-learner", "eq-q-course")
@pytest.mark.parametrize("convention", CONVENTIONS)
@pytest.mark.parametrize("m", [1, 2, 17])
def test_two_layer_matches_autograd(convention, m):
    rng = np.random.default_rng(m)
    params = two_layer.init_params(3, 4, 1, seed=m)
    params = {k: v * 50 + rng.normal(size=v.shape) * 0.1 for k, v in params.items()}
    X = rng.normal(size=(3, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    A2, cache = two_layer.forward(X, params)
    ours = two_layer.backward(params, cache, X, Y, convention)
    ref = reference_gradients(params, X, Y, hidden="tanh", output="sigmoid", convention=convention)
    for key in ours:
        assert_close(ours[key], ref[key], f"two_layer {convention} {key}", rtol=1e-10)
    assert two_layer.cost(A2, Y) == pytest.approx(
        reference_cost(params, X, Y, hidden="tanh", output="sigmoid"), rel=1e-12
    )
