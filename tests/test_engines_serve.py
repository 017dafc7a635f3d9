"""`cjm serve zensical`: `cjm generate --watch` beside a real `zensical serve` on a free local
port. A map edit shows up on the generated pages and in a hand-written page's view; a broken
map keeps the last good pages (which say what is wrong); the fix comes through."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from cjm_plugin.workflow import Generator, Settings
from commands import env_with_tools, tool
from sitebuild import MINIMAL_MAP

CONFIG = """\
[project]
site_name = "Watch test"
watch = ["maps"]
exclude_docs = "SUMMARY.md"
extra_css = ["journeys/assets/cjm.css"]
extra_javascript = ["journeys/assets/cjm.js"]
nav = [{"Home" = "index.md"}, {"Report" = "report.md"}, {"Journeys" = "journeys/"}]

[project.plugins.literate-nav]

[project.markdown_extensions.tables]
[project.markdown_extensions.cjm]
diagrams = false
"""

REPORT = "# Report\n\n```cjm\nshow: touchpoints\npersona: m\nstage: purchase\n```\n\nAfter the view.\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(predicate, what: str, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _write(path: Path, text: str) -> None:
    # Zensical compares the watched files' modification times in whole seconds.
    time.sleep(1.1)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "maps").mkdir()
    (tmp_path / "docs/index.md").write_text("# Home\n\nWelcome.\n", encoding="utf-8")
    (tmp_path / "docs/report.md").write_text(REPORT, encoding="utf-8")
    (tmp_path / "maps/m.yml").write_text(MINIMAL_MAP, encoding="utf-8")
    (tmp_path / "zensical.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def test_cjm_serve_zensical_follows_map_edits_and_keeps_the_last_good_pages(project):
    cjm, zensical = tool("cjm"), tool("zensical")
    if cjm is None or zensical is None:
        pytest.skip("cjm and zensical must be installed (bash scripts/bootstrap.sh --test)")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = project / "serve.log"
    log = log_path.open("w")
    process = subprocess.Popen([cjm, "serve", "zensical", "-a", f"127.0.0.1:{port}", "--no-diagrams"],
                               cwd=project, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                               env=env_with_tools())
    stage, report, index = f"{base}/journeys/m/purchase/", f"{base}/report/", f"{base}/journeys/"
    map_file = project / "maps/m.yml"
    try:
        _wait_for(lambda: "Checkout page" in _get(stage) and "Checkout page" in _get(report), "first build")
        assert "After the view." in _get(report)

        _write(map_file, MINIMAL_MAP.replace("Checkout page", "One-click checkout"))
        _wait_for(lambda: "One-click checkout" in _get(stage), "the generated page after the edit")
        _wait_for(lambda: "One-click checkout" in _get(report), "the view in the hand-written page")

        # A typo while typing: the message names the file, line and column; pages stay up.
        _write(map_file, MINIMAL_MAP.replace("Checkout page", "One-click checkout")
               .replace("touchpoints:", "touchpoint:", 1))
        _wait_for(lambda: "maps/m.yml:5:5: unknown key `touchpoint`" in log_path.read_text(), "the error")
        _wait_for(lambda: "unknown key" in _get(index), "the journeys index saying what is wrong")
        time.sleep(2)
        assert "One-click checkout" in _get(stage) and "One-click checkout" in _get(report)
        assert "Checkout page" not in _get(stage)

        _write(map_file, MINIMAL_MAP.replace("Checkout page", "Fixed checkout"))
        _wait_for(lambda: "Fixed checkout" in _get(stage) and "Fixed checkout" in _get(report), "the fix")
        _wait_for(lambda: "unknown key" not in _get(index), "the index without the problem")
    finally:
        process.send_signal(signal.SIGTERM)  # cjm stops zensical serve, then itself
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
    assert _get(base + "/") == "", "zensical serve stopped with cjm"
    text = log_path.read_text()
    assert "Traceback" not in text, text


def test_live_generation_keeps_a_broken_maps_last_good_pages(project, capsys):
    """The generator behind --watch, without a server: the last good pages of a broken map,
    which say what is wrong; a plain run writes nothing instead."""
    messages: list[str] = []
    settings = Settings(maps=project / "maps", out=project / "docs", diagrams=False,
                        cache_dir=project / ".cache/plugin/cjm")
    live = Generator(settings, say=messages.append, warn=messages.append, live=True)
    assert live.run()
    page = project / "docs/journeys/m/purchase.md"
    assert "Checkout page" in page.read_text(encoding="utf-8")
    (project / "maps/m.yml").write_text(MINIMAL_MAP.replace("touchpoints:", "touchpoint:", 1), encoding="utf-8")
    assert live.run()
    assert "Checkout page" in page.read_text(encoding="utf-8")
    index = (project / "docs/journeys/index.md").read_text(encoding="utf-8")
    assert "Some maps have problems" in index and "unknown key" in index
    assert any("its pages show its last good version" in m for m in messages)
    plain = Generator(settings, say=messages.append, warn=messages.append)
    before = page.read_bytes()
    assert not plain.run()
    assert page.read_bytes() == before
    assert any("nothing written" in m for m in messages)



def test_an_unexpected_error_while_watching_is_one_line_not_a_traceback(project):
    """An error generation does not expect (here: a ValueError from the file system, for an
    output path no command line can give) must not end `cjm serve` with a traceback under
    the writer: one line says what happened, and the pages stay as they were."""
    messages: list[str] = []
    settings = Settings(maps=project / "maps", out=project / "do\0cs", diagrams=False,
                        cache_dir=project / ".cache/plugin/cjm")
    generator = Generator(settings, say=messages.append, warn=messages.append, live=True)
    with pytest.raises(ValueError):
        generator.run()
    assert generator.run_guarded() is False
    assert any(m.startswith("cjm: unexpected error while generating (ValueError:")
               and "the pages stay as they were" in m for m in messages), messages
