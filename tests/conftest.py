"""Under CI=true, a skipped test is a failed test.

Tests skip when a tool they need is missing (Graphviz, Chromium, pre-commit, zensical,
actionlint...), so that a developer can run part of the suite on a bare machine. In CI,
everything the tests use is installed by `scripts/bootstrap.sh --test` and `.ci/run`: a
skip there means an install step is missing, and a green run would hide it.
"""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _as_failure(report) -> None:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = (
        f"skipped under CI=true: {reason}\n"
        "CI installs everything the tests use (scripts/bootstrap.sh --test, .ci/run): add the"
        " missing install step rather than let the test skip."
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        _as_failure(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    # `pytest.importorskip` at the top of a module skips the whole module at collection.
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped:
        _as_failure(report)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module (a module, not the session: `cjm render` starts
    Playwright of its own in some modules, and one thread runs one Playwright at a time)."""
    from browsing import CHROMIUM, CHROMIUM_ARGS

    if CHROMIUM is None:
        pytest.fail("needs Debian's chromium (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
