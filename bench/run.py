"""`make bench`: step time against PyTorch CPU, the matmul roofline, memory, conventions.

Each measurement runs in a fresh worker process (this file with ``--worker``), so that one
library's thread pool does not distort the other's, with the thread count pinned through the
environment before NumPy or PyTorch is imported. The two libraries alternate in blocks
A B B A; each block reports the median of its repetitions, and the ratio NumPy / PyTorch is the
median over rounds, with its spread (min to max).

A "step" is what one training step computes: forward pass, mean cost, and every dW and db
(``npbackprop.network`` with a ReLU hidden stack and a sigmoid output; PyTorch autograd on the
same maths). The benchmark calls ``_engine.training_step``, the already-validated step that
``training.train`` runs, so that input checks are not timed.

The public-API table times what a reader calls, ``network.gradients(params, X, Y)`` with its
defaults (every input checked, every dA, dZ, dW and db returned), against that internal step
(alternating in one worker) and PyTorch's forward + backward, on API_CONFIGS.

Usage: ``python bench/run.py [--quick] [--only step|api|book] [--record] [--out DIR]``.
Writes ``DIR/bench.json`` and ``DIR/bench.md`` and prints the Markdown table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = ([2, 4, 1], [784, 128, 10], [1024, 1024, 1024, 10])
BATCHES = (64, 1024, 8192)
DTYPES = ("float64", "float32")
THREADS = (1, 2)
# The matmul peak: one PEAK_N × PEAK_N product into a preallocated output, the best of
# PEAK_RUNS, measured in each round's first NumPy worker right after its step timings, so that
# the step and the peak it is compared with see the same state of the machine.
PEAK_N, PEAK_RUNS = 2048, 3
SAMPLE_S = 0.02  # a sample times enough steps in a row to last this long (seconds)
ROUNDS = 3  # A B B A blocks per configuration: the shared machine's noise is ±30 % at times
LONG_ROUNDS, LONG_STEP_S = 2, 0.1  # ...but only 2 when a NumPy step takes longer than this
#: The dated record that the book's Performance appendix shows (make bench BENCHOPTS=--record).
RECORD = ROOT / "docs" / "appendix" / "performance.json"


def step_flops(dims: list[int], m: int) -> int:
    """Multiply-adds × 2 in the step's matrix products: Z = W A at every layer (forward),
    dW = dZ A_prevᵀ at every layer and dA_prev = Wᵀ dZ at every layer but the first."""
    per_layer = [2 * n * n_prev * m for n_prev, n in itertools.pairwise(dims)]
    return 3 * sum(per_layer) - per_layer[0]


# --- The worker: one library, one configuration, in its own process. ---


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def reset_peak_rss() -> int:
    """Reset the kernel's peak-RSS mark (Linux ≥ 4.0) and return the current RSS in KiB.

    Without the reset, the peak would include temporaries freed before the step (making X).
    """
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    return _status_kib("VmRSS")


def worker(args) -> dict:
    import numpy as np

    rng = np.random.default_rng(0)
    dims, m, dtype = args.dims, args.m, np.dtype(args.dtype)
    X = rng.normal(size=(dims[0], m)).astype(dtype)
    Y = (rng.random((dims[-1], m)) < 0.5).astype(dtype)
    step = (numpy_step if args.library == "numpy" else torch_step)(X, Y, args)

    before = reset_peak_rss()
    step()  # the first step allocates: its peak RSS increase is the memory figure
    peak_kib = _status_kib("VmHWM") - before
    # Samples of the absorbed convention (--absorbed) and of the step's matrix products alone
    # (--products, the profile) alternate with the deferred step's: the machine's speed drifts
    # by tens of percent within seconds, so only interleaved samples compare.
    steps = {"deferred": step}
    if args.absorbed:
        steps["absorbed"] = lambda: step("absorbed")
    if args.products:
        steps["products"] = step_products(args.library, dims, m, dtype)
    if args.public:  # network.gradients with its defaults, as a reader calls it
        steps["gradients"] = public_gradients(X, Y, args)
    times = sample_times(steps, args.reps, args.seconds)
    result = {"median_s": statistics.median(times["deferred"]), "peak_kib": peak_kib}
    if args.absorbed:
        result["absorbed_median_s"] = statistics.median(times["absorbed"])
    if args.products:
        result["products_s"] = statistics.median(times["products"])
    if args.public:
        result["gradients_median_s"] = statistics.median(times["gradients"])
    if args.peak:
        result["peak_gflops"] = matmul_peak_gflops(dtype)
    return result


def numpy_step(X, Y, args):
    from npbackprop import _engine, network

    params = network.init_params(args.dims, seed=0, init="he", dtype=X.dtype)
    workspace = {}  # as training.train: each layer's Z array is reused from step to step
    settings = {c: _engine.Settings(hidden="relu", output="sigmoid", convention=c)
                for c in ("deferred", "absorbed")}  # fmt: skip

    def step(convention="deferred"):  # training.train's step, as train runs it
        _engine.training_step(
            X, Y, params, settings=settings[convention], lambd=0.0, rng=None,
            workspace=workspace,
        )  # fmt: skip

    return step


def public_gradients(X, Y, args):
    """``network.gradients(params, X, Y)`` with its defaults (ReLU hidden layers, a sigmoid
    output, deferred): every input checked, and dA, dZ, dW, db returned for every layer."""
    from npbackprop import network

    params = network.init_params(args.dims, seed=0, init="he", dtype=X.dtype)
    return lambda: network.gradients(params, X, Y)


def torch_step(X, Y, args):
    import torch

    torch.set_num_threads(args.threads)
    torch_dtype = getattr(torch, args.dtype)
    ws = [  # He initialization, as the NumPy side's init="he"
        (torch.randn(n, n_prev, dtype=torch_dtype) * (2 / n_prev) ** 0.5).requires_grad_()
        for n_prev, n in itertools.pairwise(args.dims)
    ]
    bs = [torch.zeros(n, 1, dtype=torch_dtype, requires_grad=True) for n in args.dims[1:]]
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def step():
        A = Xt
        for l, (W, b) in enumerate(zip(ws, bs, strict=True)):
            Z = W @ A + b
            A = torch.relu(Z) if l < len(ws) - 1 else Z
        loss = bce(A, Yt, reduction="sum") / X.shape[1]  # the mean over examples, as J
        for p in (*ws, *bs):
            p.grad = None
        loss.backward()

    return step


def sample_times(steps: dict, reps: int, seconds: float) -> dict:
    """Seconds per call of each function in ``steps``, one list of samples each.

    A sample times n calls in a row, n chosen so that a sample lasts at least SAMPLE_S: short
    steps are timed in bulk, not one perf_counter pair each. The functions' samples alternate.
    """
    times = {name: [] for name in steps}
    first = next(iter(steps))
    t0 = time.perf_counter()
    steps[first]()
    n = max(1, int(SAMPLE_S / max(time.perf_counter() - t0, 1e-9)))
    deadline = time.perf_counter() + seconds * len(steps)
    while len(times[first]) < reps or (time.perf_counter() < deadline and len(times[first]) < 200):
        for name, call in steps.items():
            t0 = time.perf_counter()
            for _ in range(n):
                call()
            times[name].append((time.perf_counter() - t0) / n)
    return times


def matmul_peak_gflops(dtype) -> float:
    import numpy as np

    a = np.ones((PEAK_N, PEAK_N), dtype=dtype)
    out = np.empty_like(a)
    np.matmul(a, a, out=out)
    runs = []
    for _ in range(PEAK_RUNS):
        t0 = time.perf_counter()
        np.matmul(a, a, out=out)
        runs.append(time.perf_counter() - t0)
    return 2 * PEAK_N**3 / min(runs) / 1e9


def step_products(library: str, dims, m: int, dtype):
    """A function computing only the step's matrix products (those step_flops counts), on
    arrays of the same shapes and layouts, in ``library``: the profile's "products" part.

    Z = W A and dW = dZ Aᵀ at every layer, dA = Wᵀ dZ at every layer but the first. NumPy's
    step computes Wᵀ dZ for a one-unit layer by broadcasting, and so does this.
    """
    pairs = product_operands(dims, m, dtype)
    if library == "torch":
        import torch

        pairs = [
            (torch.from_numpy(a), torch.from_numpy(b)) for a, b in pairs
        ]  # views, strides kept

    def products():  # the results are thrown away: only their cost is timed
        for a, b in pairs:
            # NumPy's step computes an outer product (inner dimension 1) by broadcasting
            a * b if library == "numpy" and a.shape[1] == 1 else a @ b

    return products


def product_operands(dims, m: int, dtype) -> list:
    """The operands of the step's products, in the step's layouts: W @ A, dZ @ Aᵀ and, past
    the first layer, Wᵀ @ dZ (transposes are views, as in the step)."""
    import numpy as np

    rng = np.random.default_rng(1)
    pairs = []
    for l, (n_prev, n) in enumerate(itertools.pairwise(dims)):
        W, A, dZ = (rng.normal(size=s).astype(dtype) for s in ((n, n_prev), (n_prev, m), (n, m)))
        pairs += [(W, A), (dZ, A.T)] + ([(W.T, dZ)] if l > 0 else [])
    return pairs


def run_worker(
    library, dims, m, dtype, threads, *, first=False, products=False, public=False, quick
):
    """One worker process. The first NumPy worker of a round also measures the matmul peak
    and the absorbed convention (its samples interleaved with the deferred ones); with
    ``products`` a worker also times the step's matrix products alone (the profile)."""
    env = {**os.environ}
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    cmd = [
        sys.executable, __file__, "--worker", library, "--dims", *map(str, dims), "--m", str(m),
        "--dtype", dtype, "--threads", str(threads),
        "--reps", "2" if quick else "5", "--seconds", "0.5" if quick else "1",
    ]  # fmt: skip
    if first:
        cmd += ["--peak", "--absorbed"]
    if products:
        cmd.append("--products")
    if public:
        cmd.append("--public")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- The orchestrator. ---


def have_torch() -> bool:
    return (
        subprocess.run(
            [sys.executable, "-c", "import torch"], capture_output=True, check=False
        ).returncode
        == 0
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds")
    parser.add_argument("--out", default=str(ROOT / "bench-results"))
    parser.add_argument(
        "--only", choices=("step", "api", "book"),
        help="run one part: the step table (with the public API's), the public API's alone, or "
        "the book builds",
    )  # fmt: skip
    parser.add_argument(
        "--record", action="store_true",
        help=f"also write the JSON to {RECORD.relative_to(ROOT)}, the record the book shows",
    )  # fmt: skip
    args = parser.parse_args()
    if args.record and (args.only or args.quick):
        parser.error("--record writes the book's record: a full run, without --only or --quick")
    quick = args.quick
    for line in environment_warnings():
        print(line, file=sys.stderr)
    print(f"NumPy's BLAS: {blas_kernel() or 'unknown (install threadpoolctl)'}", file=sys.stderr)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "quick": quick,
    }
    if args.only == "api":
        torch_ok = have_torch()
        report.update({"torch": torch_ok, "api": api_table(quick, torch_ok)})
    elif args.only != "book":
        report.update(step_table(quick))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.only is None or args.only == "book":
        # the step table took most of an hour: keep it even if the book builds fail
        (out / "bench.json").write_text(json.dumps(report, indent=2))
        sys.path.insert(0, str(Path(__file__).parent))
        import book

        report["book"] = book.book_timings(ROOT, log=lambda s: print(s, file=sys.stderr))
    (out / "bench.json").write_text(json.dumps(report, indent=2))
    if args.record:
        RECORD.write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    (out / "bench.md").write_text(table)
    print(table)


#: Environment variables that some machines set and that slow a current OpenBLAS down (they pin
#: an older kernel or a wrong cache size); make bench reports them, and never changes them.
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def blas_kernel(env: dict | None = None) -> str:
    """The BLAS library, version and CPU kernel that NumPy loads (threadpoolctl), measured in a
    fresh process with ``env``; empty if threadpoolctl is not installed."""
    code = (
        "import json, numpy; from threadpoolctl import threadpool_info;"
        "print(json.dumps([i for i in threadpool_info() if i['user_api'] == 'blas']))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env=env)  # fmt: skip
    if proc.returncode != 0:
        return ""
    return "; ".join(
        f"{i['internal_api']} {i['version']} {i.get('architecture') or '?'}"
        for i in json.loads(proc.stdout)
    )


def environment_warnings(environ=os.environ) -> list[str]:
    """One line per OpenBLAS override set in the environment, with what it may cost."""
    return [
        f"warning: {name}={environ[name]} is set; it can slow OpenBLAS (an older kernel or a "
        f"wrong cache size) and explain part of a gap to PyTorch's oneMKL. NumPy's kernel "
        f"here: {blas_kernel() or 'unknown (install threadpoolctl)'}"
        for name in OPENBLAS_OVERRIDES
        if name in environ
    ]


def machine() -> str:
    """CPU model, core count, Python, NumPy and its BLAS, PyTorch if installed."""
    model = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    code = (
        "import numpy, json; c = numpy.show_config(mode='dicts');"
        "b = c['Build Dependencies']['blas'];"
        "print(json.dumps([numpy.__version__, b['name'] + ' ' + b['version']]))"
    )
    np_version, blas = json.loads(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       check=True).stdout
    )  # fmt: skip
    kernel = blas_kernel()
    if kernel:
        blas += f", kernel {kernel}"
    torch = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.__version__)"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np_version} ({blas})"
        + (f", PyTorch {torch.stdout.strip()}" if torch.returncode == 0 else "")
    )


def step_table(quick: bool) -> dict:
    sizes = SIZES[:2] if quick else SIZES
    batches = BATCHES[:2] if quick else BATCHES
    torch_ok = have_torch()
    configs = list(itertools.product(sizes, batches, DTYPES, THREADS))
    rows = []
    for done, (dims, m, dtype, threads) in enumerate(configs, 1):
        print(f"[{done}/{len(configs)}] {dims} m={m} {dtype} threads={threads}",
              file=sys.stderr, flush=True)  # fmt: skip
        rows.append(measure(dims, m, dtype, threads, quick=quick, torch_ok=torch_ok))
    return {"torch": torch_ok, "rows": rows, "api": api_table(quick, torch_ok)}


#: The public API's configurations (issue 12): network.gradients against the internal step and
#: PyTorch's forward + backward, float64 on 2 threads.
API_CONFIGS = (([784, 128, 10], 1024), ([1024, 1024, 10], 256))
API_DTYPE, API_THREADS = "float64", 2


def api_table(quick: bool, torch_ok: bool) -> list[dict]:
    """The public-API rows: in each NumPy worker, ``network.gradients`` and the internal
    ``training_step`` alternate sample by sample; PyTorch's step runs in its own workers, in
    A B B A blocks as in the step table."""
    rows = []
    for done, (dims, m) in enumerate(API_CONFIGS, 1):
        print(f"[public API {done}/{len(API_CONFIGS)}] {dims} m={m}", file=sys.stderr, flush=True)
        steps, grads, torch_times, over_step, over_torch = [], [], [], [], []
        for _ in range(1 if quick else ROUNDS):
            block = {"numpy": [], "gradients": [], "torch": []}
            order = ["numpy", "torch", "torch", "numpy"] if torch_ok else ["numpy"]
            for library in order:
                r = run_worker(library, dims, m, API_DTYPE, API_THREADS,
                               public=library == "numpy", quick=quick)  # fmt: skip
                block[library].append(r["median_s"])
                if library == "numpy":
                    block["gradients"].append(r["gradients_median_s"])
            steps.append(statistics.mean(block["numpy"]))
            grads.append(statistics.mean(block["gradients"]))
            over_step.append(grads[-1] / steps[-1])
            if torch_ok:
                torch_times.append(statistics.mean(block["torch"]))
                over_torch.append(grads[-1] / torch_times[-1])
        rows.append({
            "dims": dims, "m": m, "dtype": API_DTYPE, "threads": API_THREADS,
            "rounds": len(steps), "gradients_s": statistics.median(grads),
            "step_s": statistics.median(steps),
            "torch_s": statistics.median(torch_times) if torch_ok else None,
            "over_step": statistics.median(over_step),
            "over_step_min": min(over_step), "over_step_max": max(over_step),
            "over_torch": statistics.median(over_torch) if torch_ok else None,
            "over_torch_min": min(over_torch) if torch_ok else None,
            "over_torch_max": max(over_torch) if torch_ok else None,
        })  # fmt: skip
    return rows


def api_markdown(report: dict) -> list[str]:
    """The public-API table: one line per configuration of API_CONFIGS."""
    lines = [
        "| layers | m | network.gradients ms | internal step ms | PyTorch ms "
        "| gradients / step (min–max) | gradients / PyTorch (min–max) |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for r in report["api"]:
        torch_ms = _fmt(r["torch_s"] and r["torch_s"] * 1e3, ".3f")
        vs_torch = (
            f"{r['over_torch']:.2f} ({r['over_torch_min']:.2f}–{r['over_torch_max']:.2f})"
            if r["over_torch"] is not None
            else "–"
        )
        lines.append(
            f"| {net(r['dims'])} | {r['m']} | {r['gradients_s'] * 1e3:.3f} "
            f"| {r['step_s'] * 1e3:.3f} | {torch_ms} "
            f"| {r['over_step']:.2f} ({r['over_step_min']:.2f}–{r['over_step_max']:.2f}) "
            f"| {vs_torch} |"
        )
    return lines


def api_targets(report: dict) -> list[tuple]:
    """Issue 12's targets for the public API, as (target, measured, met)."""
    rows = report.get("api", [])
    if not rows:
        return []
    worst = max(rows, key=lambda r: r["over_step"])
    checks = [(
        "network.gradients ≤ 1.1× the internal training step",
        f"worst {worst['over_step']:.2f}× ({net(worst['dims'])}, m={worst['m']})",
        worst["over_step"] <= 1.1,
    )]  # fmt: skip
    if report["torch"]:
        worst = max(rows, key=lambda r: r["over_torch"])
        checks.append((
            "network.gradients ≤ 1.0× PyTorch's forward + backward",
            f"worst {worst['over_torch']:.2f}× ({net(worst['dims'])}, m={worst['m']})",
            worst["over_torch"] <= 1.0,
        ))  # fmt: skip
    return checks


def measure(dims, m, dtype, threads, *, quick, torch_ok) -> dict:
    """One row of the table: rounds of A B B A blocks."""
    rounds = 1 if quick else ROUNDS
    flops = step_flops(dims, m)
    ratios, np_times, torch_times, peaks, roofs, torch_roofs, conv = [], [], [], [], [], [], []
    np_mem = torch_mem = None
    products = {"numpy": None, "torch": None}
    while len(np_times) < rounds:
        block = {"numpy": [], "torch": []}
        order = ["numpy", "torch", "torch", "numpy"] if torch_ok else ["numpy"]
        for k, library in enumerate(order):
            # the first round's first worker of each library also times the products alone
            profile = not np_times and k < 2
            r = run_worker(library, dims, m, dtype, threads, first=k == 0, products=profile,
                           quick=quick)  # fmt: skip
            block[library].append(r["median_s"])
            if profile:
                products[library] = r["products_s"]
            if k == 0:  # this round's peak, against this worker's own step time
                peaks.append(r["peak_gflops"])
                roofs.append(flops / r["median_s"] / 1e9 / peaks[-1])
                conv.append(r["absorbed_median_s"] / r["median_s"])
            if library == "numpy":
                np_mem = r["peak_kib"]
            else:
                torch_mem = r["peak_kib"]
        np_times.append(statistics.mean(block["numpy"]))
        if torch_ok:
            torch_times.append(statistics.mean(block["torch"]))
            ratios.append(np_times[-1] / torch_times[-1])
            torch_roofs.append(flops / torch_times[-1] / 1e9 / peaks[-1])
        if np_times[0] > LONG_STEP_S:
            rounds = min(rounds, LONG_ROUNDS)
    t_np = statistics.median(np_times)
    return {
        "dims": dims, "m": m, "dtype": dtype, "threads": threads,
        "rounds": len(np_times), "numpy_s": t_np,
        "torch_s": statistics.median(torch_times) if torch_ok else None,
        "ratio": statistics.median(ratios) if ratios else None,
        "ratio_min": min(ratios) if ratios else None,
        "ratio_max": max(ratios) if ratios else None,
        "gflops": flops / t_np / 1e9, "peak_gflops": statistics.median(peaks),
        # fractions of the peak: the median over rounds of each round's own fraction
        "roofline": statistics.median(roofs),
        "torch_roofline": statistics.median(torch_roofs) if torch_roofs else None,
        "numpy_peak_kib": np_mem, "torch_peak_kib": torch_mem,
        # the profile: the step's matrix products alone (first round), in each library
        "numpy_products_s": products["numpy"], "torch_products_s": products["torch"],
        "absorbed_over_deferred": statistics.median(conv),  # same worker, alternating
    }  # fmt: skip


def markdown(report: dict) -> str:
    """The report as Markdown: the step table, the targets of issue 7, the book builds."""
    lines = [f"Measured {report['date']} on {report['machine']}."]
    if report["quick"]:
        lines.append("Quick run (--quick): fewer sizes and one round; not a record.")
    if "rows" in report:
        lines += ["", *step_markdown(report), "", "Profile:", "", *profile_markdown(report)]
    if report.get("api"):
        lines += ["", f"Public API ({API_DTYPE}, {API_THREADS} threads):", "",
                  *api_markdown(report)]  # fmt: skip
    if "book" in report:
        sys.path.insert(0, str(Path(__file__).parent))
        import book

        lines += ["", book.markdown(report["book"])]
    lines += ["", *targets_markdown(report)]
    return "\n".join(lines).rstrip() + "\n"


def _fmt(x, spec):
    return "–" if x is None else format(x, spec)


def net(dims) -> str:
    """Layer sizes written short, e.g. ``784-128-10``."""
    return "-".join(map(str, dims))


def torch_roofline(row: dict) -> float | None:
    """PyTorch's step as a fraction of the NumPy matmul peak measured in the same rounds."""
    return row["torch_roofline"]


def step_markdown(report: dict) -> list[str]:
    lines = [
        "| layers | m | dtype | threads | NumPy ms | PyTorch ms | NumPy / PyTorch (min–max) "
        "| of matmul peak, NumPy / PyTorch | peak RSS MiB, NumPy / PyTorch "
        "| absorbed / deferred |",
        "|---|---:|---|---:|---:|---:|---|---|---|---:|",
    ]
    if not report["torch"]:
        lines.insert(0, "PyTorch is not installed: its columns are empty.\n")
    for r in report["rows"]:
        mem = (
            f"{r['numpy_peak_kib'] / 1024:.1f} / "
            f"{_fmt(r['torch_peak_kib'] and r['torch_peak_kib'] / 1024, '.1f')}"
        )
        spread = (
            f"{_fmt(r['ratio'], '.2f')} "
            f"({_fmt(r['ratio_min'], '.2f')}–{_fmt(r['ratio_max'], '.2f')})"
        )
        roof = f"{_fmt(r['roofline'], '.0%')} / {_fmt(torch_roofline(r), '.0%')}"
        lines.append(
            f"| {net(r['dims'])} | {r['m']} | {r['dtype']} | {r['threads']} "
            f"| {r['numpy_s'] * 1e3:.3f} | {_fmt(r['torch_s'] and r['torch_s'] * 1e3, '.3f')} "
            f"| {spread} | {roof} | {mem} | {r['absorbed_over_deferred']:.2f} |"
        )
    return lines


def profile_markdown(report: dict) -> list[str]:
    """Where each library's step time goes: its matrix products alone (timed on their own,
    in the first round), and the rest (elementwise work, reductions, per-call overhead)."""
    lines = [
        "| layers | m | dtype | threads | NumPy ms: products + rest "
        "| PyTorch ms: products + rest | products, NumPy / PyTorch | rest, NumPy / PyTorch |",
        "|---|---:|---|---:|---|---|---:|---:|",
    ]
    for r in report["rows"]:
        np_p, th_p = r.get("numpy_products_s"), r.get("torch_products_s")
        if np_p is None:
            continue
        # the rest is a difference of two noisy medians: below zero it is only noise
        np_rest = r["numpy_s"] - np_p
        th_rest = r["torch_s"] - th_p if th_p is not None else None
        rest_ratio = np_rest / th_rest if th_rest and th_rest > 0 and np_rest > 0 else None
        lines.append(
            f"| {net(r['dims'])} | {r['m']} | {r['dtype']} | {r['threads']} "
            f"| {np_p * 1e3:.3f} + {np_rest * 1e3:.3f} "
            f"| {_fmt(th_p and th_p * 1e3, '.3f')} + {_fmt(th_rest and th_rest * 1e3, '.3f')} "
            f"| {_fmt(th_p and np_p / th_p, '.2f')} | {_fmt(rest_ratio, '.2f')} |"
        )
    return lines


def targets_markdown(report: dict) -> list[str]:
    """Issue 7's targets and issue 12's public-API targets, each with the measured value and
    whether it is met."""
    checks = []
    rows = report.get("rows", [])
    if rows and report["torch"]:
        worst = max(rows, key=lambda r: r["ratio"])
        checks.append((
            "step time ≤ 1.0× PyTorch at every size, dtype and thread count",
            f"worst median ratio {worst['ratio']:.2f} ({worst['dims']}, m={worst['m']}, "
            f"{worst['dtype']}, {worst['threads']} thread(s))",
            worst["ratio"] <= 1.0,
        ))  # fmt: skip
    largest = [r for r in rows if r["dims"] == SIZES[-1] and r["m"] == BATCHES[-1]]
    if largest:
        low = min(largest, key=lambda r: r["roofline"])
        checks.append((
            f"≥ 80% of matmul peak on {SIZES[-1]}, m={BATCHES[-1]}",
            f"lowest {low['roofline']:.0%} ({low['dtype']}, {low['threads']} thread(s))",
            low["roofline"] >= 0.8,
        ))  # fmt: skip
        if report["torch"]:
            mem = max(largest, key=lambda r: r["numpy_peak_kib"] / r["torch_peak_kib"])
            ratio = mem["numpy_peak_kib"] / mem["torch_peak_kib"]
            checks.append((
                "peak RSS increase of one step ≤ 0.6× PyTorch's at the largest size",
                f"highest {ratio:.2f}× ({mem['dtype']}, {mem['threads']} thread(s))",
                ratio <= 0.6,
            ))  # fmt: skip
    if "book" in report:
        b = {row["build"].split(" (")[0]: row for row in report["book"]["rows"]}
        checks += [
            ("book: no-change rebuild ≤ 1.5 s", f"{b['no change']['seconds']:.2f} s",
             b["no change"]["seconds"] <= 1.5),
            ("book: a prose edit re-executes 0 chapters",
             f"{b['prose edit']['executed']} executed", b["prose edit"]["executed"] == 0),
            ("book: clean build ≤ 1.3× the floor",
             f"{b['clean, empty cache']['seconds'] / report['book']['floor_s']:.2f}×",
             b["clean, empty cache"]["seconds"] <= 1.3 * report["book"]["floor_s"]),
        ]  # fmt: skip
    checks += api_targets(report)
    if not checks:
        return []
    lines = ["| target | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in checks]
    return lines


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        p = argparse.ArgumentParser()
        p.add_argument("--worker", dest="library", choices=("numpy", "torch"))
        p.add_argument("--dims", type=int, nargs="+")
        p.add_argument("--m", type=int)
        p.add_argument("--dtype")
        p.add_argument("--threads", type=int)
        p.add_argument("--reps", type=int, default=5)
        p.add_argument("--seconds", type=float, default=2.0)
        p.add_argument("--peak", action="store_true")
        p.add_argument("--absorbed", action="store_true")
        p.add_argument("--products", action="store_true")
        p.add_argument("--public", action="store_true")
        print(json.dumps(worker(p.parse_args())))
    else:
        main()
