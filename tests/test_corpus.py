"""Issues 8 and 14: the whole corpus (tests/corpus/) through the real commands, in a child
process that may use at most 1 GiB of address space (`RLIMIT_AS`).

tests/corpus_runner.py runs every case; this module starts it once and turns each case's
result into a test. A case fails on a traceback, an exception out of `cjm` or MkDocs, a hang,
MemoryError (over the limit), a raw control or bidi character or an endless line in the
output, a change outside the project (or to maps/ and docs/ that the case did not ask
for), or any expectation of its own in cases.yml (exit code, messages, pages).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from corpus_runner import CASES_FILE, load_cases

RUNNER = Path(__file__).resolve().parent / "corpus_runner.py"
ADDRESS_SPACE = 2**30  # 1 GiB, for the whole runner: Python, MkDocs, Material and cjm
CASES = load_cases()


def _limit_memory() -> None:  # in the child, before it starts
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus") / "results.json"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1",
               # glibc gives each thread (the `dot` pool) a 64 MiB arena of address space.
               MALLOC_ARENA_MAX="2")
    process = subprocess.run([sys.executable, str(RUNNER), "--out", str(out)], env=env,
                             preexec_fn=_limit_memory, capture_output=True, text=True,
                             timeout=1500)
    assert out.is_file(), process.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    data["returncode"], data["stderr"] = process.returncode, process.stderr
    return data


def test_the_runner_ran_every_case_under_the_limit(results):
    assert results["returncode"] == 0 and results["summary"]["done"], results["stderr"][-3000:]
    assert results["summary"]["address_space_limit"] == ADDRESS_SPACE
    assert results["summary"]["peak_rss"] < ADDRESS_SPACE
    assert set(results["results"]) == set(CASES)


def test_the_corpus_covers_every_class_of_issue_14():
    """Several cases of our own for each of the 19 classes of issue 14: map files named
    `invalid/cNN-...`, projects with `class: NN`, and `serve:` cases (tests/test_serve.py)."""
    serve = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["serve"]
    classes = [case.get("class") for case in [*CASES.values(), *serve.values()]]
    classes += [int(name[len("invalid/c"):][:2]) for name in CASES if name.startswith("invalid/c")]
    counts = {n: classes.count(n) for n in range(1, 20)}
    assert min(counts.values()) >= 3, counts


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(results, name):
    result = results["results"].get(name)
    assert result is not None, f"{name} did not run (the runner stopped before it)"
    assert result["problems"] == [], "\n".join(result["problems"])
