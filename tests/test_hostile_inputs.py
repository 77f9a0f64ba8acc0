"""Hostile input: every public function either returns a finite result or raises ValueError or
TypeError with a short message naming the argument, quickly, without a warning, and without
modifying its inputs. The first part pins the cases found by hand (issue 12), one test each; the
second part throws junk of every type at the public functions with hypothesis."""

import os
import time
import warnings
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst

from npbackprop import activations, conventions, datasets, gradcheck, losses, network, two_layer
from npbackprop._validate import InputTypeError


def small_problem(output="sigmoid", dims=(3, 4, 1), m=5, seed=0):
    rng = np.random.default_rng(seed)
    params = network.init_params(list(dims), seed=seed)
    X = rng.normal(size=(dims[0], m))
    if output == "softmax":
        Y = datasets.one_hot(rng.integers(0, dims[-1], m), dims[-1])
    else:
        Y = (rng.random((dims[-1], m)) < 0.5).astype(float)
    return params, X, Y


# --- Parameter keys: exactly W1..WL, b1..bL, checked quickly with a short message. ---

BAD_KEYS = {
    "far layer": ("W100000000", r"W100000000"),
    "million": ("W1000000", r"W1000000"),
    "superscript digit": ("W²", r"W²"),
    "arabic-indic digit": ("b\u0661", "b\u0661"),
    "leading zero": ("W01", r"W01"),
    "zero layer": ("b0", r"b0"),
    "other name": ("gamma1", r"gamma1"),
    "non-string key": (7, r"7"),
    "huge key": ("W" + "9" * 100_000, r"W9{20,}\.\.\."),
}


@pytest.mark.parametrize("case", list(BAD_KEYS))
def test_bad_parameter_keys_are_named_quickly(case):
    key, match = BAD_KEYS[case]
    params, X, _ = small_problem()
    start = time.perf_counter()
    with pytest.raises(ValueError, match=match) as info:
        network.forward(X, {**params, key: np.ones((1, 1))})
    assert time.perf_counter() - start < 0.5, "the key check must not scale with the key"
    assert len(str(info.value)) < 300, f"message too long: {len(str(info.value))} characters"
    assert "got the key" in str(info.value), "the message names the first bad key"
    # a gap is still reported as the missing keys
    params, X, _ = small_problem(dims=(3, 4, 2, 1))
    del params["W2"], params["b2"]
    with pytest.raises(ValueError, match=r"missing \['W2', 'b2'\]"):
        network.forward(X, params)


# --- Flags are real bools. ---


@pytest.mark.parametrize("value", ["no", None, 0, 1, 1.0, "False", np.array(True)])
@pytest.mark.parametrize("flag", ["fused", "return_dA0", "keep_intermediate"])
def test_flags_must_be_bools(flag, value):
    params, X, Y = small_problem()
    AL, caches = network.forward(X, params)
    with pytest.raises(TypeError, match=rf"{flag} must be True or False; got "):
        network.backward(AL, Y, caches, **{flag: value})
    if flag != "keep_intermediate":
        with pytest.raises(TypeError, match=rf"{flag} must be True or False"):
            network.gradients(params, X, Y, **{flag: value})


@pytest.mark.parametrize("value", [True, False, np.True_, np.False_])
def test_real_bools_are_accepted_as_flags(value):
    params, X, Y = small_problem()
    AL, caches = network.forward(X, params)
    grads = network.backward(AL, Y, caches, fused=value, return_dA0=value, keep_intermediate=value)
    assert ("dA0" in grads) == bool(value)
    with pytest.raises(TypeError, match="fused must be True or False"):
        gradcheck.check_network(params, X, Y, fused="no")


# --- Cross-entropy from logits: 0 · (-inf) never happens. ---


@pytest.mark.parametrize(
    ("Z", "Y", "expected"),
    [
        ([[1.7e308], [-1.7e308]], [[1], [0]], [[0.0]]),
        ([[-1.7e308], [1.7e308]], [[0], [1]], [[0.0]]),
        ([[1.7e308], [-1.7e308], [0.0]], [[0], [0], [1]], [[1.7e308]]),
    ],
)
def test_cross_entropy_with_logits_is_finite_for_extreme_logits(Z, Y, expected):
    got = losses.cross_entropy_with_logits(Z, Y)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0, err_msg="cross-entropy")
    got = losses.loss_with_logits(np.array(Z), np.array(Y), "softmax")
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0, err_msg="loss_with_logits")


@pytest.mark.parametrize(("label", "expected"), [(0, 0.0), (1, 80000.0)])
def test_float16_softmax_cost_is_finite_for_logits_of_40000(label, expected):
    # one layer, Z = [40000, -40000] for the single example
    params = {
        "W1": np.array([[40000.0], [-40000.0]], dtype=np.float16),
        "b1": np.zeros((2, 1), dtype=np.float16),
    }
    X = np.ones((1, 1), dtype=np.float16)
    Y = datasets.one_hot([label], 2).astype(np.float16)
    J = network.cost(params, X, Y, output="softmax")
    np.testing.assert_allclose(J, expected, rtol=1e-6, atol=0, err_msg="float16 softmax cost")
    loss = losses.cross_entropy_with_logits(params["W1"], Y)
    assert loss.dtype == np.float16, "float16 in, float16 out"
    if label == 0:
        assert loss[0, 0] == 0


# --- Activations: real arrays only; backward shapes must match. ---

JUNK_FOR_ACTIVATIONS = {
    "complex": np.array([[1.0 + 2.0j]]),
    "None": None,
    "string": "relu",
    "string array": np.array([["1"]]),
    "object array": np.array([[1.0, None]], dtype=object),
    "list of str": ["a", "b"],
}


@pytest.mark.parametrize("name", [*activations.HIDDEN, "softmax", "identity"])
@pytest.mark.parametrize("junk", list(JUNK_FOR_ACTIVATIONS))
def test_activations_reject_non_real_input(name, junk):
    Z = JUNK_FOR_ACTIVATIONS[junk]
    with pytest.raises(TypeError, match=r"Z must be"):
        activations.activation_forward(Z, name)
    with pytest.raises(TypeError, match=r"must be"):
        activations.activation_backward(np.ones((1, 1)), Z, name)
    with pytest.raises(TypeError, match=r"dA must be"):
        activations.activation_backward(Z, np.ones((1, 1)), name)


@pytest.mark.parametrize(
    "function",
    [
        activations.sigmoid_derivative,
        activations.tanh_derivative,
        activations.relu_derivative,
        activations.leaky_relu_derivative,
        activations.identity_derivative,
        activations.log_softmax,
    ],
)
def test_derivatives_reject_complex_input(function):
    with pytest.raises(TypeError, match="Z must be real"):
        function(np.array([[1.0 + 1.0j]]))


@pytest.mark.parametrize(
    ("dA_shape", "Z_shape"), [((2, 3), (3, 2)), ((1, 3), (2, 3)), ((2, 1), (2, 3)), ((3,), (1, 3))]
)
@pytest.mark.parametrize("name", [*activations.HIDDEN, "softmax", "identity"])
def test_backward_shapes_must_match(name, dA_shape, Z_shape):
    dA, Z = np.ones(dA_shape), np.ones(Z_shape)
    with pytest.raises(ValueError, match="dA and Z must have the same shape") as info:
        activations.activation_backward(dA, Z, name)
    assert str(dA_shape) in str(info.value)
    assert str(Z_shape) in str(info.value)
    with pytest.raises(ValueError, match="dA and A must have the same shape"):
        activations.softmax_backward(dA, activations.softmax(Z))


# --- Gradient checking. ---


def test_check_network_with_dropout_needs_a_seed():
    params, X, Y = small_problem()
    with pytest.raises(ValueError, match="masks must be fixed by a seed"):
        gradcheck.check_network(params, X, Y, keep_prob=0.5, seed=None)
    with pytest.raises(ValueError, match="masks must be fixed by a seed"):
        gradcheck.check_network(params, X, Y, keep_prob=0.5, seed=np.random.default_rng(0))
    assert gradcheck.check_network(params, X, Y, hidden="tanh", keep_prob=0.5, seed=3).passed()


@pytest.mark.parametrize("scale", [1e154, 1e200, 1e300, 1e-170, 1e-300])
def test_relative_error_is_scale_safe(scale):
    a, b = np.array([3.0, 0.0]) * scale, np.array([1.0, 0.0]) * scale
    np.testing.assert_allclose(gradcheck.relative_error(a, b), 0.5, rtol=1e-12, err_msg="k = 3")
    assert gradcheck.relative_error(a, a) == 0.0


@pytest.mark.parametrize("eps", [np.inf, -np.inf, np.nan, 0.0, -1e-6, "1e-6", None, True])
def test_eps_must_be_finite_and_positive(eps):
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        gradcheck.numerical_gradient(lambda v: float(np.sum(v**2)), np.ones(3), eps=eps)
    params, X, Y = small_problem()
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        gradcheck.check_network(params, X, Y, eps=eps)


def test_numerical_gradient_survives_an_f_that_modifies_its_argument():
    x = np.array([1.0, -2.0, 0.5])

    def f(v):
        value = float(np.sum(v**3))
        v[...] = 0.0  # a hostile f: wipes its argument after use
        return value

    g = gradcheck.numerical_gradient(f, x)
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-8, atol=1e-8, err_msg="d/dx sum x^3")
    np.testing.assert_array_equal(x, [1.0, -2.0, 0.5])


@pytest.mark.parametrize("result", ["1.0", None, [1.0, 2.0], np.ones(2), 1j, True])
def test_numerical_gradient_needs_f_to_return_a_number(result):
    with pytest.raises(TypeError, match="f must return a real number"):
        gradcheck.numerical_gradient(lambda v: result, np.ones(2))


@pytest.mark.parametrize("result", [np.nan, np.inf, -np.inf])
def test_numerical_gradient_needs_f_to_return_a_finite_number(result):
    with pytest.raises(ValueError, match="f must return a finite number; got"):
        gradcheck.numerical_gradient(lambda v: result, np.ones(2))
    with pytest.raises(TypeError, match="f must be a callable"):
        gradcheck.numerical_gradient(result, np.ones(2))


# --- Seeds. ---

SEEDED = {
    "network.init_params": lambda s: network.init_params([2, 3, 1], seed=s),
    "network.forward": lambda s: network.forward(*_fw(), keep_prob=0.5, seed=s),
    "network.gradients": lambda s: network.gradients(*_gr(), keep_prob=0.5, seed=s),
    "network.cost": lambda s: network.cost(*_gr(), keep_prob=0.5, seed=s),
    "two_layer.init_params": lambda s: two_layer.init_params(2, 3, 1, seed=s),
    "datasets.planar": lambda s: datasets.planar(m=4, seed=s),
    "datasets.spirals": lambda s: datasets.spirals(m=6, seed=s),
    "datasets.moons": lambda s: datasets.moons(m=4, seed=s),
    "gradcheck.check_network": lambda s: gradcheck.check_network(*_gr(), keep_prob=0.5, seed=s),
}


def _fw():
    params, X, _ = small_problem()
    return X, params


def _gr():
    return small_problem()


@pytest.mark.parametrize("seed", [True, False, 1.0, "0", [0], np.True_])
@pytest.mark.parametrize("where", list(SEEDED))
def test_seeds_of_the_wrong_type_are_rejected_by_name(where, seed):
    with pytest.raises(TypeError, match=r"seed must be "):
        SEEDED[where](seed)


@pytest.mark.parametrize("where", list(SEEDED))
def test_negative_seeds_are_rejected_by_name(where):
    with pytest.raises(ValueError, match=r"seed must be an int >= 0; got -1"):
        SEEDED[where](-1)
    valid = (0, np.int64(5))
    if where != "gradcheck.check_network":  # it needs the same masks twice: an int
        valid += (None, np.random.default_rng(1))
    for seed in valid:
        SEEDED[where](seed)


# --- datasets, conventions, two_layer. ---


@pytest.mark.parametrize("K", [2, 3, 5])
def test_labels_of_detects_a_transposed_array(K):
    Y = datasets.one_hot(np.arange(7) % K, K)
    with pytest.raises(ValueError, match=r"looks transposed: pass Y\.T"):
        datasets.labels_of(Y.T)
    np.testing.assert_array_equal(datasets.labels_of(Y), np.arange(7) % K)


@pytest.mark.parametrize(
    ("Y", "match"),
    [
        (np.array([[1.0, 0.0, 1.0]]), "K >= 2 rows"),
        (np.array([[0.5, 1.0], [0.5, 0.0]]), "column 0 is not"),
        (np.array([[1.0, 1.0], [1.0, 0.0]]), "column 0 is not"),
        (np.array([["a", "b"]]), "numeric"),
        (np.array([[np.nan, 1.0], [1.0, 0.0]]), "finite"),
    ],
)
def test_labels_of_needs_one_hot_columns(Y, match):
    with pytest.raises(ValueError, match=match):
        datasets.labels_of(Y)


@pytest.mark.parametrize("petals", [np.nan, np.inf, -np.inf, "4", None, True])
def test_planar_petals_must_be_a_finite_number(petals):
    with pytest.raises(ValueError, match="petals must be"):
        datasets.planar(m=10, petals=petals)


@pytest.mark.parametrize("labels", [[], (), np.array([])])
def test_one_hot_of_no_labels_is_empty(labels):
    assert datasets.one_hot(labels, 3).shape == (3, 0)


@pytest.mark.parametrize(
    "dZ",
    [np.ones(4), np.ones((2, 4, 1)), np.array(1.0), "deferred", None, [[1j] * 4], [[np.nan] * 4]],
)
def test_convert_dZ_checks_its_array_and_m(dZ):
    with pytest.raises(ValueError, match="dZ"):
        conventions.convert_dZ(dZ, 4, "deferred", "absorbed")


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("deferred", "numeric"),
        (None, "numeric"),
        (np.ones((1, 3)), r"columns of grads\['dZ1'\]"),
        (np.ones(4), r"2-D"),
        ([[np.inf, 1, 1, 1]], "finite"),
    ],
)
def test_convert_grads_checks_every_value(value, match):
    with pytest.raises(ValueError, match=match):
        conventions.convert_grads({"dZ1": value}, 4, "deferred", "absorbed")
    if match in ("numeric", "finite"):
        with pytest.raises(ValueError, match=match):
            conventions.convert_grads({"dW1": value}, 4, "deferred", "absorbed")


@pytest.mark.parametrize(("name", "value"), [("A2", 1.5), ("A2", -0.1), ("A1", 2.0)])
def test_two_layer_backward_checks_the_cache_ranges(name, value):
    X, Y = datasets.planar(m=6, seed=0)
    params = two_layer.init_params(2, 3, 1, seed=0)
    _, cache = two_layer.forward(X, params)
    bad = {**cache, name: np.full_like(cache[name], value)}
    with pytest.raises(ValueError, match=rf"cache\['{name}'\] must hold values in"):
        two_layer.backward(params, bad, X, Y)


# --- network: a saturated sigmoid; an edited AL. ---


@pytest.mark.parametrize("w", [712.0, 720.0, 745.0])
def test_saturated_sigmoid_gradients_do_not_warn(w):
    params = {"W1": np.array([[w]]), "b1": np.zeros((1, 1))}
    grads = network.gradients(params, np.array([[-1.0]]), np.array([[1.0]]), output="sigmoid")
    # dZ = A - Y is finite; the unused dA[L] = -1/A is -inf where it overflows
    np.testing.assert_allclose(grads["dZ1"], [[-1.0]], rtol=1e-12, err_msg="dZ1")
    np.testing.assert_allclose(grads["dW1"], [[1.0]], rtol=1e-12, err_msg="dW1")
    assert grads["dA1"][0, 0] == -np.inf or grads["dA1"][0, 0] < -1e300


@pytest.mark.parametrize(
    "edit",
    [
        lambda AL: AL.__setitem__((0, 0), 0.25),
        lambda AL: AL.__imul__(0.5),
        lambda AL: AL[:, ::-1].sort(),  # a permutation keeps the sum
    ],
)
def test_in_place_edit_of_the_output_is_detected(edit):
    params, X, Y = small_problem(m=6)
    AL, caches = network.forward(X, params)
    before = AL.copy()
    edit(AL)
    assert not np.array_equal(AL, before), "the edit must change AL for the test to mean anything"
    with pytest.raises(ValueError, match="modified in place"):
        network.backward(AL, Y, caches)
    # undoing the edit, or passing an equal copy, is fine
    AL[...] = before
    first = network.backward(AL, Y, caches)
    second = network.backward(before.copy(), Y, caches)
    for key, value in first.items():
        np.testing.assert_array_equal(value, second[key], err_msg=key)


# --- Property tests: junk of every type at every public function. ---
#
# Each call must return a finite result (when its inputs are finite) or raise ValueError or
# TypeError with a short message; no other exception, no warning (the tests turn warnings into
# errors), no change to its inputs, and no call may take more than the deadline. Values stay
# small (|x| <= 10): these tests are about types, shapes and special values, not about overflow.

NAN, INF = float("nan"), float("inf")
JUNK_SETTINGS = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "300")),
    deadline=timedelta(milliseconds=1000),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("HOSTILE_EXAMPLES") is None,
)


def _float_elements(width):
    return st.one_of(st.floats(-10, 10, width=width), st.sampled_from([NAN, INF, -INF, 0.0, 1.0]))


_DTYPES = {
    "float64": _float_elements(64),
    "float32": _float_elements(32),
    "float16": _float_elements(16),
    "int64": st.integers(-3, 3),
    "bool": st.booleans(),
    "complex128": st.complex_numbers(max_magnitude=10) | st.just(complex(NAN, 1)),
    "<U2": st.text(st.characters(exclude_characters="\x00"), max_size=2),  # NumPy drops NUL
}


@st.composite
def any_array(draw, shape=None):
    """An array of any dtype (object included), of ``shape`` or of any shape (0-d to 3-d, empty)."""
    if shape is None:
        shape = draw(npst.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    dtype = draw(st.sampled_from([*_DTYPES, "object"]))
    if dtype == "object":
        items = st.one_of(st.none(), st.integers(0, 2), st.text(max_size=1), st.floats(0, 1))
        flat = draw(st.lists(items, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
        arr = np.empty(len(flat), dtype=object)
        arr[:] = flat
        return arr.reshape(shape)
    return draw(npst.arrays(np.dtype(dtype), shape, elements=_DTYPES[dtype]))


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=4),
    st.integers(-2, 6),
    st.floats(-10, 10) | st.sampled_from([NAN, INF, -INF]),
    st.complex_numbers(max_magnitude=10),
    st.lists(st.text(max_size=2), min_size=1, max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(0, 3), max_size=2),
    st.lists(st.lists(st.floats(-5, 5), max_size=3), min_size=2, max_size=3),  # ragged
    st.lists(st.one_of(st.floats(-5, 5), st.text(max_size=1), st.none()), min_size=1, max_size=3),
    any_array(),
)


def like(valid):
    """The valid value (3 times in 4), else an array of its shape with any dtype and values, or
    any junk: most examples then have one or two bad arguments among good ones."""
    bad = st.one_of(any_array(valid.shape), JUNK) if isinstance(valid, np.ndarray) else JUNK
    return mostly(st.just(valid), bad)


def mostly(good, bad):
    """``good`` three times in four, else ``bad`` (one_of would flatten JUNK's many branches and
    draw junk nearly every time)."""
    return st.sampled_from([True, True, True, False]).flatmap(lambda ok: good if ok else bad)


def _nonfinite(obj):
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc":
            return not np.isfinite(obj).all()
        if obj.dtype == object:
            return any(_nonfinite(x) for x in obj.ravel())
        return False
    if isinstance(obj, float | complex | np.floating | np.complexfloating):
        return not np.isfinite(obj)
    if isinstance(obj, dict):
        return any(_nonfinite(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return any(_nonfinite(v) for v in obj)
    return False


def _copy(obj):
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if isinstance(obj, dict):
        return {k: _copy(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(_copy(v) for v in obj) if type(obj) in (list, tuple) else obj
    return obj


def _same(a, b):
    if isinstance(a, np.ndarray):
        if a.dtype == object:
            return a.shape == b.shape and all(
                x is y or x == y or (x != x and y != y)
                for x, y in zip(a.ravel(), b.ravel(), strict=True)
            )
        return np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and type(a) in (list, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return True


def _assert_finite(result, skip=()):
    if isinstance(result, dict):
        for key, value in result.items():
            if key not in skip:
                _assert_finite(value)
    elif isinstance(result, list | tuple):
        for value in result:
            _assert_finite(value)
    elif isinstance(result, gradcheck.GradientCheck):
        _assert_finite([result.overall, result.errors])
    elif result is not None:
        assert not _nonfinite(result), f"finite input gave a non-finite result: {result!r}"


def behaves(fn, *args, finite=True, skip=(), **kwargs):
    """Call ``fn``; it must return (finite if ``finite`` and the input is) or raise a short
    ValueError or TypeError, without warning or modifying its arguments. Returns the result or
    the exception."""
    before = _copy((args, kwargs))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = fn(*args, **kwargs)
    except (ValueError, TypeError) as error:
        message = str(error)
        assert 0 < len(message) < 400, f"message of {len(message)} characters: {message[:200]}"
        plain_type_error = isinstance(error, TypeError) and not isinstance(error, ValueError)
        result = error
        event(f"{fn.__name__}: raised {type(error).__name__}")
    else:
        event(f"{fn.__name__}: returned")
        if finite and not _nonfinite((args, kwargs)):
            _assert_finite(result, skip)
    assert _same(before, (args, kwargs)), f"{fn.__name__} modified its input"
    if isinstance(result, Exception):  # a TypeError of ours, not one from deep inside NumPy
        assert not plain_type_error or type(result) is InputTypeError or "must be" in str(result)
    return result


NAMES = mostly(st.sampled_from([*activations.HIDDEN, "softmax", "identity"]), JUNK)
Z0 = np.array([[-1.0, 0.0, 2.0], [0.5, -3.0, 1.0]])


@JUNK_SETTINGS
@given(Z=like(Z0), dA=like(np.ones((2, 3))), name=NAMES)
def test_activations_on_junk(Z, dA, name):
    behaves(activations.activation_forward, Z, name)
    behaves(activations.activation_backward, dA, Z, name)
    behaves(activations.softmax_backward, dA, Z)
    for function in (
        activations.sigmoid,
        activations.sigmoid_derivative,
        activations.tanh,
        activations.tanh_derivative,
        activations.relu,
        activations.relu_derivative,
        activations.leaky_relu,
        activations.leaky_relu_derivative,
        activations.identity,
        activations.identity_derivative,
        activations.softmax,
        activations.log_softmax,
    ):
        behaves(function, Z)


A0 = np.array([[0.2, 0.7, 0.9], [0.8, 0.3, 0.1]])
Y0 = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
OUTPUT_NAMES = mostly(st.sampled_from(list(activations.OUTPUTS)), JUNK)


def _saturated(A):
    """A probability of exactly 0 or 1: the documented inf of the losses of probabilities."""
    arr = np.asarray(A) if isinstance(A, np.ndarray) else None
    return arr is not None and arr.dtype.kind in "fiub" and ((arr == 0) | (arr == 1)).any()


@JUNK_SETTINGS
@given(A=like(A0), Y=like(Y0), output=OUTPUT_NAMES)
def test_losses_on_junk(A, Y, output):
    saturated = _saturated(A)  # -log 0 = inf, documented (no clipping)
    for function in (
        losses.binary_cross_entropy_with_logits,
        losses.cross_entropy_with_logits,
        losses.squared_error,
        losses.squared_error_derivative,
        losses.output_gradient,
    ):
        behaves(function, A, Y)
    behaves(losses.loss_with_logits, A, Y, output)
    behaves(losses.binary_cross_entropy, A, Y, finite=not saturated)
    behaves(losses.cross_entropy, A, Y, finite=not saturated)
    if not saturated:  # at 0 or 1 the course's dAL is inf or NaN, with a warning (documented)
        behaves(losses.binary_cross_entropy_derivative, A, Y)
        behaves(losses.cross_entropy_derivative, A, Y)
        behaves(losses.loss_derivative, A, Y, output)


PARAMS0, X0, YB0 = small_problem(m=5)


@st.composite
def params_like(draw, valid):
    """A valid params dict, one with a key removed, added or its value replaced, or junk."""
    kind = draw(st.sampled_from(["valid"] * 6 + ["replace", "add", "remove", "junk"]))
    params = dict(valid)
    if kind == "junk":
        return draw(JUNK)
    if kind == "replace":
        key = draw(st.sampled_from(sorted(params)))
        params[key] = draw(like(params[key]))
    elif kind == "add":
        key = draw(st.one_of(st.text(max_size=4), st.integers(), st.sampled_from(["W3", "b3"])))
        params[key] = draw(like(np.ones((1, 1))))
    elif kind == "remove":
        del params[draw(st.sampled_from(sorted(params)))]
    return params


FLAGS = mostly(st.booleans(), JUNK)
SEEDS = mostly(st.one_of(st.none(), st.integers(0, 5)), JUNK)
KEEP = mostly(st.sampled_from([1.0, 0.7]), JUNK)


@JUNK_SETTINGS
@given(
    params=params_like(PARAMS0),
    X=like(X0),
    Y=like(YB0),
    hidden=mostly(st.sampled_from(activations.HIDDEN), JUNK),
    output=OUTPUT_NAMES,
    keep_prob=KEEP,
    seed=SEEDS,
)
def test_network_forward_cost_predict_accuracy_on_junk(
    params, X, Y, hidden, output, keep_prob, seed
):
    kw = dict(hidden=hidden, output=output)
    behaves(network.forward, X, params, keep_prob=keep_prob, seed=seed, **kw)
    behaves(network.cost, params, X, Y, keep_prob=keep_prob, seed=seed, **kw)
    behaves(network.predict, params, X, **kw)
    behaves(network.accuracy, params, X, Y, **kw)


@JUNK_SETTINGS
@given(
    params=params_like(PARAMS0),
    X=like(X0),
    Y=like(YB0),
    output=OUTPUT_NAMES,
    convention=mostly(st.sampled_from(conventions.CONVENTIONS), JUNK),
    fused=mostly(st.just(True), JUNK),
    flag=FLAGS,
    lambd=mostly(st.just(0.5), JUNK),
    keep_prob=KEEP,
    seed=SEEDS,
)
def test_network_gradients_and_backward_on_junk(
    params, X, Y, output, convention, fused, flag, lambd, keep_prob, seed
):
    kw = dict(convention=convention, lambd=lambd)
    skip = ("dA2",)  # dA[L] is reported only: inf where it overflows (documented)
    behaves(
        network.gradients, params, X, Y, output=output, keep_prob=keep_prob, seed=seed,
        fused=fused, return_dA0=flag, skip=skip, **kw,
    )  # fmt: skip
    out = behaves(network.forward, X, params, output=output, keep_prob=keep_prob, seed=seed)
    if isinstance(out, tuple):
        AL, caches = out
        behaves(network.backward, AL, Y, caches, fused=fused, keep_intermediate=flag, skip=skip,
                **kw)  # fmt: skip
        behaves(network.backward, X, Y, caches, fused=fused, **kw)  # an AL from elsewhere
    behaves(network.backward, Y, Y, params, fused=fused, **kw)  # no ForwardCache


@JUNK_SETTINGS
@given(
    params=params_like(PARAMS0),
    X=like(X0),
    Y=like(YB0),
    keep_prob=KEEP,
    seed=SEEDS,
    eps=mostly(st.just(1e-6), JUNK),
    fused=FLAGS,
    grads=st.one_of(st.none(), params_like({f"d{k}": v for k, v in PARAMS0.items()})),
)
def test_gradcheck_on_junk(params, X, Y, keep_prob, seed, eps, fused, grads):
    behaves(
        gradcheck.check_network, params, X, Y, hidden="tanh", keep_prob=keep_prob, seed=seed,
        eps=eps, fused=fused, grads=grads,
    )  # fmt: skip
    behaves(gradcheck.relative_error, X, Y)
    behaves(gradcheck.relative_error, X, X)
    for f in (lambda v: float(np.sum(v * v)), lambda v: Y, lambda v: eps, eps):
        behaves(gradcheck.numerical_gradient, f, X, eps)


COUNTS = mostly(st.integers(1, 12), JUNK)


@JUNK_SETTINGS
@given(
    m=COUNTS,
    n_classes=COUNTS,
    seed=SEEDS,
    noise=mostly(st.just(0.1), JUNK),
    petals=mostly(st.just(4.0), JUNK),
    labels=mostly(st.lists(st.integers(0, 3), max_size=6), JUNK),
    Y=mostly(st.just(datasets.one_hot([0, 2, 1], 3)), JUNK),
)
def test_datasets_on_junk(m, n_classes, seed, noise, petals, labels, Y):
    behaves(datasets.planar, m, seed, noise, petals)
    behaves(datasets.spirals, m, n_classes, seed, noise)
    behaves(datasets.moons, m, seed, noise)
    behaves(datasets.one_hot, labels, n_classes)
    behaves(datasets.labels_of, Y)
    if isinstance(Y, np.ndarray):
        behaves(datasets.labels_of, Y.T)


GRADS0 = {"dZ1": np.ones((4, 5)), "dW1": np.ones((4, 3)), "db1": np.ones((4, 1))}


@JUNK_SETTINGS
@given(
    dZ=like(np.ones((4, 5))),
    grads=params_like(GRADS0),
    m=mostly(st.just(5), JUNK),
    source=mostly(st.sampled_from(conventions.CONVENTIONS), JUNK),
    target=mostly(st.sampled_from(conventions.CONVENTIONS), JUNK),
    lr=mostly(st.just(0.1), JUNK),
)
def test_conventions_on_junk(dZ, grads, m, source, target, lr):
    behaves(conventions.convert_dZ, dZ, m, source, target)
    behaves(conventions.convert_grads, grads, m, source, target)
    behaves(conventions.equivalent_learning_rate, lr, m, source, target)
    behaves(conventions.check_convention, source)
    behaves(conventions.reduction, source)
    for function in (
        conventions.dZ_factor,
        conventions.grad_factor,
        conventions.output_scale,
        conventions.param_scale,
    ):
        behaves(function, source, m)
    behaves(conventions.l2_scale, source, m, lr)


TL_PARAMS = two_layer.init_params(2, 3, 1, seed=0)
TL_X, TL_Y = datasets.planar(m=6, seed=0)
TL_CACHE = two_layer.forward(TL_X, TL_PARAMS)[1]


@JUNK_SETTINGS
@given(
    params=params_like(TL_PARAMS),
    cache=params_like(TL_CACHE),
    X=like(TL_X),
    Y=like(TL_Y),
    sizes=st.tuples(COUNTS, COUNTS, COUNTS),
    seed=SEEDS,
    convention=mostly(st.sampled_from(conventions.CONVENTIONS), JUNK),
)
def test_two_layer_on_junk(params, cache, X, Y, sizes, seed, convention):
    behaves(two_layer.init_params, *sizes, seed=seed)
    behaves(two_layer.forward, X, params)
    behaves(two_layer.predict, params, X)
    A2 = cache.get("A2") if isinstance(cache, dict) else cache
    behaves(two_layer.cost, A2, Y, finite=not _saturated(A2))
    behaves(two_layer.backward, params, cache, X, Y, convention)


@pytest.mark.parametrize("lambd", [10**400, -(10**400), float("inf"), float("nan")])
def test_an_l2_strength_beyond_float_range_is_named(lambd):
    """float(10**400) raises OverflowError; the check reads it as infinite and says so."""
    params = network.init_params([2, 3, 1], seed=0)
    X, Y = np.ones((2, 4)), np.array([[1, 0, 1, 0]])
    with pytest.raises(ValueError, match=r"^lambd must be a finite number >= 0; got "):
        network.gradients(params, X, Y, lambd=lambd)
    with pytest.raises(ValueError, match=r"^lambd must be a finite number >= 0; got "):
        conventions.scales("deferred", 4, lambd)
