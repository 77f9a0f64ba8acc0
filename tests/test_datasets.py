"""npbackprop.datasets: shapes, determinism, class balance, the curves the points lie on
without noise, one-hot round trips, and argument checks."""

import numpy as np
import pytest

from npbackprop import datasets

MS = [1, 2, 3, 7, 10, 101, 400]

# name -> (generator, number of target rows, number of classes)
GENERATORS = {
    "planar": (datasets.planar, 1, 2),
    "moons": (datasets.moons, 1, 2),
    "spirals": (lambda **kw: datasets.spirals(n_classes=3, **kw), 3, 3),
    "spirals5": (lambda **kw: datasets.spirals(n_classes=5, **kw), 5, 5),
}


def labels(name, Y):
    """Integer class labels of a generator's targets, read here (not with labels_of)."""
    if GENERATORS[name][1] == 1:
        return Y[0].astype(int)
    return np.nonzero(Y.T)[1]


@pytest.mark.parametrize("name", list(GENERATORS))
@pytest.mark.parametrize("m", MS)
def test_shapes_and_dtypes(name, m):
    make, n_y, _ = GENERATORS[name]
    X, Y = make(m=m, seed=0)
    assert X.shape == (2, m), f"{name} X {X.shape}"
    assert Y.shape == (n_y, m), f"{name} Y {Y.shape}"
    assert X.dtype == np.float64
    assert Y.dtype == np.float64
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", list(GENERATORS))
def test_same_seed_same_arrays(name):
    make, _, _ = GENERATORS[name]
    X1, Y1 = make(m=50, seed=3)
    X2, Y2 = make(m=50, seed=3)
    np.testing.assert_array_equal(X1, X2, err_msg=f"{name} X")
    np.testing.assert_array_equal(Y1, Y2, err_msg=f"{name} Y")


@pytest.mark.parametrize("name", list(GENERATORS))
def test_different_seeds_differ(name):
    make, _, _ = GENERATORS[name]
    X1, _ = make(m=50, seed=3)
    X2, _ = make(m=50, seed=4)
    assert not np.allclose(X1, X2), f"{name}: seeds 3 and 4 gave the same points"


@pytest.mark.parametrize("name", list(GENERATORS))
@pytest.mark.parametrize("m", MS)
def test_classes_are_balanced(name, m):
    make, _, K = GENERATORS[name]
    _, Y = make(m=m, seed=0)
    counts = np.bincount(labels(name, Y), minlength=K)
    assert len(counts) == K, f"{name}: labels outside 0..{K - 1}: {counts}"
    assert counts.sum() == m
    assert counts.max() - counts.min() <= 1, f"{name} m={m}: class sizes {counts.tolist()}"


@pytest.mark.parametrize("m", MS)
def test_planar_classes_get_ceil_and_floor_of_half(m):
    _, Y = datasets.planar(m=m, seed=0)
    assert int((Y == 0).sum()) == (m + 1) // 2
    assert int((Y == 1).sum()) == m // 2
    assert set(np.unique(Y).tolist()) <= {0.0, 1.0}


@pytest.mark.parametrize("name", ["planar", "moons"])
def test_binary_targets_are_zero_or_one(name):
    make, _, _ = GENERATORS[name]
    _, Y = make(m=33, seed=1)
    assert np.isin(Y, [0.0, 1.0]).all()
    assert set(np.unique(Y).tolist()) == {0.0, 1.0}


@pytest.mark.parametrize("n_classes", [2, 3, 4, 7])
@pytest.mark.parametrize("m", [1, 5, 60, 61])
def test_spirals_targets_are_one_hot(n_classes, m):
    _, Y = datasets.spirals(m=m, n_classes=n_classes, seed=2)
    assert Y.shape == (n_classes, m)
    assert np.isin(Y, [0.0, 1.0]).all(), "entries other than 0 and 1"
    np.testing.assert_array_equal(Y.sum(axis=0), np.ones(m), err_msg="column sums")


def test_spirals_without_noise_lie_in_the_unit_disc_from_the_centre():
    X, _ = datasets.spirals(m=90, n_classes=3, seed=0, noise=0.0)
    radius = np.hypot(X[0], X[1])
    assert radius.max() <= 1.0 + 1e-12
    assert radius.min() == 0.0  # every arm starts at r = 0


@pytest.mark.parametrize("m", [2, 3, 9, 200, 201])
def test_moons_without_noise_lie_on_their_half_circles(m):
    X, Y = datasets.moons(m=m, seed=0, noise=0.0)
    x, y = X
    upper = Y[0] == 0
    lower = Y[0] == 1
    # class 0: the upper half of the unit circle, x² + y² = 1 with y ≥ 0
    np.testing.assert_allclose(
        x[upper] ** 2 + y[upper] ** 2, 1.0, rtol=0, atol=1e-14, err_msg="class 0 circle"
    )
    assert (y[upper] >= -1e-15).all(), "class 0 below its diameter"
    # class 1: the lower half of the unit circle about (1, 1/2), y ≤ 1/2
    np.testing.assert_allclose(
        (x[lower] - 1) ** 2 + (y[lower] - 0.5) ** 2, 1.0, rtol=0, atol=1e-14, err_msg="class 1"
    )
    assert (y[lower] <= 0.5 + 1e-15).all(), "class 1 above its diameter"


def test_moons_without_noise_span_the_half_circles_end_to_end():
    X, Y = datasets.moons(m=21, seed=0, noise=0.0)
    upper, lower = X[:, Y[0] == 0], X[:, Y[0] == 1]
    # t from 0 to π: from (1, 0) to (-1, 0), and from (0, 1/2) to (2, 1/2)
    np.testing.assert_allclose(upper[0].min(), -1.0, atol=1e-15)
    np.testing.assert_allclose(upper[0].max(), 1.0, atol=1e-15)
    # 11 points at t = kπ/10, one of them the top t = π/2
    np.testing.assert_allclose(upper[1].max(), 1.0, atol=1e-15)
    np.testing.assert_allclose(lower[0].min(), 0.0, atol=1e-15)
    np.testing.assert_allclose(lower[0].max(), 2.0, atol=1e-15)


def test_moons_noise_moves_the_points_by_about_its_size():
    clean, _ = datasets.moons(m=4000, seed=0, noise=0.0)
    noisy, _ = datasets.moons(m=4000, seed=0, noise=0.1)
    moved = (noisy - clean).ravel()
    # 8000 Gaussian draws of standard deviation 0.1: the sample std within a few percent
    assert moved.std() == pytest.approx(0.1, rel=0.05)
    assert abs(moved.mean()) < 5 * 0.1 / np.sqrt(moved.size)


@pytest.mark.parametrize("petals", [4.0, 2.5])
@pytest.mark.parametrize("m", [1, 2, 11, 400])
def test_planar_without_noise_lies_on_the_rose(petals, m):
    X, _ = datasets.planar(m=m, seed=0, noise=0.0, petals=petals)
    radius = np.hypot(X[0], X[1])
    assert (radius <= petals * (1 + 1e-12)).all(), f"radius above {petals}: {radius.max()}"
    # (r sin t, r cos t) with r = petals·sin 4t: the polar angle θ = atan2(x, y) is t or t + π,
    # and sin 4(t + π) = sin 4t, so |x, y| = petals·|sin 4θ| at every point
    theta = np.arctan2(X[0], X[1])
    np.testing.assert_allclose(
        radius, petals * np.abs(np.sin(4 * theta)), rtol=0, atol=1e-12, err_msg="rose r(θ)"
    )


def test_planar_petals_reach_their_maximum():
    X, _ = datasets.planar(m=2000, seed=0, noise=0.0, petals=3.0)
    assert np.hypot(X[0], X[1]).max() == pytest.approx(3.0, abs=1e-3)


@pytest.mark.parametrize("K", [2, 3, 10])
def test_one_hot_and_labels_of_round_trip(K):
    rng = np.random.default_rng(K)
    lab = rng.integers(0, K, size=25)
    Y = datasets.one_hot(lab, K)
    expected = np.eye(K)[:, lab]  # column i is the lab[i]-th unit vector
    np.testing.assert_array_equal(Y, expected)
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(datasets.labels_of(Y), lab)
    np.testing.assert_array_equal(datasets.one_hot(datasets.labels_of(expected), K), expected)


def test_one_hot_by_hand():
    np.testing.assert_array_equal(
        datasets.one_hot([1, 0, 1, 2], 3), [[0, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 1]]
    )
    assert datasets.one_hot(np.array([], dtype=int), 4).shape == (4, 0)


def test_labels_of_spirals_gives_the_arms_in_order():
    _, Y = datasets.spirals(m=9, n_classes=3, seed=0)
    np.testing.assert_array_equal(datasets.labels_of(Y), [0, 0, 0, 1, 1, 1, 2, 2, 2])


@pytest.mark.parametrize("name", list(GENERATORS))
@pytest.mark.parametrize("m", [0, -5, 2.5, "10", True, None])
def test_bad_m_is_rejected(name, m):
    make, _, _ = GENERATORS[name]
    with pytest.raises(ValueError, match="m must be a positive integer"):
        make(m=m, seed=0)


@pytest.mark.parametrize("n_classes", [1, 0, -2])
def test_spirals_need_two_classes(n_classes):
    with pytest.raises(ValueError, match="n_classes"):
        datasets.spirals(m=10, n_classes=n_classes)


@pytest.mark.parametrize("name", list(GENERATORS))
@pytest.mark.parametrize("noise", [-0.1, -1e-12, float("nan"), float("inf")])
def test_bad_noise_is_rejected(name, noise):
    make, _, _ = GENERATORS[name]
    with pytest.raises(ValueError, match="noise"):
        make(m=10, seed=0, noise=noise)


@pytest.mark.parametrize("lab", [[0, 3], [-1, 0], [5]])
def test_one_hot_labels_out_of_range_are_rejected(lab):
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.2"):
        datasets.one_hot(lab, 3)


@pytest.mark.parametrize("lab", [[0.0, 1.0], [[0, 1]], ["a"]])
def test_one_hot_needs_1d_integer_labels(lab):
    with pytest.raises(ValueError, match="1-D array of integers"):
        datasets.one_hot(lab, 3)


@pytest.mark.parametrize("K", [0, -1, 1.5])
def test_one_hot_bad_n_classes_is_rejected(K):
    with pytest.raises(ValueError, match="n_classes"):
        datasets.one_hot([0], K)


def test_labels_of_needs_2d():
    with pytest.raises(ValueError, match="2-D"):
        datasets.labels_of(np.array([0.0, 1.0]))
