"""Shared fixtures: the external tools some tests drive, and golden-file comparison."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
UPDATE_GOLDENS = os.environ.get("TLUMACH_UPDATE_GOLDENS") == "1"


def require_tool(name: str, package: str) -> str:
    """The tool's path; skip (or, in CI, fail) when it is missing."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found: install Debian's {package} (scripts/test does so when run as root)"
        if os.environ.get("TLUMACH_REQUIRE_ALL"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def gettext() -> None:
    for tool in ("msgmerge", "msgfmt", "msgcat"):
        require_tool(tool, "gettext")


def run_gettext(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)


def assert_golden(actual: str, golden: Path) -> None:
    """Compare whole output with a golden file (TLUMACH_UPDATE_GOLDENS=1 rewrites it)."""
    if UPDATE_GOLDENS:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"missing golden file {golden}; run with TLUMACH_UPDATE_GOLDENS=1 and review it"
    assert actual == golden.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (no browser download), headless, no background traffic."""
    from sitebuild import CHROMIUM_ARGS

    chromium = require_tool("chromium", "chromium")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.write_sep("=", "tests that could NOT run here", red=True)
        for report in skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            terminalreporter.write_line(f"NOT RUN: {report.nodeid}: {reason}")
