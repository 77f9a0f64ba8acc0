"""Slip: the gradients are computed correctly (deferred convention) but the returned dict
forgets db1, so the update step has no gradient for b1. db1 is "missing"; the other three are
right."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": False,
    "findings": {
        "dW1": {"verdict": "ok"},
        "db1": {"verdict": "missing"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
    },
    "first_wrong_layer": None,
}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]

    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)  # noqa: F841 (never returned)

    grads = {"dW1": dW1, "dW2": dW2, "db2": db2}
    return grads
