"""Hypothesis property tests of the convention identities (DESIGN §2) over random depths,
widths, batch sizes (m = 1 included), activations and outputs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npbackprop import network

from helpers import HIDDEN, OUTPUTS, assert_close, make_targets


@st.composite
def problems(draw):
    depth = draw(st.integers(1, 4))
    widths = draw(st.lists(st.integers(1, 5), min_size=depth + 1, max_size=depth + 1))
    output = draw(st.sampled_from(OUTPUTS))
    if output == "softmax":
        widths[-1] = max(widths[-1], 2)
    m = draw(st.integers(1, 9))
    hidden = draw(st.sampled_from(HIDDEN))
    lambd = draw(st.sampled_from([0.0, 0.25]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    params = network.init_params(widths, seed=seed)
    params = {k: v + rng.normal(size=v.shape) * 0.1 for k, v in params.items()}
    X = rng.normal(size=(widths[0], m))
    Y = make_targets(rng, output, widths[-1], m)
    return params, X, Y, dict(hidden=hidden, output=output, lambd=lambd)


def all_three(params, X, Y, kw):
    return [
        network.gradients(params, X, Y, convention=c, **kw) for c in ("deferred", "absorbed", "sum")
    ]


@pytest.mark.verifies("eq-dz-deferred", "eq-dz-absorbed", "eq-dz-sum")
@settings(max_examples=150, deadline=None)
@given(problems())
def test_convention_identities(problem):
    params, X, Y, kw = problem
    m = X.shape[1]
    d, a, s = all_three(params, X, Y, kw)
    L = len(params) // 2
    for l in range(1, L + 1):
        for g in ("dW", "db"):
            key = f"{g}{l}"
            assert_close(d[key], a[key], f"deferred = absorbed {key}", rtol=1e-11)
            assert_close(s[key], m * d[key], f"sum = m × mean {key}", rtol=1e-11)
        for g in ("dZ", "dA"):
            key = f"{g}{l}"
            assert_close(d[key], m * a[key], f"deferred = m × absorbed {key}", rtol=1e-11)
            assert_close(s[key], d[key], f"sum = deferred {key}", rtol=1e-11)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_one_example_all_conventions_coincide(problem):
    params, X, Y, kw = problem
    d, a, s = all_three(params, X[:, :1], Y[:, :1], kw)
    for key in d:
        np.testing.assert_array_equal(a[key], d[key], err_msg=key)
        np.testing.assert_array_equal(s[key], d[key], err_msg=key)
