"""Slip: NaN in the first layer. The learner squares A1 "in log space",
np.exp(2 * np.log(A1)), which is NaN wherever A1 < 0 (tanh is negative for roughly half of
the hidden activations). The NaN flows into dZ1 and from there into every row of dW1 and db1
that touches one; layer 2 is computed before and is right. NumPy emits a RuntimeWarning
(invalid value in log) when this runs; a caller that turns warnings into errors sees it raise."""

import numpy as np

KIND = "two_layer"
LAMBD = None
EXPECTED = {
    "ok": False,
    "findings": {
        "dW1": {"verdict": "nonfinite"},
        "db1": {"verdict": "nonfinite"},
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
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)

    A1_squared = np.exp(2 * np.log(A1))
    dZ1 = np.dot(W2.T, dZ2) * (1 - A1_squared)
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)

    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
