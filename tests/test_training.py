"""npbackprop.training: identical trajectories across conventions, the learning-rate rule for
"sum", mini-batches (the partial last batch included), history, progress display."""

import copy

import numpy as np
import pytest

from npbackprop import datasets, network, training

from helpers import CONVENTIONS, reference_gradients

PLANAR = datasets.planar(m=400, seed=1)
COURSE = dict(hidden="tanh", output="sigmoid", epochs=1500, seed=2, init=0.01)  # n_h = 4, lr 1.2


@pytest.fixture(scope="module")
def planar_runs():
    X, Y = PLANAR
    m = X.shape[1]
    rates = {"deferred": 1.2, "absorbed": 1.2, "sum": 1.2 / m}
    return {
        c: training.train(X, Y, [2, 4, 1], convention=c, learning_rate=rates[c], **COURSE)
        for c in CONVENTIONS
    }


def test_deferred_and_absorbed_trajectories_agree(planar_runs):
    (pd, hd), (pa, ha) = planar_runs["deferred"], planar_runs["absorbed"]
    assert np.max(np.abs(hd.cost - ha.cost)) < 1e-12
    for key in pd:
        np.testing.assert_allclose(pa[key], pd[key], rtol=0, atol=1e-12, err_msg=key)


def test_sum_with_rate_over_m_matches(planar_runs):
    (pd, hd), (ps, hs) = planar_runs["deferred"], planar_runs["sum"]
    assert np.max(np.abs(hd.cost - hs.cost)) < 1e-12
    for key in pd:
        np.testing.assert_allclose(ps[key], pd[key], rtol=0, atol=1e-12, err_msg=key)


def test_planar_net_learns_the_flower(planar_runs):
    params, history = planar_runs["deferred"]
    assert history.cost[0] == pytest.approx(np.log(2), abs=1e-3)  # 0.01-scale weights: p ≈ 1/2
    assert history.cost[-1] < 0.3
    X, Y = PLANAR
    assert network.accuracy(params, X, Y, hidden="tanh") > 0.85


def test_sum_at_the_mean_rate_does_not_follow_the_mean_trajectory():
    X, Y = PLANAR
    kw = dict(COURSE, epochs=300)
    _, mean = training.train(X, Y, [2, 4, 1], convention="deferred", learning_rate=1.2, **kw)
    with np.errstate(over="ignore"):  # m = 400 times longer steps may overflow tanh's input
        _, sum_ = training.train(X, Y, [2, 4, 1], convention="sum", learning_rate=1.2, **kw)
    assert not np.allclose(sum_.cost, mean.cost, rtol=1e-2)
    assert sum_.cost[-1] > mean.cost[-1]


def test_history_records_the_run():
    X, Y = datasets.moons(m=50, seed=0)
    _, h = training.train(
        X, Y, [2, 3, 1], convention="absorbed", learning_rate=0.3, epochs=7, batch_size=16, seed=1
    )
    assert h.cost.shape == (7,)
    assert h.batch_cost.shape == (28,)  # ⌈50/16⌉ = 4 batches per epoch
    assert (h.steps, h.batch_size, h.convention, h.learning_rate) == (28, 16, "absorbed", 0.3)
    _, full = training.train(X, Y, [2, 3, 1], epochs=5)
    assert full.steps == 5
    assert full.batch_size == 50
    np.testing.assert_array_equal(full.cost, full.batch_cost)


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_minibatch_steps_equal_a_hand_written_loop(convention):
    """Each step averages over its own batch, the partial last one (7 = 3 + 3 + 1) included."""
    X, Y = datasets.moons(m=7, seed=3)
    start = network.init_params([2, 3, 1], seed=4)
    lr = 0.5
    params, history = training.train(
        X, Y, params=start, convention=convention, learning_rate=lr, epochs=2, batch_size=3, seed=5
    )
    rng = np.random.default_rng(5)
    p = start
    costs = []
    for _ in range(2):
        for index in training.minibatches(7, 3, seed=rng):
            Xb, Yb = X[:, index], Y[:, index]
            costs.append(network.cost(p, Xb, Yb))
            p = network.update_params(p, network.gradients(p, Xb, Yb, convention=convention), lr)
    for key in p:
        np.testing.assert_allclose(params[key], p[key], rtol=1e-13, atol=1e-15, err_msg=key)
    np.testing.assert_allclose(history.batch_cost, costs, rtol=1e-13)


def test_lr_per_mean_makes_sum_follow_mean_with_a_partial_batch():
    X, Y = datasets.moons(m=70, seed=0)
    kw = dict(hidden="relu", epochs=20, batch_size=32, seed=0, learning_rate=0.4)
    _, mean = training.train(X, Y, [2, 6, 1], convention="deferred", **kw)
    _, summed = training.train(X, Y, [2, 6, 1], convention="sum", lr_per="mean", **kw)
    np.testing.assert_allclose(summed.batch_cost, mean.batch_cost, rtol=1e-12)
    # with one fixed rate lr/32, the last batch of 6 takes steps 6/32 as long: a different run
    _, fixed = training.train(
        X, Y, [2, 6, 1], convention="sum", **{**kw, "learning_rate": 0.4 / 32}
    )
    assert not np.allclose(fixed.batch_cost, mean.batch_cost, rtol=1e-6)


def test_softmax_dropout_l2_training_is_deterministic_and_learns():
    X, Y = datasets.spirals(m=300, n_classes=3, seed=0)
    kw = dict(
        hidden="relu",
        output="softmax",
        learning_rate=1.0,
        epochs=300,
        lambd=1e-3,
        keep_prob=0.9,
        seed=7,
        init="he",
    )
    p1, h1 = training.train(X, Y, [2, 64, 3], **kw)
    _, h2 = training.train(X, Y, [2, 64, 3], **kw)
    np.testing.assert_array_equal(h1.cost, h2.cost)
    assert h1.cost[-1] < 0.5 * h1.cost[0]
    assert network.accuracy(p1, X, Y, output="softmax") > 0.8


def test_train_keeps_dtype_and_inputs():
    X, Y = datasets.moons(m=40, seed=0)
    start = network.init_params([2, 4, 1], seed=0, dtype=np.float32)
    before = copy.deepcopy((start, X, Y))
    params, _ = training.train(X.astype(np.float32), Y, params=start, epochs=3)
    assert {v.dtype for v in params.values()} == {np.dtype(np.float32)}
    for key in start:
        np.testing.assert_array_equal(start[key], before[0][key])
    np.testing.assert_array_equal(X, before[1])
    np.testing.assert_array_equal(Y, before[2])


def test_progress_is_quiet_unless_asked(capsys):
    X, Y = datasets.moons(m=20, seed=0)
    training.train(X, Y, [2, 3, 1], epochs=50)  # stderr is captured here: not a terminal
    assert capsys.readouterr().err == ""
    training.train(X, Y, [2, 3, 1], epochs=50, progress=True)
    err = capsys.readouterr().err
    assert "train (deferred)" in err
    assert "50/50" in err
    training.train(X, Y, [2, 3, 1], epochs=50, progress=False)
    assert capsys.readouterr().err == ""


def test_minibatches():
    batches = training.minibatches(10, 4, seed=0)
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    again = training.minibatches(10, 4, seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(batches, again, strict=True))
    assert [b.tolist() for b in training.minibatches(3, 5, shuffle=False)] == [[0, 1, 2]]


@pytest.mark.verifies("eq-minibatch-l2")
def test_minibatch_l2_penalty_is_scaled_by_the_training_set_size():
    """Each batch's cost is (1/|B|) Σ L + (λ/2n) Σ‖W‖² (Nielsen's λ/2n; the book's
    eq-minibatch-l2), so every step adds (λ/n) W, on the short last batch too. Reproduced step
    by step with autograd's gradients of that cost; the penalty λ/(2|B|) would differ."""
    X, Y = datasets.moons(m=10, seed=3)
    n, batch_size, lr, lambd = 10, 4, 0.5, 0.3
    start = network.init_params([2, 3, 1], seed=1)
    kw = dict(hidden="tanh", learning_rate=lr, epochs=1, batch_size=batch_size, lambd=lambd)
    trained, _ = training.train(X, Y, params=start, seed=5, **kw)
    batches = training.minibatches(n, batch_size, seed=np.random.default_rng(5))
    assert [len(b) for b in batches] == [4, 4, 2]

    def by_hand(scale_of_batch):
        p = {k: v.copy() for k, v in start.items()}
        for index in batches:
            Xb, Yb = X[:, index], Y[:, index]
            # reference_gradients' penalty is lambd/(2|B|): pass lambd·|B|/n for λ/(2n)
            g = reference_gradients(
                p,
                Xb,
                Yb,
                hidden="tanh",
                output="sigmoid",
                convention="deferred",
                lambd=scale_of_batch(len(index)),
            )
            p = {k: v - lr * g[f"d{k}"] for k, v in p.items()}
        return p

    expected = by_hand(lambda size: lambd * size / n)
    per_batch = by_hand(lambda size: lambd)  # the penalty λ/(2|B|), n/|B| times stronger
    for k in start:
        np.testing.assert_allclose(trained[k], expected[k], rtol=1e-10, atol=1e-13, err_msg=k)
    assert max(np.max(np.abs(expected[k] - per_batch[k])) for k in start) > 1e-3


@pytest.mark.parametrize("shuffle", ["no", None, 0, 1.0])
def test_minibatches_shuffle_must_be_a_bool(shuffle):
    """A truthy "no" used to shuffle, and None not to."""
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        training.minibatches(10, 3, shuffle=shuffle)


def test_in_the_browser_the_progress_bar_starts_no_thread(monkeypatch):
    """Pyodide (sys.platform "emscripten") cannot start threads: tqdm's monitor is turned off
    there, so train() does not warn "can't start new thread"; elsewhere it is left alone."""
    import sys

    from tqdm import tqdm

    from npbackprop import _training_support

    monkeypatch.setattr(tqdm, "monitor_interval", 10)
    _training_support.progress_bar(1, "deferred", False).close()
    assert tqdm.monitor_interval == 10
    monkeypatch.setattr(sys, "platform", "emscripten")
    _training_support.progress_bar(1, "deferred", False).close()
    assert tqdm.monitor_interval == 0
