"""The public API: the names DESIGN §4 promises exist with their signatures, and every public
function documents itself with a runnable example."""

import importlib
import inspect

import pytest

import npbackprop
from npbackprop import network, two_layer

# The modules DESIGN §4 names, typed here so that the package cannot drop one unnoticed.
DESIGN_MODULES = (
    "activations", "conventions", "datasets", "diagnose", "gradcheck", "layers", "losses",
    "network", "optimizers", "training", "two_layer",
)  # fmt: skip
# Split out of network to keep it near 400 lines; what they define is importable from network.
SPLIT_FROM_NETWORK = {
    "initialization": ("init_params",),
    "evaluation": ("predict", "accuracy"),
    "optimizers": ("update_params",),
}
EXTRA_MODULES = ("evaluation", "initialization")
MODULES = [importlib.import_module(f"npbackprop.{name}") for name in DESIGN_MODULES + EXTRA_MODULES]
PUBLIC = [
    (module, name)
    for module in MODULES
    for name in module.__all__
    if inspect.isfunction(getattr(module, name)) or inspect.isclass(getattr(module, name))
]


@pytest.mark.parametrize(("module", "name"), PUBLIC, ids=[f"{m.__name__}.{n}" for m, n in PUBLIC])
def test_every_public_function_has_a_docstring_with_an_example(module, name):
    doc = inspect.getdoc(getattr(module, name)) or ""
    assert doc, f"{module.__name__}.{name} has no docstring"
    if inspect.isfunction(getattr(module, name)):
        assert ">>>" in doc, f"{module.__name__}.{name} has no doctest example"


def test_modules_are_the_designs():
    assert sorted(DESIGN_MODULES + EXTRA_MODULES) == sorted(
        n for n in npbackprop.__all__ if n not in ("CONVENTIONS", "__version__")
    )


@pytest.mark.parametrize(("home", "names"), SPLIT_FROM_NETWORK.items())
def test_functions_split_from_network_are_still_network_functions(home, names):
    module = importlib.import_module(f"npbackprop.{home}")
    for name in names:
        assert name in network.__all__, f"network.{name} is gone from network.__all__"
        assert getattr(network, name) is getattr(module, name), f"network.{name}"


@pytest.mark.parametrize(
    ("func", "params"),
    [
        (two_layer.init_params, ["n_x", "n_h", "n_y", "seed"]),
        (two_layer.forward, ["X", "params"]),
        (two_layer.cost, ["A2", "Y"]),
        (two_layer.backward, ["params", "cache", "X", "Y", "convention"]),
        (network.linear_backward, ["dZ", "linear_cache", "convention"]),
        (network.linear_activation_backward, ["dA", "cache", "activation", "convention"]),
        (network.gradients, ["params", "X", "Y", "hidden", "output", "convention", "lambd"]),
        (network.cost, ["params", "X", "Y", "hidden", "output", "lambd", "reduction"]),
    ],
)
def test_contract_signatures(func, params):
    """DESIGN §4's signatures: these names, in this order (later keywords may be added)."""
    names = list(inspect.signature(func).parameters)
    assert names[: len(params)] == params


def test_contract_defaults():
    assert inspect.signature(two_layer.backward).parameters["convention"].default == "deferred"
    assert inspect.signature(network.linear_backward).parameters["convention"].default == "deferred"
    sig = inspect.signature(network.gradients).parameters
    assert (sig["hidden"].default, sig["output"].default, sig["lambd"].default) == (
        "relu",
        "sigmoid",
        0.0,
    )
    assert sig["hidden"].kind is inspect.Parameter.KEYWORD_ONLY
    assert inspect.signature(network.cost).parameters["reduction"].default == "mean"
    assert inspect.signature(network.backward).parameters["fused"].default is True


def test_the_declared_license_is_in_the_repository():
    """pyproject.toml declares the MIT license; the repository carries its text."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert declared["project"]["license"] == "MIT"
    text = (root / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "the npbackprop authors" in text
