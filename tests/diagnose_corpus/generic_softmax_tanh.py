"""Correct, absorbed convention: a tanh hidden layer and a softmax output with cross-entropy
over one-hot columns of Y. The function runs its own forward pass, then sets
dZ = (A - Y) / m at the output, which is already the gradient of the mean cost, so dW and db
have no further 1/m. The returned dZ1 and dZ2 are absorbed."""

import numpy as np

KIND = "generic"
LAMBD = None
LAYERS = (3, 5, 4)
HIDDEN = "tanh"
OUTPUT = "softmax"
EXPECTED = {
    "ok": True,
    "convention": "absorbed",
    "findings": {
        "dW1": {"verdict": "ok"},
        "db1": {"verdict": "ok"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
        "dZ1": {"verdict": "ok", "convention": "absorbed"},
        "dZ2": {"verdict": "ok", "convention": "absorbed"},
    },
    "first_wrong_layer": None,
}


def _softmax(Z):
    e = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def backward(params, X, Y):
    L = len(params) // 2
    m = X.shape[1]

    A = {0: X}
    for l in range(1, L + 1):
        Z = np.dot(params["W" + str(l)], A[l - 1]) + params["b" + str(l)]
        A[l] = _softmax(Z) if l == L else np.tanh(Z)

    grads = {}
    dZ = (A[L] - Y) / m
    for l in range(L, 0, -1):
        grads["dZ" + str(l)] = dZ
        grads["dW" + str(l)] = np.dot(dZ, A[l - 1].T)
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True)
        if l > 1:
            dA = np.dot(params["W" + str(l)].T, dZ)
            dZ = dA * (1 - A[l - 1] ** 2)
    return grads
