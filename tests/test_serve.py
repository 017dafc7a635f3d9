"""`mkdocs serve` on a free local port: map edits show up, broken maps keep the last good page."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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
