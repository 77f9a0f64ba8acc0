"""Correct, in the course's own (deferred) convention: dZ2 = A2 - Y is m times the gradient of
the mean cost with respect to Z2, and the 1/m is applied once, when dW and db are formed. The
function also returns dZ1 and dZ2, both in the deferred convention."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": True,
    "convention": "deferred",
    "findings": {
        "dW1": {"verdict": "ok"},
        "db1": {"verdict": "ok"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
        "dZ1": {"verdict": "ok", "convention": "deferred"},
        "dZ2": {"verdict": "ok", "convention": "deferred"},
    },
    "first_wrong_layer": None,
}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]

    W1 = parameters["W1"]
    W2 = parameters["W2"]

    A1 = cache["A1"]
    A2 = cache["A2"]

    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)

    assert W1.shape == dW1.shape

    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2}
    return grads
