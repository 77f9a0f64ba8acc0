"""Slip: the L2 term is written lambd * W instead of (lambd/m) * W in every layer. The data term
of each dW is right, but the penalty part is m times too large (scaled, power +1, blamed on the
penalty). db carries no penalty and is right, and the returned dZ and dA are deferred."""

import numpy as np

KIND = "three_layer"
LAMBD = 0.7
EXPECTED = {
    "ok": False,
    "findings": {
        "dW1": {"verdict": "scaled", "power": 1, "part": "penalty"},
        "db1": {"verdict": "ok"},
        "dW2": {"verdict": "scaled", "power": 1, "part": "penalty"},
        "db2": {"verdict": "ok"},
        "dW3": {"verdict": "scaled", "power": 1, "part": "penalty"},
        "db3": {"verdict": "ok"},
        "dZ3": {"verdict": "ok", "convention": "deferred"},
        "dA2": {"verdict": "ok", "convention": "deferred"},
        "dZ2": {"verdict": "ok", "convention": "deferred"},
        "dA1": {"verdict": "ok", "convention": "deferred"},
        "dZ1": {"verdict": "ok", "convention": "deferred"},
    },
    "first_wrong_layer": None,
}


def backward_propagation_with_regularization(X, Y, cache, lambd):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache  # noqa: RUF059

    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T) + lambd * W3
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)

    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T) + lambd * W2
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)

    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T) + lambd * W1
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)

    gradients = {
        "dZ3": dZ3, "dW3": dW3, "db3": db3,
        "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
        "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1,
    }  # fmt: skip
    return gradients
