"""``python -m npbackprop.diagnose FILE.py:FUNCTION``: check a backward pass from a terminal.

Prints the :class:`~npbackprop.diagnose.Report` and exits 0 when the gradients are right, 1
when they are not, and 2 for a usage error (no such file or function, bad options, a file that
fails while loading).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import inspect
import io
import os
import sys
import traceback

from npbackprop import diagnose
from npbackprop.activations import HIDDEN, OUTPUTS

EPILOG = """\
modes (the default is chosen from the function's argument names):
  two-layer    backward_propagation(parameters, cache, X, Y)      course 1, week 3
  --deep       L_model_backward(AL, Y, caches)                     course 1, week 4
  --three-layer backward_propagation(X, Y, cache) or, with --lambd,
               backward_propagation_with_regularization(X, Y, cache, lambd)   course 2
  --generic    fn(params, X, Y), or fn(params, X, Y, lambd) with --lambd; needs --layers

from a notebook: copy the cell with your function, and the cells with the functions it
calls, into a file such as my_backprop.py, with `import numpy as np` at the top. Leave out
the cells that load data, train or plot: the file is run when it is loaded. Then
  python -m npbackprop.diagnose my_backprop.py:backward_propagation

exit status: 0 when every dW and db is right, 1 when not, 2 for a usage error.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m npbackprop.diagnose",
        description="Check a backward pass: is each gradient right, and if not, what is the "
        "slip (the 1/m twice or missing, a wrong derivative, a transposed dW, ...)?",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("target", metavar="FILE.py:FUNCTION", help="the function to check")
    mode = parser.add_mutually_exclusive_group()
    for flag in ("--two-layer", "--deep", "--three-layer", "--generic"):
        mode.add_argument(flag, dest="mode", action="store_const", const=flag[2:])
    parser.add_argument("--layers", help="layer sizes n_x,n_1,...,n_L (--deep, --generic)")
    parser.add_argument("--hidden", choices=HIDDEN, default="relu", help="(--generic)")
    parser.add_argument("--output", choices=OUTPUTS, default="sigmoid", help="(--generic)")
    parser.add_argument("--lambd", type=float, help="L2 strength λ (--three-layer, --generic)")
    return parser


def _load(target: str, parser):
    """The function named by ``FILE.py:FUNCTION``; a usage error (exit 2) if there is none."""
    path, sep, name = target.rpartition(":")
    if not sep or not path or not name:
        parser.error(f"expected FILE.py:FUNCTION, e.g. my_backprop.py:backward_propagation; "
                     f"got {target!r}")  # fmt: skip
    if not os.path.isfile(path):
        parser.error(f"no such file: {path}")
    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)  # the learner's file may import its neighbours
    spec = importlib.util.spec_from_file_location("learner_code", path)
    module = importlib.util.module_from_spec(spec)
    quiet = io.StringIO()
    try:
        with contextlib.redirect_stdout(quiet):
            spec.loader.exec_module(module)
    except (Exception, SystemExit) as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == path]
        where = f" at line {frames[-1].lineno}" if frames else ""
        parser.error(
            f"{path} raised {type(error).__name__}: {error}{where} while loading. Keep only "
            "the imports and the functions in it (see --help)"
        )
    fn = getattr(module, name, None)
    if not callable(fn):
        found = sorted(n for n, v in vars(module).items() if inspect.isfunction(v))
        parser.error(f"{path} has no function {name!r}; its functions: {', '.join(found)}")
    return fn


def _mode(fn) -> str:
    """The adapter a function's argument names ask for."""
    names = list(inspect.signature(fn).parameters)
    if names[:1] == ["AL"]:
        return "deep"
    if names[:1] == ["X"]:
        return "three-layer"
    if names[1:2] == ["X"]:
        return "generic"
    return "two-layer"


def main(argv=None) -> int:
    """Run the command; return its exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    fn = _load(args.target, parser)
    mode = args.mode or _mode(fn)
    try:
        layers = tuple(int(n) for n in args.layers.split(",")) if args.layers else None
        if mode == "two-layer":
            report = diagnose.check_two_layer(fn)
        elif mode == "deep":
            report = diagnose.check_deep(fn, layers or diagnose.DEEP)
        elif mode == "three-layer":
            report = diagnose.check_three_layer(fn, lambd=args.lambd)
        else:
            if layers is None:
                parser.error("--generic needs --layers, e.g. --layers 2,4,1")
            report = diagnose.check(fn, layers, args.hidden, args.output, lambd=args.lambd)
    except (ValueError, TypeError) as error:
        hint = " (add --lambd)" if "give lambd" in str(error) else ""
        parser.error(f"{error}{hint}")
    print(f"{args.target} ({mode})")
    print(report)
    return 0 if report.ok else 1


if __name__ == "__main__":  # pragma: no cover - run as python -m
    sys.exit(main())
