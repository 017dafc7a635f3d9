"""The benchmark still runs (a smoke test: its timings are not checked here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _bench(size: str, out: Path) -> str:
    """The benchmark's printed table at `size`; fails with its error output."""
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--size", size, "--out", str(out)],
        capture_output=True, text=True, timeout=600, cwd=out,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (out / f"results-{size}.json").is_file()
    return result.stdout


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz `dot`")
def test_benchmark_smoke_size_runs_and_prints_its_table(tmp_path):
    printed = _bench("smoke", tmp_path)
    for heading in ("| measure |", "| target |", "warm build, cjm ÷ baseline", "`cjm validate` wall time"):
        assert heading in printed, printed


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz `dot`")
def test_benchmark_scale_path_runs_and_prints_its_table(tmp_path):
    """`--size scale` takes an hour; the same code on two tiny sites."""
    printed = _bench("scale-smoke", tmp_path)
    for row in ("plugin per map, warm build (ms)", "`mkdocs serve --dirty` until the page is rebuilt",
                "`cjm validate` again, one map changed ÷ first run", "peak memory (MB)"):
        assert row in printed, printed
