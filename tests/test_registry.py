"""The records that make an activation or a loss usable everywhere: activations.ACTIVATIONS
and losses.PAIRS. Adding an activation or a loss is adding one record; these tests check every
field of every record (against finite differences where they can) and name what is missing."""

import numpy as np
import pytest

from npbackprop import activations, losses, network
from npbackprop.activations import ACTIVATIONS
from npbackprop.losses import PAIRS

NAMES = list(ACTIVATIONS)
RNG = np.random.default_rng(0)
# away from the kinks of relu and leaky relu at 0
Z = RNG.uniform(0.1, 2.0, size=(3, 5)) * RNG.choice([-1.0, 1.0], size=(3, 5))


def centred(f, x, eps=1e-6):
    """Elementwise derivative of an elementwise f by centred differences."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)


@pytest.mark.parametrize("name", NAMES)
def test_every_activation_record_is_complete_and_right(name):
    g = ACTIVATIONS[name]
    assert g.name == name, f"ACTIVATIONS[{name!r}] is named {g.name!r}"
    for field in ("forward", "backward"):
        assert callable(getattr(g, field)), f"activation {name!r} has no {field}"
    assert g.hidden or g.output, f"activation {name!r} is neither hidden nor output"
    A = g.forward(Z)
    assert A.shape == Z.shape, f"activation {name!r}: forward changes the shape"
    dA = RNG.normal(size=Z.shape)
    # backward is the vector-Jacobian product of forward: check it against finite differences
    # of <dA, g(Z)> entry by entry
    eps, numeric = 1e-6, np.empty_like(Z)
    for index in np.ndindex(Z.shape):
        plus, minus = Z.copy(), Z.copy()
        plus[index] += eps
        minus[index] -= eps
        numeric[index] = np.sum(dA * (g.forward(plus) - g.forward(minus))) / (2 * eps)
    np.testing.assert_allclose(g.backward(dA, Z), numeric, rtol=1e-6, atol=1e-8,
                               err_msg=f"activation {name!r}: backward")  # fmt: skip
    if g.derivative is not None:
        np.testing.assert_allclose(
            g.derivative(Z), centred(g.forward, Z), rtol=1e-6, atol=1e-8,
            err_msg=f"activation {name!r}: derivative",
        )  # fmt: skip
    if g.hidden:
        assert g.derivative is not None, f"hidden activation {name!r} needs a derivative"
        assert g.derivative_of_output is not None, (
            f"hidden activation {name!r} needs derivative_of_output (g' from A = g(Z)): "
            "training keeps A[l], not Z[l]"
        )
        np.testing.assert_array_equal(
            g.derivative_of_output(A) * np.ones_like(Z), g.derivative(Z),
            err_msg=f"activation {name!r}: derivative_of_output(g(Z)) is not g'(Z)",
        )  # fmt: skip
    if g.in_place is not None:
        Zc = Z.copy()
        out = g.in_place(Zc)
        assert out is Zc or np.shares_memory(out, Zc), f"activation {name!r}: in_place copies"
        np.testing.assert_array_equal(out, A, err_msg=f"activation {name!r}: in_place")
    if g.forward_with_exp is not None:
        A2, e = g.forward_with_exp(Z)
        np.testing.assert_array_equal(A2, A, err_msg=f"activation {name!r}: forward_with_exp")
        np.testing.assert_allclose(e, np.exp(-np.abs(Z)), rtol=1e-15)


def test_the_name_lists_come_from_the_records():
    assert tuple(n for n, g in ACTIVATIONS.items() if g.hidden) == activations.HIDDEN
    assert tuple(n for n, g in ACTIVATIONS.items() if g.output) == activations.OUTPUTS
    assert activations.HIDDEN == ("relu", "tanh", "sigmoid", "leaky_relu")
    assert activations.OUTPUTS == ("sigmoid", "softmax", "identity")


@pytest.mark.parametrize("name", activations.OUTPUTS)
def test_every_output_activation_has_a_loss_pair(name):
    assert name in PAIRS, (
        f"output activation {name!r} has no loss: add an OutputPair for it to losses.PAIRS"
    )
    assert losses.LOSS_NAMES[name] == PAIRS[name].loss_name


def targets(output, shape):
    if output == "sigmoid":
        return (RNG.random(shape) < 0.5).astype(float)
    if output == "softmax":
        return np.eye(shape[0])[:, RNG.integers(0, shape[0], size=shape[1])]
    return RNG.normal(size=shape)


@pytest.mark.parametrize("output", list(PAIRS))
def test_every_loss_pair_is_complete_canonical_and_right(output):
    pair = PAIRS[output]
    assert pair.output == output, f"PAIRS[{output!r}] is for {pair.output!r}"
    assert output in ACTIVATIONS, f"loss pair {output!r}: no activation record of that name"
    assert ACTIVATIONS[output].output, f"activation {output!r} is not marked output=True"
    for field in ("loss", "loss_from_logits", "loss_dA", "check_labels", "predict"):
        assert callable(getattr(pair, field)), f"loss pair {output!r} has no {field}"
    g = ACTIVATIONS[output]
    Y = targets(output, Z.shape)
    pair.check_labels(Y)  # accepts its own kind of target
    A = g.forward(Z)
    L = pair.loss(A, Y)
    assert L.shape == (1, Z.shape[1]), f"loss pair {output!r}: the loss is per example"
    np.testing.assert_allclose(pair.loss_from_logits(Z, Y), L, rtol=1e-12,
                               err_msg=f"loss pair {output!r}: loss_from_logits")  # fmt: skip
    np.testing.assert_allclose(
        pair.loss_dA(A, Y), _grad_of_loss(pair.loss, A, Y), rtol=1e-5, atol=1e-7,
        err_msg=f"loss pair {output!r}: loss_dA",
    )  # fmt: skip
    # canonical: the chain rule through the activation gives exactly a - y
    np.testing.assert_allclose(
        g.backward(pair.loss_dA(A, Y), Z), A - Y, rtol=1e-10, atol=1e-12,
        err_msg=f"loss pair {output!r} is not canonical",
    )  # fmt: skip
    predicted = pair.predict(A)
    if pair.correct is not None:
        assert pair.correct(predicted, Y).shape == (Z.shape[1],)


def _grad_of_loss(loss, A, Y, eps=1e-7):
    numeric = np.empty_like(A)
    for index in np.ndindex(A.shape):
        plus, minus = A.copy(), A.copy()
        plus[index] += eps
        minus[index] -= eps
        numeric[index] = (loss(plus, Y).sum() - loss(minus, Y).sum()) / (2 * eps)
    return numeric


@pytest.mark.parametrize("output", [o for o in PAIRS if o != "identity"])
def test_each_label_check_refuses_another_kind_of_target(output):
    with pytest.raises(ValueError, match=output):
        PAIRS[output].check_labels(np.full(Z.shape, 0.5))


def test_a_new_output_pair_is_used_by_predict_and_accuracy(monkeypatch):
    """One record is all predict and accuracy consult: a pair that predicts the opposite class
    flips the accuracy."""
    X = np.array([[2.0, -1.0, 3.0, -2.0]])
    Y = np.array([[1, 0, 0, 0]])
    p = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1))}
    assert network.accuracy(p, X, Y) == 0.75
    flipped = losses.OutputPair(
        **{**PAIRS["sigmoid"].__dict__, "predict": lambda AL: (AL <= 0.5).astype(int)}
    )
    monkeypatch.setitem(PAIRS, "sigmoid", flipped)
    assert network.accuracy(p, X, Y) == 0.25
