"""Slip: the sign of the output error is flipped, dZ2 = Y - A2 instead of A2 - Y (the learner
remembered "label minus prediction"). Everything downstream inherits the sign, so every dW and
db is exactly -1 times the right value: scaled, factor -1, independent of m (power None)."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": False,
    "convention": None,
    "findings": {
        "dW1": {"verdict": "scaled", "power": None, "factor": -1.0},
        "db1": {"verdict": "scaled", "power": None, "factor": -1.0},
        "dW2": {"verdict": "scaled", "power": None, "factor": -1.0},
        "db2": {"verdict": "scaled", "power": None, "factor": -1.0},
    },
    "first_wrong_layer": None,
}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]

    dZ2 = Y - A2
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
