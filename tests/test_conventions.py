"""npbackprop.conventions: the factors of DESIGN §2, conversions, and the learning-rate rule."""

import numpy as np
import pytest

from npbackprop import conventions, network

from helpers import CONVENTIONS, DZ_TIMES_M, REDUCTION, assert_close, make_problem


@pytest.mark.parametrize("m", [1, 2, 7, 64, 65536])
def test_factors_are_those_of_the_design(m):
    for c in CONVENTIONS:
        assert conventions.dZ_factor(c, m) == (m if DZ_TIMES_M[c] else 1)
        assert conventions.grad_factor(c, m) == (m if c == "sum" else 1)
        assert conventions.reduction(c) == REDUCTION[c]
    assert conventions.output_scale("deferred", m) == 1
    assert conventions.output_scale("absorbed", m) == pytest.approx(1 / m, rel=1e-15)
    assert conventions.output_scale("sum", m) == 1
    assert conventions.param_scale("deferred", m) == pytest.approx(1 / m, rel=1e-15)
    assert conventions.param_scale("absorbed", m) == 1
    assert conventions.param_scale("sum", m) == 1
    assert conventions.l2_scale("deferred", m, 0.5) == pytest.approx(0.5 / m)
    assert conventions.l2_scale("absorbed", m, 0.5) == pytest.approx(0.5 / m)
    assert conventions.l2_scale("sum", m, 0.5) == pytest.approx(0.5)


def test_descriptions_cover_every_convention():
    assert conventions.CONVENTIONS == CONVENTIONS
    assert set(conventions.DESCRIPTIONS) == set(CONVENTIONS)
    assert "course" in conventions.DESCRIPTIONS["deferred"]


@pytest.mark.parametrize("source", CONVENTIONS)
@pytest.mark.parametrize("target", CONVENTIONS)
def test_convert_grads_turns_one_convention_into_another(source, target):
    params, X, Y = make_problem("tanh", "softmax", m=6, seed=0)
    kw = dict(hidden="tanh", output="softmax", lambd=0.3)
    got = conventions.convert_grads(
        network.gradients(params, X, Y, convention=source, **kw), 6, source, target
    )
    want = network.gradients(params, X, Y, convention=target, **kw)
    assert got.keys() == want.keys()
    for key in want:
        assert_close(got[key], want[key], f"{source}->{target} {key}")


def test_convert_dZ_round_trip_and_copy():
    dZ = np.arange(6.0).reshape(2, 3)
    out = conventions.convert_dZ(dZ, 3, "deferred", "absorbed")
    np.testing.assert_allclose(out, dZ / 3)
    np.testing.assert_allclose(conventions.convert_dZ(out, 3, "absorbed", "deferred"), dZ)
    same = conventions.convert_dZ(dZ, 3, "deferred", "sum")
    np.testing.assert_array_equal(same, dZ)
    assert same is not dZ
    g = conventions.convert_grads({"dZ1": dZ, "note": np.array([1.0])}, 3, "sum", "absorbed")
    np.testing.assert_array_equal(g["note"], [1.0])  # other keys are copied unchanged


def test_equivalent_learning_rate():
    assert conventions.equivalent_learning_rate(1.2, 400, "deferred", "sum") == pytest.approx(
        1.2 / 400
    )
    assert conventions.equivalent_learning_rate(0.003, 400, "sum", "absorbed") == pytest.approx(1.2)
    assert conventions.equivalent_learning_rate(0.1, 9, "absorbed", "deferred") == 0.1


@pytest.mark.parametrize("bad", ["mean", "Deferred", "", None, 3])
def test_unknown_convention_lists_the_valid_names(bad):
    with pytest.raises(ValueError, match="expected one of 'deferred', 'absorbed', 'sum'") as info:
        conventions.dZ_factor(bad, 4)
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize("m", [0, -3, 2.5, True, "4"])
def test_bad_m(m):
    with pytest.raises(
        ValueError, match=r"m \(the number of examples\) must be a positive integer; got"
    ):
        conventions.grad_factor("sum", m)
