"""Slip: the numbers are right (deferred convention) but, "to save memory", the learner casts
every gradient to float32 before returning it. The values agree with the true gradient only to
single precision and the dtype is not float64, so every dW and db gets the verdict "shape"."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": False,
    "findings": {
        "dW1": {"verdict": "shape"},
        "db1": {"verdict": "shape"},
        "dW2": {"verdict": "shape"},
        "db2": {"verdict": "shape"},
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
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)

    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return {key: value.astype(np.float32) for key, value in grads.items()}
