"""Book-build timings for `make bench`: what a writer waits for after each kind of edit.

The book is copied (with file times kept) into a scratch folder that shares this checkout's
``.venv``, so the measurement starts from an empty execution cache without touching the
working tree. Each build runs ``make -s html`` there, as a writer would, and counts the
chapters that were executed from the build log ("Executing notebook", myst-nb's message).

The floor is what any build of this book must spend even with a perfect cache: a build with
execution off (``make html`` itself, so with the same options, ``-j auto`` included), plus one
Jupyter kernel start per executed chapter. ``make html`` executes chapters in one process per
core, so the kernel starts overlap too: the floor for that is also reported, with the kernel
starts shared among the processes.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: What the book is built from (the Makefile's BOOK_INPUTS, plus what make itself needs).
COPIED = ("docs", "conf", "src", "tests", "bench", "README.md", "CONTRIBUTING.md", "pyproject.toml",
          "Makefile")  # fmt: skip
PROSE_PAGE = Path("docs/answer/question.md")
PACKAGE_FILE = Path("src/npbackprop/network.py")


def _copy(root: Path, work: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=ignore)  # copy2: file times kept
        else:
            shutil.copy2(source, work / name)
    (work / ".venv").symlink_to(root / ".venv")  # same interpreter; its install stamp is older


def _timed(cmd: list[str], cwd: Path, env: dict | None = None, strict: bool = True) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    log = out.stdout + out.stderr
    if strict and out.returncode != 0:
        sys.stderr.write(log[-3000:])
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd} (exit {out.returncode})")
    return {"seconds": seconds, "executed": log.count("Executing notebook")}


def kernel_start_seconds(repeats: int = 3) -> float:
    """Mean time to start a python3 Jupyter kernel, wait until it answers, and stop it."""
    code = (
        "import time\n"
        "from jupyter_client.manager import start_new_kernel\n"
        "t0 = time.perf_counter()\n"
        f"for _ in range({repeats}):\n"
        "    km, kc = start_new_kernel(kernel_name='python3')\n"
        "    kc.stop_channels(); km.shutdown_kernel(now=True)\n"
        f"print((time.perf_counter() - t0) / {repeats})\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def chapters(work: Path) -> int:
    """The number of pages with code cells: those a clean build executes."""
    return sum(
        "```{code-cell}" in page.read_text(encoding="utf-8")
        for page in (work / "docs").rglob("*.md")
        if not page.name.startswith("_")
    )


def book_timings(root: Path, log=print) -> dict:
    with tempfile.TemporaryDirectory(prefix="npbackprop-book-") as tmp:
        work = Path(tmp)
        _copy(root, work)
        make = ["make", "-s", "html"]
        n = chapters(work)

        log("book: build with execution off (the floor)")
        # make html's own command and options, into _floor/, with execution off; not strict
        # (STRICT=): without execution the glued numbers are missing, each one a warning.
        off_env = {**os.environ, "BOOK_EXECUTION_MODE": "off",
                   "BOOK_CACHE_DIR": str(work / "_floor" / "cache")}  # fmt: skip
        off = _timed([*make, "STRICT=", "BUILD=_floor"], work, off_env, strict=False)
        log("book: kernel start time")
        kernel = kernel_start_seconds()
        floor = off["seconds"] + n * kernel
        jobs = os.cpu_count() or 1  # -j auto
        parallel_floor = off["seconds"] + math.ceil(n / jobs) * kernel

        rows = []
        log("book: clean build, empty cache")
        rows.append({"build": "clean, empty cache", **_timed(make, work)})
        log("book: no-change rebuild")
        rows.append({"build": "no change", **_timed(make, work)})
        log("book: prose-only edit")
        page = work / PROSE_PAGE
        page.write_text(page.read_text() + "\nA sentence added by the benchmark.\n")
        rows.append({"build": f"prose edit ({PROSE_PAGE.name})", **_timed(make, work)})
        log("book: package edit")
        module = work / PACKAGE_FILE
        module.write_text(module.read_text() + "\n# a comment added by the benchmark\n")
        rows.append({"build": f"package edit ({PACKAGE_FILE.name})", **_timed(make, work)})
        log("book: Sphinx's own no-change pass (make's check bypassed)")
        (work / "_build" / ".html-built").unlink()
        rows.append({"build": "no change, sphinx-build itself", **_timed(make, work)})
    return {
        "chapters": n,
        "execution_off_s": off["seconds"],
        "kernel_start_s": kernel,
        "floor_s": floor,
        "jobs": jobs,
        "parallel_floor_s": parallel_floor,
        "rows": rows,
    }


def markdown(book: dict) -> str:
    lines = [
        f"Floor: {book['floor_s']:.1f} s = build with execution off "
        f"{book['execution_off_s']:.1f} s + {book['chapters']} chapters × kernel start "
        f"{book['kernel_start_s']:.2f} s."
        f" With the kernel starts shared among the {book['jobs']} processes of `-j auto`, "
        f"as the build shares them: {book['parallel_floor_s']:.1f} s.",
        "",
        "| build (`make html`) | seconds | chapters executed | × floor "
        "| × floor with shared kernel starts |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in book["rows"]:
        lines.append(
            f"| {row['build']} | {row['seconds']:.2f} | {row['executed']} "
            f"| {row['seconds'] / book['floor_s']:.2f} "
            f"| {row['seconds'] / book['parallel_floor_s']:.2f} |"
        )
    return "\n".join(lines) + "\n"
