"""npbackprop._page in CPython: the kernel of the run buttons and the diagnoser's box.

The browser suite (tests/test_site_runtime.py) runs the same functions in the page; here they
are checked where the runtime is not built, against the command run in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from npbackprop._page import NOT_IN_PAGE, Cells, diagnose_text

CORPUS = Path(__file__).resolve().parent / "diagnose_corpus"


def command(source: str, function: str, tmp_path: Path, *options: str):
    (tmp_path / "my_backprop.py").write_text(source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "npbackprop.diagnose", f"my_backprop.py:{function}", *options],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return (done.stdout + done.stderr).rstrip("\n"), done.returncode


@pytest.mark.parametrize(
    ("name", "function", "options", "status"),
    [
        ("two_layer_1m_twice.py", "backward_propagation", [], 1),
        ("two_layer_course.py", "backward_propagation", [], 0),
        ("deep_course.py", "L_model_backward", ["--layers", "6,5,1"], 0),
        ("three_layer_reg_no_1m.py", "backward_propagation_with_regularization", [], 2),
    ],
)
def test_the_box_prints_what_the_command_prints(tmp_path, name, function, options, status):
    """The same text and the same verdict as `python -m npbackprop.diagnose`, also for a usage
    error (course 2's function without --lambd: exit status 2)."""
    source = (CORPUS / name).read_text(encoding="utf-8")
    expected, returncode = command(source, function, tmp_path, *options)
    assert returncode == status
    result = diagnose_text(source, "", " ".join(options))
    assert result.ok == (status == 0)
    assert result.status == status
    if status == 2:  # the command's message, said for the page: no usage lines, "your code"
        message = expected.rsplit("error: ", 1)[1].replace(" (see --help)", "")
        assert result.output == f"Could not check: {message}"
        assert "usage:" in expected
    else:
        assert result.output == expected


def test_what_stops_the_check_says_so_for_the_page():
    """An empty box, a syntax error, a missing function, bad options, --help: status 2, said
    without the command's terminal help, naming "your code" rather than a file."""
    code = "import numpy as np\ndef backward_propagation(parameters, cache, X, Y):\n    return {}\n"
    cases = [
        ("", "", "", "The box is empty: paste your backward function"),
        ("def f(:\n", "", "", "Python cannot read your code (line 1): invalid syntax."),
        (code, "nope", "", "Could not check: your code has no function 'nope'; its "),
        (code, "", "layers 5", "Could not check: unrecognized arguments: layers 5"),
        ("x = 1/0\n" + code, "", "", "Could not check: your code raised ZeroDivisionError"),
        (code, "", "--help", "usage: python -m npbackprop.diagnose"),
    ]
    for source, function, options, start in cases:
        result = diagnose_text(source, function, options)
        assert (result.ok, result.status) == (False, 2), (source, options)
        assert result.output.startswith(start), result.output
        if options != "--help":  # (the help is the command's own, examples and all)
            assert "my_backprop.py" not in result.output.replace('"my_backprop.py", line', "")


def test_the_function_is_found_by_name_or_asked_for():
    two = "def a_backward(p, c, X, Y):\n    pass\n\ndef b_backward(p, c, X, Y):\n    pass\n"
    result = diagnose_text(two)
    assert not result.ok
    assert "Which function should be checked?" in result.output
    assert "a_backward, b_backward" in result.output
    assert diagnose_text("x = 1").output.endswith("defines these functions: none.")
    named = diagnose_text(two, "b_backward")
    assert named.output.startswith("my_backprop.py:b_backward (two-layer)")


def test_bad_options_and_inputs_are_said_not_raised():
    source = (CORPUS / "two_layer_course.py").read_text(encoding="utf-8")
    assert diagnose_text(source, "", "--layers '5,4").output.startswith(
        "The options could not be read"
    )
    result = diagnose_text(source, "", "--no-such-option")
    assert not result.ok
    assert "unrecognized arguments: --no-such-option" in result.output
    with pytest.raises(TypeError, match="source is a str, got bytes"):
        diagnose_text(b"x")
    with pytest.raises(TypeError, match="a cell's code is a str, got int"):
        Cells().run(3)


def test_the_box_leaves_the_import_path_and_working_directory_as_they_were(tmp_path):
    import os

    path, cwd = list(sys.path), os.getcwd()
    diagnose_text((CORPUS / "two_layer_course.py").read_text(encoding="utf-8"))
    assert sys.path == path
    assert os.getcwd() == cwd


def test_cells_share_a_namespace_and_show_the_last_value_like_a_notebook():
    cells = Cells()
    assert cells.run("import numpy as np\nx = np.arange(4)").output == ""
    assert cells.run("x.sum()").output == "np.int64(6)"
    assert cells.run("print('a')\nNone").output == "a"
    assert cells.run("# only a comment").output == ""


def test_a_failing_cell_shows_its_own_lines_not_the_kernels():
    cells = Cells()
    result = cells.run("def f():\n    return 1 / 0\n\nf()", "cell 7")
    assert not result.ok
    lines = result.output.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert 'File "<cell 7>", line 4, in <module>' in result.output
    assert "_page.py" not in result.output
    assert lines[-1] == "ZeroDivisionError: division by zero"
    syntax = cells.run("x = (")
    assert not syntax.ok
    assert syntax.output.splitlines()[-1].startswith("SyntaxError:")
    assert "Traceback" not in syntax.output


def test_what_the_page_lacks_is_named_with_where_it_runs(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def without_matplotlib(name, *args, **kwargs):
        if name.split(".")[0] == "matplotlib":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_matplotlib)
    result = Cells().run("import matplotlib.pyplot as plt")
    assert not result.ok
    assert f"This cell needs {NOT_IN_PAGE['matplotlib']}" in result.output
    assert "download button" in result.output


def test_the_notebook_magics():
    cells = Cells()
    assert cells.run("%load_ext npbackprop._book\ny = 2").ok
    assert cells.run("y").output == "2"
    ran = cells.run("%%needs numpy # a comment\nprint(y + 1)")
    assert ran.output == "3"
    skipped = cells.run("%%needs numpy no_such_module_xyz\nprint('ran')")
    assert skipped.ok
    assert skipped.output.startswith("Skipped: this cell needs no_such_module_xyz,")
    for magic in ("%timeit 1", "!ls", "%%time\n1"):
        said = cells.run(magic)
        assert not said.ok
        assert said.output.startswith("The page runs Python, not IPython")
