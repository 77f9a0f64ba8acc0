"""Slip: the 1/m is applied twice. The learner divides dZ2 = (A2 - Y) / m (the absorbed way) but
then also keeps the course's 1/m in front of every dW and db (the deferred way). Every dW and db
comes out 1/m times the right value: scaled, power of m equal to -1."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": False,
    "findings": {
        "dW1": {"verdict": "scaled", "power": -1},
        "db1": {"verdict": "scaled", "power": -1},
        "dW2": {"verdict": "scaled", "power": -1},
        "db2": {"verdict": "scaled", "power": -1},
    },
    "first_wrong_layer": None,
}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]

    dZ2 = (A2 - Y) / m
    dW2 = 1.0 / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)

    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return grads
