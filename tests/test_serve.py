"""`mkdocs serve` on a free local port: map edits show up, broken maps keep the last good page."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from corpus_runner import apply_spec

from sitebuild import MINIMAL_MAP, make_site


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(predicate, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def served(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP})
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield tmp_path, f"http://127.0.0.1:{port}", tmp_path / "serve.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_serve_reloads_a_map_edit_and_keeps_the_last_good_state(served):
    root, base, log = served
    page_url = f"{base}/journeys/m/purchase/"
    _wait_for(lambda: "Checkout page" in (_get(page_url) or ""), what="first build")

    map_file = root / "maps" / "m.yml"
    map_file.write_text(MINIMAL_MAP.replace("Checkout page", "One-click checkout"), encoding="utf-8")
    _wait_for(lambda: "One-click checkout" in (_get(page_url) or ""), what="rebuild after edit")

    # A typo while typing: the error is logged with file:line:col, the page stays up.
    map_file.write_text(MINIMAL_MAP.replace("touchpoints:", "touchpoint:", 1), encoding="utf-8")
    _wait_for(lambda: "maps/m.yml:5:5: unknown key `touchpoint`" in log.read_text(), what="error in log")
    time.sleep(1)
    assert "One-click checkout" in (_get(page_url) or "")
    index = _get(f"{base}/journeys/") or ""
    assert "Some maps have problems" in index

    map_file.write_text(MINIMAL_MAP.replace("Checkout page", "Fixed checkout"), encoding="utf-8")
    _wait_for(lambda: "Fixed checkout" in (_get(page_url) or ""), what="rebuild after fix")
    assert "Some maps have problems" not in (_get(f"{base}/journeys/") or "")


# --- a crash in cjm while serving: a message, and the last good site ----------------------

# A hook (mkdocs.yml `hooks:`, loaded again at every rebuild) that makes cjm crash in the
# middle of a rebuild while a marker file exists: in site generation (on_files) or while
# inserting a view into a hand-written page (on_page_content).
CRASH_HOOK = '''
from pathlib import Path

import cjm_plugin.embeds as embeds
import cjm_plugin.plugin as plugin

HERE = Path(__file__).parent


def _crash_when(marker, real):
    def run(*args, **kwargs):
        if (HERE / marker).exists():
            raise RecursionError(f"injected crash ({marker})")
        return real(*args, **kwargs)
    run.cjm_real = getattr(real, "cjm_real", real)
    return run


plugin.build_site = _crash_when("crash-site", getattr(plugin.build_site, "cjm_real", plugin.build_site))
embeds.EmbedRenderer.render = _crash_when(
    "crash-embed", getattr(embeds.EmbedRenderer.render, "cjm_real", embeds.EmbedRenderer.render))
'''

REPORT = "# Report\n\n```cjm\nshow: touchpoints\npersona: m\n```\n\nAfter the view.\n"


@pytest.fixture
def crashable(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP},
                       docs={"index.md": "# Home\n\nWelcome.\n", "report.md": REPORT},
                       config={"hooks": ["hooks.py"]})
    (tmp_path / "hooks.py").write_text(CRASH_HOOK, encoding="utf-8")
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield tmp_path, f"http://127.0.0.1:{port}", tmp_path / "serve.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _edit(map_file: Path, old: str, new: str) -> None:
    map_file.write_text(map_file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("marker", ["crash-site", "crash-embed"])
def test_a_crash_while_serving_keeps_the_last_good_site_and_says_so(crashable, marker):
    root, base, log = crashable
    stage, report, home = f"{base}/journeys/m/purchase/", f"{base}/report/", f"{base}/"
    _wait_for(lambda: "Checkout page" in (_get(report) or ""), what="first build")
    map_file = root / "maps" / "m.yml"

    (root / marker).write_text("", encoding="utf-8")
    _edit(map_file, "Checkout page", "Edited checkout")
    _wait_for(lambda: "injected crash" in log.read_text(), what="the crash in the log")
    text = log.read_text()
    assert "cjm: unexpected error while building (RecursionError: injected crash" in text
    # A crash in site generation keeps the last good pages; one in a view, only that view.
    assert ("showing the last good pages" in text) == (marker == "crash-site")
    assert "Traceback" not in text and "server will appear stuck" not in text
    # Every page answers, the unrelated one too, and says what happened.
    pages = {url: BeautifulSoup(_get(url) or "", "html.parser").get_text(" ") for url in (home, stage, report)}
    assert all(pages.values()), pages
    assert "Welcome." in pages[home] and "After the view." in pages[report]
    if marker == "crash-site":  # the generated pages are the last good ones; all pages say so
        assert "Checkout page" in pages[stage] and "Edited checkout" not in pages[stage]
        assert all("cjm: the last change could not be built" in page for page in pages.values())
    else:  # the view could not be inserted: that page says so instead, the others are fine
        assert "cjm could not show this block" in pages[report]
        assert "Edited checkout" in pages[stage] and "could not" not in pages[home]

    (root / marker).unlink()
    _edit(map_file, "Edited checkout", "Fixed checkout")
    _wait_for(lambda: "Fixed checkout" in (_get(report) or "") and "Fixed checkout" in (_get(stage) or ""),
              what="rebuild after the fix")
    assert "could not be built" not in (_get(home) or "")


def test_serving_without_a_maps_folder_keeps_answering(crashable):
    root, base, log = crashable
    stage = f"{base}/journeys/m/purchase/"
    _wait_for(lambda: "Checkout page" in (_get(stage) or ""), what="first build")
    (root / "maps").rename(root / "maps-moved")
    (root / "docs" / "index.md").write_text("# Home\n\nChanged.\n", encoding="utf-8")
    _wait_for(lambda: "maps folder `maps` not found" in log.read_text(), what="the message")
    _wait_for(lambda: "Changed." in (_get(f"{base}/") or ""), what="the rebuilt home page")
    assert "Checkout page" in (_get(stage) or "")
    (root / "maps-moved").rename(root / "maps")


# --- hostile input while serving (tests/corpus/cases.yml, `serve:`) -----------------------

SERVE_CASES = yaml.safe_load((Path(__file__).parent / "corpus" / "cases.yml").read_text(encoding="utf-8"))["serve"]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))


@pytest.mark.parametrize("name", sorted(SERVE_CASES))
def test_hostile_input_while_serving_keeps_every_page_answering(tmp_path, name):
    case = SERVE_CASES[name]
    root, outside = tmp_path / "project", tmp_path / "outside"
    outside.mkdir()
    config = make_site(root, maps={"m.yml": MINIMAL_MAP})
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_file = root / "serve.log"
    with log_file.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
            cwd=root, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_limit_memory,
            env=dict(os.environ, MALLOC_ARENA_MAX="2", NO_MKDOCS_2_WARNING="1"))
        try:
            stage = f"{base}/journeys/m/purchase/"
            _wait_for(lambda: "Checkout page" in (_get(stage) or ""), what="first build")
            apply_spec(case["change"], root, {"outside": outside, "project": root})
            _wait_for(lambda: case["log"] in log_file.read_text(), what=case["log"])
            time.sleep(0.5)
            home = _get(f"{base}/") or ""
            assert "Welcome." in home
            if ".cache" not in str(case["change"]):  # else the last good pages sit behind the link
                assert "Checkout page" in (_get(stage) or "")
            text = log_file.read_text()
            assert "Traceback" not in text and "appear stuck" not in text, text[-3000:]
            assert process.poll() is None
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    assert list(outside.iterdir()) == [] or name != "c04-serve-cache-link"


# --- a slow site: `serve` says once that `--dirty` rebuilds only what a save changes ----------

# Every build counts as slow: a site that takes 10 s to build would make this test a minute long.
SLOW_HOOK = "import cjm_plugin.plugin as plugin\n\nplugin.SLOW_SERVE_SECONDS = 0.0\n"


@pytest.mark.parametrize("dirty", [False, True])
def test_a_slow_serve_suggests_dirty_once(tmp_path, dirty):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP}, config={"hooks": ["hooks.py"]})
    (tmp_path / "hooks.py").write_text(SLOW_HOOK, encoding="utf-8")
    port = _free_port()
    log_file = tmp_path / "serve.log"
    page_url = f"http://127.0.0.1:{port}/journeys/m/purchase/"
    with log_file.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}",
             *(["--dirty"] if dirty else [])],
            cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(lambda: "Checkout page" in (_get(page_url) or ""), what="first build")
            _edit(tmp_path / "maps" / "m.yml", "Checkout page", "One-click checkout")
            _wait_for(lambda: "One-click checkout" in (_get(page_url) or ""), what="rebuild")
        finally:
            process.terminate()
            process.wait(timeout=10)
    output = log_file.read_text(encoding="utf-8")
    hint = "`mkdocs serve --dirty` rebuilds only the pages a save changes"
    assert output.count(hint) == (0 if dirty else 1), output
    if not dirty:
        assert "journey pages), and `mkdocs serve` builds every page again" in output
