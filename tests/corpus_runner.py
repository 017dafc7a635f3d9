"""Runs every case of tests/corpus/ the way a user would, and reports what each did.

    python tests/corpus_runner.py --out results.json [NAME ...]

tests/test_corpus.py starts this in a child process under an address-space limit
(`RLIMIT_AS`, 1 GiB), so that a case that needs more memory fails with MemoryError there
instead of slowing the machine down. The cases run one after another in that process, each
in a fresh temporary project: `cjm ...` through `cjm_plugin.cli.main` and `mkdocs ...`
through MkDocs' own command line (click), with stdout, stderr and the log captured. A case
that takes longer than its time limit is stopped (SIGALRM) and counted as a hang.

The cases:
- every file of `invalid:` in cases.yml: `cjm validate FILE`, run from tests/corpus/;
- every file of `valid:`, together: `mkdocs build --strict` of one site;
- every case of `sites:`: a small project (maps, docs, links, named pipes, sparse files,
  a folder outside it) and the commands to run on it, with what they must do.

What every case must do, besides its own expectations (see `check_case`): no Python
traceback and no exception out of the tool, no hang, one message per line (no raw control
or bidi characters, no line over 2,000 characters), and no change outside the project, nor
to maps/ and docs/ unless the case says a command writes there.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import io
import json
import logging
import os
import re
import resource
import shlex
import shutil
import signal
import stat
import sys
import tempfile
import time
import traceback
import unicodedata
from pathlib import Path

import yaml

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES_FILE = CORPUS / "cases.yml"
STEP_SECONDS = 30  # a step that runs longer is a hang
MAX_LINE = 2000

BASE_CONFIG = {
    "site_name": "Corpus site",
    "site_url": "https://example.org/",
    "theme": {"name": "material"},
    "plugins": ["search", "cjm"],
    "markdown_extensions": ["attr_list", "md_in_html", "admonition", "tables",
                            "pymdownx.superfences", "pymdownx.details"],
}
HOME = "# Home\n\nWelcome.\n"


def load_cases() -> dict[str, dict]:
    """Every case by name: the old invalid files, the valid site, the new site cases."""
    data = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    cases: dict[str, dict] = {}
    for name in data["invalid"]:
        # test_hostile.py checks each message's place and words; here: the limits.
        cases[name] = {"corpus_file": name, "steps": [{
            "run": ["cjm", "validate", name], "exit": 1, "log": [f"{name}:"]}]}
    cases["valid/*"] = {"valid_corpus": sorted(data["valid"]), "steps": [{
        "run": "mkdocs build --strict", "exit": 0}]}
    for name, case in (data.get("sites") or {}).items():
        cases[f"sites/{name}"] = case
    return cases


# --- setting a case up -------------------------------------------------------------------

def _bytes(content) -> bytes:
    if isinstance(content, dict):
        if "base64" in content:
            return base64.b64decode(content["base64"])
        text = content.get("prefix", "") + content["text"] * content.get("repeat", 1) + content.get("suffix", "")
        return text.encode(content.get("encoding", "utf-8"), "surrogatepass")
    return str(content).encode("utf-8")


def _expand(text: str, places: dict[str, Path]) -> str:
    for key, path in places.items():
        text = text.replace("{" + key + "}", str(path))
    return text


def apply_spec(spec: dict, project: Path, places: dict[str, Path]) -> None:
    """Write what `spec` describes: files, maps, docs, links, pipes, sparse files."""
    groups = [("files", project), ("maps", project / "maps"), ("docs", project / "docs"),
              ("outside_files", places["outside"])]
    for key, folder in groups:
        for relative, content in (spec.get(key) or {}).items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_bytes(content))
    for relative, target in (spec.get("links") or {}).items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(path):
            path.unlink() if not path.is_dir() or path.is_symlink() else shutil.rmtree(path)
        os.symlink(_expand(target, places), path)
    for relative in spec.get("fifos") or []:
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
    for relative, size in (spec.get("sparse") or {}).items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as stream:
            stream.write(b"persona:\n  name: Sparse\n")
            stream.truncate(int(size))
    for relative in spec.get("remove") or []:  # before the rest of the next step's set-up
        path = project / relative
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif os.path.lexists(path):
            path.unlink()


def set_up(case: dict, base: Path) -> tuple[Path, dict[str, Path]]:
    """A fresh project for `case` in `base` (or the corpus folder itself for a file of
    `invalid:`); returns the folder to run in and the named places (`{outside}`)."""
    places = {"outside": base / "outside", "project": base / "project"}
    places["outside"].mkdir(parents=True)
    if "corpus_file" in case:
        places["project"] = CORPUS
        return CORPUS, places
    project = places["project"]
    project.mkdir(parents=True)
    if not case.get("no_maps_dir"):
        (project / "maps").mkdir()
    (project / "docs").mkdir()
    if "valid_corpus" in case:
        for name in case["valid_corpus"]:
            shutil.copyfile(CORPUS / name, project / "maps" / Path(name).name)
    if not case.get("no_config"):
        config = dict(BASE_CONFIG)
        config.update(case.get("config") or {})
        (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    docs = {"index.md": HOME, **(case.get("docs") or {})}
    apply_spec({**case, "docs": docs}, project, places)
    return project, places


# --- running a step ----------------------------------------------------------------------

class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang()


def run_step(command: str | list[str], folder: Path, places: dict[str, Path],
             seconds: float = STEP_SECONDS) -> dict:
    """Run one command in `folder`; {"exit", "output", "seconds", "error"}."""
    args = ([_expand(a, places) for a in command] if isinstance(command, list)
            else shlex.split(_expand(command, places)))
    tool, rest = args[0], args[1:]
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", write_through=True)
    mkdocs_logger = logging.getLogger("mkdocs")
    handlers = list(mkdocs_logger.handlers)
    error = None
    previous = os.getcwd()
    os.chdir(folder)
    start = time.perf_counter()
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
            if tool == "cjm":
                from cjm_plugin.cli import main

                code = main(rest)
            elif tool == "mkdocs":
                from mkdocs.__main__ import cli

                cli.main(rest, prog_name="mkdocs", standalone_mode=True)
                code = 0
            else:
                raise ValueError(f"unknown tool {tool}")
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except _Hang:
        code, error = "hang", f"still running after {seconds} s"
    except MemoryError:
        code, error = "memory", "MemoryError (over the address-space limit)\n" + traceback.format_exc()
    except BaseException:  # noqa: BLE001 - what the user would see as a traceback
        code, error = "exception", traceback.format_exc()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - start
        os.chdir(previous)
        for handler in mkdocs_logger.handlers:
            if handler not in handlers:
                mkdocs_logger.removeHandler(handler)
    stream.flush()
    output = raw.getvalue().decode("utf-8", "backslashreplace")
    return {"command": args, "exit": code, "output": output, "seconds": round(elapsed, 2), "error": error}


# --- what a case did to the files --------------------------------------------------------

def snapshot(folder: Path, skip: tuple[str, ...] = ("site", ".cache")) -> dict[str, str]:
    """What is in `folder` (links not followed, pipes not opened): path -> a fingerprint."""
    found: dict[str, str] = {}
    if not folder.exists():
        return found
    for current, folders, names in os.walk(folder):
        relative_folder = Path(current).relative_to(folder)
        if relative_folder == Path("."):
            folders[:] = [f for f in folders if f not in skip]
        for name in folders + names:
            path = Path(current, name)
            info = os.lstat(path)
            key = (relative_folder / name).as_posix()
            if stat.S_ISLNK(info.st_mode):
                found[key] = "link:" + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                if info.st_size > 16 * 2**20:  # sparse test files: not read
                    found[key] = f"file:{info.st_size}:{info.st_mtime_ns}"
                else:
                    found[key] = "file:" + hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISDIR(info.st_mode):
                found[key] = "folder"
            else:
                found[key] = f"other:{stat.S_IFMT(info.st_mode)}"
    return found


_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u0085\u2028\u2029]")


def _visible_problems(output: str) -> list[str]:
    found = []
    for line in output.splitlines():
        if len(line) > MAX_LINE:
            found.append(f"an output line is {len(line)} characters long: {line[:120]!r}…")
        bad = [ch for ch in line if _INVISIBLE.match(ch) or unicodedata.category(ch) == "Cf"]
        if bad:
            found.append(f"raw control or bidi characters {bad[:3]!r} in: {line[:160]!r}")
    return found


def _page_text(site: Path, url: str) -> str | None:
    from bs4 import BeautifulSoup

    path = site / url
    if url.endswith("/") or url == "" or path.is_dir():
        path = path / "index.html"
    if not path.is_file():
        return None
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article") or soup
    return " ".join(article.get_text(" ").split())


def check_case(case: dict, steps: list[dict], project: Path, before: dict, after: dict,
               outside_before: dict, outside_after: dict) -> list[str]:
    """Every way the case went wrong (empty: it did what it should)."""
    problems: list[str] = []
    for number, (spec, result) in enumerate(zip(case["steps"], steps), start=1):
        where = f"step {number} `{' '.join(result['command'])}`"
        if result["error"]:
            problems.append(f"{where}: {result['exit']}: {result['error'][-1500:]}")
        if "Traceback (most recent call last)" in result["output"]:
            problems.append(f"{where}: a traceback in the output:\n{result['output'][-1500:]}")
        problems += [f"{where}: {p}" for p in _visible_problems(result["output"])]
        expected = spec.get("exit")
        if expected is not None and result["exit"] != expected:
            problems.append(f"{where}: exit {result['exit']}, expected {expected}; output:\n"
                            f"{result['output'][-2000:]}")
        for text in spec.get("log") or []:
            if text not in result["output"]:
                problems.append(f"{where}: `{text}` not in the output:\n{result['output'][-2000:]}")
        for text in spec.get("no_log") or []:
            if text in result["output"]:
                problems.append(f"{where}: `{text}` in the output, it must not be")
    site = project / "site"
    for url, texts in (case.get("pages") or {}).items():
        text = _page_text(site, url)
        if text is None:
            problems.append(f"page {url} was not built")
            continue
        for wanted in texts or []:
            if " ".join(wanted.split()) not in text:
                problems.append(f"page {url}: `{wanted}` not in its text: {text[:600]!r}")
    for url, texts in (case.get("pages_without") or {}).items():
        text = _page_text(site, url) or ""
        for unwanted in texts:
            if unwanted in text:
                problems.append(f"page {url}: `{unwanted}` is in its text, it must not be")
    for url in case.get("no_pages") or []:
        if _page_text(site, url) is not None:
            problems.append(f"page {url} was built, it must not be")
    for relative, texts in (case.get("files_contain") or {}).items():
        path = project / relative
        content = path.read_bytes().decode("utf-8", "replace") if path.is_file() else None
        if content is None:
            problems.append(f"{relative} is missing")
        for wanted in texts if content is not None else []:
            if wanted not in content:
                problems.append(f"{relative}: `{wanted}` not in it")
    writes = tuple(case.get("writes") or ())
    changed = sorted(key for key in set(before) | set(after)
                     if before.get(key) != after.get(key) and not key.startswith(writes or ("\0",)))
    if changed:
        problems.append(f"changed in the project (outside site/ and .cache/): {changed[:10]}")
    if outside_before != outside_after and not case.get("outside_changes"):
        changed = sorted(k for k in set(outside_before) | set(outside_after)
                         if outside_before.get(k) != outside_after.get(k))
        problems.append(f"changed outside the project: {changed[:10]}")
    return problems


def run_case(case: dict, base: Path) -> dict:
    case = dict(case)
    if "run" in case:  # one step, its expectations beside it
        case["steps"] = [{key: case[key] for key in ("run", "exit", "log", "no_log") if key in case}]
    folder, places = set_up(case, base)
    project = places["project"]
    in_corpus = "corpus_file" in case
    before = {} if in_corpus else snapshot(project)
    outside_before = snapshot(places["outside"])
    results = []
    for spec in case["steps"]:
        apply_spec(spec.get("before") or {}, project, places)
        if spec.get("before"):
            before = snapshot(project)
        results.append(run_step(spec["run"], folder, places, spec.get("seconds", STEP_SECONDS)))
    after = {} if in_corpus else snapshot(project)
    problems = check_case(case, results, project, before, after,
                          outside_before, snapshot(places["outside"]))
    return {"steps": results, "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="write the results here (JSON)")
    parser.add_argument("names", nargs="*", help="run only these cases")
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    cases = load_cases()
    names = args.names or list(cases)
    results: dict[str, dict] = {}
    for name in names:
        with tempfile.TemporaryDirectory(prefix="cjm-corpus-") as folder:
            try:
                results[name] = run_case(cases[name], Path(folder))
            except BaseException:  # noqa: BLE001 - a broken case must not hide the others
                results[name] = {"steps": [], "problems": ["the runner failed:\n" + traceback.format_exc()]}
        _write_results(Path(args.out), results, done=False)
    _write_results(Path(args.out), results, done=True)
    return 0


def _write_results(path: Path, results: dict, done: bool) -> None:
    """Written after every case, so that a runner killed from outside still tells how far
    it got."""
    summary = {"done": done, "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
               "address_space_limit": resource.getrlimit(resource.RLIMIT_AS)[0]}
    path.write_text(json.dumps({"summary": summary, "results": results}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
