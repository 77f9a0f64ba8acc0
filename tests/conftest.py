"""Shared pytest hooks: the browser tests' per-page report is printed at the end of the run;
the PyTorch record's cases run live once per session, for the tests that compare with them."""

import time
from pathlib import Path

import pytest

REPORT = Path(__file__).resolve().parent.parent / "_build" / "browser" / "report.md"
STARTED = time.time()


def pytest_terminal_summary(terminalreporter):
    if REPORT.exists() and REPORT.stat().st_mtime >= STARTED:
        terminalreporter.section("built site, as loaded in Chromium from file://")
        terminalreporter.write(REPORT.read_text())
        terminalreporter.write_line(f"screenshots: {REPORT.parent / 'screenshots'}")
    timings = REPORT.parent / "runtime.json"
    if timings.exists() and timings.stat().st_mtime >= STARTED:
        terminalreporter.section("the in-page Python, served from 127.0.0.1 (test_site_runtime)")
        terminalreporter.write_line(timings.read_text())


@pytest.fixture(scope="session")
def torch_live():
    """Every case of tests/pytorch_record.py run now, with the installed PyTorch (raw outputs)."""
    pytest.importorskip("torch")
    import pytorch_record

    return {name: fn() for name, fn in pytorch_record.CASES.items()}


@pytest.fixture
def plt():
    """Matplotlib's pyplot on the Agg backend, every figure closed afterwards."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    yield pyplot
    pyplot.close("all")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per module of the browser suites (the set-up
    and its skips are test_site_browser.py's)."""
    from test_site_browser import CHROMIUM, CHROMIUM_ARGS, sync_api

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
