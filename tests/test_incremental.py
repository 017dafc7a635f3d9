"""Rebuilds reuse generated pages whose maps did not change, and `--dirty` skips them."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from cjm_plugin import pages as pages_module
from sitebuild import MINIMAL_MAP, make_site

OTHER_MAP = MINIMAL_MAP.replace("Minimal persona", "Other persona")


def _build(config_file: Path, dirty: bool = False, site_dir: Path | None = None):
    site_dir = site_dir or config_file.parent / "site"
    config = load_config(str(config_file), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=dirty)
    try:
        build(config, dirty=dirty)
    finally:
        config.plugins.on_shutdown()
    return config.plugins["cjm"], site_dir


def _stored(root: Path) -> dict[str, int]:
    files = root / ".cache" / "plugin" / "cjm" / "site" / "files"
    return {p.relative_to(files).as_posix(): p.stat().st_mtime_ns for p in files.rglob("*") if p.is_file()}


def _digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and p.suffix != ".gz"}


def _count_generated(monkeypatch) -> list[str]:
    made: list[str] = []
    original = pages_module.PageBuilder._render

    def render(self, template, src, *args, **kwargs):
        made.append(src)
        return original(self, template, src, *args, **kwargs)

    monkeypatch.setattr(pages_module.PageBuilder, "_render", render)
    return made


def test_a_warm_build_generates_nothing_and_rewrites_nothing(tmp_path, monkeypatch):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP, "o.yml": OTHER_MAP})
    plugin, _ = _build(config)
    assert plugin.site.dot_runs > 0
    before = _stored(tmp_path)
    assert "journeys/m/index.md" in before and "journeys/index.md" in before
    made = _count_generated(monkeypatch)
    time.sleep(0.01)
    plugin, _ = _build(config)
    assert made == []
    assert plugin.site.dot_runs == 0
    assert _stored(tmp_path) == before


def test_one_map_edited_regenerates_its_pages_and_the_pages_across_maps(tmp_path, monkeypatch):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP, "o.yml": OTHER_MAP})
    _build(config)
    before = _stored(tmp_path)
    made = _count_generated(monkeypatch)
    (tmp_path / "maps" / "o.yml").write_text(OTHER_MAP.replace("Poster", "Billboard"), encoding="utf-8")
    time.sleep(0.01)
    plugin, site = _build(config)
    assert not any(src.startswith("journeys/m/") for src in made)
    assert "journeys/o/index.md" in made and "journeys/touchpoints.md" in made
    after = _stored(tmp_path)
    assert after["journeys/m/index.md"] == before["journeys/m/index.md"]
    assert after["journeys/o/awareness.md"] != before["journeys/o/awareness.md"]
    # Same bytes as a build from scratch.
    fresh = tmp_path / "fresh"
    make_site(fresh, maps={"m.yml": MINIMAL_MAP, "o.yml": OTHER_MAP.replace("Poster", "Billboard")})
    _, fresh_site = _build(fresh / "mkdocs.yml")
    assert _digest(site) == _digest(fresh_site)


def test_a_dirty_build_rebuilds_only_the_pages_that_changed(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP, "o.yml": OTHER_MAP})
    _, site = _build(config)
    before = {p: p.stat().st_mtime_ns for p in site.rglob("index.html")}
    time.sleep(0.05)
    (tmp_path / "maps" / "o.yml").write_text(OTHER_MAP.replace("Poster", "Billboard"), encoding="utf-8")
    _build(config, dirty=True)
    changed = {p.relative_to(site).as_posix() for p, mtime in before.items() if p.stat().st_mtime_ns != mtime}
    assert "journeys/o/awareness/index.html" in changed
    assert "journeys/touchpoints/index.html" in changed
    assert "journeys/m/index.html" not in changed and "journeys/m/awareness/index.html" not in changed
    assert "Billboard" in (site / "journeys/o/awareness/index.html").read_text(encoding="utf-8")


def test_a_removed_map_leaves_no_stored_pages_and_a_lost_file_is_made_again(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP, "o.yml": OTHER_MAP})
    _build(config)
    (tmp_path / "maps" / "o.yml").unlink()
    _build(config)
    assert not any(src.startswith("journeys/o/") for src in _stored(tmp_path))
    lost = tmp_path / ".cache/plugin/cjm/site/files/journeys/m/index.md"
    lost.unlink()
    _, site = _build(config)
    assert lost.is_file()
    assert "Minimal persona" in (site / "journeys/m/index.html").read_text(encoding="utf-8")


def test_changed_options_regenerate_the_pages(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP})
    _build(config)
    make_site(tmp_path, maps={"m.yml": MINIMAL_MAP}, config={"use_directory_urls": False})
    _, site = _build(config)
    page = (site / "journeys/m/index.html").read_text(encoding="utf-8")
    assert "awareness.html" in page
