"""`cjm validate` before and after a change, in one run: two copies of cjm's code alternated
with the floor (PyYAML's C loader only), each a first run (empty cache) and a run after one
map was edited; medians of the child processes' CPU time and wall time.

    git worktree add /tmp/before <commit>        # the code to compare against
    .venv/bin/python bench/validate_ab.py /tmp/before/plugins plugins --personas 200

Uses run.py's corpus, edit and floor, so its figures compare with the benchmark's.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402 - the benchmark's corpus, edit and floor


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of one command; exits when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"validate_ab: {' '.join(command[-2:])} failed:\n{result.stdout}{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="folder holding the cjm_plugin package to compare against")
    parser.add_argument("after", help="folder holding the changed cjm_plugin package")
    parser.add_argument("--personas", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user's machine: see run.py
    code = {"before": str(Path(args.before).resolve()), "after": str(Path(args.after).resolve())}
    work = Path(tempfile.mkdtemp(prefix="cjm-validate-ab-"))
    try:
        corpus = run.Corpus(work, args.personas)
        maps = corpus.cjm / "maps"
        maps.mkdir(parents=True)
        (maps / "_vocabulary.yml").write_text(run.dump(run.vocabulary()), encoding="utf-8")
        for pid, data in corpus.maps.items():
            corpus.map_file(pid).write_text(run.dump(data), encoding="utf-8")
        (corpus.cjm / ".git").mkdir()  # the project folder, where the validation cache goes
        edited, original = corpus.map_file(corpus.edit_id), corpus.map_file(corpus.edit_id).read_text()
        found: dict[str, list[tuple[float, float]]] = {}
        for rep in range(args.repeat):
            for name in (["before", "after"] if rep % 2 == 0 else ["after", "before"]):
                env = dict(os.environ, PYTHONPATH=code[name])
                found.setdefault("floor", []).append(
                    timed(run.python_cmd("-c", run.FLOOR, str(maps)), corpus.cjm, env))
                shutil.rmtree(corpus.cjm / ".cache", ignore_errors=True)
                found.setdefault(f"{name} first", []).append(
                    timed(run.cjm_cmd("validate", str(maps)), corpus.cjm, env))
                edited.write_text(run.dump(run.edited(corpus.maps[corpus.edit_id], 100 + rep)),
                                  encoding="utf-8")
                found.setdefault(f"{name} again", []).append(
                    timed(run.cjm_cmd("validate", str(maps)), corpus.cjm, env))
                edited.write_text(original, encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    medians = {key: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
               for key, runs in found.items()}
    print(f"`cjm validate`, {args.personas} personas, median of {args.repeat} (wall / CPU seconds)\n")
    print("| | first run | again, one map changed | first ÷ floor | again ÷ first |")
    print("| --- | ---: | ---: | ---: | ---: |")
    floor = medians["floor"]
    for name in ("before", "after"):
        first, again = medians[f"{name} first"], medians[f"{name} again"]
        print(f"| {name} | {first[0]:.2f} / {first[1]:.2f} | {again[0]:.2f} / {again[1]:.2f}"
              f" | {first[0] / floor[0]:.2f} / {first[1] / floor[1]:.2f}"
              f" | {again[0] / first[0]:.2f} / {again[1] / first[1]:.2f} |")
    print(f"| floor | {floor[0]:.2f} / {floor[1]:.2f} | | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
