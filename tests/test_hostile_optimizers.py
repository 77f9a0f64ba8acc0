"""Hostile input for the optimizers and the number checks they share with the conventions
(issue 25): float16 parameters, states that are not what init_state makes, numbers beyond
float's range, and junk of every type for every numeric argument (hypothesis). Each case must
give a correct, finite result or a ValueError/TypeError naming the argument."""

import ast
import copy
import math
import os
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npbackprop import _validate, conventions, losses, network, optimizers

HUGE = 10**400  # beyond float's range: float(HUGE) raises OverflowError
ADAPTIVE = [optimizers.RMSprop, optimizers.Adam]
ALL = [optimizers.GradientDescent, optimizers.Momentum, optimizers.RMSprop, optimizers.Adam]


def problem(dtype=np.float64, grad=1.0):
    params = {"W1": np.ones((2, 3), dtype), "b1": np.zeros((2, 1), dtype)}
    grads = {f"d{k}": np.full(v.shape, grad, dtype) for k, v in params.items()}
    return params, grads


# --- 1. float16 parameters with RMSprop and Adam: ε = 1e-8 is 0 in float16. ---


@pytest.mark.parametrize("make", ADAPTIVE, ids=lambda c: c.__name__)
def test_float16_zero_gradients_leave_the_parameters_finite_and_unchanged(make):
    p16, g16 = problem(np.float16, grad=0.0)
    opt = make()
    new, state = opt.update(p16, g16, opt.init_state(p16), 0.01)
    for key, value in new.items():
        assert value.dtype == np.float16, f"{key}: float16 in, float16 out"
        np.testing.assert_array_equal(value, p16[key], err_msg=f"a zero gradient moves {key}")
    for name in opt._moments:
        for key, value in state[name].items():
            assert np.isfinite(value).all(), f"state[{name!r}][{key!r}] is not finite"


@pytest.mark.parametrize("make", ADAPTIVE, ids=lambda c: c.__name__)
def test_float16_small_gradients_take_the_float64_step(make):
    # g² = 1e-8 underflows in float16: with float16 moments ŝ = 0 and the step is α g / ε
    p16, g16 = problem(np.float16, grad=1e-4)
    p64, g64 = problem(np.float64, grad=float(np.float16(1e-4)))
    opt = make()
    new16, state16 = opt.update(p16, g16, opt.init_state(p16), 0.01)
    new64, _ = opt.update(p64, g64, opt.init_state(p64), 0.01)
    for key in new16:
        assert new16[key].dtype == np.float16
        np.testing.assert_allclose(new16[key], new64[key].astype(np.float16), rtol=1e-3,
                                   atol=1e-4, err_msg=key)  # fmt: skip
    # and the next steps too, from the returned state
    for _ in range(3):
        new16, state16 = opt.update(new16, g16, state16, 0.01)
    assert all(np.isfinite(v).all() for v in new16.values())


@pytest.mark.parametrize("make", ADAPTIVE, ids=lambda c: c.__name__)
def test_an_epsilon_that_vanishes_in_the_step_s_precision_is_named(make):
    params, grads = problem(np.float32, grad=0.0)
    opt = make(epsilon=1e-50)  # 0 in float32
    with pytest.raises(ValueError, match=r"^epsilon .*got epsilon = 1e-50.*0 in float32"):
        opt.update(params, grads, opt.init_state(params), 0.01)
    params64, grads64 = problem(np.float64, grad=0.0)  # representable in float64: fine
    new, _ = opt.update(params64, grads64, opt.init_state(params64), 0.01)
    np.testing.assert_array_equal(new["W1"], params64["W1"])


# --- 2. The state: float moment arrays of the params' shapes, s >= 0, t a Python int. ---


def test_moments_are_checked_for_sign_shape_and_finiteness():
    params, grads = problem()
    opt = optimizers.RMSprop()
    state = opt.init_state(params)
    state["s"]["W1"] = -np.ones((2, 3))
    with pytest.raises(ValueError, match=r"state\['s'\]\['W1'\] must be >= 0.*got -1\.0"):
        opt.update(params, grads, state, 0.1)
    adam = optimizers.Adam()
    state = adam.init_state(params)
    state["s"]["b1"] = np.full((2, 1), -1e-3)
    with pytest.raises(ValueError, match=r"state\['s'\]\['b1'\] must be >= 0"):
        adam.update(params, grads, state, 0.1)
    state = adam.init_state(params)
    state["v"]["b1"] = np.zeros((1, 2))
    with pytest.raises(ValueError, match=r"state\['v'\]\['b1'\] must have shape \(2, 1\)"):
        adam.update(params, grads, state, 0.1)
    state = adam.init_state(params)
    state["v"]["W1"] = np.full((2, 3), np.nan)
    with pytest.raises(ValueError, match=r"state\['v'\]\['W1'\] must be finite"):
        adam.update(params, grads, state, 0.1)


@pytest.mark.parametrize("t", [np.int8(127), np.uint8(255), np.int16(32767), np.int32(2**31 - 1)])
def test_adam_step_count_does_not_wrap(t):
    params, grads = problem()
    adam = optimizers.Adam()
    state = {**adam.init_state(params), "t": t}
    new, new_state = adam.update(params, grads, state, 0.1)
    assert new_state["t"] == int(t) + 1
    assert type(new_state["t"]) is int
    expected, _ = adam.update(params, grads, {**adam.init_state(params), "t": int(t)}, 0.1)
    for key in new:
        np.testing.assert_array_equal(new[key], expected[key], err_msg=key)
    assert state["t"] is t, "the input state is not modified"


@pytest.mark.parametrize(
    ("t", "error"),
    [(True, TypeError), (np.True_, TypeError), (2.0, TypeError), ("3", TypeError),
     (None, TypeError), (HUGE, ValueError)],
)  # fmt: skip
@pytest.mark.parametrize("make", ALL, ids=lambda c: c.__name__)
def test_the_step_count_must_be_a_non_negative_int(make, t, error):
    params, grads = problem()
    opt = make()
    with pytest.raises(error, match=r"state\['t'\] must be a step count \(an int >= 0"):
        opt.update(params, grads, {**opt.init_state(params), "t": t}, 0.1)


MOMENTS = {
    "list": (lambda a: a.tolist(), "list"),
    "int array": (lambda a: a.astype(np.int64), "int64"),
    "bool array": (lambda a: a.astype(bool), "bool"),
    "complex array": (lambda a: a.astype(complex), "complex128"),
}


@pytest.mark.parametrize("kind", list(MOMENTS))
@pytest.mark.parametrize("make", [optimizers.Momentum, *ADAPTIVE], ids=lambda c: c.__name__)
def test_moments_must_be_float_arrays(make, kind):
    convert, shown = MOMENTS[kind]
    params, grads = problem()
    opt = make()
    state = opt.init_state(params)
    name = opt._moments[-1]
    state[name]["W1"] = convert(state[name]["W1"])
    with pytest.raises((TypeError, ValueError), match=rf"state\['{name}'\]\['W1'\] must be a") as e:
        opt.update(params, grads, state, 0.1)
    assert shown in str(e.value), str(e.value)


def test_a_step_that_overflows_is_refused_not_returned():
    params, grads = problem(np.float16)
    with pytest.raises(ValueError, match=r"learning_rate.*float16"):
        optimizers.GradientDescent().update(params, grads, {"t": 0}, 1e6)
    params, grads = problem(np.float64, grad=1e300)
    adam = optimizers.Adam()
    with pytest.raises(ValueError, match=r"not finite"):
        adam.update(params, grads, adam.init_state(params), 0.1)  # g² = inf in the state


# --- 3. rate_for never returns inf. ---


@pytest.mark.parametrize("make", [optimizers.GradientDescent, optimizers.Momentum])
def test_rate_for_a_tiny_scale_is_refused_by_name(make):
    with pytest.raises(ValueError, match=r"^scale .*1e-320"):
        make().rate_for(1.0, 1e-320)
    assert make().rate_for(1.0, 1e-300) == pytest.approx(1e300)
    assert optimizers.Adam().rate_for(1.0, 1e-320) == 1.0  # scale-invariant: no division


# --- 4. Ints beyond float's range: a ValueError naming the argument, not an OverflowError. ---


def adam_step(t, learning_rate):
    params, grads = problem()
    state = {**optimizers.Adam().init_state(params), "t": t}
    return optimizers.Adam().update(params, grads, state, learning_rate)


G = {"dZ1": np.ones((1, 3)), "dW1": np.ones((1, 1))}
BEYOND = {
    "Momentum beta": (lambda n: optimizers.Momentum(beta=n), "beta"),
    "RMSprop beta": (lambda n: optimizers.RMSprop(beta=n), "beta"),
    "RMSprop epsilon": (lambda n: optimizers.RMSprop(epsilon=n), "epsilon"),
    "Adam beta1": (lambda n: optimizers.Adam(beta1=n), "beta1"),
    "Adam beta2": (lambda n: optimizers.Adam(beta2=n), "beta2"),
    "Adam epsilon": (lambda n: optimizers.Adam(epsilon=n), "epsilon"),
    "Adam t": (lambda n: adam_step(n, 0.1), r"state\['t'\]"),
    "scales m": (lambda n: conventions.scales("sum", n), "m"),
    "dZ_factor m": (lambda n: conventions.dZ_factor("deferred", n), "m"),
    "grad_factor m": (lambda n: conventions.grad_factor("sum", n), "m"),
    "l2_scale m": (lambda n: conventions.l2_scale("sum", n, 0.1), "m"),
    "equivalent_learning_rate m": (
        lambda n: conventions.equivalent_learning_rate(0.1, n, "deferred", "sum"),
        "m",
    ),
    "convert_grads m": (lambda n: conventions.convert_grads(G, n, "deferred", "sum"), "m"),
    "convert_dZ m": (lambda n: conventions.convert_dZ(G["dZ1"], n, "deferred", "sum"), "m"),
}


@pytest.mark.parametrize("case", list(BEYOND))
def test_ints_beyond_float_range_are_named(case):
    call, name = BEYOND[case]
    for value in (HUGE, -HUGE):
        with pytest.raises(ValueError, match=rf"^{name}") as info:
            call(value)
        assert len(str(info.value)) < 300, "the message shows the int cut short"


def test_the_checks_that_read_numbers_never_overflow():
    for check in (_validate.check_finite_number, _validate.check_nonnegative,
                  _validate.check_probability, _validate.check_positive_int):  # fmt: skip
        with pytest.raises(ValueError, match=r"^x must be"):
            check(HUGE, "x")
    assert _validate.check_positive_int(10**300, "x") == 10**300  # large, but a float exists


# --- 5. convert_dZ and convert_grads in float16: m = 70 000 does not fit. ---


def test_float16_conversion_by_m_beyond_float16_is_right_when_representable():
    m = 70_000
    dZ = np.full((1, m), 1e-5, np.float16)  # an absorbed dZ: per-example / m
    out = conventions.convert_dZ(dZ, m, "absorbed", "deferred")
    assert out.dtype == np.float16
    np.testing.assert_allclose(out, float(dZ[0, 0]) * m, rtol=1e-3)
    grads = conventions.convert_grads({"dZ1": dZ, "dW1": dZ[:, :2]}, m, "absorbed", "sum")
    np.testing.assert_allclose(grads["dZ1"], out, rtol=0)
    np.testing.assert_allclose(grads["dW1"], out[:, :2], rtol=0)
    back = conventions.convert_dZ(out, m, "deferred", "absorbed")
    np.testing.assert_allclose(back, dZ, rtol=1e-3)


def test_float16_conversion_beyond_float16_range_is_refused_naming_m_and_dtype():
    m = 70_000
    dZ = np.ones((1, m), np.float16)
    with pytest.raises(ValueError, match=r"m = 70000.*float16"):
        conventions.convert_dZ(dZ, m, "absorbed", "deferred")
    with pytest.raises(ValueError, match=r"m = 70000.*float16"):
        conventions.convert_grads({"dW1": np.ones((1, 1), np.float16)}, m, "deferred", "sum")
    with pytest.raises(ValueError, match=r"m = 4.*float64"):
        conventions.convert_dZ(np.full((1, 4), 1e308), 4, "absorbed", "sum")


# --- 6. The base class says what to use. ---


def test_the_base_optimizer_says_to_use_a_subclass():
    params, grads = problem()
    with pytest.raises(NotImplementedError, match=r"GradientDescent, Momentum, RMSprop.*Adam"):
        optimizers.Optimizer().update(params, grads, {"t": 0}, 0.1)


# --- 7. The label checks live with the loss records; _validate imports no higher module. ---


def test_validate_imports_no_module_of_the_package():
    source = Path(_validate.__file__).read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("npbackprop"), node.module
        elif isinstance(node, ast.Import):
            assert not any(a.name.startswith("npbackprop") for a in node.names)
    assert not hasattr(_validate, "check_labels")
    assert losses.check_labels.__module__ == "npbackprop.losses", "beside PAIRS"


@pytest.mark.parametrize(
    ("output", "Y", "match"),
    [
        ("sigmoid", [[0.0, 0.5]], r"labels in \{0, 1\}; got 1 other value\(s\), e\.g\. \[0\.5\]"),
        ("softmax", [[1.0, 1.0], [1.0, 0.0]], r"must be one-hot: .* column 0 = \[1\.0, 1\.0\]"),
    ],
)
def test_label_checks_keep_their_messages(output, Y, match):
    assert losses.check_labels.__module__ == "npbackprop.losses", "moved beside PAIRS"
    with pytest.raises(ValueError, match=match):
        losses.check_labels(np.array(Y), output)
    params = network.init_params([2, len(Y)], seed=0)
    with pytest.raises(ValueError, match=match):
        network.gradients(params, np.ones((2, 2)), np.array(Y), output=output)
    losses.check_labels(np.array([[3.5, -2.0]]), "identity")  # squared error: any values


# --- 8. Every numeric argument of every optimizer, with hostile values (hypothesis). ---

HOSTILE = st.one_of(
    st.booleans(),
    st.sampled_from([np.True_, np.False_, None, "0.1", "", b"1", 1j, [0.1], (0.5,), {}]),
    st.sampled_from([HUGE, -HUGE, 10**300, 2**64, -1, 0, 1, 2, 7]),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 5e-324, 1e-320, 1e-50, 1e308]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.sampled_from(
        [
            np.float16(1e-8),
            np.float16(0.5),
            np.float32(1e-45),
            np.float32(0.9),
            np.float64(np.nan),
            np.int8(127),
            np.int8(-1),
            np.uint64(2**63),
            np.float64(1e308),
            np.longdouble(0.5),
            np.longdouble("1e4000"),
            np.float16("inf"),
        ]
    ),
    st.floats(0, 1, exclude_max=True),
)
OPT_SETTINGS = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "300")),
    deadline=timedelta(milliseconds=1000),
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("HOSTILE_EXAMPLES") is None,
)
FIELDS = {optimizers.GradientDescent: (), optimizers.Momentum: ("beta",),
          optimizers.RMSprop: ("beta", "epsilon"),
          optimizers.Adam: ("beta1", "beta2", "epsilon")}  # fmt: skip


def named(error, name):
    """The exception is a ValueError or TypeError whose message starts with the argument's name
    and says what it must be."""
    assert isinstance(error, ValueError | TypeError), f"{type(error).__name__}: {error}"
    message = str(error)
    assert message.startswith(name), f"the message does not start with {name!r}: {message}"
    assert " must " in message, message
    assert 0 < len(message) < 400, message


def finite_tree(obj):
    if isinstance(obj, optimizers.Optimizer):  # its hyperparameters, checked floats
        return all(type(v) is float and math.isfinite(v) for v in vars(obj).values())
    if isinstance(obj, dict):
        return all(finite_tree(v) for v in obj.values())
    if isinstance(obj, tuple):
        return all(finite_tree(v) for v in obj)
    if isinstance(obj, np.ndarray):
        return bool(np.isfinite(obj).all())
    return math.isfinite(obj)


def attempt(call, name):
    """``call()`` returns a finite result, or raises a named ValueError/TypeError; never
    another exception (warnings are errors in this suite). Returns the result or the error."""
    try:
        result = call()
    except Exception as error:
        named(error, name)
        return error
    assert finite_tree(result), f"a non-finite result: {result!r}"
    return result


@OPT_SETTINGS
@given(
    make=st.sampled_from(ALL),
    field=st.integers(0, 2),
    value=HOSTILE,
    dtype=st.sampled_from([np.float64, np.float32, np.float16]),
    grad=st.sampled_from([0.0, 1e-4, 1.0, -30.0]),
    where=st.sampled_from(["init", "learning_rate", "t", "rate_for lr", "rate_for scale"]),
)
def test_every_numeric_argument_of_every_optimizer_is_checked(make, field, value, dtype, grad,
                                                              where):  # fmt: skip
    params, grads = problem(dtype, grad)
    before = copy.deepcopy((params, grads))
    if where == "init" and FIELDS[make]:
        name = FIELDS[make][field % len(FIELDS[make])]
        opt = attempt(lambda: make(**{name: value}), name)
        if isinstance(opt, Exception):
            return
        # a valid hyperparameter may still make a step beyond float16 (β → 1 in RMSprop: a step
        # of α/(2√(1-β))): refused, naming the optimizer with its hyperparameters
        step = attempt(lambda: opt.update(params, grads, opt.init_state(params), 0.01), "")
        if isinstance(step, Exception):
            assert str(step).startswith(("epsilon", "learning_rate, grads and state")), step
            assert f"{name}=" in str(step) or str(step).startswith("epsilon"), step
    elif where in ("learning_rate", "t"):
        opt = make()
        state = opt.init_state(params)
        state_before = copy.deepcopy(state)
        rate = 0.01
        if where == "t":
            state["t"] = value
        else:
            rate = value
        name = r"state['t']" if where == "t" else "learning_rate"
        attempt(lambda: opt.update(params, grads, state, rate), name)
        for moment in opt._moments:
            for key, kept in state[moment].items():
                np.testing.assert_array_equal(kept, state_before[moment][key], err_msg=key)
    elif where.startswith("rate_for"):
        args = (value, 2.0) if where.endswith("lr") else (0.1, value)
        name = "learning_rate" if where.endswith("lr") else "scale"
        attempt(lambda: make().rate_for(*args), name)
    for given_, kept in zip((params, grads), before, strict=True):
        for key, array in given_.items():
            np.testing.assert_array_equal(array, kept[key], err_msg=f"{key} was modified")
