"""npbackprop._book: the chapters' claim helper asserts, formats as text, and refuses misuse."""

import numpy as np
import pytest

from npbackprop._book import ClaimError, check, claim


def test_a_false_claim_raises_naming_the_key_the_value_and_the_words():
    with pytest.raises(ClaimError, match=r'says "the check passes", but gc-err = 4\.2e-02'):
        claim("gc-err", 4.2e-2, "{:.1e}", holds=4.2e-2 < 1e-7, says="the check passes")


def test_a_claim_error_is_an_assertion_error():
    assert issubclass(ClaimError, AssertionError)


def test_numpy_values_are_glued_as_text_not_as_their_repr():
    assert claim("x-v", np.float64(0.5), "{:.2f}") == "0.50"
    assert claim("x-n", np.int64(400)) == "400"
    assert claim("x-b", np.bool_(True), holds=np.bool_(True), says="it is true") == "True"


def test_a_callable_format():
    assert claim("x-pct", 0.123, lambda v: f"{100 * v:.0f} %") == "12 %"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"holds": True}, "says= must be"),
        ({"says": "it holds"}, "holds= must be a bool"),
        ({"holds": np.array([True, True]), "says": "all hold"}, r"np\.all"),
        ({"holds": 1, "says": "it holds"}, "got int"),
        ({"holds": True, "says": "  "}, "non-empty"),
    ],
)
def test_a_claim_needs_a_bool_outcome_and_its_words(kwargs, match):
    with pytest.raises(TypeError, match=match):
        claim("x-v", 1.0, **kwargs)


def test_bad_keys_and_formats_are_refused():
    with pytest.raises(TypeError, match="non-empty str"):
        claim("", 1.0)
    with pytest.raises(TypeError, match="format string"):
        claim("x-v", 1.0, fmt=3)
    with pytest.raises(TypeError, match="must produce a str"):
        claim("x-v", 1.0, fmt=lambda v: v)


def test_check_asserts_without_gluing():
    check(True, "it is true")
    with pytest.raises(ClaimError, match='says "bit-identical", but it is false'):
        check(False, "bit-identical")
    with pytest.raises(TypeError, match="holds= must be a bool"):
        check("yes", "it is true")


def test_the_value_is_not_modified():
    value = np.array([1.0, 2.0])
    before = value.copy()
    claim("x-a", value, lambda v: f"{v.sum():g}", holds=bool(value.sum() == 3), says="sums to 3")
    np.testing.assert_array_equal(value, before)
