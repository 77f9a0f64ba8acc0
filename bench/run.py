"""`make bench`: step time against PyTorch CPU, the matmul roofline, memory, conventions.

Each measurement runs in a fresh worker process (this file with ``--worker``), so that one
library's thread pool does not distort the other's, with the thread count pinned through the
environment before NumPy or PyTorch is imported. The two libraries alternate in blocks
A B B A; each block reports the median of its repetitions, and the ratio NumPy / PyTorch is the
median over rounds, with its spread (min to max).

A "step" is what one training step computes: forward pass, mean cost, and every dW and db
(``npbackprop.network`` with a ReLU hidden stack and a sigmoid output; PyTorch autograd on the
same maths). The benchmark calls the network's internal, already-validated functions, as
``training.train`` does, so that input checks are not timed.

Usage: ``python bench/run.py [--quick] [--out DIR]``. Writes ``DIR/bench.json`` and
``DIR/bench.md`` and prints the Markdown table.
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


def step_flops(dims: list[int], m: int) -> int:
    """Multiply-adds × 2 in the step's matrix products: Z = W A at every layer (forward),
    dW = dZ A_prevᵀ at every layer and dA_prev = Wᵀ dZ at every layer but the first."""
    per_layer = [2 * n * n_prev * m for n_prev, n in itertools.pairwise(dims)]
    return 3 * sum(per_layer) - per_layer[0]


# --- The worker: one library, one configuration, in its own process. ---


def worker(args) -> dict:
    import resource

    import numpy as np

    rng = np.random.default_rng(0)
    dims, m, dtype = args.dims, args.m, np.dtype(args.dtype)
    X = rng.normal(size=(dims[0], m)).astype(dtype)
    Y = (rng.random((dims[-1], m)) < 0.5).astype(dtype)

    if args.library == "numpy":
        from npbackprop import network

        params = network.init_params(dims, seed=0, init="he", dtype=dtype)

        def step():
            AL, caches = network._forward(X, params, "relu", "sigmoid", 1.0, None)
            network._cost_from_logits(caches[-1][1], Y, params, "sigmoid", 0.0, "mean")
            network._backward(AL, Y, caches, args.convention, True, 0.0, False, False)

    else:
        import torch

        torch.set_num_threads(args.threads)
        torch_dtype = getattr(torch, args.dtype)
        ws = [  # He initialization, as the NumPy side's init="he"
            (torch.randn(n, n_prev, dtype=torch_dtype) * (2 / n_prev) ** 0.5).requires_grad_()
            for n_prev, n in itertools.pairwise(dims)
        ]
        bs = [torch.zeros(n, 1, dtype=torch_dtype, requires_grad=True) for n in dims[1:]]
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
        bce = torch.nn.functional.binary_cross_entropy_with_logits

        def step():
            A = Xt
            for l, (W, b) in enumerate(zip(ws, bs, strict=True)):
                Z = W @ A + b
                A = torch.relu(Z) if l < len(ws) - 1 else Z
            loss = bce(A, Yt, reduction="sum") / m  # the mean over examples, as J
            for p in (*ws, *bs):
                p.grad = None
            loss.backward()

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    step()  # the first step allocates: its peak RSS increase is the memory figure
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    times = []
    deadline = time.perf_counter() + args.seconds
    while len(times) < args.reps or (time.perf_counter() < deadline and len(times) < 50):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    result = {"median_s": statistics.median(times), "reps": len(times), "peak_kib": peak_kib}
    if args.library == "numpy" and args.peak:
        n = 2048
        a, b = np.ones((n, n), dtype=dtype), np.ones((n, n), dtype=dtype)
        out = np.empty((n, n), dtype=dtype)
        np.matmul(a, b, out=out)
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            np.matmul(a, b, out=out)
            runs.append(time.perf_counter() - t0)
        result["peak_gflops"] = 2 * n**3 / min(runs) / 1e9
    return result


def run_worker(library, dims, m, dtype, threads, *, convention="deferred", peak=False, quick):
    env = {**os.environ}
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    cmd = [
        sys.executable, __file__, "--worker", library, "--dims", *map(str, dims), "--m", str(m),
        "--dtype", dtype, "--threads", str(threads), "--convention", convention,
        "--reps", "2" if quick else "5", "--seconds", "0.5" if quick else "2",
    ]  # fmt: skip
    if peak:
        cmd.append("--peak")
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
    args = parser.parse_args()
    quick = args.quick
    sizes = SIZES[:2] if quick else SIZES
    batches = BATCHES[:2] if quick else BATCHES
    rounds = 1 if quick else 3
    torch_ok = have_torch()
    rows = []
    total = len(sizes) * len(batches) * len(DTYPES) * len(THREADS)
    done = 0
    for dims in sizes:
        for m in batches:
            for dtype in DTYPES:
                for threads in THREADS:
                    done += 1
                    print(f"[{done}/{total}] {dims} m={m} {dtype} threads={threads}",
                          file=sys.stderr, flush=True)  # fmt: skip
                    ratios, np_times, torch_times = [], [], []
                    np_mem = torch_mem = None
                    peak = None
                    for _ in range(rounds):
                        order = ["numpy", "torch", "torch", "numpy"] if torch_ok else ["numpy"]
                        block = {}
                        for library in order:  # A B B A
                            r = run_worker(library, dims, m, dtype, threads,
                                           peak=library == "numpy" and peak is None,
                                           quick=quick)  # fmt: skip
                            block.setdefault(library, []).append(r["median_s"])
                            if library == "numpy":
                                np_mem = r["peak_kib"]
                                peak = r.get("peak_gflops", peak)
                            else:
                                torch_mem = r["peak_kib"]
                        np_times.append(statistics.mean(block["numpy"]))
                        if torch_ok:
                            torch_times.append(statistics.mean(block["torch"]))
                            ratios.append(np_times[-1] / torch_times[-1])
                    absorbed = run_worker("numpy", dims, m, dtype, threads,
                                          convention="absorbed", quick=quick)  # fmt: skip
                    t_np = statistics.median(np_times)
                    gflops = step_flops(dims, m) / t_np / 1e9
                    rows.append({
                        "dims": dims, "m": m, "dtype": dtype, "threads": threads,
                        "numpy_s": t_np,
                        "torch_s": statistics.median(torch_times) if torch_ok else None,
                        "ratio": statistics.median(ratios) if ratios else None,
                        "ratio_min": min(ratios) if ratios else None,
                        "ratio_max": max(ratios) if ratios else None,
                        "gflops": gflops, "peak_gflops": peak,
                        "roofline": gflops / peak if peak else None,
                        "numpy_peak_kib": np_mem, "torch_peak_kib": torch_mem,
                        "absorbed_over_deferred": absorbed["median_s"] / t_np,
                    })  # fmt: skip
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "torch": torch_ok,
        "quick": quick,
        "rows": rows,
    }  # fmt: skip
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(report, indent=2))
    table = markdown(report)
    (out / "bench.md").write_text(table)
    print(table)


def markdown(report: dict) -> str:
    def fmt(x, spec):
        return "–" if x is None else format(x, spec)

    lines = [
        f"Measured {report['date']} on {report['machine']}"
        + ("" if report["torch"] else " (PyTorch not installed: its columns are empty)"),
        "",
        "| layers | m | dtype | threads | NumPy step (ms) | PyTorch step (ms) | NumPy / PyTorch "
        "(min–max) | GFLOP/s | of matmul peak | peak RSS NumPy / PyTorch (MiB) "
        "| absorbed / deferred |",
        "|---|---:|---|---:|---:|---:|---|---:|---:|---|---:|",
    ]
    for r in report["rows"]:
        mem = f"{fmt(r['numpy_peak_kib'] and r['numpy_peak_kib'] / 1024, '.1f')} / " + fmt(
            r["torch_peak_kib"] and r["torch_peak_kib"] / 1024, ".1f"
        )
        spread = (
            f"{fmt(r['ratio'], '.2f')} ({fmt(r['ratio_min'], '.2f')}–{fmt(r['ratio_max'], '.2f')})"
        )
        lines.append(
            f"| {r['dims']} | {r['m']} | {r['dtype']} | {r['threads']} "
            f"| {r['numpy_s'] * 1e3:.3f} | {fmt(r['torch_s'] and r['torch_s'] * 1e3, '.3f')} "
            f"| {spread} | {r['gflops']:.1f} | {fmt(r['roofline'], '.0%')} | {mem} "
            f"| {r['absorbed_over_deferred']:.2f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        p = argparse.ArgumentParser()
        p.add_argument("--worker", dest="library", choices=("numpy", "torch"))
        p.add_argument("--dims", type=int, nargs="+")
        p.add_argument("--m", type=int)
        p.add_argument("--dtype")
        p.add_argument("--threads", type=int)
        p.add_argument("--convention", default="deferred")
        p.add_argument("--reps", type=int, default=5)
        p.add_argument("--seconds", type=float, default=2.0)
        p.add_argument("--peak", action="store_true")
        print(json.dumps(worker(p.parse_args())))
    else:
        main()
