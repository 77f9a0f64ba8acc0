"""The Rosetta chapter's mappings (docs/practice/rosetta.md): each source's computation, written
here in that source's style, against the package's conventions; the PyTorch ones against a live
PyTorch (the cases of tests/pytorch_record.py, run now)."""

import numpy as np
import pytest

from npbackprop import datasets, network, optimizers

from helpers import assert_close


def softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_course_week2_loop_is_the_deferred_convention():
    X, Y = datasets.moons(m=53, seed=4)
    rng = np.random.default_rng(1)
    w, b = rng.normal(size=(2, 1)), -0.3
    m = X.shape[1]
    dw, db, dz = np.zeros((2, 1)), 0.0, []
    for i in range(m):
        a = 1 / (1 + np.exp(-(w[:, 0] @ X[:, i] + b)))
        dz.append(a - Y[0, i])
        dw[:, 0] += X[:, i] * dz[-1]
        db += dz[-1]
    d = network.gradients({"W1": w.T, "b1": np.array([[b]])}, X, Y)
    assert_close(dw.T / m, d["dW1"], "dw / m = deferred dW", rtol=1e-13)
    assert_close(np.array([[db / m]]), d["db1"], "db / m = deferred db", rtol=1e-13)
    assert_close(np.array([dz]), d["dZ1"], "per-example dz = deferred dZ", rtol=1e-13)


@pytest.mark.verifies("eq-ro-nielsen")
@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
def test_nielsen_update_is_the_deferred_step_with_l2_over_the_training_set(hidden):
    X, Y = datasets.planar(m=120, seed=5)
    n, batch = X.shape[1], np.arange(10, 33)  # a mini-batch of 23 from a training set of 120
    params = network.init_params([2, 5, 3, 1], seed=7)
    eta, lambd = 0.2, 1.3
    for l in (1, 2, 3):
        nabla = np.zeros_like(params[f"W{l}"])
        for i in batch:  # Nielsen's per-example backprop: delta^x (a^x)^T, summed
            nabla += network.gradients(params, X[:, [i]], Y[:, [i]], hidden=hidden)[f"dW{l}"]
        nielsen = (1 - eta * lambd / n) * params[f"W{l}"] - eta / len(batch) * nabla
        d = network.gradients(
            params, X[:, batch], Y[:, batch], hidden=hidden, lambd=lambd * len(batch) / n
        )
        assert_close(params[f"W{l}"] - eta * d[f"dW{l}"], nielsen, f"W{l}", rtol=1e-12)


def test_nielsen_summed_backprop_is_the_sum_convention_and_the_update_divides_it():
    """Nielsen's network.py and d2l 0.17's sgd share a label: the sum's gradient, then / m."""
    X, Y = datasets.moons(m=31, seed=6)
    params = network.init_params([2, 4, 1], seed=2)
    nabla = {k: np.zeros_like(v) for k, v in params.items()}
    for i in range(X.shape[1]):  # update_mini_batch: backprop per example, nabla_w += ...
        g = network.gradients(params, X[:, [i]], Y[:, [i]], hidden="tanh")
        for k in params:
            nabla[k] += g[f"d{k}"]
    s = network.gradients(params, X, Y, hidden="tanh", convention="sum")
    d = network.gradients(params, X, Y, hidden="tanh", convention="deferred")
    for k in params:
        assert_close(nabla[k], s[f"d{k}"], f"nabla_{k} = sum convention", rtol=1e-12)
        assert_close(nabla[k] / X.shape[1], d[f"d{k}"], f"eta/m step, {k}", rtol=1e-12)


def test_nielsen_network3_penalty_is_m_times_network2s():
    """network3.py: mean log-likelihood + 0.5 λ ‖w‖² / (n/m); network2.py: λ/n w per step."""
    n, m, lambd = 600, 20, 0.1
    W = np.random.default_rng(0).normal(size=(3, 4))
    eps = 1e-6  # the penalty's gradient by centred differences

    def penalty(w):
        return 0.5 * lambd * np.sum(w * w) / (n / m)

    grad = np.zeros_like(W)
    for j in np.ndindex(W.shape):
        step = np.zeros_like(W)
        step[j] = eps
        grad[j] = (penalty(W + step) - penalty(W - step)) / (2 * eps)
    assert_close(grad, m * (lambd / n) * W, "network3 = m x network2", rtol=1e-8)


def test_cs231n_assignment_penalty_has_no_half_so_weight_decay_is_2_reg():
    """linear_svm.py: loss += reg * np.sum(W * W) on a mean loss: gradient 2 reg W."""
    Xs, Ys = datasets.spirals(m=60, n_classes=3, seed=1)
    X, y = Xs.T, datasets.labels_of(Ys)
    N, reg = X.shape[0], 0.02
    W = np.random.default_rng(4).normal(size=(2, 3))
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(N):  # the starter's loop: a sum over the examples ...
        p = softmax_rows(X[i] @ W)
        loss -= np.log(p[y[i]])
        dW += np.outer(X[i], p - np.eye(3)[y[i]])
    loss /= N  # ... then "we want it to be an average instead"
    dW /= N
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    p = {"W1": W.T, "b1": np.zeros((3, 1))}
    ours = network.gradients(p, Xs, Ys, output="softmax", lambd=2 * N * reg)
    assert_close(dW.T, ours["dW1"], "lambda = 2 n reg", rtol=1e-12)
    assert network.cost(p, Xs, Ys, output="softmax", lambd=2 * N * reg) == pytest.approx(
        loss, rel=1e-13
    )


@pytest.mark.verifies("eq-ro-cs231n-reg")
def test_cs231n_case_study_is_the_absorbed_convention_with_lambda_n_reg():
    Xs, Ys = datasets.spirals(m=99, n_classes=3, seed=2)
    X, y = Xs.T, datasets.labels_of(Ys)
    N = X.shape[0]
    rng = np.random.default_rng(3)
    W, b, reg = rng.normal(size=(2, 3)), rng.normal(size=(1, 3)), 0.05
    probs = softmax_rows(X @ W + b)
    dscores = probs.copy()
    dscores[range(N), y] -= 1
    dscores /= N
    dW, db = X.T @ dscores + reg * W, dscores.sum(axis=0, keepdims=True)
    data_loss = -np.log(probs[range(N), y]).mean()
    loss = data_loss + 0.5 * reg * np.sum(W * W)
    p = {"W1": W.T, "b1": b.T}
    kw = dict(output="softmax", lambd=N * reg)
    ours = network.gradients(p, Xs, Ys, convention="absorbed", **kw)
    assert_close(dscores.T, ours["dZ1"], "dscores = absorbed dZ", rtol=1e-12)
    assert_close(dW.T, ours["dW1"], "dW", rtol=1e-12)
    assert_close(db.T, ours["db1"], "db", rtol=1e-12)
    assert network.cost(p, Xs, Ys, **kw) == pytest.approx(loss, rel=1e-13)


def test_data_parallel_average_is_the_mean_only_for_equal_parts():
    X, Y = datasets.planar(m=90, seed=2)
    params = network.init_params([2, 3, 1], seed=1)
    whole = network.gradients(params, X, Y)["dW1"]

    def averaged(*parts):
        return np.mean([network.gradients(params, X[:, j], Y[:, j])["dW1"] for j in parts], 0)

    idx = np.arange(90)
    assert_close(averaged(idx[:45], idx[45:]), whole, "equal parts", rtol=1e-13)
    sizes = [60, 30]  # unequal: the examples of the smaller part count twice as much
    weighted = (60 * network.gradients(params, X[:, :60], Y[:, :60])["dW1"]
                + 30 * network.gradients(params, X[:, 60:], Y[:, 60:])["dW1"]) / 90  # fmt: skip
    assert_close(weighted, whole, "the size-weighted average", rtol=1e-13)
    assert not np.allclose(averaged(idx[: sizes[0]], idx[sizes[0] :]), whole, rtol=1e-3)


# --- PyTorch, live (conftest.py's torch_live runs the record's cases once per session). ---


@pytest.mark.verifies("eq-ro-ce-weight")
def test_weighted_cross_entropy_divides_by_the_kept_weights(torch_live):
    case = torch_live["cross_entropy_weight_ignore"]
    z, t, w = (case["inputs"][k] for k in ("logits", "targets", "weight"))
    keep = t != -100
    p = softmax_rows(z[keep])
    wk = w[t[keep]]
    loss = -(wk * np.log(p[np.arange(keep.sum()), t[keep]])).sum() / wk.sum()
    grad = np.zeros_like(z)
    grad[keep] = wk[:, None] * (p - np.eye(3)[t[keep]]) / wk.sum()
    assert case["outputs"]["loss"] == pytest.approx(loss, rel=1e-13)
    assert_close(case["outputs"]["dlogits"], grad, "dlogits", rtol=1e-12)


def test_spatial_cross_entropy_and_mse_divide_by_every_element(torch_live):
    sp = torch_live["cross_entropy_spatial"]
    z, t = sp["inputs"]["logits"], sp["inputs"]["targets"]
    n, classes, d = z.shape
    p = softmax_rows(np.moveaxis(z, 1, -1))  # (N, d, C)
    grad = np.moveaxis(p - np.eye(classes)[t], -1, 1) / (n * d)
    assert_close(sp["outputs"]["dlogits"], grad, "spatial", rtol=1e-12)
    mse = torch_live["mse"]
    A, T = mse["inputs"]["outputs"], mse["inputs"]["targets"]
    absorbed = network.gradients(
        {"W1": np.eye(3), "b1": np.zeros((3, 1))}, A.T, T.T, output="identity",
        convention="absorbed",
    )["dZ1"]  # fmt: skip
    assert_close(mse["outputs"]["doutputs"].T, 2 / 3 * absorbed, "mse = 2/K absorbed", rtol=1e-12)


def test_sgd_weight_decay_and_momentum_map_onto_the_course(torch_live):
    wd = torch_live["sgd_weight_decay"]["inputs"]
    W, dW, lr, decay = wd["W"], wd["dW"], wd["lr"], wd["weight_decay"]
    n, lambd = 40, decay * 40  # weight_decay = λ/n, n the training set
    course = W - lr * (dW + lambd / n * W)
    assert_close(torch_live["sgd_weight_decay"]["outputs"]["W_new"], course, "decay", rtol=1e-14)
    mom = torch_live["sgd_momentum"]
    lr, beta = mom["inputs"]["lr"], mom["inputs"]["momentum"]
    p = {"W1": mom["inputs"]["W"], "b1": np.zeros((2, 1))}
    opt = optimizers.Momentum(beta=beta)
    state = opt.init_state(p)
    for k, g in enumerate(mom["inputs"]["grads"]):
        p, state = opt.update(p, {"dW1": g, "db1": np.zeros((2, 1))}, state, lr / (1 - beta))
        assert_close(p["W1"], mom["outputs"]["W_after"][k], f"step {k + 1}", rtol=1e-13)


def test_gradient_accumulation_over_k_pieces_is_the_whole_batch_mean(torch_live):
    acc = torch_live["gradient_accumulation"]
    X, y, W = acc["inputs"]["X"], acc["inputs"]["y"], acc["inputs"]["W"]
    mean_grad = 2 * (X @ W.T - y).T @ X / len(y)
    assert_close(acc["outputs"]["whole_batch"], mean_grad, "whole batch", rtol=1e-13)
    assert_close(acc["outputs"]["accumulated"], mean_grad, "accumulated", rtol=1e-13)


def test_d2l_sum_then_divide_is_the_sum_convention_then_one_over_m(torch_live):
    case = torch_live["sum_then_divide"]
    X, y, w, b = (case["inputs"][k] for k in ("X", "y", "w", "b"))
    m = len(y)
    p = {"W1": w.T, "b1": b.reshape(1, 1)}
    kw = dict(output="identity")  # ½ (a - y)², d2l's squared_loss
    s = network.gradients(p, X.T, y.T, convention="sum", **kw)
    d = network.gradients(p, X.T, y.T, convention="deferred", **kw)
    assert_close(case["outputs"]["sum"]["dw"], s["dW1"].T, "l.sum() = sum convention", rtol=1e-12)
    assert_close(case["outputs"]["sum"]["db"], s["db1"][0], "sum db", rtol=1e-12)
    assert_close(case["outputs"]["sum"]["dw"] / m, d["dW1"].T, "/ batch_size", rtol=1e-12)
    assert_close(case["outputs"]["mean"]["dw"], d["dW1"].T, "l.mean() = mean", rtol=1e-12)


@pytest.mark.parametrize("size", [17, 64])
def test_sklearn_mlp_sgd_step_is_deferred_with_alpha_over_the_batch(size):
    """scikit-learn's MLPClassifier, live: one plain SGD step on a batch is the package's
    deferred step with lambd = alpha on that batch (L2 divided by the batch's size)."""
    neural = pytest.importorskip("sklearn.neural_network")
    X, Y = datasets.moons(m=size, seed=3)
    start = network.init_params([2, 5, 3, 1], seed=4, init=0.7)
    eta, alpha = 0.2, 0.3
    mlp = neural.MLPClassifier(
        hidden_layer_sizes=(5, 3), activation="tanh", solver="sgd", alpha=alpha,
        batch_size=size, learning_rate_init=eta, momentum=0.0, shuffle=False,
    )  # fmt: skip
    mlp.partial_fit(X.T, Y[0], classes=[0, 1])
    for l in (1, 2, 3):
        mlp.coefs_[l - 1][...] = start[f"W{l}"].T
        mlp.intercepts_[l - 1][...] = start[f"b{l}"][:, 0]
    mlp.partial_fit(X.T, Y[0])
    g = network.gradients(start, X, Y, hidden="tanh", lambd=alpha)
    for l in (1, 2, 3):
        step = start[f"W{l}"] - eta * g[f"dW{l}"]
        assert_close(mlp.coefs_[l - 1], step.T, f"W{l}", rtol=1e-12)
        bias = start[f"b{l}"] - eta * g[f"db{l}"]
        assert_close(mlp.intercepts_[l - 1], bias[:, 0], f"b{l}", rtol=1e-12)
