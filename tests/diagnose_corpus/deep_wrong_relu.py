"""Slip: a wrong derivative of ReLU. relu_backward multiplies dA by Z instead of by the 0/1
mask (Z > 0), i.e. it uses relu(z) in place of relu'(z). The output (sigmoid) layer L = 3 is
right and so is dA2 (deferred); every hidden layer's dW and db is not a multiple of the truth,
so the first wrong layer counting from the output is L - 1 = 2 (for layers (5, 4, 3, 1))."""

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
        "dA1": {"verdict": "wrong"},
        "dW1": {"verdict": "wrong"},
        "db1": {"verdict": "wrong"},
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
    return dA * np.maximum(0, Z)  # should be the derivative of relu, not relu itself


def _sigmoid_backward(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def _linear_activation_backward(dA, cache, activation):
    linear_cache, Z = cache
    if activation == "relu":  # noqa: SIM108
        dZ = _relu_backward(dA, Z)
    else:
        dZ = _sigmoid_backward(dA, Z)
    return _linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)

    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA_prev, dW, db = _linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db

    for l in reversed(range(L - 1)):
        dA_prev, dW, db = _linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db

    return grads
