"""npbackprop: backpropagation in NumPy with the 1/m convention as an explicit switch.

Modules (each one concept, as the book presents them):

* :mod:`npbackprop.conventions` — ``"deferred"``, ``"absorbed"``, ``"sum"``: where 1/m goes.
* :mod:`npbackprop.activations`, :mod:`npbackprop.losses` — g, g', and the canonical losses.
* :mod:`npbackprop.two_layer` — the course's one-hidden-layer network, one line per equation.
* :mod:`npbackprop.layers` — one layer at a time: the course's step functions.
* :mod:`npbackprop.initialization` — random weights and zero biases for any depth.
* :mod:`npbackprop.network` — L layers, any output/loss pair.
* :mod:`npbackprop.evaluation` — predictions and accuracy of a trained network.
* :mod:`npbackprop.gradcheck` — centred differences and the relative-error check.
* :mod:`npbackprop.diagnose` — your own backward pass checked: a verdict per gradient.
* :mod:`npbackprop.datasets` — the planar "flower", spirals, moons.
* :mod:`npbackprop.optimizers` — gradient descent, momentum, RMSprop, Adam (the course's).
* :mod:`npbackprop.training` — training in any convention, with any of the optimizers.

Examples
--------
>>> import npbackprop as nb
>>> nb.CONVENTIONS
('deferred', 'absorbed', 'sum')
"""

from npbackprop import (
    activations,
    conventions,
    datasets,
    diagnose,
    evaluation,
    gradcheck,
    initialization,
    layers,
    losses,
    network,
    optimizers,
    training,
    two_layer,
)
from npbackprop.conventions import CONVENTIONS

__version__ = "0.1.0"

__all__ = [
    "CONVENTIONS",
    "__version__",
    "activations",
    "conventions",
    "datasets",
    "diagnose",
    "evaluation",
    "gradcheck",
    "initialization",
    "layers",
    "losses",
    "network",
    "optimizers",
    "training",
    "two_layer",
]
