"""The committed record of Keras, TensorFlow, JAX/optax and Opacus outputs
(docs/practice/libraries-record.json) against the live libraries.

The chapter "After PyTorch" shows these libraries' outputs from that record (its build imports
none of them); here every case of tests/libraries_record.py runs again, each library in a
process of its own with the pinned CPU builds that .ci/run installs, and each recorded output
must match. A library that is not installed skips its tests (``make test`` on a machine without
them); CI installs them all.
"""

import functools
import importlib.util
import json
import tempfile
from pathlib import Path

import numpy as np
import pytest

import libraries_record as lr
from npbackprop import network, optimizers
from npbackprop._book import load_record, to_record
from npbackprop.gradcheck import relative_error

from helpers import assert_same

RECORD = json.loads(lr.RECORD.read_text(encoding="utf-8"))


def installed(library):
    return all(importlib.util.find_spec(m) is not None for m in lr.LIBRARIES[library]["modules"])


@functools.cache
def live(library, backend=None):
    """``library``'s cases run now in their own process, decoded as the record is."""
    if not installed(library):
        pytest.skip(f"{library} is not installed (.ci/run installs it)")
    return lr.run_live(library, backend)


def load_record_from(data):
    """Record data decoded as the record is, so that dtypes and shapes compare as recorded."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "live.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return load_record(path)


def test_the_record_holds_every_case_and_nothing_else():
    assert sorted(RECORD["libraries"]) == sorted(lr.LIBRARIES)
    for library, cases in lr.CASES.items():
        assert sorted(RECORD["libraries"][library]) == sorted(cases), (
            f"the record's {library} cases differ from tests/libraries_record.py's: "
            "run `make library-records`"
        )


def test_the_record_was_written_by_the_pinned_versions():
    assert RECORD["versions"] == {m: lr.VERSIONS[m] for m in RECORD["versions"]}
    used = {m for spec in lr.LIBRARIES.values() for m in spec["modules"]}
    assert set(RECORD["versions"]) == used
    assert RECORD["keras_backend"] == lr.LIBRARIES["keras"]["env"]["KERAS_BACKEND"]


@pytest.mark.parametrize("library", sorted(lr.LIBRARIES))
def test_the_installed_library_is_the_pinned_one(library):
    pinned = {m: lr.VERSIONS[m] for m in lr.LIBRARIES[library]["modules"]}
    assert live(library)["versions"] == pinned


@pytest.mark.parametrize(
    ("library", "name"), [(lib, name) for lib, cases in lr.CASES.items() for name in sorted(cases)]
)
def test_a_live_run_gives_the_recorded_outputs(library, name):
    recorded = load_record(lr.RECORD)["libraries"][library][name]
    assert_same(load_record_from(live(library)["cases"][name]), recorded, name)


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_keras_gives_the_same_outputs_on_its_other_backends(backend):
    """Keras computes its losses' reductions and its regularizers above the backend, so the
    record does not depend on the backend chosen for it. Equal to float32 rounding, not to
    float64: on the PyTorch backend Keras 3.15's ``divide_no_nan`` returns float32 for float64
    input, so the mean losses and their gradients come back in float32 there (the recorded
    values are of order 1, and the factors the chapter tells apart differ by far more)."""
    other = load_record_from(live("keras", backend)["cases"])
    recorded = load_record(lr.RECORD)["libraries"]["keras"]
    assert_same(other, recorded, f"keras on {backend}", rtol=1e-6, same_dtype=False, atol=1e-7)


def test_the_comparison_can_fail():
    """A changed output is caught (so a passing run means the record matches)."""
    recorded = load_record(lr.RECORD)["libraries"]["opacus"]["opacus_dp_step"]
    changed = json.loads(json.dumps(to_record(recorded)))
    changed["outputs"]["expected_8"]["new"]["W1"]["data"][0] *= 1 + 1e-8
    with pytest.raises(AssertionError):
        assert_same(load_record_from(changed), recorded, "opacus")


def test_a_failing_library_process_says_what_failed(monkeypatch):
    monkeypatch.setitem(lr.LIBRARIES, "broken", {"env": {}, "modules": ("no_such_module_x",)})
    with pytest.raises(RuntimeError, match="the broken cases failed"):
        lr.run_live("broken", timeout=120)


def test_the_recorded_inputs_are_the_seeded_ones():
    """The record's inputs are what the cases' seeds give (no library needed to check)."""
    recorded = load_record(lr.RECORD)["libraries"]["jax"]["jax_grads"]["inputs"]
    again = lr._small_network(30, m=7)
    for key, value in again.items():
        np.testing.assert_array_equal(recorded[key], value, err_msg=key)


@pytest.mark.verifies("eq-lib-per-example")
def test_per_example_gradients_are_the_deferred_columns_times_the_inputs():
    """Each example's own gradient, by autograd on that example's loss alone, is the outer
    product of the deferred dZ's column with A[l-1]'s column, and their mean is dW."""
    import autograd.numpy as anp
    from autograd import grad

    p = lr._small_network(50, m=5)
    params = {"W1": p["W1"], "b1": p["b1"][:, None], "W2": p["W2"], "b2": p["b2"][:, None]}
    X, Y = p["X"].T, p["y"].T

    def loss_of_one(W, l, i):  # example i's loss as a function of W[l] alone
        q = {**params, f"W{l}": W}
        a1 = anp.tanh(q["W1"] @ X[:, i : i + 1] + q["b1"])
        z2 = q["W2"] @ a1 + q["b2"]
        return anp.sum(anp.logaddexp(0.0, z2) - Y[:, i : i + 1] * z2)

    deferred = network.gradients(params, X, Y, hidden="tanh", convention="deferred")
    A = {0: X, 1: np.tanh(params["W1"] @ X + params["b1"])}
    for l in (1, 2):
        each = [grad(loss_of_one)(params[f"W{l}"], l, i) for i in range(X.shape[1])]
        outer = [np.outer(deferred[f"dZ{l}"][:, i], A[l - 1][:, i]) for i in range(X.shape[1])]
        np.testing.assert_allclose(each, outer, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(np.mean(each, axis=0), deferred[f"dW{l}"], rtol=1e-12)


# ------------------------------------------------------------------ each mapping, on live outputs
def live_case(library, name):
    return load_record_from(live(library)["cases"][name])


def course_params(inp):
    return {"W1": inp["W1"], "b1": inp["b1"][:, None], "W2": inp["W2"], "b2": inp["b2"][:, None]}


def largest_error(ours, theirs):
    return max(relative_error(ours[k], np.reshape(theirs[k], np.shape(ours[k]))) for k in ours)


def test_keras_fit_is_the_deferred_step_with_lambda_2_l2_m():
    case = live_case("keras", "keras_fit_l2")
    inp, out = case["inputs"], case["outputs"]
    p, X, Y = course_params(inp), inp["X"].T, inp["y"].T
    for lambd, right in ((2 * inp["l2"] * X.shape[1], True), (inp["l2"] * X.shape[1], False)):
        g = network.gradients(p, X, Y, hidden="tanh", lambd=lambd)
        error = largest_error({k: p[k] - inp["lr"] * g["d" + k] for k in p}, out["new"])
        assert (error < 1e-14) is right, (lambd, error)
    cost = network.cost(p, X, Y, hidden="tanh", lambd=2 * inp["l2"] * X.shape[1])
    assert out["loss"] == pytest.approx(cost, rel=1e-14)


def test_keras_sample_weight_divides_by_the_batch_size_not_the_weights():
    case = live_case("keras", "keras_sample_weight")
    inp, out = case["inputs"], case["outputs"]
    w, z, y = inp["sample_weight"], inp["z"][:, 0], inp["y"][:, 0]
    weighted = w * (np.logaddexp(0.0, z) - y * z)
    assert out["loss"]["sum_over_batch_size"] == pytest.approx(weighted.sum() / len(w), rel=1e-14)
    assert out["loss"]["mean_with_sample_weight"] == pytest.approx(weighted.sum() / w.sum(), 1e-14)
    X, Y = inp["X"].T, inp["y"].T
    a = 1 / (1 + np.exp(-(inp["w"] @ X + inp["b"][:, None])))
    summed = ((a - Y) * w) @ X.T
    for reduction, divide_by in (
        ("sum_over_batch_size", len(w)),
        ("mean_with_sample_weight", w.sum()),
    ):
        step = inp["w"] - inp["lr"] * summed / divide_by
        assert relative_error(step, out["step"][reduction]["w"]) < 1e-14, reduction
    assert abs(w.sum() / len(w) - 1) > 0.1  # the two divisors differ enough to tell apart


def test_tensorflow_sums_the_replicas_so_each_divides_by_the_global_batch():
    case = live_case("tensorflow", "tf_distributed_step")
    inp, out = case["inputs"], case["outputs"]
    p, X, Y, lr, k = course_params(inp), inp["X"].T, inp["y"].T, inp["lr"], inp["replicas"]

    def taken(result):
        return {q: (p[q] - np.reshape(result[q], p[q].shape)) / lr for q in p}

    def mean_grad(Xs, Ys, **kw):
        g = network.gradients(p, Xs, Ys, hidden="tanh", **kw)
        return {q: g["d" + q] for q in p}

    whole = mean_grad(X, Y)
    assert largest_error(whole, taken(out["even"]["global"])) < 1e-13
    assert largest_error(whole, taken(out["even"]["default"])) < 1e-13
    assert (
        largest_error({q: k * v for q, v in whole.items()}, taken(out["even"]["local_mean"]))
        < 1e-13
    )
    assert largest_error(mean_grad(X[:, :5], Y[:, :5]), taken(out["short"]["global"])) < 1e-13
    g0 = mean_grad(X[:, :3], Y[:, :3], convention="sum")
    g1 = mean_grad(X[:, 3:5], Y[:, 3:5], convention="sum")
    default = {q: g0[q] / (3 * k) + g1[q] / (2 * k) for q in p}
    assert largest_error(default, taken(out["short"]["default"])) < 1e-13
    assert largest_error(mean_grad(X[:, :5], Y[:, :5]), taken(out["short"]["default"])) > 0.01
    l2 = mean_grad(X, Y, lambd=2 * inp["l2"] * X.shape[1])
    assert largest_error(l2, taken(out["l2"])) < 1e-13


def test_jax_grad_of_the_mean_is_absorbed_and_vmap_grad_gives_the_deferred_columns():
    case = live_case("jax", "jax_grads")
    inp, out = case["inputs"], case["outputs"]
    p, X, Y = course_params(inp), inp["X"].T, inp["y"].T
    absorbed = network.gradients(p, X, Y, hidden="tanh", convention="absorbed")
    deferred = network.gradients(p, X, Y, hidden="tanh", convention="deferred")
    assert largest_error({k: absorbed["d" + k] for k in p}, out["mean_grad"]) < 1e-14
    A1 = np.tanh(p["W1"] @ X + p["b1"])
    dZ1, dZ2 = deferred["dZ1"], deferred["dZ2"]
    each = {"W1": np.einsum("ui,vi->iuv", dZ1, X), "b1": dZ1.T,
            "W2": np.einsum("ui,vi->iuv", dZ2, A1), "b2": dZ2.T}  # fmt: skip
    for key, value in each.items():
        assert relative_error(out["per_example"][key], value) < 1e-14, key
        assert relative_error(out["per_example"][key], value / X.shape[1]) > 0.5, key


def test_optax_decay_is_l2_with_weight_decay_lambda_over_n_and_adamw_is_decoupled():
    case = live_case("jax", "optax_steps")
    inp, out = case["inputs"], case["outputs"]
    W, lr, wd = inp["W"], inp["lr"], inp["wd"]
    assert relative_error(W - lr * (inp["grads"][0] + wd * W), out["sgd_decayed"]) < 1e-15
    adam = optimizers.Adam()
    start = {"W1": W, "b1": np.zeros((W.shape[0], 1))}
    state, plain, decoupled = adam.init_state(start), start, start
    plain_state, after, after_plain = adam.init_state(start), [], []
    for g in inp["grads"]:
        G = {"dW1": g, "db1": np.zeros((W.shape[0], 1))}
        new, state = adam.update(decoupled, G, state, lr)
        decoupled = {**new, "W1": new["W1"] - lr * wd * decoupled["W1"]}
        plain, plain_state = adam.update(plain, G, plain_state, lr)
        after.append(decoupled["W1"])
        after_plain.append(plain["W1"])
    assert relative_error(np.stack(after), out["adamw"]) < 1e-13
    assert relative_error(np.stack(after_plain), out["adam"]) < 1e-13
    assert relative_error(out["adamw"], out["adam"]) > 1e-3


def test_opacus_clips_the_deferred_per_example_gradients_and_divides_by_the_expected_size():
    case = live_case("opacus", "opacus_dp_step")
    inp, out = case["inputs"], case["outputs"]
    p, X, Y = course_params(inp), inp["X"].T, inp["y"].T
    m = X.shape[1]
    g = network.gradients(p, X, Y, hidden="tanh", convention="deferred")
    A1 = np.tanh(p["W1"] @ X + p["b1"])
    each = {"W1": np.einsum("ui,vi->iuv", g["dZ1"], X), "b1": g["dZ1"].T,
            "W2": np.einsum("ui,vi->iuv", g["dZ2"], A1), "b2": g["dZ2"].T}  # fmt: skip
    for expected in (6, 8):
        recorded = out[f"expected_{expected}"]
        for key, value in each.items():
            assert relative_error(recorded["per_example"][key], value) < 1e-14, key
    norms = np.sqrt(sum(np.sum(v.reshape(m, -1) ** 2, axis=1) for v in each.values()))
    clip = np.minimum(1.0, inp["max_grad_norm"] / (norms + 1e-6))
    assert 0 < np.sum(clip < 1) < m  # some clipped, some not
    for expected in (6, 8):
        new = {k: p[k] - inp["lr"] * np.einsum("i,i...->...", clip, each[k]).reshape(p[k].shape)
               / expected for k in p}  # fmt: skip
        assert largest_error(new, out[f"expected_{expected}"]["new"]) < 1e-14, expected
