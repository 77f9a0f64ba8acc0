"""Slip (or a deliberate choice of the summed cost): there is no 1/m anywhere, so the function
returns the gradient of the summed cost, m times the gradient of the mean cost. Every dW and db
is scaled with power +1, and the returned dZ1, dZ2 are m times the gradient (convention sum)."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": False,
    "convention": "sum",
    "findings": {
        "dW1": {"verdict": "scaled", "power": 1},
        "db1": {"verdict": "scaled", "power": 1},
        "dW2": {"verdict": "scaled", "power": 1},
        "db2": {"verdict": "scaled", "power": 1},
    },
    "first_wrong_layer": None,
}


def backward_propagation(parameters, cache, X, Y):
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]

    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T)
    db2 = np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = np.dot(dZ1, X.T)
    db1 = np.sum(dZ1, axis=1, keepdims=True)

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2}
