"""Correct, in the absorbed convention: the learner divides by m once, at the very start
(dZ2 = (A2 - Y) / m is exactly the gradient of the mean cost with respect to Z2), so dW and db
are plain products and sums with no further 1/m. dZ1 and dZ2 are returned, both absorbed."""

import numpy as np

KIND = "two_layer"
LAMBD = None
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


def backward_propagation(parameters, cache, X, Y):
    m = Y.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]

    # average over the examples right away, then everything downstream is already a mean
    dZ2 = (A2 - Y) / m
    dW2 = np.dot(dZ2, A1.T)
    db2 = np.sum(dZ2, axis=1, keepdims=True)

    dA1 = np.dot(W2.T, dZ2)
    dZ1 = dA1 * (1 - A1**2)
    dW1 = np.dot(dZ1, X.T)
    db1 = np.sum(dZ1, axis=1, keepdims=True)

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2}
