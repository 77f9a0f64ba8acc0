"""The data a learner's backward pass is run on, and the right answers.

One :class:`Problem` per network shape, built once (and cached): deterministic weights and,
for each batch size, examples and labels, with the gradients of the mean cost J from
:func:`npbackprop.network.gradients` in the absorbed convention (∂J/∂W, ∂J/∂b, ∂J/∂Z, ∂J/∂A),
each ``dW``, ``db`` confirmed by centred finite differences of J
(:func:`npbackprop.gradcheck.check_network`) on the same data.

The examples are drawn one column at a time and kept only if every hidden ReLU unit's
pre-activation is at least :data:`MARGIN` away from its kink (a finite difference across the
kink disagrees with the derivative) and the output is not saturated (:data:`MAX_LOGIT`), so that
a wrong ``g'`` or a wrong ``σ'`` changes the gradient measurably.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from npbackprop import gradcheck, network

#: The batch sizes every check runs at: none a power of two, spread over a factor of ~6 so that
#: a power of m is told from a constant.
SIZES = (7, 17, 41)
#: The smallest |z| allowed at a hidden ReLU or leaky ReLU unit.
MARGIN = 0.1
#: The largest |z| allowed at a sigmoid or tanh unit, and the widest spread of softmax logits.
MAX_LOGIT = 2.5
#: Finite differences must agree with the package's gradients at least this well.
CONFIRMED = 1e-6
_SEED = 20200318  # the day the learner's question was asked


@dataclass(frozen=True)
class Problem:
    """Weights, examples and right answers for one network shape.

    Attributes
    ----------
    layers : tuple of int
        ``(n_x, n_1, ..., n_L)``.
    hidden, output : str
    params : dict
        ``W{l}``, ``b{l}`` (read-only arrays; hand the learner copies).
    data : dict of int to (X, Y)
        The examples and labels of each size in :data:`SIZES`.
    right : dict of int to dict
        ∂J/∂W, ∂J/∂b, ∂J/∂Z, ∂J/∂A of each size, under the names ``dW{l}``, ``db{l}``,
        ``dZ{l}``, ``dA{l}`` (``dA0`` too), without L2.
    forward : dict of int to (AL, caches)
        The package's forward pass on each size (what the course's caches hold).
    """

    layers: tuple
    hidden: str
    output: str
    params: dict
    data: dict
    right: dict
    forward: dict

    @property
    def L(self) -> int:
        """The number of layers."""
        return len(self.layers) - 1


def _read_only(arr: np.ndarray) -> np.ndarray:
    arr = np.array(arr, dtype=np.float64)
    arr.flags.writeable = False
    return arr


def _acceptable(params, X, hidden, output) -> np.ndarray:
    """A boolean per column of X: far from every kink and from saturation."""
    _, caches = network.forward(X, params, hidden=hidden, output=output)
    keep = np.ones(X.shape[1], dtype=bool)
    for l, (_, Z) in enumerate(caches, start=1):
        if l < len(caches):
            if hidden in ("relu", "leaky_relu"):
                keep &= np.min(np.abs(Z), axis=0) >= MARGIN
            else:
                keep &= np.max(np.abs(Z), axis=0) <= MAX_LOGIT
        elif output == "sigmoid":
            keep &= np.max(np.abs(Z), axis=0) <= MAX_LOGIT
        elif output == "softmax":
            keep &= np.ptp(Z, axis=0) <= 2 * MAX_LOGIT
    return keep


def _targets(rng, output: str, n_L: int, m: int) -> np.ndarray:
    """Labels with every class present in the first :data:`SIZES`[0] columns."""
    while True:
        if output == "sigmoid":
            Y = (rng.random((n_L, m)) < 0.5).astype(np.float64)
            head = Y[:, : SIZES[0]]
            if np.all(head.min(axis=1) == 0) and np.all(head.max(axis=1) == 1):
                return Y
        elif output == "softmax":
            classes = rng.integers(n_L, size=m)
            if n_L > SIZES[0] or len(set(classes[: SIZES[0]])) == n_L:
                return np.eye(n_L)[:, classes]
        else:
            return rng.normal(size=(n_L, m))


def _weights(rng, layers) -> dict:
    params = {}
    for l in range(1, len(layers)):
        params[f"W{l}"] = rng.normal(size=(layers[l], layers[l - 1])) / np.sqrt(layers[l - 1])
        params[f"b{l}"] = 0.3 * rng.normal(size=(layers[l], 1))
    return params


def _examples(rng, params, layers, hidden, output) -> np.ndarray:
    """SIZES[-1] acceptable columns, drawn in rounds; each size takes the first m."""
    need, found = SIZES[-1], []
    for _ in range(200):
        X = rng.normal(size=(layers[0], 4 * need))
        found.extend(X[:, _acceptable(params, X, hidden, output)].T)
        if len(found) >= need:
            return np.array(found[:need]).T
    raise RuntimeError(  # pragma: no cover - the margins leave most columns acceptable
        f"could not draw {need} examples away from the kinks for layers {layers}"
    )


@functools.lru_cache(maxsize=32)
def problem(layers: tuple, hidden: str, output: str) -> Problem:
    """The :class:`Problem` of one network shape (built once per shape and process)."""
    rng = np.random.default_rng([_SEED, *layers, len(hidden), len(output)])
    # A weight draw in which every hidden unit is positive for some of the smallest batch's
    # examples and negative for others, so that a wrong derivative shows in every unit.
    for _ in range(200):
        params = _weights(rng, layers)
        X_all = _examples(rng, params, layers, hidden, output)
        _, caches = network.forward(X_all[:, : SIZES[0]], params, hidden=hidden, output=output)
        if all(np.all(Z.max(axis=1) > 0) and np.all(Z.min(axis=1) < 0) for _, Z in caches[:-1]):
            break
    Y_all = _targets(rng, output, layers[-1], SIZES[-1])
    params = {k: _read_only(v) for k, v in params.items()}
    data, right, forward = {}, {}, {}
    for m in SIZES:
        X, Y = _read_only(X_all[:, :m]), _read_only(Y_all[:, :m])
        grads = network.gradients(
            params, X, Y, hidden=hidden, output=output, convention="absorbed", return_dA0=True
        )
        check = gradcheck.check_network(
            params, X, Y, hidden=hidden, output=output, convention="absorbed", grads=grads
        )
        if not check.passed(CONFIRMED):  # pragma: no cover - a bug in the package itself
            raise RuntimeError(
                f"npbackprop's own gradients disagree with finite differences ({check.worst}: "
                f"{check.worst_error:.1e}) for layers {layers}: please report this"
            )
        data[m] = (X, Y)
        right[m] = {k: _read_only(v) for k, v in grads.items()}
        forward[m] = network.forward(X, params, hidden=hidden, output=output)
    return Problem(tuple(layers), hidden, output, params, data, right, forward)
