"""Correct, deferred convention with L2 regularization (lambd = 0.1): two leaky-ReLU hidden
layers (slope 0.01 for negative inputs) and a sigmoid output with cross-entropy. dZ3 = A3 - Y
is m times the gradient of the mean cost; each dW is 1/m times the data term plus (lambd/m) * W,
and db has no penalty. The returned dZ arrays are all deferred."""

import numpy as np

KIND = "generic"
LAMBD = 0.1
LAYERS = (4, 5, 3, 1)
HIDDEN = "leaky_relu"
OUTPUT = "sigmoid"
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
        "dZ1": {"verdict": "ok", "convention": "deferred"},
        "dZ2": {"verdict": "ok", "convention": "deferred"},
        "dZ3": {"verdict": "ok", "convention": "deferred"},
    },
    "first_wrong_layer": None,
}


def backward(params, X, Y, lambd):
    m = X.shape[1]
    L = len(params) // 2

    caches = []
    A = X
    for l in range(1, L + 1):
        Z = np.dot(params["W" + str(l)], A) + params["b" + str(l)]
        caches.append((A, Z))
        if l == L:  # noqa: SIM108
            A = 1 / (1 + np.exp(-Z))
        else:
            A = np.where(Z > 0, Z, 0.01 * Z)

    grads = {}
    dZ = A - Y
    for l in reversed(range(1, L + 1)):
        A_prev, Z = caches[l - 1]
        W = params["W" + str(l)]
        grads["dZ" + str(l)] = dZ
        grads["dW" + str(l)] = 1 / m * np.dot(dZ, A_prev.T) + lambd / m * W
        grads["db" + str(l)] = 1 / m * np.sum(dZ, axis=1, keepdims=True)
        if l > 1:
            dA_prev = np.dot(W.T, dZ)
            Z_prev = caches[l - 2][1]
            dZ = dA_prev * np.where(Z_prev > 0, 1.0, 0.01)
    return grads
