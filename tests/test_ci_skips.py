"""tests/conftest.py: under CI=true a skipped test fails, so a missing install step shows."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from commands import env_with_tools

SUITE = '''
import pytest

pytest.importorskip("surely_not_an_installed_module")  # only in the module below
'''

TESTS = '''
import pytest

def test_passes():
    pass

def test_skips():
    pytest.skip("frobnicate is not installed")

@pytest.mark.skipif(True, reason="needs frobnicate")
def test_skipif():
    pass

@pytest.mark.xfail(reason="known bug", strict=True)
def test_expected_failure():
    assert False
'''


def _run(folder: Path, ci: str | None) -> subprocess.CompletedProcess:
    env = env_with_tools()
    env.pop("CI", None)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", str(folder)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_tools.py").write_text(TESTS, encoding="utf-8")
    (tmp_path / "test_missing_module.py").write_text(SUITE, encoding="utf-8")
    return tmp_path


def test_skips_stay_skips_outside_ci(suite):
    result = _run(suite, ci=None)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 3 skipped, 1 xfailed" in result.stdout, result.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_skips_fail_under_ci(suite, ci):
    (suite / "test_missing_module.py").unlink()
    result = _run(suite, ci=ci)
    assert result.returncode == 1, result.stdout
    assert "skipped under CI=true: frobnicate is not installed" in result.stdout
    assert "skipped under CI=true: needs frobnicate" in result.stdout
    # A skip in the test fails it; a skip mark fails its set-up, which pytest counts as an error.
    assert result.stdout.splitlines()[-1].startswith("1 failed, 1 passed, 1 xfailed, 1 error"), (
        result.stdout)


def test_a_module_skipped_at_import_is_an_error_under_ci(suite):
    result = _run(suite, ci="true")
    assert result.returncode == 2, result.stdout  # pytest stops: an error during collection
    assert "skipped under CI=true: could not import 'surely_not_an_installed_module'" in result.stdout
