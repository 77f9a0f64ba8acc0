"""Correct (deferred convention). The learner left debugging prints of the shapes in the
function; printing is harmless, and the gradients of the mean cost are right. No dZ is returned
and right dW, db cannot tell deferred from absorbed, so the report-level convention is None."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": True,
    "convention": None,
    "findings": {
        "dW1": {"verdict": "ok"},
        "db1": {"verdict": "ok"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
    },
    "first_wrong_layer": None,
}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]

    dZ2 = A2 - Y
    print("dZ2.shape = " + str(dZ2.shape))
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    print("dW2.shape = " + str(dW2.shape))
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    print("dZ1.shape = " + str(dZ1.shape))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    print("dW1.shape = " + str(dW1.shape), "db1.shape = " + str(db1.shape))

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
