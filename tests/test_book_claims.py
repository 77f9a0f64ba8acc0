"""npbackprop._book: the chapters' claim helper asserts, formats as text, and refuses misuse."""

import numpy as np
import pytest

from npbackprop._book import ClaimError, check, claim


def test_a_false_claim_raises_naming_the_key_the_value_and_the_words():
    with pytest.raises(ClaimError, match=r'says "the check passes", but gc-err = 4\.2e-02'):
        claim("gc-err", 4.2e-2, "{:.1e}", holds=4.2e-2 < 1e-7, says="the check passes")


def test_a_claim_error_is_an_assertion_error():
    assert issubclass(ClaimError, AssertionError)


def test_numpy_values_are_glued_as_text_not_as_their_repr():
    assert claim("x-v", np.float64(0.5), "{:.2f}") == "0.50"
    assert claim("x-n", np.int64(400)) == "400"
    assert claim("x-b", np.bool_(True), holds=np.bool_(True), says="it is true") == "True"


def test_a_callable_format():
    assert claim("x-pct", 0.123, lambda v: f"{100 * v:.0f} %") == "12 %"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"holds": True}, "says= must be"),
        ({"says": "it holds"}, "holds= must be a bool"),
        ({"holds": np.array([True, True]), "says": "all hold"}, r"np\.all"),
        ({"holds": 1, "says": "it holds"}, "got int"),
        ({"holds": True, "says": "  "}, "non-empty"),
    ],
)
def test_a_claim_needs_a_bool_outcome_and_its_words(kwargs, match):
    with pytest.raises(TypeError, match=match):
        claim("x-v", 1.0, **kwargs)


def test_bad_keys_and_formats_are_refused():
    with pytest.raises(TypeError, match="non-empty str"):
        claim("", 1.0)
    with pytest.raises(TypeError, match="format string"):
        claim("x-v", 1.0, fmt=3)
    with pytest.raises(TypeError, match="must produce a str"):
        claim("x-v", 1.0, fmt=lambda v: v)


def test_check_asserts_without_gluing():
    check(True, "it is true")
    with pytest.raises(ClaimError, match='says "bit-identical", but it is false'):
        check(False, "bit-identical")
    with pytest.raises(TypeError, match="holds= must be a bool"):
        check("yes", "it is true")


def test_the_value_is_not_modified():
    value = np.array([1.0, 2.0])
    before = value.copy()
    claim("x-a", value, lambda v: f"{v.sum():g}", holds=bool(value.sum() == 3), says="sums to 3")
    np.testing.assert_array_equal(value, before)


# -- what a chapter's downloaded notebook uses: embedded records and the %%needs magic ----------


def test_an_embedded_record_is_read_where_the_file_is_absent(tmp_path, monkeypatch):
    from npbackprop import _book

    monkeypatch.setattr(_book, "_EMBEDDED", {})  # none left over from other tests or doctests
    text = '{"x": {"dtype": "float32", "shape": [2], "data": [1.0, 2.0]}}'
    _book.embed("claims-test.json", text)
    try:
        x = _book.load_record(tmp_path / "nowhere" / "claims-test.json")["x"]
        assert x.dtype == np.float32
        assert x.tolist() == [1.0, 2.0]
        (tmp_path / "claims-test.json").write_text('{"x": 3}')  # a real file comes first
        assert _book.load_record(tmp_path / "claims-test.json") == {"x": 3}
    finally:
        del _book._EMBEDDED["claims-test.json"]
    with pytest.raises(FileNotFoundError, match="run the notebook from the top"):
        _book.load_record(tmp_path / "nowhere" / "claims-test.json")


@pytest.mark.parametrize(
    ("args", "match"),
    [(("a/b.json", "{}"), "file name"), (("", "{}"), "file name"), (("r.json", b"{}"), "str")],
)
def test_embed_refuses_paths_and_bytes(args, match):
    from npbackprop._book import embed

    with pytest.raises(TypeError, match=match):
        embed(*args)


class FakeShell:
    """What %%needs uses of IPython's shell: run_cell, and a result that re-raises."""

    def __init__(self):
        self.ran = []

    def run_cell(self, cell):
        self.ran.append(cell)
        error = ZeroDivisionError("in the cell") if "1 / 0" in cell else None

        class Result:
            def raise_error(self):
                if error is not None:
                    raise error

        return Result()


def test_the_needs_magic_runs_the_cell_only_where_the_packages_import(monkeypatch, capsys):
    import IPython

    from npbackprop._book import load_ipython_extension, needs

    shell = FakeShell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    needs("numpy", "x = 1")
    assert shell.ran == ["x = 1"]
    needs("numpy no_such_package_xyz", "y = 2")
    assert shell.ran == ["x = 1"]
    assert "pip install no-such-package-xyz" in capsys.readouterr().out
    with pytest.raises(ZeroDivisionError):  # the cell's error is the magic's: the cell fails
        needs("numpy", "1 / 0")
    with pytest.raises(ValueError, match="%%needs autograd"):
        needs("  ", "x = 1")

    registered = {}

    class Registry:
        def register_magic_function(self, fn, magic_kind, magic_name):
            registered[magic_name] = (fn, magic_kind)

    load_ipython_extension(Registry())
    assert registered == {"needs": (needs, "cell")}


# -- check_figure: the book's figures read on a phone -----------------------------------------


def test_a_figure_that_reads_on_a_phone_passes_even_after_it_was_closed(plt):
    from npbackprop._book import check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot([0, 1], [0, 1], label="y = x")
    ax.scatter([0.1, 0.9], [0.1, 0.9], label="points")
    ax.set_xlim(0, 1)  # the tick labels Matplotlib keeps beyond the limits are not counted
    ax.legend(loc="upper left")
    plt.close(fig)  # as plt.show() does in Jupyter
    check_figure(fig)


def test_small_text_is_named_with_its_size_on_the_phone(plt):
    from npbackprop._book import ClaimError, check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.set_title("tiny title", fontsize=5)
    with pytest.raises(ClaimError, match=r"'tiny title' are \d\.\d px"):
        check_figure(fig)
    check_figure(fig, smallest=4)  # the threshold is the caller's


def test_the_exponents_of_a_log_axis_are_measured_at_their_own_size(plt):
    """A log axis labels its ticks 10^{-16} in mathtext, whose exponent is drawn at 0.7 times
    the label's font size: at 12 points in a 4.5-inch figure the labels' font size reads (about
    13 px on the phone) but their exponents do not (about 9 px). A subscript in a title is
    measured the same way."""
    from npbackprop._book import ClaimError, check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.loglog([1e2, 1e5], [1e-16, 1e-2])
    ax.tick_params(labelsize=12)
    with pytest.raises(ClaimError, match=r"mathdefault\{10\^\{2\}\}.* are \d\.\d px"):
        check_figure(fig)
    ax.tick_params(labelsize=17)  # exponents of 11.9 points: they read
    check_figure(fig)
    ax.set_title("$dW_{1}$", fontsize=12)
    with pytest.raises(ClaimError, match=r"'\$dW_\{1\}\$' are \d\.\d px"):
        check_figure(fig)


@pytest.mark.parametrize("where", ["axes", "figure"])
def test_a_legend_over_the_data_fails(plt, where):
    from npbackprop._book import ClaimError, check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot([0, 1], [0.95, 0.95], label="high line")  # runs under an upper legend
    ax.set_ylim(0, 1)
    if where == "axes":
        ax.legend(loc="upper center")
    else:
        fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.9))
    with pytest.raises(ClaimError, match="the legend covers 'high line'"):
        check_figure(fig)


def test_a_legend_over_scattered_points_fails(plt):
    from npbackprop._book import ClaimError, check_figure

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.scatter([0.5, 0.5, 0.5], [0.0, 0.5, 1.0], label="dots")
    ax.legend(loc="center")
    with pytest.raises(ClaimError, match="the legend covers 'dots'"):
        check_figure(fig)


def test_a_transparent_background_fails(plt):
    from npbackprop._book import ClaimError, check_figure

    fig, _ = plt.subplots(figsize=(4.5, 3))
    fig.patch.set_alpha(0)
    with pytest.raises(ClaimError, match="the background is transparent"):
        check_figure(fig)


def test_figure_style_sets_the_books_defaults(plt):
    import matplotlib

    from npbackprop._book import FIGURE_STYLE, figure_style

    with matplotlib.rc_context():
        figure_style()
        assert all(matplotlib.rcParams[k] == v for k, v in FIGURE_STYLE.items())


def test_a_missing_record_names_the_working_directory_and_the_embedded_ones(tmp_path, monkeypatch):
    """With records embedded (a downloaded notebook), a missing one is most likely looked up
    after a cell changed the working directory: the message says so, not "run from the top"."""
    from npbackprop import _book

    monkeypatch.setattr(_book, "_EMBEDDED", {})  # none left over from other tests or doctests
    _book.embed("claims-cwd.json", '{"x": 1}')
    monkeypatch.chdir(tmp_path)
    try:
        with pytest.raises(FileNotFoundError) as caught:
            _book.load_record("other.json")
    finally:
        del _book._EMBEDDED["claims-cwd.json"]
    message = str(caught.value)
    assert repr(str(tmp_path)) in message
    assert "claims-cwd.json" in message
    assert "change it back" in message
