"""Correct, written with the course's helper structure (linear_backward, relu_backward,
sigmoid_backward, linear_activation_backward) in the deferred convention: dAL is the derivative
of the per-example loss, so every dZ and dA is m times the gradient of the mean cost, and the
1/m is applied once, in the linear step. The returned dA0 ... dA{L-1} are all deferred."""

import numpy as np

KIND = "deep"
LAMBD = None
EXPECTED = {
    "ok": True,
    "convention": "deferred",
    "findings": {
        "dW1": {"verdict": "ok"},
        "db1": {"verdict": "ok"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
        "dW3": {"verdict": "ok"},
        "db3": {"verdict": "ok"},
        "dA0": {"verdict": "ok", "convention": "deferred"},
        "dA1": {"verdict": "ok", "convention": "deferred"},
        "dA2": {"verdict": "ok", "convention": "deferred"},
    },
    "first_wrong_layer": None,
}


def _linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]

    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)

    assert dA_prev.shape == A_prev.shape
    assert dW.shape == W.shape
    assert db.shape == b.shape
    return dA_prev, dW, db


def _relu_backward(dA, activation_cache):
    Z = activation_cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def _sigmoid_backward(dA, activation_cache):
    Z = activation_cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ


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

    current_cache = caches[L - 1]
    dA_prev_temp, dW_temp, db_temp = _linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev_temp
    grads["dW" + str(L)] = dW_temp
    grads["db" + str(L)] = db_temp

    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = _linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu"
        )
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp

    return grads
