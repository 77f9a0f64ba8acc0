"""Slip: the returned gradients are right (deferred convention), but the function overwrites
the caller's cache. After forming dW2 with the true A1, the learner reuses the array with an
in-place A1 **= 2 to get A1 squared for tanh', so cache["A1"] now holds A1**2. dW1, db1, dW2
and db2 all equal the gradient of the mean cost; the mutation of an input is reported under
"call" with the verdict "error"."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": True,
    "findings": {
        "dW1": {"verdict": "ok"},
        "db1": {"verdict": "ok"},
        "dW2": {"verdict": "ok"},
        "db2": {"verdict": "ok"},
        "call": {"verdict": "error"},
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

    A1 **= 2  # A1 is not needed any more, so reuse it (this is the array inside cache)
    dZ1 = np.dot(W2.T, dZ2) * (1 - A1)
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
