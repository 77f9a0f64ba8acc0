"""npbackprop._book under a contributor's or a reader's mistakes: each gets an error that names
the argument, key or file, what was expected and what arrived, quickly; none passes silently."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
import time
from types import SimpleNamespace

import numpy as np
import pytest

from npbackprop._book import ClaimError, claim, load_record, needs

# -- claim: the format string -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["%.2f", "value", "{{}}", "{} and {}", "{:.1e} ({:.0%})"])
def test_a_format_without_exactly_one_field_is_refused_naming_the_key(fmt):
    """'%.2f' has no field: str.format returned the literal '%.2f', which was glued."""
    with pytest.raises(ValueError, match=r"claim 'k-x'.*exactly one replacement field"):
        claim("k-x", 3.0, fmt)


@pytest.mark.parametrize(
    ("fmt", "value"),
    [("{:.2q}", 3.0), ("{:d}", 2.5), ("{:.2f}", None), ("{x}", 1.0), ("{1}", 1.0)],
)
def test_a_format_that_fails_names_the_key_the_format_and_the_value(fmt, value):
    with pytest.raises(ValueError, match="claim 'k-bad'") as info:
        claim("k-bad", value, fmt)
    message = str(info.value)
    assert "'k-bad'" in message
    assert repr(fmt) in message
    assert repr(value) in message


def test_a_lone_brace_is_no_format_string():
    with pytest.raises(ValueError, match=r"claim 'k-b': fmt '\{:\.2f' is not a format string"):
        claim("k-b", 1.0, "{:.2f")


def test_a_callable_format_that_returns_no_str_names_the_key():
    with pytest.raises(TypeError, match=r"claim 'k-c'.*must produce a str"):
        claim("k-c", 1.0, lambda v: v)


# -- check_figure: its arguments ----------------------------------------------------------------


@pytest.fixture
def tiny_text(plt):
    """A figure that does not read on a phone (a 5-point title)."""
    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.set_title("tiny title", fontsize=5)
    return fig


@pytest.mark.parametrize("name", ["shown", "smallest"])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 0, -342.0])
def test_shown_and_smallest_must_be_finite_and_positive(tiny_text, name, bad):
    """shown=nan made every comparison false: the figure with a 5-point title passed."""
    from npbackprop._book import check_figure

    with pytest.raises(ValueError, match=rf"{name}=.*finite.*positive.*got {bad!r}"):
        check_figure(tiny_text, **{name: bad})


@pytest.mark.parametrize("name", ["shown", "smallest"])
@pytest.mark.parametrize("bad", [True, "342", None, np.array([342.0])])
def test_shown_and_smallest_must_be_numbers(tiny_text, name, bad):
    from npbackprop._book import check_figure

    with pytest.raises(TypeError, match=rf"{name}=.*number.*got {type(bad).__name__}"):
        check_figure(tiny_text, **{name: bad})


def test_numpy_numbers_are_fine_for_shown_and_smallest(plt):
    from npbackprop._book import check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot([0, 1], [0, 1])
    check_figure(fig, shown=np.float64(342), smallest=np.int64(10))


def test_an_axes_is_refused_naming_ax_figure(plt):
    """check_figure(ax) failed with AttributeError: 'Axes' object has no attribute 'canvas'."""
    from npbackprop._book import check_figure

    _, ax = plt.subplots(figsize=(4.5, 3))
    with pytest.raises(TypeError, match=r"a Matplotlib Figure.*got an Axes.*ax\.figure"):
        check_figure(ax)


def test_an_array_of_axes_is_refused(plt):
    from npbackprop._book import check_figure

    _, axs = plt.subplots(1, 2, figsize=(4.5, 3))
    with pytest.raises(TypeError, match=r"a Matplotlib Figure.*got an array of Axes"):
        check_figure(axs)


def test_a_subfigure_or_an_artist_is_refused_naming_its_figure(plt):
    from npbackprop._book import check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    (line,) = ax.plot([0, 1], [0, 1])
    for part, name in [(fig.subfigures(1, 2)[0], "SubFigure"), (line, "Line2D")]:
        with pytest.raises(TypeError, match=rf"got a {name}: pass its \.figure"):
            check_figure(part)


@pytest.mark.parametrize("bad", [None, "figure.png", 3])
def test_anything_else_that_is_not_a_figure_is_named(bad):
    pytest.importorskip("matplotlib")
    from npbackprop._book import check_figure

    with pytest.raises(TypeError, match=rf"a Matplotlib Figure.*got {type(bad).__name__}"):
        check_figure(bad)


# -- check_figure: the legend over long lines, quickly and exactly --------------------------------


def test_a_long_line_with_a_legend_is_checked_quickly(plt):
    """200 000 points and a legend took 2 s (every point was densified in a Python loop)."""
    from npbackprop._book import check_figure

    x = np.linspace(0, 1, 200_000)
    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot(x, 0.3 * np.sin(40 * x), label="long")
    ax.set_ylim(-1, 1.6)
    ax.legend(loc="upper right")
    check_figure(fig)  # draws once, so that the timing below measures the check
    times = []
    for _ in range(2):
        start = time.perf_counter()
        check_figure(fig)
        times.append(time.perf_counter() - start)
    assert min(times) < 0.3, times


def test_a_long_line_under_the_legend_is_still_found(plt):
    from npbackprop._book import check_figure

    x = np.linspace(0, 1, 200_000)
    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot(x, np.where(np.abs(x - 0.5) < 1e-4, 0.95, 0.0), label="spike")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper center")
    with pytest.raises(ClaimError, match="the legend covers 'spike'"):
        check_figure(fig)


def test_a_segment_that_crosses_the_legend_between_two_far_points_counts(plt):
    from npbackprop._book import check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot([0, 1], [0.0, 1.0], label="diagonal")  # no point of it near the legend
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="center")
    with pytest.raises(ClaimError, match="the legend covers 'diagonal'"):
        check_figure(fig)


def test_a_gap_of_nans_under_the_legend_is_not_a_line(plt):
    """Matplotlib draws no segment across a NaN: the old check joined the points around it."""
    from npbackprop._book import check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot([0, 0.1, np.nan, 0.9, 1], [0.5, 0.5, np.nan, 0.5, 0.5], label="broken")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="center")
    check_figure(fig)


def test_markers_without_a_line_are_points(plt):
    from npbackprop._book import check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot([0, 1], [0.5, 0.5], "o", label="two dots")  # the legend between them covers none
    ax.set_xlim(-0.1, 1.1)
    ax.set_ylim(0, 1)
    ax.legend(loc="center")
    check_figure(fig)


@pytest.mark.parametrize(
    ("style", "covered"),
    [({"marker": "o"}, True), ({}, False), ({"linestyle": "none"}, False)],
)
def test_a_point_is_covered_only_where_it_is_drawn(plt, style, covered):
    """A marker under the legend is covered; a line of one point, or a line with neither a
    line style nor a marker, draws nothing there."""
    from npbackprop._book import check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot([0.5], [0.5], label="point", **style)
    ax.plot([0.2, 0.5, 0.8], [0.5, 0.5, 0.5], linestyle="none", label="hidden")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="center")
    if covered:
        with pytest.raises(ClaimError, match="the legend covers 'point'"):
            check_figure(fig)
    else:
        check_figure(fig)


def test_a_step_line_is_checked_as_drawn(plt):
    from npbackprop._book import check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    # drawn as (0, 0) -> (1, 0) -> (1, 1): its straight chord would cross the centre
    ax.plot([0, 1], [0, 1], drawstyle="steps-post", label="steps")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.legend(loc="center")
    check_figure(fig)
    ax.lines[0].set_drawstyle("default")
    with pytest.raises(ClaimError, match="the legend covers 'steps'"):
        check_figure(fig)


# -- load_record: the file and the key in every error -------------------------------------------


def nested(leaf) -> dict:
    return {"cases": {"mse": {"outputs": {"loss": leaf}}}}


def write(tmp_path, content) -> str:
    path = tmp_path / "broken-record.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_malformed_json_names_the_file_and_the_line(tmp_path):
    path = write(tmp_path, '{"a": 1,\n "b": }')
    with pytest.raises(ValueError, match=r"broken-record\.json.*not JSON.*line 2"):
        load_record(path)


def test_bytes_that_are_not_utf8_name_the_file(tmp_path):
    path = write(tmp_path, b'{"a": "caf\xe9"}')
    with pytest.raises(ValueError, match=r"broken-record\.json.*UTF-8"):
        load_record(path)


@pytest.mark.parametrize(
    ("leaf", "match"),
    [
        ({"dtype": "float64", "shape": [2, 2], "data": [1.0, 2.0, 3.0]}, r"3 numbers.*\[2, 2\]"),
        ({"dtype": "float64", "shape": [-1], "data": [1.0, 2.0]}, r"shape"),
        ({"dtype": "float64", "shape": [2], "data": [[1.0], [2.0]]}, r"flat list"),
        ({"dtype": "float64", "shape": [1], "data": 1.0}, r"flat list"),
        ({"dtype": "float64", "shape": "2", "data": [1.0, 2.0]}, r"shape"),
        ({"dtype": "floot64", "shape": [1], "data": [1.0]}, r"dtype 'floot64'"),
        ({"dtype": "object", "shape": [1], "data": [1.0]}, r"dtype 'object'"),
        ({"dtype": "float64", "shape": [1], "data": ["x"]}, r"float64"),
        ({"dtype": "uint8", "shape": [1], "data": [300]}, r"uint8"),
    ],
)
def test_a_bad_array_names_the_file_and_its_key_path(tmp_path, leaf, match):
    path = write(tmp_path, nested(leaf))
    with pytest.raises(ValueError, match=r"broken-record\.json") as info:
        load_record(path)
    assert "cases.mse.outputs.loss" in str(info.value)
    assert info.match(match)


def test_a_key_path_through_a_list_shows_the_index(tmp_path):
    bad = {"dtype": "float64", "shape": [3], "data": [1.0]}
    path = write(tmp_path, {"runs": [{"g": bad}, {"g": bad}]})
    with pytest.raises(ValueError, match=r"runs\[0\]\.g"):
        load_record(path)


def test_an_embedded_record_is_named_as_such():
    from npbackprop import _book

    _book.embed("hostile-embedded.json", '{"x": ')
    try:
        with pytest.raises(ValueError, match=r"embedded record 'hostile-embedded\.json'"):
            load_record("nowhere/hostile-embedded.json")
    finally:
        del _book._EMBEDDED["hostile-embedded.json"]


# -- the %%needs magic --------------------------------------------------------------------------


class FakeShell:
    def __init__(self):
        self.ran = []

    def run_cell(self, cell):
        self.ran.append(cell)

        class Result:
            def raise_error(self):
                pass

        return Result()


@pytest.fixture
def shell(monkeypatch):
    import IPython

    fake = FakeShell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: fake)
    return fake


def test_a_comment_on_the_needs_line_is_not_a_package(shell, capsys):
    """'%%needs numpy  # for the arrays' skipped the cell: '#', 'for', ... were packages."""
    needs("numpy  # for the arrays", "x = 1")
    assert shell.ran == ["x = 1"]
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="%%needs autograd"):
        needs("# nothing but a comment", "x = 1")


def test_a_dotted_name_whose_parent_is_missing_is_missing(shell, capsys):
    """find_spec('a.b') imports a: it raised ModuleNotFoundError instead of skipping."""
    needs("no_such_package_xyz.neural_network", "x = 1")
    assert shell.ran == []
    out = capsys.readouterr().out
    assert "no_such_package_xyz.neural_network" in out
    assert "pip install no-such-package-xyz)" in out
    needs("sklearn.no_such_module_xyz numpy.linalg", "y = 2")
    assert shell.ran == []
    assert "pip install scikit-learn)" in capsys.readouterr().out


@pytest.mark.parametrize("line", ["autograd,", "numpy, autograd", "./pkg", "numpy..linalg"])
def test_a_name_that_is_no_module_name_is_refused(shell, line):
    with pytest.raises(ValueError, match=r"%%needs.*not a module name"):
        needs(line, "x = 1")
    assert shell.ran == []


class ShowingShell:
    """What %%needs uses of IPython's shell, which shows each error through _showtraceback."""

    def __init__(self):
        self.shown = []

    def _showtraceback(self, etype, value, stb):
        self.shown.append(stb)

    def run_cell(self, cell):
        error = ZeroDivisionError("in the cell") if "1 / 0" in cell else None
        if error is not None:
            self._showtraceback(ZeroDivisionError, error, ["the cell's traceback"])

        def raise_error():
            if error is not None:
                raise error

        return SimpleNamespace(error_before_exec=None, error_in_exec=error, raise_error=raise_error)


def test_the_cells_traceback_is_held_and_shown_in_place_of_the_magics(monkeypatch):
    import IPython

    shell = ShowingShell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    needs("numpy", "x = 1")
    assert shell.shown == []
    assert "_showtraceback" not in vars(shell)
    with pytest.raises(ZeroDivisionError) as info:
        needs("numpy", "1 / 0")
    assert shell.shown == []  # held back ...
    shell._showtraceback(ZeroDivisionError, info.value, ["the magic's frames"])  # as IPython
    assert shell.shown == [["the cell's traceback"]]  # ... and shown once, in the magic's place
    assert "_showtraceback" not in vars(shell)  # the shell is as it was
    other = ValueError("later")
    shell._showtraceback(ValueError, other, ["a later error"])
    assert shell.shown[-1] == ["a later error"]


def test_a_failing_cell_prints_its_traceback_once(tmp_path):
    """The magic ran the cell with run_cell (which shows the traceback) and re-raised its error,
    which IPython showed a second time, with the magic's own frames."""
    script = textwrap.dedent(
        """
        from IPython.core.interactiveshell import InteractiveShell

        shell = InteractiveShell.instance(colors="nocolor")
        shell.history_manager.enabled = False
        shell.run_cell("%load_ext npbackprop._book")
        result = shell.run_cell("%%needs numpy\\nx = 1\\n1 / 0\\n")
        print("FAILED WITH", type(result.error_in_exec).__name__)
        result = shell.run_cell("%%needs numpy\\nx +\\n")
        print("FAILED WITH", type(result.error_in_exec or result.error_before_exec).__name__)
        shell.run_cell("%%needs numpy\\nprint('ran', x)\\n")
        """
    )
    env = {"HOME": str(tmp_path), "IPYTHONDIR": str(tmp_path / "ipython"), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert out.count("ZeroDivisionError: division by zero") == 1, out
    assert out.count("Traceback (most recent call last)") == 1, out
    assert "----> 2 1 / 0" in out, out  # the cell's own line, not the magic's
    assert "run_cell_magic" not in out, out
    assert "FAILED WITH ZeroDivisionError" in out  # the cell still fails, with its own error
    assert out.count("SyntaxError") == 2, out  # the syntax error's report, and the line above
    assert "ran 1" in out
