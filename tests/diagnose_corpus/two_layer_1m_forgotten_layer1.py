"""Slip: the deferred course version, but the learner forgot the 1/m on the first layer's dW1
and db1. Layer 2 is right; dW1 and db1 are m times too large (scaled, power +1). The returned
dZ1 and dZ2 are fine: both are m times the gradient of the mean cost (deferred)."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": False,
    "convention": "deferred",
    "findings": {
        "dW1": {"verdict": "scaled", "power": 1},
        "db1": {"verdict": "scaled", "power": 1},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
        "dZ1": {"verdict": "ok", "convention": "deferred"},
        "dZ2": {"verdict": "ok", "convention": "deferred"},
    },
    "first_wrong_layer": None,
}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]

    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = np.dot(dZ1, X.T)
    db1 = np.sum(dZ1, axis=1, keepdims=True)

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2}
