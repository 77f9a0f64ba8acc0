"""Slip: a wrong derivative of tanh. The learner writes g'(Z1) as (1 - A1) instead of
(1 - A1**2). The output layer is unaffected and right; dW1 and db1 are not a constant multiple
of the true gradient (the ratio varies entry to entry), so the first wrong layer is layer 1."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": False,
    "convention": None,
    "findings": {
        "dW1": {"verdict": "wrong"},
        "db1": {"verdict": "wrong"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
    },
    "first_wrong_layer": 1,
}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]

    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - A1)  # tanh'(z) = 1 - tanh(z) ... squared was forgotten
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
