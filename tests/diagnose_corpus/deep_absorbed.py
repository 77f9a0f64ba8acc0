"""Correct, in the absorbed convention: the learner divides dAL by m at the start, so it is the
gradient of the mean cost with respect to AL, and the linear step then has no 1/m. Every dW and
db is right and every returned dA is exactly the gradient of the mean cost (absorbed)."""

import numpy as np

KIND = "deep"
LAMBD = None
EXPECTED = {
    "ok": True,
    "convention": "absorbed",
    "findings": {
        "dW1": {"verdict": "ok"},
        "db1": {"verdict": "ok"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
        "dW3": {"verdict": "ok"},
        "db3": {"verdict": "ok"},
        "dA0": {"verdict": "ok", "convention": "absorbed"},
        "dA1": {"verdict": "ok", "convention": "absorbed"},
        "dA2": {"verdict": "ok", "convention": "absorbed"},
    },
    "first_wrong_layer": None,
}


def _linear_backward(dZ, linear_cache):
    A_prev, W, _b = linear_cache
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def _activation_backward(dA, Z, activation):
    if activation == "sigmoid":
        s = 1 / (1 + np.exp(-Z))
        return dA * s * (1 - s)
    return dA * (Z > 0)


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    Y = Y.reshape(AL.shape)

    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)) / m

    for l in range(L, 0, -1):
        linear_cache, Z = caches[l - 1]
        activation = "sigmoid" if l == L else "relu"
        dZ = _activation_backward(dA, Z, activation)
        dA, dW, db = _linear_backward(dZ, linear_cache)
        grads["dA" + str(l - 1)] = dA
        grads["dW" + str(l)] = dW
        grads["db" + str(l)] = db

    return grads
