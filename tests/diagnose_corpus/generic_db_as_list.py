"""Slip: the bias gradients are built as Python lists. The learner sums each row with a list
comprehension, db = [[row.sum() / m] for row in dZ], so the numbers are right but each db is a
nested list instead of an (n, 1) array: verdict "shape" for every db. The dW are right. Sigmoid
hidden layer, softmax output with cross-entropy over one-hot columns."""

import numpy as np

KIND = "generic"
LAMBD = None
LAYERS = (4, 3, 3)
HIDDEN = "sigmoid"
OUTPUT = "softmax"
EXPECTED = {
    "ok": False,
    "findings": {
        "dW1": {"verdict": "ok"},
        "db1": {"verdict": "shape"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "shape"},
    },
    "first_wrong_layer": None,
}


def backward(params, X, Y):
    m = X.shape[1]
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]

    Z1 = np.dot(W1, X) + b1
    A1 = 1 / (1 + np.exp(-Z1))
    Z2 = np.dot(W2, A1) + b2
    T = np.exp(Z2 - Z2.max(axis=0, keepdims=True))
    A2 = T / T.sum(axis=0, keepdims=True)

    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = [[row.sum() / m] for row in dZ2]
    dZ1 = np.dot(W2.T, dZ2) * A1 * (1 - A1)
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = [[row.sum() / m] for row in dZ1]

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
