"""Build real MkDocs sites in temporary folders, as a user's `mkdocs build` would."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

REPO = Path(__file__).resolve().parent.parent


def make_site(root: Path, maps: dict[str, str] | None = None, config: dict | None = None,
              docs: dict[str, str] | None = None, example_maps: bool = False) -> Path:
    """Write mkdocs.yml, docs/ and maps/ under `root`; returns the mkdocs.yml path."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "maps").mkdir(exist_ok=True)
    if example_maps:
        for path in (REPO / "maps").iterdir():
            if path.suffix == ".yml":
                shutil.copy(path, root / "maps" / path.name)
    for name, text in (maps or {}).items():
        (root / "maps" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    for name, text in (docs or {"index.md": "# Home\n\nWelcome.\n"}).items():
        target = root / "docs" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    settings = {
        "site_name": "Test site",
        "site_url": "https://example.org/",
        "theme": {"name": "material"},
        "plugins": ["search", "cjm"],
        "markdown_extensions": ["attr_list", "md_in_html", "admonition", "tables"],
    }
    settings.update(config or {})
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return config_file


def build_site(config_file: Path, strict: bool = True, site_dir: Path | None = None) -> Path:
    """Run a full build with the startup and shutdown events; returns the site folder."""
    site_dir = site_dir or config_file.parent / "site"
    config = load_config(str(config_file), strict=strict, site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site_dir


def read(site: Path, url_path: str) -> str:
    """The HTML of a page by its URL path (`journeys/x/` -> journeys/x/index.html)."""
    path = site / url_path
    if url_path.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path.read_text(encoding="utf-8")


MINIMAL_MAP = """\
persona:
  name: Minimal persona
stages:
  - name: Awareness
    touchpoints:
      - {name: Poster, channel: print}
  - name: Purchase
    touchpoints:
      - {name: Checkout page, channel: web}
"""
