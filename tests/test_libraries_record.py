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
from npbackprop._book import load_record, to_record

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

    from npbackprop import network

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
