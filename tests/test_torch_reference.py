"""Cross-check against PyTorch autograd (CI installs torch==2.13.0, the CPU build).

PyTorch's losses with ``reduction="mean"`` differentiate the mean cost J: their parameter
gradients are our deferred and absorbed dW, db, and the gradient they put on the logits Z[L]
is the absorbed dZ[L]. ``reduction="sum"`` is our "sum" convention.
"""

import itertools
import platform

import numpy as np
import pytest

from npbackprop import network, two_layer

from helpers import CONVENTIONS, HIDDEN, OUTPUTS, assert_close, make_problem

torch = pytest.importorskip("torch")
F = torch.nn.functional

ACT = {
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
}


def torch_run(params, X, Y, hidden, output, reduction, lambd=0.0):
    """Forward in torch (examples as columns, as ours), backward by torch autograd."""
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    L = len(params) // 2
    A = torch.tensor(X)
    Zs, As = [], []
    for l in range(1, L + 1):
        Z = t[f"W{l}"] @ A + t[f"b{l}"]
        Z.retain_grad()
        Zs.append(Z)
        if l < L:
            A = ACT[hidden](Z)
            A.retain_grad()
            As.append(A)
    ZL, Yt = Zs[-1], torch.tensor(Y)
    m = X.shape[1]
    if output == "sigmoid":  # n_y = 1: torch's mean over elements is the mean over examples
        loss = F.binary_cross_entropy_with_logits(ZL, Yt, reduction=reduction)
    elif output == "softmax":  # torch wants examples as rows and class indices
        loss = F.cross_entropy(ZL.T, Yt.argmax(dim=0), reduction=reduction)
    else:  # ½‖a - y‖²: torch's mse_loss has no ½
        loss = 0.5 * F.mse_loss(ZL, Yt, reduction=reduction)
    l2 = sum((t[f"W{l}"] ** 2).sum() for l in range(1, L + 1))
    loss = loss + lambd / 2 * l2 / (m if reduction == "mean" else 1)
    loss.backward()
    grads = {f"d{k}": v.grad.numpy() for k, v in t.items()}
    grads |= {f"dZ{l}": Z.grad.numpy() for l, Z in enumerate(Zs, start=1)}
    grads |= {f"dA{l}": A.grad.numpy() for l, A in enumerate(As, start=1)}
    return float(loss.detach()), grads


@pytest.mark.verifies(
    "eq-layer", "eq-mean-cost", "eq-sum-cost", "eq-dz-deferred", "eq-dz-absorbed", "eq-dz-sum"
)
@pytest.mark.parametrize(("hidden", "output"), list(itertools.product(HIDDEN, OUTPUTS)))
@pytest.mark.parametrize("lambd", [0.0, 0.5])
def test_matches_torch(hidden, output, lambd):
    n_y = 3 if output == "softmax" else 1
    params, X, Y = make_problem(hidden, output, dims=(4, 6, 5), n_y=n_y, m=9, seed=6)
    m = X.shape[1]
    kw = dict(hidden=hidden, output=output, lambd=lambd)
    mean_loss, mean = torch_run(params, X, Y, hidden, output, "mean", lambd)
    sum_loss, summed = torch_run(params, X, Y, hidden, output, "sum", lambd)
    assert network.cost(params, X, Y, **kw) == pytest.approx(mean_loss, rel=1e-12)
    assert network.cost(params, X, Y, reduction="sum", **kw) == pytest.approx(sum_loss, rel=1e-12)
    ours = {c: network.gradients(params, X, Y, convention=c, **kw) for c in CONVENTIONS}
    for key in params:
        for c in ("deferred", "absorbed"):  # both are torch's gradient of the mean cost
            assert_close(ours[c][f"d{key}"], mean[f"d{key}"], f"{c} d{key}", rtol=1e-10)
        assert_close(ours["sum"][f"d{key}"], summed[f"d{key}"], f"sum d{key}", rtol=1e-10)
    L = len(params) // 2
    for l in range(1, L + 1):
        # absorbed dZ is torch's ∂J/∂Z at every layer (the logits ZL included);
        # deferred dZ is m times it; sum's dZ is torch's ∂(Σ L)/∂Z.
        assert_close(ours["absorbed"][f"dZ{l}"], mean[f"dZ{l}"], f"absorbed dZ{l}", rtol=1e-10)
        assert_close(ours["deferred"][f"dZ{l}"], m * mean[f"dZ{l}"], f"deferred dZ{l}", 1e-10)
        assert_close(ours["sum"][f"dZ{l}"], summed[f"dZ{l}"], f"sum dZ{l}", rtol=1e-10)
    for l in range(1, L):
        assert_close(ours["absorbed"][f"dA{l}"], mean[f"dA{l}"], f"absorbed dA{l}", rtol=1e-10)
        assert_close(ours["deferred"][f"dA{l}"], m * mean[f"dA{l}"], f"deferred dA{l}", 1e-10)


@pytest.mark.verifies("eq-q-learner", "eq-q-course")
def test_two_layer_matches_torch():
    rng = np.random.default_rng(0)
    params = {k: v * 100 for k, v in two_layer.init_params(2, 4, 1, seed=0).items()}
    X = rng.normal(size=(2, 12))
    Y = (rng.random((1, 12)) < 0.5).astype(float)
    _, cache = two_layer.forward(X, params)
    _, mean = torch_run(params, X, Y, "tanh", "sigmoid", "mean")
    _, summed = torch_run(params, X, Y, "tanh", "sigmoid", "sum")
    for convention, ref in (("deferred", mean), ("absorbed", mean), ("sum", summed)):
        ours = two_layer.backward(params, cache, X, Y, convention)
        for key in ("dW1", "db1", "dW2", "db2"):
            assert_close(ours[key], ref[key], f"{convention} {key}", rtol=1e-10)
    absorbed = two_layer.backward(params, cache, X, Y, "absorbed")
    assert_close(absorbed["dZ2"], mean["dZ2"], "absorbed dZ2 = torch's dJ/dZ2")


def test_float32_matches_torch_float32():
    params, X, Y = make_problem("tanh", "softmax", n_y=3, m=16, seed=7, dtype=np.float32)
    _, ref = torch_run(params, X, Y, "tanh", "softmax", "mean")
    ours = network.gradients(params, X, Y, hidden="tanh", output="softmax", convention="absorbed")
    for key, value in ref.items():
        assert ours[key].dtype == np.float32
        assert_close(ours[key], value, key, rtol=1e-5)


@pytest.mark.verifies("eq-mean-nk")
def test_torch_mean_over_n_by_k_targets_divides_by_n_times_k():
    rng = np.random.default_rng(5)
    N, K = 6, 4
    Z = torch.tensor(rng.normal(size=(N, K)), requires_grad=True)
    Y = torch.tensor((rng.random((N, K)) < 0.5).astype(float))
    F.binary_cross_entropy_with_logits(Z, Y, reduction="mean").backward()
    A = 1 / (1 + np.exp(-Z.detach().numpy()))
    assert_close(Z.grad.numpy(), (A - Y.numpy()) / (N * K), "torch mean over N·K", rtol=1e-12)
    Zc = torch.tensor(rng.normal(size=(N, K)), requires_grad=True)
    labels = torch.tensor(rng.integers(0, K, N))
    F.cross_entropy(Zc, labels, reduction="mean").backward()  # one loss per row: divides by N
    Ac = np.exp(Zc.detach().numpy())
    Ac /= Ac.sum(axis=1, keepdims=True)
    onehot = np.eye(K)[labels.numpy()]
    assert_close(Zc.grad.numpy(), (Ac - onehot) / N, "cross-entropy mean over N", rtol=1e-12)


@pytest.mark.skipif(
    platform.machine() not in ("x86_64", "AMD64"),
    reason="the Performance appendix states this for the x86-64 CPU build",
)
def test_the_pinned_cpu_build_multiplies_matrices_with_mkl():
    """docs/appendix/performance.md says PyTorch's products run in oneMKL (BLAS_INFO=mkl)."""
    config = torch.__config__.show()
    assert "BLAS_INFO=mkl" in config, config
    assert torch.backends.mkl.is_available()
