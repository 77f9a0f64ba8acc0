"""Slip: two sources mixed. The learner starts from the helper files' absorbed line
dz3 = 1./m * (a3 - Y) but then writes dW and db the Regularization assignment's way,
1./m * np.dot(dz3, a2.T). The 1/m is applied twice: every dW and db is scaled with power -1. The
returned dz and da never see the second 1/m, so they are exactly the gradient (absorbed)."""

import numpy as np

KIND = "three_layer"
LAMBD = None
EXPECTED = {
    "ok": False,
    "convention": "absorbed",
    "findings": {
        "dW1": {"verdict": "scaled", "power": -1},
        "db1": {"verdict": "scaled", "power": -1},
        "dW2": {"verdict": "scaled", "power": -1},
        "db2": {"verdict": "scaled", "power": -1},
        "dW3": {"verdict": "scaled", "power": -1},
        "db3": {"verdict": "scaled", "power": -1},
        "dZ3": {"verdict": "ok", "convention": "absorbed"},
        "dZ2": {"verdict": "ok", "convention": "absorbed"},
        "dZ1": {"verdict": "ok", "convention": "absorbed"},
        "dA2": {"verdict": "ok", "convention": "absorbed"},
        "dA1": {"verdict": "ok", "convention": "absorbed"},
    },
    "first_wrong_layer": None,
}


def backward_propagation(X, Y, cache):
    m = X.shape[1]
    (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) = cache  # noqa: RUF059

    dz3 = 1.0 / m * (a3 - Y)
    dW3 = 1.0 / m * np.dot(dz3, a2.T)
    db3 = 1.0 / m * np.sum(dz3, axis=1, keepdims=True)

    da2 = np.dot(W3.T, dz3)
    dz2 = np.multiply(da2, np.int64(a2 > 0))
    dW2 = 1.0 / m * np.dot(dz2, a1.T)
    db2 = 1.0 / m * np.sum(dz2, axis=1, keepdims=True)

    da1 = np.dot(W2.T, dz2)
    dz1 = np.multiply(da1, np.int64(a1 > 0))
    dW1 = 1.0 / m * np.dot(dz1, X.T)
    db1 = 1.0 / m * np.sum(dz1, axis=1, keepdims=True)

    gradients = {
        "dz3": dz3, "dW3": dW3, "db3": db3,
        "da2": da2, "dz2": dz2, "dW2": dW2, "db2": db2,
        "da1": da1, "dz1": dz1, "dW1": dW1, "db1": db1,
    }  # fmt: skip
    return gradients
