"""Keras, TensorFlow, JAX/optax and Opacus outputs for the book: the cases, their record, its check.

The book's build imports none of these libraries (together they are gigabytes). The chapter
that shows their results, ``docs/practice/libraries.md``, reads them from
``docs/practice/libraries-record.json``, which this module writes. Each case builds its inputs
from a seeded NumPy generator, runs them through the pinned CPU build of one library, and
returns both, so that the page can compute the same thing with ``npbackprop`` from the recorded
inputs and compare.

Each library runs in a process of its own, because each needs its setting before it is first
imported: Keras reads its backend from ``KERAS_BACKEND``, TensorFlow splits the CPU into two
logical devices (the replicas of a distributed loop) only before it starts, and JAX computes in
float64 only when told so first. ``tests/test_libraries_record.py`` runs every case again on
each CI run and fails if an output, a case or a version differs from the record. After changing
a case, write the record again::

    make library-records      # .venv/bin/python tests/libraries_record.py

``python tests/libraries_record.py --run LIBRARY`` prints one library's live outputs as JSON.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "docs" / "practice" / "libraries-record.json"

#: The versions the record is written with; .ci/run installs exactly these (pyproject's
#: ``records`` extra pins them, torch 2.13.0 comes first, as for the PyTorch record).
VERSIONS = {
    "keras": "3.15.1",
    "tensorflow": "2.21.0",
    "jax": "0.10.2",
    "jaxlib": "0.10.2",
    "optax": "0.2.8",
    "opacus": "1.6.0",
    "torch": "2.13.0+cpu",
}

#: Each library's process: the environment it starts with and the modules whose versions it
#: reports. Keras runs on its TensorFlow backend: the course's own Keras is TensorFlow's, the
#: distributed loop needs TensorFlow anyway, and it is the backend on which Keras 3.15 keeps
#: float64 throughout (on the PyTorch backend its ``divide_no_nan`` turns float64 into float32,
#: so mean losses would compare to float32 rounding only). Keras computes its losses' reductions
#: and its regularizers in its own code, above the backend: the test runs the Keras cases on the
#: PyTorch and JAX backends too and requires the same outputs (to float32 rounding).
LIBRARIES = {
    "keras": {"env": {"KERAS_BACKEND": "tensorflow"}, "modules": ("keras", "tensorflow")},
    "tensorflow": {"env": {"KERAS_BACKEND": "tensorflow"}, "modules": ("tensorflow", "keras")},
    "jax": {"env": {}, "modules": ("jax", "jaxlib", "optax")},
    "opacus": {"env": {}, "modules": ("opacus", "torch")},
}
#: What pip installs for a module whose distribution has another name or version spelling.
DISTRIBUTIONS = {"tensorflow": "tensorflow-cpu", "torch": "torch"}
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}

#: library -> {case name -> function returning {"inputs": ..., "outputs": ...}}
CASES: dict[str, dict[str, Callable[[], dict]]] = {name: {} for name in LIBRARIES}


def case(library: str) -> Callable[[Callable[[], dict]], Callable[[], dict]]:
    """Register a case of ``library`` under its function's name."""

    def register(fn: Callable[[], dict]) -> Callable[[], dict]:
        CASES[library][fn.__name__] = fn
        return fn

    return register


def _small_network(seed: int, m: int, n_x: int = 3, n_h: int = 4) -> dict:
    """Inputs as rows (the libraries' layout) and a [n_x, n_h, 1] network's parameters in the
    course's layout (W of shape (n_l, n_{l-1}), b of shape (n_l,))."""
    rng = np.random.default_rng(seed)
    return {
        "X": rng.normal(size=(m, n_x)),
        "y": (rng.random((m, 1)) < 0.5).astype(float),
        "W1": rng.normal(size=(n_h, n_x)) * 0.7,
        "b1": rng.normal(size=n_h) * 0.1,
        "W2": rng.normal(size=(1, n_h)) * 0.7,
        "b2": rng.normal(size=1) * 0.1,
    }


# ---------------------------------------------------------------------------------------- Keras
def _keras_model(p: dict, l2: float | None):
    import keras

    keras.config.set_floatx("float64")
    reg = {} if l2 is None else {"kernel_regularizer": keras.regularizers.L2(l2)}
    model = keras.Sequential([
        keras.Input((p["W1"].shape[1],)),
        keras.layers.Dense(p["W1"].shape[0], activation="tanh", **reg),
        keras.layers.Dense(1, activation="sigmoid", **reg),
    ])  # fmt: skip
    model.set_weights([p["W1"].T, p["b1"], p["W2"].T, p["b2"]])  # Keras: (n_in, n_out)
    return model


def _keras_weights(model) -> dict:
    W1, b1, W2, b2 = model.get_weights()
    return {"W1": W1.T, "b1": b1, "W2": W2.T, "b2": b2}


@case("keras")
def keras_fit_l2():
    """One ``train_on_batch`` of a [3, 4, 1] tanh/sigmoid network with binary cross-entropy,
    plain SGD and ``regularizers.L2(l2)`` on both kernels: the loss it reports and the new
    weights."""
    import keras

    p = _small_network(10, m=8)
    # Keras passes the rate and L2's constant through float32 even for float64 weights: these
    # two are exact there (0.1 and 0.01 are not, and would blur the comparison to ~1e-10)
    lr, l2 = 0.25, 1 / 64
    model = _keras_model(p, l2)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr),
                  loss=keras.losses.BinaryCrossentropy())  # fmt: skip
    loss = model.train_on_batch(p["X"], p["y"])
    return {"inputs": {**p, "lr": lr, "l2": l2},
            "outputs": {"loss": float(loss), "new": _keras_weights(model)}}  # fmt: skip


@case("keras")
def keras_sample_weight():
    """Binary cross-entropy on logits with ``sample_weight`` under each reduction, and one
    ``train_on_batch`` with weights of a logistic regression (one ``Dense(1)``) under the default
    reduction and under ``"mean_with_sample_weight"``."""
    import keras

    keras.config.set_floatx("float64")
    rng = np.random.default_rng(11)
    m = 6
    X, y = rng.normal(size=(m, 2)), (rng.random((m, 1)) < 0.5).astype(float)
    z = rng.normal(size=(m, 1))
    weights = rng.uniform(0.2, 3.0, size=m)
    w0, b0, lr = rng.normal(size=(1, 2)), np.array([0.1]), 0.5
    values = {}
    for reduction in ("sum_over_batch_size", "mean_with_sample_weight", "sum", "none"):
        loss = keras.losses.BinaryCrossentropy(from_logits=True, reduction=reduction)
        values[reduction] = keras.ops.convert_to_numpy(loss(y, z, sample_weight=weights))
    steps = {}
    for reduction in ("sum_over_batch_size", "mean_with_sample_weight"):
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
        model.set_weights([w0.T, b0])
        loss = keras.losses.BinaryCrossentropy(reduction=reduction)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss=loss)
        model.train_on_batch(X, y, sample_weight=weights)
        W, b = model.get_weights()
        steps[reduction] = {"w": W.T, "b": b}
    return {
        "inputs": {"X": X, "y": y, "z": z, "sample_weight": weights, "w": w0, "b": b0, "lr": lr},
        "outputs": {"loss": values, "step": steps},
    }


# ----------------------------------------------------------------------------------- TensorFlow
REPLICAS = 2


_TF_READY: list = []


def _tf_setup():
    """TensorFlow, with the CPU split into REPLICAS logical devices (once, before it starts)."""
    import tensorflow as tf

    if not _TF_READY:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * REPLICAS
        )
        _TF_READY.append(True)
    return tf


def _tf_step(p: dict, parts: list[int], scale: str, lr: float, l2: float = 0.0) -> dict:
    """One step of TensorFlow's custom training loop with ``MirroredStrategy`` on two logical
    CPUs; replica r gets the next ``parts[r]`` examples. ``scale`` says how each replica reduces
    its per-example losses: ``"global"`` (``compute_average_loss`` with the global batch size),
    ``"default"`` (``compute_average_loss`` without it) or ``"local_mean"`` (``reduce_mean``)."""
    tf = _tf_setup()
    import keras

    keras.config.set_floatx("float64")
    strategy = tf.distribute.MirroredStrategy(
        [d.name for d in tf.config.list_logical_devices("CPU")][:REPLICAS]
    )
    assert strategy.num_replicas_in_sync == REPLICAS
    bounds = np.cumsum([0, *parts])
    shards = [(p["X"][a:b], p["y"][a:b]) for a, b in itertools.pairwise(bounds)]
    global_batch = int(sum(parts))
    with strategy.scope():
        model = _keras_model(p, None)
        optimizer = keras.optimizers.SGD(learning_rate=lr)
        optimizer.build(model.trainable_variables)

    def replica_step(batch):
        x, y = batch
        with tf.GradientTape() as tape:
            per_example = keras.losses.binary_crossentropy(y, model(x))
            if scale == "global":
                loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch)
            elif scale == "default":
                loss = tf.nn.compute_average_loss(per_example)
            else:
                loss = tf.reduce_mean(per_example)
            if l2:
                penalty = tf.add_n([tf.reduce_sum(v * v) for v in model.trainable_variables
                                    if len(v.shape) == 2])  # fmt: skip
                loss += tf.nn.scale_regularization_loss(l2 * penalty)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))

    @tf.function  # as TensorFlow's tutorial runs it: one graph for all replicas
    def distributed_step(batches):
        strategy.run(replica_step, args=(batches,))

    distributed_step(strategy.experimental_distribute_values_from_function(
        lambda ctx: shards[ctx.replica_id_in_sync_group]
    ))  # fmt: skip
    return _keras_weights(model)


@case("tensorflow")
def tf_distributed_step():
    """One distributed step on two replicas, the global batch of 8 split 4 + 4 and the last
    batch of 5 split 3 + 2, with each replica's loss divided by the global batch size, by the
    function's default, or by its own size; and with an L2 penalty scaled by
    ``scale_regularization_loss``."""
    p = _small_network(20, m=8)
    lr, l2 = 0.25, 0.01  # exact in float32, as Keras keeps it
    short = {k: (v[:5] if k in ("X", "y") else v) for k, v in p.items()}
    outputs = {
        "even": {s: _tf_step(p, [4, 4], s, lr) for s in ("global", "default", "local_mean")},
        "short": {s: _tf_step(short, [3, 2], s, lr) for s in ("global", "default")},
        "l2": _tf_step(p, [4, 4], "global", lr, l2),
    }
    return {"inputs": {**p, "lr": lr, "l2": l2, "replicas": REPLICAS}, "outputs": outputs}


# ------------------------------------------------------------------------------------ JAX, optax
def _jax():
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


def _jax_loss_of_one(params, x, y):
    """One example's binary cross-entropy for the [n_x, n_h, 1] network, written the way a JAX
    user writes it: for one example x of shape (n_x,), and vmapped for a batch."""
    import jax.numpy as jnp

    a1 = jnp.tanh(params["W1"] @ x + params["b1"])
    z2 = params["W2"] @ a1 + params["b2"]
    return jnp.sum(jnp.logaddexp(0.0, z2) - y * z2)  # BCE from the logit


@case("jax")
def jax_grads():
    """``jax.grad`` of the mean loss over a batch of 7 (``vmap`` of the one-example loss), and
    ``jax.vmap(jax.grad(loss_of_one))``: every example's own gradient."""
    jax = _jax()
    import jax.numpy as jnp

    p = _small_network(30, m=7)
    params = {k: jnp.asarray(p[k]) for k in ("W1", "b1", "W2", "b2")}
    X, y = jnp.asarray(p["X"]), jnp.asarray(p["y"])

    def mean_loss(params, X, y):
        return jnp.mean(jax.vmap(_jax_loss_of_one, in_axes=(None, 0, 0))(params, X, y))

    mean_grad = jax.grad(mean_loss)(params, X, y)
    per_example = jax.vmap(jax.grad(_jax_loss_of_one), in_axes=(None, 0, 0))(params, X, y)
    as_np = {k: np.asarray(v) for k, v in mean_grad.items()}
    return {"inputs": p, "outputs": {"mean_grad": as_np,
                                     "per_example": {k: np.asarray(v)
                                                     for k, v in per_example.items()}}}  # fmt: skip


@case("jax")
def optax_steps():
    """From given gradients: one step of ``optax.chain(add_decayed_weights(wd), sgd(lr))`` and
    three steps of ``optax.adamw(lr, weight_decay=wd)`` and of ``optax.adam(lr)``."""
    jax = _jax()
    import jax.numpy as jnp
    import optax

    rng = np.random.default_rng(31)
    W, grads = rng.normal(size=(3, 2)), rng.normal(size=(3, 3, 2))
    lr, wd = 0.1, 0.05
    outputs = {}
    chained = optax.chain(optax.add_decayed_weights(wd), optax.sgd(lr))
    w = jnp.asarray(W)
    updates, _ = chained.update(jnp.asarray(grads[0]), chained.init(w), w)
    outputs["sgd_decayed"] = np.asarray(optax.apply_updates(w, updates))
    for name, opt in (("adamw", optax.adamw(lr, weight_decay=wd)), ("adam", optax.adam(lr))):
        w = jnp.asarray(W)
        state, after = opt.init(w), []
        for g in grads:
            updates, state = opt.update(jnp.asarray(g), state, w)
            w = optax.apply_updates(w, updates)
            after.append(np.asarray(w))
        outputs[name] = np.stack(after)
    del jax
    return {"inputs": {"W": W, "grads": grads, "lr": lr, "wd": wd}, "outputs": outputs}


# --------------------------------------------------------------------------------------- Opacus
def _torch_model(p: dict):
    import torch

    torch.set_default_dtype(torch.float64)
    model = torch.nn.Sequential(
        torch.nn.Linear(p["W1"].shape[1], p["W1"].shape[0]),
        torch.nn.Tanh(),
        torch.nn.Linear(p["W1"].shape[0], 1),
    )
    with torch.no_grad():
        for layer, l in ((model[0], 1), (model[2], 2)):
            layer.weight.copy_(torch.tensor(p[f"W{l}"]))
            layer.bias.copy_(torch.tensor(p[f"b{l}"]))
    return model


def _np(t) -> np.ndarray:
    return t.detach().numpy().copy()


@case("opacus")
def opacus_dp_step():
    """Opacus's per-example gradients (``GradSampleModule``) for a mean loss over 6 examples,
    and one ``DPOptimizer`` step with no noise, ``max_grad_norm`` small enough to clip some
    examples, and ``expected_batch_size`` 6 (the batch's size) and 8 (a Poisson-sampled batch
    that came out smaller than expected)."""
    import torch
    from opacus import GradSampleModule
    from opacus.optimizers import DPOptimizer

    p = _small_network(40, m=6)
    lr, clip = 0.5, 1.0
    X, y = torch.tensor(p["X"]), torch.tensor(p["y"])
    outputs = {}
    for expected in (6, 8):
        model = GradSampleModule(_torch_model(p), loss_reduction="mean")
        optimizer = DPOptimizer(
            torch.optim.SGD(model.parameters(), lr=lr), noise_multiplier=0.0,
            max_grad_norm=clip, expected_batch_size=expected, loss_reduction="mean",
        )  # fmt: skip
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(X), y)
        loss.backward()
        inner = model._module
        per_example = {
            "W1": _np(inner[0].weight.grad_sample), "b1": _np(inner[0].bias.grad_sample),
            "W2": _np(inner[2].weight.grad_sample), "b2": _np(inner[2].bias.grad_sample),
        }  # fmt: skip
        optimizer.step()
        new = {"W1": _np(inner[0].weight), "b1": _np(inner[0].bias),
               "W2": _np(inner[2].weight), "b2": _np(inner[2].bias)}  # fmt: skip
        outputs[f"expected_{expected}"] = {"per_example": per_example, "new": new}
    return {"inputs": {**p, "lr": lr, "max_grad_norm": clip}, "outputs": outputs}


# ------------------------------------------------------------------------------ running, writing
def versions(library: str) -> dict:
    """The versions of the modules ``library``'s process uses, as they report them."""
    import importlib

    return {m: importlib.import_module(m).__version__ for m in LIBRARIES[library]["modules"]}


def run_here(library: str) -> dict:
    """Every case of ``library``, run in this process, as record data."""
    from npbackprop._book import to_record

    return {"versions": versions(library),
            "cases": {name: to_record(fn()) for name, fn in CASES[library].items()}}  # fmt: skip


def run_live(library: str, backend: str | None = None, timeout: float = 600) -> dict:
    """Every case of ``library`` run in a process of its own with the installed library; for
    Keras, ``backend`` overrides the recorded backend. Raises RuntimeError with the process's
    error output if it fails."""
    env = {**os.environ, **QUIET, **LIBRARIES[library]["env"]}
    if backend is not None:
        env["KERAS_BACKEND"] = backend
        if backend == "jax":  # JAX computes in float32 unless told otherwise before it starts
            env["JAX_ENABLE_X64"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), str(ROOT / "tests"), env.get("PYTHONPATH", "")]
    )
    done = subprocess.run(
        [sys.executable, __file__, "--run", library], env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"the {library} cases failed (exit {done.returncode}):\n"
                           f"{done.stderr[-4000:]}")  # fmt: skip
    return json.loads(done.stdout)


def requirements() -> list[str]:
    """The pinned requirements, as ``pip install`` takes them (torch without its local tag)."""
    return [f"{DISTRIBUTIONS.get(m, m)}=={v.split('+')[0]}" for m, v in VERSIONS.items()]


def write(path: Path = RECORD) -> None:
    libraries, found = {}, {}
    for library in LIBRARIES:
        print(f"running the {library} cases ...", flush=True)
        live = run_live(library)
        found |= live["versions"]
        libraries[library] = live["cases"]
    wrong = {m: v for m, v in found.items() if v != VERSIONS[m]}
    if wrong:
        sys.exit(f"the record is written with {VERSIONS}; these differ here: {wrong}")
    record = {"date": datetime.date.today().isoformat(), "versions": found,
              "keras_backend": LIBRARIES["keras"]["env"]["KERAS_BACKEND"],
              "libraries": libraries}  # fmt: skip
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    count = sum(len(c) for c in libraries.values())
    print(f"wrote {path.relative_to(ROOT)}: {count} cases of {len(libraries)} libraries")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--run",
        choices=sorted(LIBRARIES),
        help="print one library's live outputs as JSON (run in its own process)",
    )
    parser.add_argument(
        "--requirements",
        action="store_true",
        help="print the pinned versions as pip requirements, one per line",
    )
    args = parser.parse_args()
    if args.requirements:
        print("\n".join(requirements()))
    elif args.run:
        print(json.dumps(run_here(args.run)))
    else:
        write()
