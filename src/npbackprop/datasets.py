"""Small, deterministic 2-D data sets, examples as columns.

Every generator takes ``m`` (the number of examples) and ``seed`` and returns ``X`` of shape
(2, m) and ``Y`` of shape (n_y, m); the same arguments always give the same arrays. The
shapes of the point clouds follow published recipes (cited per function); the random numbers
come from ``numpy.random.default_rng``, so the points are not the same as the originals'.

Examples
--------
>>> X, Y = planar(m=400, seed=1)
>>> X.shape, Y.shape, int(Y.sum())
((2, 400), (1, 400), 200)
"""

from __future__ import annotations

import numpy as np

from npbackprop._validate import (
    InputTypeError,
    as_array,
    check_finite_number,
    check_nonnegative,
    check_positive_int,
    check_seed,
)

__all__ = ["labels_of", "moons", "one_hot", "planar", "spirals"]


def _split(m: int, n_classes: int) -> list[int]:
    """Class sizes that add up to m, as equal as possible (earlier classes take the rest)."""
    return [m // n_classes + (1 if k < m % n_classes else 0) for k in range(n_classes)]


def planar(m: int = 400, seed: int = 1, noise: float = 0.2, petals: float = 4.0):
    """The course's "flower": two classes on the petals of a rose curve.

    For class ``j`` the angle runs over ``t ∈ [3.12 j, 3.12 (j + 1)]`` plus Gaussian noise, the
    radius is ``r = petals · sin(4t)`` plus noise, and the point is ``(r sin t, r cos t)`` —
    the recipe of ``load_planar_dataset`` in the deeplearning.ai course's ``planar_utils.py``
    (Neural Networks and Deep Learning, week 3). A logistic regression cannot separate the
    classes; a tanh network with a few hidden units can.

    Parameters
    ----------
    m : int
        Number of examples; the classes get ⌈m/2⌉ and ⌊m/2⌋.
    seed : int >= 0, numpy.random.Generator or None
    noise : float
        Standard deviation of the noise on angle and radius.
    petals : float
        The maximum radius (``a`` in the course).

    Returns
    -------
    X : ndarray, shape (2, m)
    Y : ndarray, shape (1, m)
        Labels 0 and 1, as float64.

    Examples
    --------
    >>> X, Y = planar(m=10, seed=0)
    >>> X.shape, Y.tolist()
    ((2, 10), [[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]])
    >>> bool(np.array_equal(planar(m=10, seed=0)[0], X))
    True
    """
    m = check_positive_int(m, "m")
    noise = check_nonnegative(noise, "noise")
    petals = check_finite_number(petals, "petals")
    rng = np.random.default_rng(check_seed(seed))
    X, Y = [], []
    for j, n in enumerate(_split(m, 2)):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.standard_normal(n) * noise
        r = petals * np.sin(4 * t) + rng.standard_normal(n) * noise
        X.append(np.stack([r * np.sin(t), r * np.cos(t)]))
        Y.append(np.full(n, float(j)))
    return np.concatenate(X, axis=1), np.concatenate(Y)[np.newaxis, :]


def spirals(m: int = 300, n_classes: int = 3, seed: int = 0, noise: float = 0.2):
    """Interleaved spirals, one arm per class, with one-hot targets for a softmax output.

    Class ``j`` has radius ``r`` from 0 to 1 and angle ``t ∈ [4j, 4(j + 1)]`` plus Gaussian
    noise; the point is ``(r sin t, r cos t)``. This is the data set of the CS231n notes'
    "Putting it together: minimal neural network case study".

    Parameters
    ----------
    m : int
        Number of examples, shared out evenly between the classes.
    n_classes : int
        Number of arms (K ≥ 2).
    seed : int >= 0, numpy.random.Generator or None
    noise : float
        Standard deviation of the noise on the angle.

    Returns
    -------
    X : ndarray, shape (2, m)
    Y : ndarray, shape (K, m)
        One-hot columns.

    Examples
    --------
    >>> X, Y = spirals(m=9, n_classes=3, seed=0)
    >>> X.shape, Y.shape, Y.sum(axis=1).tolist()
    ((2, 9), (3, 9), [3.0, 3.0, 3.0])
    """
    m = check_positive_int(m, "m")
    n_classes = check_positive_int(n_classes, "n_classes")
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2; got {n_classes}")
    noise = check_nonnegative(noise, "noise")
    rng = np.random.default_rng(check_seed(seed))
    X, labels = [], []
    for j, n in enumerate(_split(m, n_classes)):
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(j * 4.0, (j + 1) * 4.0, n) + rng.standard_normal(n) * noise
        X.append(np.stack([r * np.sin(t), r * np.cos(t)]))
        labels.append(np.full(n, j))
    return np.concatenate(X, axis=1), one_hot(np.concatenate(labels), n_classes)


def moons(m: int = 200, seed: int = 0, noise: float = 0.1):
    """Two interleaving half circles (the shape scikit-learn's ``make_moons`` draws).

    Class 0 lies on ``(cos t, sin t)`` and class 1 on ``(1 - cos t, 0.5 - sin t)`` for
    ``t ∈ [0, π]``, each point moved by Gaussian noise.

    Parameters
    ----------
    m : int
    seed : int >= 0, numpy.random.Generator or None
    noise : float
        Standard deviation of the noise added to both coordinates.

    Returns
    -------
    X : ndarray, shape (2, m)
    Y : ndarray, shape (1, m)
        Labels 0 and 1, as float64.

    Examples
    --------
    >>> X, Y = moons(m=4, seed=0, noise=0.0)
    >>> X.round(3)
    array([[ 1. , -1. ,  0. ,  2. ],
           [ 0. ,  0. ,  0.5,  0.5]])
    """
    m = check_positive_int(m, "m")
    noise = check_nonnegative(noise, "noise")
    rng = np.random.default_rng(check_seed(seed))
    n0, n1 = _split(m, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    X = np.concatenate(
        [np.stack([np.cos(t0), np.sin(t0)]), np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)])], axis=1
    )
    X += rng.standard_normal(X.shape) * noise
    Y = np.concatenate([np.zeros(n0), np.ones(n1)])[np.newaxis, :]
    return X, Y


def one_hot(labels, n_classes: int) -> np.ndarray:
    """One-hot columns for integer class labels.

    Parameters
    ----------
    labels : array_like of int, shape (m,)
        Values in 0..n_classes-1.
    n_classes : int

    Returns
    -------
    ndarray, shape (n_classes, m)
        float64.

    Examples
    --------
    >>> one_hot([2, 0, 1], 3)
    array([[0., 1., 0.],
           [0., 0., 1.],
           [1., 0., 0.]])
    >>> one_hot([], 3).shape          # no labels: no columns
    (3, 0)
    """
    n_classes = check_positive_int(n_classes, "n_classes")
    if labels is None or isinstance(labels, str | bytes | dict | set):
        raise InputTypeError(f"labels must be a 1-D array of integers; got {type(labels).__name__}")
    try:
        labels = np.asarray(labels)
    except (ValueError, TypeError) as error:  # a ragged list
        raise ValueError(f"labels must be a 1-D array of integers; {error}") from None
    if labels.ndim == 1 and labels.size == 0 and labels.dtype.kind in "iuf":
        # [] has no integer dtype (NumPy makes it float64) but holds no non-integer either
        return np.zeros((n_classes, 0))
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be a 1-D array of integers; got {labels.ndim}-D of dtype {labels.dtype}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"labels must lie in 0..{n_classes - 1}; got values from {labels.min()} to "
            f"{labels.max()}"
        )
    Y = np.zeros((n_classes, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def labels_of(Y: np.ndarray) -> np.ndarray:
    """Integer labels from one-hot columns (the inverse of :func:`one_hot`).

    Parameters
    ----------
    Y : ndarray, shape (K, m)
        One-hot columns: K ≥ 2 rows of zeros and ones, a single 1 per column. A transposed
        (m, K) array, whose *rows* are one-hot, is rejected with a hint to pass ``Y.T``.

    Returns
    -------
    ndarray of int, shape (m,)

    Examples
    --------
    >>> labels_of(one_hot([2, 0, 1], 3))
    array([2, 0, 1])
    """
    Y = as_array(Y, "Y")
    columns = _one_hot_along(Y, axis=0)
    if Y.shape[0] < 2 or not columns.all():
        if Y.shape[1] >= 2 and _one_hot_along(Y, axis=1).all():
            raise ValueError(
                f"Y must be one-hot columns of shape (K, m); got shape {Y.shape} whose rows, not "
                "columns, are one-hot: it looks transposed: pass Y.T"
            )
        if Y.shape[0] < 2:
            raise ValueError(f"Y must be one-hot columns with K >= 2 rows; got shape {Y.shape}")
        col = int(np.argmin(columns))
        raise ValueError(
            f"Y must be one-hot columns (zeros and a single 1 each); column {col} is not "
            f"(shape {Y.shape})"
        )
    return np.argmax(Y, axis=0)


def _one_hot_along(Y, axis):
    """For each slice along ``axis``: only zeros and ones, summing to 1."""
    return ((Y == 0) | (Y == 1)).all(axis=axis) & (Y.sum(axis=axis) == 1)
