"""Slip: the leading minus of dAL is missing, dAL = Y/AL - (1-Y)/(1-AL), so the learner
differentiates log-likelihood instead of the cost. The sign flip runs through every layer: every
dW and db is exactly -1 times the right value (scaled, factor -1, power None)."""

import numpy as np

KIND = "deep"
LAMBD = None
EXPECTED = {
    "ok": False,
    "findings": {
        "dW1": {"verdict": "scaled", "power": None, "factor": -1.0},
        "db1": {"verdict": "scaled", "power": None, "factor": -1.0},
        "dW2": {"verdict": "scaled", "power": None, "factor": -1.0},
        "db2": {"verdict": "scaled", "power": None, "factor": -1.0},
        "dW3": {"verdict": "scaled", "power": None, "factor": -1.0},
        "db3": {"verdict": "scaled", "power": None, "factor": -1.0},
    },
    "first_wrong_layer": None,
}


def _linear_backward(dZ, cache):
    A_prev, W, b = cache  # noqa: RUF059
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
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
    Y = Y.reshape(AL.shape)

    dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)

    linear_cache, Z = caches[L - 1]
    dA_prev, dW, db = _linear_backward(_sigmoid_backward(dAL, Z), linear_cache)
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db

    for l in reversed(range(L - 1)):
        linear_cache, Z = caches[l]
        dZ = _relu_backward(grads["dA" + str(l + 1)], Z)
        dA_prev, dW, db = _linear_backward(dZ, linear_cache)
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db

    return grads
