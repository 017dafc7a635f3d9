"""The benchmark still runs (a smoke test: its timings are not checked here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz `dot`")
def test_benchmark_smoke_size_runs_and_prints_its_table(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--size", "smoke", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for heading in ("| measure |", "| target |", "warm build, cjm ÷ baseline", "`cjm validate` wall time"):
        assert heading in result.stdout, result.stdout
    assert (tmp_path / "results-smoke.json").is_file()


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz `dot`")
def test_benchmark_scale_path_runs_and_prints_its_table(tmp_path):
    """`--size scale` takes an hour; the same code on two tiny sites."""
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--size", "scale-smoke", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ("plugin per map, warm build (ms)", "`mkdocs serve --dirty` until the page is rebuilt",
                "`cjm validate` again, one map changed ÷ first run", "peak memory (MB)"):
        assert row in result.stdout, result.stdout
    assert (tmp_path / "results-scale-smoke.json").is_file()
