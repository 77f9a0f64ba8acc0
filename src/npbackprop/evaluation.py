"""What a trained network predicts, and how often it is right.

:func:`predict` and :func:`accuracy` are importable from :mod:`npbackprop.network` too. The
prediction rule of each output comes from its record in :data:`npbackprop.losses.PAIRS`
(``predict``, and ``correct`` for the classifiers), so a new output/loss pair needs nothing
here.
"""

from __future__ import annotations

import numpy as np

from npbackprop._engine import Settings, check_XY, forward_pass
from npbackprop._validate import check_choice
from npbackprop.losses import PAIRS, check_labels

__all__ = ["accuracy", "predict"]


def predict(
    params: dict, X: np.ndarray, *, hidden: str = "relu", output: str = "sigmoid"
) -> np.ndarray:
    """Predictions: labels for classification, values for regression.

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n_x, m)
    hidden, output : str
        As in :func:`npbackprop.network.forward`.

    Returns
    -------
    ndarray
        ``"sigmoid"``: (n_L, m) ints, 1 where the probability exceeds 0.5;
        ``"softmax"``: (1, m) class indices; ``"identity"``: the (n_L, m) outputs.

    Examples
    --------
    >>> p = {"W1": np.array([[1.0], [-1.0]]), "b1": np.zeros((2, 1))}
    >>> predict(p, np.array([[2.0, -3.0]]), output="softmax")
    array([[0, 1]])
    """
    s = Settings.checked(hidden=hidden, output=output)
    X, _, params = check_XY(X, None, params, with_targets=False)
    return _predict(params, X, s)


def _predict(params, X, s: Settings) -> np.ndarray:
    """Predictions of a network whose inputs are checked."""
    AL, _ = forward_pass(X, params, hidden=s.hidden, output=s.output, lean=True)
    return PAIRS[s.output].predict(AL)


def accuracy(
    params: dict, X: np.ndarray, Y: np.ndarray, *, hidden: str = "relu", output: str = "sigmoid"
) -> float:
    """Fraction of examples classified correctly (sigmoid: every output unit right).

    Parameters
    ----------
    params : dict
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (n_L, m)
        {0, 1} labels (sigmoid) or one-hot columns (softmax).
    hidden, output : str
        ``output`` must be ``"sigmoid"`` or ``"softmax"``.

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> p = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1))}
    >>> accuracy(p, np.array([[2.0, -1.0, 3.0, -2.0]]), np.array([[1, 0, 0, 0]]))
    0.75
    """
    classifiers = tuple(name for name, pair in PAIRS.items() if pair.correct is not None)
    check_choice(output, classifiers, "output for accuracy")
    s = Settings.checked(hidden=hidden, output=output)
    X, Y, params = check_XY(X, Y, params)
    check_labels(Y, output)
    predicted = _predict(params, X, s)
    return float(np.mean(PAIRS[output].correct(predicted, Y)))
