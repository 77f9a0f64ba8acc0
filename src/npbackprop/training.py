"""Gradient descent, full-batch or mini-batch, in any of the three conventions.

**The learning rate of "sum".** Deferred and absorbed compute the gradient of the mean cost,
so with the same learning rate they take the same steps (up to rounding). ``"sum"`` computes
m times that gradient, so at the same learning rate its steps are m times longer — it diverges
or oscillates where the others converge. With ``learning_rate / m`` it takes the same steps
(:func:`npbackprop.conventions.equivalent_learning_rate`); with mini-batches, ``m`` is the
batch size, and a smaller last batch would need its own rate, which :func:`train` applies when
``learning_rate`` is given for the mean (``lr_per="mean"``).

Examples
--------
>>> from npbackprop.datasets import planar
>>> X, Y = planar(m=400, seed=1)
>>> runs = {c: train(X, Y, [2, 4, 1], hidden="tanh", convention=c, learning_rate=1.2,
...                  epochs=200, seed=2)[1] for c in ("deferred", "absorbed")}
>>> diff = np.max(np.abs(runs["deferred"].cost - runs["absorbed"].cost))
>>> bool(diff < 1e-12), bool(runs["deferred"].cost[-1] < runs["deferred"].cost[0])
(True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from npbackprop import conventions, optimizers
from npbackprop._engine import Settings, training_step
from npbackprop._training_support import (
    InterruptGuard,
    checked_optimizer,
    checked_progress,
    progress_bar,
    start,
    warn_interrupted,
    warn_stopped,
)
from npbackprop._validate import (
    all_finite,
    check_choice,
    check_nonnegative,
    check_positive_int,
    check_seed,
)

__all__ = ["History", "minibatches", "train"]


@dataclass(frozen=True)
class History:
    """What :func:`train` records.

    Attributes
    ----------
    cost : ndarray, shape (epochs,)
        The mean cost J (with its L2 term) per epoch, in every convention so that runs can be
        compared: the average over the epoch's batches, weighted by batch size, as measured by
        each batch's forward pass before its update (the course's bookkeeping; with dropout it
        is the cost of the thinned network that step trained). For full-batch training, the
        cost before each step.
    batch_cost : ndarray, shape (steps,)
        The mean cost of each mini-batch before its update.
    convention : str
    learning_rate : float
        The rate as given to :func:`train`.
    batch_size : int
        Examples per step (m for full batch).
    steps : int
        Number of parameter updates.
    optimizer : npbackprop.optimizers.Optimizer
        The optimizer that took them.
    """

    cost: np.ndarray
    batch_cost: np.ndarray
    convention: str
    learning_rate: float
    batch_size: int
    steps: int
    optimizer: optimizers.Optimizer


def minibatches(m: int, batch_size: int, *, seed=None, shuffle: bool = True) -> list:
    """Index arrays that split ``range(m)`` into batches, the last one possibly smaller.

    Parameters
    ----------
    m : int
        Number of examples.
    batch_size : int
    seed : int >= 0, numpy.random.Generator or None
        Source of the shuffle (a bool is rejected, not read as 0 or 1).
    shuffle : bool

    Returns
    -------
    list of ndarray of int
        ⌈m / batch_size⌉ arrays; together a permutation of ``range(m)``.

    Examples
    --------
    >>> [b.tolist() for b in minibatches(5, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    >>> sorted(np.concatenate(minibatches(5, 2, seed=0)).tolist())
    [0, 1, 2, 3, 4]
    """
    m = check_positive_int(m, "m")
    batch_size = check_positive_int(batch_size, "batch_size")
    if not isinstance(shuffle, bool | np.bool_):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
    seed = check_seed(seed)
    order = np.random.default_rng(seed).permutation(m) if shuffle else np.arange(m)
    return [order[k : k + batch_size] for k in range(0, m, batch_size)]


def train(
    X: np.ndarray,
    Y: np.ndarray,
    layer_dims=None,
    *,
    params: dict | None = None,
    hidden: str = "relu",
    output: str = "sigmoid",
    convention: str = "deferred",
    learning_rate: float = 0.01,
    lr_per: str = "convention",
    epochs: int = 1000,
    batch_size: int | None = None,
    lambd: float = 0.0,
    keep_prob: float = 1.0,
    fused: bool = True,
    seed: int = 0,
    init="xavier",
    progress: bool | None = None,
    optimizer: optimizers.Optimizer | None = None,
) -> tuple[dict, History]:
    """Train a network by gradient descent and return its parameters and cost history.

    Each step runs :func:`~npbackprop.network.forward` and the backward pass of ``convention``
    on one batch and updates the parameters with ``optimizer``: by default gradient descent,
    ``W[l] -= lr · dW[l]``, ``b[l] -= lr · db[l]``.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (n_L, m)
    layer_dims : sequence of int, optional
        ``[n_x, n_1, …, n_L]`` for a fresh network (:func:`~npbackprop.initialization.init_params`
        with ``seed`` and ``init``); give this or ``params``. X, Y and ``output`` are checked
        against it before the network is made (a softmax output needs n_L >= 2), and so is
        memory: a network whose parameters, gradients and optimizer moments would not fit in
        this machine's memory is refused, saying how much it would need.
    params : dict, optional
        Starting parameters; not modified.
    hidden, output : str
        As in :func:`npbackprop.network.forward`.
    convention : {"deferred", "absorbed", "sum"}
    learning_rate : float
    lr_per : {"convention", "mean"}
        ``"convention"``: use ``learning_rate`` as given (so ``"sum"`` needs a rate m times
        smaller to match the others). ``"mean"``: ``learning_rate`` is meant for the mean
        gradient and is converted for ``"sum"`` at every step using that batch's size — the same
        trajectory as deferred and absorbed, even with a smaller last batch. The sum gradient
        is divided by the batch size before the optimizer sees it: for gradient descent that is
        the rate divided by the batch size; for momentum it also keeps the running average in
        the mean's units when batch sizes differ (a rate divided per step would not), and for
        RMSprop and Adam, whose steps barely change with the gradient's scale, it makes ε act
        as it does on the mean gradient.
    epochs : int
        Passes over the data; full-batch training takes one step per epoch. A run whose
        history would not fit in memory (about 80 bytes a step) is refused.
    batch_size : int, optional
        Examples per step; None means all m (full batch), and so does any value above m. The
        last batch of an epoch may be smaller; its gradient is averaged over its own size.
    lambd : float
        L2 strength λ of the training set's cost, ``(λ / 2n) Σ ‖W[l]‖²`` with n the number of
        training examples (the course's m, which for full-batch training is the training set).
        A mini-batch's cost keeps this penalty (its data term is averaged over the batch's m
        examples, the penalty is not rescaled to the batch size), so every step adds
        ``(λ / n) W[l]`` to the mean gradient, on the short last batch too.
    keep_prob : float
        Inverted-dropout keep probability for hidden units.
    fused : bool
        Output gradient from ``A - Y`` (True) or through ``dA[L]`` and ``g'(Z[L])``.
    seed : int
        Seeds the initialization (when ``layer_dims`` is given), the shuffles and the dropout
        masks: the same seed gives the same run.
    init : {"xavier", "he"} or float
        Initialization for ``layer_dims``.
    progress : bool or numpy.bool_, optional
        Show a progress bar. None (default): only when stderr is a terminal and the run takes
        longer than a second, so doctests, tests and logs stay quiet.
    optimizer : npbackprop.optimizers.Optimizer, optional
        :class:`~npbackprop.optimizers.GradientDescent` (the default),
        :class:`~npbackprop.optimizers.Momentum`, :class:`~npbackprop.optimizers.RMSprop` or
        :class:`~npbackprop.optimizers.Adam`; a fresh state is made for this run.

    Returns
    -------
    params : dict
        The trained parameters (new arrays), in the dtype of the start (``params``) or, for
        ``layer_dims``, of ``X`` (float32 stays float32).
    history : History
        If a batch's cost or gradient is NaN or infinite, training stops before that update,
        with a RuntimeWarning naming the epoch and step: the parameters returned are the last
        finite ones, and ``history.cost`` ends with the cost of the interrupted epoch.

    Interrupting training (Ctrl-C, or any KeyboardInterrupt) keeps its work, as
    scikit-learn's MLP does: training stops cleanly between steps, never inside an update (a
    Ctrl-C during one lets it finish), warns with a UserWarning naming the epoch and the number
    of steps taken, and returns the parameters after the last completed step with the History
    so far (``history.cost`` holds the completed epochs, ``history.batch_cost`` and
    ``history.steps`` the completed steps). A KeyboardInterrupt raised inside an update by
    other means than the signal (code of one's own, another thread's handler) is re-raised.

    Raises
    ------
    FloatingPointError
        If an update turns finite parameters and gradients into infinite parameters (a learning
        rate far too large); the message names the epoch and step.

    Examples
    --------
    ``"sum"`` at the same learning rate takes m-times longer steps; at rate/m it matches:

    >>> from npbackprop.datasets import moons
    >>> X, Y = moons(m=100, seed=0)
    >>> kw = dict(hidden="tanh", epochs=50, seed=0)
    >>> _, mean = train(X, Y, [2, 5, 1], convention="deferred", learning_rate=0.5, **kw)
    >>> _, same = train(X, Y, [2, 5, 1], convention="sum", learning_rate=0.5 / 100, **kw)
    >>> bool(np.allclose(mean.cost, same.cost, rtol=1e-12, atol=0))
    True

    Mini-batches of 32 (the last batch has 4), rate given for the mean gradient:

    >>> _, h = train(X, Y, [2, 5, 1], convention="sum", learning_rate=0.5, lr_per="mean",
    ...              batch_size=32, **kw)
    >>> h.steps, h.batch_cost.shape, h.cost.shape
    (200, (200,), (50,))
    """
    settings = Settings.checked(
        hidden=hidden, output=output, convention=convention, lambd=lambd, keep_prob=keep_prob,
        fused=fused,
    )  # fmt: skip
    lambd = settings.lambd
    check_choice(lr_per, ("convention", "mean"), "lr_per")
    learning_rate = check_nonnegative(learning_rate, "learning_rate")
    epochs = check_positive_int(epochs, "epochs")
    seed = check_seed(seed)
    if (params is None) == (layer_dims is None):
        got = "both" if params is not None else "neither"
        raise ValueError(
            f"give exactly one of layer_dims (a new network) or params (a start); got {got}"
        )
    progress = checked_progress(progress)
    optimizer = checked_optimizer(optimizer)
    X, Y, params, batch_size = start(
        X, Y, layer_dims, params, seed=seed, init=init, output=output, epochs=epochs,
        batch_size=batch_size, optimizer=optimizer,
    )  # fmt: skip
    loop = _Loop(
        X=X, Y=Y, params=params, optimizer=optimizer, state=optimizer.init_state(params),
        settings=settings, learning_rate=learning_rate, lr_per=lr_per, batch_size=batch_size,
        rng=np.random.default_rng(seed),
    )  # fmt: skip
    epoch_cost = []
    bar = progress_bar(epochs, convention, progress)
    # NaN and infinity are reported by train itself (a warning naming the step, or an error),
    # not by NumPy's floating-point warnings from inside the step.
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"), loop.guard:
        try:
            for epoch in bar:
                cost, stopped = loop.epoch(epoch)
                epoch_cost.append(cost)
                loop.guard.check()  # a Ctrl-C during the epoch's last update
                if stopped is not None:
                    warn_stopped(epoch, *stopped)
                    break
                if epoch % max(1, epochs // 100) == 0:
                    bar.set_postfix(cost=f"{cost:.4g}", refresh=False)
        except KeyboardInterrupt:
            if loop.guard.torn:  # it broke into an update: no consistent parameters to return
                raise
            del loop.batch_costs[loop.state["t"] :]  # a step computed but not taken
            warn_interrupted(len(epoch_cost), loop.state["t"])
        finally:
            bar.close()
    loop.check_params()
    history = History(
        cost=np.asarray(epoch_cost, dtype=np.float64),
        batch_cost=np.asarray(loop.batch_costs),
        convention=convention,
        learning_rate=learning_rate,
        batch_size=batch_size,
        steps=loop.state["t"],
        optimizer=optimizer,
    )
    return loop.params, history


@dataclass
class _Loop:
    """What stays fixed over a run of :func:`train`, and its running state."""

    X: np.ndarray
    Y: np.ndarray
    params: dict  # our own copies, updated in place
    optimizer: optimizers.Optimizer
    state: dict
    settings: Settings
    learning_rate: float
    lr_per: str
    batch_size: int
    rng: np.random.Generator
    batch_costs: list = field(default_factory=list)
    workspace: dict = field(default_factory=dict)  # one Z array per layer, reused every step
    guard: InterruptGuard = field(default_factory=InterruptGuard)  # Ctrl-C waits for an update
    last_update: tuple | None = None  # (epoch, step) of the latest update made

    def __post_init__(self):
        self.grad_names = [f"d{key}" for key in self.params]

    def epoch(self, epoch: int) -> tuple[float, tuple | None]:
        """One pass over the data: the epoch's mean cost, and ``(step, what)`` if a non-finite
        cost or gradient stopped it before that step's update."""
        m = self.X.shape[1]
        batches = [None] if self.batch_size == m else minibatches(m, self.batch_size, seed=self.rng)
        total, seen = 0.0, 0
        for index in batches:
            Xb, Yb = (self.X, self.Y) if index is None else (self.X[:, index], self.Y[:, index])
            mb = Xb.shape[1]
            # The data term is averaged over the batch, the L2 penalty over the training set of
            # n = m examples: λ/(2n) ‖W‖² for every batch (the network code divides its lambd
            # by mb).
            J, grads = training_step(
                Xb, Yb, self.params, settings=self.settings, lambd=self.settings.lambd * mb / m,
                rng=self.rng, workspace=self.workspace,
            )  # fmt: skip
            self.batch_costs.append(J)
            total, seen = total + J * mb, seen + mb
            bad = _first_non_finite(grads, self.grad_names) if math.isfinite(J) else "the cost"
            if bad is not None:  # stop before this update: params are the last finite ones
                self.check_params()  # ...unless the previous update overflowed them
                return total / seen, (len(self.batch_costs), bad)
            with self.guard.update():
                self.update(grads, mb)
                self.last_update = (epoch, len(self.batch_costs))
            if index is not batches[-1]:  # after the epoch's last step, train records it first
                self.guard.check()
        return total / seen, None

    def update(self, grads: dict, mb: int) -> None:
        if self.lr_per == "mean":  # the optimizer sees the mean gradient's scale
            convention = self.settings.convention
            to_mean = conventions.equivalent_learning_rate(1.0, mb, convention, "deferred")
            if to_mean != 1.0:
                for key in self.params:
                    grads[f"d{key}"] /= to_mean  # our own arrays
        self.optimizer.update_in_place(self.params, grads, self.state, self.learning_rate)

    def check_params(self) -> None:
        """Raise if an update turned finite parameters and gradients into infinite parameters.

        Not checked after every update (it would cost a pass over the parameters per step):
        infinite parameters make the next step's cost or gradient non-finite, which the step
        checks anyway, and train checks once more at the end."""
        if self.last_update is not None and _first_non_finite(self.params, self.params):
            epoch, step = self.last_update
            raise FloatingPointError(
                f"training diverged in epoch {epoch} (step {step}): the update made the "
                f"parameters infinite; lower the learning rate ({self.learning_rate})"
            )


def _first_non_finite(arrays: dict, names) -> str | None:
    """The first of ``names`` whose array holds a NaN or an infinity, or None
    (:func:`npbackprop._validate.all_finite`: one sum per array)."""
    for name in names:
        if not all_finite(arrays[name]):
            return name
    return None
