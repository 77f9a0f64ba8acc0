"""Correct, in the absorbed form of the course's helper files: dz3 = 1./m * (a3 - Y) is already
the gradient of the mean cost with respect to Z3, so dW and db are plain products and sums. The
keys are lowercase (dz3, da2, ...); every returned dz and da is absorbed."""

import numpy as np

KIND = "three_layer"
LAMBD = None
EXPECTED = {
    "ok": True,
    "convention": "absorbed",
    "findings": {
        "dW1": {"verdict": "ok"},
        "db1": {"verdict": "ok"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
        "dW3": {"verdict": "ok"},
        "db3": {"verdict": "ok"},
        "dZ3": {"verdict": "ok", "convention": "absorbed"},
        "dA2": {"verdict": "ok", "convention": "absorbed"},
        "dZ2": {"verdict": "ok", "convention": "absorbed"},
        "dA1": {"verdict": "ok", "convention": "absorbed"},
        "dZ1": {"verdict": "ok", "convention": "absorbed"},
    },
    "first_wrong_layer": None,
}


def backward_propagation(X, Y, cache):
    m = X.shape[1]
    (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) = cache  # noqa: RUF059

    dz3 = 1.0 / m * (a3 - Y)
    dW3 = np.dot(dz3, a2.T)
    db3 = np.sum(dz3, axis=1, keepdims=True)

    da2 = np.dot(W3.T, dz3)
    dz2 = np.multiply(da2, np.int64(a2 > 0))
    dW2 = np.dot(dz2, a1.T)
    db2 = np.sum(dz2, axis=1, keepdims=True)

    da1 = np.dot(W2.T, dz2)
    dz1 = np.multiply(da1, np.int64(a1 > 0))
    dW1 = np.dot(dz1, X.T)
    db1 = np.sum(dz1, axis=1, keepdims=True)

    gradients = {
        "dz3": dz3, "dW3": dW3, "db3": db3,
        "da2": da2, "dz2": dz2, "dW2": dW2, "db2": db2,
        "da1": da1, "dz1": dz1, "dW1": dW1, "db1": db1,
    }  # fmt: skip
    return gradients
