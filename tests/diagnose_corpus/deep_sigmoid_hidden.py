"""Slip: the wrong activation in the loop. The learner calls linear_activation_backward with
"sigmoid" for every layer, hidden ones included, although the hidden layers are ReLU. The output
layer L = 3 is right; every hidden layer uses s(1 - s) of its Z instead of the ReLU mask, so
dW2, db2, dW1, db1 are not a multiple of the truth and the first wrong layer is L - 1 = 2."""

import numpy as np

KIND = "deep"
LAMBD = None
EXPECTED = {
    "ok": False,
    "findings": {
        "dW3": {"verdict": "ok"},
        "db3": {"verdict": "ok"},
        "dA2": {"verdict": "ok", "convention": "deferred"},
        "dW2": {"verdict": "wrong"},
        "db2": {"verdict": "wrong"},
        "dW1": {"verdict": "wrong"},
        "db1": {"verdict": "wrong"},
        "dA1": {"verdict": "wrong"},
        "dA0": {"verdict": "wrong"},
    },
    "first_wrong_layer": 2,
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


def _linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = _relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = _sigmoid_backward(dA, activation_cache)
    return _linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))

    dA = dAL
    for l in reversed(range(L)):
        dA_prev, dW, db = _linear_activation_backward(dA, caches[l], "sigmoid")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
        dA = dA_prev

    return grads
