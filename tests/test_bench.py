"""`make bench`'s arithmetic and the committed record that the Performance appendix shows.

Nothing here is timed: benchmarks are a separate command (DESIGN §7). These tests check that
the benchmark counts what it says it counts and that the record is a complete, full run.
"""

import itertools
import json
import os
import platform
import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import book as book_bench  # noqa: E402
import run as bench  # noqa: E402

RECORD = ROOT / "docs" / "appendix" / "performance.json"


@pytest.mark.parametrize(("dims", "m"), [([2, 4, 1], 3), ([784, 128, 10], 64), ([5, 7, 3, 2], 11)])
def test_step_flops_counts_each_matrix_product_of_the_step(dims, m):
    """Counted here product by product: Z = W A (every layer), dW = dZ Aᵀ (every layer),
    dA = Wᵀ dZ (every layer but the first: dA[0] is never computed); 2 flops per multiply-add."""
    flops = 0
    for l in range(1, len(dims)):
        n, n_prev = dims[l], dims[l - 1]
        flops += 2 * n * n_prev * m  # forward Z[l]
        flops += 2 * n * m * n_prev  # dW[l]
        if l > 1:
            flops += 2 * n_prev * n * m  # dA[l-1]
    assert bench.step_flops(dims, m) == flops


def test_the_record_is_a_complete_full_run():
    record = json.loads(RECORD.read_text())
    datetime.fromisoformat(record["date"])
    assert not record["quick"], "the book must show a full run, not --quick"
    assert record["torch"], "the record must include the PyTorch column"
    assert "PyTorch" in record["machine"]
    assert "NumPy" in record["machine"]
    seen = {(tuple(r["dims"]), r["m"], r["dtype"], r["threads"]) for r in record["rows"]}
    expected = set(
        itertools.product(map(tuple, bench.SIZES), bench.BATCHES, bench.DTYPES, bench.THREADS)
    )
    assert seen == expected
    for r in record["rows"]:
        assert r["rounds"] >= bench.LONG_ROUNDS, r
        assert r["numpy_products_s"] > 0, r  # the profile
        assert r["torch_products_s"] > 0, r
        assert r["torch_roofline"] > 0, r
        assert r["ratio_min"] <= r["ratio"] <= r["ratio_max"], r
        assert r["ratio"] == pytest.approx(r["numpy_s"] / r["torch_s"], rel=0.5), r
        flops = bench.step_flops(r["dims"], r["m"])
        assert r["gflops"] == pytest.approx(flops / r["numpy_s"] / 1e9)
    assert record["book"]["jobs"] >= 1
    assert record["book"]["floor_s"] >= record["book"]["parallel_floor_s"] > 0
    builds = [row["build"] for row in record["book"]["rows"]]
    assert builds[0].startswith("clean")
    assert builds[1] == "no change"
    assert record["book"]["rows"][0]["executed"] == record["book"]["chapters"]


def test_the_markdown_has_one_line_per_configuration_and_every_target():
    record = json.loads(RECORD.read_text())
    table = bench.step_markdown(record)
    assert len(table) == 2 + len(record["rows"])
    assert len(bench.profile_markdown(record)) == 2 + len(record["rows"])
    targets = bench.targets_markdown(record)
    # header, rule, the six targets of issue 7, and issue 12's two once the record has them
    assert len(targets) == 2 + 6 + (2 if record.get("api") else 0)
    assert all(line.endswith(("| yes |", "| **no** |")) for line in targets[2:])
    assert book_bench.markdown(record["book"]).count("\n| ") == 1 + len(record["book"]["rows"])


def test_the_book_benchmark_counts_the_chapters_that_execute():
    pages = [p for p in (ROOT / "docs").rglob("*.md") if not p.name.startswith("_")]
    with_cells = [p for p in pages if "```{code-cell}" in p.read_text(encoding="utf-8")]
    assert book_bench.chapters(ROOT) == len(with_cells)
    assert len(with_cells) >= 13  # the thirteen chapters, and the Performance appendix


@pytest.mark.parametrize(("dims", "m"), [([2, 4, 1], 3), ([784, 128, 10], 64), ([5, 7, 3, 2], 11)])
def test_the_profile_times_exactly_the_products_the_flops_count(dims, m):
    """The profile's "products" are the step's matrix products: their multiply-adds, counted
    from the operands' shapes, are what step_flops counts, in the step's layouts."""
    pairs = bench.product_operands(dims, m, "float64")
    assert sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b in pairs) == bench.step_flops(
        dims, m
    )
    for a, b in pairs:
        assert a.shape[1] == b.shape[0]
    # dZ @ Aᵀ and Wᵀ @ dZ multiply transposed views of arrays, as the step does, not copies
    views = [x for pair in pairs for x in pair if not x.flags.owndata]
    assert len(views) == 2 * (len(dims) - 1) - 1  # Aᵀ at every layer, Wᵀ past the first


def test_bench_warns_about_openblas_overrides_in_the_environment():
    assert bench.environment_warnings({}) == []
    lines = bench.environment_warnings({"OPENBLAS_CORETYPE": "Haswell", "PATH": "/usr/bin"})
    assert len(lines) == 1
    assert "OPENBLAS_CORETYPE=Haswell is set" in lines[0]
    assert "kernel here:" in lines[0]


def test_bench_names_numpy_s_blas_kernel():
    pytest.importorskip("threadpoolctl")
    import numpy as np

    kernel = bench.blas_kernel()
    name = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    assert kernel, "threadpoolctl found no BLAS library"
    assert kernel.split()[0] in name, (kernel, name)
    # an override is visible in the kernel a fresh process reports
    if "openblas" in kernel and platform.machine() == "x86_64":
        pinned = bench.blas_kernel({**os.environ, "OPENBLAS_CORETYPE": "Haswell"})
        assert "Haswell" in pinned, pinned


def test_the_public_api_worker_times_network_gradients_beside_the_step():
    """One real NumPy worker with --public, on a tiny network: both times are measured."""
    r = bench.run_worker("numpy", [3, 4, 1], 16, "float64", 1, public=True, quick=True)
    assert r["median_s"] > 0
    assert r["gradients_median_s"] > 0


def test_the_public_api_table_and_its_targets():
    rows = [
        {"dims": [784, 128, 10], "m": 1024, "gradients_s": 0.0105, "step_s": 0.0100,
         "torch_s": 0.0110, "over_step": 1.05, "over_step_min": 1.0, "over_step_max": 1.1,
         "over_torch": 0.95, "over_torch_min": 0.9, "over_torch_max": 1.0},
        {"dims": [1024, 1024, 10], "m": 256, "gradients_s": 0.024, "step_s": 0.020,
         "torch_s": 0.020, "over_step": 1.2, "over_step_min": 1.1, "over_step_max": 1.3,
         "over_torch": 1.2, "over_torch_min": 1.1, "over_torch_max": 1.3},
    ]  # fmt: skip
    report = {"torch": True, "api": rows}
    table = bench.api_markdown(report)
    assert len(table) == 2 + len(rows)
    assert "| 784-128-10 | 1024 | 10.500 | 10.000 | 11.000 | 1.05 (1.00–1.10) " in table[2]
    targets = bench.api_targets(report)
    assert [ok for _, _, ok in targets] == [False, False]  # the second row misses both
    assert "worst 1.20× (1024-1024-10, m=256)" in targets[0][1]
    assert bench.api_targets({"torch": True, "api": rows[:1]})[0][2]
    # without PyTorch only the first target is reported
    no_torch = [{**r, "torch_s": None, "over_torch": None} for r in rows]
    assert len(bench.api_targets({"torch": False, "api": no_torch})) == 1
    assert "| – | 1.05" in bench.api_markdown({"torch": False, "api": no_torch})[2]
    assert bench.API_CONFIGS == (([784, 128, 10], 1024), ([1024, 1024, 10], 256))


def test_a_record_must_be_a_full_run():
    import subprocess

    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--record", "--quick"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 2
    assert "--record writes the book's record: a full run" in out.stderr
