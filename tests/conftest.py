"""Shared pytest hooks: the browser tests' per-page report is printed at the end of the run."""

import time
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "_build" / "browser" / "report.md"
STARTED = time.time()


def pytest_terminal_summary(terminalreporter):
    if REPORT.exists() and REPORT.stat().st_mtime >= STARTED:
        terminalreporter.section("built site, as loaded in Chromium from file://")
        terminalreporter.write(REPORT.read_text())
        terminalreporter.write_line(f"screenshots: {REPORT.parent / 'screenshots'}")
