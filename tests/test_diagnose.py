"""npbackprop.diagnose: the corpus of learner-style backward passes, the c·m^p fit, the
robustness to the learner's code, the bad arguments and the command's exit statuses.

The corpus (tests/diagnose_corpus/) was written independently of the diagnoser, and each file's
expected verdict was checked against finite differences by separate code; the diagnoser's own
right answers are compared here with autograd (tests/helpers.py), which shares no code with the
package.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npbackprop import diagnose, network
from npbackprop.diagnose import __main__ as cli
from npbackprop.diagnose._fit import fit_power
from npbackprop.diagnose._problems import SIZES, problem

from helpers import reference_gradients

CORPUS = sorted(p.stem for p in (Path(__file__).parent / "diagnose_corpus").glob("*.py"))
CORPUS.remove("__init__")


def run_corpus_file(module):
    fn = next(
        getattr(module, n) for n in dir(module) if not n.startswith("_") and n not in
        ("np", "KIND", "LAMBD", "EXPECTED", "LAYERS", "HIDDEN", "OUTPUT")
        and callable(getattr(module, n))
    )  # fmt: skip
    if module.KIND == "two_layer":
        return diagnose.check_two_layer(fn)
    if module.KIND == "deep":
        return diagnose.check_deep(fn, layers=(5, 4, 3, 1))
    if module.KIND == "three_layer":
        return diagnose.check_three_layer(fn, lambd=module.LAMBD)
    return diagnose.check(
        fn, module.LAYERS, hidden=module.HIDDEN, output=module.OUTPUT, lambd=module.LAMBD
    )


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_gets_its_verdict(name):
    module = importlib.import_module(f"diagnose_corpus.{name}")
    report = run_corpus_file(module)
    expected = module.EXPECTED
    shown = f"\n{report}"
    assert report.ok is expected["ok"], shown
    if "convention" in expected:
        assert report.convention == expected["convention"], shown
    if "first_wrong_layer" in expected:
        assert report.first_wrong_layer == expected["first_wrong_layer"], shown
    for grad, want in expected["findings"].items():
        assert grad in report.findings, f"{grad} not reported{shown}"
        finding = report.findings[grad]
        for field, value in want.items():
            got = getattr(finding, field)
            if isinstance(value, float) and got is not None:
                assert got == pytest.approx(value, rel=1e-9), f"{grad}.{field}{shown}"
            else:
                assert got == value, f"{grad}.{field}: {got!r} != {value!r}{shown}"
    assert report.advice, "every report gives advice"
    assert str(report).startswith("The gradients of the mean cost J are")


def test_corpus_covers_every_verdict():
    seen = set()
    for name in CORPUS:
        module = importlib.import_module(f"diagnose_corpus.{name}")
        seen |= {want["verdict"] for want in module.EXPECTED["findings"].values()}
    assert seen == set(diagnose.VERDICTS)


# --- The right answers are right: autograd, which shares no code with the package. ---


@pytest.mark.parametrize(
    ("layers", "hidden", "output"),
    [((2, 4, 1), "tanh", "sigmoid"), ((5, 4, 3, 1), "relu", "sigmoid"),
     ((3, 5, 4), "tanh", "softmax"), ((4, 6, 2), "relu", "identity"),
     ((4, 5, 3, 1), "leaky_relu", "sigmoid")],
)  # fmt: skip
def test_right_answers_match_autograd(layers, hidden, output):
    prob = problem(layers, hidden, output)
    for m in SIZES:
        X, Y = prob.data[m]
        ref = reference_gradients(
            dict(prob.params), X, Y, hidden=hidden, output=output, convention="absorbed"
        )
        for name, value in ref.items():
            np.testing.assert_allclose(
                prob.right[m][name], value, rtol=1e-10, atol=1e-13, err_msg=f"{name}, m={m}"
            )


def test_data_stays_away_from_the_relu_kink_and_saturation():
    prob = problem((5, 4, 3, 1), "relu", "sigmoid")
    for m in SIZES:
        _, caches = prob.forward[m]
        for _, Z in caches[:-1]:
            assert np.min(np.abs(Z)) >= 0.1
            assert np.any(Z > 0)
            assert np.any(Z < 0)
        assert np.max(np.abs(caches[-1][1])) <= 2.5
    assert all(m & (m - 1) for m in SIZES), "no batch size is a power of two"


# --- The fit: c·m^p recovered for any c and p in {-1, 0, 1}. ---

TANH_NET = ((3, 4, 2), "tanh", "sigmoid")


def _autograd_answers():
    prob = problem(*TANH_NET)
    return {
        m: reference_gradients(
            dict(prob.params),
            *prob.data[m],
            hidden="tanh",
            output="sigmoid",
            convention="absorbed",
        )
        for m in SIZES
    }


AUTOGRAD = _autograd_answers()


@settings(max_examples=40, deadline=None)
@given(
    c=st.floats(0.05, 20) | st.floats(-20, -0.05),
    p=st.sampled_from([-1, 0, 1]),
    layer=st.sampled_from([1, 2]),
)
def test_fit_recovers_c_and_p(c, p, layer):
    def backward(params, X, Y):
        m = X.shape[1]
        right = AUTOGRAD[m]
        grads = {k: right[k] for k in ("dW1", "db1", "dW2", "db2")}
        for k in (f"dW{layer}", f"db{layer}"):
            grads[k] = c * m**p * grads[k]
        return grads

    report = diagnose.check(backward, TANH_NET[0], hidden="tanh")
    finding = report.findings[f"dW{layer}"]
    other = report.findings[f"dW{3 - layer}"]
    assert other.verdict == "ok"
    if p == 0 and abs(c - 1) < 1e-7:
        assert finding.verdict == "ok"
        return
    assert finding.verdict == "scaled"
    assert finding.coefficient == pytest.approx(c, rel=1e-8)
    assert finding.power == (None if p == 0 else p)
    assert finding.factor == pytest.approx(c * SIZES[-1] ** p, rel=1e-8)
    assert not report.ok


def test_a_factor_that_follows_no_power_of_m():
    def backward(params, X, Y):
        m = X.shape[1]
        return {k: v * m / (m - 1) for k, v in AUTOGRAD[m].items() if k[:2] in ("dW", "db")}

    finding = diagnose.check(backward, TANH_NET[0], hidden="tanh").findings["dW1"]
    assert (finding.verdict, finding.power, finding.coefficient) == ("scaled", None, None)
    assert finding.factor == pytest.approx(SIZES[-1] / (SIZES[-1] - 1))
    assert fit_power(SIZES, [1.0, 1.0, 1.0]) == (1.0, 0)


def test_dividing_by_the_number_of_features():
    def backward(params, X, Y):
        grads = network.gradients(params, X, Y, hidden="tanh", convention="sum")
        return {k: v / X.shape[0] for k, v in grads.items()}  # X.shape[0] is n_x = 3

    report = diagnose.check(backward, TANH_NET[0], hidden="tanh")
    finding = report.findings["dW2"]
    assert (finding.power, finding.coefficient) == (1, pytest.approx(1 / 3))
    assert any("X.shape[1]" in a for a in report.advice)


# --- Robustness: the learner's code never takes the diagnoser down. ---


def _good(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["A1"] ** 2)
    return {"dW2": dZ2 @ cache["A1"].T / m, "db2": dZ2.sum(1, keepdims=True) / m,
            "dW1": dZ1 @ X.T / m, "db1": dZ1.sum(1, keepdims=True) / m}  # fmt: skip


def test_an_exception_names_its_type_message_and_line():
    def backward(parameters, cache, X, Y):
        return {"dW1": parameters["W3"]}  # KeyError

    report = diagnose.check_two_layer(backward)
    message = report.findings["call"].message
    assert list(report.findings) == ["call"]
    assert "KeyError: 'W3'" in message
    assert "test_diagnose.py" in message
    assert 'return {"dW1": parameters["W3"]}' in message
    assert not report.ok
    assert report.convention is None


def test_system_exit_and_non_dict_returns_are_findings():
    def exits(parameters, cache, X, Y):
        sys.exit(3)

    assert "SystemExit" in diagnose.check_two_layer(exits).findings["call"].message
    for value in (None, [1, 2], (np.zeros(2),), "dW1"):
        report = diagnose.check_two_layer(lambda p, c, X, Y, v=value: v)
        assert report.findings["call"].verdict == "error"
        assert f"returned a {type(value).__name__}" in report.findings["call"].message


@pytest.mark.parametrize("target", ["parameters", "cache", "X"])
def test_changing_an_input_in_place_is_reported(target):
    def backward(parameters, cache, X, Y):
        grads = _good(parameters, cache, X, Y)
        {"parameters": parameters["W1"], "cache": cache["Z1"], "X": X}[target][...] *= 2
        return grads

    report = diagnose.check_two_layer(backward)
    call = report.findings["call"]
    assert call.verdict == "error"
    assert "in place" in call.message
    assert target in call.message
    assert report.ok  # ok is about the gradients, and they were computed first


def test_printing_is_hidden_and_reported():
    def backward(parameters, cache, X, Y):
        print("dZ2", cache["A2"].shape)
        return _good(parameters, cache, X, Y)

    report = diagnose.check_two_layer(backward)
    assert report.ok
    assert report.findings["call"].verdict == "ok"
    assert "printed 3 lines" in report.findings["call"].message
    assert report.printed.count("dZ2") == len(SIZES)


def test_lists_scalars_and_wrong_dtypes_are_shape_findings():
    def backward(parameters, cache, X, Y):
        grads = _good(parameters, cache, X, Y)
        return {"dW1": grads["dW1"].tolist(), "db2": float(grads["db2"][0, 0]),
                "dW2": grads["dW2"].astype(np.float32),
                "db1": grads["db1"].astype(object)}  # fmt: skip

    report = diagnose.check_two_layer(backward)
    f = report.findings
    assert [f[k].verdict for k in ("dW1", "db2", "dW2", "db1")] == ["shape"] * 4
    assert "list" in f["dW1"].message
    assert "single number" in f["db2"].message
    assert "float32" in f["dW2"].message
    assert "object" in f["db1"].message


def test_a_square_weight_transposed_is_wrong_not_shape():
    def backward(params, X, Y):
        grads = network.gradients(params, X, Y, hidden="tanh")
        return {**grads, "dW2": grads["dW2"].T}

    report = diagnose.check(backward, (3, 4, 4, 1), hidden="tanh")
    assert report.findings["dW2"].verdict in ("wrong", "shape")
    assert not report.ok


# --- Bad arguments to the diagnoser itself. ---


@pytest.mark.parametrize(
    ("call", "error", "text"),
    [
        (lambda: diagnose.check_two_layer("backward"), TypeError, "callable"),
        (lambda: diagnose.check_deep(_good, layers=(5, 1)), ValueError, "at least 3"),
        (lambda: diagnose.check_deep(_good, layers="5,4,1"), TypeError, "sequence"),
        (lambda: diagnose.check(_good, (3, 0, 1)), ValueError, "between 1 and 1000"),
        (lambda: diagnose.check(_good, (3, 4, 1), hidden="swish"), ValueError, "'relu'"),
        (lambda: diagnose.check(_good, (3, 4, 1), output="softmax"), ValueError, "2 units"),
        (lambda: diagnose.check_three_layer(_good, lambd=-1), ValueError, "lambd"),
    ],
)
def test_bad_arguments(call, error, text):
    with pytest.raises(error, match=text):
        call()


# --- The command. ---

CORPUS_DIR = Path(__file__).parent / "diagnose_corpus"


@pytest.mark.parametrize(
    ("argv", "status", "text"),
    [
        ([f"{CORPUS_DIR}/two_layer_course.py:backward_propagation"], 0, "are right"),
        ([f"{CORPUS_DIR}/two_layer_1m_twice.py:backward_propagation"], 1, "applied twice"),
        ([f"{CORPUS_DIR}/deep_wrong_relu.py:L_model_backward", "--layers", "5,4,3,1"], 1,
         "layer 2 is not"),
        ([f"{CORPUS_DIR}/three_layer_reg_no_1m.py:backward_propagation_with_regularization",
          "--lambd", "0.7"], 1, "L2 term"),
        ([f"{CORPUS_DIR}/generic_softmax_tanh.py:backward", "--generic", "--layers", "3,5,4",
          "--hidden", "tanh", "--output", "softmax"], 0, "are right"),
    ],
)  # fmt: skip
def test_cli_exit_status(argv, status, text, capsys):
    assert cli.main(argv) == status
    out = capsys.readouterr().out
    assert text in out


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["nowhere.py:f"], "no such file"),
        ([f"{CORPUS_DIR}/two_layer_course.py"], "FILE.py:FUNCTION"),
        ([f"{CORPUS_DIR}/two_layer_course.py:nothing"], "has no function 'nothing'"),
        ([f"{CORPUS_DIR}/generic_softmax_tanh.py:backward", "--generic"], "needs --layers"),
        (
            [f"{CORPUS_DIR}/two_layer_course.py:backward_propagation", "--deep", "--layers", "5"],
            "at least 3",
        ),
        ([f"{CORPUS_DIR}/two_layer_course.py:backward_propagation", "--lambd", "x"], "lambd"),
    ],
)
def test_cli_usage_errors_exit_2(argv, text, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert text in capsys.readouterr().err


def test_cli_file_that_fails_while_loading(tmp_path, capsys):
    pasted = tmp_path / "pasted.py"
    pasted.write_text("import numpy as np\nprint('training...')\ntrain_X = load_dataset()\n")
    with pytest.raises(SystemExit) as exit_info:
        cli.main([f"{pasted}:backward_propagation"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "NameError" in err
    assert "line 3" in err
    assert "Keep only" in err


def test_cli_runs_as_a_module():
    """The real ``python -m`` entry point, in a new process: help, then a check."""
    run = [sys.executable, "-m", "npbackprop.diagnose"]
    help_text = subprocess.run([*run, "--help"], capture_output=True, text=True, check=True)
    assert "from a notebook" in help_text.stdout
    done = subprocess.run(
        [*run, f"{CORPUS_DIR}/two_layer_sum.py:backward_propagation"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Convention: sum (" in done.stdout


# --- L2: the data term's factor told from the penalty's (calls at λ and 2λ). ---

L2_NET = ((3, 4, 2), "tanh", "sigmoid")


def _l2_backward(data_factor=1.0, penalty=lambda lambd, m, W: lambd / m * W, on_b=False):
    def backward(params, X, Y, lambd):
        m = X.shape[1]
        grads = network.gradients(params, X, Y, hidden="tanh")  # no L2: the data term
        out = {}
        for l in (1, 2):
            out[f"dW{l}"] = data_factor * grads[f"dW{l}"] + penalty(lambd, m, params[f"W{l}"])
            out[f"db{l}"] = data_factor * grads[f"db{l}"]
            if on_b:
                out[f"db{l}"] = out[f"db{l}"] + lambd / m * params[f"b{l}"]
        return out

    return backward


@pytest.mark.parametrize(
    ("backward", "verdict", "part", "power", "text"),
    [
        (_l2_backward(), "ok", None, 0, "right"),
        (_l2_backward(penalty=lambda lambd, m, W: lambd * W), "scaled", "penalty", 1,
         "m times too large"),
        (_l2_backward(penalty=lambda lambd, m, W: lambd / (2 * m) * W), "scaled", "penalty",
         None, "0.5"),
        (_l2_backward(penalty=lambda lambd, m, W: 0 * W), "wrong", "penalty", None,
         "does not change with λ"),
        (_l2_backward(data_factor=1 / 7), "scaled", "data", None, "data term"),
        (_l2_backward(data_factor=2.0, penalty=lambda lambd, m, W: lambd * W), "scaled",
         "both", None, "L2 term"),
        (_l2_backward(penalty=lambda lambd, m, W: lambd**2 / m * W), "wrong", "both", None,
         "not a multiple"),
    ],
)  # fmt: skip
def test_l2_parts(backward, verdict, part, power, text):
    report = diagnose.check(backward, L2_NET[0], hidden="tanh", lambd=0.7)
    finding = report.findings["dW1"]
    assert (finding.verdict, finding.part) == (verdict, part), report
    if power:
        assert finding.power == power
    assert text in finding.message
    assert report.ok is (verdict == "ok")


def test_l2_on_the_bias_is_wrong():
    report = diagnose.check(_l2_backward(on_b=True), L2_NET[0], hidden="tanh", lambd=0.7)
    assert report.findings["db1"].verdict == "wrong"
    assert "weights only" in report.findings["db1"].message
    assert any("nothing else" in a for a in report.advice)


def test_l2_with_nan_and_with_lambda_zero():
    def nan(params, X, Y, lambd):
        grads = _l2_backward()(params, X, Y, lambd)
        return {**grads, "dW2": grads["dW2"] * np.nan}

    assert diagnose.check(nan, L2_NET[0], hidden="tanh", lambd=0.7).findings["dW2"].verdict == (
        "nonfinite"
    )
    calls = []

    def counted(params, X, Y, lambd):
        calls.append(lambd)
        return _l2_backward()(params, X, Y, lambd)

    assert diagnose.check(counted, L2_NET[0], hidden="tanh", lambd=0).ok
    assert calls == [0.0] * len(SIZES)


# --- Forms and values the corpus does not reach. ---


def _two_layer_with(**changes):
    def backward(parameters, cache, X, Y):
        grads = _good(parameters, cache, X, Y)
        return {**grads, **{k: f(grads, cache) for k, f in changes.items()}}

    return backward


@pytest.mark.parametrize(
    ("change", "verdict", "text"),
    [
        (lambda g, c: None, "missing", "never computed"),
        (lambda g, c: "dW1", "shape", "is a str"),
        (lambda g, c: [[1.0, 2.0], [3.0]], "shape", "not an array of numbers"),
        (lambda g, c: g["dW1"].reshape(2, 2, 2), "shape", "has shape (2, 2, 2)"),
        (lambda g, c: np.zeros((3, 3)), "shape", "expected (4, 2)"),
        (lambda g, c: np.zeros_like(g["dW1"]), "wrong", "is zero"),
        (lambda g, c: 2 * g["dW1"].T, "shape", "and then dW1 is 2 times"),
    ],
)
def test_forms_and_values(change, verdict, text):
    finding = diagnose.check_two_layer(_two_layer_with(dW1=change)).findings["dW1"]
    assert finding.verdict == verdict
    assert text in finding.message


def test_output_layer_wrong_and_dz_off():
    def backward(parameters, cache, X, Y):
        m, A1, A2 = X.shape[1], cache["A1"], cache["A2"]
        dZ2 = (A2 - Y) * A2 * (1 - A2)  # σ' applied on top of A - Y
        dZ1 = parameters["W2"].T @ dZ2 * (1 - A1**2)
        return {"dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(1, keepdims=True) / m,
                "dW1": dZ1 @ X.T / m, "db1": dZ1.sum(1, keepdims=True) / m,
                "dZ2": dZ2, "dZ1": 3 * m * dZ1}  # fmt: skip

    report = diagnose.check_two_layer(backward)
    assert report.first_wrong_layer == 2
    assert any("output layer is already wrong" in a for a in report.advice)
    assert report.findings["dZ2"].verdict == "wrong"


def test_layers_in_different_conventions_are_mixed():
    def backward(parameters, cache, X, Y):
        grads = _good(parameters, cache, X, Y)
        m = X.shape[1]
        dZ2 = cache["A2"] - Y  # deferred
        dZ1 = parameters["W2"].T @ dZ2 * (1 - cache["A1"] ** 2) / m  # absorbed
        return {**grads, "dZ2": dZ2, "dZ1": dZ1, "dZ7": dZ2, 1: "not a gradient"}

    report = diagnose.check_two_layer(backward)
    assert report.ok
    assert report.convention == "mixed"
    assert any("different conventions" in a for a in report.advice)


def test_dz_scaled_but_named():
    def backward(parameters, cache, X, Y):
        grads = _good(parameters, cache, X, Y)
        return {**grads, "dZ2": 2 * (cache["A2"] - Y)}

    finding = diagnose.check_two_layer(backward).findings["dZ2"]
    assert (finding.verdict, finding.power, finding.coefficient) == ("scaled", 1, 2.0)
    assert "∂J/∂Z2" in finding.message


def test_errors_from_inside_numpy_and_long_messages():
    report = diagnose.check_two_layer(max)  # raises in C: no Python frame of the learner's
    assert report.findings["call"].message.startswith("it raised TypeError")
    assert " at line " not in report.findings["call"].message

    def long(parameters, cache, X, Y):
        raise ValueError("x" * 300)

    message = diagnose.check_two_layer(long).findings["call"].message
    assert "..." in message
    assert len(message) < 300


def test_structure_changes_are_reported():
    def adds(parameters, cache, X, Y):
        cache["dZ2"] = cache["A2"] - Y
        return _good(parameters, cache, X, Y)

    assert "(its keys)" in diagnose.check_two_layer(adds).findings["call"].message

    def pops(AL, Y, caches):
        caches.pop()
        return {}

    report = diagnose.check_deep(pops)
    assert "(its length)" in report.findings["call"].message
    assert report.findings["dW1"].verdict == "missing"


def test_fit_edge_cases():
    from npbackprop.diagnose._fit import compare

    zero = [np.zeros((2, 1))] * 3
    assert compare(zero, zero, SIZES).kind == "other"  # nothing to compare with
    assert compare([np.ones((2, 1))] * 3, zero, SIZES).kind == "other"
    assert fit_power(SIZES, [1.0, -1.0, 1.0]) == (None, None)
    assert fit_power(SIZES, [1.0, 0.0, 1.0]) == (None, None)
    assert fit_power(SIZES, [1.0, np.nan, 1.0]) == (None, None)


def test_cli_chooses_generic_from_the_argument_names(capsys):
    with pytest.raises(SystemExit):
        cli.main([f"{CORPUS_DIR}/generic_softmax_tanh.py:backward"])
    assert "needs --layers" in capsys.readouterr().err


def test_a_function_of_the_wrong_shape_is_a_bad_argument(tmp_path, capsys):
    def with_lambd(X, Y, cache, lambd):
        return {}

    with pytest.raises(TypeError, match="give lambd"):
        diagnose.check_three_layer(with_lambd)
    with pytest.raises(TypeError, match="cannot be called that way"):
        diagnose.check_two_layer(lambda dA, cache: None)
    with pytest.raises(TypeError, match="fn\\(params, X, Y, lambd\\)"):
        diagnose.check(lambda params, X, Y: None, (2, 3, 1), lambd=0.1)
    source = tmp_path / "reg.py"
    source.write_text("def backward_propagation_with_regularization(X, Y, cache, lambd):\n"
                      "    return {}\n")  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        cli.main([f"{source}:backward_propagation_with_regularization"])
    assert exit_info.value.code == 2
    assert "add --lambd" in capsys.readouterr().err


def test_one_number_off_by_an_irregular_factor_is_wrong():
    def backward(parameters, cache, X, Y):  # db2 has one entry: any value is its multiple
        grads = _good(parameters, cache, X, Y)
        return {**grads, "db2": grads["db2"] + 0.1}

    finding = diagnose.check_two_layer(backward).findings["db2"]
    assert finding.verdict == "wrong"
    assert "single number" in finding.message


def test_layer_numbers_off_by_one_are_pointed_out():
    def backward(params, X, Y):
        grads = AUTOGRAD[X.shape[1]]
        return {"dW0": grads["dW1"], "db0": grads["db1"], "dW1": grads["dW2"],
                "db1": grads["db2"]}  # fmt: skip

    report = diagnose.check(backward, TANH_NET[0], hidden="tanh")
    assert report.findings["dW2"].verdict == "missing"
    assert "off by one" in report.findings["call"].message


def test_grouped_shape_advice_and_the_misbehaving_headline():
    def backward(parameters, cache, X, Y):
        grads = _good(parameters, cache, X, Y)
        cache["A2"] *= 1.0  # changes nothing, but in place: the values stay, the array is its
        cache["Z2"][0, 0] += 1  # a real change
        return {k: v.astype(np.float32) for k, v in grads.items()}

    report = diagnose.check_two_layer(backward)
    text = str(report)
    assert sum("have dtype float32" in a for a in report.advice) == 1
    assert "cache['Z2']" in report.findings["call"].message
    assert "cache['A2']" not in report.findings["call"].message

    def mutates(parameters, cache, X, Y):
        grads = _good(parameters, cache, X, Y)
        cache["A1"][...] = 0
        return grads

    text = str(diagnose.check_two_layer(mutates))
    assert text.startswith("The gradients of the mean cost J are right")
    assert "but the function misbehaved" in text.splitlines()[0]


def test_l2_trouble_only_at_twice_lambda_is_reported():
    """The second call (at 2λ) is judged too: a missing value or a NaN there is a finding."""

    def none_at_2(params, X, Y, lambd):
        grads = _l2_backward()(params, X, Y, lambd)
        return {**grads, "dW1": None} if lambd > 1 else grads

    def nan_at_2(params, X, Y, lambd):
        grads = _l2_backward()(params, X, Y, lambd)
        return {**grads, "dW1": grads["dW1"] * np.nan} if lambd > 1 else grads

    f = diagnose.check(none_at_2, L2_NET[0], hidden="tanh", lambd=0.7).findings["dW1"]
    assert f.verdict == "missing"
    f = diagnose.check(nan_at_2, L2_NET[0], hidden="tanh", lambd=0.7).findings["dW1"]
    assert f.verdict == "nonfinite"
