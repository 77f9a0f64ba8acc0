"""npbackprop.optimizers: the course's formulas, checked by hand, against torch.optim (in CI),
and through training.train."""

import copy
import math

import numpy as np
import pytest

from npbackprop import datasets, network, optimizers, training

OPTIMIZERS = [
    optimizers.GradientDescent(),
    optimizers.Momentum(beta=0.8),
    optimizers.RMSprop(beta=0.9, epsilon=1e-6),
    optimizers.Adam(beta1=0.8, beta2=0.95, epsilon=1e-6),
]
IDS = [type(o).__name__ for o in OPTIMIZERS]


def gradient_sequence(steps=6, seed=0):
    """Parameters of a [3, 2, 1] network and a sequence of made-up gradients for them."""
    rng = np.random.default_rng(seed)
    params = network.init_params([3, 2, 1], seed=seed)
    grads = [
        {f"d{k}": rng.normal(scale=10.0 ** rng.integers(-3, 2), size=v.shape)
         for k, v in params.items()}
        for _ in range(steps)
    ]  # fmt: skip
    return params, grads


def run(optimizer, params, grads, rate):
    state = optimizer.init_state(params)
    for g in grads:
        params, state = optimizer.update(params, g, state, rate)
    return params, state


def by_hand(name, w, gs, rate, beta=0.0, beta2=0.0, eps=0.0):
    """The course's formulas for one scalar, in Python floats."""
    v = s = 0.0
    for t, g in enumerate(gs, start=1):
        if name == "GradientDescent":
            w -= rate * g
        elif name == "Momentum":
            v = beta * v + (1 - beta) * g
            w -= rate * v
        elif name == "RMSprop":
            s = beta * s + (1 - beta) * g * g
            w -= rate * g / (math.sqrt(s) + eps)
        else:
            v = beta * v + (1 - beta) * g
            s = beta2 * s + (1 - beta2) * g * g
            w -= rate * (v / (1 - beta**t)) / (math.sqrt(s / (1 - beta2**t)) + eps)
    return w


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=IDS)
def test_each_entry_follows_the_course_formula_worked_by_hand(optimizer):
    params, grads = gradient_sequence()
    new, state = run(optimizer, params, grads, rate=0.05)
    assert state["t"] == len(grads)
    name = type(optimizer).__name__
    hyper = {
        "Momentum": dict(beta=0.8),
        "RMSprop": dict(beta=0.9, eps=1e-6),
        "Adam": dict(beta=0.8, beta2=0.95, eps=1e-6),
    }.get(name, {})
    for key, value in params.items():
        for index in np.ndindex(value.shape):
            gs = [float(g[f"d{key}"][index]) for g in grads]
            expected = by_hand(name, float(value[index]), gs, 0.05, **hyper)
            assert new[key][index] == pytest.approx(expected, rel=1e-12, abs=1e-15), (key, index)


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=IDS)
def test_update_leaves_its_inputs_alone_and_keeps_float32(optimizer):
    params, grads = gradient_sequence(steps=1)
    params = {k: v.astype(np.float32) for k, v in params.items()}
    state = optimizer.init_state(params)
    before = copy.deepcopy((params, grads[0], state))
    new, new_state = optimizer.update(params, grads[0], state, 0.1)
    for key in params:
        np.testing.assert_array_equal(params[key], before[0][key])
        np.testing.assert_array_equal(grads[0][f"d{key}"], before[1][f"d{key}"])
        assert new[key].dtype == np.float32
        assert not np.array_equal(new[key], params[key])
    assert state["t"] == 0
    assert new_state["t"] == 1
    for name in ("v", "s"):
        for key in state.get(name, {}):
            np.testing.assert_array_equal(state[name][key], 0.0)
            assert np.any(new_state[name][key])


@pytest.mark.verifies("eq-opt-scale")
def test_adam_and_rmsprop_steps_do_not_scale_with_the_gradient_but_descent_does():
    """Why lr_per="mean" converts the rate for descent and momentum only: with every gradient
    400 times larger, rate_for gives the same steps (for RMSprop and Adam exactly when ε is
    scaled too, and nearly with the same ε)."""
    params, grads = gradient_sequence(steps=4)
    big = [{k: 400.0 * v for k, v in g.items()} for g in grads]
    scaled_eps = {
        "RMSprop": optimizers.RMSprop(beta=0.9, epsilon=400 * 1e-6),
        "Adam": optimizers.Adam(beta1=0.8, beta2=0.95, epsilon=400 * 1e-6),
    }
    for optimizer in OPTIMIZERS:
        a, _ = run(optimizer, params, grads, 0.01)
        same = scaled_eps.get(type(optimizer).__name__, optimizer)
        b, _ = run(same, params, big, optimizer.rate_for(0.01, 400.0))
        c, _ = run(optimizer, params, big, optimizer.rate_for(0.01, 400.0))
        for key in params:
            np.testing.assert_allclose(b[key], a[key], rtol=1e-12, atol=1e-15, err_msg=key)
            np.testing.assert_allclose(c[key], a[key], rtol=1e-3, atol=1e-6, err_msg=key)
    gd = optimizers.GradientDescent()
    a, _ = run(gd, params, grads, 0.01)
    b, _ = run(gd, params, big, 0.01)
    ratio = max(np.max(np.abs(b[k] - params[k])) / np.max(np.abs(a[k] - params[k])) for k in a)
    assert ratio == pytest.approx(400.0)


@pytest.mark.parametrize(
    ("make", "match", "error"),
    [
        (lambda: optimizers.Momentum(beta=1.0), r"beta must be in \[0, 1\), got 1.0", ValueError),
        (lambda: optimizers.Momentum(beta=-0.1), r"beta must be in \[0, 1\)", ValueError),
        (lambda: optimizers.Adam(beta2=float("nan")), "beta2 must be finite", ValueError),
        (lambda: optimizers.Adam(epsilon=0.0), "epsilon must be positive", ValueError),
        (lambda: optimizers.RMSprop(beta="0.9"), "beta must be a number, got str", TypeError),
        (lambda: optimizers.Adam(beta1=True), "beta1 must be a number, got bool", TypeError),
    ],
)
def test_bad_hyperparameters_are_refused(make, match, error):
    with pytest.raises(error, match=match):
        make()


def test_bad_state_and_grads_are_refused():
    params, grads = gradient_sequence(steps=1)
    adam = optimizers.Adam()
    with pytest.raises(TypeError, match=r"state must be the dict made by Adam\(\)\.init_state"):
        adam.update(params, grads[0], None, 0.1)
    with pytest.raises(ValueError, match=r"state\['v'\] must hold one array per parameter"):
        adam.update(params, grads[0], {"t": 0}, 0.1)
    with pytest.raises(ValueError, match=r"state\['t'\] must be a step count"):
        adam.update(params, grads[0], {**adam.init_state(params), "t": -1}, 0.1)
    with pytest.raises(ValueError, match="grads must hold dW1"):
        adam.update(params, {}, adam.init_state(params), 0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        adam.update(params, grads[0], adam.init_state(params), -1.0)
    with pytest.raises(ValueError, match="scale must be positive"):
        adam.rate_for(0.1, 0)


def test_update_params_is_the_gradient_descent_step():
    params, grads = gradient_sequence(steps=1)
    expected, _ = optimizers.GradientDescent().update(params, grads[0], {"t": 0}, 0.3)
    new = network.update_params(params, grads[0], 0.3)
    for key in params:
        np.testing.assert_array_equal(new[key], expected[key])
        np.testing.assert_allclose(new[key], params[key] - 0.3 * grads[0][f"d{key}"], rtol=1e-15)


# -- through train -------------------------------------------------------------------------------


def test_train_with_each_optimizer_takes_the_optimizer_s_steps():
    """One full-batch epoch at a time is one update: replay it with update()."""
    X, Y = datasets.moons(m=30, seed=1)
    start = network.init_params([2, 4, 1], seed=3)
    for optimizer in OPTIMIZERS:
        trained, h = training.train(X, Y, params=start, hidden="tanh", epochs=5,
                                    learning_rate=0.1, optimizer=optimizer)  # fmt: skip
        assert h.optimizer is optimizer
        assert h.steps == 5
        p, state = start, optimizer.init_state(start)
        for _ in range(5):
            g = network.gradients(p, X, Y, hidden="tanh")
            p, state = optimizer.update(p, g, state, 0.1)
        for key in p:
            np.testing.assert_allclose(trained[key], p[key], rtol=1e-12, atol=1e-15,
                                       err_msg=f"{type(optimizer).__name__} {key}")  # fmt: skip


def test_lr_per_mean_gives_the_mean_trajectory_with_every_optimizer_and_a_short_batch():
    """50 examples in batches of 20, 20, 10: the sum gradient of the short batch is 10 times
    the mean one where the others are 20 times. Dividing the rate per step would mix the two
    scales in momentum's running average; train divides the gradient instead."""
    X, Y = datasets.moons(m=50, seed=2)
    kw = dict(hidden="tanh", epochs=30, learning_rate=0.05, batch_size=20, seed=4)
    for optimizer in OPTIMIZERS:
        _, mean = training.train(X, Y, [2, 4, 1], optimizer=optimizer, **kw)
        _, summed = training.train(X, Y, [2, 4, 1], optimizer=optimizer, convention="sum",
                                   lr_per="mean", **kw)  # fmt: skip
        np.testing.assert_allclose(summed.batch_cost, mean.batch_cost, rtol=1e-9,
                                   err_msg=type(optimizer).__name__)  # fmt: skip
    # the rate divided per step instead: momentum's trajectory departs after the short batch
    momentum = optimizers.Momentum()
    _, mean = training.train(X, Y, [2, 4, 1], optimizer=momentum, **kw)
    params = network.init_params([2, 4, 1], seed=4)
    rng = np.random.default_rng(4)
    state, costs = momentum.init_state(params), []
    for _ in range(2):
        for b in training.minibatches(50, 20, seed=rng):
            costs.append(network.cost(params, X[:, b], Y[:, b], hidden="tanh"))
            g = network.gradients(params, X[:, b], Y[:, b], hidden="tanh", convention="sum")
            params, state = momentum.update(params, g, state, momentum.rate_for(0.05, len(b)))
    np.testing.assert_allclose(costs[:3], mean.batch_cost[:3], rtol=1e-12)
    assert abs(costs[4] - mean.batch_cost[4]) > 1e-4


@pytest.mark.parametrize("junk", ["adam", optimizers.Optimizer(), 0.9, optimizers.Adam])
def test_train_refuses_what_is_not_an_optimizer(junk):
    X, Y = datasets.moons(m=10, seed=0)
    with pytest.raises(TypeError, match="optimizer must be one of"):
        training.train(X, Y, [2, 2, 1], epochs=1, optimizer=junk)


def test_train_stops_before_a_nan_update_and_returns_the_last_finite_parameters():
    """W1 = 40 saturates the sigmoid: with fused=False, dA = 1/(1 - a) = inf and dZ = NaN while
    the cost (from the logits) stays finite. The update is not made."""
    start = {"W1": np.array([[40.0]]), "b1": np.array([[0.0]])}
    X, Y = np.array([[1.0]]), np.array([[0.0]])
    with pytest.warns(RuntimeWarning, match=r"stopped in epoch 0 \(step 1\): dW1 is not finite"):
        trained, h = training.train(X, Y, params=start, output="sigmoid", fused=False, epochs=1,
                                    learning_rate=0.1)  # fmt: skip
    for key in start:
        np.testing.assert_array_equal(trained[key], start[key])
    assert h.steps == 0
    assert np.isfinite(h.cost).all()


def test_train_raises_when_an_update_overflows_the_parameters():
    """dW = 100 with a finite cost, but 1e308 · 100 is beyond float64: W would be -inf."""
    start = {"W1": np.array([[0.0]]), "b1": np.array([[0.0]])}
    X, Y = np.array([[1.0]]), np.array([[-100.0]])
    with pytest.raises(FloatingPointError, match=r"epoch 0 \(step 1\).*lower the learning rate"):
        training.train(X, Y, params=start, output="identity", epochs=3, learning_rate=1e308)


# -- against PyTorch (CI installs torch==2.13.0) -------------------------------------------------


def torch_run(make_optimizer, params, grads):
    torch = pytest.importorskip("torch")
    tensors = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in params.items()}
    opt = make_optimizer(torch, list(tensors.values()))
    for g in grads:
        opt.zero_grad()
        for key, t in tensors.items():
            t.grad = torch.tensor(g[f"d{key}"])
        opt.step()
    return {k: t.detach().numpy() for k, t in tensors.items()}


TORCH_MAPPINGS = [
    (optimizers.GradientDescent(), lambda torch, ps: torch.optim.SGD(ps, lr=0.05)),
    # the course's v = βv + (1-β)g, W -= αv is PyTorch's b = βb + g, W -= α(1-β) b exactly
    (optimizers.Momentum(beta=0.8),
     lambda torch, ps: torch.optim.SGD(ps, lr=0.05 * (1 - 0.8), momentum=0.8, dampening=0.0)),
    (optimizers.RMSprop(beta=0.9, epsilon=1e-6),
     lambda torch, ps: torch.optim.RMSprop(ps, lr=0.05, alpha=0.9, eps=1e-6)),
    (optimizers.Adam(beta1=0.8, beta2=0.95, epsilon=1e-6),
     lambda torch, ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.95), eps=1e-6)),
]  # fmt: skip


@pytest.mark.parametrize(("ours", "theirs"), TORCH_MAPPINGS, ids=IDS)
def test_each_optimizer_matches_torch_optim(ours, theirs):
    params, grads = gradient_sequence(steps=8, seed=5)
    expected = torch_run(theirs, params, grads)
    got, _ = run(ours, params, grads, 0.05)
    for key in params:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-12, atol=1e-14, err_msg=key)


def test_torch_momentum_with_dampening_is_not_the_course_s_on_its_first_step():
    """SGD(momentum=β, dampening=β) looks like the course's average, but PyTorch starts the
    buffer at the first gradient itself (b₁ = g₁, not (1-β) g₁): the first step is 1/(1-β)
    times the course's, and the trajectories differ."""
    params, grads = gradient_sequence(steps=1, seed=6)
    damped = torch_run(
        lambda torch, ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, dampening=0.8),
        params, grads,
    )  # fmt: skip
    course, _ = run(optimizers.Momentum(beta=0.8), params, grads, 0.05)
    for key in params:
        np.testing.assert_allclose(damped[key] - params[key], (course[key] - params[key]) / 0.2,
                                   rtol=1e-12, atol=1e-15, err_msg=key)  # fmt: skip
