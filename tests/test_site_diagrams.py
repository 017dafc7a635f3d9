"""Diagrams in real site builds: dot runs counted through a wrapper on PATH, failures reported."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import Abort

from sitebuild import MINIMAL_MAP, build_site, make_site, read

REAL_DOT = shutil.which("dot")
pytestmark = pytest.mark.skipif(REAL_DOT is None, reason="Graphviz `dot` is not installed")


def _wrapper(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "dot"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


@pytest.fixture
def counting_dot(tmp_path, monkeypatch):
    log = tmp_path / "dot-runs.log"
    folder = _wrapper(tmp_path / "bin", f'echo "$@" >> "{log}"\nexec "{REAL_DOT}" "$@"\n')
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")

    def runs() -> int:
        count = len(log.read_text().splitlines()) if log.exists() else 0
        log.unlink(missing_ok=True)
        return count

    return runs


def test_dot_runs_cold_warm_and_after_one_edit(tmp_path, counting_dot):
    root = tmp_path / "site"
    config = make_site(root, example_maps=True)
    maps = sorted(p for p in (root / "maps").glob("*.yml") if not p.name.startswith("_"))
    build_site(config)
    cold = counting_dot()
    # `dot -V` once, then a journey per map: the canvas, the emotion charts and the index
    # heatmap are drawn without `dot` (emotion_charts.py).
    assert cold == 1 + len(maps)

    build_site(config)
    assert counting_dot() == 0  # nothing changed: every SVG from the cache

    edited = root / "maps" / "theatre-goer.yml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Spots the show", "Sees the poster"),
                      encoding="utf-8")
    build_site(config)
    # That map's journey only.
    assert counting_dot() == 1


def test_persona_page_has_clickable_diagrams_and_dot_download(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP})
    site = build_site(config)
    soup = BeautifulSoup(read(site, "journeys/m/"), "html.parser")
    svgs = soup.select("article .cjm-diagram svg")
    assert len(svgs) == 1  # the journey (the canvas above it draws the emotion curve)
    links = {a.get("xlink:href") or a.get("href") for a in svgs[0].find_all("a")}
    assert {"awareness/", "purchase/"} <= links
    for svg in svgs:
        assert svg.find("title") is not None and svg.get("aria-labelledby")
    download = soup.select_one(".cjm-diagram-links a")["href"]
    assert (site / "journeys/m" / download).read_text(encoding="utf-8").startswith(("digraph", "graph", "strict"))
    assert "Poster" in svgs[0].get_text()
    # The emotion charts are no Graphviz diagrams any more: no DOT of them.
    assert not (site / "journeys/m/m-emotion.dot").exists()


def test_diagram_embed_links_resolve_from_the_embedding_page(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP},
                       docs={"index.md": "# Home\n", "a/b/report.md": "# R\n\n```cjm\nshow: journey\npersona: m\n```\n"})
    site = build_site(config)
    soup = BeautifulSoup(read(site, "a/b/report/"), "html.parser")
    hrefs = {a.get("xlink:href") or a.get("href") for a in soup.select("article svg a")} - {None}
    assert "../../../journeys/m/purchase/" in hrefs
    for href in hrefs:
        assert (site / "a/b/report" / href / "index.html").resolve().is_file(), href


def test_missing_dot_builds_without_diagrams_and_says_so(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PATH", str(_wrapper(tmp_path / "empty-bin", "exit 127\n").parent / "nothing"))
    config = make_site(tmp_path / "site", maps={"m.yml": MINIMAL_MAP})
    site = build_site(config, strict=False)
    notice = BeautifulSoup(read(site, "journeys/m/"), "html.parser").select_one(".cjm-diagram-missing")
    assert "apt-get install graphviz" in notice.get_text()
    assert any("apt-get install graphviz" in r.getMessage() for r in caplog.records)


def test_missing_dot_fails_when_asked(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    config = make_site(tmp_path / "site", maps={"m.yml": MINIMAL_MAP},
                       config={"plugins": ["search", {"cjm": {"on_missing_dot": "fail"}}]})
    with pytest.raises(Abort):
        build_site(config, strict=False)
    assert "brew install graphviz" in caplog.text


@pytest.mark.parametrize("body, expected", [
    ('[ "$1" = "-V" ] && exec "{dot}" "$@"\necho "Error: syntax error in line 1" >&2\nexit 1\n', "syntax error"),
    ('[ "$1" = "-V" ] && exec "{dot}" "$@"\nsleep 30\n', "did not finish within 2 s"),
])
def test_failing_or_hanging_dot_is_reported_against_the_map(tmp_path, monkeypatch, caplog, body, expected):
    folder = _wrapper(tmp_path / "bin", body.format(dot=REAL_DOT))
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    config = make_site(tmp_path / "site", maps={"m.yml": MINIMAL_MAP},
                       config={"plugins": ["search", {"cjm": {"dot_timeout": 2}}]})
    with pytest.raises(Abort):  # an error message fails the strict build
        build_site(config, strict=True)
    messages = [r.getMessage() for r in caplog.records if r.getMessage().startswith("maps/m.yml")]
    assert messages and expected in " ".join(messages).lower(), messages
    assert "Traceback" not in caplog.text
