"""Slip: the 1/m is applied twice. The learner divides dAL by m (the absorbed way) and also
keeps the course's 1/m in linear_backward (the deferred way). Every dW and db is 1/m times the
right value: scaled, power -1. The returned dA arrays never pass through the extra 1/m: they are
exactly the gradient of the mean cost (absorbed)."""

import numpy as np

KIND = "deep"
LAMBD = None
EXPECTED = {
    "ok": False,
    "convention": "absorbed",
    "findings": {
        "dW1": {"verdict": "scaled", "power": -1},
        "db1": {"verdict": "scaled", "power": -1},
        "dW2": {"verdict": "scaled", "power": -1},
        "db2": {"verdict": "scaled", "power": -1},
        "dW3": {"verdict": "scaled", "power": -1},
        "db3": {"verdict": "scaled", "power": -1},
        "dA0": {"verdict": "ok", "convention": "absorbed"},
        "dA1": {"verdict": "ok", "convention": "absorbed"},
        "dA2": {"verdict": "ok", "convention": "absorbed"},
    },
    "first_wrong_layer": None,
}


def _linear_backward(dZ, cache):
    A_prev, W, b = cache  # noqa: RUF059
    m = A_prev.shape[1]
    dW = 1.0 / m * np.dot(dZ, A_prev.T)
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def _relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def _sigmoid_backward(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    Y = Y.reshape(AL.shape)

    # mean over the examples
    dAL = -1.0 / m * (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

    linear_cache, Z = caches[L - 1]
    dZ = _sigmoid_backward(dAL, Z)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = _linear_backward(
        dZ, linear_cache
    )

    for l in reversed(range(L - 1)):
        linear_cache, Z = caches[l]
        dZ = _relu_backward(grads["dA" + str(l + 1)], Z)
        dA_prev, dW, db = _linear_backward(dZ, linear_cache)
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db

    return grads
