"""Slip: a regression network (ReLU hidden layer, identity output, half squared error) written
in the deferred style, dZ2 = A2 - Y, with 1/m in every dW and db except dW1, where the learner
forgot it. dW1 is m times too large (scaled, power +1); db1, dW2, db2 are right, and the
returned dZ1, dZ2 are deferred."""

import numpy as np

KIND = "generic"
LAMBD = None
LAYERS = (4, 6, 2)
HIDDEN = "relu"
OUTPUT = "identity"
EXPECTED = {
    "ok": False,
    "convention": "deferred",
    "findings": {
        "dW1": {"verdict": "scaled", "power": 1},
        "db1": {"verdict": "ok"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
        "dZ1": {"verdict": "ok", "convention": "deferred"},
        "dZ2": {"verdict": "ok", "convention": "deferred"},
    },
    "first_wrong_layer": None,
}


def backward(params, X, Y):
    m = X.shape[1]
    W1, b1 = params["W1"], params["b1"]
    W2, b2 = params["W2"], params["b2"]

    Z1 = np.dot(W1, X) + b1
    A1 = np.maximum(0, Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = Z2

    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = dA1 * (Z1 > 0)
    dW1 = np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2}
