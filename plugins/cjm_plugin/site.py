"""Everything a site needs from the maps, independent of the site engine.

Used by the MkDocs plugin and by `cjm generate` (plain files for other engines).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .assets import STYLESHEET
from .catalog import Project
from .diagnostics import Diagnostic
from .pages import GeneratedPage, PageOptions, build_pages


@dataclass(frozen=True)
class Asset:
    src: str
    content: str | bytes


@dataclass
class SiteOptions:
    pages: PageOptions = field(default_factory=PageOptions)
    diagrams: bool = True
    on_missing_dot: str = "warn"
    dot_timeout: float = 30.0
    render_jobs: int | None = None
    cache_dir: Path = Path(".cache/plugin/cjm")


@dataclass
class SiteBuild:
    project: Project
    pages: list[GeneratedPage] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    messages: list[Diagnostic] = field(default_factory=list)  # from rendering, not loading
    fatal: str | None = None  # a reason to stop the build (dot missing with on_missing_dot=fail)
    dot_runs: int = 0


def build_site(project: Project, options: SiteOptions, problems: list[Diagnostic] | None = None) -> SiteBuild:
    site = SiteBuild(project)
    diagrams: dict[tuple[str, str], str] = {}
    site.pages = build_pages(project, options.pages, diagrams, problems)
    site.assets = [Asset(options.pages.paths.stylesheet, STYLESHEET)]
    return site
